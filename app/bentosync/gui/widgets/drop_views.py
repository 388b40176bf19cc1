"""The pane's drop surfaces: the table, and the message page shown when it is empty.

What a drop *means* is the item model's business (``canDropMimeData`` and
``dropMimeData``, see ``models/record_table.py``). These widgets only add what
a view cannot know:

* A drop is always a copy. A file manager may propose a move; if the drop
  were reported back as a move, it would delete the folder we just imported.
  So after Qt's handler has run the model, the reported action is set to
  ``CopyAction`` (the event still counts as accepted).
* While something hovers, a banner says what letting go will do ("Push 2
  models to the cloud"), as OnionShare's drop overlay does.
* An empty pane shows a message page instead of the table, and that page must
  accept drops too: "drag models here" is exactly what an empty Cloud pane
  tells the user to do. It forwards to the same model methods.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QMimeData, QModelIndex, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QLabel, QTableView, QWidget

logger = logging.getLogger(__name__)

#: Given the dragged data, a sentence for the banner (or "" for no banner).
DropHint = Callable[[QMimeData], str]
COPY = Qt.DropAction.CopyAction


class DropBanner(QLabel):
    """A rounded banner along the bottom of a drop surface."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel { background: palette(highlight); color: palette(highlighted-text);"
            " border-radius: 6px; padding: 6px 14px; font-weight: bold; }"
        )
        self.hide()

    def show_text(self, text: str) -> None:
        if not text:
            self.hide()
            return
        self.setText(text)
        self.adjustSize()
        host = self.parentWidget()
        assert host is not None
        width = min(self.sizeHint().width(), max(80, host.width() - 24))
        self.resize(width, self.sizeHint().height())
        self.move((host.width() - width) // 2, host.height() - self.height() - 12)
        self.raise_()
        self.show()


def _copy_if_possible(event: QDropEvent) -> None:
    if event.isAccepted() and event.possibleActions() & COPY:
        event.setDropAction(COPY)


class ModelTableView(QTableView):
    """A table view that drags with Copy, reports every drop as a copy, and hints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drop_hint: DropHint | None = None
        self._banner = DropBanner(self.viewport())
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)  # no "between rows": a drop means the whole pane
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(COPY)
        self.setDragDropOverwriteMode(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        super().dragEnterEvent(event)
        _copy_if_possible(event)
        if event.isAccepted() and self.drop_hint is not None:
            self._banner.show_text(self.drop_hint(event.mimeData()))

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        _copy_if_possible(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._banner.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._banner.hide()
        super().dropEvent(event)
        _copy_if_possible(event)


class DropMessagePage(QWidget):
    """The empty-state page; drops on it go to ``model`` like drops on the table."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.drop_hint: DropHint | None = None
        self._banner = DropBanner(self)
        self.setAcceptDrops(True)

    def _can_drop(self, event: QDropEvent) -> bool:
        return self._model.canDropMimeData(event.mimeData(), COPY, -1, -1, QModelIndex())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.possibleActions() & COPY and self._can_drop(event):
            event.setDropAction(COPY)
            event.accept()
            if self.drop_hint is not None:
                self._banner.show_text(self.drop_hint(event.mimeData()))
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.possibleActions() & COPY and self._can_drop(event):
            event.setDropAction(COPY)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._banner.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._banner.hide()
        if self._model.dropMimeData(event.mimeData(), COPY, -1, -1, QModelIndex()):
            event.setDropAction(COPY)
            event.accept()
        else:
            event.ignore()
