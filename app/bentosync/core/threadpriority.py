"""Letting one worker thread yield the CPU, where the OS allows it per thread.

Parallel hashing ends when its largest file is hashed, so the workers hashing
the other files should not take CPU from that one; nor from the rest of the
program, which keeps loading and talking to the server beside the hashing. On
the 2-core bench, evenly shared cores made the largest file of a 1 GiB model
finish 30-40 ms later than when the other workers yield.

Linux only: there every thread has a nice value of its own, set through its
thread id. Elsewhere ``PRIO_PROCESS`` with a thread id would change the whole
process, or another process that happens to have that id, so this does nothing.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

logger = logging.getLogger(__name__)


def lower_this_thread(niceness: int) -> bool:
    """Run the calling thread ``niceness`` steps below the main thread; True if it now does.

    Idempotent: the level is relative to the main thread, not to the thread's
    own current one. A thread cannot raise its priority again, so only call
    this from threads that end with their job (pool workers of one batch).
    """
    if sys.platform != "linux" or threading.current_thread() is threading.main_thread():
        return False
    try:
        target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + niceness)
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), target)
    except OSError as exc:  # a sandbox may forbid it; hashing works the same, a little slower
        logger.debug("Cannot lower a hashing thread's priority: %s", exc)
        return False
    return True
