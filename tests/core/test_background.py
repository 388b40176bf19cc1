"""Transfers run below the window's priority: really lowered, per thread on Linux."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from bentosync.core.background import lower_thread_priority

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice")


@linux_only
def test_only_the_calling_thread_and_what_it_starts_are_lowered() -> None:
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: dict[str, int] = {}

    def worker() -> None:
        assert lower_thread_priority(5)
        seen["worker"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

        def child() -> None:
            seen["child"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

        inner = threading.Thread(target=child)
        inner.start()
        inner.join()

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert seen["worker"] == min(19, main_before + 5)
    assert seen["child"] == seen["worker"]  # the engine's part threads inherit it
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before


@pytest.mark.skipif(not hasattr(os, "nice"), reason="POSIX only")
def test_a_process_lowers_itself() -> None:
    code = (
        "import os; from bentosync.core.background import lower_process_priority as f; "
        "before = os.nice(0); assert f(3); print(os.nice(0) - before)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) in (3, 19 - os.nice(0))  # capped at 19


def test_the_serve_command_offers_background(capsys: pytest.CaptureFixture[str]) -> None:
    from bentosync.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["registry", "serve", "--help"])
    assert exit_info.value.code == 0
    assert "--background" in capsys.readouterr().out
