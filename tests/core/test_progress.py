"""TransferProgress: thread-safe counters, snapshots and speed."""

from __future__ import annotations

import threading

from bentosync.core.transfer.progress import (
    ChangeLog,
    ChecksumState,
    FileSnapshot,
    Phase,
    TransferProgress,
)


def test_advance_clamps_and_totals():
    progress = TransferProgress("push", "m:v")
    progress.set_files([("a", 10), ("b", 5 * 2**30)])
    progress.advance("a", 4)
    progress.advance("a", 100)  # clamped to the file size
    progress.advance("b", 3 * 2**30)
    progress.advance("missing", 1)  # unknown files are ignored
    snap = progress.snapshot()
    assert snap.total_bytes == 10 + 5 * 2**30
    assert snap.done_bytes == 10 + 3 * 2**30
    assert [f.done for f in snap.files] == [10, 3 * 2**30]
    progress.advance("a", -6)  # a retried part takes its bytes back
    assert progress.snapshot().done_bytes == 4 + 3 * 2**30


def test_snapshot_is_immutable_copy_and_revision_moves():
    progress = TransferProgress("pull", "m:v")
    progress.set_files([("a", 1)])
    first = progress.snapshot()
    progress.set_checksum("a", ChecksumState.MISMATCH, "sha256 differs")
    second = progress.snapshot()
    assert first.files[0].checksum is ChecksumState.PENDING
    assert second.files[0].checksum is ChecksumState.MISMATCH
    assert second.files[0].reason == "sha256 differs"
    assert second.revision > first.revision


def test_concurrent_advances_add_up():
    progress = TransferProgress("push", "m:v")
    progress.set_files([(f"f{i}", 10_000) for i in range(4)])

    def work(path: str) -> None:
        for _ in range(10_000):
            progress.advance(path, 1)

    threads = [threading.Thread(target=work, args=(f"f{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert progress.snapshot().done_bytes == 40_000


def test_listener_failure_does_not_break_the_job():
    calls = []

    def listener(p):
        calls.append(p.revision)
        raise RuntimeError("display broke")

    progress = TransferProgress("push", "m:v", listener=listener)
    progress.set_files([("a", 3)])
    progress.advance("a", 1)
    progress.set_phase(Phase.DONE)
    assert len(calls) == 3
    snap = progress.snapshot()
    assert snap.phase.finished and snap.eta_seconds is None and snap.fraction == 1 / 3


def test_empty_job_is_complete():
    progress = TransferProgress("push", "m:v")
    progress.set_files([("empty", 0)])
    snap = progress.snapshot()
    assert snap.fraction == 1.0 and snap.files[0].fraction == 1.0


def test_speed_counts_moved_bytes_not_resumed_ones(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr("bentosync.core.transfer.progress.time.monotonic", lambda: clock[0])
    progress = TransferProgress("pull", "m:v")
    progress.set_files([("a", 10_000), ("b", 10_000)])
    progress.set_done("a", 10_000, moved=False)  # found on disk when resuming
    clock[0] += 1.0
    progress.set_done("b", 1_000)
    clock[0] += 1.0
    progress.set_done("b", 3_000)
    snap = progress.snapshot()
    assert snap.done_bytes == 13_000
    assert snap.bytes_per_second == 2_000  # only b's bytes, over one second
    assert snap.eta_seconds == 3.5


def test_snapshot_since_names_only_the_changed_files_and_reuses_the_rest():
    progress = TransferProgress("push", "m:v")
    progress.set_files([(f"f{i}", 10) for i in range(1000)])
    first = progress.snapshot(since=0)
    assert first.changed is None  # the list itself is new to a reader of revision 0
    progress.advance("f7", 5)
    progress.set_checksum("f3", ChecksumState.VERIFIED)
    progress.advance("f7", 1)  # twice is still one changed file
    second = progress.snapshot(since=first.revision)
    assert second.changed == (3, 7) and second.since == first.revision
    assert second.files[7].done == 6 and second.files[3].checksum is ChecksumState.VERIFIED
    unchanged = [i for i in range(1000) if i not in (3, 7)]
    assert all(second.files[i] is first.files[i] for i in unchanged)  # no new objects
    assert second.total_bytes == 10_000 and second.done_bytes == 6

    progress.add_file("late", 4)  # a pull finding a file on the way
    third = progress.snapshot(since=second.revision)
    assert third.changed == (1000,) and third.files[1000].path == "late"
    assert third.total_bytes == 10_004
    assert progress.snapshot(since=third.revision).changed == ()
    assert progress.snapshot().changed is None  # no reader revision: nothing to compare

    progress.set_all_checksums(ChecksumState.UNVERIFIED, "no list")
    assert progress.snapshot(since=third.revision).changed == tuple(range(1001))
    progress.set_files([("other", 1)])  # a new list: every older reader starts over
    assert progress.snapshot(since=third.revision).changed is None
    assert progress.snapshot().files == (FileSnapshot("other", 1, 0, ChecksumState.PENDING),)


def test_change_log_reads_a_suffix():
    log = ChangeLog()
    for revision, index in enumerate([5, 1, 5, 9], start=1):
        log.mark(index, revision)
    assert log.since(0) == (1, 5, 9)
    assert log.since(2) == (5, 9)  # 5 moved to the end when it changed again
    assert log.since(4) == ()
    log.reset(10)
    assert log.since(9) is None and log.since(10) == ()


def test_advance_many_counts_like_advance_with_one_notice():
    notices: list[int] = []
    one = TransferProgress("push", "m:v", listener=lambda p: notices.append(p.revision))
    other = TransferProgress("push", "m:v")
    files = [(f"f{n}", 10) for n in range(5)]
    one.set_files(files)
    other.set_files(files)
    notices.clear()
    moved = [("f0", 10), ("f1", 4), ("f2", 0), ("nope", 3), ("f1", 20)]
    one.advance_many(moved)
    for path, nbytes in moved:
        other.advance(path, nbytes)
    assert len(notices) == 1
    assert one.snapshot().done_bytes == other.snapshot().done_bytes == 20
    assert [f.done for f in one.snapshot().files] == [f.done for f in other.snapshot().files]
    one.advance_many([("f1", -10)])  # a retried part is taken back
    assert one.snapshot().done_bytes == 10
