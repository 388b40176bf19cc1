"""The window against a live registry: the Cloud pane, sync states, details, delete."""

from __future__ import annotations

import threading

import pytest
from window_support import (
    TIMEOUT_MS,
    DialogCatcher,
    add_model,
    fail_upload,
    load_both,
    push,
    push_altered,
    rows,
    select,
    sync_texts,
)

from bentosync.application.cloud_target import CloudTarget
from bentosync.application.errors import RegistryStartFailed
from bentosync.core.cloud import CloudClient
from bentosync.core.store import LocalStore
from bentosync.core.sync_state import SyncState
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui.dialogs.delete_dialog import DeleteDialog
from bentosync.gui.main_window import MainWindow


@pytest.fixture
def logged_in(registry, monkeypatch):
    """The test registry as the current login (the official environment variables)."""
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", registry.token)
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", registry.endpoint)
    return registry


@pytest.fixture
def make_window(qtbot, lookup_pool, settings, bentoml_home):
    def make(**kwargs) -> MainWindow:
        window = MainWindow(lookup_pool, settings=settings, **kwargs)
        qtbot.addWidget(window)
        window.show()
        return window

    return make


@pytest.fixture
def four_states(logged_in, bentoml_home, tmp_path):
    """One model in each sync state, plus a failed upload; returns their tags."""
    synced = add_model(bentoml_home, "sentiment-clf", labels={"team": "nlp"})
    push(logged_in, bentoml_home, str(synced.tag))
    local_only = add_model(bentoml_home, "llama-tokenizer")
    differs = add_model(bentoml_home, "resnet50")
    push_altered(logged_in, differs, tmp_path)
    other_home = tmp_path / "elsewhere"
    cloud_only = add_model(other_home, "yolo-v8n", payload=b"y" * 3000)
    push(logged_in, other_home, str(cloud_only.tag))
    failed = add_model(other_home, "ocr-trocr")
    fail_upload(logged_in, failed)
    return {
        "in_sync": str(synced.tag),
        "local_only": str(local_only.tag),
        "differs": str(differs.tag),
        "cloud_only": str(cloud_only.tag),
        "failed": str(failed.tag),
    }


def test_cloud_pane_lists_pushed_models_and_names_the_account(qtbot, make_window, four_states):
    window = make_window()
    load_both(qtbot, window)
    cloud = rows(window.cloud_pane)
    assert set(cloud) == {
        four_states["in_sync"],
        four_states["differs"],
        four_states["cloud_only"],
        four_states["failed"],
    }
    assert cloud[four_states["in_sync"]].labels == {"team": "nlp"}
    assert window.cloud_pane.is_showing_table()
    header = window.cloud_pane.subtitle_label.text()
    assert header.endswith(f" on {window.connection.target.endpoint}")
    assert window.window_actions.push.isEnabled() is False  # nothing selected yet


def test_sync_states_on_both_sides(qtbot, make_window, four_states):
    window = make_window()
    load_both(qtbot, window)
    local = sync_texts(window, "local")
    cloud = sync_texts(window, "cloud")
    assert local == {
        four_states["in_sync"]: "In sync",
        four_states["local_only"]: "Local only",
        four_states["differs"]: "Differs",
    }
    assert cloud[four_states["in_sync"]] == "In sync"
    assert cloud[four_states["differs"]] == "Differs"
    assert cloud[four_states["cloud_only"]] == "Cloud only"
    assert cloud[four_states["failed"]] == "Upload failed"
    assert window.catalog.sync(four_states["cloud_only"]).state is SyncState.CLOUD_ONLY


def test_details_hash_local_files_against_the_cloud_list(qtbot, make_window, four_states):
    window = make_window()
    load_both(qtbot, window)
    select(window.local_pane, {four_states["in_sync"]})
    details = window.details
    assert details.shown_tag() == four_states["in_sync"]
    qtbot.waitUntil(lambda: details.files_model.rowCount() == 3, timeout=TIMEOUT_MS)
    states = {row.path: row.checksum for row in details.files_model.rows()}
    assert states == dict.fromkeys(
        ["config.json", "model.yaml", "weights.bin"], ChecksumState.VERIFIED
    )
    assert "match the cloud copy" in details.files_status.text()
    # The hashed list upgrades the verdict to a checksum comparison.
    assert window.catalog.sync(four_states["in_sync"]).verified

    select(window.local_pane, {four_states["differs"]})
    qtbot.waitUntil(lambda: details.files_model.rowCount() == 3, timeout=TIMEOUT_MS)
    bad = {row.path for row in details.files_model.rows() if row.checksum is ChecksumState.MISMATCH}
    assert bad == {"weights.bin"}


def test_details_of_a_cloud_model_come_from_the_server_list(qtbot, make_window, four_states):
    window = make_window()
    load_both(qtbot, window)
    select(window.cloud_pane, {four_states["cloud_only"]})
    details = window.details
    assert details.shown_tag() == four_states["cloud_only"]
    files = {row.path: row.size for row in details.files_model.rows()}
    assert files["weights.bin"] == 3000
    assert all(row.sha256 and len(row.sha256) == 64 for row in details.files_model.rows())
    assert window.window_actions.pull.isEnabled()
    assert window.window_actions.delete.text() == "&Delete from Cloud…"


