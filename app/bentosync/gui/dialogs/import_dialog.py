"""Make a new model from a folder: ask for its name and labels, then hand the request on.

The dialog does no file work itself: copying a folder of weights can take
minutes, so the window runs ``LocalStore.create_from_folder`` on a worker
with the :class:`ImportRequest` this dialog produces. The name is checked as
the user types, with the same rule the store applies (``core.tags``), so the
OK button is never a way to a late error.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from bentosync.core.errors import InvalidTag
from bentosync.core.tags import validate_part
from bentosync.gui import icons

logger = logging.getLogger(__name__)

_NOT_ALLOWED = re.compile(r"[^a-z0-9._-]+")


@dataclass(frozen=True)
class ImportRequest:
    """What to import: the folder, the new model's name and labels, and whether to push."""

    folder: Path
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    push: bool = False


def suggest_name(folder: Path) -> str:
    """A valid model name from a folder name: "My Model v2" → "my-model-v2"."""
    name = _NOT_ALLOWED.sub("-", folder.name.lower()).strip("-._")
    return name[:63].rstrip("-._") or "model"


def parse_labels(text: str) -> dict[str, str]:
    """``key=value`` pairs, one per line or separated by commas.

    Raises:
        ValueError: naming the first entry that is not ``key=value``.
    """
    labels: dict[str, str] = {}
    for raw in re.split(r"[\n,]", text):
        entry = raw.strip()
        if not entry:
            continue
        key, sep, value = entry.partition("=")
        if not sep or not key.strip():
            raise ValueError(
                QCoreApplication.translate("ImportDialog", "“{entry}” is not key=value").format(
                    entry=entry
                )
            )
        labels[key.strip()] = value.strip()
    return labels


class ImportDialog(QDialog):
    """Name and labels for a model made from ``folder``; emits ``import_requested``."""

    #: The ``ImportRequest`` once the user accepted.
    import_requested = Signal(object)

    def __init__(
        self, folder: Path, *, push: bool = False, where: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.folder = folder
        self.setWindowTitle(self.tr("Import a folder as a model"))
        self.setWindowModality(Qt.WindowModality.WindowModal)

        intro = QLabel(
            self.tr(
                "The files of <b>{folder}</b> are copied into a new model in the local "
                "store; the folder itself is left as it is."
            ).format(folder=html.escape(str(folder)))
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        self.name_edit = QLineEdit(suggest_name(folder))
        self.name_edit.setPlaceholderText(self.tr("e.g. sentiment-clf"))
        self.labels_edit = QPlainTextEdit()
        self.labels_edit.setPlaceholderText(self.tr("team=nlp\nstage=dev"))
        self.labels_edit.setTabChangesFocus(True)
        self.labels_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.push_box = QCheckBox(
            self.tr("Push it to {where} afterwards").format(where=where or self.tr("the cloud"))
        )
        self.push_box.setChecked(push)
        self.error_icon = QLabel()
        self.error_icon.setPixmap(icons.icon("warning").pixmap(16, 16))
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        error_row = QHBoxLayout()
        error_row.addWidget(self.error_icon, 0, Qt.AlignmentFlag.AlignTop)
        error_row.addWidget(self.error_label, 1)

        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Labels:"), self.labels_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("&Import"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.push_box)
        layout.addLayout(error_row)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

        self.name_edit.textChanged.connect(self._validate)
        self.labels_edit.textChanged.connect(self._validate)
        self._validate()

    def set_values(self, name: str, labels: str = "", push: bool | None = None) -> None:
        """Fill the form (tests, and a future "import again" use it)."""
        self.name_edit.setText(name)
        self.labels_edit.setPlainText(labels)
        if push is not None:
            self.push_box.setChecked(push)

    def problem(self) -> str:
        """Why the form cannot be accepted now, or ""."""
        name = self.name_edit.text().strip()
        if not name:
            return self.tr("Give the model a name.")
        try:
            if validate_part(name, "name") != name:
                return self.tr("Use lowercase: model names are lowercase in BentoML.")
        except InvalidTag as exc:
            return str(exc)  # core's rule for tags, as the CLI states it
        try:
            parse_labels(self.labels_edit.toPlainText())
        except ValueError as exc:
            return self.tr("Labels: {problem}.").format(problem=exc)
        return ""

    def request(self) -> ImportRequest:
        return ImportRequest(
            folder=self.folder,
            name=self.name_edit.text().strip(),
            labels=parse_labels(self.labels_edit.toPlainText()),
            push=self.push_box.isChecked(),
        )

    def accept(self) -> None:
        if self.problem():
            return
        request = self.request()
        logger.info("Import requested: %s from %s", request.name, request.folder)
        self.import_requested.emit(request)
        super().accept()

    def _validate(self) -> None:
        problem = self.problem()
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        self.error_icon.setVisible(bool(problem))
        self.ok_button.setEnabled(not problem)
