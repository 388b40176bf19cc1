"""The archive check's view of a body still arriving: the received chunks, in memory.

The check of a whole-archive upload runs while the body arrives. It used to
read the temp file back behind the writer, which needs the bytes in the page
cache. They now go to disk with O_DIRECT (``direct_io``), so the check takes
the very chunks the server received, before they are gone: no second copy
out of the cache, and no cache to fill (see ``core.pagecache`` for why that
matters).

It is a seekable file for tarfile's fast random-access mode: reads wait for
bytes not yet received, and seeks back stay within the last ``KEEP`` bytes
(tarfile only steps back over a block, or to the start when it probes for
compression). The writer is held back while the check is ``AHEAD_LIMIT``
behind, so a slow check slows the upload instead of growing memory.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence

from bentosync.core.errors import UnsafeArchive

Chunk = bytes | bytearray | memoryview
Release = Callable[[], None]

MiB = 1024 * 1024
AHEAD_LIMIT = 32 * MiB
KEEP = 1 * MiB


class ChunkFeed:
    """Chunks handed over by the writer (``feed``), read in order by one reader."""

    def __init__(self, *, ahead_limit: int = AHEAD_LIMIT, keep: int = KEEP) -> None:
        self._ahead_limit = ahead_limit
        self._keep = keep
        self._cond = threading.Condition()
        # (archive offset, bytes, what to call once the reader is past them)
        self._chunks: deque[tuple[int, Chunk, Release | None]] = deque()
        self._end = 0  # bytes fed so far
        self._pos = 0
        self._done = False  # the writer has fed everything
        self._aborted = False  # the upload stopped short
        self._closed = False  # the reader stopped: feeding is pointless

    # ---- the writer's side -----------------------------------------------------------

    def feed(self, chunks: Sequence[Chunk], release: Release | None = None) -> None:
        """Hand over the next chunks; waits while the reader is far behind.

        ``release()`` runs (on the reader's thread, or on close) once the
        reader no longer needs these chunks: their memory may then be reused.
        """
        with self._cond:
            while not self._closed and self._end - self._pos > self._ahead_limit:
                self._cond.wait()
            if not self._closed:
                kept = [chunk for chunk in chunks if len(chunk)]
                for index, chunk in enumerate(kept):
                    last = index == len(kept) - 1
                    self._chunks.append((self._end, chunk, release if last else None))
                    self._end += len(chunk)
                self._cond.notify_all()
                if kept:
                    return
        if release is not None:
            release()  # nothing kept: not needed at all

    def close_writer(self) -> None:
        with self._cond:
            self._done = True
            self._cond.notify_all()

    def abort(self) -> None:
        with self._cond:
            self._aborted = self._done = True
            self._cond.notify_all()

    # ---- the reader's side -----------------------------------------------------------

    def _wait_for(self, end: int | None) -> int:
        """Until ``end`` bytes were fed (None: all of them); how many were."""
        while not self._done and (end is None or self._end < end):
            self._cond.wait()
        if self._aborted:
            raise UnsafeArchive("The upload stopped before the archive was complete.")
        return self._end

    def read(self, size: int = -1) -> bytes:
        """``size`` bytes (fewer only at the end), like a regular file."""
        with self._cond:
            if self._closed:
                raise ValueError("read from a closed ChunkFeed")
            available = self._wait_for(None if size < 0 else self._pos + size)
            end = available if size < 0 else min(available, self._pos + size)
            if end <= self._pos:
                return b""
            pieces: list[bytes | bytearray | memoryview] = []
            for start, chunk, _ in self._chunks:
                if start >= end:
                    break
                if start + len(chunk) > self._pos:
                    first, last = max(0, self._pos - start), min(len(chunk), end - start)
                    whole = first == 0 and last == len(chunk)
                    pieces.append(chunk if whole else memoryview(chunk)[first:last])
            data = b"".join(pieces)
            if len(data) != end - self._pos:  # pragma: no cover - a bug, never a client's doing
                raise OSError(f"The arriving upload lost bytes before {end}.")
            self._pos = end
            self._forget_behind()
            return data

    def read_view(self, size: int) -> memoryview:
        """Up to ``size`` bytes from one received chunk, without copying them.

        Waits for at least one byte; empty only at the end of the body. The
        archive check hashes file data through these views, so the bytes go
        from the socket to sha256 without another copy (``read`` joins).
        """
        with self._cond:
            if self._closed:
                raise ValueError("read from a closed ChunkFeed")
            self._wait_for(self._pos + 1)
            for start, chunk, _ in self._chunks:
                if start <= self._pos < start + len(chunk):
                    first = self._pos - start
                    view = memoryview(chunk)[first : first + size]
                    self._pos += len(view)
                    self._forget_behind()
                    return view
            return memoryview(b"")

    def _forget_behind(self) -> None:
        while self._chunks:
            start, chunk, release = self._chunks[0]
            if start + len(chunk) > self._pos - self._keep:
                break
            self._chunks.popleft()
            if release is not None:
                release()
        self._cond.notify_all()  # the writer may be waiting for room

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        with self._cond:
            if whence == 1:
                offset += self._pos
            elif whence == 2:
                offset += self._wait_for(None)
            oldest = self._chunks[0][0] if self._chunks else self._pos
            if offset < min(oldest, self._pos):
                raise OSError(f"Cannot seek back to byte {offset} of an arriving upload.")
            self._pos = offset
            return offset

    def close(self) -> None:
        """The reader is finished (or gave up): drop everything, stop holding the writer."""
        with self._cond:
            self._closed = True
            releases = [release for _, _, release in self._chunks if release is not None]
            self._chunks.clear()
            for release in releases:
                release()
            self._cond.notify_all()
