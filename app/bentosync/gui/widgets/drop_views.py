"""The pane's drop surfaces: the table, and the message page shown when it is empty.

What a drop *means* is the item model's business (``canDropMimeData`` and
``dropMimeData``, see ``models/record_table.py``). These widgets only add what
a view cannot know:

* A drop is always a copy. A file manager may propose a move; if the drop
  were reported back as a move, it would delete the folder we just imported.
  So after Qt's handler has run the model, the reported action is set to
  ``CopyAction`` (the event still counts as accepted).
* While something hovers, a banner says what letting go will do ("Push 2
  models to the cloud"), as OnionShare's drop overlay does; over a drop the
  model refuses for a reason the user may not see (a Hugging Face reference
  cannot be pulled), a warning banner says why instead of a bare "no" cursor.
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


_BANNER_STYLE = (
    "QLabel {{ background: {background}; color: {color};"
    " border-radius: 6px; padding: 6px 14px; font-weight: bold; }}"
)
_HINT_STYLE = _BANNER_STYLE.format(
    background="palette(highlight)", color="palette(highlighted-text)"
)
# A dark red that keeps white text readable on light and dark palettes alike.
_REFUSAL_STYLE = _BANNER_STYLE.format(background="#a4262c", color="#ffffff")


class DropBanner(QLabel):
    """A rounded banner along the bottom of a drop surface."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setWordWrap(True)
        self.setStyleSheet(_HINT_STYLE)
        self.refusing = False
        self.hide()

    def show_text(self, text: str, *, refusal: bool = False) -> None:
        if not text:
            self.hide()
            return
        self.refusing = refusal
        self.setStyleSheet(_REFUSAL_STYLE if refusal else _HINT_STYLE)
        self.setText(text)
        self.adjustSize()
        host = self.parentWidget()
        assert host is not None
        width = min(self.sizeHint().width(), max(80, host.width() - 24))
        self.resize(width, self.heightForWidth(width))
        self.move((host.width() - width) // 2, host.height() - self.height() - 12)
        self.raise_()
        self.show()


def _copy_if_possible(event: QDropEvent) -> None:
    if event.isAccepted() and event.possibleActions() & COPY:
        event.setDropAction(COPY)


def _show_banner(
    banner: DropBanner,
    accepted: bool,
    data: QMimeData,
    hint: DropHint | None,
    refusal: DropHint | None,
) -> None:
    """The hint over an acceptable drop, the reason over a refused one, else nothing."""
    if accepted:
        banner.show_text(hint(data) if hint is not None else "")
    else:
        banner.show_text(refusal(data) if refusal is not None else "", refusal=True)


class ModelTableView(QTableView):
    """A table view that drags with Copy, reports every drop as a copy, and hints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drop_hint: DropHint | None = None
        self.drop_refusal: DropHint | None = None
        self.banner = DropBanner(self.viewport())
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(False)  # no "between rows": a drop means the whole pane
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(COPY)
        self.setDragDropOverwriteMode(False)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        # Qt accepts an enter whose MIME type fits and checks the model on each move,
        # so the banner asks the model itself whether this drop can land here.
        super().dragEnterEvent(event)
        _copy_if_possible(event)
        data = event.mimeData()
        model = self.model()
        droppable = model is not None and model.canDropMimeData(data, COPY, -1, -1, QModelIndex())
        if not droppable and self.drop_refusal is not None and self.drop_refusal(data):
            # Keep receiving moves (each refused) so the reason stays up until it leaves.
            event.accept()
            event.setDropAction(Qt.DropAction.IgnoreAction)
        _show_banner(self.banner, droppable, data, self.drop_hint, self.drop_refusal)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        super().dragMoveEvent(event)
        _copy_if_possible(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.banner.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.banner.hide()
        super().dropEvent(event)
        _copy_if_possible(event)


class DropMessagePage(QWidget):
    """The empty-state page; drops on it go to ``model`` like drops on the table."""

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.drop_hint: DropHint | None = None
        self.drop_refusal: DropHint | None = None
        self.banner = DropBanner(self)
        self.setAcceptDrops(True)

    def _can_drop(self, event: QDropEvent) -> bool:
        return self._model.canDropMimeData(event.mimeData(), COPY, -1, -1, QModelIndex())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        accepted = bool(event.possibleActions() & COPY) and self._can_drop(event)
        refused = self.drop_refusal(event.mimeData()) if self.drop_refusal is not None else ""
        if accepted:
            event.setDropAction(COPY)
            event.accept()
        elif refused:
            event.accept()  # to keep the reason up while it hovers; moves are refused
            event.setDropAction(Qt.DropAction.IgnoreAction)
        else:
            event.ignore()
        _show_banner(self.banner, accepted, event.mimeData(), self.drop_hint, self.drop_refusal)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.possibleActions() & COPY and self._can_drop(event):
            event.setDropAction(COPY)
            event.accept()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.banner.hide()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.banner.hide()
        if self._model.dropMimeData(event.mimeData(), COPY, -1, -1, QModelIndex()):
            event.setDropAction(COPY)
            event.accept()
        else:
            event.ignore()
