"""Icons by ID: our own SVGs in a light or dark variant, else the desktop theme's.

The SVGs ship inside the package (``bentosync/resources/icons``) and are found
with ``importlib.resources``, which works from a checkout, a wheel and a frozen
build alike, without ``sys._MEIPASS`` special cases. ``light/`` holds glyphs
drawn for light backgrounds, ``dark/`` for dark ones; the variant follows the
application palette, and :func:`clear_cache` lets the window reload after a
palette or theme change (qBittorrent ``UIThemeManager::getIcon``).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication, QIcon, QPalette

if TYPE_CHECKING:
    from importlib.abc import Traversable

logger = logging.getLogger(__name__)

APP_ICON = "bentosync"
ICON_NAMES = (
    # toolbar and menus
    "refresh",
    "push",
    "pull",
    "verify",
    "delete",
    "cancel",
    "import",
    "folder",
    "copy",
    "login",
    # pane headers and messages
    "cloud",
    "computer",
    "account",
    "warning",
    "error",
    "search",
    # the Sync column (core.sync_state.SyncState)
    "sync-in-sync",
    "sync-local-only",
    "sync-cloud-only",
    "sync-differs",
    "sync-reference",  # a Hugging Face reference: no archive, nothing to compare
    # per-file checksums (core.transfer.progress.ChecksumState)
    "checksum-pending",
    "checksum-hashing",
    "checksum-verified",
    "checksum-mismatch",
    "checksum-unverified",
)

# Freedesktop icon names used when we do not ship an icon of that ID.
_THEME_NAMES = {
    "refresh": "view-refresh",
    "warning": "dialog-warning",
    "error": "dialog-error",
    "search": "edit-find",
    "push": "go-up",
    "pull": "go-down",
    "verify": "security-high",
    "delete": "edit-delete",
    "cancel": "process-stop",
    "import": "folder-new",
    "folder": "folder",
    "copy": "edit-copy",
    "login": "system-log-out",
    "cloud": "network-server",
    "computer": "computer",
    "account": "user-identity",
    APP_ICON: "io.bentosync.BentoSync",
}

_cache: dict[tuple[str, bool], QIcon] = {}
_files = contextlib.ExitStack()
atexit.register(_files.close)


def _icons_dir() -> Traversable:
    return resources.files("bentosync").joinpath("resources").joinpath("icons")


def _as_path(resource: Traversable) -> Path | None:
    """A filesystem path for a packaged file; extracted once if the package is zipped."""
    if not resource.is_file():
        return None
    if isinstance(resource, Path):
        return resource
    return _files.enter_context(resources.as_file(resource))


def prefers_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is dark, so light glyphs are needed."""
    if palette is None:
        palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def icon_path(name: str, dark: bool | None = None) -> Path | None:
    """The shipped SVG for ``name`` in the variant for the current palette, if any."""
    if dark is None:
        dark = prefers_dark()
    root = _icons_dir()
    candidates = [root.joinpath(f"{name}.svg")]
    variant = "dark" if dark else "light"
    candidates.insert(0, root.joinpath(variant).joinpath(f"{name}.svg"))
    for candidate in candidates:
        path = _as_path(candidate)
        if path is not None:
            return path
    return None


def icon(name: str) -> QIcon:
    """The icon for ``name`` in the current palette's variant.

    A null QIcon (and a log line) if neither we nor the theme provide it. The
    cache is keyed by variant too, so a window made after a switch to dark
    mode never gets a glyph drawn for light backgrounds.
    """
    dark = prefers_dark()
    cached = _cache.get((name, dark))
    if cached is not None:
        return cached
    path = icon_path(name, dark)
    if path is not None:
        found = QIcon(str(path))
    else:
        found = QIcon.fromTheme(_THEME_NAMES.get(name, name))
        if found.isNull():
            logger.warning("No icon named %r, shipped or in the theme", name)
    _cache[(name, dark)] = found
    return found


def app_icon() -> QIcon:
    return icon(APP_ICON)


def clear_cache() -> None:
    """Forget loaded icons, e.g. after the icon theme changed."""
    _cache.clear()
