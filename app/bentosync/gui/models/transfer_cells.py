"""What each cell of the transfers tree holds, per role: job rows, folder rows, file rows.

Kept apart from ``TransfersModel`` so the model is about rows and signals, and
this about words and values. Icons stay in the model (it owns the cache);
everything here is plain Python over snapshots and ``file_tree`` nodes, and
nothing here walks a job's file list: a job's checksum summary comes from the
counts its tree keeps, so painting a 20 000-file job's row costs what painting
a one-file job's row does.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt

from bentosync.application.formatting import format_size, format_speed
from bentosync.application.jobs import JobSnapshot, JobStatus
from bentosync.core.transfer.progress import ChecksumState, FileSnapshot
from bentosync.gui import icons
from bentosync.gui.delegates.checksum_icons import (
    SEVERITY,
    ChecksumIcons,
    ChecksumWords,
    file_tooltip,
    grouped_tooltip,
    state_word,
)
from bentosync.gui.engine_words import file_reason
from bentosync.gui.i18n import QT_TRANSLATE_NOOP, TranslationContext
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.models.file_tree import FileTree, Node
from bentosync.gui.models.roles import ItemRole, SortRole

logger = logging.getLogger(__name__)


class TransferCells(TranslationContext):
    """The words of the transfers tree's cells."""


COLUMNS = tuple(range(7))
COL_NAME, COL_PROGRESS, COL_SIZE, COL_SPEED, COL_ETA, COL_CHECKSUM, COL_STATUS = COLUMNS
HEADERS = (
    QT_TRANSLATE_NOOP("TableHeader", "Name"),
    QT_TRANSLATE_NOOP("TableHeader", "Progress"),
    QT_TRANSLATE_NOOP("TableHeader", "Size"),
    QT_TRANSLATE_NOOP("TableHeader", "Speed"),
    QT_TRANSLATE_NOOP("TableHeader", "ETA"),
    QT_TRANSLATE_NOOP("TableHeader", "Checksum"),
    QT_TRANSLATE_NOOP("TableHeader", "Status"),
)

_BASE = int(Qt.ItemDataRole.UserRole)
#: Progress as a float fraction 0..1 (the delegate draws it; never raw bytes).
ProgressRole = _BASE + 16
#: The job's ``JobStatus`` value (a plain str: QVariant turns str enums into str), on job
#: rows and the rows below them alike, so the delegate can grey out a failed job's bars.
StatusRole = _BASE + 17

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
RIGHT_COLUMNS = (COL_SIZE, COL_SPEED, COL_ETA)
_STATUS_ORDER = {status: n for n, status in enumerate(JobStatus)}
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
# What a screen reader says for a cell: the checksum column is an icon on screen,
# so its state is given here in words.
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


def checksum_words(state: ChecksumState | None, reason: str = "") -> str:
    """A checksum state as a screen reader should say it."""
    if state is None:
        return TransferCells.tr("no checksum yet")
    words = TransferCells.tr("checksum {state}").format(state=state_word(state))
    if not reason:
        return words
    return TransferCells.tr("{words}: {reason}").format(words=words, reason=file_reason(reason))


def _files(count: int) -> str:
    return TransferCells.tr("{count} file(s)", "", count).format(count=f"{count:,}")


def _state_counts(counts: dict[ChecksumState, int]) -> str:
    """ "120 verified, 3 pending": how a folder's files stand."""
    return ", ".join(
        ChecksumWords.tr("{count} {state}").format(count=f"{n:,}", state=state_word(state))
        for state, n in counts.items()
    )


def job_data(job: JobSnapshot, tree: FileTree, column: int, role: int) -> Any:
    """A job row; icons come from ``CellIcons``."""
    if role == ItemRole:
        return job
    if role == StatusRole:
        return job.status.value
    if role == ProgressRole:
        return job.fraction
    if role == _ALIGN:
        return RIGHT if column in RIGHT_COLUMNS else None
    progress = job.progress
    if role == _DISPLAY:
        if column == COL_NAME:
            return fmt.job_title(job)
        if column == COL_PROGRESS:
            return fmt.format_percent(job.fraction)
        if column == COL_SIZE:
            if progress.files:
                return format_size(progress.total_bytes)
            interrupted = job.interrupted
            return format_size(interrupted.total_bytes) if interrupted else ""
        if column == COL_SPEED:
            return format_speed(job.bytes_per_second)
        if column == COL_ETA:
            return fmt.format_eta(job.eta_seconds)
        if column == COL_STATUS:
            return fmt.job_status_text(job, tree.grouped_reasons())
        return None
    if role == SortRole:
        return _job_sort_value(job, tree, column)
    if role == _ACCESSIBLE and column == COL_CHECKSUM:
        return checksum_words(tree.root.worst)
    if role == _TOOLTIP:
        if column == COL_NAME:
            text = fmt.job_title(job)
            if job.requested != job.tag:
                text = TransferCells.tr("{title} (asked for {requested})").format(
                    title=text, requested=job.requested
                )
            return f"{text}\n{_files(tree.root.files)}" if tree.root.files else text
        if column == COL_CHECKSUM:
            return grouped_tooltip(tree.grouped_reasons())
        if column == COL_STATUS:
            return fmt.job_status_tooltip(job)
        if column == COL_ETA and not job.finished:
            return fmt.format_eta_exact(job.eta_seconds)
    return None


