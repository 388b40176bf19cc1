"""The files of one model for the details panel: path, size, sha256 and its standing.

Rows come from the server's file list (cloud models) or from hashing the
model folder on a worker (local models). When both lists exist for the same
version, each local file is marked verified or mismatched against the cloud's
entry, which is the per-file answer to "is my copy the one in the cloud?".
When the cloud keeps only one sha256 for the whole model (too many files to
list), the local files are judged together against it: they all match, or
the model differs somewhere that no checksum can name.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFontDatabase

from bentosync.application.formatting import format_size
from bentosync.core.filelist import Checksums, FileEntry
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui import icons
from bentosync.gui.i18n import QT_TRANSLATE_NOOP, TranslationContext
from bentosync.gui.models.role_batch import RolesInOneCall
from bentosync.gui.models.roles import ItemRole, SortRole, header_text
from bentosync.gui.models.table_index import FlatTableModel

logger = logging.getLogger(__name__)


class FilesModel(TranslationContext):
    """The words of the details panel's file list."""


COL_PATH, COL_SIZE, COL_SHA256 = range(3)
HEADERS = (
    QT_TRANSLATE_NOOP("TableHeader", "File"),
    QT_TRANSLATE_NOOP("TableHeader", "Size"),
    QT_TRANSLATE_NOOP("TableHeader", "SHA-256"),
)
SHORT_HASH = 16  # characters shown; the tooltip and the copy have all 64

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter

CHECKSUM_ICONS = {
    ChecksumState.PENDING: "checksum-pending",
    ChecksumState.HASHING: "checksum-hashing",
    ChecksumState.VERIFIED: "checksum-verified",
    ChecksumState.MISMATCH: "checksum-mismatch",
    ChecksumState.UNVERIFIED: "checksum-unverified",
}


class FileRow(NamedTuple):
    """One file; ``sha256`` is None while it is still being hashed.

    A named tuple, not a frozen dataclass: a model of 20 000 files makes 20 000
    of them on the GUI thread, and a tuple is built four times faster.
    """

    path: str
    size: int
    sha256: str | None
    checksum: ChecksumState
    reason: str = ""


def cloud_rows(files: Sequence[FileEntry], *, checked: bool) -> list[FileRow]:
    """A server's own list: verified only where the server checked the archive against it."""
    if checked:
        state = ChecksumState.VERIFIED
        reason = FilesModel.tr("Checked by the server against the uploaded archive")
    else:
        state = ChecksumState.UNVERIFIED
        reason = FilesModel.tr(
            "Recorded when it was pushed; this server does not check uploads, every pull does",
        )
    return [FileRow(f.path, f.size, f.sha256, state, reason) for f in files]


def compare_whole(files: Sequence[FileEntry], cloud: Checksums) -> list[FileRow]:
    """Local rows judged against a whole-model digest: all match, or none can be named."""
    if cloud.matches(files):
        state = ChecksumState.VERIFIED
        reason = FilesModel.tr(
            "The whole model matches the cloud's one sha256 over its {count} file(s)",
            "",
            cloud.count,
        ).format(count=f"{cloud.count:,}")
    else:
        state = ChecksumState.UNVERIFIED
        reason = FilesModel.tr(
            "The model differs from the cloud copy, which keeps one sha256 for the whole "
            "model, so this file cannot be compared on its own",
        )
    return [FileRow(f.path, f.size, f.sha256, state, reason) for f in files]


def compare_lists(
    files: Sequence[FileEntry], reference: Sequence[FileEntry] | None, *, local: bool
) -> list[FileRow]:
    """Rows for ``files``, each judged against ``reference`` (the other side's list).

    Without a reference there is nothing to compare: local hashes are just
    "unverified", and a server's list is shown as what the server checked.
    """
    if reference is None:
        if not local:
            return cloud_rows(files, checked=True)
        reason = FilesModel.tr("Hashed here; no cloud file list to compare with")
        return [FileRow(f.path, f.size, f.sha256, ChecksumState.UNVERIFIED, reason) for f in files]
    theirs = {e.path: e for e in reference}
    missing = FilesModel.tr("Not in the other side's file list")
    same = FilesModel.tr("Same sha256 here and in the cloud")
    differs = FilesModel.tr("The cloud has sha256 {sha256}…, {size} bytes")
    rows = []
    for entry in files:
        other = theirs.get(entry.path)
        if other is None:
            rows.append(
                FileRow(
                    entry.path,
                    entry.size,
                    entry.sha256,
                    ChecksumState.MISMATCH,
                    missing,
                )
            )
        elif other == entry:
            rows.append(
                FileRow(
                    entry.path,
                    entry.size,
                    entry.sha256,
                    ChecksumState.VERIFIED,
                    same,
                )
            )
        else:
            rows.append(
                FileRow(
                    entry.path,
                    entry.size,
                    entry.sha256,
                    ChecksumState.MISMATCH,
                    differs.format(sha256=other.sha256[:SHORT_HASH], size=f"{other.size:,}"),
                )
            )
    return rows


class FileListModel(RolesInOneCall, FlatTableModel):
    """Files of the selected model; replaced whole on each selection (a reset is right)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[FileRow] = []
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)

    def set_rows(self, rows: Sequence[FileRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[FileRow]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return header_text(HEADERS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section == COL_SIZE else _LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_PATH:
                return row.path
            if column == COL_SIZE:
                return format_size(row.size)
            if column == COL_SHA256:
                if row.sha256:
                    return row.sha256[:SHORT_HASH] + "…"
                return FilesModel.tr("hashing…")
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == COL_SHA256:
            return icons.icon(CHECKSUM_ICONS[row.checksum])
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SHA256:
                sha256 = row.sha256 or FilesModel.tr("not hashed yet")
                return f"{sha256}\n{row.reason}".strip()
            if column == COL_SIZE:
                return FilesModel.tr("{bytes} bytes").format(bytes=f"{row.size:,}")
            return row.path
        if role == Qt.ItemDataRole.FontRole and column == COL_SHA256:
            return self._mono
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == COL_SIZE else _LEFT
        if role == SortRole:
            return (row.path, row.size, row.sha256 or "")[column] if column < 3 else None
        if role == ItemRole:
            return row
        return None
