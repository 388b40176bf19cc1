"""A model of 20 000 files in the window (issue 14). The transfers tree groups its rows,
fetches them lazily, and an update costs what changed; the details panel lists them
without measuring them. Real TransferJob records, no server."""

from __future__ import annotations

import dataclasses
import math

import pytest
from gui_records import make_model
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTreeView

from bentosync.application.jobs import JobId, JobSpec, TransferJob
from bentosync.core.filelist import FileEntry
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui.models.file_tree import PAGE
from bentosync.gui.models.transfers_model import (
    COL_NAME,
    COL_PROGRESS,
    COL_SIZE,
    COL_STATUS,
    ProgressRole,
    TransfersModel,
)
from bentosync.gui.widgets.details_panel import DetailsPanel
from bentosync.gui.widgets.tree_fetch import PageFetcher

FLAT = 5_000  # files directly in one folder, past many pages
GROUPED = 15_000  # files in folders of 50, two levels down
KIB = 1024


def _paths() -> list[str]:
    grouped = [f"g-{i // 500:02d}/s-{i // 50 % 10}/f-{i:05d}.json" for i in range(GROUPED)]
    return [*grouped, *(f"flat/x-{i:05d}.bin" for i in range(FLAT)), "model.yaml"]


PATHS = _paths()


@pytest.fixture
def job() -> TransferJob:
    job = TransferJob(JobSpec(JobId(1), "push", "many:v1"))
    job.progress.set_files((path, KIB) for path in PATHS)
    return job


class Signals:
    def __init__(self, model: TransfersModel) -> None:
        self.changed: list[tuple[QModelIndex, QModelIndex]] = []
        self.inserted: list[tuple[QModelIndex, int, int]] = []
        model.dataChanged.connect(lambda a, b, roles=(): self.changed.append((a, b)))
        model.rowsInserted.connect(lambda p, a, b: self.inserted.append((p, a, b)))

    def rows(self) -> int:
        return sum(b.row() - a.row() + 1 for a, b in self.changed)


def _names(model: TransfersModel, parent: QModelIndex) -> list[str]:
    return [model.index(r, COL_NAME, parent).data() for r in range(model.rowCount(parent))]


def test_twenty_thousand_files_are_folders_and_pages_not_rows(qapp, job):
    model = TransfersModel(budget_s=math.inf)  # all at once: exact signals to count
    signals = Signals(model)
    model.add_job(job.snapshot())
    assert len(signals.inserted) == 1  # the job row, with its folders: not 20 001 rows
    parent = model.job_index(JobId(1))
    assert model.file_count(parent) == len(PATHS)
    assert _names(model, parent) == [*(f"g-{n:02d}/" for n in range(30)), "flat/", "model.yaml"]
    group = model.index(0, 0, parent)
    assert model.rowCount(group) == 10 and model.file_count(group) == 500
    assert model.index(0, COL_STATUS, group).data() == "0 of 50 files"

    flat = model.index(30, 0, parent)
    assert model.hasChildren(flat) and model.file_count(flat) == FLAT
    assert model.rowCount(flat) == PAGE  # the first page only
    assert model.canFetchMore(flat)
    model.fetchMore(flat)
    assert model.rowCount(flat) == 2 * PAGE
    assert signals.inserted[-1][1:] == (PAGE, 2 * PAGE - 1)
    assert model.index(2 * PAGE - 1, COL_NAME, flat).data() == f"x-{2 * PAGE - 1:05d}.bin"


def test_one_changed_file_is_one_row_and_its_folders(qapp, job):
    model = TransfersModel(budget_s=math.inf)  # all at once: exact signals to count
    first = job.snapshot()
    model.add_job(first)
    parent = model.job_index(JobId(1))
    group = model.index(3, 0, parent)
    folder = model.index(4, 0, group)  # g-03/s-4: files 1700..1749, now known to a "view"
    assert model.rowCount(folder) == 50
    signals = Signals(model)

    job.progress.advance("g-03/s-4/f-01712.json", 512)
    update = job.snapshot(since=first.progress.revision)
    assert update.progress.changed == (1712,)
    model.update_job(update)
    # The job row, the group row, the folder row, the file row: four signals of one row
    # (of all columns) each, whatever the number of files.
    assert len(signals.changed) == 4 and signals.rows() == 4
    assert {(a.row(), a.parent().row()) for a, _ in signals.changed} == {
        (0, -1),  # job
        (3, 0),  # g-03 in the job
        (4, 3),  # s-4 in g-03
        (12, 4),  # f-01712 in s-4
    }
    assert model.index(12, COL_PROGRESS, folder).data(ProgressRole) == 0.5
    assert model.index(4, COL_PROGRESS, group).data(ProgressRole) == pytest.approx(0.5 / 50)
    assert model.index(4, COL_SIZE, group).data() == "50.0 KiB"

    # Files under folders no view asked about change silently: their sums do not.
    signals.changed.clear()
    job.progress.advance("flat/x-04000.bin", KIB)  # past the flat folder's first page
    model.update_job(job.snapshot(since=update.progress.revision))
    # The job row and the "flat/" row: no view asked for the files in "flat/" yet.
    assert [(a.row(), a.parent().row()) for a, _ in signals.changed] == [(0, -1), (30, 0)]
    flat = model.index(30, 0, parent)
    assert model.index(30, COL_STATUS, parent).data() == f"1 of {FLAT:,} files"
    assert model.rowCount(flat) == PAGE


