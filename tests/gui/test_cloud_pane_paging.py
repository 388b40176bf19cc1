"""The Cloud pane pages through a big registry, filters on the server, and still knows
the exact verdict of every local version.

The registry's rows are written in bulk (``support.big_listing``): 350
versions of 7 names, and the local store holds 100 of them (2 names), most of
which are beyond the first page. The pane shows one page, fetches the next
when its view reaches the end, sends its filter as ``q``, and the Local pane's
verdicts come from looking up the local names, not from listing everything.
"""

from __future__ import annotations

import logging

import pytest
from window_support import TIMEOUT_MS, load_both, rows, sync_texts

from bentosync.application.cloud_target import CloudTarget
from bentosync.gui.cloud_connection import PAGE_SIZE
from bentosync.gui.main_window import MainWindow
from support.big_listing import big_versions, populate_registry, write_big_store

NAMES, PER_NAME = 7, 50
EVERY_TAG = {v.tag for v in big_versions(NAMES, PER_NAME)}


@pytest.fixture
def big_registry(registry_factory, tmp_path_factory):
    data = tmp_path_factory.mktemp("big-registry") / "data"
    populate_registry(data, names=NAMES, per_name=PER_NAME)
    return registry_factory(data_dir=data)


@pytest.fixture
def window(qtbot, lookup_pool, settings, bentoml_home, big_registry) -> MainWindow:
    target = CloudTarget(big_registry.endpoint, big_registry.token, "big", embedded=True)
    win = MainWindow(lookup_pool, settings=settings, resolver=lambda: target)
    qtbot.addWidget(win)
    win.resize(1200, 700)
    win.show()
    return win


def scroll_to_end(qtbot, window: MainWindow) -> None:
    model = window.cloud_model
    before = model.rowCount()
    window.cloud_pane.view.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() > before, timeout=TIMEOUT_MS)


def test_one_page_first_then_more_as_the_view_reaches_the_end(qtbot, window):
    load_both(qtbot, window)
    model, pane = window.cloud_model, window.cloud_pane
    assert model.rowCount() == PAGE_SIZE and model.total_count() == NAMES * PER_NAME
    assert pane.count_label.text() == f"{PAGE_SIZE} of {NAMES * PER_NAME} models"
    assert model.canFetchMore()
    while model.canFetchMore():
        scroll_to_end(qtbot, window)
    assert set(rows(pane)) == EVERY_TAG
    assert pane.count_label.text() == f"{NAMES * PER_NAME} models"


def test_the_filter_box_asks_the_server(qtbot, window):
    load_both(qtbot, window)
    model, pane = window.cloud_model, window.cloud_pane
    scroll_to_end(qtbot, window)
    pane.filter_edit.setText("model-0005")  # not one of its versions is loaded yet
    qtbot.waitUntil(lambda: pane.query() == "model-0005", timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: {tag.split(":")[0] for tag in rows(pane)} == {"model-0005"}, timeout=TIMEOUT_MS
    )
    assert model.rowCount() == PER_NAME and not model.canFetchMore()
    assert pane.count_label.text() == f"{PER_NAME} matching models"
    assert pane.view.verticalScrollBar().value() == 0  # the new answer from its top

    pane.filter_edit.setText("model-0005 label:team=nlp")
    pane.send_query_now()
    qtbot.waitUntil(lambda: 0 < model.rowCount() < PER_NAME, timeout=TIMEOUT_MS)
    assert {r.labels["team"] for r in rows(pane).values()} == {"nlp"}

    pane.filter_edit.setText("no-such-model")
    pane.send_query_now()
    qtbot.waitUntil(
        lambda: pane.message_title.text().startswith("No models match"), timeout=TIMEOUT_MS
    )
    assert not pane.is_showing_table()

    pane.filter_edit.clear()
    pane.send_query_now()
    qtbot.waitUntil(lambda: model.rowCount() == PAGE_SIZE, timeout=TIMEOUT_MS)
    assert model.total_count() == NAMES * PER_NAME


def test_a_page_of_an_older_query_is_dropped(qtbot, window, caplog):
    caplog.set_level(logging.DEBUG, logger="bentosync.gui.cloud_connection")
    load_both(qtbot, window)
    pane, connection = window.cloud_pane, window.connection
    connection.fetch_more()  # queued first, answers after the query changed
    pane.filter_edit.setText("model-0002")
    pane.send_query_now()
    qtbot.waitUntil(lambda: connection.query == "model-0002", timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.cloud_model.rowCount() == PER_NAME, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "Dropped a page of an older listing" in caplog.text, timeout=5000)
    assert {tag.split(":")[0] for tag in rows(pane)} == {"model-0002"}


def test_every_local_version_has_its_exact_verdict(qtbot, window, bentoml_home, big_registry):
    local_tags = set(write_big_store(bentoml_home, names=2, per_name=PER_NAME))
    load_both(qtbot, window)
    shown = set(rows(window.cloud_pane))
    assert len(local_tags - shown) > PER_NAME  # most local versions are not loaded
    local = sync_texts(window, "local")
    assert local == dict.fromkeys(local_tags, "In sync")
    beyond = sorted(local_tags - shown)[0]
    assert window.catalog.cloud(beyond) is not None
    assert window.window_actions.verify.isEnabled() is False  # nothing selected
    cloud = sync_texts(window, "cloud")
    assert {cloud[t] for t in shown & local_tags} == {"In sync"}
    assert {cloud[t] for t in shown - local_tags} == {"Cloud only"}
    # The look-ups asked for the two local names only, one list call each.
    log = big_registry.log_text().splitlines()
    asked = [line for line in log if '"GET /api/v1/model_repositories/' in line]
    assert len(asked) == 2, asked
