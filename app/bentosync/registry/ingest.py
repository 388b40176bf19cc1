"""Receiving one request body into a temp file, fast and without holding it in memory.

Chunks from the socket are gathered into 1 MiB writes done on a worker
thread, and the next megabyte is received while the previous one is written,
so the event loop never waits on the disk and the disk never waits on the
loop. The file is opened unbuffered so that an ``advance`` told to the
archive check means the bytes really are in the file for it to read.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

logger = logging.getLogger(__name__)

WRITE_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Received:
    size: int
    sha256: str


async def receive_body(
    request: Request,
    target: Path,
    *,
    on_progress: Callable[[int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    hash_body: bool = False,
) -> Received:
    """Stream the body into ``target``; returns its size and (if asked) sha256.

    ``on_progress(total)`` runs after each write lands. If ``should_stop()``
    becomes true (the archive check already refused it), the rest of the body
    is read and dropped, so the client still gets a proper answer.
    Raises ``starlette.requests.ClientDisconnect`` if the client goes away.
    """
    loop = asyncio.get_running_loop()
    digest = hashlib.sha256() if hash_body else None
    total = 0
    pending: asyncio.Future[None] | None = None
    buffer = bytearray()
    stopped = False

    with open(target, "wb", buffering=0) as out:

        def write(data: bytes, end: int) -> None:
            view = memoryview(data)
            while view:
                written = out.write(view)
                view = view[written or 0 :]
            if digest is not None:
                digest.update(data)
            if on_progress is not None:
                on_progress(end)

        async def flush() -> None:
            nonlocal pending, buffer, total
            if pending is not None:
                await pending
                pending = None
            if buffer:
                data, buffer = bytes(buffer), bytearray()
                total += len(data)
                pending = loop.run_in_executor(None, write, data, total)

        try:
            async for chunk in request.stream():
                if stopped:
                    continue
                if should_stop is not None and should_stop():
                    stopped = True
                    buffer = bytearray()
                    continue
                buffer += chunk
                if len(buffer) >= WRITE_SIZE:
                    await flush()
            await flush()
            if pending is not None:
                await pending
        finally:
            if pending is not None and not pending.done():
                # Disconnected mid-write: let the write finish before the file closes.
                await asyncio.wait([pending])
    return Received(total, digest.hexdigest() if digest is not None else "")
