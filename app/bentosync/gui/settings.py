"""The window's QSettings: one INI file in BentoSync's config folder, on every platform.

Why not ``QSettings()``: that one is named by the organisation and application
(``BentoSync/BentoSync``), lands in the registry on Windows and a plist on
macOS, and so lived apart from every other file BentoSync keeps (which
``core.appdirs`` names ``bentosync``). Now the window's settings sit beside
the logins, in ``appdirs.settings_file()``.

What an earlier version wrote to the native ``BentoSync/BentoSync`` store is
copied over the first time the file is missing (and the old store left as
it was), so nobody loses their window layout or transfer settings.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QSettings

from bentosync.core import appdirs

logger = logging.getLogger(__name__)

#: Where versions before the INI file kept the window's settings (native format).
LEGACY_ORGANIZATION = LEGACY_APPLICATION = "BentoSync"


def open_settings(path: Path | None = None, legacy: QSettings | None = None) -> QSettings:
    """The window's settings file, filled from the legacy store if it does not exist yet.

    Args:
        path: the INI file; ``appdirs.settings_file()`` by default.
        legacy: the store to migrate from; the native ``BentoSync/BentoSync`` one
            by default (tests pass one of their own).
    """
    path = path if path is not None else appdirs.settings_file()
    fresh = not path.exists()
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    if fresh:
        old = legacy if legacy is not None else QSettings(LEGACY_ORGANIZATION, LEGACY_APPLICATION)
        keys = old.allKeys()
        for key in keys:
            settings.setValue(key, old.value(key))
        if keys:
            settings.sync()
            logger.info("Copied %d settings from %s to %s", len(keys), old.fileName(), path)
    return settings
