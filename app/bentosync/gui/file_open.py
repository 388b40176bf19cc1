"""Folders the desktop asks the app to open: the Import dialog for each.

On macOS, a folder dropped on the Dock icon or opened with "Open With" reaches
the app as a ``QFileOpenEvent`` on the application object, not as a drop on a
pane; Info.plist declares folders as a document type the app views for this.
The filter hands each such folder to the same import path a drop on the Local
pane takes (``ModelOperations.import_folders``), which asks before it copies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent

logger = logging.getLogger(__name__)


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
