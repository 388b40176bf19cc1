"""A push refused because the cloud record was made for other files, and the way out.

The engine never deletes a cloud version (``RecordConflict``); the window
offers "Delete from Cloud and Push Again…" on the failed transfer, which asks
through the delete dialog, deletes only once confirmed, then pushes. Checked
on hand-made jobs for the panel, through the engine for the error's kind,
and end to end against the live registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from transfer_support import Recorder, make_model, session_factory
from window_support import DialogCatcher, add_model, load_both, push, select, sync_texts

from bentosync.application.jobs import ERROR_RECORD_CONFLICT, JobStatus
from bentosync.application.settings import TransferSettings
from bentosync.core.cloud import CloudClient
from bentosync.core.errors import RecordConflict
from bentosync.core.filelist import Checksums
from bentosync.core.manifest import compute_file_list
from bentosync.core.session import Session
from bentosync.gui.dialogs.conflict_dialog import Choice, ConflictDialog
from bentosync.gui.dialogs.delete_dialog import DeleteDialog
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.models.transfer_format import describe_outcome
from bentosync.gui.models.transfers_model import COL_STATUS
from bentosync.gui.widgets.transfers_panel import TransfersPanel
from bentosync.gui.workers.transfer_manager import TransferManager

TIMEOUT_MS = 30_000
TOOLTIP = Qt.ItemDataRole.ToolTipRole
CONFLICT = (
    "The cloud record of m:v1 on http://x was made for other files (1 file differs "
    "(weights.bin)). … run `bentosync push m:v1 --recreate` …"
)


def conflicting_session() -> Session:
    raise RecordConflict(CONFLICT)


@pytest.fixture
def panel(qtbot, settings) -> Iterator[TransfersPanel]:
    manager = TransferManager(conflicting_session, TransferSettings(settings))
    widget = TransfersPanel(manager)
    qtbot.addWidget(widget)
    yield widget
    assert manager.shutdown(10_000)


def test_the_failed_push_offers_to_replace_and_says_how(qtbot, panel):
    manager = panel.manager
    assert not panel.replace_action.isVisible()
    job_id = manager.push("m:v1")
    qtbot.waitUntil(lambda: manager.snapshot(job_id).finished, timeout=TIMEOUT_MS)
    job = manager.snapshot(job_id)
    assert job.status is JobStatus.FAILED and job.error_kind == ERROR_RECORD_CONFLICT
    assert job.record_conflict and job.error == CONFLICT
    status = panel.model.index(0, COL_STATUS)
    assert status.data() == f"Failed: {CONFLICT}"
    assert status.data(TOOLTIP) == f"{CONFLICT}\n\n{fmt.replace_hint(job)}"
    assert fmt.REPLACE_ACTION in fmt.replace_hint(job)
    title, message, error = describe_outcome(job)
    assert title == "Push of m:v1 failed" and error
    assert message.startswith(CONFLICT) and fmt.REPLACE_ACTION in message

    # Shown once such a job is listed, in the toolbar and the context menu alike.
    assert panel.replace_action.isVisible() and panel.replace_action.isEnabled()
    assert panel.replace_action in panel.view.actions()
    assert panel.replace_action in panel.toolbar.actions()
    with qtbot.waitSignal(panel.replace_requested) as asked:
        panel.replace_action.trigger()
    assert asked.args[0].job_id == job_id

    pull = manager.pull("other:v1")  # fails too, for an unrelated reason
    qtbot.waitUntil(lambda: manager.snapshot(pull).finished, timeout=TIMEOUT_MS)
    assert not manager.snapshot(pull).record_conflict
    panel.select_job(pull)
    assert panel.replace_action.isVisible() and not panel.replace_action.isEnabled()
    panel.select_job(job_id)
    assert panel.replace_action.isEnabled()

    manager.clear_finished()
    assert not panel.replace_action.isVisible()


def test_the_kind_of_failure_comes_from_the_engine(qtbot, registry, tmp_path: Path, settings):
    home = tmp_path / "home"
    home.mkdir()
    model = make_model(home, "conflicted", {"weights.bin": 4096})
    tag = str(model.tag)
    push(registry, home, tag)
    (model.path / "weights.bin").write_bytes(b"retrained" * 100)
    manager = TransferManager(
        session_factory(registry.endpoint, registry.token, home), TransferSettings(settings)
    )
    try:
        recorder = Recorder(manager)
        done = recorder.wait(qtbot, manager.push(tag, force=True))
    finally:
        assert manager.shutdown(30_000)
    assert done.status is JobStatus.FAILED and done.record_conflict, done.error
    assert "was made for other files" in done.error
    assert registry.deletes() == []


def cloud_digest(registry, model) -> str:
    client = CloudClient(registry.endpoint, registry.token)
    try:
        record = client.get_model(model.name, model.version)
    finally:
        client.close()
    assert record.is_uploaded and record.checksums is not None
    return record.checksums.digest


def test_replace_deletes_only_when_confirmed_then_pushes_and_verifies(
    qtbot, window, registry, bentoml_home
):
    registry.expect_deletes()
    model = add_model(bentoml_home, "sentiment-clf", payload=b"w" * 20_000)
    tag = str(model.tag)
    push(registry, bentoml_home, tag)
    before = cloud_digest(registry, model)
    with open(model.path / "weights.bin", "ab") as handle:
        handle.write(b"retrained")
    load_both(qtbot, window)
    assert sync_texts(window, "local")[tag] == "Differs"

    # Push, and answer "Upload Again": the engine refuses, nothing is sent or deleted.
    catcher = DialogCatcher(window)
    select(window.local_pane, {tag})
    window.window_actions.push.trigger()
    question = catcher.wait(qtbot, ConflictDialog)
    assert question.overwrite_button.text() == "&Upload Again"  # a push never overwrites
    assert "offers to delete the cloud version" in question.body_label.text()
    question.choose(Choice.OVERWRITE, False)
    manager, panel = window.transfers, window.transfers_panel
    qtbot.waitUntil(lambda: [j.finished for j in manager.jobs()] == [True], timeout=TIMEOUT_MS)
    [failed] = manager.jobs()
    assert failed.status is JobStatus.FAILED and failed.record_conflict
    assert "was made for other files" in failed.error
    assert fmt.REPLACE_ACTION in panel.model.index(0, COL_STATUS).data(TOOLTIP)
    note = next(n for n in window.notifier.history if n.title == f"Push of {tag} failed")
    assert fmt.REPLACE_ACTION in note.message

    # The way out asks first; Cancel leaves the cloud exactly as it was.
    panel.select_job(failed.job_id)
    panel.replace_action.trigger()
    dialog = catcher.wait(qtbot, DeleteDialog)
    assert dialog.replace and dialog.tags() == [tag]
    assert "Bentos and deployments that use" in dialog.informativeText()
    assert "then push the copy on this computer again" in dialog.text()
    dialog.reject()
    qtbot.wait(300)
    assert registry.deletes() == []
    assert cloud_digest(registry, model) == before
    assert [j.job_id for j in manager.jobs()] == [failed.job_id]

    # Confirmed: deleted on a worker, then pushed again; the failed row makes way.
    panel.replace_action.trigger()
    dialog = catcher.wait(qtbot, DeleteDialog, count=2)
    dialog.confirm()
    qtbot.waitUntil(
        lambda: any(
            j.kind == "push" and j.finished and j.job_id != failed.job_id for j in manager.jobs()
        ),
        timeout=TIMEOUT_MS,
    )
    [pushed] = manager.jobs()
    assert pushed.status is JobStatus.DONE, pushed.error
    assert fmt.job_status_text(pushed) == "Done, verified"
    assert len(registry.deletes()) == 1
    local = Checksums.of(compute_file_list(model.path)).digest
    assert cloud_digest(registry, model) == local != before
    with qtbot.waitSignal(window.cloud_refresh_finished, timeout=TIMEOUT_MS):
        window.refresh_cloud()
    assert window.catalog.cloud(tag).is_uploaded


def test_a_push_skipped_over_other_files_offers_the_same_way_out(
    qtbot, registry, tmp_path, settings
):
    home = tmp_path / "home"
    home.mkdir()
    model = make_model(home, "skipped", {"weights.bin": 4096})
    tag = str(model.tag)
    push(registry, home, tag)
    (model.path / "weights.bin").write_bytes(b"retrained" * 100)

    factory = session_factory(registry.endpoint, registry.token, home)
    manager = TransferManager(factory, TransferSettings(settings))
    try:
        recorder = Recorder(manager)
        done = recorder.wait(qtbot, manager.push(tag))  # no force: skipped, not failed
    finally:
        assert manager.shutdown(30_000)
    assert done.status is JobStatus.SKIPPED and done.record_conflict
    assert fmt.REPLACE_ACTION in fmt.job_status_tooltip(done)
    title, message, error = describe_outcome(done)
    assert (title, error) == ("Push skipped", False) and fmt.REPLACE_ACTION in message
