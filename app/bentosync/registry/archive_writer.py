"""Writing a received body to its file: plainly, or straight to disk (O_DIRECT).

A whole-archive upload is checked from memory as it arrives (``chunkfeed``),
so nothing reads the temp file back: caching it only costs. Through the
cache, each byte is copied into a page the kernel must first find, then
written back by a second pass. On the 2-core VM of the benchmarks that was
most of the server's time for an upload (1 GiB: 0.6-0.7 s of CPU to write,
0.3 s more to start the writeback; see ``core.pagecache`` for why new pages
cost that much there). With O_DIRECT the disk reads the bytes from one
reused, aligned buffer.

Best effort: where O_DIRECT is missing (not Linux) or refused (tmpfs, some
network filesystems), the writer falls back to plain writes and the bytes are
the same. O_DIRECT needs aligned lengths and offsets, so the last partial
block is written with it turned off.
"""

from __future__ import annotations

import errno
import logging
import mmap
import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no O_DIRECT either
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

ALIGN = 4096  # a multiple of every logical block size in use
BUFFER_SIZE = 1024 * 1024  # a batch (ingest.WRITE_SIZE): little is held back unwritten
O_DIRECT = getattr(os, "O_DIRECT", 0) if fcntl is not None else 0
_IOV_MAX = 64  # well under every platform's limit; a batch is about 16 chunks


class ArchiveWriter:
    """Appends chunks to ``path`` (an existing file, emptied), O_DIRECT if ``direct``.

    Without O_DIRECT, a batch of chunks goes out with one ``writev``: joining
    them first would copy every byte twice more in user space.
    """

    def __init__(self, path: Path, *, direct: bool) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        self._buffer: mmap.mmap | None = None
        self._filled = 0
        self.written = 0
        if direct and O_DIRECT and self._set_direct(True):
            self._buffer = mmap.mmap(-1, BUFFER_SIZE)  # page-aligned, as O_DIRECT wants

    @property
    def direct(self) -> bool:
        return self._buffer is not None

    def _set_direct(self, on: bool) -> bool:
        assert fcntl is not None
        flags = fcntl.fcntl(self._fd, fcntl.F_GETFL)
        try:
            fcntl.fcntl(self._fd, fcntl.F_SETFL, flags | O_DIRECT if on else flags & ~O_DIRECT)
        except OSError as exc:  # the filesystem does not do direct I/O
            logger.debug("O_DIRECT refused: %s", exc)
            return False
        return True

    def write(self, chunks: list[bytes]) -> None:
        """Append ``chunks`` (in order); a short write raises OSError."""
        if self._buffer is None:
            write_all(self._fd, chunks)
            self.written += sum(len(chunk) for chunk in chunks)
            return
        buffer = memoryview(self._buffer)
        try:
            for chunk in chunks:
                data = memoryview(chunk)
                while data:
                    take = min(len(data), BUFFER_SIZE - self._filled)
                    buffer[self._filled : self._filled + take] = data[:take]
                    self._filled += take
                    data = data[take:]
                    if self._filled == BUFFER_SIZE:
                        self._flush(buffer, BUFFER_SIZE)
        finally:
            buffer.release()

    def _flush(self, buffer: memoryview, length: int) -> None:
        """Write the first ``length`` (aligned) bytes of the buffer; keep the rest."""
        try:
            write_all(self._fd, [buffer[:length]])
        except OSError as exc:
            if exc.errno != errno.EINVAL or not self._set_direct(False):
                raise
            logger.debug("O_DIRECT write refused; writing through the cache")
            write_all(self._fd, [buffer[:length]])
        self.written += length
        rest = self._filled - length
        buffer[:rest] = buffer[length : self._filled]
        self._filled = rest

    def close(self) -> None:
        """Write what is left and close; the caller fsyncs before publishing."""
        if self._fd < 0:
            return
        try:
            if self._buffer is not None and self._filled:
                buffer = memoryview(self._buffer)
                try:
                    aligned = self._filled - self._filled % ALIGN
                    if aligned:
                        self._flush(buffer, aligned)
                    if self._filled:
                        self._set_direct(False)
                        self._flush(buffer, self._filled)
                finally:
                    buffer.release()
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Close without writing what is left (the file is being thrown away)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if self._buffer is not None:
            self._buffer.close()
            self._buffer = None


def write_all(fd: int, chunks: list[bytes] | list[memoryview]) -> None:
    """``writev`` until every byte of ``chunks`` is written (short writes resume)."""
    views = [memoryview(chunk) for chunk in chunks]
    while views:
        written = _writev(fd, views[:_IOV_MAX])
        while views and written >= len(views[0]):
            written -= len(views[0])
            views.pop(0)
        if written:
            views[0] = views[0][written:]


def _writev(fd: int, views: list[memoryview]) -> int:
    if hasattr(os, "writev"):
        return os.writev(fd, views)
    return os.write(fd, views[0])  # Windows: no writev; one chunk at a time
