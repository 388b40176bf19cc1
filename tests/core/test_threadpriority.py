"""Background threads yield the CPU: transfers to the window, hashing to the largest file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from bentosync.core import threadpriority
from bentosync.core.manifest import YIELD_NICENESS, hash_files, scan_files
from bentosync.core.threadpriority import BACKGROUND_NICENESS, lower_this_thread

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


@linux_only
def test_only_the_calling_thread_and_what_it_starts_are_lowered() -> None:
    main_before = own_niceness()
    seen: dict[str, int] = {}

    def worker() -> None:
        assert lower_this_thread(5)
        seen["worker"] = own_niceness()

        def child() -> None:
            seen["child"] = own_niceness()

        inner = threading.Thread(target=child)
        inner.start()
        inner.join()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["worker"] == min(19, main_before + 5)
    assert seen["child"] == seen["worker"]  # the engine's part threads inherit it
    assert own_niceness() == main_before


@linux_only
def test_a_reused_pool_thread_stays_at_the_background_level():
    """The second job on a pool thread must not push it one more step down (to 19)."""
    with ThreadPoolExecutor(1) as pool:
        levels = [pool.submit(lambda: (lower_this_thread(), own_niceness())[1]).result()]
        levels += [pool.submit(lambda: (lower_this_thread(), own_niceness())[1]).result()]
    assert levels == [min(19, base() + BACKGROUND_NICENESS)] * 2


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX only")
def test_a_process_lowers_itself_once() -> None:
    code = (
        "import os; from bentosync.core.threadpriority import lower_process_priority as f; "
        "before = os.nice(0); assert f(3); assert f(3); print(os.nice(0) - before)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) in (3, 19 - os.nice(0))  # capped at 19


def test_the_serve_command_offers_background(capsys: pytest.CaptureFixture[str]) -> None:
    from bentosync.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["registry", "serve", "--help"])
    assert exit_info.value.code == 0
    assert "--background" in capsys.readouterr().out
