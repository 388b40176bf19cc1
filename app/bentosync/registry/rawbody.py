"""Request bodies received straight into the route's buffers, past uvicorn's copies.

Uvicorn hands every body byte over after four copies: the event loop's read
buffer into ``bytes``, httptools' slice of those, the request cycle's
``bytearray``, and ``receive()``'s ``bytes`` of that. An archive upload then
copied each byte once more into the aligned buffer of its O_DIRECT writer.
For 1 GiB on the 2-core benchmark VM that was about 0.9 CPU-s, on a machine
whose two cores were both saturated during the upload.

``RawBodyProtocol`` is uvicorn's httptools protocol with one addition: an
ASGI scope extension (``ingest.RAW_BODY``) through which a route may take over the
rest of a body that has a Content-Length. The transport then switches to an
``asyncio.BufferedProtocol`` that lets the kernel write the bytes into the
buffer the route offers (``RawBody.fill``), never past the announced end;
after the last byte the connection goes back to uvicorn for the next request.

Where the extension is missing (another server, a chunked body),
``ingest.open_raw_body`` returns None and the route reads ``request.stream()``:
slower, never different. This module leans on uvicorn's private
``HttpToolsProtocol``, so pyproject.toml bounds uvicorn to the releases it
was tested with, and an uvicorn whose internals moved makes this import fail
with ImportError: ``server.http_protocol`` then serves with uvicorn's stock
protocol (tests/registry/test_uvicorn_fallback.py runs a server that way).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import httptools
from starlette.requests import ClientDisconnect
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from bentosync.registry.ingest import RAW_BODY

logger = logging.getLogger(__name__)

# What RawBodyProtocol overrides or calls on uvicorn's class; the instance state
# it touches (cycle, parser, transport, headers, scope) is checked by the tests.
_HOOKS = ("on_headers_complete", "on_body", "on_message_complete", "on_response_complete")
_missing = [name for name in _HOOKS if not callable(getattr(HttpToolsProtocol, name, None))]
if _missing:
    raise ImportError(f"uvicorn's HttpToolsProtocol has no {', '.join(_missing)}")

SCRATCH_SIZE = 256 * 1024  # receives what arrives while no buffer is offered
SPILL_LIMIT = 1024 * 1024  # received while no buffer was offered; reading pauses past this


class RawBody:
    """The rest of one request body, for one reader, in the buffers it offers (``fill``)."""

    def __init__(self, remaining: int, early: bytes, transport: asyncio.Transport) -> None:
        self.remaining = remaining  # bytes the socket has still to deliver
        self._pending = bytearray(early)  # received but not yet handed out
        self._transport = transport
        self._target: memoryview | None = None
        self._filled = 0
        self._wanted = 0
        self._waiter: asyncio.Future[None] | None = None
        self._lost = False
        self._discarding = False
        self._scratch = memoryview(bytearray(SCRATCH_SIZE))

    @property
    def left(self) -> int:
        """Bytes of the body not yet handed out."""
        return self.remaining + len(self._pending)

    async def fill(self, target: memoryview) -> int:
        """Receive into ``target`` until it is full or the body ends; how many bytes.

        Raises ClientDisconnect if the connection drops first.
        """
        filled = min(len(self._pending), len(target))
        if filled:
            target[:filled] = self._pending[:filled]
            del self._pending[:filled]
        wanted = min(len(target), filled + self.remaining)
        if filled == wanted:
            return filled
        if self._lost or self._discarding:
            raise ClientDisconnect()
        self._target, self._filled, self._wanted = target, filled, wanted
        self._waiter = asyncio.get_running_loop().create_future()
        self._transport.resume_reading()
        try:
            await self._waiter
        finally:
            self._target, self._waiter = None, None
        return self._filled

    # ---- the transport's side (BufferedProtocol callbacks, via _Sink) ----------------

    def _buffer(self) -> memoryview:
        if self._target is not None:
            return self._target[self._filled : self._wanted]
        return self._scratch[: min(len(self._scratch), self.remaining)]

    def _received(self, count: int) -> None:
        self.remaining -= count
        if self._discarding:
            return
        if self._target is None:  # nothing offered: keep it for the next fill
            self._pending += self._scratch[:count]
            if len(self._pending) >= SPILL_LIMIT:
                self._transport.pause_reading()  # until the next fill
            return
        self._filled += count
        if self._filled == self._wanted:
            self._wake(None)

    def _wake(self, error: BaseException | None) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            if error is None:
                waiter.set_result(None)
            else:
                waiter.set_exception(error)
        self._target = None
        if self.remaining and not self._discarding:
            self._transport.pause_reading()  # nothing to receive into until the next fill

    def _lose(self) -> None:
        self._lost = True
        self._wake(ClientDisconnect())

    def _discard_rest(self) -> None:
        """The answer went out before the body was read: drop the rest, keep the connection."""
        self._discarding = True
        self._pending.clear()
        self._wake(ClientDisconnect())
        self._transport.resume_reading()


class _Sink(asyncio.BufferedProtocol):
    """The connection's protocol while a body is taken over."""

    def __init__(self, owner: RawBodyProtocol, body: RawBody) -> None:
        self._owner = owner
        self._body = body

    def get_buffer(self, sizehint: int) -> memoryview:
        return self._body._buffer()

    def buffer_updated(self, nbytes: int) -> None:
        self._body._received(nbytes)
        if self._body.remaining == 0:
            self._owner._end_raw_body()

    def eof_received(self) -> bool | None:
        return None  # the transport closes; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self._owner.connection_lost(exc)

    def pause_writing(self) -> None:
        self._owner.pause_writing()

    def resume_writing(self) -> None:
        self._owner.resume_writing()


