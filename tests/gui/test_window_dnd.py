"""Drag and drop in the window, through the item models, down to the transfer requests."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QDragEnterEvent
from window_support import (
    TIMEOUT_MS,
    DialogCatcher,
    Requests,
    add_model,
    load_both,
    push,
    rows,
)

from bentosync.core.store import LocalStore
from bentosync.gui.dialogs.conflict_dialog import Choice, ConflictDialog
from bentosync.gui.dialogs.import_dialog import ImportDialog
from bentosync.gui.models import mime

COPY = Qt.DropAction.CopyAction


def drop(pane, data) -> bool:
    proxy = pane.proxy
    assert proxy.canDropMimeData(data, COPY, -1, -1, QModelIndex())
    return proxy.dropMimeData(data, COPY, -1, -1, QModelIndex())


def test_local_rows_dropped_on_the_cloud_pane_request_a_push(qtbot, window, bentoml_home):
    models = [add_model(bentoml_home, "a"), add_model(bentoml_home, "b")]
    load_both(qtbot, window)
    requests = Requests(window)
    tags = {str(m.tag) for m in models}
    data = window.local_pane.proxy.mimeData([window.local_pane.proxy.index(r, 0) for r in range(2)])
    assert set(mime.decode_models(data)[1]) == tags
    assert drop(window.cloud_pane, data)
    assert sorted(requests.items) == sorted(("push", tag, False) for tag in tags)
    # The same rows cannot be dropped back on their own pane, and no banner says otherwise.
    assert not window.local_pane.proxy.canDropMimeData(data, COPY, -1, -1, QModelIndex())
    view = window.local_pane.view
    view.dragEnterEvent(
        QDragEnterEvent(
            QPoint(10, 10), COPY, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    )
    assert not view.banner.isVisible()


def test_cloud_rows_dropped_on_the_local_pane_request_a_pull(qtbot, window, registry, tmp_path):
    other = tmp_path / "other-home"
    model = add_model(other, "yolo-v8n")
    push(registry, other, str(model.tag))
    load_both(qtbot, window)
    requests = Requests(window)
    proxy = window.cloud_pane.proxy
    data = proxy.mimeData([proxy.index(0, 0), proxy.index(0, 3)])
    assert drop(window.local_pane, data)
    assert requests.items == [("pull", str(model.tag), False)]


def test_pushing_a_version_the_cloud_has_asks_first(qtbot, window, bentoml_home, registry):
    there = [add_model(bentoml_home, name) for name in ("a", "b")]
    new = add_model(bentoml_home, "c")
    for model in there:
        push(registry, bentoml_home, str(model.tag))
    load_both(qtbot, window)
    requests = Requests(window)
    catcher = DialogCatcher(window)
    window.operations.push([str(m.tag) for m in (*there, new)])

    first = catcher.wait(qtbot, ConflictDialog)
    assert first.tag == str(there[0].tag)
    assert "already in the cloud" in first.title_label.text()
    assert "In sync" in first.body_label.text()  # says how the copies compare
    assert first.apply_all.isVisibleTo(first)  # one more conflict to come
    first.choose(Choice.OVERWRITE, apply_to_all=True)
    qtbot.waitUntil(lambda: len(requests.items) == 3, timeout=TIMEOUT_MS)
    assert requests.items == [
        ("push", str(there[0].tag), True),
        ("push", str(there[1].tag), True),
        ("push", str(new.tag), False),
    ]
    assert len([d for d in catcher.dialogs if isinstance(d, ConflictDialog)]) == 1


def test_pulling_a_version_already_here_can_be_skipped(qtbot, window, bentoml_home, registry):
    model = add_model(bentoml_home, "a")
    push(registry, bentoml_home, str(model.tag))
    load_both(qtbot, window)
    requests = Requests(window)
    catcher = DialogCatcher(window)
    proxy = window.cloud_pane.proxy
    assert drop(window.local_pane, proxy.mimeData([proxy.index(0, 0)]))
    dialog = catcher.wait(qtbot, ConflictDialog)
    assert "already on this computer" in dialog.title_label.text()
    assert not dialog.apply_all.isVisibleTo(dialog)
    dialog.choose(Choice.SKIP)
    qtbot.wait(50)
    assert requests.items == []
    assert "skipped" in window.notifier.history[-1].title


def test_a_folder_dropped_on_the_local_pane_becomes_a_model(qtbot, window, tmp_path):
    load_both(qtbot, window)
    folder = tmp_path / "My Fine-Tuned BERT"
    (folder / "tokenizer").mkdir(parents=True)
    (folder / "weights.safetensors").write_bytes(b"\x01" * 4096)
    (folder / "tokenizer" / "vocab.txt").write_text("hello\nworld\n")
    catcher = DialogCatcher(window)
    requests = Requests(window)

    assert drop(window.local_pane, mime.encode_folders([folder]))
    dialog = catcher.wait(qtbot, ImportDialog)
    assert dialog.name_edit.text() == "my-fine-tuned-bert"
    assert not dialog.push_box.isChecked()
    dialog.set_values("Bad Name!", "team=nlp")
    assert not dialog.ok_button.isEnabled()
    dialog.set_values("bert-ner", "team=nlp\nstage=dev")
    with qtbot.waitSignal(window.operations.imported, timeout=TIMEOUT_MS) as imported:
        dialog.accept()
    made = imported.args[0]
    listed = {str(m.tag): m for m in LocalStore().list().models}
    assert str(made.tag) in listed
    assert listed[str(made.tag)].labels == {"team": "nlp", "stage": "dev"}
    assert listed[str(made.tag)].file_count == 3  # two files and the model.yaml
    qtbot.waitUntil(lambda: str(made.tag) in rows(window.local_pane), timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: [str(m.tag) for m in window.local_pane.selected_records()] == [str(made.tag)],
        timeout=TIMEOUT_MS,
    )
    assert requests.items == []
    assert folder.is_dir()  # copied, never moved


def test_a_folder_dropped_on_the_cloud_pane_is_imported_then_pushed(qtbot, window, tmp_path):
    load_both(qtbot, window)
    folder = tmp_path / "weights"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"\x02" * 100)
    catcher = DialogCatcher(window)
    requests = Requests(window)
    assert drop(window.cloud_pane, mime.encode_folders([folder]))
    dialog = catcher.wait(qtbot, ImportDialog)
    assert dialog.push_box.isChecked()
    assert "the local registry on this computer" in dialog.push_box.text()
    with qtbot.waitSignal(window.operations.imported, timeout=TIMEOUT_MS) as imported:
        dialog.accept()
    qtbot.waitUntil(lambda: bool(requests.items), timeout=TIMEOUT_MS)
    assert requests.items == [("push", str(imported.args[0].tag), False)]


def test_a_cancelled_import_changes_nothing(qtbot, window, tmp_path):
    load_both(qtbot, window)
    folder = tmp_path / "weights"
    folder.mkdir()
    catcher = DialogCatcher(window)
    assert drop(window.local_pane, mime.encode_folders([folder, folder]))
    first = catcher.wait(qtbot, ImportDialog)
    first.reject()
    second = catcher.wait(qtbot, ImportDialog, count=2)  # one dialog per folder, in turn
    second.reject()
    assert LocalStore().list().models == []


@pytest.mark.chrome
def test_every_drag_action_is_also_a_button_a_menu_item_and_a_key(window):
    acts = window.window_actions
    for action in (acts.push, acts.pull, acts.import_folder, acts.refresh, acts.verify):
        assert not action.shortcut().isEmpty(), action.text()
        assert action in window.toolbar.actions(), action.text()
    menu_actions = {a for menu in window.menus.values() for a in menu.actions()}
    assert {
        acts.push,
        acts.pull,
        acts.verify,
        acts.delete,
        acts.cancel,
        acts.import_folder,
    } <= menu_actions
    local_menu = acts.context_menu("local", window).actions()
    cloud_menu = acts.context_menu("cloud", window).actions()
    assert acts.push in local_menu and acts.pull not in local_menu
    assert acts.pull in cloud_menu and acts.push not in cloud_menu
    assert acts.delete in local_menu and acts.delete in cloud_menu
