"""A second start raises the running window instead of opening another."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from PySide6.QtCore import Qt

from bentosync.gui.main_window import MainWindow
from bentosync.gui.single_instance import SingleInstance
from bentosync.gui.window_state import bring_to_front


def test_the_second_start_asks_the_first_to_show_itself(qtbot, tmp_path):
    first = SingleInstance(tmp_path)
    assert first.claim()
    try:
        with qtbot.waitSignal(first.activated, timeout=5000):
            assert not SingleInstance(tmp_path).claim()
    finally:
        first.release()
    again = SingleInstance(tmp_path)
    assert again.claim()  # released: the next start is the app
    again.release()


def test_another_users_folder_is_another_app(qtbot, tmp_path):
    mine, theirs = SingleInstance(tmp_path / "a"), SingleInstance(tmp_path / "b")
    assert mine.claim() and theirs.claim()
    mine.release()
    theirs.release()


def test_a_start_in_another_process_raises_the_window(
    qtbot, lookup_pool, settings, bentoml_home, tmp_path
):
    window = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.setWindowState(Qt.WindowState.WindowMinimized)
    instance = SingleInstance(tmp_path)
    assert instance.claim()
    instance.activated.connect(lambda: bring_to_front(window))
    code = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from PySide6.QtCore import QCoreApplication
        from bentosync.gui.single_instance import SingleInstance
        app = QCoreApplication([])
        sys.exit(0 if not SingleInstance(Path({str(tmp_path)!r})).claim() else 3)
        """
    )
    try:
        with qtbot.waitSignal(instance.activated, timeout=10_000):
            proc = subprocess.Popen([sys.executable, "-c", code])
        assert proc.wait(timeout=30) == 0  # it found the app running and exited
        qtbot.waitUntil(lambda: not window.windowState() & Qt.WindowState.WindowMinimized)
        assert window.isVisible()
    finally:
        instance.release()


def test_a_lock_left_by_a_dead_process_does_not_lock_the_app_out(qtbot, tmp_path):
    code = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from PySide6.QtCore import QCoreApplication
        from bentosync.gui.single_instance import SingleInstance
        app = QCoreApplication([])
        held = SingleInstance(Path({str(tmp_path)!r}))
        assert held.claim()
        os._exit(0)  # a crash: the lock file stays behind
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=30)
    assert (tmp_path / "instance.lock").exists()
    instance = SingleInstance(tmp_path)
    assert instance.claim()
    instance.release()