def _job_sort_value(job: JobSnapshot, tree: FileTree, column: int) -> Any:
    if column == COL_NAME:
        return (job.tag, job.job_id)
    if column == COL_PROGRESS:
        return job.fraction
    if column == COL_SIZE:
        return job.progress.total_bytes
    if column == COL_SPEED:
        return job.bytes_per_second
    if column == COL_ETA:
        eta = job.eta_seconds
        return float("inf") if eta is None else eta
    if column == COL_CHECKSUM:
        state = tree.root.worst
        return -1 if state is None else SEVERITY[state]
    return _STATUS_ORDER[job.status]


def folder_status_text(node: Node, job: JobSnapshot) -> str:
    """ "120 of 500 files", or "500 files" once they all moved."""
    finished = node.finished_files(job.status is JobStatus.DONE)
    if finished >= node.files:
        return _files(node.files)
    return TransferCells.tr("{finished} of {count} file(s)", "", node.files).format(
        finished=f"{finished:,}", count=f"{node.files:,}"
    )


def folder_data(node: Node, job: JobSnapshot, column: int, role: int) -> Any:
    """A folder row sums up its files, all levels down. Icons come from the model."""
    if role == ItemRole:
        return node
    if role == StatusRole:
        return job.status.value
    if role == ProgressRole:
        return node.fraction
    if role == _ALIGN:
        return RIGHT if column in RIGHT_COLUMNS else None
    if role == _DISPLAY:
        if column == COL_NAME:
            return f"{node.name}/"
        if column == COL_PROGRESS:
            return fmt.format_percent(node.fraction)
        if column == COL_SIZE:
            return format_size(node.size)
        if column == COL_STATUS:
            return folder_status_text(node, job)
        return None
    if role == _ACCESSIBLE and column == COL_CHECKSUM:
        return checksum_words(node.worst, _state_counts(node.state_counts()))
    if role == SortRole:
        values: dict[int, Any] = {
            COL_NAME: node.path,
            COL_PROGRESS: node.fraction,
            COL_SIZE: node.size,
            COL_CHECKSUM: -1 if node.worst is None else SEVERITY[node.worst],
            COL_STATUS: node.finished_files(job.status is JobStatus.DONE),
        }
        return values.get(column, 0)
    if role == _TOOLTIP:
        if column == COL_NAME:
            return f"{node.path}/ ({_files(node.files)})"
        if column == COL_CHECKSUM:
            return _state_counts(node.state_counts()) or None
    return None


def file_data(file: FileSnapshot, job: JobSnapshot, column: int, role: int) -> Any:
    """A file row; its name is the last part of its path (the folders above say the rest)."""
    if role == ItemRole:
        return file
    if role == StatusRole:
        return job.status.value
    if role == ProgressRole:
        return file.fraction
    if role == _ALIGN:
        return RIGHT if column in RIGHT_COLUMNS else None
    if role == _DISPLAY:
        if column == COL_NAME:
            return file.path.rpartition("/")[2]
        if column == COL_PROGRESS:
            return fmt.format_percent(file.fraction)
        if column == COL_SIZE:
            return format_size(file.size)
        if column == COL_STATUS:
            return fmt.file_status_text(file, job)
        return None
    if role == _ACCESSIBLE and column == COL_CHECKSUM:
        return checksum_words(file.checksum, file.reason)
    if role == SortRole:
        values: dict[int, Any] = {
            COL_NAME: file.path,
            COL_PROGRESS: file.fraction,
            COL_SIZE: file.size,
            COL_CHECKSUM: SEVERITY[file.checksum],
            COL_STATUS: fmt.file_status_text(file, job),
        }
        return values.get(column, 0)
    if role == _TOOLTIP:
        if column == COL_NAME:
            return file.path
        if column == COL_CHECKSUM:
            return file_tooltip(file)
    return None


class CellIcons:
    """The icons of the tree's cells, loaded once per palette (qBittorrent
    ``loadUIThemeResources``): kind, folder and error icons, and one per checksum state."""

    def __init__(self) -> None:
        self._checksums = ChecksumIcons()
        self._named: dict[str, Any] = {}
        self.reload()

    def reload(self) -> None:
        self._checksums.reload()
        self._named = {
            name: icons.icon(name) for name in ("push", "pull", "verify", "folder", "error")
        }

    def job(self, job: JobSnapshot, root: Node, column: int) -> Any:
        if column == COL_NAME:
            return self._named.get(job.kind)
        if column == COL_STATUS and job.status is JobStatus.FAILED:
            return self._named["error"]
        return self._worst(root) if column == COL_CHECKSUM else None

    def folder(self, node: Node, column: int) -> Any:
        if column == COL_NAME:
            return self._named["folder"]
        return self._worst(node) if column == COL_CHECKSUM else None

    def file(self, file: FileSnapshot, column: int) -> Any:
        return self._checksums.icon(file.checksum) if column == COL_CHECKSUM else None

    def _worst(self, node: Node) -> Any:
        state = node.worst
        return None if state is None else self._checksums.icon(state)
