"""Aligned receive buffers, lent on the event loop and given back from any thread.

A body received in place (``ingest``) lands in one of these buffers and then
has two users at once: the O_DIRECT write and the archive check, each on a
thread of its own. The buffer is reused only after both have let go, so
neither ever sees bytes of a later megabyte. The pool's size is the memory
an upload may hold; when it is empty, ``acquire`` waits, and the body is not
read meanwhile.
"""

from __future__ import annotations

import asyncio
import mmap
import threading


class LentBuffer:
    """One buffer of the pool; ``view`` is the whole of it."""

    def __init__(self, pool: BufferPool, size: int) -> None:
        self._pool = pool
        self._memory = mmap.mmap(-1, size)  # page-aligned, as O_DIRECT wants
        self.view = memoryview(self._memory)
        self._users = 0

    def hold(self, users: int) -> None:
        """Hand the buffer to ``users`` parties; each calls ``release`` once."""
        with self._pool._lock:
            self._users = users

    def release(self) -> None:
        """One user is done; the last one returns the buffer to the pool."""
        with self._pool._lock:
            self._users -= 1
            if self._users > 0:
                return
        self._pool._give_back(self)


class BufferPool:
    """``count`` buffers of ``size`` bytes for one upload, created on first use."""

    def __init__(self, count: int, size: int) -> None:
        self._loop = asyncio.get_running_loop()
        self._lock = threading.Lock()
        self._size = size
        self._unmade = count
        self._free: list[LentBuffer] = []
        self._waiters: list[asyncio.Future[LentBuffer]] = []

    async def acquire(self) -> LentBuffer:
        """A free buffer with one user (the caller); waits while all are lent."""
        with self._lock:
            if self._free:
                buffer = self._free.pop()
            elif self._unmade:
                self._unmade -= 1
                buffer = LentBuffer(self, self._size)
            else:
                waiter = self._loop.create_future()
                self._waiters.append(waiter)
                buffer = None
        if buffer is None:
            buffer = await waiter
        buffer._users = 1
        return buffer

    def _give_back(self, buffer: LentBuffer) -> None:
        with self._lock:
            while self._waiters:
                waiter = self._waiters.pop(0)
                if not waiter.done():
                    break
            else:
                self._free.append(buffer)
                return
        self._loop.call_soon_threadsafe(_hand_over, waiter, buffer, self)


def _hand_over(waiter: asyncio.Future[LentBuffer], buffer: LentBuffer, pool: BufferPool) -> None:
    """On the loop: give ``buffer`` to a waiting ``acquire``, or back to the pool if it left."""
    if waiter.done():  # cancelled meanwhile (the request ended)
        pool._give_back(buffer)
    else:
        waiter.set_result(buffer)
