"""A progress bar in one column of an item view, drawn by the style, never a widget per row.

Follows qBittorrent's ``ProgressBarPainter`` (STYLE.md): the bar is a
``QStyleOptionProgressBar`` painted with ``CE_ProgressBar`` on a dummy
``QProgressBar``, whose style is Fusion on macOS and Windows because their
native styles draw item-view bars wrongly or without text (qBittorrent #10094,
#13632). ``State_Horizontal`` must be set in Qt 6 or the bar is drawn
vertically. The bar is inset and clipped to its cell, so near 0 % it cannot
smear into the previous column (#18293), and greyed out (disabled palette)
when its job failed or was cancelled.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import (
    QProgressBar,
    QStyle,
    QStyledItemDelegate,
    QStyleFactory,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
)

from bentosync.application.jobs import JobStatus
from bentosync.gui.models.transfers_model import ProgressRole, StatusRole

logger = logging.getLogger(__name__)

PERMILLE = 1000
MARGIN = 2
GREYED = (JobStatus.FAILED.value, JobStatus.CANCELLED.value, JobStatus.INTERRUPTED.value)

_Index = QModelIndex | QPersistentModelIndex


def needs_fusion(platform: str = sys.platform) -> bool:
    """Native macOS and Windows styles cannot paint a bar inside an item view."""
    return platform == "darwin" or platform.startswith("win")


class ProgressBarDelegate(QStyledItemDelegate):
    """Paints ``ProgressRole`` (a 0..1 float) of ``column`` as a bar with "42%" on it.

    Args:
        column: the only column this delegate paints; others go to the default.
        parent: usually the view.
    """

    def __init__(self, column: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.column = column
        self._bar = QProgressBar()  # never shown: a style and palette source only
        self._bar.setRange(0, PERMILLE)
        self._bar.setTextVisible(True)
        self._fusion: QStyle | None = None
        if needs_fusion():
            self._fusion = QStyleFactory.create("Fusion")
            if self._fusion is not None:
                self._bar.setStyle(self._fusion)
        # What every bar shares, set once: a bar is a copy of this plus its own
        # rect, value, text and palette (a dozen calls into Qt less per bar painted).
        self._template = QStyleOptionProgressBar()
        self._template.initFrom(self._bar)
        self._template.minimum = 0
        self._template.maximum = PERMILLE
        self._template.textVisible = True
        self._template.textAlignment = Qt.AlignmentFlag.AlignCenter

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        if index.column() != self.column:
            super().paint(painter, option, index)
            return
        # The model's own data(), called from here: ``index.data`` would go through
        # C++ and back into Python, one more wait for the GIL per bar while a
        # transfer runs Python on a pool thread.
        model = index.model()
        fraction = model.data(index, ProgressRole)
        if not isinstance(fraction, float | int):
            super().paint(painter, option, index)
            return
        # The cell's background and selection first, without the text.
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = option.widget
        cell_style = widget.style() if widget is not None else self._bar.style()
        cell_style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)

        greyed = model.data(index, StatusRole) in GREYED
        bar = self.bar_option(option, float(fraction), greyed)
        painter.save()
        painter.setClipRect(option.rect)
        self._bar.style().drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, self._bar)
        painter.restore()

    def bar_option(
        self, option: QStyleOptionViewItem, fraction: float, greyed: bool
    ) -> QStyleOptionProgressBar:
        """The style option for one bar (public so tests can check what is drawn)."""
        fraction = max(0.0, min(1.0, fraction))
        bar = QStyleOptionProgressBar(self._template)
        bar.rect = option.rect.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.progress = int(fraction * PERMILLE)
        bar.text = f"{int(fraction * 100)}%"
        if greyed:
            palette = QPalette(option.palette)
            palette.setCurrentColorGroup(QPalette.ColorGroup.Disabled)
            bar.palette = palette
            bar.state = QStyle.StateFlag.State_Horizontal
        else:
            bar.palette = option.palette
            bar.state = QStyle.StateFlag.State_Horizontal | QStyle.StateFlag.State_Enabled
        return bar
