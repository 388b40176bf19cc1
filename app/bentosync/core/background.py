"""Background work yields the CPU to the window: transfers run at a lower priority.

On a 2-core laptop a transfer can keep both cores busy (hashing, the TLS or
HTTP stack, a local registry checking what arrives). At the same priority the
window then waits its turn for a core and stutters; one step lower, it gets a
core the moment it wakes, and the transfer loses almost nothing because the
window is idle most of the time. This is what desktop sync clients do for
their indexers and uploaders.

Linux keeps a nice value per thread, and threads (and processes) started from a
thread inherit it, so lowering a transfer's pool thread covers every thread the
engine starts for it. Elsewhere only whole processes are lowered.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

logger = logging.getLogger(__name__)

BACKGROUND_NICENESS = 10


def lower_thread_priority(step: int = BACKGROUND_NICENESS) -> bool:
    """Lower the calling thread (Linux) by ``step``; False where threads cannot be."""
    if not sys.platform.startswith("linux"):
        return False
    tid = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, current + step))
    except OSError as exc:
        logger.debug("Could not lower the priority of thread %d: %s", tid, exc)
        return False
    return True


def lower_process_priority(step: int = BACKGROUND_NICENESS) -> bool:
    """Lower this whole process by ``step`` (POSIX); False where it cannot be."""
    if not hasattr(os, "nice"):
        return False
    try:
        os.nice(step)
    except OSError as exc:
        logger.debug("Could not lower this process's priority: %s", exc)
        return False
    return True
