"""Custom item-data roles shared by every table model and the sort/filter proxy.

Plain ints, so that the Local and (later) Cloud models agree on them and the
proxy can sort and filter any of them without knowing their record types.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt

logger = logging.getLogger(__name__)

_BASE = int(Qt.ItemDataRole.UserRole)

#: The raw Python value a column sorts by (int bytes, aware datetime, str...).
SortRole = _BASE + 1
#: The backing record of the row (e.g. a ``LocalModel``), on any column.
ItemRole = _BASE + 2
#: Lowercased text the filter box searches (name, version, labels), on column 0.
FilterRole = _BASE + 3
#: The row's ``core.sync_state.SyncEntry`` (or None before both sides are listed).
SyncRole = _BASE + 4

#: The translation context of every column header (``QT_TRANSLATE_NOOP`` marks them).
HEADER_CONTEXT = "TableHeader"


def header_text(source: str) -> str:
    """A column header as shown: the English ``HEADERS`` entry, translated at paint time.

    The ``HEADERS`` tuples stay English (tests and sort code index them); the words
    are looked up each time the header asks, so a translator installed later applies.
    """
    return QCoreApplication.translate(HEADER_CONTEXT, source)
