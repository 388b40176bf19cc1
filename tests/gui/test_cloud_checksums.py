"""What the window says about a cloud record's checksums, and about Hugging Face references.

Display only, on records built in memory (``cloud_records``): the Cloud
pane's cells, the details panel for each kind of record, the file table, and
the words the conflict and delete dialogs use.
"""

from __future__ import annotations

import pytest
from cloud_records import HF_ID, HF_REVISION, LISTED_FILES, bare, listed, many_files, reference
from cloud_records import whole as whole_record
from gui_records import NOW
from gui_records import make_model as make_local
from PySide6.QtCore import Qt

from bentosync.core.filelist import FileEntry
from bentosync.core.sync_state import compute_sync_states
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui.dialogs.delete_dialog import CLOUD, DeleteDialog, DeletionItem
from bentosync.gui.models import cloud_describe
from bentosync.gui.models.cloud_models import (
    COL_NAME,
    COL_SIZE,
    COL_SYNC,
    CloudModelTableModel,
)
from bentosync.gui.models.files_model import FileListModel, compare_whole
from bentosync.gui.models.roles import FilterRole, ItemRole, SortRole
from bentosync.gui.widgets import details_panel as panel_module
from bentosync.gui.widgets.details_panel import DetailsPanel

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
DECORATION = Qt.ItemDataRole.DecorationRole
V, M, U = ChecksumState.VERIFIED, ChecksumState.MISMATCH, ChecksumState.UNVERIFIED


def flat(text: str) -> str:
    """Tooltips are wrapped for the screen; compare their words."""
    return " ".join(text.split())


def four_kinds():
    return [listed(checked=True), whole_record(), bare(), reference()]


@pytest.fixture
def table(qapp):
    model = CloudModelTableModel(now=lambda: NOW)
    model.set_models(four_kinds())
    yield model
    model.deleteLater()


def cell(table: CloudModelTableModel, name: str, column: int, role=DISPLAY):
    for row in range(table.rowCount()):
        if table.index(row, 0).data(ItemRole).name == name:
            return table.index(row, column).data(role)
    raise KeyError(name)


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_the_cloud_table_with_every_kind_passes_the_model_tester(table, qtmodeltester, force_py):
    table.set_sync_states(compute_sync_states([], four_kinds()))
    qtmodeltester.check(table, force_py=force_py)


def test_size_tooltips_say_which_checksums_the_record_keeps(table):
    assert cell(table, "listed", COL_SIZE, TOOLTIP).startswith("1,014 bytes, 3 files\n")
    assert flat(cell(table, "listed", COL_SIZE, TOOLTIP)) == (
        "1,014 bytes, 3 files Checksums: the sha256 of each of its 3 files, checked by the "
        "server against the uploaded archive."
    )
    whole = flat(cell(table, "whole", COL_SIZE, TOOLTIP))
    assert whole.startswith("30,000 bytes, 3,000 files Checksums: ")
    assert "one sha256 over all 3,000 files" in whole
    assert "single files cannot be compared" in whole
    unverified = flat(cell(table, "bare", COL_SIZE, TOOLTIP))
    assert unverified.startswith("1,014 bytes, number of files not recorded No checksums: ")
    assert "No checksums" in unverified and "unverified" in unverified
    recorded = listed("recorded", checked=False)
    assert "this server does not check uploads" in flat(cloud_describe.size_tooltip(recorded))


