"""Serving an archive: streamed, with Content-Length, and HTTP Range for resuming.

The file is opened once and everything is read from that descriptor, so a
forced re-push renaming a new archive into place mid-download cannot mix two
archives in one response. ``ETag`` changes with every upload, and ``If-Range``
with a stale ETag gets the whole new archive instead of a spliced range.
One range per request; a multi-range request is answered with the whole
archive, which RFC 9110 allows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.responses import StreamingResponse

from bentosync.registry.errors import NotFound, RangeNotSatisfiable

logger = logging.getLogger(__name__)

READ_SIZE = 1024 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` inclusive for a single satisfiable range, None to send everything.

    Raises RangeNotSatisfiable for a well-formed range that misses the file.
    Malformed or multiple ranges are ignored (the whole file is sent).
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text and not last_text:
        return None
    if not first_text:  # suffix: the last N bytes
        length = int(last_text)
        if length == 0:
            raise RangeNotSatisfiable(size)
        return max(0, size - length), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None  # invalid syntax: ignored
    if first >= size:
        raise RangeNotSatisfiable(size)
    return first, min(last, size - 1)


def archive_response(
    path: Path, etag: str, range_header: str | None, if_range: str | None
) -> StreamingResponse:
    """A 200 or 206 response streaming ``path`` from one open descriptor."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise NotFound("model archive") from None
    try:
        size = os.fstat(fd).st_size
        wanted = parse_range(range_header, size) if if_range in (None, etag) else None
    except BaseException:
        os.close(fd)
        raise
    headers = {"Accept-Ranges": "bytes", "ETag": etag}
    if wanted is None:
        first, last, status = 0, size - 1, 200
    else:
        first, last = wanted
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1)
    return StreamingResponse(
        _read(fd, first, last + 1),
        status_code=status,
        headers=headers,
        media_type="application/x-tar",
    )


async def _read(fd: int, start: int, end: int) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    try:
        offset = start
        while offset < end:
            chunk = await loop.run_in_executor(
                None, os.pread, fd, min(READ_SIZE, end - offset), offset
            )
            if not chunk:
                raise OSError(f"The archive ended early at byte {offset}.")
            offset += len(chunk)
            yield chunk
    finally:
        os.close(fd)
