"""Background work yields the CPU: to the window, and to the hashing of the largest file.

Two uses, one rule. A transfer's pool thread runs ``BACKGROUND_NICENESS``
below the main thread: on a 2-core laptop a transfer can keep both cores
busy (hashing, the TLS or HTTP stack, a local registry checking what
arrives); at the same priority the window waits its turn and stutters, one
step lower it gets a core the moment it wakes, and the transfer loses almost
nothing because the window is idle most of the time. And parallel hashing
ends when its largest file is hashed, so the workers on the other files yield
to that one (on the 2-core bench, evenly shared cores made the largest file
of a 1 GiB model finish 30-40 ms later).

The level is absolute: ``niceness`` steps below the main thread, whatever the
thread's own level is now. A pool thread is reused by the next job; lowering
it relative to where it was would drop it one more step per job until it
sat at 19. A thread already lower (inherited from a lowered parent) is left
as it is, since raising a priority needs privileges.

Linux only for threads: there every thread has a nice value of its own, set
through its thread id, and threads started from a thread inherit it (so the
engine's part threads follow their pool thread). Elsewhere ``PRIO_PROCESS``
with a thread id would change the whole process, or another process that
happens to have that id, so this does nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

logger = logging.getLogger(__name__)

#: How far below the window transfers run (pool threads, the embedded registry).
BACKGROUND_NICENESS = 10

_process_base: int | None = None  # this process's niceness before it lowered itself


def lower_this_thread(niceness: int = BACKGROUND_NICENESS) -> bool:
    """Run the calling thread ``niceness`` steps below the main thread; True if it now does.

    Idempotent. The main thread is never lowered (it is the window's).
    """
    if sys.platform != "linux" or threading.current_thread() is threading.main_thread():
        return False
    tid = threading.get_native_id()
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + niceness)
        current = os.getpriority(os.PRIO_PROCESS, tid)
        if current < target:
            os.setpriority(os.PRIO_PROCESS, tid, target)
    except OSError as exc:  # a sandbox may forbid it; the work is the same, a little slower
        logger.debug("Cannot lower the priority of thread %d: %s", tid, exc)
        return False
    return True


def lower_process_priority(niceness: int = BACKGROUND_NICENESS) -> bool:
    """Run this whole process ``niceness`` steps below where it started (POSIX); idempotent."""
    global _process_base
    if not hasattr(os, "nice"):
        return False
    try:
        current = os.nice(0)
        if _process_base is None:
            _process_base = current
        target = min(19, _process_base + niceness)
        if current < target:
            os.nice(target - current)
    except OSError as exc:
        logger.debug("Could not lower this process's priority: %s", exc)
        return False
    return True
