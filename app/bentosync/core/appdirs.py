"""Where BentoSync keeps its files: one name and one author for every platform.

Why one module: the folders were asked of platformdirs in seven places, some
with ``appauthor=False`` and some without (on Windows that is
``AppData/Local/bentosync`` in one place and ``AppData/Local/bentosync/bentosync``
in the next), and the window's QSettings used a third name
(``BentoSync/BentoSync``). Every folder now comes from here, and the window's
settings file is :func:`settings_file`, beside the logins in the config dir.

:func:`migrate_legacy_dirs` moves what the nested Windows folders held to
where it belongs now; on Linux and macOS the author never made a difference,
so there is nothing to move.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Literal

import platformdirs

logger = logging.getLogger(__name__)

#: The folder name under every per-user directory, lower case as on Linux.
APP_NAME = "bentosync"
#: No vendor folder (Windows): BentoSync is its own author.
APP_AUTHOR: Literal[False] = False
#: The window's settings, an INI file in :func:`config_dir` (see ``gui.settings``).
SETTINGS_FILE = "settings.ini"


def config_dir() -> Path:
    """Logins (``contexts.json``) and the window's settings."""
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def data_dir() -> Path:
    """The embedded registry's models and database."""
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def cache_dir() -> Path:
    """The hash cache and model-info cache: safe to delete."""
    return Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def state_dir() -> Path:
    """The transfer journal (resume) and one-time hints."""
    return Path(platformdirs.user_state_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    """The embedded registry's log."""
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def settings_file() -> Path:
    return config_dir() / SETTINGS_FILE


def migrate_legacy_dirs() -> list[Path]:
    """Move files from the folders of calls made without ``appauthor=False``; idempotent.

    Only where platformdirs nests the author (Windows) do the old and new
    folders differ. An entry is moved only when the new folder has nothing of
    that name, so nothing is ever overwritten. Returns what was moved.
    """
    moved: list[Path] = []
    for kind in ("user_data_dir", "user_cache_dir", "user_state_dir"):
        ask = getattr(platformdirs, kind)
        old, new = Path(ask(APP_NAME)), Path(ask(APP_NAME, APP_AUTHOR))
        if old == new or not old.is_dir():
            continue
        for entry in sorted(old.iterdir()):
            target = new / entry.name
            if target.exists():
                continue
            try:
                new.mkdir(parents=True, exist_ok=True)
                shutil.move(str(entry), str(target))
            except OSError as exc:
                logger.warning("Could not move %s to %s: %s", entry, target, exc)
                continue
            logger.info("Moved %s to %s", entry, target)
            moved.append(target)
    return moved
