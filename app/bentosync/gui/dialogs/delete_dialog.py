"""Confirm a delete, saying exactly what goes: which versions, how big, how many files, where.

A model can be gigabytes of weights that took a day to train; "Delete 3
items?" is not enough to decide on. The text is built by a pure function
(:func:`describe_deletion`) so tests check the wording without a dialog, and
the dialog is opened with ``open()``; :meth:`DeleteDialog.confirm` is what the
Delete button calls, and what tests call.

The same dialog asks before the one delete the window does on the way to
something else: replacing a cloud version whose record was made for other
files (``replace=True``), which a push alone never does. Its wording says
that the version is deleted first and that Bentos and deployments using it
lose it, so the user agrees to exactly that.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from bentosync.application.formatting import format_size

logger = logging.getLogger(__name__)

LOCAL, CLOUD = "local", "cloud"
LISTED = 8  # versions named in the main text; all of them are in the details


@dataclass(frozen=True)
class DeletionItem:
    """One version to delete; ``file_count`` None when the server does not record it.

    ``note`` says what else the user should know in the details, e.g. which
    checksums the cloud keeps for it.
    """

    tag: str
    size_bytes: int
    file_count: int | None
    location: str  # a folder for local models, the registry for cloud ones
    note: str = ""


@dataclass(frozen=True)
class DeletionText:
    title: str
    text: str
    informative: str
    details: str


def _files(count: int | None) -> str:
    if count is None:
        return "number of files unknown"
    return f"{count:,} file" if count == 1 else f"{count:,} files"


def describe_item(item: DeletionItem) -> str:
    size = format_size(item.size_bytes) if item.size_bytes else "size unknown"
    return f"{item.tag} ({size}, {_files(item.file_count)})"


def describe_replacement(item: DeletionItem, where: str) -> DeletionText:
    """The wording for deleting one cloud version so that the local copy can be pushed again."""
    return DeletionText(
        "Replace the cloud version",
        f"Delete {describe_item(item)} from {where}, then push the copy on this computer again?",
        "The cloud version is deleted first, for everyone who uses it: Bentos and "
        f"deployments that use {item.tag} lose it. Then this computer's files are pushed "
        "as a new record under the same tag. The deletion cannot be undone.",
        _details([item]),
    )


def _details(items: Sequence[DeletionItem]) -> str:
    lines = []
    for item in items:
        lines.append(f"{describe_item(item)}\n    {item.location}")
        if item.note:
            lines.append(f"    {item.note}")
    return "\n".join(lines)


def describe_deletion(side: str, items: Sequence[DeletionItem], where: str) -> DeletionText:
    """The dialog's wording for deleting ``items`` from ``side`` (``where`` names it)."""
    count = len(items)
    total = sum(item.size_bytes for item in items)
    files = [item.file_count for item in items]
    known = sum(f for f in files if f is not None)
    if None not in files:
        files_text = _files(known)
    elif known:
        files_text = f"at least {_files(known)}"
    else:
        files_text = _files(None)
    noun = "model version" if count == 1 else f"{count} model versions"
    if side == LOCAL:
        title = "Delete from this computer"
        consequence = (
            "The folder is removed from the local model store. Copies in the cloud are not touched."
        )
    else:
        title = "Delete from the cloud"
        consequence = (
            f"The version is removed from {where} for everyone who uses it: Bentos and "
            "deployments that use it lose it. Copies on this computer are not touched."
        )
    if count == 1:
        text = f"Delete {describe_item(items[0])} from {where}?"
    else:
        size = format_size(total) if total else "size unknown"
        listed = "\n".join(f"• {describe_item(item)}" for item in items[:LISTED])
        more = f"\n…and {count - LISTED} more (see details)" if count > LISTED else ""
        text = f"Delete {noun} ({size}, {files_text}) from {where}?\n\n{listed}{more}"
    return DeletionText(title, text, consequence + " This cannot be undone.", _details(items))


class DeleteDialog(QMessageBox):
    """A warning box with Delete and Cancel; emits ``confirmed`` with the tags.

    With ``replace`` it asks about deleting one cloud version to push it again
    (:func:`describe_replacement`), and its button says so.
    """

    #: ``list[str]``: the tags to delete, once the user said yes.
    confirmed = Signal(object)

    def __init__(
        self,
        side: str,
        items: Sequence[DeletionItem],
        where: str,
        parent: QWidget | None = None,
        *,
        replace: bool = False,
    ) -> None:
        super().__init__(parent)
        self.side = side
        self.items = list(items)
        self.replace = replace
        if replace and (side != CLOUD or len(self.items) != 1):
            raise ValueError("replace=True is for one cloud version")
        wording = (
            describe_replacement(self.items[0], where)
            if replace
            else describe_deletion(side, self.items, where)
        )
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(wording.title)
        self.setText(wording.text)
        self.setInformativeText(wording.informative)
        if len(self.items) > 1:
            self.setDetailedText(wording.details)
        else:
            self.setToolTip(wording.details)
        button = "&Delete and Push Again" if replace else "&Delete"
        self.delete_button = self.addButton(button, QMessageBox.ButtonRole.DestructiveRole)
        self.cancel_button = self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.cancel_button)  # Enter must not delete
        self.setEscapeButton(self.cancel_button)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.buttonClicked.connect(self._clicked)

    def tags(self) -> list[str]:
        return [item.tag for item in self.items]

    def confirm(self) -> None:
        """Yes, delete: what the Delete button does."""
        logger.info("Confirmed deleting %s (%s)", self.tags(), self.side)
        self.confirmed.emit(self.tags())
        self.done(0)

    def _clicked(self, button: object) -> None:
        if button is self.delete_button:
            self.confirmed.emit(self.tags())
