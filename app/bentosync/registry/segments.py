"""An archive kept as several files read as one: a multipart upload stays as its parts.

Concatenating the parts into one file costs a second full write of the
archive (on a small machine, as long as the upload itself), and a second
copy on disk until the parts are gone. Nothing needs the single file: the
check reads the parts in order, and a download reads byte ranges, which map
onto parts as easily as onto one file.

Readers work on open descriptors, so a part renamed or deleted after it was
opened is still read whole: one response, or one scan, always sees one
consistent set of files.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bentosync.core.pagecache import DropBehind, Span


class SegmentedFile:
    """Open files that read as their concatenation; owns (and closes) the descriptors."""

    def __init__(self) -> None:
        self._fds: list[int] = []
        self._starts: list[int] = []
        self._size = 0

    @classmethod
    def open(cls, paths: Iterable[Path]) -> SegmentedFile:
        joined = cls()
        try:
            for path in paths:
                fd = os.open(path, os.O_RDONLY)
                joined.append(fd, os.fstat(fd).st_size)
        except BaseException:
            joined.close()
            raise
        return joined

    @property
    def size(self) -> int:
        return self._size

    def append(self, fd: int, size: int) -> None:
        """Add ``fd`` (now owned) as the next ``size`` bytes."""
        self._fds.append(fd)
        self._starts.append(self._size)
        self._size += size

    def pread(self, size: int, offset: int) -> bytes:
        """Up to ``size`` bytes at ``offset``; short only at the end, or where a file
        turned out shorter than it was when opened (the caller treats that as an error)."""
        size = min(size, self._size - offset)
        if size <= 0:
            return b""
        index = bisect.bisect_right(self._starts, offset) - 1
        pieces: list[bytes] = []
        while size > 0 and index < len(self._fds):
            end = self._starts[index + 1] if index + 1 < len(self._fds) else self._size
            want = min(size, end - offset)
            piece = os.pread(self._fds[index], want, offset - self._starts[index])
            pieces.append(piece)
            if len(piece) < want:
                break
            offset += want
            size -= want
            index += 1
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def spans(self, start: int, end: int) -> Iterator[Span]:
        """``(fd, offset in that file, length)`` of each file's share of ``[start, end)``."""
        end = min(end, self._size)
        index = max(0, bisect.bisect_right(self._starts, start) - 1)
        while start < end and index < len(self._fds):
            file_end = self._starts[index + 1] if index + 1 < len(self._fds) else self._size
            if start < file_end:
                length = min(end, file_end) - start
                yield self._fds[index], start - self._starts[index], length
                start += length
            index += 1

    def close(self) -> None:
        fds, self._fds, self._starts, self._size = self._fds, [], [], 0
        for fd in fds:
            os.close(fd)


class SegmentReader:
    """A file object over a SegmentedFile, read front to back (``core.tarstream``).

    ``wait_for(end)`` (optional) runs before every read: it may add segments
    until ``end`` bytes exist (None: all of them) and returns how many exist.
    Without it the file is complete. It does not close the SegmentedFile: its
    owner does. Every reader of an archive reads it through once, so the pages
    it has passed are dropped (``pagecache``).
    """

    def __init__(
        self, joined: SegmentedFile, wait_for: Callable[[int | None], int] | None = None
    ) -> None:
        self._joined = joined
        self._wait_for = wait_for or (lambda end: joined.size)
        self._pos = 0
        self._behind = DropBehind(joined.spans)

    def read(self, size: int = -1) -> bytes:
        # Short only at the end, like a regular file: the tar reader relies on it.
        available = self._wait_for(None if size < 0 else self._pos + size)
        size = max(0, available - self._pos) if size < 0 else min(size, available - self._pos)
        if size <= 0:
            return b""
        data = self._joined.pread(size, self._pos)
        if len(data) < size:
            raise OSError(f"An archive part ended early, at byte {self._pos + len(data)}.")
        self._pos += len(data)
        self._behind.passed(self._pos)
        return data
