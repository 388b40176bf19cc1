"""GUI fixtures: private settings and a real lookup pool, shut down after each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QThreadPool

from bentosync.gui.app import make_lookup_pool, shutdown_pool


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A QSettings of the test's own, so no test reads another's window geometry."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def lookup_pool(qapp) -> Iterator[QThreadPool]:
    pool = make_lookup_pool()
    yield pool
    assert shutdown_pool(pool), "a lookup was still running at teardown"
