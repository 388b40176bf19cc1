"""The one-time hint shown when a token is used straight from ``.yatai.yaml``.

Using the official client's plaintext file works, but the user should learn
once that ``bentosync login --import-yatai`` moves the token into the system
keyring, and then not be nagged on every command. Whether the hint was shown is
remembered per file path with a small marker under the user state dir; the
marker holds the path only, never the token or anything else from the file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from pathlib import Path

from bentosync.core import appdirs

logger = logging.getLogger(__name__)

__all__ = ["Notice", "hint_text", "markers_dir", "show_once"]

Notice = Callable[[str], None]


def markers_dir() -> Path:
    return appdirs.state_dir() / "yatai-hints"


def _marker(path: Path) -> Path:
    key = str(path.expanduser().absolute())
    return markers_dir() / hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()


def hint_text(path: Path, context: str) -> str:
    return (
        f"using the bentoml CLI's login {context!r} from {path}, where its token sits in a "
        "plaintext file. `bentosync login --import-yatai` moves it into the system keyring. "
        "(This hint is shown once.)"
    )


def _remember(marker: Path, path: Path) -> None:
    marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as handle:
        handle.write(f"{path.expanduser().absolute()}\n")


def show_once(path: Path, context: str, notice: Notice) -> bool:
    """Call ``notice`` with the hint unless it was shown for ``path`` before.

    The marker is written first, so two commands started together show it at
    most about twice, and a notice that raises cannot make it repeat forever.
    When the state dir cannot be written the hint is still shown (and may come
    again next time): saying it too often beats never saying it.

    Returns:
        Whether the hint was shown now.
    """
    marker = _marker(path)
    if marker.exists():
        return False
    try:
        _remember(marker, path)
    except OSError as exc:
        logger.debug("Cannot remember the .yatai.yaml hint in %s: %s", marker.parent, exc)
    notice(hint_text(path, context))
    return True
