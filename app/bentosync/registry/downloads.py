"""Serving an archive: streamed, with Content-Length, and HTTP Range for resuming.

The archive (one file, or a multipart upload's parts) is opened once and
everything is read from those descriptors, so a forced re-push renaming a new
archive into place mid-download cannot mix two archives in one response.
``ETag`` changes with every upload, and ``If-Range`` with a stale ETag gets
the whole new archive instead of a spliced range. One range per request; a
multi-range request is answered with the whole archive, which RFC 9110 allows.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable

from starlette.responses import StreamingResponse

from bentosync.core.pagecache import DropBehind
from bentosync.registry.errors import NotFound, RangeNotSatisfiable
from bentosync.registry.segments import SegmentedFile

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


def ranged_headers(
    size: int, etag: str, range_header: str | None, if_range: str | None
) -> tuple[int, int, int, dict[str, str]]:
    """``(first, last, status, headers)`` of an answer of ``size`` bytes: the range asked
    for (206), unless ``If-Range`` names another ETag, else all of it (200)."""
    wanted = parse_range(range_header, size) if if_range in (None, etag) else None
    headers = {"Accept-Ranges": "bytes", "ETag": etag}
    if wanted is None:
        first, last, status = 0, size - 1, 200
    else:
        first, last = wanted
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(last - first + 1)
    return first, last, status, headers


def archive_response(
    open_archive: Callable[[], SegmentedFile],
    etag: str,
    range_header: str | None,
    if_range: str | None,
) -> StreamingResponse:
    """A 200 or 206 response streaming the archive ``open_archive()`` opens."""
    try:
        archive = open_archive()
    except FileNotFoundError:
        raise NotFound("model archive") from None
    try:
        first, last, status, headers = ranged_headers(archive.size, etag, range_header, if_range)
    except BaseException:
        archive.close()
        raise
    return StreamingResponse(
        _read(archive, first, last + 1),
        status_code=status,
        headers=headers,
        media_type="application/x-tar",
    )


async def _read(archive: SegmentedFile, start: int, end: int) -> AsyncIterator[bytes]:
    loop = asyncio.get_running_loop()
    behind = DropBehind(archive.spans, start)

    def read(size: int, offset: int) -> bytes:
        chunk = archive.pread(size, offset)
        behind.passed(offset + len(chunk))
        return chunk

    try:
        offset = start
        while offset < end:
            chunk = await loop.run_in_executor(None, read, min(READ_SIZE, end - offset), offset)
            if not chunk:
                raise OSError(f"The archive ended early at byte {offset}.")
            offset += len(chunk)
            yield chunk
    finally:
        archive.close()
