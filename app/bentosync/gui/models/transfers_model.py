"""Transfer jobs as a tree: one top row per job, its folders below it, files in the folders.

Fed by a ``TransferManager`` (``job_added``, ``jobs_updated``, ``job_finished``,
``jobs_removed``), never by the engine directly. Built for jobs of tens of
thousands of files (issue 14):

- files are grouped by folder (``file_tree``), so a person can still find one
  file, and each folder row sums up its files (progress, size, worst checksum);
- an update touches only what changed (qBittorrent
  ``TransferListModel::handleTorrentsUpdated``): the snapshot names its changed
  files (``progress.changed``), and only their rows and their folders' rows are
  signalled, one ``dataChanged`` per run of rows under a parent;
- children are reported a page at a time (``canFetchMore``/``fetchMore``), and
  rows nobody asked for are never signalled, so a view lays out and repaints
  what it shows, not 20 000 rows;
- a batch larger than one event-loop turn's budget (every checksum of 20 000
  files verified at once) is taken in over several turns (``BUDGET_S``).

Index ids: a job row's ``internalId`` is 0; any other row's is the key of the
node it sits in (a job's key is its job id, a folder's a number above
``FOLDER_KEYS``), so ``parent()`` is a dict lookup and no Python object ever
hides behind ``internalPointer``.
"""

from __future__ import annotations

import itertools
import logging
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
)

from bentosync.application.jobs import JobId, JobSnapshot
from bentosync.core.transfer.progress import FileSnapshot
from bentosync.gui.models import transfer_cells as cells
from bentosync.gui.models.file_tree import PAGE, FileTree, Node
from bentosync.gui.models.role_batch import RolesInOneCall
from bentosync.gui.models.roles import header_text
from bentosync.gui.models.row_runs import ranges

if TYPE_CHECKING:
    from bentosync.gui.workers.transfer_manager import TransferManager

logger = logging.getLogger(__name__)

COL_NAME, COL_PROGRESS, COL_SIZE, COL_SPEED, COL_ETA, COL_CHECKSUM, COL_STATUS = cells.COLUMNS
HEADERS, ProgressRole, StatusRole = cells.HEADERS, cells.ProgressRole, cells.StatusRole

#: Folder keys start here, above any job id, so an ``internalId`` names one node.
FOLDER_KEYS = 1 << 32
#: Past this many runs of changed rows under one parent, one signal covers them all.
MAX_RUNS = 8
#: GUI-thread time per event-loop turn for taking in a batch (see ``FileTree.take_in``).
BUDGET_S = 0.008

_Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root; Qt never mutates a default index
_LAST = len(HEADERS) - 1


@dataclass
class _JobRow:
    snapshot: JobSnapshot
    files: tuple[FileSnapshot, ...]
    tree: FileTree


