"""Listing the local store on the lookup pool, and the status bar line about it.

A store on a network drive or a cold disk can take seconds to list, so the
listing runs on the lookup pool and lands in the Local pane's table model,
keyed by tag already, so that the GUI thread only compares and inserts
(10,000 rows in one insert, sorted by the table model itself). A
refresh asked for mid-load runs once more after it (coalesced), so the pane
always ends up showing the store as it is now. Broken folders under
``models/`` are counted in the status bar with a button that explains them.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path

import humanize
from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QStatusBar, QToolButton, QWidget

from bentosync.core.errors import BentoSyncError
from bentosync.core.store import LocalModel, LocalStore, StoreListing, StoreProblem
from bentosync.gui import icons
from bentosync.gui.error_words import failure_text
from bentosync.gui.i18n import TranslationContext
from bentosync.gui.models.local_models import LocalModelTableModel, row_key
from bentosync.gui.widgets.model_pane import ModelPane
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)


class StoreProblems(TranslationContext):
    """The list of broken entries in the model store."""


TOOLTIP_PROBLEMS = 15  # the details dialog lists them all


def display_path(path: Path) -> str:
    """``~/bentoml/models`` rather than ``/home/me/bentoml/models``: shorter, and familiar."""
    home = Path.home()
    try:
        return "~" + os.sep + str(path.relative_to(home))
    except ValueError:
        return str(path)


def describe_problems(problems: list[StoreProblem], limit: int | None = None) -> str:
    """One line per broken entry; ``limit`` keeps a tooltip on the screen."""
    shown = problems if limit is None else problems[:limit]
    lines = [f"• {problem.path}: {problem.reason}" for problem in shown]
    if len(problems) > len(shown):
        lines.append(StoreProblems.tr("…and %n more", "", len(problems) - len(shown)))
    return "\n".join(lines)


class LocalListing(QObject):
    """Loads the store into ``pane``'s model and keeps the status bar summary.

    Signals:
        loaded(list[LocalModel]): a listing landed in the model.
        finished(): a refresh ended, successfully or not.
    """

    loaded = Signal(object)
    finished = Signal()
    # From the pool thread (queued): rows of a first listing, as they are read.
    _batch_read = Signal(object)

    def __init__(
        self,
        pool: QThreadPool,
        store: LocalStore,
        pane: ModelPane,
        status_bar: QStatusBar,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._store = store
        self._pane = pane
        self._window = parent
        model = pane.proxy.sourceModel()
        assert isinstance(model, LocalModelTableModel)
        self._model = model
        self._loading = False
        self._reload_pending = False
        self._problems: list[StoreProblem] = []
        self._waiting: list[Callable[[], None]] = []
        self._models_path = display_path(store.models_dir)
        self._batch_read.connect(self._on_batch_read)

        self.summary_label = QLabel()
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setContentsMargins(4, 0, 0, 0)
        self.problems_button = QToolButton()
        self.problems_button.setAutoRaise(True)
        self.problems_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.problems_button.clicked.connect(self._show_problems)
        self.problems_button.hide()
        status_bar.addWidget(self.summary_label, 1)
        status_bar.addPermanentWidget(self.problems_button)
        self.reload_icons()

    def is_loading(self) -> bool:
        return self._loading

    def refresh(self) -> None:
        """List the store on the lookup pool; a refresh asked for mid-load runs after it."""
        if self._loading:
            self._reload_pending = True
            return
        self._loading = True
        self._pane.set_loading(True)
        self.summary_label.setText(
            self.tr("Loading models from {path}…").format(path=self._models_path)
        )
        logger.debug("Listing %s", self._store.models_dir)
        show_as_read = self._model.rowCount() == 0
        run_in_pool(
            self._pool,
            functools.partial(self._list, show_as_read),
            self,
            self._on_loaded,
            self._on_failed,
        )

    def _list(self, show_as_read: bool) -> tuple[StoreListing, dict[str, LocalModel]]:
        """On the pool: the listing, and its rows keyed by tag (GUI time saved per row).

        An empty pane (the first listing) gets the rows in batches as they are
        read: a store of 10,000 versions read for the first time takes about a
        second, and a person sees the first rows after 150 ms instead.
        """

        def on_batch(models: list[LocalModel]) -> None:
            self._batch_read.emit({row_key(model): model for model in models})

        listing = self._store.list(save_cache=False, on_batch=on_batch if show_as_read else None)
        return listing, {row_key(model): model for model in listing.models}

    def _on_batch_read(self, models: dict[str, LocalModel]) -> None:
        if self._loading:
            self._model.add_records(models)

    def when_loaded(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` after the next listing lands (now, if none is running)."""
        if self._loading or self._reload_pending:
            self._waiting.append(callback)
        else:
            callback()

    def reload_icons(self) -> None:
        self.problems_button.setIcon(icons.icon("warning"))

    # ---- results -------------------------------------------------------------------

    def _on_loaded(self, result: tuple[StoreListing, dict[str, LocalModel]]) -> None:
        listing, keyed = result
        self._model.set_models(keyed)
        # Says what the pane shows: the frozen-app smoke test reads it from outside.
        logger.info(
            "Local pane shows %d versions from %s", self._model.rowCount(), self._models_path
        )
        self._pane.set_loading(False)
        self._show_summary(listing)
        self.loaded.emit(listing.models)
        # Writing the parse cache (10,000 entries: a few hundred ms) waits until
        # the rows are in; on the one-thread pool, the next listing waits for it.
        run_in_pool(
            self._pool,
            self._store.save_cache,
            self,
            lambda _: None,
            lambda exc: logger.warning("Cannot save the model list cache: %s", exc),
            priority=-1,
        )
        self._finish()

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, (BentoSyncError, OSError)):
            logger.warning("Listing %s failed: %s", self._store.models_dir, exc)
        else:
            logger.error("Listing %s failed", self._store.models_dir, exc_info=exc)
        message = failure_text(exc)  # the exception says what, in its words
        self._pane.set_error(self.tr("Cannot read {path}").format(path=self._models_path), message)
        self.summary_label.setText(
            self.tr("Cannot read {path}: {message}").format(path=self._models_path, message=message)
        )
        self._finish()

    def _finish(self) -> None:
        self._loading = False
        self.finished.emit()
        if self._reload_pending:
            self._reload_pending = False
            self.refresh()
            return
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            callback()

    def _show_summary(self, listing: StoreListing) -> None:
        count = len(listing.models)
        if count:
            total = sum(model.size_bytes for model in listing.models)
            size = humanize.naturalsize(total, binary=True)
            text = self.tr("{count} model(s) · {size} in {path}", "", count).format(
                count=f"{count:,}", size=size, path=self._models_path
            )
        else:
            text = self.tr("No models in {path}").format(path=self._models_path)
        self.summary_label.setText(text)
        self._problems = list(listing.problems)
        if self._problems:
            n = len(self._problems)
            self.problems_button.setText(self.tr("%n broken entry(s)", "", n))
            self.problems_button.setToolTip(
                self.tr("These folders under models/ are not loadable models (click for details):")
                + "\n"
                + describe_problems(self._problems, TOOLTIP_PROBLEMS)
            )
            self.problems_button.show()
        else:
            self.problems_button.hide()

    def _show_problems(self) -> None:
        n = len(self._problems)
        box = QMessageBox(self._window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Broken entries in the model store"))
        box.setText(
            self.tr("%n folder(s) under {path} not a loadable model.", "", n).format(
                path=self._models_path
            )
        )
        box.setInformativeText(
            self.tr(
                "BentoML's own model list may fail on them. Move them out of the store "
                "or repair their model.yaml."
            )
        )
        box.setDetailedText(describe_problems(self._problems))
        box.open()
