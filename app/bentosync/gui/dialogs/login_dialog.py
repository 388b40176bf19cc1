"""Log in to a BentoCloud-compatible registry: endpoint, token, context name.

Both the connection test and the save run on a worker: the HTTP call can take
the whole connect timeout, and the keyring can block forever on an unlock
prompt (kDrive #2109, secretstorage #33), so neither may touch the GUI thread.
Save checks the token first (as ``bentosync login`` does), then stores it with
``save_login``. Failures are shown inline and told apart (``application.errors``);
when the keyring is missing or locked the dialog offers to keep the token for
this session only, explicitly, never silently (STYLE.md, Credentials).
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from bentosync.application.cloud_target import check_token
from bentosync.application.errors import ErrorReport, Remedy
from bentosync.core.cloud import DEFAULT_ENDPOINT, CloudUser
from bentosync.core.credentials import (
    Context,
    ContextsFile,
    CredentialStorage,
    save_login,
    validate_token,
)
from bentosync.core.errors import BentoSyncError
from bentosync.gui import icons
from bentosync.gui.error_words import present
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)

DEFAULT_CONTEXT = "default"
SLOW_KEYRING_MS = 4000


def outcome_slots(
    dialog: LoginDialog, request: int
) -> tuple[Callable[[Any], None], Callable[[BaseException], None]]:
    """Slots for one request that hold the dialog weakly.

    The hub that calls them is the dialog's child. A closure holding the dialog
    would keep its wrapper alive until the hub dies, and the dialog would then
    be destroyed from inside the hub's own destructor: a double delete.
    """
    ref = weakref.ref(dialog)

    def succeeded(value: Any) -> None:
        target = ref()
        if target is not None:
            target._succeeded(request, value)

    def failed(exc: BaseException) -> None:
        target = ref()
        if target is not None:
            target._failed(request, exc)

    return succeeded, failed


class LoginDialog(QDialog):
    """Endpoint, API token and context name; "Test connection" and Save.

    Args:
        pool: where the HTTP and keyring calls run (a small pool; never the GUI thread).
        parent: the window.
        endpoint: prefilled endpoint (BentoCloud's by default).
        context_name: prefilled context name.
        storage, contexts: the credential store and contexts file (tests pass their own).

    Signals:
        login_saved(Context): the login was stored; the dialog then accepts.
        connection_tested(object): a ``CloudUser`` or an ``ErrorReport`` after "Test connection".
    """

    login_saved = Signal(object)
    connection_tested = Signal(object)

    def __init__(
        self,
        pool: QThreadPool | None = None,
        parent: QWidget | None = None,
        *,
        endpoint: str = DEFAULT_ENDPOINT,
        context_name: str = "",
        storage: CredentialStorage | None = None,
        contexts: ContextsFile | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool if pool is not None else QThreadPool.globalInstance()
        self._storage = storage if storage is not None else CredentialStorage()
        self._contexts = contexts if contexts is not None else ContextsFile()
        self._request = 0  # outcomes of superseded requests are dropped
        self._busy = False
        self.problem: ErrorReport | None = None
        self.setWindowTitle(self.tr("Log in to BentoCloud"))
        self.setMinimumWidth(460)

        self.endpoint_edit = QLineEdit(endpoint)
        self.endpoint_edit.setPlaceholderText(DEFAULT_ENDPOINT)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText(self.tr("API token from the BentoCloud console"))
        self.context_edit = QLineEdit(context_name)
        self.context_edit.setPlaceholderText(DEFAULT_CONTEXT)
        form = QFormLayout()
        form.addRow(self.tr("&Endpoint:"), self.endpoint_edit)
        form.addRow(self.tr("API &token:"), self.token_edit)
        form.addRow(self.tr("&Context name:"), self.context_edit)

        self.status_icon = QLabel()
        self.status_icon.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("login_status")
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # server text is not HTML
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_icon, 0, Qt.AlignmentFlag.AlignTop)
        status_row.addWidget(self.status_label, 1)
        self.test_button = QPushButton(self.tr("&Test Connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.session_button = QPushButton(self.tr("Keep for This &Session Only"))
        self.session_button.setToolTip(
            self.tr("Use this token until BentoSync quits, without saving it anywhere.")
        )
        self.session_button.clicked.connect(self.save_for_session)
        self.session_button.hide()
        row = QHBoxLayout()
        row.addWidget(self.test_button)
        row.addStretch(1)
        row.addWidget(self.session_button)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addLayout(status_row)
        layout.addWidget(self.buttons)

        self._slow_timer = QTimer(self)
        self._slow_timer.setSingleShot(True)
        self._slow_timer.setInterval(SLOW_KEYRING_MS)
        self._slow_timer.timeout.connect(self._still_waiting)
        for edit in (self.endpoint_edit, self.token_edit, self.context_edit):
            edit.textEdited.connect(self._inputs_edited)

    # ---- inputs --------------------------------------------------------------------

    def endpoint(self) -> str:
        return self.endpoint_edit.text().strip() or DEFAULT_ENDPOINT

    def context_name(self) -> str:
        return self.context_edit.text().strip() or DEFAULT_CONTEXT

    def _inputs(self) -> tuple[str, str] | None:
        """(endpoint, token), or None after showing what is wrong with them."""
        try:
            token = validate_token(self.token_edit.text())
        except BentoSyncError as exc:
            self._show_problem(
                ErrorReport(self.tr("Check what you typed"), str(exc), Remedy.FIX_INPUT)
            )
            self.token_edit.setFocus()
            return None
        return self.endpoint(), token

    def _inputs_edited(self) -> None:
        self.session_button.hide()

    # ---- actions -------------------------------------------------------------------

    def test_connection(self) -> None:
        """Ask the endpoint whose token this is, on the pool; the answer shows inline."""
        inputs = self._inputs()
        if inputs is None:
            return
        endpoint, token = inputs
        self._start(
            self.tr("Connecting to {endpoint}…").format(endpoint=endpoint),
            lambda: check_token(endpoint, token),
        )

    def save(self) -> None:
        """Check the token, then store it in the keyring (both on the pool)."""
        inputs = self._inputs()
        if inputs is None:
            return
        endpoint, token = inputs
        name = self.context_name()
        storage, contexts = self._storage, self._contexts

        def work() -> tuple[CloudUser, Context]:
            user = check_token(endpoint, token)
            context = save_login(
                name, endpoint, token, email=user.email, storage=storage, contexts=contexts
            )
            return user, context

        self._start(
            self.tr("Checking the token with {endpoint}…").format(endpoint=endpoint),
            work,
            keyring=True,
        )

    def save_for_session(self) -> None:
        """Keep the (already checked) token in memory only, because the keyring failed."""
        inputs = self._inputs()
        if inputs is None:
            return
        endpoint, token = inputs
        name = self.context_name()
        storage, contexts = self._storage, self._contexts

        def work() -> tuple[None, Context]:
            context = save_login(
                name, endpoint, token, session_only=True, storage=storage, contexts=contexts
            )
            return None, context

        self._start(self.tr("Keeping the token for this session…"), work)

    # ---- running on the pool -------------------------------------------------------

    def _start(self, text: str, work: Callable[[], Any], *, keyring: bool = False) -> None:
        self._request += 1
        request = self._request
        self._set_busy(True)
        self._show_text(text)
        if keyring:
            self._slow_timer.start()
        run_in_pool(self._pool, work, self, *outcome_slots(self, request))

    def _succeeded(self, request: int, value: Any) -> None:
        if request != self._request:
            return
        self._finish_request()
        if isinstance(value, CloudUser):
            self._show_text(
                self.tr("Connected as {name}. Save to keep this login.").format(
                    name=value.display_name
                )
            )
            self.connection_tested.emit(value)
            return
        user, context = value
        logger.info("Logged in to %s (context %s)", context.endpoint, context.name)
        if user is None:
            text = self.tr("Logged in; the token is kept for this session only.")
        else:
            text = self.tr("Logged in as {name}; the token is kept in the system keyring.")
        self._show_text(text.format(name=user.display_name if user is not None else ""))
        self.login_saved.emit(context)
        self.accept()

    def _failed(self, request: int, exc: BaseException) -> None:
        if request != self._request:
            return
        self._finish_request()
        problem = present(exc, self.endpoint())
        logger.info("Login problem (%s): %s", problem.remedy.value, problem.message)
        self._show_problem(problem)
        self.session_button.setVisible(problem.remedy is Remedy.KEYRING)
        self.connection_tested.emit(problem)

    def _finish_request(self) -> None:
        self._slow_timer.stop()
        self._set_busy(False)

    def _still_waiting(self) -> None:
        self._show_text(
            self.tr(
                "Still waiting for the system keyring. If it asks to be unlocked, answer its "
                "prompt; or cancel this dialog."
            )
        )

    # ---- display -------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.test_button, self.save_button, self.session_button):
            widget.setEnabled(not busy)
        for edit in (self.endpoint_edit, self.token_edit, self.context_edit):
            edit.setReadOnly(busy)

    def _show_text(self, text: str) -> None:
        self.problem = None
        self.status_icon.hide()
        self.status_label.setText(text)

    def _show_problem(self, problem: ErrorReport) -> None:
        self.problem = problem
        name = "warning" if problem.remedy is Remedy.KEYRING else "error"
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.status_icon.setPixmap(icons.icon(name).pixmap(size, size))
        self.status_icon.show()
        self.status_label.setText(problem.message)
