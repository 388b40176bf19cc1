"""Column sizing and choosing for the model tables.

Auto-fit happens once, when rows first appear: after that the user's widths
win (and are restored from QSettings). The header's context menu shows and
hides columns, which ``QHeaderView.saveState`` remembers too.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu, QTableView, QWidget

logger = logging.getLogger(__name__)

MAX_FITTED_COLUMN_CHARS = 40  # auto-fit never makes a column wider than this
SAMPLE_ICON_ROOM = 28  # a 16 px decoration plus the style's margins around it
COLUMN_PADDING_CHARS = 2  # breathing room after the widest cell


def fit_columns(view: QTableView, min_texts: Mapping[int, str]) -> None:
    """Size columns to their contents, capped, so one long label cannot push the
    rest off screen. A column in ``min_texts`` is at least as wide as its sample
    text plus an icon: its content may arrive later (the Sync verdict). The last
    visible column is left alone: it stretches over the spare width."""
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    char = metrics.averageCharWidth()
    padding = COLUMN_PADDING_CHARS * char
    visible = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    for column in visible[:-1]:
        view.resizeColumnToContents(column)
        width = min(header.sectionSize(column) + padding, char * MAX_FITTED_COLUMN_CHARS)
        sample = min_texts.get(column)
        if sample:
            width = max(width, metrics.horizontalAdvance(sample) + SAMPLE_ICON_ROOM + padding)
        header.resizeSection(column, width)


def column_menu(view: QTableView, pos: QPoint, parent: QWidget) -> QMenu:
    """The header's right-click menu: a check per column (the first always stays)."""
    header = view.horizontalHeader()
    model = view.model()
    menu = QMenu(parent)
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for column in range(1, model.columnCount()):
        action = menu.addAction(str(model.headerData(column, Qt.Orientation.Horizontal)))
        action.setCheckable(True)
        action.setChecked(not header.isSectionHidden(column))
        action.toggled.connect(lambda shown, c=column: view.setColumnHidden(c, not shown))
    menu.popup(header.viewport().mapToGlobal(pos))
    return menu