def test_a_hugging_face_reference_reads_as_what_it_is(table):
    table.set_sync_states(compute_sync_states([], four_kinds()))
    assert cell(table, "llama-hf", COL_SYNC) == "Hugging Face reference"
    assert not cell(table, "llama-hf", COL_SYNC, DECORATION).isNull()
    why = cell(table, "llama-hf", COL_SYNC, TOOLTIP)
    assert max(len(line) for line in why.splitlines()) <= 90  # wrapped for the screen
    why = flat(why)
    assert f"{HF_ID} at revision {HF_REVISION}" in why
    assert "no files to pull" in why and "pending" not in why
    assert HF_ID in flat(cell(table, "llama-hf", COL_NAME, TOOLTIP))
    assert cell(table, "llama-hf", COL_SIZE) == "—"
    assert "Hugging Face Hub" in cell(table, "llama-hf", COL_SIZE, TOOLTIP)
    assert "hugging face reference" in cell(table, "llama-hf", COL_NAME, FilterRole)
    # Sorting by Sync puts broken uploads first; a reference is not one of them.
    failed = listed("broken", status="failed")
    table.set_models([*four_kinds(), failed])
    assert cell(table, "broken", COL_SYNC, SortRole) < cell(table, "llama-hf", COL_SYNC, SortRole)
    assert cell(table, "llama-hf", COL_SYNC, SortRole)[0] > 0


def test_pull_refusals_name_the_reason():
    assert cloud_describe.pull_refusal(listed()) == ""
    assert cloud_describe.pull_refusal(None) == ""
    hf = cloud_describe.pull_refusal(reference())
    assert hf.startswith("Cannot pull llama-hf:v1: it is a reference to meta-llama/Llama-3-8B")
    failed = cloud_describe.pull_refusal(listed("x", status="failed"))
    assert failed == "Cannot pull x:v1: its upload is failed. Push it again first."


def test_dialog_lines_distinguish_the_three_kinds_and_references():
    assert cloud_describe.summary_line(listed()) == "1014 Bytes, 3 files, sha256 of each file"
    assert cloud_describe.summary_line(whole_record()) == (
        "29.3 KiB, 3,000 files, one sha256 for the whole model, single files cannot be compared"
    )
    assert cloud_describe.summary_line(bare()) == (
        "1014 Bytes, number of files not recorded, no checksums, files unverified"
    )
    assert cloud_describe.summary_line(reference()) == (
        f"a Hugging Face reference to {HF_ID} at revision {HF_REVISION}, no files"
    )


def test_replacing_a_cloud_version_says_what_is_lost(qtbot):
    item = DeletionItem("m:v1", 1024, 3, "http://127.0.0.1:1 (upload success)", "Checksums: …")
    dialog = DeleteDialog(CLOUD, [item], "the local registry", replace=True)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Replace the cloud version"
    assert dialog.text().startswith("Delete m:v1 (1.0 KiB, 3 files) from the local registry,")
    assert "push the copy on this computer again" in dialog.text()
    assert "Bentos and deployments that use m:v1 lose it" in dialog.informativeText()
    assert dialog.delete_button.text() == "&Delete and Push Again"
    assert dialog.defaultButton() is dialog.cancel_button
    assert "Checksums: …" in dialog.toolTip()
    with pytest.raises(ValueError):
        DeleteDialog(CLOUD, [item, item], "x", replace=True)


# ---- the details panel -----------------------------------------------------------------


@pytest.fixture
def panel(qtbot):
    widget = DetailsPanel()
    qtbot.addWidget(widget)
    widget.resize(700, 600)
    widget.show()
    return widget


def note_shown(panel: DetailsPanel) -> bool:
    return panel.files_stack.currentIndex() == panel_module.PAGE_NOTE


def test_details_of_a_listed_record_show_each_file(panel):
    panel.show_cloud(listed(checked=True), None, None)
    assert not note_shown(panel)
    assert [row.path for row in panel.files_model.rows()] == [e.path for e in LISTED_FILES]
    assert {row.checksum for row in panel.files_model.rows()} == {V}
    assert panel.files_status.text() == "3 files, sha256 as the server checked them"
    assert panel.fields["Checksums"].text() == (
        "The sha256 of each of its 3 files, checked by the server against the uploaded archive."
    )

    panel.show_cloud(listed(checked=False), None, None)
    assert {row.checksum for row in panel.files_model.rows()} == {U}
    assert "does not check uploads" in panel.files_status.text()


