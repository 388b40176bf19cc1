"""The main window: the Local and Cloud panes side by side, details and transfers below.

This is the one place that assembles the GUI. Every part is built here and
gets what it needs through its constructor (a pool, the store, the cloud
connection, the transfer manager, a callback); no part reaches into the
window, so the order of construction below is the order of dependency, and
what a toolbar button does is the one line in ``_wire`` that connects its
action. The window composes; the work lives elsewhere. Listing the store runs on the
lookup pool, the cloud on its own pool (``cloud_connection``: a page at a time,
more as the Cloud pane scrolls, and the cloud versions of the local names for
the Local pane's verdicts), hashing for the
details panel on a third (``workers.file_hashing``), and imports and deletes on
a 1-thread write pool (``operations``), so nothing blocking ever runs on the
GUI thread and a slow server never holds up the local listing. Actions (text,
icons, enablement) live in ``actions``, requests on models in ``operations``,
stateless commands and dialogs in ``window_commands``, drag and drop in
``dnd`` and the item models. Push, pull and verify run as
``application.jobs`` on the ``TransferManager``, shown by the Transfers panel.
What stays here: layout, the sync verdict of both listings
(``core.sync_state``), what the details panel shows, and persistence.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from PySide6.QtCore import QEvent, QSettings, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from bentosync.application.cloud_target import CloudTarget, Resolver
from bentosync.application.errors import ErrorReport
from bentosync.application.interrupted import InterruptedTransfers
from bentosync.application.jobs import KIND_PULL, KIND_PUSH, JobSnapshot, JobStatus
from bentosync.application.settings import TransferSettings
from bentosync.core.appdirs import log_dir
from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import FileEntry
from bentosync.core.store import LocalModel, LocalStore
from bentosync.gui import dnd, icons, window_state
from bentosync.gui import window_commands as commands
from bentosync.gui.actions import ActionState, WindowActions
from bentosync.gui.catalog import SyncCatalog
from bentosync.gui.cloud_connection import (
    CONNECT,
    QUERY,
    REFRESH,
    CloudConnection,
    CloudListing,
)
from bentosync.gui.dialogs.accounts_dialog import AccountsDialog
from bentosync.gui.dialogs.login_dialog import LoginDialog
from bentosync.gui.dialogs.settings_dialog import SettingsDialog
from bentosync.gui.local_listing import LocalListing, display_path
from bentosync.gui.models import cloud_models as cloud_cols
from bentosync.gui.models import local_models as local_cols
from bentosync.gui.models.cloud_describe import pull_refusal, reference_label
from bentosync.gui.models.cloud_models import CloudModelTableModel, widest_sync_text
from bentosync.gui.models.local_models import LocalModelTableModel
from bentosync.gui.models.transfer_format import describe_outcome
from bentosync.gui.notifier import Notifier
from bentosync.gui.operations import ModelOperations
from bentosync.gui.settings import open_settings
from bentosync.gui.tray import Tray
from bentosync.gui.widgets.cloud_pane import CloudPane
from bentosync.gui.widgets.details_panel import DetailsPanel
from bentosync.gui.widgets.local_pane import LocalPane
from bentosync.gui.widgets.model_pane import ModelPane
from bentosync.gui.widgets.transfers_panel import TransfersPanel
from bentosync.gui.window_state import bring_to_front
from bentosync.gui.workers.file_hashing import FileListHasher
from bentosync.gui.workers.transfer_manager import TransferManager

logger = logging.getLogger(__name__)

RELATIVE_TIME_REFRESH_MS = 60_000
NAMES_APPLY_MS = 300  # looked-up names are applied in batches, not one by one
NAMES_APPLY_VERSIONS = 500  # cloud versions whose verdicts one GUI-thread slice computes
NAMES_SLICE_PAUSE_MS = 10
DEFAULT_SIZE = (1400, 860)
POOL_SHUTDOWN_MS = 10_000
TRANSFERS_SHUTDOWN_MS = 30_000  # running jobs clean up staging folders and upload records
LOCAL, CLOUD = "local", "cloud"
APP_TITLE = "BentoSync"


def _pool(name: str, parent: QWidget) -> QThreadPool:
    pool = QThreadPool(parent)
    pool.setObjectName(name)
    pool.setMaxThreadCount(1)
    return pool


class MainWindow(QMainWindow):
    """BentoSync's one window.

    Args:
        lookup_pool: a small pool for quick reads (listing the store).
        store: the local store to show; defaults to ``$BENTOML_HOME``.
        settings: where geometry, columns and transfer settings persist
            (``gui.settings.open_settings`` by default); tests pass their own.
        resolver: which registry the Cloud pane shows (the launcher's
            ``resolve``); by default only an existing login is used.
    """

    #: The local listing finished, successfully or not.
    refresh_finished = Signal()
    #: The cloud listing finished, successfully or not.
    cloud_refresh_finished = Signal()

    def __init__(
        self,
        lookup_pool: QThreadPool,
        store: LocalStore | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        *,
        resolver: Resolver | None = None,
        use_tray: bool | None = None,
    ) -> None:
        """``use_tray``: show a tray icon (default: where the desktop has a tray)."""
        super().__init__(parent)
        self._store = store if store is not None else LocalStore()
        self._settings = settings if settings is not None else open_settings()
        self._active_side = LOCAL
        self._closed = False
        self._quit_requested = False
        # Asked with the number of running transfers; True quits. A test puts its answer here.
        self.confirm_quit: Callable[[int], bool] = self._ask_before_quitting
        self.cloud_pool = _pool("cloud_pool", self)
        self.write_pool = _pool("write_pool", self)
        self.hash_pool = _pool("hash_pool", self)
        # Keyring and HTTP of the login dialogs: one thread, so keyring access is serialised.
        self.account_pool = _pool("account_pool", self)
        self.setWindowTitle(APP_TITLE)  # a name: the same in every language
        self.setWindowIcon(icons.app_icon())

        self.local_model = LocalModelTableModel(self)
        self.cloud_model = CloudModelTableModel(self)
        self.catalog = SyncCatalog(self.local_model, self.cloud_model)
        self.local_pane = LocalPane(self.local_model, display_path(self._store.models_dir))
        self.local_pane.set_min_column_texts({local_cols.COL_SYNC: widest_sync_text()})
        self.cloud_pane = CloudPane(self.cloud_model)
        self.cloud_pane.set_min_column_texts({cloud_cols.COL_SYNC: reference_label()})
        self.details = DetailsPanel()
        self.details.setObjectName("details_panel")

        self.window_actions = WindowActions(self)
        self.window_actions.scope_to_panes([self.local_pane, self.cloud_pane])
        if use_tray is None:
            use_tray = Tray.available()
        self.tray = Tray(self) if use_tray else None
        self.notifier = Notifier(
            self.statusBar(), self, tray=self.tray.icon if self.tray is not None else None
        )
        self.connection = CloudConnection(self.cloud_pool, resolver, self._store.home, self)
        self.listing = LocalListing(
            lookup_pool, self._store, self.local_pane, self.statusBar(), self
        )
        self.summary_label = self.listing.summary_label
        self.problems_button = self.listing.problems_button
        self.hasher = FileListHasher(self.hash_pool, parent=self)
        # Each job opens its session from the Cloud pane's current target, so a login
        # switches where the next job goes.
        self.transfer_settings = TransferSettings(self._settings)
        self.transfers = TransferManager(
            self.connection.session_factory,
            self.transfer_settings,
            self,
            interrupted=InterruptedTransfers(),
        )
        self.transfers_panel = TransfersPanel(self.transfers)
        self.transfers_panel.setObjectName("transfers_panel")
        self.overall_label = QLabel()
        self.overall_label.setContentsMargins(8, 0, 4, 0)
        self.statusBar().addPermanentWidget(self.overall_label)
        self.operations = ModelOperations(
            self,
            self._store,
            self.connection,
            self.catalog,
            self.write_pool,
            self.notifier,
            self.transfers,
        )
        # A cloud refresh is "finished" when its look-ups are in too (see _finish_cloud_refresh).
        self._cloud_waiting = True
        self._names_to_refresh: Collection[str] | None = None
        self._found_names: dict[str, list[CloudModel]] = {}
        self._names_timer = QTimer(self)
        self._names_timer.setSingleShot(True)
        self._names_timer.setInterval(NAMES_APPLY_MS)
        self._names_timer.timeout.connect(self._apply_found_names)

        self._build_layout()
        self._wire()
        self._age_timer = QTimer(self)
        self._age_timer.setInterval(RELATIVE_TIME_REFRESH_MS)
        self._age_timer.timeout.connect(self.local_model.refresh_relative_times)
        self._age_timer.timeout.connect(self.cloud_model.refresh_relative_times)
        self._age_timer.start()
        self._restore_settings()
        self.update_actions()

    # ---- construction ------------------------------------------------------------

    def settings(self) -> QSettings:
        """Where the window and its parts keep what they remember."""
        return self._settings

    @property
    def refresh_action(self) -> QAction:
        """The Refresh action (F5), under the name it had before ``actions`` existed."""
        return self.window_actions.refresh

    def _build_layout(self) -> None:
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("panes_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.local_pane)
        self.splitter.addWidget(self.cloud_pane)
        self.bottom_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.bottom_splitter.setObjectName("bottom_splitter")
        # The Transfers panel left of the details, taking most of the width.
        self.bottom_splitter.addWidget(self.transfers_panel)
        self.bottom_splitter.addWidget(self.details)
        self.bottom_splitter.setStretchFactor(0, 3)
        self.bottom_splitter.setStretchFactor(1, 2)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("main_splitter")
        self.main_splitter.addWidget(self.splitter)
        self.main_splitter.addWidget(self.bottom_splitter)
        self.main_splitter.setStretchFactor(0, 1)
        self.main_splitter.setStretchFactor(1, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.main_splitter)
        self.setCentralWidget(central)

        toolbar = QToolBar(self.tr("Main toolbar"))
        toolbar.setObjectName("main_toolbar")  # saveState() needs a name
        toolbar.setMovable(False)
        self.window_actions.fill_toolbar(toolbar)
        self.addToolBar(toolbar)
        self.toolbar = toolbar
        self.menus = self.window_actions.fill_menus(self.menuBar())

    def _wire(self) -> None:
        """What every action does, one line each, then how the parts talk to each other."""
        acts, ops = self.window_actions, self.operations
        acts.refresh.triggered.connect(self.refresh)
        acts.push.triggered.connect(lambda: ops.push(self._selected_tags(LOCAL)))
        acts.pull.triggered.connect(lambda: ops.pull(self._selected_tags(CLOUD)))
        acts.verify.triggered.connect(lambda: ops.verify(self._verifiable_tags()))
        acts.delete.triggered.connect(
            lambda: ops.delete(self._active_side, self._selected_tags(self._active_side))
        )
        acts.import_folder.triggered.connect(self._choose_folder)
        acts.copy_tags.triggered.connect(
            lambda: commands.copy_tags(self._selected_tags(self._active_side), self.statusBar())
        )
        acts.show_in_folder.triggered.connect(
            lambda: commands.show_in_folder(self.local_pane.selected_records(), self)
        )
        acts.find.triggered.connect(lambda: self._pane(self._active_side).focus_filter())
        acts.cancel.triggered.connect(self.cancel_transfers)
        acts.login.triggered.connect(self.open_login)
        acts.accounts.triggered.connect(self.open_accounts)
        acts.transfer_settings.triggered.connect(self.open_settings)
        acts.quit.triggered.connect(self.request_quit)
        acts.about.triggered.connect(lambda: commands.show_about(self))
        acts.open_log_folder.triggered.connect(lambda: commands.open_log_folder(log_dir(), self))

        dnd.connect_drops(self.local_model, self.cloud_model, ops)
        self.local_pane.set_drop_hint(
            dnd.local_drop_hint(self.local_model), dnd.local_drop_refusal(self.local_model)
        )
        self.cloud_pane.set_drop_hint(dnd.cloud_drop_hint(self.connection.where))
        ops.local_changed.connect(self.listing.refresh)
        ops.cloud_changed.connect(lambda: self.refresh_cloud())
        ops.imported.connect(self._select_imported)

        self.listing.loaded.connect(self._on_local_listed)
        self.listing.finished.connect(self.refresh_finished)
        # Not from _on_local_listed: the listing still counts as loading there, and a
        # cloud refresh that landed first would wait for a call that never came.
        self.listing.finished.connect(self._finish_cloud_refresh)
        self.connection.target_changed.connect(self._on_target)
        self.connection.account_named.connect(self.cloud_pane.show_account)
        self.connection.listing_loaded.connect(self._on_cloud_listed)
        self.connection.names_looked_up.connect(self._on_names_looked_up)
        self.connection.failed.connect(self._on_cloud_failed)
        self.connection.more_failed.connect(self._on_more_failed)
        self.cloud_model.more_requested.connect(self.connection.fetch_more)
        self.cloud_pane.query_changed.connect(self._on_query)

        for side, pane in ((LOCAL, self.local_pane), (CLOUD, self.cloud_pane)):
            pane.selection_changed.connect(lambda s=side: self._on_selection(s))
            pane.activated.connect(lambda s=side: self._activate(s))
            pane.context_menu_requested.connect(lambda pos, s=side: self._context_menu(s, pos))
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

        self.details.hash_requested.connect(self.hasher.request)
        self.hasher.hashed.connect(self._on_hashed)
        self.hasher.failed.connect(self.details.set_hash_failed)
        self.hasher.progressed.connect(self.details.set_hash_progress)

        panel, manager = self.transfers_panel, self.transfers
        panel.overall_changed.connect(self.overall_label.setText)
        if self.tray is not None:
            panel.overall_changed.connect(self.tray.set_state)
            self.tray.show_requested.connect(lambda: bring_to_front(self))
            self.tray.quit_requested.connect(self.request_quit)
        panel.error_occurred.connect(
            lambda text: self.notifier.notify(self.tr("Cannot retry"), text, error=True)
        )
        panel.replace_requested.connect(
            lambda snap: ops.replace(snap.tag, replaces_job=snap.job_id)
        )
        manager.job_finished.connect(self._on_job_finished)
        for signal in (manager.job_added, manager.job_finished):
            signal.connect(lambda *_: self.update_actions())

    # ---- loading -----------------------------------------------------------------

    def refresh(self) -> None:
        """List both sides again: the store on the lookup pool, the cloud on its own."""
        self.listing.refresh()
        self.refresh_cloud()

    def refresh_cloud(self, names: Collection[str] | None = None) -> None:
        """List the cloud again, and look up again the cloud versions of ``names``
        (a push's model name), or of every local name when None."""
        self._cloud_waiting = True
        self._names_to_refresh = names
        self.cloud_pane.show_connecting()
        self.connection.refresh()

    def reconnect(self) -> None:
        """Ask the launcher again which registry to use (after a login or logout)."""
        self.catalog.set_cloud(None)
        self.cloud_pane.target = None
        self.cloud_pane.show_connecting()
        self._cloud_waiting = True
        self._names_to_refresh = None
        self.connection.connect_target()

    def is_loading(self) -> bool:
        return self.listing.is_loading()

    def _on_local_listed(self, models: list[LocalModel]) -> None:
        self.catalog.update()
        if self.catalog.cloud_loaded:  # names new to the store need their cloud versions
            self.connection.lookup_names(self.catalog.names_to_look_up())
        self._on_selection(self._active_side)

    def _on_target(self, target: CloudTarget) -> None:
        self.cloud_pane.show_target(target)
        self.update_actions()

    def _on_cloud_listed(self, listing: CloudListing) -> None:
        if listing.replaces:
            self.catalog.set_cloud(listing.items)
        else:
            self.catalog.add_cloud_page(listing.items)
        self.cloud_model.set_paging(listing.total, listing.has_more)
        self.cloud_pane.set_loading(False)
        if listing.reason == QUERY:  # a new answer starts at its top, not where the old one was
            self.cloud_pane.view.scrollToTop()
        if listing.reason in (CONNECT, REFRESH):
            names = self._names_to_refresh
            self._names_to_refresh = None
            if names is None:  # every local name, as this registry has them now
                names = self.catalog.local_names()
            self.connection.lookup_names(set(names) | self.catalog.names_to_look_up())
        self._on_selection(self._active_side)
        self._finish_cloud_refresh()

    def _on_names_looked_up(self, found: dict[str, list[CloudModel]]) -> None:
        """Coalesced: verdicts are recomputed at most every ``NAMES_APPLY_MS``."""
        self._found_names.update(found)
        if not self._names_timer.isActive():
            self._names_timer.start()

    def _apply_found_names(self) -> None:
        """Apply looked-up names, about ``NAMES_APPLY_VERSIONS`` versions per event-loop
        slice: a verdict costs tens of microseconds, and 10,000 of them at once would
        hold the GUI thread for a visible moment."""
        found: dict[str, list[CloudModel]] = {}
        versions = 0
        for name in list(self._found_names):
            if found and versions + len(self._found_names[name]) > NAMES_APPLY_VERSIONS:
                break
            found[name] = self._found_names.pop(name)
            versions += len(found[name])
        if found and self.catalog.cloud_loaded:
            self.catalog.set_name_versions(found)
            self._show_details()
            self.update_actions()
        if self._found_names:
            # Not 0: Qt would run the next slice before any timer or repaint got a turn.
            QTimer.singleShot(NAMES_SLICE_PAUSE_MS, self, self._apply_found_names)
            return
        self._finish_cloud_refresh()

    def _on_query(self, query: str) -> None:
        self.cloud_pane.set_loading(True)
        self.connection.set_query(query)

    def _on_more_failed(self, problem: ErrorReport) -> None:
        self.cloud_model.fetch_failed()
        self.notifier.notify(
            self.tr("No more models: {title}").format(title=problem.title),
            problem.message,
            error=True,
        )

    def _on_cloud_failed(self, problem: ErrorReport) -> None:
        self.catalog.set_cloud(None)
        self.cloud_model.set_paging(0, False)
        self.cloud_pane.show_problem(problem)
        self.update_actions()
        self._cloud_waiting = False
        self.cloud_refresh_finished.emit()

    def _finish_cloud_refresh(self) -> None:
        """``cloud_refresh_finished`` once the first page and every look-up it started
        (and any the local listing started) have landed: then both Sync columns hold."""
        if not self._cloud_waiting or not self.catalog.cloud_loaded:
            return
        if self.listing.is_loading() or self.connection.lookups_pending():
            return
        if self._found_names or self._names_timer.isActive():
            return  # the rest is applied in a later slice, which calls again
        self._cloud_waiting = False
        self.cloud_refresh_finished.emit()

    def _on_hashed(self, model: LocalModel, files: list[FileEntry]) -> None:
        self.catalog.add_file_list(model, files)
        self.details.set_local_files(model, files)

    # ---- selection, focus and actions ------------------------------------------------

    def _pane(self, side: str) -> ModelPane:
        return self.local_pane if side == LOCAL else self.cloud_pane

    def _selected_tags(self, side: str) -> list[str]:
        return self._pane(side).selected_tags()

    def _verifiable_tags(self) -> list[str]:
        return [t for t in self._selected_tags(LOCAL) if self.catalog.cloud(t) is not None]

    def _activate(self, side: str) -> None:
        if side != self._active_side:
            self._active_side = side
            self._show_details()
            self.update_actions()

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        for side, pane in ((LOCAL, self.local_pane), (CLOUD, self.cloud_pane)):
            if new is not None and pane.isAncestorOf(new):
                self._activate(side)

    def _on_selection(self, side: str) -> None:
        """Selecting rows makes a pane the active one; details follow the active pane."""
        if self._pane(side).selected_records():
            self._active_side = side
        if side == self._active_side:
            self._show_details()
        self.update_actions()

    def _show_details(self) -> None:
        record = self._pane(self._active_side).current_record()
        if record is None:
            self.details.show_nothing()
        elif self._active_side == LOCAL:
            tag = str(record.tag)
            self.details.show_local(record, self.catalog.cloud(tag), self.catalog.sync(tag))
        else:
            local, sync = self.catalog.local(record.tag), self.catalog.sync(record.tag)
            self.details.show_cloud(record, local, sync, self.connection.where())

    def update_actions(self) -> None:
        local = self._selected_tags(LOCAL)
        self.window_actions.update(
            ActionState(
                local_selected=len(local),
                cloud_selected=len(self._selected_tags(CLOUD)),
                active_side=self._active_side,
                cloud_ready=self.connection.target is not None and self.catalog.cloud_loaded,
                local_with_cloud_copy=sum(1 for t in local if self.catalog.cloud(t) is not None),
                cancellable=self.transfers.has_running_jobs(),
                one_local=len(local) == 1,
                pull_refusals=tuple(
                    why for why in map(pull_refusal, self.cloud_pane.selected_records()) if why
                ),
            )
        )

    def _context_menu(self, side: str, pos: object) -> None:
        self._activate(side)
        menu = self.window_actions.context_menu(side, self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(pos)  # type: ignore[arg-type]

    def _choose_folder(self) -> None:
        """Pick a folder to import; from the Cloud pane, the new model is pushed too."""
        push = self._active_side == CLOUD and self.connection.target is not None
        commands.choose_folder(
            self, lambda folder: self.operations.import_folders([folder], push=push)
        )

    def _select_imported(self, model: LocalModel) -> None:
        tag = str(model.tag)

        def select() -> None:
            self.local_pane.select_tags({tag}, lambda m: str(m.tag))

        # The listing that shows it is on its way; select once it has landed.
        self.listing.when_loaded(select)

    # ---- transfers, accounts and settings ---------------------------------------------

    def cancel_transfers(self) -> None:
        """Cancel the jobs selected in the Transfers panel, or every running job if none is."""
        if self.transfers_panel.selected_job_ids():
            self.transfers_panel.cancel_selected()
        else:
            self.transfers.cancel_all()

    def _on_job_finished(self, snapshot: JobSnapshot) -> None:
        """Tell the user, then list again the side the job changed."""
        title, message, error = describe_outcome(snapshot)
        self.notifier.notify(title, message, error=error)
        if snapshot.status in (JobStatus.DONE, JobStatus.FAILED):
            if snapshot.kind == KIND_PUSH:
                # Only the pushed name's cloud versions can have changed.
                self.refresh_cloud({snapshot.tag.split(":", 1)[0]})
            elif snapshot.kind == KIND_PULL:
                self.listing.refresh()

    def open_login(self) -> LoginDialog:
        """Log in; a saved login asks the launcher again which registry to show."""
        return commands.open_login(self.account_pool, self, lambda: self.reconnect())

    def open_accounts(self) -> AccountsDialog:
        """Switch or log out; a change of the current login reconnects the Cloud pane."""
        return commands.open_accounts(self.account_pool, self, lambda: self.reconnect())

    def open_settings(self) -> SettingsDialog:
        """Transfer settings; accepted values size the pool and apply to the next jobs."""
        return commands.open_settings(self.transfer_settings, self, self.transfers.apply_settings)

    # ---- window events and persistence ----------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ThemeChange):
            icons.clear_cache()
            self.window_actions.apply_icons()
            self.listing.reload_icons()
            for pane, model in (
                (self.local_pane, self.local_model),
                (self.cloud_pane, self.cloud_model),
            ):
                pane.reload_icons()
                model.reload_icons()
            self.details.reload_icons()
        super().changeEvent(event)

    def restore_interrupted_transfers(self) -> None:
        """At start: list the transfers the last run left (resumed if the settings say so).

        Those listed are selected, so one click on Retry (or Ctrl+R) resumes them: the
        status bar says "Retry resumes", and a Retry greyed out until a row is picked
        would not.
        """
        ids = self.transfers.restore_interrupted(resume=self.transfer_settings.resume_interrupted)
        self.transfers_panel.select_jobs(ids)

    def request_quit(self) -> None:
        """File ▸ Quit: a close the user asked for, so running transfers are asked about."""
        self._quit_requested = True
        try:
            self.close()
        finally:
            self._quit_requested = False

    def closeEvent(self, event: QCloseEvent) -> None:
        asked = event.spontaneous() or self._quit_requested  # not a program's own close()
        running = sum(1 for job in self.transfers.jobs() if not job.status.finished)
        if asked and running and self._hide_to_tray():
            event.ignore()
            return
        if asked and running and not self.confirm_quit(running):
            event.ignore()
            return
        self._save_settings()
        self.shutdown()
        super().closeEvent(event)

    def _hide_to_tray(self) -> bool:
        """Closing the window (not Quit) with transfers running and "Keep running in the
        tray" on: hide it there; they go on. False when that does not apply."""
        if self._quit_requested or self.tray is None or not self.transfer_settings.keep_in_tray:
            return False
        self.hide()
        self.notifier.notify(
            self.tr("BentoSync is still running"),
            self.tr("Transfers go on; the tray icon shows the window."),
        )
        return True

    def _ask_before_quitting(self, running: int) -> bool:
        """The quit prompt: running transfers stop, and are listed again at the next start."""
        box = self.quit_prompt(running)
        accept = QMessageBox.ButtonRole.AcceptRole
        quit_button = next(b for b in box.buttons() if box.buttonRole(b) == accept)
        box.exec()
        return box.clickedButton() is quit_button

    def quit_prompt(self, running: int) -> QMessageBox:
        """The box ``_ask_before_quitting`` shows, not shown yet: Quit (its one
        accept button) and Cancel, the default."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Quit BentoSync?"),
            self.tr("%n transfer(s) still running.", "", running),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            self.tr(
                "They stop now, and are listed again the next time you open BentoSync, "
                "where they continue from what is already done.",
                "",
                running,  # English: "It stops now, and is listed again ... it continues"
            )
        )
        box.addButton(self.tr("&Quit"), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box

    def shutdown(self) -> None:
        """Stop background work this window started; pool threads must not outlive it."""
        if self._closed:
            return
        self._closed = True
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.disconnect(self._on_focus_changed)
        self.hasher.cancel()
        self.transfers.shutdown(TRANSFERS_SHUTDOWN_MS)  # cancel, then wait for cleanup
        for pool in (self.hash_pool, self.write_pool, self.cloud_pool, self.account_pool):
            pool.clear()
            if not pool.waitForDone(POOL_SHUTDOWN_MS):
                logger.warning("%s still busy at close", pool.objectName())
        self.hasher.close()
        self.connection.close()
        self.notifier.close()
        if self.tray is not None:
            self.tray.close()

    def _restore_settings(self) -> None:
        window_state.restore(self, self._settings, DEFAULT_SIZE)

    def _save_settings(self) -> None:
        window_state.save(self, self._settings)
