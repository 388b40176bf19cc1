"""Folders the desktop asks the app to open: the Import dialog for each.

On macOS, a folder dropped on the Dock icon or opened with "Open With" reaches
the app as a ``QFileOpenEvent`` on the application object, not as a drop on a
pane; Info.plist declares folders as a document type the app views for this.
The filter hands each such folder to the same import path a drop on the Local
pane takes (``ModelOperations.import_folders``), which asks before it copies.

Qt delivers ``QFileOpenEvent`` on macOS only; elsewhere a folder reaches the app
through its command line. An application-wide filter sees every event of every
widget, each one a call into Python (and, while a transfer runs Python on a pool
thread, a wait for the GIL), so it is installed only where the event exists.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

logger = logging.getLogger(__name__)

DELIVERS_FILE_OPEN = sys.platform == "darwin"


class FolderOpenFilter(QObject):
    """Application event filter: ``QFileOpenEvent`` -> ``on_folders([path])``.

    Args:
        on_folders: called on the GUI thread with the folder to import.
        parent: owns the filter (the application).
    """

    def __init__(
        self, on_folders: Callable[[Sequence[Path]], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._on_folders = on_folders

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.FileOpen or not isinstance(event, QFileOpenEvent):
            return False
        local = event.file()
        if not local:
            logger.info("Ignored an open request for %s (not a local file)", event.url())
            return True
        logger.info("Asked to open %s: offering to import it", local)
        self._on_folders([Path(local)])
        return True


def install_folder_open(
    app: QCoreApplication, on_folders: Callable[[Sequence[Path]], None]
) -> FolderOpenFilter | None:
    """The application-wide filter, installed where Qt sends ``QFileOpenEvent``; None
    elsewhere. Remove it with ``app.removeEventFilter`` when the window closes."""
    if not DELIVERS_FILE_OPEN:
        return None
    folder_open = FolderOpenFilter(on_folders, app)
    app.installEventFilter(folder_open)
    return folder_open
