"""Sorting and filtering for the model tables, on Python values rather than QVariants."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
)

from bentosync.gui.models.record_table import RecordTableModel
from bentosync.gui.models.role_batch import RolesInOneCall
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
    row's name, version and labels (``FilterRole``).

    The filter is Qt's own regular expression (one look-ahead per term), not a
    Python ``filterAcceptsRow``: Qt calls that for every row at each layout
    change, and with no filter set its C++ default accepts at once, where a
    Python override cost a call per row, 10,000 per batch of a first listing
    (the window's worst stalls halved without it, test_bench_listing).
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._terms: tuple[str, ...] = ()
        self.setSortRole(SortRole)
        self.setFilterRole(FilterRole)
        self.setFilterKeyColumn(0)
        self.setDynamicSortFilter(True)

    def filter_text(self) -> str:
        return " ".join(self._terms)

    def set_filter_text(self, text: str) -> None:
        """Filter rows to those containing every term of ``text`` (case-insensitive)."""
        terms = tuple(text.casefold().split())
        if terms == self._terms:
            return
        self._terms = terms
        # "^(?=.*a)(?=.*b)": every term somewhere, in any order; "" lets every row in.
        pattern = "".join(f"(?=.*{QRegularExpression.escape(term)})" for term in terms)
        self.setFilterRegularExpression(
            QRegularExpression(
                f"^{pattern}" if pattern else "",
                QRegularExpression.PatternOption.CaseInsensitiveOption
                | QRegularExpression.PatternOption.DotMatchesEverythingOption,
            )
        )

    def multiData(
        self, index: _Index, roleDataSpan: QModelRoleDataSpan | QModelRoleData, /
    ) -> None:
        """A cell's roles in one call into Python, as ``RolesInOneCall`` explains: Qt's
        proxy would ask its source one role at a time. A Python source is called
        directly, so the GIL is taken once for the cell."""
        source = self.sourceModel()
        if isinstance(source, RolesInOneCall) and index.isValid():
            source.multiData(self.mapToSource(index), roleDataSpan)
        else:
            super().multiData(index, roleDataSpan)

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
