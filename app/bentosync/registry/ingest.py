"""Receiving one request body into a temp file, fast and without holding it in memory.

Two ways, one result. Where the server lets a route take the body over
(``rawbody``) and the file takes O_DIRECT, the socket writes into aligned
1 MiB buffers that go to the disk and to the archive check as they are
(``_receive_in_place``): no copy in user space at all. Otherwise chunks
from the socket are gathered into 1 MiB batches written on a worker thread
(``ArchiveWriter`` writes a batch without joining it). Either way the next
megabyte is received while the previous one is written, so the event loop
never waits on the disk and the disk never waits on the loop, and
``on_written`` hands each batch to the archive check, which reads it from
memory.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.requests import Request

from bentosync.registry.archive_writer import ArchiveWriter
from bentosync.registry.bufferpool import BufferPool
from bentosync.registry.chunkfeed import Chunk, Release
from bentosync.registry.rawbody import RawBody, open_raw_body

logger = logging.getLogger(__name__)

WRITE_SIZE = 1024 * 1024
IN_FLIGHT = 4  # batches handed to the writer and not yet written
POOL_BUFFERS = 16  # of WRITE_SIZE, per upload received in place (below chunkfeed.AHEAD_LIMIT)


async def receive_body(
    request: Request,
    target: Path,
    *,
    direct: bool = False,
    on_written: Callable[[list[Chunk], Release | None], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Stream the body into ``target``; returns its size.

    ``direct``: write with O_DIRECT where possible (nothing will read the file
    back soon). ``on_written(chunks, release)`` gets the body in order as
    each batch goes to the file (on the loop or a worker thread, so it must
    not wait long); ``release()``, when not None, must run once the chunks
    are no longer needed. If ``should_stop()`` becomes true (the archive
    check already refused it), the rest of the body is read and dropped, so
    the client still gets a proper answer. Raises
    ``starlette.requests.ClientDisconnect`` if the client goes away.
    """
    out = ArchiveWriter(target, direct=direct)
    try:
        raw = open_raw_body(request)
        if raw is not None and out.direct:
            total = await _receive_in_place(raw, out, on_written, should_stop)
        else:
            total = await _receive_chunks(
                raw if raw is not None else request.stream(), out, on_written, should_stop
            )
        await asyncio.get_running_loop().run_in_executor(None, out.close)
    finally:
        # Closed already unless something went wrong. Then it waits for the
        # direct writes still queued (at most POOL_BUFFERS MiB, milliseconds).
        out.abandon()
    return total


async def receive_body_md5(request: Request, target: Path) -> tuple[int, str]:
    """Stream the body into ``target``; returns its size and MD5 (hex), S3's ETag.

    Written through the page cache, so the hash runs on the writer's thread
    with each batch (``on_written``), never on the event loop.
    """
    digest = hashlib.md5(usedforsecurity=False)  # an ETag, not a security measure

    def hash_batch(chunks: list[Chunk], release: Release | None) -> None:
        for chunk in chunks:
            digest.update(chunk)

    size = await receive_body(request, target, on_written=hash_batch)
    return size, digest.hexdigest()


async def _receive_in_place(
    raw: RawBody,
    out: ArchiveWriter,
    on_written: Callable[[list[Chunk], Release | None], None] | None,
    should_stop: Callable[[], bool] | None,
) -> int:
    """The socket writes into aligned buffers that go to the disk and the check as they are.

    No byte is copied in user space. A buffer returns to the pool once both
    the disk write and the check are done with it; while none is free the
    connection is not read, so a slow disk or check slows the client instead
    of growing memory.
    """
    pool = BufferPool(POOL_BUFFERS, WRITE_SIZE)
    total = 0
    stopped = False
    while raw.left:
        buffer = await pool.acquire()
        try:
            size = await raw.fill(buffer.view)
        except BaseException:
            buffer.release()
            raise
        stopped = stopped or (should_stop is not None and should_stop())
        if stopped:
            buffer.release()
            continue
        total += size
        data = buffer.view[:size]
        buffer.hold(2 if on_written is not None else 1)
        out.write_owned(data, buffer.release)  # raises an earlier write's OSError
        if on_written is not None:
            on_written([data], buffer.release)  # never waits: the pool is smaller than its limit
    return total


async def _receive_chunks(
    chunks: AsyncIterator[Chunk],
    out: ArchiveWriter,
    on_written: Callable[[list[Chunk], Release | None], None] | None,
    should_stop: Callable[[], bool] | None,
) -> int:
    """Chunks as received, gathered into batches that a worker thread writes."""
    loop = asyncio.get_running_loop()
    total = 0
    pending: deque[asyncio.Future[None]] = deque()  # batches handed over, in order
    batch: list[Chunk] = []
    batched = 0
    stopped = False
    # One thread of its own keeps the writes in order; several batches may wait
    # for it, so a write that waits on the disk never stops the loop from receiving.
    writer = ThreadPoolExecutor(1, thread_name_prefix="body-writer")

    def write(chunks: list[Chunk]) -> None:
        out.write(chunks)
        if on_written is not None:
            on_written(chunks, None)

    async def flush() -> None:
        nonlocal batch, batched, total
        while pending and (pending[0].done() or len(pending) >= IN_FLIGHT):
            await pending.popleft()  # raises what the write raised
        if batch:
            chunks, batch = batch, []
            total += batched
            batched = 0
            pending.append(loop.run_in_executor(writer, write, chunks))

    try:
        async for chunk in chunks:
            if stopped or not chunk:
                continue
            if should_stop is not None and should_stop():
                stopped = True
                batch, batched = [], 0
                continue
            batch.append(chunk)
            batched += len(chunk)
            if batched >= WRITE_SIZE:
                await flush()
        await flush()
        while pending:
            await pending.popleft()
    finally:
        if pending:
            # Disconnected mid-write: let the writes finish before the file closes.
            await asyncio.wait(pending)
        writer.shutdown(wait=False)  # idle by now: every write has finished
    return total
