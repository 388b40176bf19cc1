"""Drop-behind: a transfer's pages leave the page cache once they are on disk and used.

A model archive passes through a machine once. The registry writes an
upload, checks it, and does not read it again until a download streams it
through once more; a pull writes files it has hashed on the way in. Left in
the cache, every gigabyte claims another gigabyte of memory the kernel must
find, and new memory is the slow kind: on a VM whose free pages went back to
the host (virtio-balloon free page reporting) each one costs a fault in the
host. Measured on a 2-core VM, writing 1 GiB into a new file took 2.4-3.5 s
that way, and 0.5-1.2 s when the pages written 32 MiB earlier were handed
back and reused. It also spares the user's own cache: a 10 GB pull does not
push out everything else. Transfer tools do the same (libtorrent's default
"disable OS cache" for writes; MinIO for large objects).

So whoever streams a file through (the check of an arriving upload, a
completion scan, a download, a pull writing a model file) tells a
``DropBehind`` how far it got. It starts writeback of what was passed, and a
little later (``LAG``), once that is on disk, drops those pages. A transfer
then holds a few tens of MiB of cache, recycled, whatever its size. Only a
hint: where the calls are missing (not Linux), nothing changes but the
memory use.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from collections.abc import Callable, Iterable

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
LAG = 32 * MiB  # kept cached behind the reader: tar headers, short seeks back
STEP = 8 * MiB  # work in steps this big, not per read

SYNC_FILE_RANGE_WAIT_BEFORE = 1
SYNC_FILE_RANGE_WRITE = 2
SYNC_FILE_RANGE_WAIT_AFTER = 4
_WRITE_AND_WAIT = SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER

# (fd, offset in that file, length): one file's share of an archive range.
Span = tuple[int, int, int]


def _load_sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


SYNC_FILE_RANGE = _load_sync_file_range()
CAN_DROP = SYNC_FILE_RANGE is not None and hasattr(os, "posix_fadvise")


def start_writeback(fd: int, offset: int, length: int) -> None:
    """Begin writing the range to disk without waiting (a no-op where unsupported)."""
    if SYNC_FILE_RANGE is not None and length > 0:
        SYNC_FILE_RANGE(fd, offset, length, SYNC_FILE_RANGE_WRITE)


def forget(fd: int, offset: int, length: int) -> None:
    """Write the range to disk if it is dirty, then drop it from the page cache.

    The wait matters: the kernel skips dirty pages when told to drop them.
    This is not durability (no disk cache flush, no metadata): the fsync
    before an archive is published still does that.
    """
    if not CAN_DROP or length <= 0:
        return
    SYNC_FILE_RANGE(fd, offset, length, _WRITE_AND_WAIT)  # type: ignore[misc]
    try:
        os.posix_fadvise(fd, offset, length, os.POSIX_FADV_DONTNEED)
    except OSError as exc:  # a hint; a filesystem may refuse it
        logger.debug("posix_fadvise(DONTNEED) refused: %s", exc)


def forget_files(fds: Iterable[int]) -> None:
    """Drop whole files (already synced) from the cache."""
    for fd in fds:
        forget(fd, 0, os.fstat(fd).st_size)


class DropBehind:
    """Follows one reader or writer through a file, or through an archive kept as
    several files: ``spans(start, end)`` maps a range to the files holding it."""

    def __init__(self, spans: Callable[[int, int], Iterable[Span]], start: int = 0) -> None:
        self._spans = spans
        self._written_from = start  # writeback started from ``start`` up to this
        self._dropped_to = start  # dropped from ``start`` up to this

    @classmethod
    def for_file(cls, fd: int, start: int = 0) -> DropBehind:
        return cls(lambda begin, end: [(fd, begin, end - begin)], start)

    def passed(self, offset: int) -> None:
        """Everything before ``offset`` is written, or read, and will not be needed again."""
        if not CAN_DROP:
            return
        if offset - self._written_from >= STEP:
            for fd, start, length in self._spans(self._written_from, offset):
                start_writeback(fd, start, length)
            self._written_from = offset
        drop_to = min(offset - LAG, self._written_from)
        if drop_to - self._dropped_to >= STEP:
            for fd, start, length in self._spans(self._dropped_to, drop_to):
                forget(fd, start, length)
            self._dropped_to = drop_to
