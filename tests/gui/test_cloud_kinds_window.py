"""The window on a live registry holding a Hugging Face reference and a whole-digest model.

A reference must read as what it is and never be offered for a pull: not by
the Pull action, its menu item and key, nor a drag onto the Local pane; a
pull started some other way ends with the engine's message, not an error. A
model with too many files to list is verified as a whole, and the details
panel says so instead of showing an empty table.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent
from transfer_support import make_model
from window_support import (
    TIMEOUT_MS,
    Requests,
    add_model,
    add_reference,
    load_both,
    push,
    rows,
    select,
    sync_texts,
)

from bentosync.application.jobs import JobStatus
from bentosync.core.store import LocalStore
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui.models import cloud_models, transfer_format
from bentosync.gui.models.roles import ItemRole
from bentosync.gui.widgets import details_panel

COPY = Qt.DropAction.CopyAction
HF_ID, HF_REVISION = "meta-llama/Llama-3-8B", "abc123"


def drag_from_cloud(window, tags: set[str]):
    proxy = window.cloud_pane.proxy
    indexes = [
        proxy.index(row, 0)
        for row in range(proxy.rowCount())
        if proxy.index(row, 0).data(ItemRole).tag in tags
    ]
    return proxy.mimeData(indexes)


def enter(surface, data) -> QDragEnterEvent:
    event = QDragEnterEvent(
        QPoint(20, 20), COPY, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    surface.dragEnterEvent(event)
    return event


def test_a_reference_is_listed_for_what_it_is_and_cannot_be_pulled(qtbot, window, registry):
    tag = add_reference(registry, "llama-hf", HF_ID, HF_REVISION)
    load_both(qtbot, window)
    assert sync_texts(window, "cloud") == {tag: "Hugging Face reference"}
    model = window.cloud_model
    tooltip = model.index(0, cloud_models.COL_NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert f"{HF_ID} at revision {HF_REVISION}" in " ".join(tooltip.split())

    select(window.cloud_pane, {tag})
    details = window.details
    assert details.shown_tag() == tag
    assert details.files_stack.currentIndex() == details_panel.PAGE_NOTE
    assert f"Model: {HF_ID}" in details.files_note.body_label.text()

    pull = window.window_actions.pull
    assert not pull.isEnabled()
    assert pull.statusTip().startswith(f"Cannot pull {tag}: it is a reference to {HF_ID}")
    assert " ".join(pull.toolTip().split()) == pull.statusTip()
    menu = window.window_actions.context_menu("cloud", window)
    assert menu.toolTipsVisible() and pull in menu.actions()
    menu.deleteLater()
    assert window.window_actions.delete.isEnabled()  # deleting a reference is still the user's call

    requests = Requests(window)
    window.operations.pull([tag])  # whatever path asks: refused, and told why
    assert requests.items == []
    note = window.notifier.history[-1]
    assert (note.title, note.error) == ("Not pulled", True)
    assert note.message.startswith(f"Cannot pull {tag}: it is a reference to {HF_ID}")


def test_dragging_a_reference_onto_the_local_pane_is_refused_with_a_message(
    qtbot, window, registry, tmp_path
):
    tag = add_reference(registry, "llama-hf", HF_ID, HF_REVISION)
    other = tmp_path / "elsewhere"
    usable = add_model(other, "yolo-v8n", payload=b"y" * 5000)
    push(registry, other, str(usable.tag))
    load_both(qtbot, window)
    local = window.local_pane

    only_reference = drag_from_cloud(window, {tag})
    assert not local.proxy.canDropMimeData(only_reference, COPY, -1, -1, QModelIndex())
    # The empty store shows its message page; that is where the drop lands.
    assert not local.is_showing_table()
    page = local.message_page
    event = enter(page, only_reference)
    assert event.isAccepted() and event.dropAction() == Qt.DropAction.IgnoreAction
    assert page.banner.isVisible() and page.banner.refusing
    assert page.banner.text().startswith(f"Cannot pull {tag}: it is a reference to {HF_ID}")
    page.dragLeaveEvent(QDragLeaveEvent())
    assert not page.banner.isVisible()
    # The table refuses the same way.
    enter(local.view, only_reference)
    assert local.view.banner.refusing and HF_ID in local.view.banner.text()
    local.view.dragLeaveEvent(QDragLeaveEvent())

    requests = Requests(window)
    both = drag_from_cloud(window, {tag, str(usable.tag)})
    event = enter(page, both)
    assert event.dropAction() == COPY and not page.banner.refusing
    assert page.banner.text() == (
        "Pull 1 model to this computer (1 model cannot be pulled and will be left out)"
    )
    page.dragLeaveEvent(QDragLeaveEvent())
    assert local.proxy.dropMimeData(both, COPY, -1, -1, QModelIndex())
    assert requests.items == [("pull", str(usable.tag), False)]
    assert any(n.message.startswith(f"Cannot pull {tag}") for n in window.notifier.history)


def test_a_pull_of_a_reference_started_anyway_ends_with_the_engines_message(
    qtbot, window, registry
):
    tag = add_reference(registry, "llama-hf", HF_ID, HF_REVISION)
    load_both(qtbot, window)
    manager = window.transfers
    job_id = manager.pull("llama-hf")  # by name: the reference is its newest version
    qtbot.waitUntil(lambda: manager.snapshot(job_id).finished, timeout=TIMEOUT_MS)
    job = manager.snapshot(job_id)
    assert job.status is JobStatus.SKIPPED and job.error == ""
    assert job.message.startswith(f"{tag} is a reference to {HF_ID} at revision {HF_REVISION}")
    assert transfer_format.job_status_text(job) == f"Skipped: {job.message}"
    note = window.notifier.history[-1]
    assert (note.title, note.error) == ("Pull skipped", False)
    assert "Hugging Face Hub" in note.message
    assert LocalStore().list().models == []


def test_a_model_with_too_many_files_to_list_is_verified_as_a_whole(
    qtbot, window, registry, bentoml_home
):
    # 400 files with long names: their list is over the record's 64 KiB budget.
    files = {f"tokenizer/vocabulary-shard-{'x' * 80}-{n:04d}.json": 16 for n in range(400)}
    model = make_model(bentoml_home, "many-shards", files)
    tag = str(model.tag)
    push(registry, bentoml_home, tag)
    load_both(qtbot, window)
    record = window.catalog.cloud(tag)
    assert record.checksums is not None and record.file_list is None
    count = record.checksums.count
    size_tip = window.cloud_model.index(0, cloud_models.COL_SIZE).data(Qt.ItemDataRole.ToolTipRole)
    assert f"one sha256 over all {count:,} files" in size_tip

    select(window.cloud_pane, {tag})
    details = window.details
    assert details.files_stack.currentIndex() == details_panel.PAGE_NOTE
    assert details.files_note.title_label.text() == f"{count:,} files covered by one checksum"
    assert record.checksums.digest in details.files_note.body_label.text()

    window.cloud_pane.view.clearSelection()
    select(window.local_pane, {tag})
    qtbot.waitUntil(lambda: details.files_model.rowCount() == count, timeout=TIMEOUT_MS)
    assert details.files_stack.currentIndex() == details_panel.PAGE_FILES
    assert {row.checksum for row in details.files_model.rows()} == {ChecksumState.VERIFIED}
    assert "match the cloud copy as a whole" in details.files_status.text()
    assert window.catalog.sync(tag).verified
    assert sync_texts(window, "local")[tag] == "In sync"
    assert tag in rows(window.cloud_pane)
