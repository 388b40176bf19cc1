"""TransfersModel on hand-made snapshots: structure, minimal signals, roles, icons."""

from __future__ import annotations

import dataclasses

import pytest
from PySide6.QtCore import QModelIndex, Qt

from bentosync.application.formatting import format_speed
from bentosync.application.jobs import JobId, JobSnapshot, JobStatus
from bentosync.core.transfer.progress import ChecksumState, FileSnapshot, Phase, ProgressSnapshot
from bentosync.gui.delegates.checksum_icons import CHECKSUM_ICON_NAMES, aggregate
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.models.roles import ItemRole, SortRole
from bentosync.gui.models.transfers_model import (
    COL_CHECKSUM,
    COL_ETA,
    COL_NAME,
    COL_PROGRESS,
    COL_SIZE,
    COL_SPEED,
    COL_STATUS,
    HEADERS,
    ProgressRole,
    StatusRole,
    TransfersModel,
)

GIB = 1024**3
DISPLAY = Qt.ItemDataRole.DisplayRole
DECORATION = Qt.ItemDataRole.DecorationRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def files(*spec: tuple[str, int, int, ChecksumState]) -> tuple[FileSnapshot, ...]:
    return tuple(FileSnapshot(path, size, done, state) for path, size, done, state in spec)


def job(
    job_id: int,
    file_list: tuple[FileSnapshot, ...] = (),
    status: JobStatus = JobStatus.RUNNING,
    phase: Phase = Phase.UPLOADING,
    speed: float = 0.0,
    revision: int = 1,
    kind: str = "push",
    error: str = "",
    message: str = "",
) -> JobSnapshot:
    total = sum(f.size for f in file_list)
    done = sum(f.done for f in file_list)
    progress = ProgressSnapshot(
        kind, f"m{job_id}:v1", phase, message, file_list, total, done, speed, revision
    )
    return JobSnapshot(
        job_id=JobId(job_id),
        kind=kind,
        requested=f"m{job_id}",
        force=False,
        status=status,
        error=error,
        message=message,
        cancel_requested=False,
        progress=progress,
        started_at=None,
        finished_at=None,
    )


P, H, V, M, U = (
    ChecksumState.PENDING,
    ChecksumState.HASHING,
    ChecksumState.VERIFIED,
    ChecksumState.MISMATCH,
    ChecksumState.UNVERIFIED,
)


class Signals:
    def __init__(self, model: TransfersModel) -> None:
        self.changed: list[tuple[QModelIndex, QModelIndex, list]] = []
        self.inserted: list[tuple[QModelIndex, int, int]] = []
        self.removed: list[tuple[QModelIndex, int, int]] = []
        model.dataChanged.connect(lambda a, b, roles=(): self.changed.append((a, b, list(roles))))
        model.rowsInserted.connect(lambda p, a, b: self.inserted.append((p, a, b)))
        model.rowsRemoved.connect(lambda p, a, b: self.removed.append((p, a, b)))

    def clear(self) -> None:
        self.changed.clear()
        self.inserted.clear()
        self.removed.clear()

    def child_ranges(self) -> list[tuple[int, int]]:
        return [(a.row(), b.row()) for a, b, _ in self.changed if a.parent().isValid()]

    def top_ranges(self) -> list[tuple[int, int, int, int]]:
        return [
            (a.row(), a.column(), b.row(), b.column())
            for a, b, _ in self.changed
            if not a.parent().isValid()
        ]


def many_files(n: int, done: int = 0, state: ChecksumState = P) -> tuple[FileSnapshot, ...]:
    return tuple(FileSnapshot(f"f{i:02d}", 100, done, state) for i in range(n))


@pytest.mark.qt_log_level_fail("WARNING")
@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_model_tester_through_a_jobs_life(qapp, qtmodeltester, force_py):
    model = TransfersModel()
    qtmodeltester.check(model, force_py=force_py)
    model.add_job(job(1))  # no files yet (pull without a server list)
    model.add_job(job(2, many_files(3)))
    model.update_job(job(1, files(("a", 10, 0, P)), revision=2))
    model.update_job(job(1, files(("a", 10, 10, V), ("b", 5, 1, H)), revision=3))
    model.update_job(job(2, many_files(2), revision=2))  # shrank
    model.update_job(job(2, files(("x", 1, 0, P)), revision=3))  # a different list
    model.update_job(job(2, files(("x", 1, 1, V)), status=JobStatus.DONE, phase=Phase.DONE))
    model.reload_icons()
    model.add_job(job(3, many_files(4)))
    model.remove_jobs([JobId(2), JobId(99)])
    assert [model.job_id_of(model.index(r, 0)) for r in range(model.rowCount())] == [1, 3]
    assert model.rowCount(model.job_index(JobId(3))) == 4


