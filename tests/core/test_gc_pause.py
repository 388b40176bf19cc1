"""The cycle collector stays out of bulk work, and comes back after it.

What the pause buys is measured in ``tests/bench`` (the GUI frame gaps during a
20,000-file job, a push's time); here: that it pauses, nests across threads,
restores what was there before, still collects garbage during a long pause,
and that listings and jobs run under it.
"""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from bentosync.application.jobs import KIND_PULL, KIND_PUSH, JobId, JobSpec, perform
from bentosync.core import gc_pause
from bentosync.core.store import LocalStore
from support.big_listing import write_big_store


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    """Every test starts with collection on, and leaves it as it found it."""
    was = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        assert not gc_pause.paused(), "a test left a pause open"
        if not was:
            gc.disable()


class Cycle:
    """An object in a reference cycle: only the cycle collector can free it."""

    def __init__(self) -> None:
        self.me = self


def test_a_pause_turns_collection_off_and_back_on() -> None:
    with gc_pause.bulk_work():
        assert not gc.isenabled()
        assert gc_pause.paused()
    assert gc.isenabled()
    assert not gc_pause.paused()


def test_collection_resumes_after_an_exception() -> None:
    with pytest.raises(RuntimeError), gc_pause.bulk_work():
        raise RuntimeError("the job failed")
    assert gc.isenabled()


def test_overlapping_pauses_resume_only_when_the_last_one_ends() -> None:
    """Two jobs and a listing in the window: the first to end must not resume it."""
    first_in = threading.Event()
    second_may_end = threading.Event()
    seen: list[bool] = []

    def second() -> None:
        with gc_pause.bulk_work():
            first_in.set()
            second_may_end.wait(5)

    with gc_pause.bulk_work():
        other = threading.Thread(target=second)
        other.start()
        assert first_in.wait(5)
    seen.append(gc.isenabled())  # the first pause ended, the second still runs
    second_may_end.set()
    other.join(5)
    assert seen == [False]
    assert gc.isenabled()


def test_a_host_that_turned_collection_off_keeps_it_off() -> None:
    gc.disable()
    try:
        with gc_pause.bulk_work():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_garbage_is_still_collected_during_a_long_pause() -> None:
    """A job of hours must not hold its cyclic garbage for hours."""
    with gc_pause.bulk_work(collect_every_s=0.05):
        garbage = Cycle()
        gone = weakref.ref(garbage)
        del garbage
        assert gone() is not None  # only a collection frees a cycle
        deadline = time.monotonic() + 10
        while gone() is not None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert gone() is None
        assert not gc.isenabled()  # the watchdog collected; automatic stays off


def test_no_watchdog_runs_after_the_pause() -> None:
    with gc_pause.bulk_work(collect_every_s=0.05):
        pass
    names = [thread.name for thread in threading.enumerate()]
    deadline = time.monotonic() + 5
    while "bentosync-gc-watchdog" in names and time.monotonic() < deadline:
        time.sleep(0.02)
        names = [thread.name for thread in threading.enumerate()]
    assert "bentosync-gc-watchdog" not in names


def test_freezing_startup_objects_and_thawing_them() -> None:
    try:
        assert gc_pause.freeze_startup() > 0
        assert gc.get_freeze_count() > 0
    finally:
        gc_pause.thaw()
    assert gc.get_freeze_count() == 0


def test_a_listing_runs_with_collection_paused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_big_store(home, names=2, per_name=3)
    seen: list[bool] = []
    listing = LocalStore(home).list(
        on_batch=lambda _models: seen.append(gc.isenabled()), batch_seconds=0
    )
    assert len(listing.models) == 6
    assert seen and not any(seen)
    assert gc.isenabled()


class _Engine:
    """A pusher or puller that notes whether collection was on while it ran."""

    def __init__(self, seen: list[bool]) -> None:
        self._seen = seen

    def run(self) -> SimpleNamespace:
        self._seen.append(gc.isenabled())
        return SimpleNamespace(skipped=False, message="done", phrase=None)


@pytest.mark.parametrize("kind", [KIND_PUSH, KIND_PULL])
def test_a_job_runs_with_collection_paused(kind: str) -> None:
    seen: list[bool] = []
    session = SimpleNamespace(
        pusher=lambda *_args, **_kwargs: _Engine(seen),
        puller=lambda *_args, **_kwargs: _Engine(seen),
    )
    outcome = perform(session, JobSpec(JobId(1), kind, "model:v1"))  # type: ignore[arg-type]
    assert outcome.message == "done"
    assert seen == [False]
    assert gc.isenabled()
