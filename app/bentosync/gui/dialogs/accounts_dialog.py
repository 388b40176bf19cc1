"""Saved logins (contexts): switch the current one, log out, add one, import bentoml's.

Every operation reads or writes the keyring or the contexts file, so every one
runs on the pool and the list reloads when it is done. Even "which tokens are
session-only" goes through the pool: it takes the credential store's lock,
which a keyring call blocked on an unlock prompt may be holding.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from bentosync.core.credentials import (
    Context,
    ContextsFile,
    CredentialStorage,
    forget_login,
)
from bentosync.core.yatai_import import import_yatai_contexts
from bentosync.gui.dialogs.login_dialog import LoginDialog
from bentosync.gui.error_words import present
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)

NameRole = int(Qt.ItemDataRole.UserRole) + 1


@dataclass(frozen=True)
class AccountsState:
    """What the list shows: saved contexts, the current one, and the session-only ones."""

    contexts: tuple[Context, ...]
    current: str | None
    session_only: frozenset[str]


def read_state(contexts: ContextsFile, storage: CredentialStorage) -> AccountsState:
    """Blocking (file and credential-store lock): call it on a worker."""
    config = contexts.load()
    names = [c.name for c in config.contexts.values()]
    session = frozenset(n for n in names if storage.is_session_only(n))
    return AccountsState(tuple(config.contexts.values()), config.current, session)


class AccountsDialog(QDialog):
    """The saved logins, with Use, Log Out, Add and Import from bentoml.

    Args:
        pool: where keyring and file calls run.
        parent: the window.
        storage, contexts: the credential store and contexts file (tests pass their own).
        yatai_path: the ``.yatai.yaml`` to import (default ``$BENTOML_HOME/.yatai.yaml``).

    Signals:
        current_changed(Context | None): another context is current now (or none is left).
        accounts_changed(): the list of logins changed (added, removed, imported).
        loaded(): the list was (re)read.
    """

    current_changed = Signal(object)
    accounts_changed = Signal()
    loaded = Signal()

    def __init__(
        self,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
        *,
        storage: CredentialStorage | None = None,
        contexts: ContextsFile | None = None,
        yatai_path: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._storage = storage if storage is not None else CredentialStorage()
        self._contexts = contexts if contexts is not None else ContextsFile()
        self._yatai_path = yatai_path
        self.state = AccountsState((), None, frozenset())
        self._busy = False
        self._import_before: str | None = None
        self.setWindowTitle(self.tr("Accounts"))
        self.setMinimumSize(480, 300)

        self.list = QListWidget()
        self.list.itemSelectionChanged.connect(self._update_buttons)
        self.list.itemDoubleClicked.connect(self._on_double_clicked)
        self.use_button = QPushButton(self.tr("&Use"))
        self.use_button.setToolTip(self.tr("Make the selected login the one BentoSync uses"))
        self.use_button.clicked.connect(self.use_selected)
        self.logout_button = QPushButton(self.tr("&Log Out"))
        self.logout_button.setToolTip(self.tr("Forget the selected login and delete its token"))
        self.logout_button.clicked.connect(self._confirm_log_out)
        self.add_button = QPushButton(self.tr("&Add…"))
        self.add_button.clicked.connect(self.add_login)
        self.import_button = QPushButton(self.tr("&Import from bentoml"))
        self.import_button.setToolTip(
            self.tr(
                "Copy the logins of `bentoml cloud login` (.yatai.yaml) into the system keyring"
            )
        )
        self.import_button.clicked.connect(self.import_yatai)
        column = QVBoxLayout()
        for button in (self.use_button, self.logout_button, self.add_button, self.import_button):
            column.addWidget(button)
        column.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.list, 1)
        row.addLayout(column)

        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self._update_buttons()
        self.reload()

    # ---- reading -------------------------------------------------------------------

    def reload(self) -> None:
        contexts, storage = self._contexts, self._storage
        self._set_busy(True)
        run_in_pool(
            self._pool,
            lambda: read_state(contexts, storage),  # holds no reference to the dialog
            self,
            self._on_loaded,
            self._on_load_failed,
        )

    def _on_load_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.status_label.setText(present(exc).message)
        self.loaded.emit()

    def _on_loaded(self, state: AccountsState) -> None:
        self._set_busy(False)
        selected = self.selected_name()
        self.state = state
        self.list.clear()
        for context in state.contexts:
            text = f"{context.name} — {context.endpoint}"
            if context.email:
                text += f" ({context.email})"
            notes = []
            if context.name == state.current:
                notes.append(self.tr("current"))
            if context.name in state.session_only:
                notes.append(self.tr("this session only"))
            if notes:
                text += f"  [{', '.join(notes)}]"
            item = QListWidgetItem(text)
            item.setData(NameRole, context.name)
            if context.name == state.current:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.list.addItem(item)
            if context.name == (selected or state.current):
                item.setSelected(True)
                self.list.setCurrentItem(item)
        if not state.contexts and not self.status_label.text():
            self.status_label.setText(self.tr("No saved logins. Add one, or import bentoml's."))
        self._update_buttons()
        self.loaded.emit()

    def selected_name(self) -> str | None:
        items = self.list.selectedItems()
        return items[0].data(NameRole) if items else None

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(NameRole) == name:
                self.list.setCurrentItem(item)
                item.setSelected(True)

    # ---- actions -------------------------------------------------------------------

    def _on_double_clicked(self, _item: QListWidgetItem) -> None:
        self.use_selected()

    def use_selected(self) -> None:
        name = self.selected_name()
        if name is not None:
            self.use(name)

    def use(self, name: str) -> None:
        """Make ``name`` the current context."""
        contexts = self._contexts

        def work() -> Context:
            context = contexts.get(name)
            if context is None:
                raise LookupError(
                    self.tr("There is no saved login named {name} any more.").format(
                        name=repr(name)
                    )
                )
            contexts.upsert(context, make_current=True)
            return context

        self._run(work, self._on_switched)

    def _on_switched(self, context: Context) -> None:
        self.status_label.setText(
            self.tr("Now using {name} ({endpoint}).").format(
                name=context.name, endpoint=context.endpoint
            )
        )
        self.current_changed.emit(context)
        self.reload()

    def _confirm_log_out(self) -> None:
        name = self.selected_name()
        if name is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Log out"),
            self.tr(
                "Log out of {name}? Its token is deleted from the system keyring; "
                "you will need the token again to log back in."
            ).format(name=name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.log_out(name)

    def log_out(self, name: str) -> None:
        """Forget ``name`` and delete its token (no confirmation: the button asks)."""
        storage, contexts = self._storage, self._contexts
        before = self.state.current

        def work() -> tuple[str, bool, Context | None, bool]:
            _, token_removed = forget_login(name, storage=storage, contexts=contexts)
            current = contexts.current()
            return name, token_removed, current, (current.name if current else None) != before

        self._run(work, self._on_logged_out)

    def _on_logged_out(self, outcome: tuple[str, bool, Context | None, bool]) -> None:
        name, token_removed, current, switched = outcome
        if token_removed:
            text = self.tr("Logged out of {name}; its token was deleted.")
        else:
            text = self.tr("Logged out of {name}; no token was stored.")
        self.status_label.setText(text.format(name=name))
        self.accounts_changed.emit()
        if switched:
            self.current_changed.emit(current)
        self.reload()

    def import_yatai(self) -> None:
        """Copy the bentoml CLI's logins into the keyring and our contexts file."""
        storage, contexts, path = self._storage, self._contexts, self._yatai_path
        before = self.state.current

        def work() -> tuple[Any, Context | None]:
            report = import_yatai_contexts(path, storage=storage, contexts=contexts)
            return report, contexts.current()

        self._import_before = before
        self._run(work, self._on_imported)

    def _on_imported(self, outcome: tuple[Any, Context | None]) -> None:
        report, current = outcome
        text = self.tr("Imported {names} from {source}.").format(
            names=", ".join(report.imported), source=report.source
        )
        if report.skipped:  # why each was skipped: the importer's words
            skipped = "; ".join(f"{n} ({why})" for n, why in report.skipped)
            text += " " + self.tr("Skipped {names}.").format(names=skipped)
        self.status_label.setText(text)
        self.accounts_changed.emit()
        if report.current != self._import_before:
            self.current_changed.emit(current)
        self.reload()

    def add_login(self) -> LoginDialog:
        """Open the login dialog; a saved login lands in the list and becomes current."""
        dialog = LoginDialog(self._pool, self, storage=self._storage, contexts=self._contexts)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.login_saved.connect(self._on_login_added)
        dialog.open()
        return dialog

    def _on_login_added(self, context: Context) -> None:
        self.status_label.setText(
            self.tr("Logged in to {endpoint} as context {name}.").format(
                endpoint=context.endpoint, name=context.name
            )
        )
        self.accounts_changed.emit()
        self.current_changed.emit(context)
        self.reload()

    # ---- plumbing ------------------------------------------------------------------

    def _run(self, work: Any, on_result: Any) -> None:
        self._set_busy(True)
        run_in_pool(self._pool, work, self, on_result, self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        message = str(exc) if isinstance(exc, LookupError) else present(exc).message
        logger.info("Accounts: %s", message)
        self.status_label.setText(message)
        self.reload()

    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected_name() is not None
        self.use_button.setEnabled(has and not self._busy)
        self.logout_button.setEnabled(has and not self._busy)
        self.import_button.setEnabled(not self._busy)
        self.add_button.setEnabled(not self._busy)