def test_an_update_trusts_the_snapshots_list_of_changes(qapp, job):
    """The proof that an update does not compare 20 000 files: a difference the snapshot
    does not name is not looked for."""
    model = TransfersModel(budget_s=math.inf)  # all at once: exact signals to count
    first = job.snapshot()
    model.add_job(first)
    job.progress.advance(PATHS[7], 10)
    update = job.snapshot(since=first.progress.revision)
    files = list(update.progress.files)
    files[9] = files[9]._replace(done=KIB)  # not in ``changed``
    progress = dataclasses.replace(update.progress, files=tuple(files))
    model.update_job(dataclasses.replace(update, progress=progress))
    folder = model.index(0, 0, model.index(0, 0, model.job_index(JobId(1))))
    assert model.index(7, COL_PROGRESS, folder).data(ProgressRole) == pytest.approx(10 / KIB)
    assert model.index(9, COL_STATUS, folder).data() == "Done"  # its row reads the snapshot...
    assert model.index(0, COL_STATUS, folder.parent()).data() == "0 of 50 files"
    assert model.index(0, COL_PROGRESS, folder.parent()).data(ProgressRole) == pytest.approx(
        10 / KIB / 50
    )  # ...but the folder's sums were not redone from the whole list


def test_every_file_changing_is_one_signal_per_known_folder(qapp, job):
    model = TransfersModel(budget_s=math.inf)  # all at once: exact signals to count
    first = job.snapshot()
    model.add_job(first)
    parent = model.job_index(JobId(1))
    model.rowCount(model.index(30, 0, parent))  # the flat folder's first page is known
    signals = Signals(model)
    job.progress.set_all_checksums(ChecksumState.VERIFIED, "the server checked it")
    update = job.snapshot(since=first.progress.revision)
    assert len(update.progress.changed or ()) == len(PATHS)
    model.update_job(update)
    assert len(signals.changed) == 3  # job row, the job's children, the flat folder's page
    assert model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) == (
        f"All {len(PATHS):,} files verified: the server checked it"
    )


def test_a_batch_of_every_file_is_taken_in_over_several_event_loop_turns(qtbot, job):
    model = TransfersModel(budget_s=0.001)
    first = job.snapshot()
    model.add_job(first)
    assert model.rowCount(model.job_index(JobId(1))) < 32  # the first slice only, so far
    qtbot.waitUntil(lambda: model.rowCount(model.job_index(JobId(1))) == 32)
    job.progress.set_all_checksums(ChecksumState.VERIFIED, "the server checked it")
    model.update_job(job.snapshot(since=first.progress.revision))
    tooltip = f"All {len(PATHS):,} files verified: the server checked it"
    assert model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) != tooltip  # not yet...
    qtbot.waitUntil(lambda: model.index(0, 5).data(Qt.ItemDataRole.ToolTipRole) == tooltip)


def test_a_view_fetches_pages_as_it_scrolls_and_one_file_can_be_found(qtbot, job):
    model = TransfersModel(budget_s=math.inf)  # all at once: exact signals to count
    model.add_job(job.snapshot())
    view = QTreeView()
    view.setUniformRowHeights(True)
    view.setModel(model)
    PageFetcher(view)  # as the transfers panel has it
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    parent = model.job_index(JobId(1))
    flat = model.index(30, 0, parent)
    view.expand(parent)
    view.expand(flat)
    qtbot.wait(50)
    opened = model.rowCount(flat)
    assert PAGE <= opened < FLAT  # a few pages to fill the view, not 5 000 rows
    bar = view.verticalScrollBar()
    for _ in range(3):
        bar.setValue(bar.maximum())
        qtbot.wait(20)
    assert opened < model.rowCount(flat) < FLAT  # fetched as it scrolled, not all at once

    found = model.file_index(JobId(1), "flat/x-04321.bin")
    assert found.isValid() and found.data() == "x-04321.bin"
    assert found.parent() == flat and model.rowCount(flat) >= 4322
    view.scrollTo(found)
    view.setCurrentIndex(found)
    assert view.currentIndex().data(Qt.ItemDataRole.ToolTipRole) == "flat/x-04321.bin"
    assert not model.file_index(JobId(1), "flat/nope.bin").isValid()


def test_the_details_panel_lists_twenty_thousand_files_without_measuring_them(qtbot):
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    panel.resize(700, 500)
    panel.show()
    files = [FileEntry(path, KIB, f"{n:064x}") for n, path in enumerate(PATHS)]
    local = make_model("many", size=KIB * len(files))
    panel.show_local(local, None, None)
    asked = []
    original = panel.files_model.data
    panel.files_model.data = lambda index, role=Qt.ItemDataRole.DisplayRole: (  # type: ignore[method-assign]
        asked.append(role) or original(index, role)
    )
    panel.set_local_files(local, files)
    qtbot.wait(50)
    panel.resize(760, 520)  # a window resize re-lays the table out
    qtbot.wait(50)
    assert panel.files_model.rowCount() == len(PATHS)
    # What is on screen (~20 rows x 3 columns, a few roles each, painted a few times),
    # not the 1 000 rows x 2 columns that sizing columns to their contents reads.
    assert len(asked) < 3_000, len(asked)
