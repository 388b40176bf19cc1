"""The local model store as a table: one row per model version, keyed by tag."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from typing import Any

import humanize
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from bentosync.core.store import LocalModel
from bentosync.gui.models.roles import FilterRole, ItemRole, SortRole

logger = logging.getLogger(__name__)

COL_NAME, COL_VERSION, COL_SIZE, COL_CREATED, COL_LABELS, COL_MODULE = range(6)
HEADERS = ("Name", "Version", "Size", "Created", "Labels", "Module")

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def row_key(model: LocalModel) -> str:
    """Rows are matched across refreshes by tag: name and version name one folder."""
    return str(model.tag)


def format_size(size_bytes: int) -> str:
    """Binary units ("3.4 GiB"), which is how file managers and ``du -h`` count."""
    return humanize.naturalsize(size_bytes, binary=True)


def format_age(created: datetime, now: datetime) -> str:
    """ "3 minutes ago"; computed from a timedelta so aware times never meet naive ones."""
    return humanize.naturaltime(now - created)


def format_exact_time(created: datetime) -> str:
    """The creation time in the user's local zone, for the tooltip."""
    return created.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def format_labels(labels: dict[str, str], sep: str = ", ") -> str:
    return sep.join(f"{key}={value}" for key, value in sorted(labels.items()))


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _ranges(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted row numbers grouped into inclusive (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


class LocalModelTableModel(QAbstractTableModel):
    """Local models for the table view; DisplayRole is text, SortRole the raw value.

    A refresh goes through :meth:`set_models`, which signals only the rows that
    were added, removed or changed, so selection and scroll position survive a
    refresh and views do not re-measure every row.
    """

    def __init__(
        self,
        parent: Any = None,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        super().__init__(parent)
        self._rows: list[LocalModel] = []
        self._now = now

    # ---- Qt model API ------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
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
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column)
        if role == SortRole:
            return self._sort_value(item, column)
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if column == COL_SIZE else _LEFT
        if role == FilterRole:
            return self._filter_text(item)
        return None

    # ---- contents ------------------------------------------------------------------

    def models(self) -> list[LocalModel]:
        """The rows in model order (not view order)."""
        return list(self._rows)

    def set_models(self, models: Sequence[LocalModel]) -> None:
        """Replace the contents, signalling only what changed (keyed by tag).

        Removed rows go first (highest first, in contiguous runs), then changed
        rows get ``dataChanged`` (one full-range signal when more than half
        changed, as qBittorrent's transfer list does), then new rows are
        appended in one insert. Row order is not meaningful; the proxy sorts.
        """
        incoming = {row_key(m): m for m in models}
        doomed = [row for row, old in enumerate(self._rows) if row_key(old) not in incoming]
        for first, last in reversed(_ranges(doomed)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()

        changed: list[int] = []
        for row, old in enumerate(self._rows):
            new = incoming[row_key(old)]
            if new != old:
                self._rows[row] = new
                changed.append(row)
        self._emit_rows_changed(changed)

        present = {row_key(m) for m in self._rows}
        added = [m for key, m in incoming.items() if key not in present]
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.extend(added)
            self.endInsertRows()
        logger.debug(
            "set_models: %d removed, %d changed, %d added", len(doomed), len(changed), len(added)
        )

    def refresh_relative_times(self) -> None:
        """Re-render "N minutes ago" texts, which go stale as time passes."""
        if self._rows:
            self.dataChanged.emit(
                self.index(0, COL_CREATED),
                self.index(len(self._rows) - 1, COL_CREATED),
                [Qt.ItemDataRole.DisplayRole],
            )

    def _emit_rows_changed(self, rows: list[int]) -> None:
        if not rows:
            return
        last_col = len(HEADERS) - 1
        # Past half the rows, one signal over everything is cheaper than many.
        many = len(rows) * 2 > len(self._rows)
        runs = [(0, len(self._rows) - 1)] if many else _ranges(rows)
        for first, last in runs:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_col))

    # ---- per-role values -----------------------------------------------------------

    def _display(self, item: LocalModel, column: int) -> str | None:
        if column == COL_NAME:
            return item.name
        if column == COL_VERSION:
            return item.version
        if column == COL_SIZE:
            return format_size(item.size_bytes)
        if column == COL_CREATED:
            return format_age(item.creation_time, self._now())
        if column == COL_LABELS:
            return format_labels(item.labels)
        if column == COL_MODULE:
            return item.module
        return None

    @staticmethod
    def _sort_value(item: LocalModel, column: int) -> Any:
        """Python values: ints past 2**31 and aware datetimes compare correctly."""
        if column == COL_NAME:
            return (item.name, item.creation_time)
        if column == COL_VERSION:
            return item.version
        if column == COL_SIZE:
            return item.size_bytes
        if column == COL_CREATED:
            return item.creation_time
        if column == COL_LABELS:
            return format_labels(item.labels).casefold()
        if column == COL_MODULE:
            return item.module.casefold()
        return None

    @staticmethod
    def _tooltip(item: LocalModel, column: int) -> str | None:
        if column in (COL_NAME, COL_VERSION):
            return f"{item.tag}\n{item.path}"
        if column == COL_SIZE:
            files = "file" if item.file_count == 1 else "files"
            return f"{item.size_bytes:,} bytes in {item.file_count:,} {files}"
        if column == COL_CREATED:
            return format_exact_time(item.creation_time)
        if column == COL_LABELS:
            return format_labels(item.labels, "\n") or None
        if column == COL_MODULE:
            return item.module or "Generic model (no framework module)"
        return None

    @staticmethod
    def _filter_text(item: LocalModel) -> str:
        parts = [item.name, item.version, format_labels(item.labels, " ")]
        return " ".join(parts).casefold()
