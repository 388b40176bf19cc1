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
from bentosync.gui.i18n import TranslationContext

logger = logging.getLogger(__name__)


class DeletionWords(TranslationContext):
    """What a delete would delete, in words (the dialog's text)."""


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
        return DeletionWords.tr("number of files unknown")
    return DeletionWords.tr("{count} file(s)", "", count).format(count=f"{count:,}")


def _size(nbytes: int) -> str:
    return format_size(nbytes) if nbytes else DeletionWords.tr("size unknown")


def describe_item(item: DeletionItem) -> str:
    return f"{item.tag} ({_size(item.size_bytes)}, {_files(item.file_count)})"


def describe_replacement(item: DeletionItem, where: str) -> DeletionText:
    """The wording for deleting one cloud version so that the local copy can be pushed again."""
    return DeletionText(
        DeletionWords.tr("Replace the cloud version"),
        DeletionWords.tr(
            "Delete {item} from {where}, then push the copy on this computer again?",
        ).format(item=describe_item(item), where=where),
        DeletionWords.tr(
            "The cloud version is deleted first, for everyone who uses it: Bentos and "
            "deployments that use {tag} lose it. Then this computer's files are pushed "
            "as a new record under the same tag. The deletion cannot be undone.",
        ).format(tag=item.tag),
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
        files_text = DeletionWords.tr("at least {files}").format(files=_files(known))
    else:
        files_text = _files(None)
    if side == LOCAL:
        title = DeletionWords.tr("Delete from this computer")
        consequence = DeletionWords.tr(
            "The folder is removed from the local model store. Copies in the cloud are not "
            "touched. This cannot be undone.",
        )
    else:
        title = DeletionWords.tr("Delete from the cloud")
        consequence = DeletionWords.tr(
            "The version is removed from {where} for everyone who uses it: Bentos and "
            "deployments that use it lose it. Copies on this computer are not touched. "
            "This cannot be undone.",
        ).format(where=where)
    if count == 1:
        text = DeletionWords.tr("Delete {item} from {where}?").format(
            item=describe_item(items[0]), where=where
        )
    else:
        listed = "\n".join(f"• {describe_item(item)}" for item in items[:LISTED])
        if count > LISTED:
            listed += "\n" + DeletionWords.tr("…and %n more (see details)", "", count - LISTED)
        text = DeletionWords.tr(
            "Delete %n model version(s) ({size}, {files}) from {where}?",
            "",
            count,
        ).format(size=_size(total), files=files_text, where=where)
        text = f"{text}\n\n{listed}"
    return DeletionText(title, text, consequence, _details(items))


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
        button = self.tr("&Delete and Push Again") if replace else self.tr("&Delete")
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