def _content_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    length = None
    for name, value in headers:
        if name == b"transfer-encoding":
            return None  # chunked: only the parser can find the end
        if name == b"content-length":
            if not value.isdigit() or length is not None:
                return None
            length = int(value)
    return length


class RawBodyProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol, offering each request's body raw (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._raw: RawBody | None = None
        self._body_seen = 0  # body bytes the parser handed to the current cycle

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._body_seen = 0
        length = _content_length(self.headers)
        cycle = self.cycle
        if length is not None and cycle is not None and cycle.scope is self.scope:
            extensions = self.scope.setdefault("extensions", {})
            extensions[RAW_BODY] = lambda: self._take_body(cycle, length)

    def on_body(self, body: bytes) -> None:
        self._body_seen += len(body)
        super().on_body(body)

    def _take_body(self, cycle: Any, length: int) -> RawBody | None:
        if cycle is not self.cycle or self._raw is not None or self.parser is None:
            return None  # a pipelined request whose turn has not come, or a second call
        early = bytes(cycle.body)  # parsed already: what came with the headers
        cycle.body = bytearray()
        raw = RawBody(length - self._body_seen, early, self.transport)
        if cycle.waiting_for_100_continue and not self.transport.is_closing():
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            cycle.waiting_for_100_continue = False
        if raw.remaining > 0 and not self.transport.is_closing():
            self._raw = raw
            self.transport.pause_reading()  # until the route offers a buffer
            self.transport.set_protocol(_Sink(self, raw))
        elif raw.remaining > 0:
            raw._lose()
        return raw

    def _end_raw_body(self) -> None:
        """The body is complete: the parser starts afresh at the next request."""
        self._raw = None
        self.transport.set_protocol(self)
        self.parser = httptools.HttpRequestParser(self)
        with contextlib.suppress(AttributeError):  # httptools < 0.6.3, as in uvicorn
            self.parser.set_dangerous_leniencies(lenient_data_after_close=True)
        self.on_message_complete()
        self.transport.resume_reading()  # uvicorn's flow control believes it is reading

    def on_response_complete(self) -> None:
        if self._raw is not None:
            self._raw._discard_rest()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._raw is not None:
            self._raw._lose()
            self._raw = None
        super().connection_lost(exc)