class TransfersModel(RolesInOneCall, QAbstractItemModel):
    """Jobs, folders and files for the transfers panel; DisplayRole is text, SortRole raw values.

    Args:
        manager: the ``TransferManager`` to follow; jobs it already lists are shown.
        parent: the owning QObject.
        budget_s: GUI-thread time one event-loop turn spends taking in a batch of
            changes (default ``BUDGET_S``; ``math.inf`` takes everything at once).
    """

    def __init__(
        self,
        manager: TransferManager | None = None,
        parent: QObject | None = None,
        *,
        budget_s: float | None = None,
    ):
        super().__init__(parent)
        self._rows: list[_JobRow] = []
        self._row_of: dict[int, int] = {}
        self._nodes: dict[int, Node] = {}
        self._keys = itertools.count(FOLDER_KEYS)
        self._inserting = False
        self._budget = BUDGET_S if budget_s is None else budget_s
        self._later = QTimer(self)  # takes in the rest of a batch on the next turns
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._take_in_later)
        self._icons = cells.CellIcons()
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
        entry = _JobRow(snapshot, snapshot.files, self._new_tree(snapshot.job_id))
        root = entry.tree.root
        root.shown = None  # no row yet: nothing to signal while the first slice goes in
        entry.tree.take_in(entry.files, time.perf_counter() + self._budget)
        root.shown = min(len(root.children), PAGE)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.append(entry)
        self._row_of[snapshot.job_id] = row
        self.endInsertRows()
        self._schedule(entry)

    def update_jobs(self, snapshots: list[JobSnapshot]) -> None:
        for snapshot in snapshots:
            self.update_job(snapshot)

    def update_job(self, snapshot: JobSnapshot) -> None:
        """Take in one job's new snapshot, signalling only the rows that changed."""
        row = self._row_of.get(snapshot.job_id)
        if row is None:
            self.add_job(snapshot)
            return
        entry = self._rows[row]
        old, new, progress = entry.files, snapshot.files, snapshot.progress
        status_changed = entry.snapshot.status is not snapshot.status
        if len(new) < len(old):
            self._replace_files(entry, snapshot)
        elif progress.changed is not None and progress.since == entry.snapshot.progress.revision:
            entry.tree.note(progress.changed)  # the snapshot says what changed: no pass
        elif any(a.path != b.path for a, b in zip(old, new, strict=False)):
            self._replace_files(entry, snapshot)  # set_files() again: a new list
        else:
            entry.tree.note_differences(new)
        entry.files, entry.snapshot = new, snapshot
        self._take_in(entry, time.perf_counter() + self._budget)
        if status_changed:  # every shown file's status cell and bar colour follow the job's
            self._signal_all(entry.tree, None)
        self._schedule(entry)

    def flush(self) -> None:
        """Take in everything still waiting for a later event-loop turn, now."""
        for entry in self._rows:
            if entry.tree.behind(entry.files):
                self._take_in(entry, math.inf)

    def _take_in(self, entry: _JobRow, deadline: float) -> None:
        rows, grown = entry.tree.take_in(entry.files, deadline)
        for node in grown:
            self._grow(node)
        row = self._row_of[entry.snapshot.job_id]
        self.dataChanged.emit(self.createIndex(row, 0, 0), self.createIndex(row, _LAST, 0))
        self._signal_rows(rows)

    def _schedule(self, entry: _JobRow) -> None:
        if entry.tree.behind(entry.files) and not self._later.isActive():
            self._later.start()

    def _take_in_later(self) -> None:
        """The next event-loop turn's share of what one budget could not take in."""
        deadline = time.perf_counter() + self._budget
        for entry in self._rows:
            if entry.tree.behind(entry.files):
                self._take_in(entry, deadline)
                self._schedule(entry)

    def _new_tree(self, job_id: int) -> FileTree:
        return FileTree(job_id, self._keys.__next__, self._nodes)

    def _replace_files(self, entry: _JobRow, snapshot: JobSnapshot) -> None:
        job_index = self.createIndex(self._row_of[snapshot.job_id], 0, 0)
        shown = entry.tree.root.shown or 0
        if shown:
            self.beginRemoveRows(job_index, 0, shown - 1)
        entry.tree.drop()
        entry.tree = self._new_tree(snapshot.job_id)  # its root is on show, with no rows
        entry.files = snapshot.files
        if shown:
            self.endRemoveRows()

    def _grow(self, node: Node) -> None:
        """New children of ``node``: the views hear of them up to the first page."""
        if node.shown is not None:  # else no view asked about this node's children yet
            self._show(node, max(node.shown, min(len(node.children), PAGE)))

    def _show(self, node: Node, target: int) -> None:
        shown = node.shown or 0
        if target > shown:
            # Children past ``shown`` already exist here; a view (or the model tester)
            # asking canFetchMore between begin and end must not start a nested insert.
            self._inserting = True
            try:
                self.beginInsertRows(self._index_of(node, 0), shown, target - 1)
                node.shown = target
                self.endInsertRows()
            finally:
                self._inserting = False

    def _signal_rows(self, changed: dict[Node, set[int]]) -> None:
        for node, rows in changed.items():
            shown = node.shown
            if not shown:
                continue  # no view knows these rows
            visible = sorted(row for row in rows if row < shown)
            if not visible:
                continue
            runs = ranges(visible)
            if len(runs) > MAX_RUNS:
                runs = [(visible[0], visible[-1])]
            for first, last in runs:
                self.dataChanged.emit(
                    self.createIndex(first, 0, node.key), self.createIndex(last, _LAST, node.key)
                )

    def _signal_all(self, tree: FileTree, roles: list[Qt.ItemDataRole] | None) -> None:
        """Every shown row of a job (a status change, new icons): one signal per folder."""
        last = COL_CHECKSUM if roles else _LAST
        for node in tree.folders.values():
            if node.shown:
                top, bottom = (
                    self.createIndex(0, 0, node.key),
                    self.createIndex(node.shown - 1, last, node.key),
                )
                if roles:
                    self.dataChanged.emit(top, bottom, roles)
                else:
                    self.dataChanged.emit(top, bottom)

    def remove_jobs(self, job_ids: list[JobId]) -> None:
        for job_id in job_ids:
            row = self._row_of.get(job_id)
            if row is None:
                continue
            self.beginRemoveRows(QModelIndex(), row, row)
            self._rows.pop(row).tree.drop()
            self._row_of = {entry.snapshot.job_id: n for n, entry in enumerate(self._rows)}
            self.endRemoveRows()

    def reload_icons(self) -> None:
        """Pick the icons of the current palette again and repaint the icon cells."""
        self._icons.reload()
        if not self._rows:
            return
        roles = [Qt.ItemDataRole.DecorationRole]
        last_row = len(self._rows) - 1
        self.dataChanged.emit(self.index(0, 0), self.index(last_row, _LAST), roles)
        for entry in self._rows:
            self._signal_all(entry.tree, roles)

    # ---- lookups -------------------------------------------------------------------

    def snapshots(self) -> list[JobSnapshot]:
        return [entry.snapshot for entry in self._rows]

    def job_index(self, job_id: JobId, column: int = 0) -> QModelIndex:
        row = self._row_of.get(job_id)
        return QModelIndex() if row is None else self.createIndex(row, column, 0)

    def job_id_of(self, index: _Index) -> JobId | None:
        """The job of a job, folder or file row."""
        if not index.isValid():
            return None
        if index.internalId():
            return JobId(self._nodes[index.internalId()].job_id)
        return self._rows[index.row()].snapshot.job_id

    def file_count(self, index: _Index) -> int:
        """How many files a job or folder row holds, all levels down (0 for a file)."""
        item = self._item(index)
        if isinstance(item, Node) and item.parent is None:  # a job: its whole list
            return len(self._rows[self._row_of[item.job_id]].files)
        return item.files if isinstance(item, Node) else 0

    def file_index(self, job_id: JobId, path: str, column: int = 0) -> QModelIndex:
        """The row of one file of a job, invalid if there is none.

        Rows above it that the views were not told about yet are fetched on the
        way, so the answer can be selected and scrolled to (finding one file
        in a job of 20 000). Costs the length of its folder, not of the job.
        """
        row = self._row_of.get(job_id)
        entry = None if row is None else self._rows[row]
        if entry is not None and entry.tree.behind(entry.files):
            self._take_in(entry, math.inf)  # the file may not be in the tree yet
        node = None if entry is None else entry.tree.folders.get(path.rpartition("/")[0])
        if entry is None or node is None:
            return QModelIndex()
        for n, child in enumerate(node.children):
            if isinstance(child, int) and entry.files[child].path == path:
                self._reveal(node, n)
                return self.createIndex(n, column, node.key)
        return QModelIndex()

    def _reveal(self, node: Node, row: int) -> None:
        if node.parent is not None:
            self._reveal(node.parent, node.row)
        if row >= self._shown(node):
            self._show(node, row + 1)

    def _item(self, index: _Index) -> Node | int | None:
        """The node of a job or folder row, the file index of a file row."""
        if not index.isValid():
            return None
        key = index.internalId()
        if not key:
            return self._rows[index.row()].tree.root
        return self._nodes[key].children[index.row()]

    def _index_of(self, node: Node, column: int) -> QModelIndex:
        if node.parent is None:
            return self.createIndex(self._row_of[node.job_id], column, 0)
        return self.createIndex(node.row, column, node.parent.key)

    @staticmethod
    def _shown(node: Node) -> int:
        if node.shown is None:  # the first question about it: the first page, from now on
            node.shown = min(len(node.children), PAGE)
        return node.shown

    # ---- QAbstractItemModel --------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = _ROOT) -> QModelIndex:
        # hasIndex's check, in Python: PySide lets go of the GIL around the C++ call and
        # takes it back for its rowCount() and columnCount() calls into Python, one wait
        # each while a transfer runs Python on a pool thread, for every row painted.
        if row < 0 or not 0 <= column < len(HEADERS) or row >= self.rowCount(parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, 0)
        node = self._item(parent)
        assert isinstance(node, Node)  # rowCount: only folders have rows
        return self.createIndex(row, column, node.key)

    def parent(self, child: _Index = _ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or not child.internalId():
            return QModelIndex()
        node = self._nodes.get(child.internalId())
        return QModelIndex() if node is None else self._index_of(node, 0)

    def rowCount(self, parent: _Index = _ROOT) -> int:
        if not parent.isValid():
            return len(self._rows)
        if parent.column() != 0:
            return 0
        item = self._item(parent)
        return self._shown(item) if isinstance(item, Node) else 0

    def hasChildren(self, parent: _Index = _ROOT) -> bool:
        if not parent.isValid():
            return bool(self._rows)
        if parent.column() != 0:
            return False
        item = self._item(parent)
        return isinstance(item, Node) and bool(item.children)

    def canFetchMore(self, parent: _Index) -> bool:
        if self._inserting or not parent.isValid() or parent.column() != 0:
            return False
        item = self._item(parent)
        return isinstance(item, Node) and self._shown(item) < len(item.children)

    def fetchMore(self, parent: _Index) -> None:
        item = self._item(parent) if parent.isValid() and parent.column() == 0 else None
        if isinstance(item, Node) and not self._inserting:
            self._show(item, min(len(item.children), self._shown(item) + PAGE))

    def columnCount(self, parent: _Index = _ROOT) -> int:
        return len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return header_text(HEADERS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole and section in cells.RIGHT_COLUMNS:
            return cells.RIGHT
        return None

    # No ``flags`` override: Qt's default (enabled and selectable when valid) is what
    # this tree needs, and a Python one cost a call into Python per painted row.

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        key, column = index.internalId(), index.column()
        if not key:
            entry = self._rows[index.row()]
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icons.job(entry.snapshot, entry.tree.root, column)
            return cells.job_data(entry.snapshot, entry.tree, column, role)
        node = self._nodes[key]
        entry = self._rows[self._row_of[node.job_id]]
        item = node.children[index.row()]
        if isinstance(item, Node):
            if role == Qt.ItemDataRole.DecorationRole:
                return self._icons.folder(item, column)
            return cells.folder_data(item, entry.snapshot, column, role)
        file = entry.files[item]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._icons.file(file, column)
        return cells.file_data(file, entry.snapshot, column, role)
