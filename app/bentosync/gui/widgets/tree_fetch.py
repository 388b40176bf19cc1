"""Fetch the next page of a folder when a tree view scrolls to the end of what it shows.

Why: ``QTreeView`` asks ``canFetchMore``/``fetchMore`` when it lays out an
expanded node and for the very last node of the tree, not for a folder that
has rows after it. A folder of 5 000 files followed by other rows would stop
at its first page. So after every scroll, expansion or insertion (coalesced
into one pass per event-loop turn) this looks at the rows on screen, and a row
that is the last one shown of a parent that has more gets the parent's next
page. The cost is the rows on screen, never the rows in the model.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QPoint, QTimer
from PySide6.QtWidgets import QTreeView

logger = logging.getLogger(__name__)

MAX_ROWS_CHECKED = 200  # a very tall viewport still costs a bounded pass


class PageFetcher(QObject):
    """Keeps ``view`` fed with pages of its model's lazily reported children.

    Args:
        view: the tree view, with its model set.
    """

    def __init__(self, view: QTreeView) -> None:
        super().__init__(view)
        self._view = view
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.fetch_visible)
        view.verticalScrollBar().valueChanged.connect(self._schedule)
        view.expanded.connect(self._schedule)
        model = view.model()
        model.rowsInserted.connect(self._schedule)
        model.modelReset.connect(self._schedule)

    def _schedule(self, *_: object) -> None:
        # Not ``timer.start`` itself: valueChanged(int) would pick start(msec).
        self._timer.start()

    def fetch_visible(self) -> int:
        """Fetch a page for each parent whose last shown row is on screen; returns how many."""
        view, model = self._view, self._view.model()
        index = view.indexAt(QPoint(0, 0))
        bottom = view.viewport().height()
        fetched = 0
        for _ in range(MAX_ROWS_CHECKED):
            if not index.isValid() or view.visualRect(index).top() > bottom:
                break
            parent = index.parent()
            if (
                parent.isValid()
                and index.row() == model.rowCount(parent) - 1
                and model.canFetchMore(parent)
            ):
                model.fetchMore(parent)
                fetched += 1
            index = view.indexBelow(index)
        if fetched:
            logger.debug("Fetched %d more page(s) for the rows on screen", fetched)
        return fetched
