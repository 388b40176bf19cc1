"""What the Local and Cloud tables share: keyed updates, a Sync column, drag and drop.

Both panes list model versions keyed by tag, both show the same sync verdict
(``core.sync_state``), and each is the other's drop target. Keeping that here
means the two models differ only in how they render their own record type.

Drag and drop goes through the item model, as Qt's model/view intends
(``mimeTypes``/``mimeData``/``canDropMimeData``/``dropMimeData``), not through
widget event overrides: the proxy forwards these calls, the view asks
``canDropMimeData`` on every drag move, and a test can drive a drop without a
mouse. A drop only *requests* work (a signal carrying tags or folders); the
window decides what to do, so a drop and a button press take the same path.
The window may also name tags that cannot come to this side at all
(``set_transfer_refusal``: a Hugging Face reference has nothing to pull); a
drag made only of those is refused, so it never looks like it would work.

The model sorts its own rows (``sort``; the proxy forwards the view's request,
see ``sort_proxy``): a Qt proxy sort calls a Python ``lessThan`` for each of
n·log n comparisons, which for 10,000 rows kept the GUI thread busy for
seconds, where Python's ``sorted`` with a key takes milliseconds. Rows stay in
that order through updates: a first load is inserted already sorted, later
additions are appended and the order restored with one layout change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from bentosync.core.sync_state import SyncEntry
from bentosync.gui.models import mime, sync_display
from bentosync.gui.models.role_batch import RolesInOneCall
from bentosync.gui.models.roles import FilterRole, ItemRole, SortRole, SyncRole, header_text
from bentosync.gui.models.row_runs import ranges
from bentosync.gui.models.table_index import FlatTableModel

logger = logging.getLogger(__name__)

Record = TypeVar("Record")
_Index = QModelIndex | QPersistentModelIndex
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
MAX_CHANGE_RUNS = 16


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class RecordTableModel(RolesInOneCall, FlatTableModel, Generic[Record]):
    """A table of model-version records keyed by tag, with a Sync column and DnD.

    Subclasses set ``HEADERS``, ``SIZE_COLUMN``, ``CREATED_COLUMN``,
    ``SYNC_COLUMN`` and ``SIDE`` (``mime.LOCAL`` or ``mime.CLOUD``) and render
    their record type in ``_display``, ``_sort_value``, ``_tooltip`` and
    ``_filter_parts``.
    """

    HEADERS: ClassVar[tuple[str, ...]] = ()
    SIZE_COLUMN: ClassVar[int] = -1
    CREATED_COLUMN: ClassVar[int] = -1
    SYNC_COLUMN: ClassVar[int] = -1
    SIDE: ClassVar[str] = ""

    #: Tags dropped here from the other pane: a request to move them to this side.
    transfer_dropped = Signal(object)  # list[str]
    #: Local folders dropped from a file manager: a request to import them.
    folders_dropped = Signal(object)  # list[pathlib.Path]

    def __init__(self, parent: Any = None, now: Callable[[], datetime] = _utcnow) -> None:
        super().__init__(parent)
        self._rows: list[Record] = []
        self._keys: list[str] = []  # row_key of each row, kept beside _rows
        self._row_of: dict[str, int] | None = None  # key -> row, built on demand
        self._by_key: dict[str, Record] = {}
        self._sync: dict[str, SyncEntry] = {}
        self._now = now
        self._transfer_refusal: Callable[[str], str] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        # Tag -> sort key in the current column, so a re-sort computes only new ones.
        self._sort_keys: dict[str, tuple[Any, ...]] = {}

    # ---- subclass hooks ------------------------------------------------------------

    def row_key(self, item: Record) -> str:
        """The row's tag, ``name:version``: what matches rows across refreshes."""
        raise NotImplementedError

    def _display(self, item: Record, column: int) -> str | None:
        raise NotImplementedError

    def _sort_value(self, item: Record, column: int) -> Any:
        raise NotImplementedError

    def _tooltip(self, item: Record, column: int) -> str | None:
        raise NotImplementedError

    def _filter_parts(self, item: Record) -> list[str]:
        raise NotImplementedError

    def _sync_cell(self, item: Record, entry: SyncEntry | None) -> sync_display.SyncCell:
        return sync_display.cell_for(entry)

    # ---- Qt model API --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return header_text(self.HEADERS[section])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section == self.SIZE_COLUMN else LEFT
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        # Every cell and the empty viewport accept drops: a drop anywhere on the
        # pane means "to this side"; where exactly it lands does not matter.
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemIsDropEnabled
        )

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if column == self.SYNC_COLUMN and role in sync_display.CELL_ROLES:
            return self._sync_cell(item, self.sync_entry(item)).value(role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == SortRole:
            return self._sort_value(item, column)
        if role == ItemRole:
            return item
        if role == SyncRole:
            return self.sync_entry(item)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column == self.SIZE_COLUMN else LEFT
        if role == FilterRole:
            return self._filter_text(item)
        return None

    # ---- contents ------------------------------------------------------------------

    def records(self) -> list[Record]:
        """The rows in model order (not view order)."""
        return list(self._rows)

    def record(self, tag: str) -> Record | None:
        return self._by_key.get(tag)

    def keys(self) -> list[str]:
        """The rows' tags in model order (computed once per row, not per call)."""
        return list(self._keys)

    def sync_entry(self, item: Record) -> SyncEntry | None:
        return self._sync.get(self.row_key(item)) if self._sync else None

    def set_records(self, records: Sequence[Record] | Mapping[str, Record]) -> None:
        """Replace the contents, signalling only what changed (keyed by tag).

        Removed rows go first (highest first, in contiguous runs), then changed
        rows get ``dataChanged`` (one full-range signal when more than half
        changed, as qBittorrent's transfer list does), then new rows are
        appended in one insert and the sort order restored. ``records`` may
        come keyed by tag already (a listing worker does that off the GUI thread).
        """
        if isinstance(records, Mapping):
            incoming = dict(records)
        else:
            incoming = {self.row_key(m): m for m in records}
        keys = self._keys
        doomed = [row for row, key in enumerate(keys) if key not in incoming]
        sort_keys = self._sort_keys
        for row in doomed:
            sort_keys.pop(keys[row], None)
        for first, last in reversed(ranges(doomed)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            del keys[first : last + 1]
            self._row_of = None
            self.endRemoveRows()

        changed: list[int] = []
        rows = self._rows
        for row, key in enumerate(keys):
            new = incoming[key]
            if new is not rows[row] and new != rows[row]:
                rows[row] = new
                sort_keys.pop(key, None)
                changed.append(row)
        self._emit_rows_changed(changed)

        present = set(keys)
        added = [(key, m) for key, m in incoming.items() if key not in present]
        self._by_key = incoming
        self._append(added)
        if changed:
            self._resort()
        logger.debug(
            "%s: %d removed, %d changed, %d added",
            type(self).__name__,
            len(doomed),
            len(changed),
            len(added),
        )

    def add_records(self, records: Sequence[Record] | Mapping[str, Record]) -> int:
        """Add rows not shown yet (a further page), leaving the others alone; returns
        how many were new. A record whose tag is shown already is skipped: a page
        boundary can move while paging (a push in between), and repeat a row.
        ``records`` may come keyed by tag already, as for ``set_records``."""
        pairs = (
            records.items()
            if isinstance(records, Mapping)
            else ((self.row_key(item), item) for item in records)
        )
        added = []
        for key, item in pairs:
            if key not in self._by_key:
                self._by_key[key] = item
                added.append((key, item))
        self._append(added)
        return len(added)

    def _append(self, added: list[tuple[str, Record]]) -> None:
        """Insert new (key, record) rows in one go: sorted into place when the table
        was empty, else at the end, then the order restored with one layout change
        (one ``sorted`` over the rows already in order and the batch: with the keys
        cached, that is a merge of two sorted runs, not a key per row again)."""
        if not added:
            return
        empty = not self._rows
        if empty:
            order = self._order([key for key, _item in added], [item for _key, item in added])
            added = [added[index] for index in order]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
        self._rows.extend(item for _key, item in added)
        self._keys.extend(key for key, _item in added)
        self._row_of = None
        self.endInsertRows()
        if not empty:
            self._resort()

    # ---- sorting -------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows by ``column``'s SortRole value (-1: keep the order they came in)."""
        if column != self._sort_column:
            self._sort_keys.clear()
        self._sort_column, self._sort_order = column, order
        self._resort()

    def sort_column(self) -> int:
        return self._sort_column

    def _sort_key(self, item: Record) -> tuple[Any, ...]:
        # None sorts first, as the proxy's lessThan had it; tuples never compare None.
        value = self._sort_value(item, self._sort_column)
        return (0,) if value is None else (1, value)

    def _order(self, keys: list[str], records: list[Record]) -> list[int]:
        """Positions of ``records`` (tagged ``keys``) in the current order; stable, so
        equal sort keys keep their order.

        Sort keys are remembered by tag for the current column (``_sort_keys``): a
        first listing arrives in batches and every batch re-sorts the rows so far,
        which computed a key (a tuple, a datetime, a casefold) for each of 10,000
        rows each time. A key is dropped when its row changes or goes, or, in the
        Sync column, when its verdict changes.
        """
        if self._sort_column < 0 or len(records) < 2:
            return list(range(len(records)))
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        cache = self._sort_keys
        sort_keys: list[tuple[Any, ...]] = []
        for key, item in zip(keys, records, strict=True):
            sort_key = cache.get(key)
            if sort_key is None:
                sort_key = cache[key] = self._sort_key(item)
            sort_keys.append(sort_key)
        positions = range(len(records))
        try:
            return sorted(positions, key=sort_keys.__getitem__, reverse=descending)
        except TypeError:  # values of different types in one column: compare as text
            texts = [str(sort_key) for sort_key in sort_keys]
            return sorted(positions, key=texts.__getitem__, reverse=descending)

    def _resort(self) -> None:
        """Restore the sort order with one layout change, moving persistent indexes along
        (the views' selection and current row follow their records). Rows and their
        keys move together: a key is never computed again for a row that only moved."""
        rows, keys = self._rows, self._keys
        order = self._order(keys, rows)
        if all(position == index for position, index in enumerate(order)):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = [keys[index.row()] for index in persistent]
        self._rows = [rows[index] for index in order]
        self._keys = [keys[index] for index in order]
        self._row_of = None
        new_row = {key: row for row, key in enumerate(self._keys)}
        self.changePersistentIndexList(
            persistent,
            [
                self.index(new_row[key], index.column())
                for key, index in zip(moved, persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def set_sync_states(
        self, states: Mapping[str, SyncEntry], tags: Collection[str] | None = None
    ) -> None:
        """New verdicts; only rows whose verdict changed are signalled (Sync column).

        ``tags``, when given, are the only ones whose verdict may have changed
        (a batch of looked-up names): only their rows are compared.
        """
        old = self._sync
        self._sync = dict(states)
        if not old and not self._sync:
            return
        new = self._sync
        if tags is None:
            candidates: Iterable[tuple[int, str]] = enumerate(self._keys)
        else:
            row_of = self._row_index()
            candidates = sorted((row_of[t], t) for t in tags if t in row_of)
        changed = []
        for row, key in candidates:
            before, after = old.get(key), new.get(key)
            if before is not after and before != after:
                changed.append(row)
        # The whole row: the filter text and tooltips mention the state too.
        self._emit_rows_changed(changed)
        if changed and self._sort_column == self.SYNC_COLUMN:
            keys = self._keys
            for row in changed:
                self._sort_keys.pop(keys[row], None)
            self._resort()

    def refresh_relative_times(self) -> None:
        """Re-render "N minutes ago" texts, which go stale as time passes."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.CREATED_COLUMN),
                self.index(len(self._rows) - 1, self.CREATED_COLUMN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def reload_icons(self) -> None:
        """After a palette change: the Sync column's icons come in light and dark."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, self.SYNC_COLUMN),
                self.index(len(self._rows) - 1, self.SYNC_COLUMN),
                [Qt.ItemDataRole.DecorationRole],
            )

    def _row_index(self) -> dict[str, int]:
        """Row of each tag, rebuilt after the rows moved (insert, removal, sort)."""
        if self._row_of is None:
            self._row_of = {key: row for row, key in enumerate(self._keys)}
        return self._row_of

    def _emit_rows_changed(self, rows: list[int]) -> None:
        """``dataChanged`` over ``rows`` (ascending), in few signals.

        Every signal reaches the proxy, the view and the window's selection
        handling, so thousands of scattered rows (a verdict per local version)
        must not become thousands of signals: past half the rows it is one over
        everything, past ``MAX_CHANGE_RUNS`` runs one from the first to the last.
        """
        if not rows:
            return
        last_col = len(self.HEADERS) - 1
        runs = ranges(rows)
        if len(rows) * 2 > len(self._rows):
            runs = [(0, len(self._rows) - 1)]
        elif len(runs) > MAX_CHANGE_RUNS:
            runs = [(rows[0], rows[-1])]
        for first, last in runs:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))

    def _filter_text(self, item: Record) -> str:
        parts = self._filter_parts(item)
        entry = self.sync_entry(item)
        if entry is not None:
            parts.append(sync_display.state_label(entry.state))
        return " ".join(parts).casefold()

    # ---- drag and drop ---------------------------------------------------------------

    def set_transfer_refusal(self, refusal: Callable[[str], str] | None) -> None:
        """``refusal(tag)`` says why a tag dragged from the other pane cannot come here."""
        self._transfer_refusal = refusal

    def refused_tags(self, tags: Sequence[str]) -> dict[str, str]:
        """The dragged tags that cannot come to this side, with why."""
        if self._transfer_refusal is None:
            return {}
        found = {tag: self._transfer_refusal(tag) for tag in tags}
        return {tag: why for tag, why in found.items() if why}

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [mime.MIME_MODELS, mime.MIME_URI_LIST]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        """The dragged rows' tags, once each, in row order."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        tags = [self._keys[row] for row in rows if row < len(self._keys)]
        return mime.encode_models(self.SIDE, tags)

    def canDropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        if action not in (Qt.DropAction.CopyAction, Qt.DropAction.MoveAction):
            return False
        dragged = mime.decode_models(data)
        if dragged is not None:
            side, tags = dragged
            if side == self.SIDE or not tags:  # never onto its own pane
                return False
            return len(self.refused_tags(tags)) < len(tags)
        return mime.has_local_urls(data)

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: _Index,
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        dragged = mime.decode_models(data)
        if dragged is not None:
            logger.info("Dropped %d model(s) on the %s pane", len(dragged[1]), self.SIDE)
            self.transfer_dropped.emit(dragged[1])
            return True
        folders = mime.local_folders(data)
        if not folders:
            return False
        logger.info("Dropped %d folder(s) on the %s pane", len(folders), self.SIDE)
        self.folders_dropped.emit(folders)
        return True
