"""Start-up: run() opens the window, lists the store, and exits cleanly; CLI dispatch."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from bentosync import cli, launcher
from bentosync.gui import app as gui_app
from bentosync.gui.main_window import MainWindow


def test_run_shows_the_window_lists_and_returns_zero(qapp, bentoml_home, monkeypatch):
    pools: list[QThreadPool] = []
    real_make_pool = gui_app.make_lookup_pool

    def recording_make_pool(parent=None) -> QThreadPool:
        pools.append(real_make_pool(parent))
        return pools[-1]

    monkeypatch.setattr(gui_app, "make_lookup_pool", recording_make_pool)
    seen: dict[str, object] = {}

    def quit_when_loaded() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if windows and windows[-1].isVisible() and not windows[-1].is_loading():
            window = windows[-1]
            seen["title"] = window.local_pane.message_title.text()
            seen["summary"] = window.summary_label.text()
            seen["switch_interval"] = sys.getswitchinterval()
            poller.stop()
            QCoreApplication.quit()

    poller = QTimer()
    poller.timeout.connect(quit_when_loaded)
    poller.start(20)
    watchdog = QTimer()  # never hang the suite; stopped before it can touch later tests
    watchdog.setSingleShot(True)
    watchdog.timeout.connect(lambda: QCoreApplication.exit(3))
    watchdog.start(10_000)
    before = sys.getswitchinterval()
    try:
        status = gui_app.run()
    finally:
        watchdog.stop()
        poller.stop()

    assert status == 0
    assert seen["title"] == f"No models in {bentoml_home / 'models'} yet"
    assert seen["summary"] == f"No models in {bentoml_home / 'models'}"
    assert qapp.applicationName() == "BentoSync"
    assert qapp.organizationName() == "BentoSync"
    assert qapp.desktopFileName() == "io.bentosync.BentoSync"
    assert not qapp.windowIcon().isNull()
    assert pools[0].maxThreadCount() == 1
    assert pools[0].activeThreadCount() == 0
    # The GUI thread waited a whole 5 ms for the GIL per Python call while a pool
    # thread ran Python; the window runs with a short interval and gives it back.
    assert seen["switch_interval"] == pytest.approx(gui_app.GUI_SWITCH_INTERVAL_S)
    assert sys.getswitchinterval() == pytest.approx(before)


def test_run_leaves_no_quit_behind(qtbot, qapp, bentoml_home):
    """After run() returns, event loops work again: a host or the next test can wait."""
    QTimer.singleShot(50, QCoreApplication.quit)
    assert gui_app.run() == 0
    qapp.processEvents()  # as pytest-qt does between tests; a leaked Quit would run here
    timer = QTimer()
    timer.setSingleShot(True)
    with qtbot.waitSignal(timer.timeout, timeout=2000):  # ends at once if a Quit leaked
        timer.start(100)


@pytest.mark.parametrize("argv", [[], ["gui"]])
def test_cli_without_command_opens_the_window_with_the_launcher(monkeypatch, argv):
    calls: list[tuple[object, ...]] = []
    stopped: list[bool] = []
    monkeypatch.setattr(
        gui_app, "run", lambda *args, resolver=None: calls.append((args, resolver)) or 0
    )
    monkeypatch.setattr(launcher.Launcher, "stop", lambda self: stopped.append(True))
    assert cli.main(argv) == 0
    [(args, resolver)] = calls
    assert args == ()
    assert resolver.__self__.__class__ is launcher.Launcher  # the launcher's resolve
    assert stopped == [True]  # the embedded registry never outlives the window
