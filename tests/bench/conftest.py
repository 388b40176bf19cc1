"""Benchmark-wide settings: the window's benchmarks run the interpreter as the app does."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def interpreter_as_the_window_runs(request: pytest.FixtureRequest) -> Iterator[None]:
    """A benchmark that drives a window (``qtbot``) gets ``gui.app.run``'s switch interval
    and frozen start-up objects: without them, the GUI frame gaps it reports are not the
    ones a user sees."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    from bentosync.core import gc_pause
    from bentosync.gui.app import favour_the_gui_thread  # PySide6: GUI benchmarks only

    previous = favour_the_gui_thread()
    gc_pause.freeze_startup()  # as ``run`` does once the window is up
    try:
        yield
    finally:
        gc_pause.thaw()
        sys.setswitchinterval(previous)
