"""AccountsDialog (switch, log out, import .yatai.yaml) and the transfer settings."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from bentosync.application.settings import MIB, TransferSettings
from bentosync.core.credentials import ContextsFile, CredentialStorage, save_login
from bentosync.core.keyring_store import SERVICE
from bentosync.core.transfer.parts import DEFAULT_THREADS
from bentosync.gui.dialogs.accounts_dialog import AccountsDialog
from bentosync.gui.dialogs.login_dialog import LoginDialog
from bentosync.gui.dialogs.settings_dialog import SettingsDialog
from bentosync.gui.settings import open_settings
from support.keyrings import MemoryKeyring, no_keyring, use_keyring

YATAI = """\
contexts:
- api_token: tok-first-111
  email: me@example.com
  endpoint: http://127.0.0.1:18561
  name: imported
- endpoint: http://no-token
  name: broken
current_context_name: imported
"""


class GuardedKeyring(MemoryKeyring):
    """Fails the test if the GUI thread ever calls it."""

    def get_password(self, service: str, username: str) -> str | None:
        assert threading.current_thread() is not threading.main_thread()
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        assert threading.current_thread() is not threading.main_thread()
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        assert threading.current_thread() is not threading.main_thread()
        super().delete_password(service, username)


@pytest.fixture
def pool(qapp) -> Iterator[QThreadPool]:
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    yield pool
    pool.waitForDone(10_000)


@pytest.fixture
def memory() -> Iterator[GuardedKeyring]:
    backend = GuardedKeyring()
    with use_keyring(backend):
        yield backend


def two_logins(backend: MemoryKeyring) -> None:
    # Seeded straight into the backend: the guard is for the dialog, not for the test.
    MemoryKeyring.set_password(backend, SERVICE, "alpha", "tok-a")
    MemoryKeyring.set_password(backend, SERVICE, "beta", "tok-b")
    contexts = ContextsFile()
    from bentosync.core.credentials import Context

    contexts.upsert(Context("alpha", "http://127.0.0.1:1111", "a@example.com"))
    contexts.upsert(Context("beta", "http://127.0.0.1:2222"), make_current=False)


def open_dialog(qtbot, pool, **kwargs) -> AccountsDialog:
    dialog = AccountsDialog(pool, **kwargs)
    qtbot.addWidget(dialog)
    qtbot.waitSignal(dialog.loaded, timeout=10_000, raising=False)
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    return dialog


def texts(dialog: AccountsDialog) -> list[str]:
    return [dialog.list.item(row).text() for row in range(dialog.list.count())]


def test_lists_switches_and_logs_out(qtbot, pool, memory):
    two_logins(memory)
    dialog = open_dialog(qtbot, pool)
    assert texts(dialog) == [
        "alpha — http://127.0.0.1:1111 (a@example.com)  [current]",
        "beta — http://127.0.0.1:2222",
    ]
    assert dialog.selected_name() == "alpha"

    with qtbot.waitSignal(dialog.current_changed, timeout=10_000) as switched:
        dialog.select("beta")
        dialog.use_button.click()
    assert switched.args[0].name == "beta"
    qtbot.waitUntil(lambda: "[current]" in texts(dialog)[1], timeout=10_000)
    assert ContextsFile().current().name == "beta"

    with qtbot.waitSignal(dialog.current_changed, timeout=10_000) as after:
        dialog.log_out("beta")
    assert after.args[0].name == "alpha"  # the remaining login became current
    qtbot.waitUntil(lambda: len(texts(dialog)) == 1, timeout=10_000)
    assert (SERVICE, "beta") not in memory.items
    assert "Logged out of beta; its token was deleted." in dialog.status_label.text()


def test_session_only_logins_are_marked(qtbot, pool):
    with use_keyring(no_keyring()):
        save_login("temp", "http://127.0.0.1:3333", "tok", session_only=True)
        dialog = open_dialog(qtbot, pool)
        assert texts(dialog) == ["temp — http://127.0.0.1:3333  [current, this session only]"]
        with qtbot.waitSignal(dialog.accounts_changed, timeout=10_000):
            dialog.log_out("temp")  # no keyring, and still possible
        assert not CredentialStorage().is_session_only("temp")


def test_import_from_yatai(qtbot, pool, memory, tmp_path: Path):
    path = tmp_path / ".yatai.yaml"
    dialog = open_dialog(qtbot, pool, yatai_path=path)
    dialog.import_yatai()
    qtbot.waitUntil(lambda: not dialog.is_busy(), timeout=10_000)
    assert "There is no" in dialog.status_label.text()

    path.write_text(YATAI)
    with qtbot.waitSignal(dialog.current_changed, timeout=10_000) as imported:
        dialog.import_button.click()
    assert imported.args[0].name == "imported"
    assert memory.items[(SERVICE, "imported")] == "tok-first-111"
    assert "Imported imported" in dialog.status_label.text()
    assert "broken" in dialog.status_label.text()  # skipped, and said why
    qtbot.waitUntil(lambda: len(texts(dialog)) == 1, timeout=10_000)
    assert path.read_text() == YATAI  # bentoml's file is left alone


def test_import_without_keyring_says_so(qtbot, pool, tmp_path: Path):
    path = tmp_path / ".yatai.yaml"
    path.write_text(YATAI)
    with use_keyring(no_keyring()):
        dialog = open_dialog(qtbot, pool, yatai_path=path)
        dialog.import_yatai()
        qtbot.waitUntil(lambda: "No usable system keyring" in dialog.status_label.text())
        qtbot.waitUntil(lambda: not dialog.is_busy())
    assert ContextsFile().load().contexts == {}


def test_add_opens_the_login_dialog(qtbot, pool, memory):
    dialog = open_dialog(qtbot, pool)
    login = dialog.add_login()
    assert isinstance(login, LoginDialog) and login.parent() is dialog
    login.reject()


def test_settings_are_typed_clamped_and_edited(qapp, settings):
    transfer = TransferSettings(settings)
    assert (transfer.concurrent_jobs, transfer.threads_per_job) == (2, DEFAULT_THREADS)
    assert transfer.part_size == 100 * MIB
    settings.setValue("transfers/part_size", "12")  # hand-edited, below 5 MiB
    settings.setValue("transfers/concurrent_jobs", "lots")
    assert transfer.part_size == 5 * MIB and transfer.concurrent_jobs == 2
    transfer.threads_per_job = 1000
    assert transfer.threads_per_job == 32

    dialog = SettingsDialog(transfer)
    assert dialog.part_spin.value() == 5 and dialog.part_spin.minimum() == 5
    dialog.jobs_spin.setValue(3)
    dialog.part_spin.setValue(64)
    dialog.accept()
    assert (transfer.concurrent_jobs, transfer.part_size) == (3, 64 * MIB)
    dialog.restore_defaults()
    dialog.reject()  # Cancel keeps what was saved
    assert transfer.concurrent_jobs == 3


def test_window_settings_live_in_one_file_and_old_ones_are_copied_once(qapp, tmp_path):
    legacy = QSettings(str(tmp_path / "legacy.ini"), QSettings.Format.IniFormat)
    legacy.setValue("transfers/concurrent_jobs", 3)
    legacy.setValue("window/geometry", b"\x01\x02")
    legacy.sync()
    path = tmp_path / "config" / "settings.ini"
    path.parent.mkdir()
    first = open_settings(path, legacy)
    assert TransferSettings(first).concurrent_jobs == 3
    assert bytes(first.value("window/geometry")) == b"\x01\x02"
    assert path.exists()
    first.setValue("transfers/concurrent_jobs", 1)
    first.sync()
    legacy.setValue("transfers/concurrent_jobs", 5)  # the old store changes no more
    assert TransferSettings(open_settings(path, legacy)).concurrent_jobs == 1
