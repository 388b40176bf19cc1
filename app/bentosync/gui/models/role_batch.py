"""A cell's roles answered in one Python call: ``multiData``.

Qt 6's item delegates ask for everything they paint a cell with (display text,
icon, font, alignment, colours, check state) in one ``multiData`` call. Qt's
default turns that into one ``data()`` per role, and for a Python model each is
a call from C++ into Python that must first take the GIL: six or seven per
cell, a thousand per paint of a table. While a pool thread runs Python (a
listing, a transfer's per-file work), each of those waits for the GIL,
however short the switch interval. Answering all the roles in one call makes
that one wait per cell.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, QPersistentModelIndex

logger = logging.getLogger(__name__)


class RolesInOneCall:
    """Mixin for a Python item model whose ``data()`` answers every role.

    The answers are exactly ``data()``'s: this only changes how many times Qt
    enters Python to get them.
    """

    if TYPE_CHECKING:  # the model's own; a stub here would hide Qt's

        def data(self, index: Any, role: int = ...) -> Any: ...

    def multiData(
        self,
        index: QModelIndex | QPersistentModelIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,
        /,
    ) -> None:
        data = self.data
        if isinstance(roleDataSpan, QModelRoleData):  # PySide6 also passes a single role
            roleDataSpan.setData(data(index, roleDataSpan.role()))
            return
        # A span supports len() and indexing (each item is the span's own, written in
        # place); PySide6's stubs do not say so.
        for role_data in cast(Sequence[QModelRoleData], roleDataSpan):
            role_data.setData(data(index, role_data.role()))
