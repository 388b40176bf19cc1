"""GUI fixtures: private settings, a real lookup pool shut down after each test, and a
window on the test registry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QSettings, QThreadPool

from bentosync.application.cloud_target import CloudTarget
from bentosync.gui import i18n
from bentosync.gui.app import make_lookup_pool, shutdown_pool
from bentosync.gui.main_window import MainWindow


@pytest.fixture(scope="session", autouse=True)
def _english(qapp) -> Iterator[None]:
    """The translators the app installs at start (``gui.i18n``), for English whatever the
    machine's locale: the tests read English texts, and need its plural forms."""
    english = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    translators = i18n.install_translators(qapp, english)
    yield
    i18n.remove_translators(qapp, translators)


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """A QSettings of the test's own, so no test reads another's window geometry."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def lookup_pool(qapp) -> Iterator[QThreadPool]:
    pool = make_lookup_pool()
    yield pool
    assert shutdown_pool(pool), "a lookup was still running at teardown"


@pytest.fixture
def window(request, qtbot, lookup_pool, settings, bentoml_home) -> MainWindow:
    """The main window, shown, with a test registry as its cloud.

    The test's own registry; for tests marked ``chrome`` (actions, keys, menus:
    never what the cloud holds) the session's shared one, which saves starting a
    server.
    """
    chrome = request.node.get_closest_marker("chrome") is not None
    registry = request.getfixturevalue("shared_registry" if chrome else "registry")
    target = CloudTarget(
        registry.endpoint, registry.token, "Local registry (this computer)", embedded=True
    )
    win = MainWindow(lookup_pool, settings=settings, resolver=lambda: target)
    qtbot.addWidget(win)
    win.show()
    return win
