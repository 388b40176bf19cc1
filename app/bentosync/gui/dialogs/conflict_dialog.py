"""Skip or overwrite when a push or pull meets a version that is already there.

Without ``force`` the engine would skip such a version quietly; with it, it
replaces the other side's copy. Neither should happen without the user
saying so, and a batch of twenty conflicts must not mean twenty dialogs, so
the question offers "apply to all".

The asking is a small state machine (:class:`ConflictResolver`) over
window-modal dialogs opened with ``open()``, never ``exec()``: no nested
event loop, and tests answer through :meth:`ConflictDialog.choose` instead of
clicking.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

logger = logging.getLogger(__name__)

translate = QCoreApplication.translate

PUSH, PULL = "push", "pull"


class Choice(enum.Enum):
    SKIP = "skip"
    OVERWRITE = "overwrite"


@dataclass(frozen=True)
class PlannedTransfer:
    """One transfer to start: the tag, and whether it may replace the other side's copy."""

    tag: str
    force: bool = False


def plan_transfers(tags: Sequence[str], answers: Mapping[str, Choice]) -> list[PlannedTransfer]:
    """Tags in order, skipped ones left out, overwritten ones forced."""
    planned = []
    for tag in tags:
        answer = answers.get(tag)
        if answer is Choice.SKIP:
            continue
        planned.append(PlannedTransfer(tag, force=answer is Choice.OVERWRITE))
    return planned


def _question(kind: str, tag: str, where: str) -> tuple[str, str]:
    if kind == PUSH:
        holder = where[:1].upper() + where[1:]
        return (
            translate("ConflictDialog", "{tag} is already in the cloud").format(tag=tag),
            translate(
                "ConflictDialog",
                "{holder} already holds this version. Upload the copy on this computer into "
                "it again, or skip it? If the cloud version was made for other files, nothing "
                "is sent: the transfer then offers to delete the cloud version and push again.",
            ).format(holder=holder),
        )
    return (
        translate("ConflictDialog", "{tag} is already on this computer").format(tag=tag),
        translate(
            "ConflictDialog",
            "The local store already holds this version. Replace it with the copy from "
            "{where}, or skip it?",
        ).format(where=where),
    )


class ConflictDialog(QDialog):
    """One question: skip or overwrite this tag; optionally the same for the rest."""

    def __init__(
        self,
        kind: str,
        tag: str,
        detail: str,
        remaining: int,
        where: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.tag = tag
        self._choice = Choice.SKIP
        self.setWindowTitle(self.tr("Push conflict") if kind == PUSH else self.tr("Pull conflict"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        title, body = _question(kind, tag, where)
        self.title_label = QLabel(f"<b>{title}</b>")
        self.title_label.setTextFormat(Qt.TextFormat.RichText)
        self.body_label = QLabel(body + (f"\n\n{detail}" if detail else ""))
        self.body_label.setWordWrap(True)
        self.apply_all = QCheckBox(
            self.tr("Do the same for the %n other conflict(s)", "", remaining)
        )
        self.apply_all.setVisible(remaining > 0)

        buttons = QDialogButtonBox()
        self.skip_button = QPushButton(self.tr("&Skip"))
        if kind == PUSH:
            # A push never deletes a cloud version: it can only upload into the record.
            self.overwrite_button = QPushButton(self.tr("&Upload Again"))
            self.overwrite_button.setToolTip(
                self.tr("Upload into the existing cloud record (--force on the command line)")
            )
        else:
            self.overwrite_button = QPushButton(self.tr("&Overwrite"))
            self.overwrite_button.setToolTip(
                self.tr("Replace the existing copy (the same as --force on the command line)")
            )
        buttons.addButton(self.skip_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.overwrite_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.skip_button.setDefault(True)  # the safe answer is the one Enter gives
        self.skip_button.clicked.connect(lambda: self.choose(Choice.SKIP))
        self.overwrite_button.clicked.connect(lambda: self.choose(Choice.OVERWRITE))

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.body_label)
        layout.addWidget(self.apply_all)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def choice(self) -> Choice:
        return self._choice

    def applies_to_all(self) -> bool:
        return self.apply_all.isChecked()

    def choose(self, choice: Choice, apply_to_all: bool | None = None) -> None:
        """Answer and close: what the buttons do, and what tests call."""
        self._choice = choice
        if apply_to_all is not None:
            self.apply_all.setChecked(apply_to_all)
        self.done(QDialog.DialogCode.Accepted)

    def reject(self) -> None:
        """Escape or closing the window means "skip", the answer that changes nothing."""
        self._choice = Choice.SKIP
        super().done(QDialog.DialogCode.Accepted)


DialogFactory = Callable[[str, str, str, int, str, QWidget | None], ConflictDialog]


class ConflictResolver(QObject):
    """Asks about each conflicting tag in turn, then emits the plan.

    Args:
        kind: ``"push"`` or ``"pull"``.
        tags: every tag the user asked to transfer, in order.
        conflicts: the tags that exist on the other side, with a detail line each.
        where: the other side in words ("Local registry (this computer)").
        parent: the window the dialogs are modal to.
    """

    #: ``list[PlannedTransfer]`` once every conflict has an answer.
    finished = Signal(object)
    #: The ``ConflictDialog`` just opened (one per question).
    question_opened = Signal(object)

    def __init__(
        self,
        kind: str,
        tags: Sequence[str],
        conflicts: Mapping[str, str],
        where: str,
        parent: QWidget | None = None,
        dialog_factory: DialogFactory = ConflictDialog,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.tags = list(tags)
        self.conflicts = dict(conflicts)
        self.where = where
        self._parent_widget = parent
        self._factory = dialog_factory
        self._pending = [tag for tag in self.tags if tag in self.conflicts]
        self._answers: dict[str, Choice] = {}
        self.current_dialog: ConflictDialog | None = None

    def start(self) -> None:
        """Ask the first question, or finish at once when there is nothing to ask."""
        self._next()

    def _next(self) -> None:
        if not self._pending:
            self.current_dialog = None
            plan = plan_transfers(self.tags, self._answers)
            logger.debug("%s plan: %s", self.kind, plan)
            self.finished.emit(plan)
            return
        tag = self._pending[0]
        dialog = self._factory(
            self.kind,
            tag,
            self.conflicts[tag],
            len(self._pending) - 1,
            self.where,
            self._parent_widget,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _code, d=dialog: self._answered(d))
        self.current_dialog = dialog
        dialog.open()
        self.question_opened.emit(dialog)

    def _answered(self, dialog: ConflictDialog) -> None:
        choice = dialog.choice()
        apply_all = dialog.applies_to_all()
        tag = self._pending.pop(0)
        self._answers[tag] = choice
        if apply_all:
            for other in self._pending:
                self._answers[other] = choice
            self._pending.clear()
        self._next()
