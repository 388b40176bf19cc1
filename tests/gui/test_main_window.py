"""The window over a real store in a temp BENTOML_HOME, listed on the lookup pool."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from demo_store import GIB, make_demo_store
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from bentosync.core.errors import InvalidModel
from bentosync.core.store import LocalStore
from bentosync.gui.main_window import MainWindow
from bentosync.gui.models.local_models import COL_SIZE
from bentosync.gui.models.roles import ItemRole
from support.big_listing import write_big_store

TIMEOUT_MS = 10_000


def add_model(store: LocalStore, tmp_path: Path, name: str, payload: bytes = b"w" * 100, **kw):
    source = tmp_path / "src" / name
    source.mkdir(parents=True, exist_ok=True)
    (source / "weights.bin").write_bytes(payload)
    return store.create_from_folder(source, name, **kw)


@pytest.fixture
def store(bentoml_home):
    return LocalStore()


@pytest.fixture
def make_window(qtbot, lookup_pool, settings):
    def make(**kwargs) -> MainWindow:
        window = MainWindow(lookup_pool, settings=settings, **kwargs)
        qtbot.addWidget(window)
        return window

    return make


def load(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.refresh_finished, timeout=TIMEOUT_MS):
        window.refresh()


def listed_tags(window: MainWindow) -> set[str]:
    model = window.local_model
    return {str(model.index(row, 0).data(ItemRole).tag) for row in range(model.rowCount())}


def test_lists_exactly_the_store_models(qtbot, make_window, store, tmp_path):
    made = [
        add_model(store, tmp_path, "sentiment-clf", labels={"team": "nlp"}),
        add_model(store, tmp_path, "sentiment-clf"),
        add_model(store, tmp_path, "llama-tokenizer", payload=b"x" * 5000),
    ]
    window = make_window()
    window.show()
    load(qtbot, window)

    assert listed_tags(window) == {str(m.tag) for m in made}
    assert window.local_pane.is_showing_table()
    assert window.summary_label.text().startswith("3 models · ")
    assert window.summary_label.text().endswith(f"in {store.models_dir}")
    assert window.problems_button.isHidden()
    assert not window.is_loading()


def test_shows_loading_while_the_listing_runs(qtbot, make_window, store, monkeypatch):
    gate = threading.Event()
    original = LocalStore.list
    monkeypatch.setattr(
        LocalStore, "list", lambda self, **kw: gate.wait(5) and original(self, **kw)
    )
    window = make_window()
    window.refresh()
    assert window.is_loading()
    assert window.local_pane.message_title.text() == "Loading models…"
    assert window.summary_label.text().startswith("Loading models from ")
    with qtbot.waitSignal(window.refresh_finished, timeout=TIMEOUT_MS):
        gate.set()
    assert window.local_pane.message_title.text().startswith("No models in ")


def test_listing_runs_off_the_gui_thread(qtbot, make_window, store, tmp_path, monkeypatch):
    add_model(store, tmp_path, "sentiment-clf")
    seen: dict[str, threading.Thread] = {}
    original_list = LocalStore.list

    def recording_list(self, **kwargs):
        seen["list"] = threading.current_thread()
        return original_list(self, **kwargs)

    monkeypatch.setattr(LocalStore, "list", recording_list)
    window = make_window()
    original_set = window.local_model.set_models

    def recording_set(models):
        seen["set_models"] = threading.current_thread()
        original_set(models)

    monkeypatch.setattr(window.local_model, "set_models", recording_set)
    load(qtbot, window)

    assert seen["list"] is not threading.main_thread()
    assert seen["set_models"] is threading.main_thread()
    assert window.local_model.rowCount() == 1


def test_broken_entries_are_counted_and_explained(qtbot, make_window, store, tmp_path):
    add_model(store, tmp_path, "sentiment-clf")
    stray = store.models_dir / "sentiment-clf" / "half-copied"
    stray.mkdir()
    upper = store.models_dir / "My_Model"
    upper.mkdir()
    window = make_window()
    load(qtbot, window)

    assert window.local_model.rowCount() == 1
    assert not window.problems_button.isHidden()
    assert window.problems_button.text() == "2 broken entries"
    tooltip = window.problems_button.toolTip()
    assert str(stray) in tooltip and "has no model.yaml" in tooltip
    assert str(upper) in tooltip and "not lowercase" in tooltip

    stray.rmdir()
    upper.rmdir()
    load(qtbot, window)
    assert window.problems_button.isHidden()


def test_empty_store_says_how_to_get_models(qtbot, make_window, store):
    window = make_window()
    load(qtbot, window)
    pane = window.local_pane
    assert not pane.is_showing_table()
    assert pane.message_title.text() == f"No models in {store.models_dir} yet"
    assert "bentoml.models.create(...)" in pane.message_body.text()
    assert "bentosync pull NAME" in pane.message_body.text()
    assert window.summary_label.text() == f"No models in {store.models_dir}"


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (
            PermissionError(13, "Permission denied", "/srv/models"),
            "Permission denied (/srv/models)",
        ),
        (InvalidModel("The store is odd."), "The store is odd."),
        (RuntimeError("boom"), "Unexpected error: boom"),
    ],
)
def test_listing_errors_become_messages(qtbot, make_window, store, monkeypatch, error, shown):
    def failing_list(self, **kwargs):
        raise error

    monkeypatch.setattr(LocalStore, "list", failing_list)
    window = make_window()
    load(qtbot, window)
    pane = window.local_pane
    assert pane.message_title.text() == f"Cannot read {store.models_dir}"
    assert pane.message_body.text() == shown
    assert "Traceback" not in window.summary_label.text()
    assert window.summary_label.text().endswith(shown)
    assert not window.is_loading()


def test_refresh_during_a_load_runs_once_more_after_it(
    qtbot, make_window, store, tmp_path, monkeypatch
):
    gate = threading.Event()
    original = LocalStore.list
    calls: list[int] = []

    def slow_list(self, **kwargs):
        calls.append(1)
        gate.wait(5)
        return original(self, **kwargs)

    monkeypatch.setattr(LocalStore, "list", slow_list)
    window = make_window()
    window.refresh()
    window.refresh()  # while the first is still running
    window.refresh()  # coalesced with the second
    add_model(store, tmp_path, "late-arrival")
    finished: list[int] = []
    window.refresh_finished.connect(lambda: finished.append(1))
    gate.set()
    qtbot.waitUntil(lambda: len(finished) == 2 and not window.is_loading(), timeout=TIMEOUT_MS)
    assert len(calls) == 2
    assert listed_tags(window) == {str(m.tag) for m in store.list().models}


def test_refresh_is_on_f5(make_window):
    window = make_window()
    assert QKeySequence("F5") in window.refresh_action.shortcuts()


def test_geometry_and_columns_persist(qtbot, lookup_pool, settings, store):
    first = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(first)
    first.resize(777, 555)
    first.local_pane.view.horizontalHeader().resizeSection(0, 222)
    first.close()

    second = MainWindow(lookup_pool, settings=settings)
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (777, 555)
    assert second.local_pane.view.horizontalHeader().sectionSize(0) == 222


def test_demo_store_sizes_and_sort(qtbot, make_window, bentoml_home):
    make_demo_store(bentoml_home)
    window = make_window()
    load(qtbot, window)
    proxy = window.local_pane.proxy
    assert proxy.rowCount() == 6
    sizes = [proxy.index(row, COL_SIZE).data() for row in range(proxy.rowCount())]
    assert any(text.endswith("GiB") for text in sizes)

    window.local_pane.view.sortByColumn(COL_SIZE, Qt.SortOrder.DescendingOrder)
    items = [proxy.index(row, 0).data(ItemRole) for row in range(proxy.rowCount())]
    assert items[0].size_bytes > 15 * GIB
    assert [m.size_bytes for m in items] == sorted((m.size_bytes for m in items), reverse=True)


def test_problem_tooltip_is_capped_but_details_list_all(qtbot, make_window, store):
    for i in range(20):
        (store.models_dir / f"Broken_{i:02d}").mkdir(parents=True)
    window = make_window()
    load(qtbot, window)
    assert window.problems_button.text() == "20 broken entries"
    assert window.problems_button.toolTip().endswith("…and 5 more")

    window.problems_button.click()  # opens the dialog synchronously (window-modal)
    box = window.findChild(QMessageBox)
    assert box is not None
    assert len(box.detailedText().splitlines()) == 20
    box.close()


def test_a_first_listing_shows_rows_as_they_are_read(qtbot, make_window, store, monkeypatch):
    """A big store read for the first time fills the pane in steps, then once per refresh."""
    write_big_store(store.home, names=3, per_name=10)
    original = LocalStore.list
    monkeypatch.setattr(
        LocalStore, "list", lambda self, **kw: original(self, **kw, batch_seconds=0.0)
    )
    window = make_window()
    inserts: list[int] = []
    window.local_model.rowsInserted.connect(
        lambda _p, first, last: inserts.append(last - first + 1)
    )
    load(qtbot, window)
    assert window.local_model.rowCount() == 30
    assert len(inserts) > 1 and sum(inserts) == 30
    inserts.clear()
    load(qtbot, window)  # rows are shown: a refresh lands once, as a whole
    assert inserts == [] and window.local_model.rowCount() == 30