def test_indexes_stop_at_the_rows_and_columns_and_every_row_is_selectable(qapp):
    """``index()`` checks its bounds in Python (not with ``hasIndex``), and Qt's default
    ``flags`` serve every row: neither may let a row, a column or a flag slip."""
    model = TransfersModel()
    model.add_job(job(1, many_files(3)))
    job_row = model.index(0, 0)
    assert job_row.isValid() and not model.index(1, 0).isValid()
    assert not model.index(0, len(HEADERS)).isValid() and not model.index(-1, 0).isValid()
    assert model.index(2, len(HEADERS) - 1, job_row).isValid()
    assert not model.index(3, 0, job_row).isValid()
    assert not model.index(0, 0, model.index(0, 0, job_row)).isValid()  # a file has no rows
    selectable = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
    assert model.flags(job_row) == selectable
    assert model.flags(model.index(1, 3, job_row)) == selectable
    assert model.flags(QModelIndex()) == Qt.ItemFlag.NoItemFlags
    model.remove_jobs([JobId(1), JobId(3)])
    assert model.rowCount() == 0


def test_only_changed_file_rows_are_signalled(qapp):
    model = TransfersModel()
    model.add_job(job(1, many_files(10)))
    model.add_job(job(2, many_files(2)))
    signals = Signals(model)
    moved = list(many_files(10))
    moved[3] = moved[3]._replace(done=50)
    moved[4] = moved[4]._replace(done=50)
    moved[8] = moved[8]._replace(checksum=H)
    model.update_job(job(1, tuple(moved), revision=2))
    assert signals.top_ranges() == [(0, 0, 0, len(HEADERS) - 1)]  # job 1's row only
    assert sorted(signals.child_ranges()) == [(3, 4), (8, 8)]
    assert all(a.internalId() == 1 for a, _, _ in signals.changed if a.parent().isValid())
    assert not signals.inserted and not signals.removed

    signals.clear()
    model.update_job(job(1, many_files(10, done=100), revision=3))  # all changed
    assert signals.child_ranges() == [(0, 9)]  # one full-range signal

    signals.clear()
    model.update_job(job(1, many_files(10, done=100), revision=4))  # files unchanged
    assert signals.child_ranges() == [] and len(signals.top_ranges()) == 1


def test_files_found_on_the_way_are_inserted_as_rows(qapp):
    model = TransfersModel()
    model.add_job(job(7, kind="pull"))
    signals = Signals(model)
    model.update_job(job(7, files(("model.yaml", 10, 10, U)), kind="pull", revision=2))
    model.update_job(
        job(7, files(("model.yaml", 10, 10, U), ("w.bin", 99, 3, P)), kind="pull", revision=3)
    )
    assert [(p.row(), a, b) for p, a, b in signals.inserted] == [(0, 0, 0), (0, 1, 1)]
    parent = model.job_index(JobId(7))
    assert [model.index(r, COL_NAME, parent).data() for r in range(2)] == ["model.yaml", "w.bin"]


def test_display_sort_and_custom_roles(qapp):
    model = TransfersModel()
    big = files(("shard-1", 3 * GIB, GIB, H), ("shard-2", 3 * GIB, 0, P))
    model.add_job(job(1, big, speed=64 * 1024**2))
    row = model.index(0, 0)
    value = model.index(0, COL_SIZE).data(SortRole)
    assert value == 6 * GIB and model.index(0, COL_SIZE).data() == "6.0 GiB"
    assert model.index(0, COL_PROGRESS).data(ProgressRole) == pytest.approx(1 / 6)
    assert model.index(0, COL_PROGRESS).data() == "16%"
    assert model.index(0, COL_SPEED).data() == "64.0 MiB/s"
    assert model.index(0, COL_ETA).data() == "a minute"  # 5 GiB at 64 MiB/s = 80 s
    assert model.index(0, COL_ETA).data(TOOLTIP) == "1 minute and 20 seconds left"
    assert model.index(0, COL_ETA).data(SortRole) == pytest.approx(80.0)
    assert model.index(0, COL_NAME).data() == "Push m1:v1"
    assert model.index(0, COL_STATUS).data() == "Uploading"
    assert row.data(StatusRole) == JobStatus.RUNNING.value
    assert isinstance(row.data(ItemRole), JobSnapshot)
    child = model.index(0, COL_PROGRESS, row)
    assert child.data(ProgressRole) == pytest.approx(1 / 3)
    assert child.data(StatusRole) == JobStatus.RUNNING.value
    assert model.index(0, COL_NAME, row).data(ItemRole) == big[0]
    assert model.index(0, COL_SIZE, row).data(SortRole) == 3 * GIB
    assert model.index(0, COL_STATUS, row).data() == "Transferring"
    assert model.index(1, COL_STATUS, row).data() == "Waiting"
    assert model.headerData(COL_ETA, Qt.Orientation.Horizontal) == "ETA"
    assert model.index(0, COL_SIZE).data(Qt.ItemDataRole.TextAlignmentRole) is not None


