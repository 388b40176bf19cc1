"""The cloud table, the file table, and drag and drop through the item models."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_records import GIB, NOW, make_model
from PySide6.QtCore import QMimeData, QModelIndex, Qt

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import Checksums, FileEntry
from bentosync.core.sync_state import SyncState, compute_sync_states
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui.models import mime
from bentosync.gui.models.cloud_models import (
    COL_CREATED,
    COL_NAME,
    COL_SIZE,
    COL_SYNC,
    HEADERS,
    CloudModelTableModel,
)
from bentosync.gui.models.files_model import FileListModel, compare_lists
from bentosync.gui.models.local_models import COL_SYNC as LOCAL_COL_SYNC
from bentosync.gui.models.local_models import LocalModelTableModel
from bentosync.gui.models.roles import FilterRole, ItemRole, SortRole, SyncRole
from bentosync.gui.models.sort_proxy import ModelSortFilterProxy

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
DECORATION = Qt.ItemDataRole.DecorationRole
COPY = Qt.DropAction.CopyAction
FILES = [FileEntry("model.yaml", 300, "a" * 64), FileEntry("weights.bin", 700, "b" * 64)]


def _checksums(files):
    return None if files is None else Checksums.of(files)


def cloud(name, version="v1", *, size=1000, status="success", age=timedelta(hours=2), **kw):
    return CloudModel(
        name=name,
        version=version,
        upload_status=status,
        size_bytes=size,
        build_at=NOW - age,
        checksums=_checksums(kw.pop("files", FILES)),
        **kw,
    )


def sample_cloud():
    return [
        cloud("sentiment-clf", "aaa", size=48 * 1024**2, labels={"team": "nlp"}),
        cloud("llama-3-8b", "bbb", size=int(15.2 * GIB), age=timedelta(days=9)),
        cloud("resnet50", "ccc", status="failed", upload_finished_reason="disk full"),
        cloud("whisper", "ddd", status="uploading", size=0, files=None),
    ]


@pytest.fixture
def cloud_model(qapp):
    table = CloudModelTableModel(now=lambda: NOW)
    yield table
    table.deleteLater()


@pytest.fixture
def local_model(qapp):
    table = LocalModelTableModel(now=lambda: NOW)
    yield table
    table.deleteLater()


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_cloud_model_passes_qt_model_tester(cloud_model, qtmodeltester, force_py):
    cloud_model.set_models(sample_cloud())
    qtmodeltester.check(cloud_model, force_py=force_py)


def test_cloud_model_stays_consistent_through_updates_and_states(cloud_model, qtmodeltester, qapp):
    cloud_model.set_models(sample_cloud())
    qtmodeltester.check(cloud_model)
    cloud_model.set_sync_states(compute_sync_states([], sample_cloud()))
    cloud_model.set_models([*sample_cloud()[:2], cloud("new", "eee")])
    cloud_model.set_sync_states({})
    cloud_model.set_models([])
    cloud_model.refresh_relative_times()
    cloud_model.reload_icons()
    assert cloud_model.rowCount() == 0


def test_cloud_cells(cloud_model):
    cloud_model.set_models(sample_cloud())
    rows = {cloud_model.index(r, 0).data(ItemRole).name: r for r in range(4)}
    cell = lambda name, col, role=DISPLAY: cloud_model.index(rows[name], col).data(role)  # noqa: E731
    assert [cloud_model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == list(HEADERS)
    assert cell("llama-3-8b", COL_SIZE) == "15.2 GiB"
    assert cell("llama-3-8b", COL_SIZE, SortRole) == int(15.2 * GIB)
    assert cell("llama-3-8b", COL_CREATED) == "9 days ago"
    assert cell("whisper", COL_SIZE) == "—"
    assert cell("sentiment-clf", COL_SIZE, TOOLTIP).startswith(f"{48 * 1024**2:,} bytes, 2 files\n")
    # Before any comparison, the Sync column says nothing, except about broken uploads.
    assert cell("sentiment-clf", COL_SYNC) == ""
    assert cell("resnet50", COL_SYNC) == "Upload failed"
    assert cell("resnet50", COL_SYNC, TOOLTIP) == "disk full"
    assert cell("whisper", COL_SYNC) == "Uploading"
    assert "team=nlp" in cell("sentiment-clf", COL_NAME, FilterRole)


def test_sync_states_show_in_both_tables(cloud_model, local_model):
    locals_ = [make_model("sentiment-clf", "aaa", size=48 * 1024**2), make_model("mine", "zzz")]
    clouds = sample_cloud()
    local_model.set_models(locals_)
    cloud_model.set_models(clouds)
    states = compute_sync_states(locals_, clouds)
    changed = []
    local_model.dataChanged.connect(lambda tl, br, roles=(): changed.append((tl.row(), br.row())))
    local_model.set_sync_states(states)
    cloud_model.set_sync_states(states)
    assert changed  # the Sync column repaints
    by_name = {
        local_model.index(r, 0).data(ItemRole).name: local_model.index(r, LOCAL_COL_SYNC)
        for r in range(2)
    }
    assert by_name["sentiment-clf"].data() == "In sync"
    assert by_name["mine"].data() == "Local only"
    assert not by_name["mine"].data(DECORATION).isNull()
    assert by_name["mine"].data(SyncRole).state is SyncState.LOCAL_ONLY
    assert "local only" in by_name["mine"].siblingAtColumn(0).data(FilterRole)
    llama = next(r for r in range(4) if cloud_model.index(r, 0).data(ItemRole).name == "llama-3-8b")
    assert cloud_model.index(llama, COL_SYNC).data() == "Cloud only"
    changed.clear()
    local_model.set_sync_states(states)  # same verdicts: nothing to repaint
    assert changed == []


# ---- drag and drop through the models ----------------------------------------------


def drag(model, rows) -> QMimeData:
    return model.mimeData([model.index(r, 0) for r in rows] + [model.index(r, 2) for r in rows])


def test_local_rows_dropped_on_the_cloud_ask_for_a_push(local_model, cloud_model, qtbot):
    local_model.set_models([make_model("a"), make_model("b"), make_model("c")])
    data = drag(local_model, [0, 2])
    assert mime.decode_models(data) == ("local", ["a:v1", "c:v1"])
    assert data.text() == "a:v1\nc:v1"
    assert cloud_model.canDropMimeData(data, COPY, -1, -1, QModelIndex())
    assert not local_model.canDropMimeData(data, COPY, -1, -1, QModelIndex())  # own pane
    with qtbot.waitSignal(cloud_model.transfer_dropped) as blocker:
        assert cloud_model.dropMimeData(data, COPY, -1, -1, QModelIndex())
    assert blocker.args == [["a:v1", "c:v1"]]


def test_cloud_rows_dropped_on_the_local_pane_ask_for_a_pull(local_model, cloud_model, qtbot):
    cloud_model.set_models(sample_cloud())
    data = drag(cloud_model, [1])
    tag = cloud_model.index(1, 0).data(ItemRole).tag
    with qtbot.waitSignal(local_model.transfer_dropped) as blocker:
        assert local_model.dropMimeData(data, COPY, 0, 0, QModelIndex())
    assert blocker.args == [[tag]]
    assert not cloud_model.dropMimeData(data, COPY, -1, -1, QModelIndex())


def test_drops_go_through_the_sort_proxy(local_model, cloud_model, qtbot):
    local_model.set_models([make_model("a"), make_model("b")])
    source = ModelSortFilterProxy()
    source.setSourceModel(local_model)
    source.sort(0, Qt.SortOrder.DescendingOrder)
    target = ModelSortFilterProxy()
    target.setSourceModel(cloud_model)
    data = source.mimeData([source.index(0, 0)])
    assert mime.decode_models(data) == ("local", ["b:v1"])
    with qtbot.waitSignal(cloud_model.transfer_dropped) as blocker:
        assert target.dropMimeData(data, COPY, -1, -1, QModelIndex())
    assert blocker.args == [["b:v1"]]


def test_folders_from_a_file_manager(local_model, cloud_model, qtbot, tmp_path):
    folder = tmp_path / "weights"
    folder.mkdir()
    plain = tmp_path / "notes.txt"
    plain.write_text("x")
    data = mime.encode_folders([folder, plain])
    assert local_model.canDropMimeData(data, COPY, -1, -1, QModelIndex())
    for model in (local_model, cloud_model):
        with qtbot.waitSignal(model.folders_dropped) as blocker:
            assert model.dropMimeData(data, COPY, -1, -1, QModelIndex())
        assert blocker.args == [[folder]]
    only_file = mime.encode_folders([plain])
    with qtbot.assertNotEmitted(local_model.folders_dropped):
        assert not local_model.dropMimeData(only_file, COPY, -1, -1, QModelIndex())


def test_foreign_or_malformed_payloads_are_refused(local_model):
    data = QMimeData()
    data.setData(mime.MIME_MODELS, b"{not json")
    assert not local_model.canDropMimeData(data, COPY, -1, -1, QModelIndex())
    text = QMimeData()
    text.setText("hello")
    assert not local_model.canDropMimeData(text, COPY, -1, -1, QModelIndex())
    link = QMimeData()
    link.setData(mime.MIME_MODELS, b'{"format": 1, "side": "cloud", "tags": []}')
    assert not local_model.canDropMimeData(link, COPY, -1, -1, QModelIndex())
    assert not local_model.canDropMimeData(link, Qt.DropAction.LinkAction, -1, -1, QModelIndex())


def test_drag_and_drop_flags_and_actions(local_model):
    local_model.set_models([make_model("a")])
    flags = local_model.flags(local_model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsDragEnabled and flags & Qt.ItemFlag.ItemIsDropEnabled
    assert local_model.flags(QModelIndex()) & Qt.ItemFlag.ItemIsDropEnabled
    assert local_model.supportedDropActions() == COPY
    assert local_model.supportedDragActions() == COPY
    assert mime.MIME_MODELS in local_model.mimeTypes()
    assert "text/uri-list" in local_model.mimeTypes()


# ---- the details panel's file table --------------------------------------------------


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_file_list_model_passes_qt_model_tester(qapp, qtmodeltester, force_py):
    model = FileListModel()
    model.set_rows(compare_lists(FILES, None, local=False))
    qtmodeltester.check(model, force_py=force_py)


def test_local_files_are_judged_against_the_cloud_list():
    mine = [FILES[0], FileEntry("weights.bin", 700, "c" * 64), FileEntry("extra", 1, "d" * 64)]
    rows = {r.path: r for r in compare_lists(mine, FILES, local=True)}
    assert rows["model.yaml"].checksum is ChecksumState.VERIFIED
    assert rows["weights.bin"].checksum is ChecksumState.MISMATCH
    assert "bbbb" in rows["weights.bin"].reason
    assert rows["extra"].checksum is ChecksumState.MISMATCH
    alone = compare_lists(mine, None, local=True)
    assert {r.checksum for r in alone} == {ChecksumState.UNVERIFIED}