def test_details_of_a_whole_digest_record_explain_instead_of_an_empty_table(panel):
    record = whole_record()
    panel.show_cloud(record, None, None)
    assert note_shown(panel) and panel.files_note.isVisible()
    assert not panel.files_status.isVisible()
    assert panel.files_note.title_label.text() == "3,000 files covered by one checksum"
    body = panel.files_note.body_label.text()
    assert "Single files cannot be compared" in body
    assert record.checksums.digest in body
    assert not panel.files_note.icon_label.pixmap().isNull()
    assert "(29.3 KiB (30,000 bytes, 3,000 files)" in f"({panel.fields['Size'].text()}"
    assert panel.fields["Checksums"].text().startswith("One sha256 over all 3,000 files")
    assert "bentosync" not in panel.fields["Metadata"].text()  # said in words instead


def test_details_of_a_record_without_checksums_say_unverified(panel):
    panel.show_cloud(bare(), None, None)
    assert note_shown(panel)
    assert panel.files_note.title_label.text() == "No file list in the cloud"
    assert "unverified" in panel.files_note.body_label.text()
    assert panel.fields["Size"].text().endswith("number of files not recorded)")
    assert panel.fields["Checksums"].text().startswith("None: the server keeps no checksums")


def test_details_of_a_hugging_face_reference(panel):
    record = reference()
    sync = compute_sync_states([], [record])[record.tag]
    panel.show_cloud(record, None, sync, "the local registry")
    assert note_shown(panel)
    assert panel.files_note.title_label.text() == "Hugging Face reference: no files in the cloud"
    body = panel.files_note.body_label.text()
    assert f"Model: {HF_ID}" in body and f"Revision: {HF_REVISION}" in body
    where = panel.fields["Where"].text()
    assert (
        where
        == "the local registry, as a reference to a model on the Hugging Face Hub (no archive)"
    )
    assert panel.fields["Sync"].text() == (
        "Hugging Face reference: not an archive, so nothing to pull or compare."
    )
    assert panel.fields["Size"].text() == "None: a reference has no files in the cloud"
    assert "pending" not in panel.fields["Sync"].text() + where
    assert HF_ID in panel.fields["Metadata"].text()
    # Back to a listed record: the table returns.
    panel.show_cloud(listed(), None, None)
    assert not note_shown(panel) and panel.files_status.isVisible()


def test_a_local_copy_is_compared_as_a_whole_with_a_whole_digest(panel):
    files = many_files(600)
    local = make_local("whole", size=sum(e.size for e in files))
    cloud = whole_record("whole", files)
    panel.show_local(local, cloud, None)
    assert "compared as a whole" in panel.fields["Checksums"].text()
    panel.set_local_files(local, files)
    assert not note_shown(panel)
    assert {row.checksum for row in panel.files_model.rows()} == {V}
    assert panel.files_status.text() == (
        "All 600 files match the cloud copy as a whole (one sha256 over the whole model)"
    )

    changed = [*files[:-1], FileEntry(files[-1].path, 10, "f" * 64)]
    panel.show_local(make_local("whole", size=6001), cloud, None)
    panel.set_local_files(panel._local, changed)
    assert {row.checksum for row in panel.files_model.rows()} == {U}  # cannot name the file
    assert panel.files_status.text().startswith("Differs from the cloud copy: the same 600 files")


def test_a_local_copy_beside_a_record_without_checksums(panel):
    local = make_local("bare")
    panel.show_local(local, bare(), None)
    assert "only sizes can be compared" in panel.fields["Checksums"].text()
    panel.set_local_files(local, LISTED_FILES)
    assert panel.files_status.text() == (
        "3 files hashed here (the cloud copy has no checksums to compare with)"
    )


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_the_file_table_judged_as_a_whole_passes_the_model_tester(qapp, qtmodeltester, force_py):
    files = many_files(5)
    model = FileListModel()
    model.set_rows(compare_whole(files, whole_record("w", files).checksums))
    qtmodeltester.check(model, force_py=force_py)
    why = model.index(0, 2).data(TOOLTIP)
    assert "matches the cloud's one sha256 over its 5 files" in why
    other = compare_whole(files[:4], whole_record("w", files).checksums)
    assert {row.checksum for row in other} == {U}
    assert "cannot be compared on its own" in other[0].reason
    assert M not in {row.checksum for row in other}
