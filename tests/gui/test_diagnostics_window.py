"""Help ▸ Open Log Folder, the About box, and the dialog an unexpected error becomes."""

from __future__ import annotations

import logging

import PySide6
import pytest
from PySide6.QtCore import QObject, QTimer, qVersion
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMessageBox

from bentosync.application.diagnostics import Diagnostics
from bentosync.core.appdirs import log_dir
from bentosync.core.credentials import Credentials
from bentosync.core.version import __version__
from bentosync.gui import window_commands
from bentosync.gui.exception_dialog import ExceptionReporter
from bentosync.gui.main_window import MainWindow

TOKEN = "tok-window-diagnostics-" + "q" * 16


@pytest.fixture
def plain_window(qtbot, lookup_pool, settings, bentoml_home):
    window = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(window)
    return window


def test_help_opens_the_log_folder(plain_window, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True
    )
    help_menu = plain_window.menus["help"]
    action = next(a for a in help_menu.actions() if a.text() == "Open &Log Folder")
    action.trigger()
    assert opened == [str(log_dir())]
    assert log_dir().is_dir()


def test_without_a_file_manager_open_log_folder_says_where_the_logs_are(
    plain_window, monkeypatch, qtbot
):
    """No xdg-open or file manager (found under Xvfb): Qt returns False and only prints
    to stderr, so the user saw nothing happen. A message gives the folder instead."""
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    help_menu = plain_window.menus["help"]
    action = next(a for a in help_menu.actions() if a.text() == "Open &Log Folder")
    action.trigger()
    box = plain_window.findChild(QMessageBox, "open_folder_failed")
    assert box is not None and box.isVisible()
    assert "No file manager" in box.text()
    assert box.informativeText() == str(log_dir())
    box.close()


def test_about_names_every_version_the_licence_and_the_project(plain_window, qtbot):
    box = window_commands.show_about(plain_window)
    qtbot.addWidget(box)
    text = box.text()
    for part in (__version__, qVersion(), PySide6.__version__, "Apache License 2.0", "https://"):
        assert part in text
    assert "checksums" in text
    box.close()


def test_an_unhandled_exception_becomes_a_dialog_and_the_app_goes_on(plain_window, qtbot, tmp_path):
    Credentials("https://cloud.example", TOKEN, "default", "keyring")  # the token is known
    diagnostics = Diagnostics(tmp_path / "logs").install()
    reporter = ExceptionReporter(diagnostics, lambda: plain_window).install()
    try:
        logging.getLogger("bentosync.test").info("before the failure")

        class Boom(QObject):
            def fire(self) -> None:
                raise RuntimeError(f"a slot failed with {TOKEN}")

        boom = Boom()
        QTimer.singleShot(0, boom.fire)  # raised inside the event loop, as a real slot's would
        qtbot.waitUntil(lambda: bool(reporter.shown), timeout=5000)
        dialog = reporter.shown[-1]
        assert dialog.isVisible()
        assert "still running" in dialog.text()
        assert "a slot failed" in dialog.informativeText() and TOKEN not in dialog.informativeText()
        dialog.copy_button.click()
        copied = QGuiApplication.clipboard().text()
        assert "RuntimeError: a slot failed" in copied and "before the failure" in copied
        assert __version__ in copied and qVersion() in copied
        assert TOKEN not in copied
        assert dialog.isVisible()  # copying does not close it
        dialog.close()
        # The event loop is alive: a timer still fires, and the window still works.
        fired: list[bool] = []
        QTimer.singleShot(0, lambda: fired.append(True))
        qtbot.waitUntil(lambda: bool(fired), timeout=5000)
        plain_window.refresh()
    finally:
        reporter.uninstall()
        diagnostics.uninstall()
    log_text = (tmp_path / "logs" / "bentosync.log").read_text(encoding="utf-8")
    assert "Unhandled exception" in log_text and TOKEN not in log_text
