"""The window with its transfer manager: drops and buttons start real jobs on a live registry."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from window_support import TIMEOUT_MS, add_model, load_both, push, rows, select, sync_texts

from bentosync.application.jobs import JobStatus
from bentosync.core.store import LocalStore
from bentosync.gui.models.transfer_format import describe_outcome

COPY = Qt.DropAction.CopyAction


def finished_jobs(window, qtbot, count: int):
    manager = window.transfers
    qtbot.waitUntil(
        lambda: len(manager.jobs()) >= count and all(j.finished for j in manager.jobs()),
        timeout=TIMEOUT_MS,
    )
    return manager.jobs()


def test_a_drop_on_the_cloud_pane_pushes_and_the_pane_catches_up(qtbot, window, bentoml_home):
    model = add_model(bentoml_home, "sentiment-clf", payload=b"x" * 200_000)
    load_both(qtbot, window)
    assert window.transfers_panel.parent() is window.bottom_splitter
    proxy = window.local_pane.proxy
    data = proxy.mimeData([proxy.index(0, 0)])
    with qtbot.waitSignal(window.cloud_refresh_finished, timeout=TIMEOUT_MS):
        assert window.cloud_pane.proxy.dropMimeData(data, COPY, -1, -1, QModelIndex())
        [job] = finished_jobs(window, qtbot, 1)
    assert (job.kind, job.status) == ("push", JobStatus.DONE)
    assert str(model.tag) in rows(window.cloud_pane)
    assert sync_texts(window, "local")[str(model.tag)] == "In sync"
    note = window.notifier.history[-1]
    assert note.title == "Push finished" and not note.error
    assert str(model.tag) in note.message


def test_pull_button_installs_the_model_here(qtbot, window, registry, tmp_path):
    other = tmp_path / "elsewhere"
    model = add_model(other, "yolo-v8n", payload=b"y" * 50_000)
    push(registry, other, str(model.tag))
    load_both(qtbot, window)
    select(window.cloud_pane, {str(model.tag)})
    assert window.window_actions.pull.isEnabled()
    with qtbot.waitSignal(window.refresh_finished, timeout=TIMEOUT_MS):
        window.window_actions.pull.trigger()
        finished_jobs(window, qtbot, 1)
    assert LocalStore().exists(str(model.tag))
    assert str(model.tag) in rows(window.local_pane)
    assert window.notifier.history[-1].title == "Pull finished"


def test_a_failed_job_is_notified_as_an_error(qtbot, window, bentoml_home):
    load_both(qtbot, window)
    window.operations.pull(["no-such-model:v1"])
    [job] = finished_jobs(window, qtbot, 1)
    assert job.status is JobStatus.FAILED
    note = window.notifier.history[-1]
    assert note.error and note.title == "Pull of no-such-model:v1 failed"


def test_verify_runs_against_the_cloud_list(qtbot, window, bentoml_home, registry):
    model = add_model(bentoml_home, "a")
    push(registry, bentoml_home, str(model.tag))
    load_both(qtbot, window)
    select(window.local_pane, {str(model.tag)})
    assert window.window_actions.verify.isEnabled()
    window.window_actions.verify.trigger()
    [job] = finished_jobs(window, qtbot, 1)
    assert (job.kind, job.status) == ("verify", JobStatus.DONE)


def test_cancel_stops_running_jobs_and_is_enabled_only_then(
    qtbot, window, bentoml_home, monkeypatch
):
    import threading

    from bentosync.core.transfer import push as push_module

    gate = threading.Event()
    original = push_module.Pusher._await_hashes

    def held(self, hashing):
        gate.wait(10)
        if self.cancel.is_set():
            from bentosync.core.errors import Cancelled

            raise Cancelled("cancelled")
        return original(self, hashing)

    monkeypatch.setattr(push_module.Pusher, "_await_hashes", held)
    model = add_model(bentoml_home, "a")
    load_both(qtbot, window)
    assert not window.window_actions.cancel.isEnabled()
    window.operations.push([str(model.tag)])
    qtbot.waitUntil(window.window_actions.cancel.isEnabled, timeout=TIMEOUT_MS)
    window.window_actions.cancel.trigger()
    gate.set()
    [job] = finished_jobs(window, qtbot, 1)
    assert job.status is JobStatus.CANCELLED
    assert not window.window_actions.cancel.isEnabled()
    assert window.notifier.history[-1].title == "Push cancelled"


def test_outcome_wording():
    from types import SimpleNamespace

    snap = SimpleNamespace(
        kind="push",
        status=JobStatus.SKIPPED,
        message="a:1 is already there",
        tag="a:1",
        error="",
        record_conflict=False,
        phrase=None,  # free text, shown as it came
    )
    assert describe_outcome(snap) == ("Push skipped", "a:1 is already there", False)


@pytest.mark.chrome
def test_no_key_fires_two_actions(window):
    """Qt triggers neither action when two active ones share a key."""
    from collections import Counter

    from PySide6.QtGui import QAction

    def keys(actions):
        return [seq.toString() for a in actions for seq in a.shortcuts()]

    everywhere = [
        a
        for a in window.findChildren(QAction)
        if a.shortcutContext()
        in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut)
        and not a.shortcut().isEmpty()
    ]
    counts = Counter(keys(everywhere))
    assert [k for k, n in counts.items() if n > 1] == []
    panel = window.transfers_panel
    panel_keys = set(keys([panel.cancel_action, panel.retry_action, panel.clear_action]))
    assert panel_keys.isdisjoint(counts)
    assert (
        window.window_actions.delete.shortcutContext()
        == Qt.ShortcutContext.WidgetWithChildrenShortcut
    )


@pytest.mark.chrome
def test_delete_key_in_a_pane_asks_to_delete(qtbot, window, bentoml_home):
    from PySide6.QtTest import QTest
    from window_support import DialogCatcher

    from bentosync.gui.dialogs.delete_dialog import DeleteDialog

    model = add_model(bentoml_home, "a")
    load_both(qtbot, window)
    catcher = DialogCatcher(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TIMEOUT_MS)
    select(window.local_pane, {str(model.tag)})
    window.local_pane.view.setFocus()
    QTest.keyClick(window.local_pane.view, Qt.Key.Key_Delete)
    dialog = catcher.wait(qtbot, DeleteDialog)
    assert dialog.tags() == [str(model.tag)]
    dialog.reject()
