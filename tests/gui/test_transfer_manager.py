"""TransferManager end to end against a live registry: push, pull, cancel, retry, refuse."""

from __future__ import annotations

import itertools
import tarfile
from pathlib import Path

import pytest
from transfer_support import (
    MIB,
    Recorder,
    ThrottledClient,
    make_model,
    session_factory,
    staging_leftovers,
)

from bentosync.application.jobs import JobRefused, JobStatus
from bentosync.application.settings import TransferSettings
from bentosync.core.session import open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.progress import ChecksumState, Phase
from bentosync.gui.models.transfers_model import TransfersModel
from bentosync.gui.workers.transfer_manager import TransferManager

FILES = {
    "weights/model.safetensors": 3 * MIB + 123,
    "weights/extra.bin": MIB + 7,
    "tokenizer/vocab.txt": 300_000,
    "config.json": 2_048,
}
MAX_RATE = 10.0  # updates per second per job (DESIGN.md)
MIN_TICK = 0.09  # seconds between two updates of one job (100 ms timer, a little slack)


class SlowClient(ThrottledClient):
    """About 5 MiB/s, so a 4.4 MiB model takes about a second each way."""

    delay = 0.05


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "home-a", tmp_path / "home-b"
    a.mkdir()
    b.mkdir()
    return a, b


@pytest.fixture
def make_manager(qapp, settings):
    managers: list[TransferManager] = []

    def make(factory, concurrent: int = 2) -> TransferManager:
        transfer_settings = TransferSettings(settings)
        transfer_settings.concurrent_jobs = concurrent
        transfer_settings.part_size = 5 * MIB
        manager = TransferManager(factory, transfer_settings)
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        assert manager.shutdown(30_000), "a job did not stop at teardown"
        manager.deleteLater()


def assert_rate(recorder: Recorder, job_id: int) -> None:
    count, seconds = recorder.rate(job_id)
    print(f"job #{job_id}: {count} signals in {seconds:.2f} s")
    # job_added and job_finished come on top of the ticks; ticks are >= 100 ms apart.
    assert count <= MAX_RATE * seconds + 3, (count, seconds)


