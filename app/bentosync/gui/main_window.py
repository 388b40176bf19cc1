"""The main window: the Local pane, a toolbar, and a status bar about the store.

The window owns loading: it asks the core for a listing on the lookup pool
(never on the GUI thread: a store on a network drive or a cold disk can take
seconds), and pushes the result into the table model. A second pane (Cloud)
will join the splitter beside the Local pane; nothing here assumes there is
only one.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import humanize
from PySide6.QtCore import QEvent, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from bentosync import __version__
from bentosync.core.errors import BentoSyncError
from bentosync.core.store import LocalStore, StoreListing, StoreProblem
from bentosync.gui import icons
from bentosync.gui.models.local_models import COL_CREATED, LocalModelTableModel
from bentosync.gui.widgets.model_pane import ModelPane
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)

RELATIVE_TIME_REFRESH_MS = 60_000
DEFAULT_SIZE = (1100, 640)
TOOLTIP_PROBLEMS = 15  # the details dialog lists them all
_GEOMETRY_KEY = "main_window/geometry"
_STATE_KEY = "main_window/state"
_LOCAL_HEADER_KEY = "local_pane/header"


def display_path(path: Path) -> str:
    """``~/bentoml/models`` rather than ``/home/me/bentoml/models``: shorter, and familiar."""
    home = Path.home()
    try:
        return "~" + os.sep + str(path.relative_to(home))
    except ValueError:
        return str(path)


def describe_error(exc: BaseException) -> str:
    """A sentence for the user; tracebacks go to the log only."""
    if isinstance(exc, BentoSyncError):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"Unexpected error: {exc}"


def describe_problems(problems: list[StoreProblem], limit: int | None = None) -> str:
    """One line per broken entry; ``limit`` keeps a tooltip on the screen."""
    shown = problems if limit is None else problems[:limit]
    lines = [f"• {problem.path}: {problem.reason}" for problem in shown]
    if len(problems) > len(shown):
        lines.append(f"…and {len(problems) - len(shown)} more")
    return "\n".join(lines)


class MainWindow(QMainWindow):
    """BentoSync's one window; listing runs on ``lookup_pool``, results land here.

    Args:
        lookup_pool: a small pool for quick reads (listing); never the GUI thread.
        store: the local store to show; defaults to ``$BENTOML_HOME``.
        settings: where geometry and column state persist; tests pass their own.
    """

    #: Emitted after a refresh finished, successfully or not.
    refresh_finished = Signal()

    def __init__(
        self,
        lookup_pool: QThreadPool,
        store: LocalStore | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = lookup_pool
        self._store = store if store is not None else LocalStore()
        self._settings = settings if settings is not None else QSettings()
        self._loading = False
        self._reload_pending = False
        self._problems: list[StoreProblem] = []
        self._models_path = display_path(self._store.models_dir)

        self.setWindowTitle("BentoSync")
        self.setWindowIcon(icons.app_icon())

        self.local_model = LocalModelTableModel(self)
        self.local_pane = ModelPane(
            "Local",
            self.local_model,
            sort_column=COL_CREATED,
            sort_order=Qt.SortOrder.DescendingOrder,
        )
        self.local_pane.setObjectName("local_pane")
        self.local_pane.set_empty_message(
            f"No models in {self._models_path} yet",
            "Save one with bentoml.models.create(...) or pull one with bentosync pull NAME.",
        )
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.local_pane)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.splitter)
        self.setCentralWidget(central)

        self._make_actions()
        self._make_toolbar_and_menus()
        self._make_status_bar()
        self._apply_icons()

        self._age_timer = QTimer(self)
        self._age_timer.setInterval(RELATIVE_TIME_REFRESH_MS)
        self._age_timer.timeout.connect(self.local_model.refresh_relative_times)
        self._age_timer.start()

        self._restore_settings()

    # ---- construction ------------------------------------------------------------

    def _make_actions(self) -> None:
        self.refresh_action = QAction("&Refresh", self)
        shortcuts = QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh)
        if not any(seq.matches(QKeySequence("F5")) for seq in shortcuts):
            shortcuts.append(QKeySequence("F5"))
        self.refresh_action.setShortcuts(shortcuts)
        self.refresh_action.setToolTip("Read the local model store again (F5)")
        self.refresh_action.triggered.connect(self.refresh)

        self.find_action = QAction("&Filter Models", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.local_pane.focus_filter)

        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)

        self.about_action = QAction("&About BentoSync", self)
        self.about_action.triggered.connect(self._show_about)

    def _make_toolbar_and_menus(self) -> None:
        toolbar = QToolBar("Main toolbar")
        toolbar.setObjectName("main_toolbar")  # saveState() needs a name
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.refresh_action)
        self.addToolBar(toolbar)

        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.refresh_action)
        file_menu.addAction(self.find_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.about_action)

    def _make_status_bar(self) -> None:
        self.summary_label = QLabel()
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setContentsMargins(4, 0, 0, 0)
        self.problems_button = QToolButton()
        self.problems_button.setAutoRaise(True)
        self.problems_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.problems_button.clicked.connect(self._show_problems)
        self.problems_button.hide()
        bar = self.statusBar()
        bar.addWidget(self.summary_label, 1)
        bar.addPermanentWidget(self.problems_button)

    def _apply_icons(self) -> None:
        self.refresh_action.setIcon(icons.icon("refresh"))
        self.problems_button.setIcon(icons.icon("warning"))

    # ---- loading -----------------------------------------------------------------

    def refresh(self) -> None:
        """List the store on the lookup pool; a refresh asked for mid-load runs after it."""
        if self._loading:
            self._reload_pending = True
            return
        self._loading = True
        self.local_pane.set_loading(True)
        self.summary_label.setText(f"Loading models from {self._models_path}…")
        logger.debug("Listing %s", self._store.models_dir)
        run_in_pool(
            self._pool,
            self._store.list,
            self,
            self._on_listing_loaded,
            self._on_listing_failed,
        )

    def is_loading(self) -> bool:
        return self._loading

    def _on_listing_loaded(self, listing: StoreListing) -> None:
        self.local_model.set_models(listing.models)
        self.local_pane.set_loading(False)
        self._show_summary(listing)
        self._finish_refresh()

    def _on_listing_failed(self, exc: BaseException) -> None:
        if isinstance(exc, (BentoSyncError, OSError)):
            logger.warning("Listing %s failed: %s", self._store.models_dir, exc)
        else:
            logger.error("Listing %s failed", self._store.models_dir, exc_info=exc)
        message = describe_error(exc)
        self.local_pane.set_error(f"Cannot read {self._models_path}", message)
        self.summary_label.setText(f"Cannot read {self._models_path}: {message}")
        self._finish_refresh()

    def _finish_refresh(self) -> None:
        self._loading = False
        self.refresh_finished.emit()
        if self._reload_pending:
            self._reload_pending = False
            self.refresh()

    def _show_summary(self, listing: StoreListing) -> None:
        count = len(listing.models)
        if count:
            total = sum(model.size_bytes for model in listing.models)
            noun = "model" if count == 1 else "models"
            size = humanize.naturalsize(total, binary=True)
            text = f"{count:,} {noun} · {size} in {self._models_path}"
        else:
            text = f"No models in {self._models_path}"
        self.summary_label.setText(text)
        self._problems = list(listing.problems)
        if self._problems:
            n = len(self._problems)
            self.problems_button.setText(f"{n} broken {'entry' if n == 1 else 'entries'}")
            self.problems_button.setToolTip(
                "These folders under models/ are not loadable models "
                "(click for details):\n" + describe_problems(self._problems, TOOLTIP_PROBLEMS)
            )
            self.problems_button.show()
        else:
            self.problems_button.hide()

    # ---- dialogs -----------------------------------------------------------------

    def _show_problems(self) -> None:
        n = len(self._problems)
        box = QMessageBox(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Broken entries in the model store")
        box.setText(
            f"{n} {'folder' if n == 1 else 'folders'} under {self._models_path} "
            f"{'is' if n == 1 else 'are'} not a loadable model."
        )
        box.setInformativeText(
            "BentoML's own model list may fail on them. Move them out of the store "
            "or repair their model.yaml."
        )
        box.setDetailedText(describe_problems(self._problems))
        box.open()

    def _show_about(self) -> None:
        QMessageBox.about(
            self,
            "About BentoSync",
            f"<b>BentoSync {__version__}</b><br>"
            "Sync BentoML models between this computer and BentoCloud.",
        )

    # ---- window events and persistence ----------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ThemeChange):
            icons.clear_cache()
            self._apply_icons()
            self.local_pane.reload_icons()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._save_settings()
        super().closeEvent(event)

    def _restore_settings(self) -> None:
        geometry = self._settings.value(_GEOMETRY_KEY)
        if not geometry or not self.restoreGeometry(geometry):
            self.resize(*DEFAULT_SIZE)
        state = self._settings.value(_STATE_KEY)
        if state:
            self.restoreState(state)
        self.local_pane.restore_state(self._settings.value(_LOCAL_HEADER_KEY))

    def _save_settings(self) -> None:
        self._settings.setValue(_GEOMETRY_KEY, self.saveGeometry())
        self._settings.setValue(_STATE_KEY, self.saveState())
        self._settings.setValue(_LOCAL_HEADER_KEY, self.local_pane.save_state())
        self._settings.sync()
