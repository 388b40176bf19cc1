"""The archive check's view of a body still arriving: the received chunks, in order.

The check of a whole-archive upload runs while the body arrives, on the very
chunks the server received: the official client waits only 60 s for the
answer after its last byte, too short to read a large model back afterwards.
The check reads it like a file (``read``), or as views of the received
chunks (``read_view``, no copy: ``core.tarstream`` hashes through them). The
writer is held back while the check is ``AHEAD_LIMIT`` behind, so a slow
check slows the upload instead of growing memory.
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


class ChunkFeed:
    """Chunks handed over by the writer (``feed``), read in order by one reader."""

    def __init__(self, *, ahead_limit: int = AHEAD_LIMIT) -> None:
        self._ahead_limit = ahead_limit
        self._cond = threading.Condition()
        # Each chunk with what to call once the reader is past it (its buffer is free).
        self._chunks: deque[tuple[memoryview, Release | None]] = deque()
        self._queued = 0  # bytes fed and not yet read
        self._done = False  # the writer has fed everything
        self._aborted = False  # the upload stopped short
        self._closed = False  # the reader stopped: feeding is pointless
        self._behind: Release | None = None  # the last chunk read past, freed at the next

    # ---- the writer's side -----------------------------------------------------------

    def feed(self, chunks: Sequence[Chunk], release: Release | None = None) -> None:
        """Hand over the next chunks; waits while the reader is far behind.

        ``release()``, if given, runs once the reader is past these chunks (or
        closed): their memory may then be reused.
        """
        with self._cond:
            while not self._closed and self._queued > self._ahead_limit:
                self._cond.wait()
            kept = [] if self._closed else [memoryview(chunk) for chunk in chunks if len(chunk)]
            for index, chunk in enumerate(kept):
                self._chunks.append((chunk, release if index == len(kept) - 1 else None))
                self._queued += len(chunk)
            self._cond.notify_all()
        if not kept and release is not None:
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

    def read_view(self, size: int) -> memoryview:
        """Up to ``size`` bytes of one received chunk, not copied; empty only at the end."""
        with self._cond:
            if self._closed:
                raise ValueError("read from a closed ChunkFeed")
            while not self._chunks and not self._done:
                self._cond.wait()
            if self._aborted:
                raise UnsafeArchive("The upload stopped before the archive was complete.")
            if not self._chunks:
                return memoryview(b"")
            head, release = self._chunks[0]
            view = head[:size]
            if len(view) < len(head):
                self._chunks[0] = (head[len(view) :], release)
            else:
                self._chunks.popleft()
                if release is not None:
                    # The reader may still hold views into this chunk (a header that
                    # spans two chunks): its buffer is freed one chunk later.
                    behind, self._behind = self._behind, release
                    if behind is not None:
                        behind()
            self._queued -= len(view)
            self._cond.notify_all()  # the writer may be waiting for room
        return view

    def read(self, size: int = -1) -> bytes:
        """``size`` bytes (fewer only at the end; all of them if negative), like a file."""
        pieces: list[memoryview] = []
        wanted = size
        while wanted != 0:
            view = self.read_view(wanted if wanted > 0 else 1 << 30)
            if not view:
                break
            pieces.append(view)
            wanted -= len(view) if wanted > 0 else 0
        return b"".join(pieces)

    def close(self) -> None:
        """The reader is finished (or gave up): drop everything, stop holding the writer."""
        with self._cond:
            self._closed = True
            releases = [release for _, release in self._chunks if release is not None]
            if self._behind is not None:
                releases.append(self._behind)
            self._chunks.clear()
            self._queued, self._behind = 0, None
            self._cond.notify_all()
        for release in releases:
            release()