def test_delete_from_the_cloud_says_what_goes_then_deletes(
    qtbot, make_window, four_states, logged_in
):
    logged_in.expect_deletes()
    window = make_window()
    load_both(qtbot, window)
    catcher = DialogCatcher(window)
    tag = four_states["cloud_only"]
    select(window.cloud_pane, {tag})
    window.window_actions.delete.trigger()
    dialog = catcher.wait(qtbot, DeleteDialog)
    assert tag in dialog.text() and "3 files" in dialog.text()
    assert logged_in.endpoint in dialog.text() or logged_in.endpoint in dialog.toolTip()
    assert "for everyone" in dialog.informativeText()
    with qtbot.waitSignal(window.cloud_refresh_finished, timeout=TIMEOUT_MS):
        dialog.confirm()
    assert tag not in rows(window.cloud_pane)
    client = CloudClient(logged_in.endpoint, logged_in.token)
    assert tag not in {m.tag for m in client.iter_all_models()}


def test_delete_locally_names_size_files_and_folder(qtbot, make_window, four_states):
    window = make_window()
    load_both(qtbot, window)
    catcher = DialogCatcher(window)
    tag = four_states["local_only"]
    model = LocalStore().get(tag)
    select(window.local_pane, {tag})
    window.window_actions.delete.trigger()
    dialog = catcher.wait(qtbot, DeleteDialog)
    assert dialog.windowTitle() == "Delete from this computer"
    assert f"{tag} (" in dialog.text() and "3 files" in dialog.text()
    assert str(model.path) in dialog.toolTip()
    dialog.reject()  # Cancel changes nothing
    assert LocalStore().exists(tag)

    window.window_actions.delete.trigger()
    dialog = catcher.wait(qtbot, DeleteDialog, count=2)
    with qtbot.waitSignal(window.refresh_finished, timeout=TIMEOUT_MS):
        dialog.confirm()
    assert not LocalStore().exists(tag)
    assert tag not in rows(window.local_pane)


def test_without_a_login_the_cloud_pane_says_how_to_get_one(qtbot, make_window):
    window = make_window()
    load_both(qtbot, window)
    pane = window.cloud_pane
    assert pane.message_title.text() == "Not logged in"
    assert "bentosync login" in pane.message_body.text()
    assert pane.subtitle_label.text() == "Not logged in"
    assert not window.window_actions.push.isEnabled()


def test_a_registry_that_failed_to_start_is_explained(qtbot, make_window):
    def resolver() -> CloudTarget:
        raise RegistryStartFailed(
            "The local registry did not start (it exited with status 1).\nOSError: address in use"
        )

    window = make_window(resolver=resolver)
    load_both(qtbot, window)
    pane = window.cloud_pane
    assert pane.message_title.text() == "The local registry did not start"
    assert "address in use" in pane.message_body.text()
    assert "not running" in pane.subtitle_label.text()


def test_an_embedded_target_is_labelled_and_invites_drops(qtbot, make_window, registry):
    target = CloudTarget(
        registry.endpoint, registry.token, "Local registry (this computer)", embedded=True
    )
    window = make_window(resolver=lambda: target)
    load_both(qtbot, window)
    pane = window.cloud_pane
    assert pane.subtitle_label.text() == "Local registry (this computer)"
    assert pane.message_title.text() == "No models in the local registry yet"
    assert "Drag models here" in pane.message_body.text()


def test_reconnect_switches_the_cloud_pane(qtbot, make_window, registry_factory, bentoml_home):
    first, second = registry_factory(), registry_factory()
    model = add_model(bentoml_home, "only-on-second")
    push(second, bentoml_home, str(model.tag))
    targets = [
        CloudTarget(first.endpoint, first.token, "Local registry (this computer)", embedded=True),
        CloudTarget(second.endpoint, second.token, "alice@example.com on second"),
    ]
    window = make_window(resolver=lambda: targets[0])
    load_both(qtbot, window)
    assert rows(window.cloud_pane) == {}
    targets.pop(0)  # as if the user logged in
    with qtbot.waitSignal(window.cloud_refresh_finished, timeout=TIMEOUT_MS):
        window.reconnect()
    assert set(rows(window.cloud_pane)) == {str(model.tag)}
    assert window.connection.target.endpoint == second.endpoint


def test_a_server_that_cannot_say_who_we_are_keeps_the_saved_label(
    qtbot, make_window, registry, monkeypatch
):
    from bentosync.core.cloud import CloudClient, NotFound

    def no_user(self):
        raise NotFound("no /auth/current here")

    monkeypatch.setattr(CloudClient, "current_user", no_user)
    target = CloudTarget(registry.endpoint, registry.token, "work on https://yatai.example")
    window = make_window(resolver=lambda: target)
    load_both(qtbot, window)
    assert window.cloud_pane.subtitle_label.text() == "work on https://yatai.example"
    assert window.cloud_pane.message_title.text().startswith("No models on ")


def test_a_refresh_whose_cloud_side_lands_first_still_finishes(qtbot, window, monkeypatch):
    """The cloud page and its look-ups are in before the local listing ends, and the
    store has no new names to look up: the cloud refresh must still be reported done
    (a race that stalled window tests now and then)."""
    load_both(qtbot, window)
    cloud_landed = threading.Event()
    window.connection.listing_loaded.connect(lambda *_: cloud_landed.set())
    store = window.listing._store
    real_list = store.list

    def list_after_the_cloud(*args, **kwargs):
        assert cloud_landed.wait(20), "the cloud page never landed"
        return real_list(*args, **kwargs)

    monkeypatch.setattr(store, "list", list_after_the_cloud)
    with qtbot.waitSignals(
        [window.refresh_finished, window.cloud_refresh_finished], timeout=20_000
    ):
        window.refresh()
    assert cloud_landed.is_set()
