"""Keeping CPython's cycle collector out of bulk work: transfers and listings.

A transfer of 20,000 files, or a listing of 10,000 versions, makes tens of
thousands of objects that live for the whole run: the file entries, hashes,
snapshots and rows. None of them is part of a reference cycle; reference
counting frees them. The cycle collector still counts them as allocations and
traverses them, again and again as they age, together with every object the
imports made. Measured on the benchmark VM:

* a 20,000-file ``bentosync push`` ran 547 young and 3 full collections; it
  took 2.3-3.0 s with the collector paused against 2.7-3.5 s without;
* in the window, full collections of 80-140 ms were the largest GUI stalls
  during a 20,000-file job (the collector holds the GIL, so whichever thread
  runs it stops the window), and 170 ms of a first listing of 10,000 versions.

The cyclic garbage a whole push or pull leaves is about 1,300 objects, the same
for one file, 20,000 files or 400 MiB: it comes from imports, not from the
per-file work. So while bulk work runs, automatic collection is paused
(:func:`bulk_work`), and a watchdog thread still collects every
``COLLECT_EVERY_S`` while a pause lasts, so that a job of hours never holds
its garbage for hours. Pauses nest and overlap (two jobs and a listing in the
window): collection resumes when the last one ends, and only if it was on when
the first began (a host program that turned it off keeps it off).

:func:`freeze_startup` is the other half, for the long-lived window: what the
imports made is moved out of the collector's reach (``gc.freeze``), so the
collections that do run skip it. Frozen objects are still freed by reference
counting.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

logger = logging.getLogger(__name__)

#: How often the watchdog collects while a pause lasts: rarely enough that a
#: job's collections are a handful per hour, often enough to bound garbage.
COLLECT_EVERY_S = 60.0

_lock = threading.Lock()
_depth = 0
_resume = False
_watchdog: _Watchdog | None = None


class _Watchdog(threading.Thread):
    """Runs a full collection every ``interval`` seconds until stopped."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="bentosync-gc-watchdog", daemon=True)
        self._interval = interval
        self._halt = threading.Event()
        self.collections = 0

    def run(self) -> None:
        while not self._halt.wait(self._interval):
            started = time.perf_counter()
            found = gc.collect()
            self.collections += 1
            logger.debug(
                "Collected %d unreachable objects during a pause in %.0f ms",
                found,
                (time.perf_counter() - started) * 1000,
            )

    def halt(self) -> None:
        self._halt.set()


@contextmanager
def bulk_work(collect_every_s: float | None = None) -> Iterator[None]:
    """Pause automatic cycle collection while the block runs (thread-safe, nestable).

    ``collect_every_s`` sets the watchdog's interval when this pause is the
    first; ``COLLECT_EVERY_S`` by default.
    """
    _begin(COLLECT_EVERY_S if collect_every_s is None else collect_every_s)
    try:
        yield
    finally:
        _end()


def _begin(interval: float) -> None:
    global _depth, _resume, _watchdog
    with _lock:
        _depth += 1
        if _depth > 1:
            return
        _resume = gc.isenabled()
        gc.disable()
        if _resume:  # collection was on: keep garbage bounded meanwhile
            _watchdog = _Watchdog(interval)
            _watchdog.start()


def _end() -> None:
    global _depth, _watchdog
    with _lock:
        _depth -= 1
        if _depth > 0:
            return
        if _watchdog is not None:
            _watchdog.halt()
            _watchdog = None
        if _resume:
            gc.enable()


def paused() -> bool:
    """Whether a pause is in effect (for tests and diagnostics)."""
    with _lock:
        return _depth > 0


def freeze_startup() -> int:
    """Exempt every object alive now from future collections; returns how many.

    For the window, once its imports and widgets are made: those live as long
    as the process, and each full collection traversed them all. The garbage
    of start-up is collected first, or it would stay for good.
    """
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.debug("Froze %d start-up objects out of the cycle collector's way", frozen)
    return frozen


def thaw() -> None:
    """Undo :func:`freeze_startup` (the window closed; its host process goes on)."""
    gc.unfreeze()
