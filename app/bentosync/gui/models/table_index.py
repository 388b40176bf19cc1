"""``index()`` for the flat table models, checked in Python.

Qt's ``QAbstractTableModel::index`` asks ``hasIndex``, which asks the model's
``rowCount()`` and ``columnCount()``: for a Python model, two calls from C++
into Python for every cell a table paints, each one a wait for the GIL while a
pool thread runs Python. Here the same check is one call.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex

logger = logging.getLogger(__name__)

_ROOT = QModelIndex()


class FlatTableModel(QAbstractTableModel):
    """A ``QAbstractTableModel`` whose ``index()`` gives Qt's indexes from Python."""

    def index(
        self, row: int, column: int, /, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> QModelIndex:
        inside = 0 <= row < self.rowCount() and 0 <= column < self.columnCount()
        if parent.isValid() or not inside:
            return QModelIndex()
        return self.createIndex(row, column)
