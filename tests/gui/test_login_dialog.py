"""LoginDialog against a live registry, with in-memory, absent and locked keyrings."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import keyring.errors
import pytest
from PySide6.QtCore import QThreadPool

from bentosync.application.errors import Remedy
from bentosync.core.credentials import (
    SOURCE_SESSION,
    ContextsFile,
    CredentialStorage,
    resolve_credentials,
)
from bentosync.core.keyring_store import SERVICE
from bentosync.gui.dialogs.login_dialog import LoginDialog
from support.keyrings import MemoryKeyring, RaisingKeyring, no_keyring, use_keyring


class ThreadCheckingKeyring(MemoryKeyring):
    """Remembers which threads touched it: never the GUI thread."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[threading.Thread] = set()

    def set_password(self, service: str, username: str, password: str) -> None:
        self.threads.add(threading.current_thread())
        super().set_password(service, username, password)


@pytest.fixture
def pool(qapp) -> Iterator[QThreadPool]:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    yield pool
    pool.waitForDone(10_000)


@pytest.fixture
def memory_keyring() -> Iterator[ThreadCheckingKeyring]:
    with use_keyring(ThreadCheckingKeyring()) as backend:
        yield backend


def make_dialog(qtbot, pool, endpoint: str, token: str, context: str = "work") -> LoginDialog:
    dialog = LoginDialog(pool, endpoint=endpoint, context_name=context)
    qtbot.addWidget(dialog)
    dialog.token_edit.setText(token)
    return dialog


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_save_checks_the_token_and_stores_it_in_the_keyring(qtbot, pool, registry, memory_keyring):
    dialog = make_dialog(qtbot, pool, registry.endpoint, registry.token)
    with qtbot.waitSignal(dialog.login_saved, timeout=15_000) as saved:
        dialog.save_button.click()
    context = saved.args[0]
    assert (context.name, context.endpoint) == ("work", registry.endpoint)
    assert memory_keyring.items[(SERVICE, "work")] == registry.token
    assert threading.main_thread() not in memory_keyring.threads
    assert ContextsFile().current() == context
    creds = resolve_credentials()
    assert (creds.endpoint, creds.token, creds.source) == (
        registry.endpoint,
        registry.token,
        "keyring",
    )
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert registry.token not in dialog.status_label.text()


def test_test_connection_names_the_user(qtbot, pool, registry, memory_keyring):
    dialog = make_dialog(qtbot, pool, registry.endpoint, registry.token)
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as tested:
        dialog.test_button.click()
        assert dialog.is_busy() and not dialog.save_button.isEnabled()
    assert not dialog.is_busy() and dialog.problem is None
    assert dialog.status_label.text().startswith("Connected as ")
    assert tested.args[0].display_name
    assert memory_keyring.items == {}  # a test saves nothing


def test_bad_token_is_told_apart(qtbot, pool, registry, memory_keyring):
    dialog = make_dialog(qtbot, pool, registry.endpoint, "not-the-token")
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000):
        dialog.test_button.click()
    assert dialog.problem is not None and dialog.problem.remedy is Remedy.LOG_IN
    assert "refused this token" in dialog.status_label.text()
    assert not dialog.session_button.isVisible()
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000):
        dialog.save_button.click()  # save checks first: nothing stored
    assert dialog.problem.remedy is Remedy.LOG_IN
    assert memory_keyring.items == {} and ContextsFile().load().contexts == {}


@pytest.mark.parametrize(
    "endpoint", [f"http://127.0.0.1:{closed_port()}", "not a url"], ids=["closed", "invalid"]
)
def test_unreachable_endpoint_is_told_apart(qtbot, pool, memory_keyring, endpoint):
    dialog = make_dialog(qtbot, pool, endpoint, "some-token")
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000):
        dialog.test_button.click()
    assert dialog.problem is not None and dialog.problem.remedy is Remedy.CHECK_ENDPOINT
    assert "127.0.0.1" in dialog.status_label.text() or "not a usable" in dialog.problem.message


def test_empty_token_is_refused_before_any_call(qtbot, pool, memory_keyring):
    dialog = make_dialog(qtbot, pool, "http://127.0.0.1:1", "   ")
    dialog.save_button.click()
    assert not dialog.is_busy()
    assert dialog.problem is not None and dialog.problem.remedy is Remedy.FIX_INPUT


def test_no_keyring_offers_session_only_and_it_works(qtbot, pool, registry):
    with use_keyring(no_keyring()):
        dialog = make_dialog(qtbot, pool, registry.endpoint, registry.token)
        dialog.show()
        with qtbot.waitSignal(dialog.connection_tested, timeout=15_000):
            dialog.save_button.click()
        assert dialog.problem is not None and dialog.problem.remedy is Remedy.KEYRING
        assert "session only" in dialog.problem.message
        assert dialog.session_button.isVisible()
        assert ContextsFile().load().contexts == {}  # nothing half-saved

        with qtbot.waitSignal(dialog.login_saved, timeout=15_000):
            dialog.session_button.click()
        assert CredentialStorage().is_session_only("work")
        creds = resolve_credentials()
        assert (creds.token, creds.source) == (registry.token, SOURCE_SESSION)
        assert "session" in creds.describe_source()


def test_locked_keyring_says_locked_not_bad_token(qtbot, pool, registry):
    with use_keyring(RaisingKeyring(keyring.errors.KeyringLocked("Collection is locked"))):
        dialog = make_dialog(qtbot, pool, registry.endpoint, registry.token)
        dialog.show()
        with qtbot.waitSignal(dialog.connection_tested, timeout=15_000):
            dialog.save_button.click()
        assert dialog.problem is not None and dialog.problem.remedy is Remedy.KEYRING
        assert "locked" in dialog.problem.message
        assert dialog.session_button.isVisible()
        dialog.token_edit.textEdited.emit("x")  # editing hides the offer again
        assert not dialog.session_button.isVisible()
