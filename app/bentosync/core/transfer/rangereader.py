"""A file object over a byte range of a virtual tar: the body of an upload.

requests sends a body of known length from anything with ``read``; this one
produces the bytes from the model's files on demand (``TarLayout.iter_range``),
so a part of several hundred MiB never sits in memory, and a retry re-reads
from disk.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Generator, Iterator

from bentosync.core.errors import Cancelled
from bentosync.core.transfer.tarlayout import CHUNK_SIZE, TarLayout


class RangeReader:
    """A read-only file over ``[start, end)`` of a layout, for ``requests`` upload bodies.

    ``len()`` is the range length, so requests sends an exact Content-Length and
    never chunked encoding; ``seek(0)`` restarts the range, so a retry re-reads
    from disk instead of keeping the part in memory. ``on_read(offset, length)``
    gets the archive offset of every block handed out (combine it with
    ``TarLayout.file_spans`` for per-file progress); ``cancel`` is checked on
    every read.
    """

    def __init__(
        self,
        layout: TarLayout,
        start: int = 0,
        end: int | None = None,
        *,
        chunk_size: int = CHUNK_SIZE,
        on_read: Callable[[int, int], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> None:
        self.layout = layout
        self.start, self.end = layout._checked(start, end)
        self.chunk_size = chunk_size
        self.on_read = on_read
        self.cancel = cancel
        self.closed = False
        self._pos = 0
        self._chunks: Generator[bytes | memoryview, None, None] | None = None
        self._chunk: bytes | memoryview = b""
        self._chunk_at = 0

    def __len__(self) -> int:
        return self.end - self.start

    def __bool__(self) -> bool:  # requests tests ``if data:``; an empty range is still a body
        return True

    def __enter__(self) -> RangeReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        """Blocks of ``chunk_size`` from the current position (file objects iterate too)."""
        while data := self.read(self.chunk_size):
            yield data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self)}[whence]
        pos = min(max(0, base + offset), len(self))
        if pos != self._pos:
            self._reset()
            self._pos = pos
        return pos

    def close(self) -> None:
        self._reset()
        self.closed = True

    def _reset(self) -> None:
        if self._chunks is not None:
            self._chunks.close()  # closes the file it was reading
        self._chunks = None
        self._chunk = b""
        self._chunk_at = 0

    def read(self, size: int | None = -1) -> bytes:
        """``size`` bytes (all that is left if None or negative), fewer only at the end."""
        want = self._wanted(size)
        parts: list[bytes | memoryview] = []
        got = 0
        while got < want:
            parts.append(self._take(want - got))
            got += len(parts[-1])
        first = parts[0] if parts else b""
        data = first if len(parts) == 1 and isinstance(first, bytes) else b"".join(parts)
        self._advance(got)
        return data

    def read1(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, from one chunk only (``io.BufferedIOBase.read1``).

        An upload body reads this way: file data goes out as the very bytes
        object ``read()`` of the file returned. ``read`` of whole MiBs would
        join the end of one chunk to the start of the next, because file data
        starts 512 bytes past a MiB boundary, copying every byte once more.
        """
        want = self._wanted(size)
        if want == 0:
            return b""
        piece = self._take(want)
        data = piece if isinstance(piece, bytes) else bytes(piece)
        self._advance(len(data))
        return data

    def _wanted(self, size: int | None) -> int:
        if self.closed:
            raise ValueError("read from a closed RangeReader")
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("The upload was cancelled.")
        remaining = len(self) - self._pos
        return remaining if size is None or size < 0 else min(size, remaining)

    def _take(self, limit: int) -> bytes | memoryview:
        """The next bytes of the current chunk, at most ``limit`` (> 0) of them."""
        if self._chunks is None:
            self._chunks = self.layout.iter_range(
                self.start + self._pos, self.end, self.chunk_size, self.cancel
            )
        if self._chunk_at >= len(self._chunk):
            self._chunk = next(self._chunks)
            self._chunk_at = 0
        take = min(limit, len(self._chunk) - self._chunk_at)
        if self._chunk_at == 0 and take == len(self._chunk):
            piece = self._chunk  # a whole chunk: hand it on without copying
        else:
            piece = memoryview(self._chunk)[self._chunk_at : self._chunk_at + take]
        self._chunk_at += take
        return piece

    def _advance(self, count: int) -> None:
        offset = self.start + self._pos
        self._pos += count
        if self.on_read is not None and count:
            self.on_read(offset, count)
