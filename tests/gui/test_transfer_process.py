"""TransferManager with isolation="process": the engine runs in a spawned child per job."""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from transfer_support import MIB, Recorder, SlowSessionSpec, make_model, staging_leftovers

from bentosync.core.credentials import save_login
from bentosync.core.store import LocalStore
from bentosync.core.transfer.progress import ChecksumState, Phase
from bentosync.gui.settings import TransferSettings
from bentosync.gui.workers.job_process import SessionSpec
from bentosync.gui.workers.jobs import JobStatus
from bentosync.gui.workers.transfer_manager import TransferManager
from support.keyrings import no_keyring, use_keyring

FILES = {"weights/a.bin": 2 * MIB + 5, "b.txt": 1000}


@pytest.fixture
def process_manager(qapp, settings):
    managers: list[TransferManager] = []

    def make(spec: SessionSpec) -> TransferManager:
        manager = TransferManager(spec, TransferSettings(settings), isolation="process")
        managers.append(manager)
        return manager

    yield make
    for manager in managers:
        assert manager.shutdown(30_000)
        manager.deleteLater()
    assert multiprocessing.active_children() == []  # no job process outlives its manager


def test_lambda_cannot_cross_to_a_process(qapp):
    with pytest.raises(TypeError, match="SessionSpec"):
        TransferManager(lambda: None, isolation="process")
    with pytest.raises(ValueError):
        TransferManager(SessionSpec(), isolation="fibre")


def test_push_and_pull_in_job_processes(qtbot, registry, tmp_path: Path, process_manager):
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    home_a.mkdir()
    home_b.mkdir()
    model = make_model(home_a, "isolated", FILES)
    spec = SlowSessionSpec(registry.endpoint, registry.token, str(home_a))
    pusher = process_manager(spec)
    recorder = Recorder(pusher)
    job = pusher.push("isolated")
    assert pusher.is_busy("isolated")
    done = recorder.wait(qtbot, job)
    assert done.status is JobStatus.DONE, done.error
    assert done.tag == str(model.tag)  # the child's resolution reached the parent
    assert {f.checksum for f in done.files} == {ChecksumState.VERIFIED}
    assert len(recorder.snapshots(job)) >= 3
    fractions = [s.fraction for s in recorder.snapshots(job)]
    assert fractions == sorted(fractions)

    puller = process_manager(SessionSpec(registry.endpoint, registry.token, str(home_b)))
    pulled = Recorder(puller).wait(qtbot, puller.pull(str(model.tag)))
    assert pulled.status is JobStatus.DONE, pulled.error
    assert LocalStore(home_b).get(model.tag).file_count == len(FILES) + 1


def test_cancel_reaches_the_child_which_cleans_up(qtbot, registry, tmp_path, process_manager):
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    home_a.mkdir()
    home_b.mkdir()
    model = make_model(home_a, "stopme", {"w.bin": 8 * MIB})
    pusher = process_manager(SessionSpec(registry.endpoint, registry.token, str(home_a)))
    assert Recorder(pusher).wait(qtbot, pusher.push(str(model.tag))).status is JobStatus.DONE

    puller = process_manager(SlowSessionSpec(registry.endpoint, registry.token, str(home_b)))
    recorder = Recorder(puller)
    job = puller.pull(str(model.tag))
    qtbot.waitUntil(
        lambda: any(s.progress.done_bytes > MIB for s in recorder.snapshots(job)), timeout=30_000
    )
    puller.cancel(job)
    cancelled = recorder.wait(qtbot, job)
    assert cancelled.status is JobStatus.CANCELLED
    assert cancelled.progress.phase is Phase.CANCELLED
    assert staging_leftovers(home_b) == [] and LocalStore(home_b).list().models == []


def test_session_only_login_is_resolved_in_the_window(qtbot, registry, tmp_path, process_manager):
    home = tmp_path / "a"
    home.mkdir()
    make_model(home, "sessiononly", {"a.bin": 1000})
    with use_keyring(no_keyring()):
        save_login("temp", registry.endpoint, registry.token, session_only=True)
        manager = process_manager(SessionSpec(home=str(home)))  # no explicit credentials
        done = Recorder(manager).wait(qtbot, manager.push("sessiononly"))
    assert done.status is JobStatus.DONE, done.error


def test_a_killed_job_process_fails_the_job(qtbot, registry, tmp_path, process_manager):
    home = tmp_path / "a"
    home.mkdir()
    make_model(home, "killed", {"w.bin": 8 * MIB})
    manager = process_manager(SlowSessionSpec(registry.endpoint, registry.token, str(home)))
    recorder = Recorder(manager)
    job = manager.push("killed")
    qtbot.waitUntil(
        lambda: any(s.progress.done_bytes > 0 for s in recorder.snapshots(job)), timeout=30_000
    )
    (child,) = multiprocessing.active_children()
    os.kill(child.pid, signal.SIGKILL)
    failed = recorder.wait(qtbot, job)
    assert failed.status is JobStatus.FAILED
    assert "stopped unexpectedly" in failed.error and "-9" in failed.error
    assert failed.progress.phase is Phase.FAILED
    assert not manager.is_busy("killed")
