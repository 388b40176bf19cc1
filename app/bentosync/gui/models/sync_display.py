"""How a sync verdict looks in a table cell: words, an icon and the reason as tooltip.

Icons are looked up per paint through ``gui.icons`` (which caches them per
palette variant), so a switch to dark mode only needs a ``dataChanged`` over
the column's DecorationRole.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt

from bentosync.core.sync_state import SyncEntry, SyncState
from bentosync.gui import icons
from bentosync.gui.engine_words import sync_reason

logger = logging.getLogger(__name__)

#: Roles the Sync column answers itself; the rest go to the record's renderer.
CELL_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
    }
)

ICON_NAMES = {
    SyncState.IN_SYNC: "sync-in-sync",
    SyncState.LOCAL_ONLY: "sync-local-only",
    SyncState.CLOUD_ONLY: "sync-cloud-only",
    SyncState.DIFFERS: "sync-differs",
}
#: Sorting by the Sync column groups what needs attention first.
SORT_ORDER = {
    SyncState.DIFFERS: 0,
    SyncState.LOCAL_ONLY: 1,
    SyncState.CLOUD_ONLY: 2,
    SyncState.IN_SYNC: 3,
}


@dataclass(frozen=True)
class SyncCell:
    """Text, icon ID and tooltip of one Sync cell."""

    text: str
    icon_name: str | None
    tooltip: str

    def value(self, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text
        if role == Qt.ItemDataRole.DecorationRole:
            return icons.icon(self.icon_name) if self.icon_name else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip or None
        return None


def state_label(state: SyncState) -> str:
    """The Sync column's words for a verdict, translated here: ``core`` has no Qt.

    (``SyncState.label`` stays the English of the CLI's columns.)
    """
    if state is SyncState.IN_SYNC:
        return QCoreApplication.translate("SyncState", "In sync")
    if state is SyncState.LOCAL_ONLY:
        return QCoreApplication.translate("SyncState", "Local only")
    if state is SyncState.CLOUD_ONLY:
        return QCoreApplication.translate("SyncState", "Cloud only")
    return QCoreApplication.translate("SyncState", "Differs")


def unknown_cell() -> SyncCell:
    """Before both sides are listed: no words, only the tooltip."""
    return SyncCell(
        "",
        None,
        QCoreApplication.translate(
            "SyncState", "Not compared yet: both sides must be listed first."
        ),
    )


def cell_for(entry: SyncEntry | None) -> SyncCell:
    """The cell of a verdict. The reason is ``core.sync_state``'s sentence, said again
    in the window's language from its key and numbers (``engine_words``)."""
    if entry is None:
        return unknown_cell()
    reason = sync_reason(entry)
    if entry.state is SyncState.IN_SYNC and entry.verified:
        reason = QCoreApplication.translate("SyncState", "Verified: {reason}").format(reason=reason)
    return SyncCell(state_label(entry.state), ICON_NAMES[entry.state], reason)


def sort_key(entry: SyncEntry | None) -> int:
    return len(SORT_ORDER) if entry is None else SORT_ORDER[entry.state]
