"""A tiny scripted HTTP server on 127.0.0.1 for client unit tests.

Each route answers from a list of canned responses (the last one repeats), so a
test can say "500, then 500, then 200" or "drop the connection once" and then
read back exactly what the client sent. Real registry tests use the real server.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DROP = "drop"  # close the socket without answering


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # dict/list -> JSON, bytes/str as is
    headers: dict[str, str] = field(default_factory=dict)

    def encode(self) -> tuple[bytes, dict[str, str]]:
        headers = dict(self.headers)
        if isinstance(self.body, bytes):
            data = self.body
        elif isinstance(self.body, str):
            data = self.body.encode()
        elif self.body is None:
            data = b""
        else:
            data = json.dumps(self.body).encode()
            headers.setdefault("Content-Type", "application/json")
        return data, headers


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


Responder = Reply | str | Callable[[Seen], "Reply | str"]


class FakeCloud:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Responder]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep pytest output clean
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = Seen(self.command, self.path, dict(self.headers.items()), body)
                reply = fake._next(seen)
                if reply == DROP:
                    self.close_connection = True
                    return
                assert isinstance(reply, Reply)
                data, headers = reply.encode()
                self.send_response(reply.status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, method: str, path: str, *replies: Responder) -> None:
        """Answer ``method path`` (path with query) with ``replies`` in turn."""
        self.routes[(method, path)] = list(replies)

    def _next(self, seen: Seen) -> Reply | str:
        with self._lock:
            self.requests.append(seen)
            queue = self.routes.get((seen.method, seen.path))
            if queue is None:
                queue = self.routes.get((seen.method, seen.path.split("?")[0]))
            if not queue:
                return Reply(404, {"error": f"no route {seen.method} {seen.path}"})
            responder = queue.pop(0) if len(queue) > 1 else queue[0]
        return responder(seen) if callable(responder) else responder

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]


@contextlib.contextmanager
def running_fake_cloud() -> Iterator[FakeCloud]:
    """A started ``FakeCloud``, shut down on exit."""
    fake = FakeCloud()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


def model_json(name: str = "demo", version: str = "v1", **overrides: Any) -> dict[str, Any]:
    """A ModelSchema the way Yatai sends it (every required key present)."""
    data: dict[str, Any] = {
        "uid": "u1",
        "created_at": "2026-01-02T03:04:05.123456789Z",
        "updated_at": None,
        "deleted_at": None,
        "name": version,
        "resource_type": "model",
        "labels": [{"key": "stage", "value": "dev"}],
        "description": "",
        "version": version,
        "image_build_status": "",
        "upload_status": "success",
        "upload_finished_reason": "",
        "presigned_upload_url": "",
        "presigned_download_url": "",
        "manifest": {
            "module": "",
            "api_version": "v1",
            "bentoml_version": "1.4.39",
            "size_bytes": 1234,
            "metadata": {},
        },
        "transmission_strategy": "proxy",
        "upload_id": None,
        "build_at": "2026-01-02T03:04:05+00:00",
    }
    data.update(overrides)
    return data
