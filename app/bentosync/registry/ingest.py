"""Receiving one request body into a temp file, fast and without holding it in memory.

Chunks from the socket are gathered into 1 MiB batches written on a worker
thread, and the next megabyte is received while the previous one is written,
so the event loop never waits on the disk and the disk never waits on the
loop. A batch is the list of chunks as received (``ArchiveWriter`` writes it
without joining them). ``on_written`` gets each batch once it is in the file:
the archive check of a whole upload reads those chunks from memory.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.requests import Request

from bentosync.registry.archive_writer import ArchiveWriter

logger = logging.getLogger(__name__)

WRITE_SIZE = 1024 * 1024
IN_FLIGHT = 4  # batches handed to the writer and not yet written


async def receive_body(
    request: Request,
    target: Path,
    *,
    direct: bool = False,
    on_written: Callable[[list[bytes]], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> int:
    """Stream the body into ``target``; returns its size.

    ``direct``: write with O_DIRECT where possible (nothing will read the file
    back soon). ``on_written(chunks)`` runs, on the writer thread, after each
    batch lands. If ``should_stop()`` becomes true (the archive check already
    refused it), the rest of the body is read and dropped, so the client
    still gets a proper answer. Raises ``starlette.requests.ClientDisconnect``
    if the client goes away.
    """
    loop = asyncio.get_running_loop()
    total = 0
    pending: deque[asyncio.Future[None]] = deque()  # batches handed over, in order
    batch: list[bytes] = []
    batched = 0
    stopped = False
    out = ArchiveWriter(target, direct=direct)
    # One thread of its own keeps the writes in order; several batches may wait
    # for it, so a write that waits on the disk (O_DIRECT does) never stops the
    # loop from receiving.
    writer = ThreadPoolExecutor(1, thread_name_prefix="body-writer")

    def write(chunks: list[bytes]) -> None:
        out.write(chunks)
        if on_written is not None:
            on_written(chunks)

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
        async for chunk in request.stream():
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
        await loop.run_in_executor(writer, out.close)
    finally:
        if pending:
            # Disconnected mid-write: let the writes finish before the file closes.
            await asyncio.wait(pending)
        writer.shutdown(wait=False)  # idle by now: every write has finished
        out.abandon()  # closed already unless something went wrong
    return total
