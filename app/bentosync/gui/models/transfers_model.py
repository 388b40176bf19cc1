"""Transfer jobs as a tree: one top row per job, one child row per file.

Fed by a ``TransferManager`` (``job_added``, ``jobs_updated``, ``job_finished``,
``jobs_removed``), never by the engine directly. An update only signals what
changed (qBittorrent ``TransferListModel::handleTorrentsUpdated``): the job row,
the file rows whose snapshot differs (one full-range ``dataChanged`` when more
than half of them did), and inserted rows when a pull without a server file
list finds files on the way. So a 10 000-file job does not repaint 10 000 rows
ten times a second, and selection and expansion survive every update.

Index ids: a top row's ``internalId`` is 0, a file row's is its job id (ids
start at 1), so ``parent()`` is a dict lookup and no Python object ever hides
behind ``internalPointer``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from bentosync.core.transfer.progress import FileSnapshot
from bentosync.gui import icons
from bentosync.gui.delegates.checksum_icons import (
    SEVERITY,
    ChecksumIcons,
    aggregate,
    file_tooltip,
    job_tooltip,
)
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.models.roles import ItemRole, SortRole
from bentosync.gui.workers import emit_guard
from bentosync.gui.workers.jobs import JobId, JobSnapshot, JobStatus

if TYPE_CHECKING:
    from bentosync.gui.workers.transfer_manager import TransferManager

logger = logging.getLogger(__name__)

COL_NAME, COL_PROGRESS, COL_SIZE, COL_SPEED, COL_ETA, COL_CHECKSUM, COL_STATUS = range(7)
HEADERS = ("Name", "Progress", "Size", "Speed", "ETA", "Checksum", "Status")

_BASE = int(Qt.ItemDataRole.UserRole)
#: Progress as a float fraction 0..1 (the delegate draws it; never raw bytes).
ProgressRole = _BASE + 16
#: The job's ``JobStatus`` value (a plain str: QVariant turns str enums into str), on job
#: rows and their file rows alike, so the delegate can grey out a failed job's bars.
StatusRole = _BASE + 17

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; Qt never mutates a default index
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_RIGHT_COLUMNS = (COL_SIZE, COL_SPEED, COL_ETA)
_STATUS_ORDER = {status: n for n, status in enumerate(JobStatus)}


@dataclass
class _JobRow:
    snapshot: JobSnapshot
    files: tuple[FileSnapshot, ...]


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers grouped into inclusive (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class TransfersModel(QAbstractItemModel):
    """Jobs and their files for the transfers panel; DisplayRole is text, SortRole raw values.

    Args:
        manager: the ``TransferManager`` to follow; jobs it already lists are shown.
        parent: the owning QObject.
    """

    def __init__(self, manager: TransferManager | None = None, parent: QObject | None = None):
        super().__init__(parent)
        emit_guard.install()  # every update emits; see emit_guard
        self._rows: list[_JobRow] = []
        self._row_of: dict[int, int] = {}
        self._checksum_icons = ChecksumIcons()
        self._kind_icons: dict[str, Any] = {}
        self._error_icon = icons.icon("error")
        self._load_kind_icons()
        if manager is not None:
            self.attach(manager)

    def attach(self, manager: TransferManager) -> None:
        """Show ``manager``'s jobs and follow its signals from now on."""
        for snapshot in manager.jobs():
            self.add_job(snapshot)
        manager.job_added.connect(self.add_job)
        manager.jobs_updated.connect(self.update_jobs)
        manager.job_finished.connect(self.update_job)
        manager.jobs_removed.connect(self.remove_jobs)

    # ---- feeding -------------------------------------------------------------------

    def add_job(self, snapshot: JobSnapshot) -> None:
        if snapshot.job_id in self._row_of:
            self.update_job(snapshot)
            return
        row = len(self._rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(_JobRow(snapshot, snapshot.files))
        self._row_of[snapshot.job_id] = row
        self.endInsertRows()

    def update_jobs(self, snapshots: list[JobSnapshot]) -> None:
        for snapshot in snapshots:
            self.update_job(snapshot)

    def update_job(self, snapshot: JobSnapshot) -> None:
        """Apply one job's new snapshot, signalling only the rows that changed."""
        row = self._row_of.get(snapshot.job_id)
        if row is None:
            self.add_job(snapshot)
            return
        entry = self._rows[row]
        parent = self.createIndex(row, 0, 0)
        old, new = entry.files, snapshot.files
        common = min(len(old), len(new))
        if any(old[i].path != new[i].path for i in range(common)):
            self._replace_files(parent, entry, new)  # set_files() again: a new list
            changed: list[int] = []
        else:
            changed = [i for i in range(common) if old[i] != new[i]]
            if len(new) > len(old):
                self.beginInsertRows(parent, len(old), len(new) - 1)
                entry.files = new
                self.endInsertRows()
            elif len(new) < len(old):
                self.beginRemoveRows(parent, len(new), len(old) - 1)
                entry.files = new
                self.endRemoveRows()
            else:
                entry.files = new
        entry.snapshot = snapshot
        last = len(HEADERS) - 1
        self.dataChanged.emit(parent, self.createIndex(row, last, 0))
        self._signal_children(snapshot.job_id, changed, len(new))

    def _replace_files(
        self, parent: QModelIndex, entry: _JobRow, files: tuple[FileSnapshot, ...]
    ) -> None:
        if entry.files:
            self.beginRemoveRows(parent, 0, len(entry.files) - 1)
            entry.files = ()
            self.endRemoveRows()
        if files:
            self.beginInsertRows(parent, 0, len(files) - 1)
            entry.files = files
            self.endInsertRows()

    def _signal_children(self, job_id: JobId, changed: list[int], count: int) -> None:
        if not changed:
            return
        last = len(HEADERS) - 1
        # qBittorrent's rule: past half the rows, one signal for all is cheaper.
        runs = [(0, count - 1)] if len(changed) * 2 > count else _runs(changed)
        for first, end in runs:
            self.dataChanged.emit(
                self.createIndex(first, 0, job_id), self.createIndex(end, last, job_id)
            )

    def remove_jobs(self, job_ids: list[JobId]) -> None:
        for job_id in job_ids:
            row = self._row_of.get(job_id)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self._row_of = {entry.snapshot.job_id: n for n, entry in enumerate(self._rows)}
            self.endRemoveRows()

    def reload_icons(self) -> None:
        """Pick the icons of the current palette again and repaint the icon cells."""
        self._checksum_icons.reload()
        self._load_kind_icons()
        self._error_icon = icons.icon("error")
        if not self._rows:
            return
        roles = [Qt.ItemDataRole.DecorationRole]
        last_row, last_col = len(self._rows) - 1, len(HEADERS) - 1
        self.dataChanged.emit(self.index(0, 0), self.index(last_row, last_col), roles)
        for entry in self._rows:
            if entry.files:
                job_id = entry.snapshot.job_id
                self.dataChanged.emit(
                    self.createIndex(0, COL_CHECKSUM, job_id),
                    self.createIndex(len(entry.files) - 1, COL_CHECKSUM, job_id),
                    roles,
                )

    def _load_kind_icons(self) -> None:
        self._kind_icons = {kind: icons.icon(kind) for kind in ("push", "pull", "verify")}

    # ---- lookups -------------------------------------------------------------------

    def snapshots(self) -> list[JobSnapshot]:
        return [entry.snapshot for entry in self._rows]

    def job_index(self, job_id: JobId, column: int = 0) -> QModelIndex:
        row = self._row_of.get(job_id)
        return QModelIndex() if row is None else self.createIndex(row, column, 0)

    def job_id_of(self, index: _Index) -> JobId | None:
        """The job of a job row or of a file row."""
        if not index.isValid():
            return None
        if index.internalId():
            return JobId(index.internalId())
        return self._rows[index.row()].snapshot.job_id

    # ---- QAbstractItemModel --------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        if parent.internalId() or parent.column() != 0:
            return QModelIndex()  # files have no children; only column 0 has children
        return self.createIndex(row, column, self._rows[parent.row()].snapshot.job_id)

    def parent(self, child: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or not child.internalId():
            return QModelIndex()
        row = self._row_of.get(child.internalId())
        return QModelIndex() if row is None else self.createIndex(row, 0, 0)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() or parent.column() != 0:
            return 0
        return len(self._rows[parent.row()].files)

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in _RIGHT_COLUMNS:
            return _RIGHT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        job_id = index.internalId()
        if job_id:
            entry = self._rows[self._row_of[job_id]]
            if index.row() >= len(entry.files):
                return None
            return self._file_data(entry.files[index.row()], entry.snapshot, index.column(), role)
        return self._job_data(self._rows[index.row()].snapshot, index.column(), role)

    def _job_data(self, job: JobSnapshot, column: int, role: int) -> Any:
        if role == ItemRole:
            return job
        if role == StatusRole:
            return job.status.value
        if role == ProgressRole:
            return job.fraction
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _RIGHT_COLUMNS else None
        progress = job.progress
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return fmt.job_title(job)
            if column == COL_PROGRESS:
                return fmt.format_percent(job.fraction)
            if column == COL_SIZE:
                return fmt.format_size(progress.total_bytes) if progress.files else ""
            if column == COL_SPEED:
                return fmt.format_speed(job.bytes_per_second)
            if column == COL_ETA:
                return fmt.format_eta(job.eta_seconds)
            if column == COL_STATUS:
                return fmt.job_status_text(job)
            return None
        if role == SortRole:
            return self._job_sort_value(job, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == COL_NAME:
                return self._kind_icons.get(job.kind)
            if column == COL_CHECKSUM:
                state = aggregate(job.files)
                return None if state is None else self._checksum_icons.icon(state)
            if column == COL_STATUS and job.status is JobStatus.FAILED:
                return self._error_icon
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_NAME:
                asked = f" (asked for {job.requested})" if job.requested != job.tag else ""
                return f"{fmt.job_title(job)}{asked}"
            if column == COL_CHECKSUM:
                return job_tooltip(job.files)
            if column == COL_STATUS:
                return fmt.job_status_tooltip(job)
            if column == COL_ETA and not job.finished:
                return fmt.format_eta_exact(job.eta_seconds)
        return None

    @staticmethod
    def _job_sort_value(job: JobSnapshot, column: int) -> Any:
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
            state = aggregate(job.files)
            return -1 if state is None else SEVERITY[state]
        return _STATUS_ORDER[job.status]

    def _file_data(self, file: FileSnapshot, job: JobSnapshot, column: int, role: int) -> Any:
        if role == ItemRole:
            return file
        if role == StatusRole:
            return job.status.value
        if role == ProgressRole:
            return file.fraction
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column in _RIGHT_COLUMNS else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_NAME:
                return file.path
            if column == COL_PROGRESS:
                return fmt.format_percent(file.fraction)
            if column == COL_SIZE:
                return fmt.format_size(file.size)
            if column == COL_STATUS:
                return fmt.file_status_text(file, job)
            return None
        if role == SortRole:
            values: dict[int, Any] = {
                COL_NAME: file.path,
                COL_PROGRESS: file.fraction,
                COL_SIZE: file.size,
                COL_CHECKSUM: SEVERITY[file.checksum],
                COL_STATUS: fmt.file_status_text(file, job),
            }
            return values.get(column, 0)
        if role == Qt.ItemDataRole.DecorationRole and column == COL_CHECKSUM:
            return self._checksum_icons.icon(file.checksum)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_CHECKSUM:
                return file_tooltip(file)
            if column == COL_NAME:
                return file.path
        return None
