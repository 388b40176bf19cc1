"""Two small ASGI middlewares: the access log, and the cap on JSON request bodies.

Pure ASGI rather than ``BaseHTTPMiddleware``, which would add a task and a
queue per chunk to every archive streamed through the server.

The access log replaces uvicorn's, which prints the query string and with it
the signature of every presigned URL. Ours prints the path only, never a query
string or a header, so neither tokens nor signatures reach a log file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)
access_logger = logging.getLogger("bentosync.registry.access")


class AccessLogMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 0
        sent = 0

        async def logging_send(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            client = scope.get("client") or ("-", 0)
            elapsed_ms = (time.monotonic() - started) * 1000
            # The same facts twice: as a sentence for the text format, and as fields
            # for ``--log-format json`` (jsonlog.py). Never the query string nor a
            # header: presigned URLs carry signatures, requests carry tokens.
            access_logger.info(
                '%s "%s %s" %d %d bytes %.0f ms',
                client[0],
                scope["method"],
                scope["path"],
                status,
                sent,
                elapsed_ms,
                extra={
                    "http": {
                        "client": client[0],
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "sent_bytes": sent,
                        "duration_ms": round(elapsed_ms, 1),
                        "token_name": scope.get("state", {}).get("token_name"),
                    }
                },
            )


class _TooLarge(Exception):
    pass


class JsonLimitMiddleware:
    """413 for an ``/api`` request body above ``limit`` bytes, except the archive PUT.

    Checks ``Content-Length`` up front and counts chunked bodies as they come,
    so an oversized body is refused before it is held in memory.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "")
        if (
            scope["type"] != "http"
            or "/api/" not in path
            or (scope["method"] == "PUT" and path.endswith("/upload"))
        ):
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", ()):
            if key == b"content-length" and value.isdigit() and int(value) > self.limit:
                await self._refuse(send)
                return
        seen = 0
        exceeded = False
        started = False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's own error answer is replaced by the 413 below
            started = started or message["type"] == "http.response.start"
            await send(message)

        with contextlib.suppress(_TooLarge):
            await self.app(scope, counting_receive, guarded_send)
        if exceeded and not started:
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {"error": f"The request body is larger than the {self.limit}-byte limit for JSON."}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
