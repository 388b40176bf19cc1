"""Stagger: parts of a multipart upload start one after another, never held back long."""

from __future__ import annotations

import threading
import time

import pytest

from bentosync.core.transfer import upload
from bentosync.core.transfer.upload import Stagger


def test_a_part_waits_until_the_one_before_passed_the_mark() -> None:
    stagger = Stagger([1, 2, 3], mark=100, cancel=threading.Event())
    stagger.wait_turn(1)  # the first never waits
    started = threading.Event()

    def second() -> None:
        stagger.wait_turn(2)
        started.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not started.wait(0.1)
    stagger.sender(1)(99)
    assert not started.wait(0.1)
    stagger.sender(1)(100)
    assert started.wait(2)
    thread.join()


def test_a_part_that_ended_early_lets_the_next_go() -> None:
    stagger = Stagger([4, 7], mark=10**9, cancel=threading.Event())
    stagger.wait_turn(4)
    stagger.release(4)  # failed or finished before the mark
    begun = time.monotonic()
    stagger.wait_turn(7)
    assert time.monotonic() - begun < 0.2


def test_a_slow_part_holds_the_next_only_for_a_while(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload, "STAGGER_MAX_WAIT", 0.2)
    stagger = Stagger([1, 2], mark=10**9, cancel=threading.Event())
    stagger.wait_turn(1)
    begun = time.monotonic()
    stagger.wait_turn(2)
    waited = time.monotonic() - begun
    assert 0.1 <= waited < 2


def test_cancel_stops_the_wait() -> None:
    cancel = threading.Event()
    stagger = Stagger([1, 2], mark=10**9, cancel=cancel)
    stagger.wait_turn(1)
    threading.Timer(0.05, cancel.set).start()
    begun = time.monotonic()
    stagger.wait_turn(2)
    assert time.monotonic() - begun < upload.STAGGER_MAX_WAIT
