"""Hashing workers on the smaller files yield the CPU to the one on the largest."""

from __future__ import annotations

import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bentosync.core import threadpriority
from bentosync.core.manifest import YIELD_NICENESS, hash_files, scan_files
from bentosync.core.threadpriority import lower_this_thread

linux_only = pytest.mark.skipif(
    sys.platform != "linux", reason="only Linux gives a thread a nice value of its own"
)


def own_niceness() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def base() -> int:
    return os.getpriority(os.PRIO_PROCESS, os.getpid())


@linux_only
def test_a_worker_lowers_only_itself_and_to_a_fixed_level():
    def work() -> tuple[bool, int, bool, int]:
        first = lower_this_thread(3)
        after_first = own_niceness()
        again = lower_this_thread(3)
        return first, after_first, again, own_niceness()

    before = own_niceness()
    with ThreadPoolExecutor(1) as pool:
        first, after_first, again, after_again = pool.submit(work).result()
    expected = min(19, base() + 3)
    assert (first, after_first, again, after_again) == (True, expected, True, expected)
    assert own_niceness() == before  # the calling thread is untouched


def test_the_main_thread_is_never_lowered():
    before = own_niceness() if sys.platform == "linux" else None
    assert lower_this_thread(5) is False
    if before is not None:
        assert own_niceness() == before


def test_elsewhere_than_linux_nothing_changes(monkeypatch):
    monkeypatch.setattr(threadpriority.sys, "platform", "darwin")
    calls = []
    monkeypatch.setattr(threadpriority.os, "setpriority", lambda *args: calls.append(args))
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(lower_this_thread, 5).result() is False
    assert calls == []


@linux_only
def test_hashing_keeps_the_largest_file_at_normal_priority(tmp_path):
    sizes = {"big.bin": 3 * 1024 * 1024, "mid.bin": 1024 * 1024, "a.txt": 10, "b.txt": 20}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(os.urandom(size))
    niceness: dict[str, int] = {}

    def progress(path: str, done: int, size: int) -> None:
        niceness.setdefault(path, own_niceness())  # on the worker, at its first report

    hash_files(scan_files(tmp_path), workers=2, progress=progress)
    lowered = min(19, base() + YIELD_NICENESS)
    assert lowered > base() or base() == 19
    assert niceness == {"big.bin": base(), "mid.bin": lowered, "a.txt": lowered, "b.txt": lowered}