def assert_spacing(recorder: Recorder, job_id: int) -> None:
    """Ticks, not chunks: no second holds more than ~10 updates of one job.

    Qt timers keep a fixed grid, so a tick delayed by a busy GIL is followed by a
    short gap; what must hold is the count per second, and the typical gap.
    """
    times = [t for t, _ in recorder.updates[job_id]]
    per_second = [sum(1 for u in times if t <= u < t + 1.0) for t in times]
    assert max(per_second, default=0) <= MAX_RATE + 1, per_second
    gaps = sorted(b - a for a, b in itertools.pairwise(times))
    assert not gaps or gaps[len(gaps) // 2] >= MIN_TICK, gaps


def assert_monotone(recorder: Recorder, job_id: int) -> None:
    fractions = [snap.fraction for snap in recorder.snapshots(job_id)]
    assert fractions == sorted(fractions), fractions
    per_file: dict[str, list[int]] = {}
    for snap in recorder.snapshots(job_id):
        for file in snap.files:
            per_file.setdefault(file.path, []).append(file.done)
    for path, dones in per_file.items():
        assert dones == sorted(dones), (path, dones)


def test_push_then_pull_shows_files_progress_and_verified_checksums(
    qtbot, qtmodeltester, registry, homes, make_manager
):
    home_a, home_b = homes
    model = make_model(home_a, "demo", FILES)
    slow = session_factory(registry.endpoint, registry.token, home_a, client_class=SlowClient)
    pusher = make_manager(slow)
    tree = TransfersModel(pusher)
    qtmodeltester.check(tree, force_py=True)  # re-checks the tree on every change
    recorder = Recorder(pusher)

    job = pusher.push(str(model.tag))
    assert pusher.is_busy("demo") and pusher.is_busy(str(model.tag))
    qtbot.waitUntil(lambda: tree.file_count(tree.job_index(job)) == len(FILES) + 1, timeout=10_000)
    done = recorder.wait(qtbot, job)

    assert done.status is JobStatus.DONE, done.error
    assert done.progress.phase is Phase.DONE
    assert done.fraction == 1.0 and done.progress.done_bytes == done.progress.total_bytes
    assert {f.checksum for f in done.files} == {ChecksumState.VERIFIED}
    assert sorted(f.path for f in done.files) == sorted([*FILES, "model.yaml"])
    assert len(recorder.snapshots(job)) >= 3  # progress was seen on the way, not only the end
    assert_monotone(recorder, job)
    assert_rate(recorder, job)
    assert_spacing(recorder, job)
    assert not pusher.is_busy("demo")

    # The tree shows every file in its folder, at 100 %, and every folder too.
    from bentosync.gui.models.transfers_model import COL_PROGRESS, ProgressRole

    fractions = [
        tree.file_index(job, path, COL_PROGRESS).data(ProgressRole)
        for path in [*FILES, "model.yaml"]
    ]
    assert fractions == [1.0] * (len(FILES) + 1)
    weights = tree.file_index(job, "weights/extra.bin").parent()
    assert weights.data() == "weights/" and tree.rowCount(weights) == 2
    assert weights.siblingAtColumn(COL_PROGRESS).data(ProgressRole) == 1.0
    assert tree.index(0, COL_PROGRESS).data() == "100%"

    # Pull it into another home; "demo" means the newest version on the server.
    puller = make_manager(
        session_factory(registry.endpoint, registry.token, home_b, client_class=SlowClient)
    )
    pull_tree = TransfersModel(puller)
    qtmodeltester.check(pull_tree, force_py=True)
    pull_recorder = Recorder(puller)
    pulled = pull_recorder.wait(qtbot, puller.pull("demo"))
    assert pulled.status is JobStatus.DONE, pulled.error
    assert pulled.tag == str(model.tag)
    assert {f.checksum for f in pulled.files} == {ChecksumState.VERIFIED}
    assert_monotone(pull_recorder, pulled.job_id)
    assert_rate(pull_recorder, pulled.job_id)
    assert_spacing(pull_recorder, pulled.job_id)
    local = LocalStore(home_b).get(model.tag)
    for rel in FILES:
        assert (local.path / rel).read_bytes() == (model.path / rel).read_bytes()
    assert staging_leftovers(home_b) == []


def test_open_session_factory_and_verify(qtbot, registry, homes, make_manager):
    """The brief's factory shape: open_session(endpoint, token, home=...)."""
    home_a, _ = homes
    model = make_model(home_a, "plain", {"a.bin": 200_000, "b/c.txt": 10})
    manager = make_manager(lambda: open_session(registry.endpoint, registry.token, home=home_a))
    recorder = Recorder(manager)
    assert recorder.wait(qtbot, manager.push("plain")).status is JobStatus.DONE
    verified = recorder.wait(qtbot, manager.verify(str(model.tag)))
    assert verified.status is JobStatus.DONE, verified.error
    assert {f.checksum for f in verified.files} == {ChecksumState.VERIFIED}
    again = recorder.wait(qtbot, manager.push("plain"))
    assert again.status is JobStatus.SKIPPED and "already" in again.message


def test_second_job_for_the_same_model_is_refused(qtbot, registry, homes, make_manager):
    home_a, _ = homes
    model = make_model(home_a, "busy", {"w.bin": 4 * MIB})
    manager = make_manager(
        session_factory(registry.endpoint, registry.token, home_a, client_class=ThrottledClient)
    )
    recorder = Recorder(manager)
    job = manager.push(str(model.tag))
    for request in (
        lambda: manager.push(str(model.tag)),
        lambda: manager.pull("busy"),  # version not resolved: may be the same one
        lambda: manager.verify("busy:latest"),
    ):
        with pytest.raises(JobRefused, match=rf"busy.*job #{job} \(push busy:"):
            request()
    assert len(manager.jobs()) == 1
    other = manager.pull("busy:someotherversion")  # another version is another folder
    recorder.wait(qtbot, job)
    assert recorder.wait(qtbot, other).status is JobStatus.FAILED


def test_cancel_running_push_and_pull_then_retry(qtbot, registry, homes, make_manager):
    home_a, home_b = homes
    model = make_model(home_a, "big", {"w.bin": 12 * MIB, "x.bin": MIB})
    slow_a = session_factory(
        registry.endpoint, registry.token, home_a, client_class=ThrottledClient
    )
    manager = make_manager(slow_a)
    recorder = Recorder(manager)

    job = manager.push(str(model.tag))
    qtbot.waitUntil(
        lambda: any(s.progress.done_bytes > MIB for s in recorder.snapshots(job)), timeout=20_000
    )
    manager.cancel(job)
    assert manager.snapshot(job).cancel_requested
    cancelled = recorder.wait(qtbot, job)
    assert cancelled.status is JobStatus.CANCELLED
    assert cancelled.progress.phase is Phase.CANCELLED
    assert not manager.is_busy(str(model.tag))

    retried = manager.retry(job)
    assert retried != job and [s.job_id for s in manager.jobs()] == [retried]
    assert recorder.wait(qtbot, retried).status is JobStatus.DONE

    # Now a pull into an empty home, cancelled mid-download: nothing half-installed.
    puller = make_manager(
        session_factory(registry.endpoint, registry.token, home_b, client_class=ThrottledClient)
    )
    pull_recorder = Recorder(puller)
    pull = puller.pull(str(model.tag))
    qtbot.waitUntil(
        lambda: any(s.progress.done_bytes > MIB for s in pull_recorder.snapshots(pull)),
        timeout=20_000,
    )
    puller.cancel(pull)
    assert pull_recorder.wait(qtbot, pull).status is JobStatus.CANCELLED
    assert staging_leftovers(home_b) == []
    assert not (home_b / "models" / "big").exists()
    assert LocalStore(home_b).list().models == []

    done = pull_recorder.wait(qtbot, puller.retry(pull))
    assert done.status is JobStatus.DONE, done.error
    assert LocalStore(home_b).get(model.tag).file_count == 3


def test_cancel_queued_job_ends_at_once(qtbot, registry, homes, make_manager):
    home_a, _ = homes
    first = make_model(home_a, "first", {"w.bin": 6 * MIB})
    second = make_model(home_a, "second", {"w.bin": 1024}, seed=2)
    manager = make_manager(
        session_factory(registry.endpoint, registry.token, home_a, client_class=ThrottledClient),
        concurrent=1,
    )
    recorder = Recorder(manager)
    running = manager.push(str(first.tag))
    queued = manager.push(str(second.tag))
    assert manager.snapshot(queued).status is JobStatus.QUEUED
    manager.cancel(queued)
    assert recorder.finished[queued].status is JobStatus.CANCELLED  # no wait for a slot
    assert not manager.is_busy("second")
    assert recorder.wait(qtbot, running).status is JobStatus.DONE
    assert manager.clear_finished() == [running, queued]
    assert manager.jobs() == []


def test_failure_is_a_message_not_a_traceback(qtbot, registry, homes, make_manager):
    home_a, _ = homes
    manager = make_manager(lambda: open_session(registry.endpoint, "wrong-token", home=home_a))
    recorder = Recorder(manager)
    make_model(home_a, "denied", {"a.bin": 10})
    failed = recorder.wait(qtbot, manager.push("denied"))
    assert failed.status is JobStatus.FAILED
    assert failed.error and "Traceback" not in failed.error
    assert failed.progress.phase is Phase.FAILED
    missing = recorder.wait(qtbot, manager.push("nosuchmodel"))
    assert missing.status is JobStatus.FAILED and "nosuchmodel" in missing.error


def _flip_byte_inside(blob: Path, member_path: str) -> None:
    with tarfile.open(blob) as archive:
        member = next(m for m in archive.getmembers() if m.name.lstrip("./") == member_path)
        offset = member.offset_data + member.size // 2
    with open(blob, "r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0xFF]))


def test_corrupted_blob_fails_the_pull_with_a_mismatch_on_that_file(
    qtbot, registry, homes, make_manager
):
    home_a, home_b = homes
    model = make_model(home_a, "fragile", FILES)
    pusher = make_manager(lambda: open_session(registry.endpoint, registry.token, home=home_a))
    assert Recorder(pusher).wait(qtbot, pusher.push(str(model.tag))).status is JobStatus.DONE
    blobs = list((registry.data_dir / "blobs").iterdir())
    assert len(blobs) == 1
    _flip_byte_inside(blobs[0], "weights/extra.bin")

    puller = make_manager(lambda: open_session(registry.endpoint, registry.token, home=home_b))
    tree = TransfersModel(puller)
    recorder = Recorder(puller)
    failed = recorder.wait(qtbot, puller.pull("fragile"))

    assert failed.status is JobStatus.FAILED
    assert "weights/extra.bin" in failed.error
    states = {f.path: f.checksum for f in failed.files}
    assert states["weights/extra.bin"] is ChecksumState.MISMATCH
    assert ChecksumState.MISMATCH not in {s for p, s in states.items() if p != "weights/extra.bin"}
    # The tree shows the red icon on that very row, with the reason in its tooltip.
    from PySide6.QtCore import Qt

    from bentosync.gui.models.transfers_model import COL_CHECKSUM

    cell = tree.file_index(failed.job_id, "weights/extra.bin", COL_CHECKSUM)
    assert cell.data(Qt.ItemDataRole.ToolTipRole).startswith("Mismatch")
    assert not cell.data(Qt.ItemDataRole.DecorationRole).isNull()
    # The local store is exactly as it was: empty, no staging left behind.
    assert LocalStore(home_b).list().models == []
    assert staging_leftovers(home_b) == []
