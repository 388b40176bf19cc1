"""Sorting and filtering for the model tables, on Python values rather than QVariants."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from bentosync.gui.models.record_table import RecordTableModel
from bentosync.gui.models.roles import FilterRole, SortRole

logger = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex


class ModelSortFilterProxy(QSortFilterProxyModel):
    """Sorts by ``SortRole`` values compared in Python and filters on ``FilterRole`` text.

    Qt's own comparison goes through QVariant, where model sizes past 2 GiB can
    overflow an int and tuples or aware datetimes do not compare at all (vorta
    ``sort_proxy.py``). A source that can sort itself (``RecordTableModel``)
    is asked to, with Python's ``sorted`` on the same SortRole values, and the
    proxy keeps the source order: sorting here would call ``lessThan`` from C++
    n·log n times, seconds of GUI time for 10,000 rows. For other sources
    ``lessThan`` asks the source model's Python ``data()`` directly. The filter
    matches every whitespace-separated term, case-insensitively, against the
    row's name, version and labels.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._terms: tuple[str, ...] = ()
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def filter_text(self) -> str:
        return " ".join(self._terms)

    def set_filter_text(self, text: str) -> None:
        """Filter rows to those containing every term of ``text`` (case-insensitive)."""
        terms = tuple(text.casefold().split())
        if terms == self._terms:
            return
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.9; invalidateFilter is deprecated
            self.beginFilterChange()
            self._terms = terms
            self.endFilterChange()
        else:
            self._terms = terms
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        if not self._terms:
            return True
        source = self.sourceModel()
        text = source.data(source.index(source_row, 0, source_parent), FilterRole)
        if not isinstance(text, str):
            return False
        return all(term in text for term in self._terms)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if isinstance(source, RecordTableModel):
            source.sort(column, order)
        else:
            super().sort(column, order)

    def lessThan(self, source_left: _Index, source_right: _Index) -> bool:
        source = self.sourceModel()
        left = source.data(source_left, self.sortRole())
        right = source.data(source_right, self.sortRole())
        if left is None or right is None:
            return left is None and right is not None
        try:
            return bool(left < right)
        except TypeError:
            return str(left) < str(right)
