"""The files area's stand-in when a model has no file list to show, saying why.

An empty table reads as "broken" or "still loading". A cloud record that
keeps one sha256 for the whole model, none at all, or is a Hugging Face
reference has no per-file rows by design, so the details panel swaps the
table for this note: an icon, a title, and what follows for the user.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from bentosync.gui import icons

logger = logging.getLogger(__name__)

NOTE_ICON_SIZE = 32


class FilesNote(QWidget):
    """Takes the file table's place when there is no list to show, and says why."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_name = ""
        self.icon_label = QLabel()
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.body_label = QLabel()
        self.body_label.setWordWrap(True)
        self.body_label.setTextFormat(Qt.TextFormat.PlainText)
        self.body_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.title_label)
        text.addWidget(self.body_label)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 8, 8, 8)
        row.setSpacing(12)
        row.addWidget(self.icon_label, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)

    def show_note(self, icon_name: str, title: str, body: str) -> None:
        self.icon_name = icon_name
        self.title_label.setText(title)
        self.body_label.setText(body)
        self.reload_icon()

    def reload_icon(self) -> None:
        if self.icon_name:
            pixmap = icons.icon(self.icon_name).pixmap(NOTE_ICON_SIZE, NOTE_ICON_SIZE)
            self.icon_label.setPixmap(pixmap)