def test_checksum_icons_and_tooltips_per_state(qapp):
    model = TransfersModel()
    states = [P, H, V, M, U]
    model.add_job(
        job(1, files(*[(f"f-{s.value}", 1, 1, s) for s in states])),
    )
    mismatch = FileSnapshot("g", 1, 1, M, "differs from the cloud's sha256")
    model.add_job(job(2, (mismatch,), status=JobStatus.FAILED, error="boom"))
    parent = model.job_index(JobId(1))
    keys = set()
    for row, state in enumerate(states):
        cell = model.index(row, COL_CHECKSUM, parent)
        icon = cell.data(DECORATION)
        assert not icon.isNull(), state
        keys.add(icon.cacheKey())
        assert cell.data(TOOLTIP).startswith(state.value.capitalize())
    assert len(keys) == len(states)  # five different icons
    assert model.index(0, COL_CHECKSUM).data(TOOLTIP) == (
        "1 of 5 files verified, 1 mismatch, 1 hashing, 1 pending, 1 unverified"
    )
    why = model.index(0, COL_CHECKSUM, model.job_index(JobId(2))).data(TOOLTIP)
    assert why == "Mismatch: differs from the cloud's sha256"
    assert model.index(1, COL_STATUS).data() == "Failed: boom"
    assert model.index(1, COL_STATUS).data(DECORATION) is not None
    assert aggregate(()) is None and aggregate(files(("a", 1, 1, V), ("b", 1, 1, M))) is M
    assert set(CHECKSUM_ICON_NAMES.values()) == {f"checksum-{s.value}" for s in states}


def test_reload_icons_repaints_only_decorations(qapp):
    model = TransfersModel()
    model.add_job(job(1, many_files(3)))
    signals = Signals(model)
    model.reload_icons()
    assert signals.changed and all(roles == [DECORATION] for _, _, roles in signals.changed)
    assert (0, 2) in signals.child_ranges()


def test_texts_for_status_bar_and_cells():
    assert fmt.overall_text([]) == "No transfers"
    running = job(1, files(("a", 2 * GIB, GIB, P)), speed=1024**3 / 10)
    assert fmt.overall_text([running]) == (
        "1 transfer running · 1.0 GiB of 2.0 GiB · 102.4 MiB/s · 10 seconds left"
    )
    finished = job(2, status=JobStatus.FAILED, error="x")
    done = job(3, status=JobStatus.DONE)
    assert fmt.overall_text([finished, done]) == "2 transfers finished, 1 failed"
    assert fmt.format_percent(0.999) == "99%"
    assert fmt.format_eta(None) == "" and format_speed(0) == ""
    cancelling = dataclasses.replace(running, cancel_requested=True)
    assert fmt.job_status_text(cancelling) == "Cancelling…"
    skipped = job(4, status=JobStatus.SKIPPED, message="already there")
    assert fmt.job_status_text(skipped) == "Skipped: already there"
    assert skipped.fraction == 1.0


def test_checksum_states_are_words_for_a_screen_reader(qapp):
    """The checksum column is an icon on screen; AccessibleTextRole says the state."""
    accessible = Qt.ItemDataRole.AccessibleTextRole
    model = TransfersModel()
    mismatch = FileSnapshot("g", 1, 1, M, "differs from the cloud's sha256")
    model.add_job(job(1, (*files(("a", 1, 1, V)), mismatch)))
    parent = model.job_index(JobId(1))
    assert model.index(0, COL_CHECKSUM, parent).data(accessible) == "checksum verified"
    assert model.index(1, COL_CHECKSUM, parent).data(accessible) == (
        "checksum mismatch: differs from the cloud's sha256"
    )
    assert model.index(0, COL_CHECKSUM).data(accessible).startswith("checksum mismatch")
