"""Transfers, accounts and settings, wired into the window.

These parts have modules of their own (``workers.transfer_manager``,
``widgets.transfers_panel``, ``dialogs.login_dialog``, ``dialogs.accounts_dialog``,
``dialogs.settings_dialog``); this module only connects them to the window's
actions, panes and notifications:

* The ``TransferManager`` opens each job's session from the Cloud pane's
  current target, so a login switches where the next job goes.
* When a job ends, the side it changed is listed again and the user is told
  (tray or status bar); Cancel acts on the selected jobs, else on all.
* A push refused because the cloud record lists other files can be replaced
  from the panel: the window's operations ask, delete, then push again.
* Logging in, switching or logging out accounts asks the launcher again which
  registry to show (``MainWindow.reconnect``).
* Keyring and HTTP calls of the dialogs run on a 1-thread account pool, so
  keyring access is serialised and never on the GUI thread.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel

from bentosync.application.jobs import KIND_PULL, KIND_PUSH, JobSnapshot, JobStatus
from bentosync.gui import icons
from bentosync.gui.dialogs.accounts_dialog import AccountsDialog
from bentosync.gui.dialogs.login_dialog import LoginDialog
from bentosync.gui.dialogs.settings_dialog import SettingsDialog
from bentosync.gui.models.transfer_format import replace_hint
from bentosync.gui.settings import TransferSettings
from bentosync.gui.widgets.transfers_panel import TransfersPanel
from bentosync.gui.workers.transfer_manager import TransferManager

if TYPE_CHECKING:
    from bentosync.gui.main_window import MainWindow

logger = logging.getLogger(__name__)

SHUTDOWN_MS = 30_000
_VERBS = {KIND_PUSH: "Push", KIND_PULL: "Pull", "verify": "Verify"}


def describe_outcome(snapshot: JobSnapshot) -> tuple[str, str, bool]:
    """(title, message, is_error) for the notification of a finished job."""
    verb = _VERBS.get(snapshot.kind, snapshot.kind.capitalize())
    status = snapshot.status
    if status is JobStatus.DONE:
        return f"{verb} finished", snapshot.message or snapshot.tag, False
    if status is JobStatus.SKIPPED:
        message = snapshot.message or snapshot.tag
        if snapshot.record_conflict:
            message = f"{message} {replace_hint(snapshot)}"
        return f"{verb} skipped", message, False
    if status is JobStatus.CANCELLED:
        return f"{verb} cancelled", snapshot.tag, False
    message = snapshot.error or snapshot.message
    if snapshot.record_conflict:
        message = f"{message} {replace_hint(snapshot)}"
    return f"{verb} of {snapshot.tag} failed", message, True


class WindowServices(QObject):
    """Creates the transfer manager and panel, and the account and settings actions."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.account_pool = QThreadPool(self)
        self.account_pool.setObjectName("account_pool")
        self.account_pool.setMaxThreadCount(1)
        self.settings = TransferSettings(window.settings())
        self.manager = TransferManager(window.connection.session_factory, self.settings, window)
        self.panel = TransfersPanel(self.manager)
        self.panel.setObjectName("transfers_panel")
        window.add_transfers_panel(self.panel)
        window.operations.transfers = self.manager

        self.overall_label = QLabel()
        self.overall_label.setContentsMargins(8, 0, 4, 0)
        window.statusBar().addPermanentWidget(self.overall_label)
        self.panel.overall_changed.connect(self.overall_label.setText)
        self.panel.error_occurred.connect(
            lambda text: window.notifier.notify("Cannot retry", text, error=True)
        )
        self.panel.replace_requested.connect(
            lambda snap: window.operations.replace(snap.tag, replaces_job=snap.job_id)
        )
        self.manager.job_finished.connect(self._on_job_finished)
        for signal in (self.manager.job_added, self.manager.job_finished):
            signal.connect(lambda *_: window.update_actions())
        window.actions.cancel.triggered.connect(self.cancel)
        self._make_account_actions()

    # ---- transfers -----------------------------------------------------------------

    def cancellable(self) -> bool:
        return self.manager.has_running_jobs()

    def cancel(self) -> None:
        """Cancel the jobs selected in the panel, or every running job if none is."""
        if self.panel.selected_job_ids():
            self.panel.cancel_selected()
        else:
            self.manager.cancel_all()

    def _on_job_finished(self, snapshot: JobSnapshot) -> None:
        title, message, error = describe_outcome(snapshot)
        self._window.notifier.notify(title, message, error=error)
        if snapshot.status in (JobStatus.DONE, JobStatus.FAILED):
            if snapshot.kind == KIND_PUSH:
                # Only the pushed name's cloud versions can have changed.
                self._window.refresh_cloud({snapshot.tag.split(":", 1)[0]})
            elif snapshot.kind == KIND_PULL:
                self._window.listing.refresh()

    def shutdown(self) -> None:
        """Cancel running jobs and wait for them (they clean up staging and records)."""
        self.manager.shutdown(SHUTDOWN_MS)
        self.account_pool.clear()
        self.account_pool.waitForDone(SHUTDOWN_MS)

    # ---- accounts and settings -------------------------------------------------------

    def _make_account_actions(self) -> None:
        window = self._window
        actions = window.actions
        actions.login.setVisible(True)
        actions.login.triggered.connect(self.open_login)
        self.accounts_action = QAction("&Accounts…", window)
        self.accounts_action.setStatusTip("Switch, add or log out of BentoCloud logins")
        self.accounts_action.setIcon(icons.icon("account"))
        self.accounts_action.triggered.connect(self.open_accounts)
        self.settings_action = QAction("Transfer &Settings…", window)
        self.settings_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Preferences))
        self.settings_action.setStatusTip("Concurrent transfers, threads and part size")
        self.settings_action.triggered.connect(self.open_settings)
        window.addAction(self.settings_action)
        file_menu = window.menus["file"]
        file_menu.insertAction(actions.quit, self.accounts_action)
        file_menu.insertAction(actions.quit, self.settings_action)
        file_menu.insertSeparator(actions.quit)

    def open_login(self) -> LoginDialog:
        dialog = LoginDialog(self.account_pool, self._window)
        dialog.login_saved.connect(lambda _context: self._window.reconnect())
        dialog.open()
        return dialog

    def open_accounts(self) -> AccountsDialog:
        dialog = AccountsDialog(self.account_pool, self._window)
        dialog.current_changed.connect(lambda _context: self._window.reconnect())
        dialog.open()
        return dialog

    def open_settings(self) -> SettingsDialog:
        dialog = SettingsDialog(self.settings, self._window)
        dialog.accepted.connect(self.manager.apply_settings)
        dialog.open()
        return dialog

    def reload_icons(self) -> None:
        self.accounts_action.setIcon(icons.icon("account"))
