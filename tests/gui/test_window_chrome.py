"""The window's chrome: context menus, the column menu, persistence, login and settings hooks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QMenu

from bentosync.core.credentials import Context
from bentosync.gui.main_window import MainWindow
from bentosync.gui.models.local_models import COL_MODULE
from bentosync.gui.widgets import table_columns


@pytest.fixture
def make_window(qtbot, lookup_pool, settings, bentoml_home):
    def make() -> MainWindow:
        window = MainWindow(lookup_pool, settings=settings)
        qtbot.addWidget(window)
        return window

    return make


def open_menus(window) -> list[QMenu]:
    return [m for m in window.findChildren(QMenu) if m.isVisible()]


def test_right_click_on_a_pane_opens_its_menu(qtbot, make_window):
    window = make_window()
    window.show()
    acts = window.window_actions
    window.cloud_pane.context_menu_requested.emit(QPoint(20, 20))
    qtbot.waitUntil(lambda: bool(open_menus(window)), timeout=2000)
    [menu] = open_menus(window)
    assert acts.pull in menu.actions() and acts.push not in menu.actions()
    assert acts.delete.text() == "&Delete from Cloud…"  # the menu's pane became the active one
    menu.close()
    window.local_pane.context_menu_requested.emit(QPoint(20, 20))
    qtbot.waitUntil(lambda: bool(open_menus(window)), timeout=2000)
    [menu] = open_menus(window)
    assert acts.push in menu.actions() and acts.verify in menu.actions()
    assert acts.delete.text() == "&Delete from This Computer…"
    menu.close()


def test_the_header_menu_shows_hidden_columns(qtbot, make_window):
    window = make_window()
    view = window.local_pane.view
    assert view.isColumnHidden(COL_MODULE)  # the details panel shows the module
    menu = table_columns.column_menu(view, QPoint(0, 0), window)
    [module] = [a for a in menu.actions() if a.text() == "Module"]
    assert not module.isChecked()
    module.trigger()
    assert not view.isColumnHidden(COL_MODULE)
    menu.close()


def test_splitters_and_hidden_columns_persist(qtbot, lookup_pool, settings, bentoml_home):
    first = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(first)
    first.resize(780, 560)  # inside the offscreen screen, so geometry restores exactly
    first.show()
    first.splitter.setSizes([450, 300])
    first.main_splitter.setSizes([200, 300])
    first.local_pane.view.setColumnHidden(COL_MODULE, False)
    wanted = (first.splitter.sizes(), first.main_splitter.sizes())
    first.close()

    second = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(second)
    second.show()
    assert (second.splitter.sizes(), second.main_splitter.sizes()) == wanted
    assert not second.local_pane.view.isColumnHidden(COL_MODULE)


def test_a_saved_login_or_a_switch_reconnects_the_cloud_pane(qtbot, make_window, monkeypatch):
    window = make_window()
    calls: list[int] = []
    monkeypatch.setattr(window, "reconnect", lambda: calls.append(1))
    login = window.open_login()
    login.login_saved.emit(Context("work", "https://cloud.example", "alice@example.com"))
    login.close()
    accounts = window.open_accounts()
    accounts.current_changed.emit(None)
    accounts.close()
    assert calls == [1, 1]
    assert window.window_actions.login.isVisible()


def test_settings_apply_to_the_next_jobs(qtbot, make_window):
    window = make_window()
    dialog = window.open_settings()
    dialog.jobs_spin.setValue(3)
    dialog.accept()
    assert window.transfers.pool.maxThreadCount() == 3
