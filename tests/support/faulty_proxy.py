"""A flaky network between the client and the real registry, on 127.0.0.1.

It forwards each HTTP/1.1 request to the registry on a fresh upstream
connection and can, by seeded chance, answer 503 instead, cut the response body
part-way (a dropped connection), or slow responses and uploads down to a byte
rate. It records every request line and Range header, so tests can assert what
a resumed transfer asked for. The registry itself stays real: only the wire
between them misbehaves, as Wi-Fi does.
"""

from __future__ import annotations

import random
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pytest

_PART_PATH = re.compile(r"/parts/[^/]+/([^/]+)/(\d+)$")  # the default flavour's /blobs/parts


@dataclass
class Seen:
    method: str
    path: str  # without the query string (presigned signatures stay out of logs)
    range: str | None
    outcome: str  # "ok", "503", "dropped"
    part: tuple[str, int] | None = None  # (upload id, part number) of a part PUT
    status: int | None = None  # the registry's answer, for requests forwarded to it

    @property
    def part_number(self) -> int | None:
        return None if self.part is None else self.part[1]


def part_of(path: str, query: str) -> tuple[str, int] | None:
    """The multipart part a request addresses, in either flavour's URL form.

    S3-style URLs (the bentocloud flavour) name it in ``partNumber`` and
    ``uploadId``; the default flavour's ``/blobs/parts/<uid>/<upload>/<n>``.
    """
    params = parse_qs(query)
    if "partNumber" in params and "uploadId" in params:
        return params["uploadId"][0], int(params["partNumber"][0])
    match = _PART_PATH.search(path)
    return (match.group(1), int(match.group(2))) if match else None


@dataclass
class FaultyProxy:
    upstream_port: int
    fail_rate: float = 0.0  # share of requests answered 503
    drop_rate: float = 0.0  # share of responses cut part-way
    bytes_per_second: float | None = None  # throttle for bodies in both directions
    seed: int = 1
    fault_paths: tuple[str, ...] = ()  # only requests whose path contains one of these
    fault_methods: tuple[str, ...] = ()  # only these methods (all when empty)
    drop_first: int = 0  # cut the first N faultable responses, whatever the dice say
    seen: list[Seen] = field(default_factory=list)
    _sock: socket.socket | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _busy: int = 0  # connections accepted and not yet done with

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @property
    def endpoint(self) -> str:
        assert self._sock is not None
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def start(self) -> FaultyProxy:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        threading.Thread(target=self._accept, daemon=True, name="faulty-proxy").start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._sock is not None:
            self._sock.close()

    def wait_idle(self, timeout: float = 10.0, quiet: float = 0.3) -> None:
        """Until no connection has been open for ``quiet`` seconds.

        A client killed mid-request is noticed only when the proxy reads on, so
        its request lands in ``seen`` a moment later: wait for it before taking
        ``len(seen)`` as the point where the next run begins.
        """
        deadline = time.monotonic() + timeout
        idle_since: float | None = None
        while True:
            now = time.monotonic()
            with self._lock:
                busy = self._busy
            if busy:
                idle_since = None
            elif idle_since is None:
                idle_since = now
            elif now - idle_since >= quiet:
                return
            if now > deadline:
                raise TimeoutError(f"the proxy still has {busy} connection(s) open")
            time.sleep(0.02)

    def outcomes(self, outcome: str) -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.outcome == outcome]

    # ---- plumbing ------------------------------------------------------------------

    def _accept(self) -> None:
        assert self._sock is not None
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._busy += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            self._handle(client)
        finally:
            with self._lock:
                self._busy -= 1

    def _handle(self, client: socket.socket) -> None:
        try:
            with client:
                reader = client.makefile("rb")
                head = _read_head(reader)
                if head is None:
                    return
                request_line, headers = head
                method, target, _ = request_line.split(" ", 2)
                length = int(headers.get("content-length", "0"))
                body = self._throttled_read(reader, length)
                path, _, query = target.partition("?")
                part = part_of(path, query) if method == "PUT" else None
                if len(body) < length:
                    # The client gave up mid-upload (cancel); so does the "network".
                    self._record(method, path, headers, "aborted", part)
                    return
                faultable = (not self.fault_paths or any(p in path for p in self.fault_paths)) and (
                    not self.fault_methods or method in self.fault_methods
                )
                with self._lock:
                    forced_drop = faultable and self.drop_first > 0
                    if forced_drop:
                        self.drop_first -= 1
                    roll_fail = self._rng.random()
                    roll_drop = self._rng.random()
                    cut_share = self._rng.uniform(0.05, 0.9)
                if faultable and not forced_drop and roll_fail < self.fail_rate:
                    self._record(method, path, headers, "503", part)
                    payload = b'{"error": "injected by the test proxy"}'
                    client.sendall(
                        b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                        + f"Content-Length: {len(payload)}\r\n".encode()
                        + b"Connection: close\r\n\r\n"
                        + payload
                    )
                    return
                drop = forced_drop or (faultable and roll_drop < self.drop_rate)
                seen = self._record(method, path, headers, "dropped" if drop else "ok", part)
                self._forward(client, request_line, headers, body, drop, cut_share, seen)
        except OSError:
            return

    def _record(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        outcome: str,
        part: tuple[str, int] | None,
    ) -> Seen:
        seen = Seen(method, path, headers.get("range"), outcome, part)
        with self._lock:
            self.seen.append(seen)
        return seen

    def _forward(
        self,
        client: socket.socket,
        request_line: str,
        headers: dict[str, str],
        body: bytes,
        drop: bool,
        cut_share: float,
        seen: Seen,
    ) -> None:
        with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
            lines = [request_line] + [
                f"{k}: {v}" for k, v in headers.items() if k not in ("connection", "keep-alive")
            ]
            lines.append("Connection: close")
            upstream.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            reader = upstream.makefile("rb")
            head = _read_head(reader)
            if head is None:
                return
            status_line, response_headers = head
            seen.status = int(status_line.split(" ", 2)[1])
            out = [status_line] + [
                f"{k}: {v}"
                for k, v in response_headers.items()
                if k not in ("connection", "keep-alive")
            ]
            out.append("Connection: close")
            client.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
            length = response_headers.get("content-length")
            total = int(length) if length is not None else None
            cut = int(total * cut_share) if (drop and total) else None
            sent = 0
            while True:
                want = 64 * 1024
                if cut is not None:
                    want = min(want, cut - sent)
                    if want <= 0:
                        client.shutdown(socket.SHUT_RDWR)  # the connection "drops"
                        return
                chunk = reader.read1(want) if want else b""
                if not chunk:
                    return
                self._pace(len(chunk))
                client.sendall(chunk)
                sent += len(chunk)

    def _throttled_read(self, reader, length: int) -> bytes:
        parts = []
        remaining = length
        while remaining:
            chunk = reader.read(min(remaining, 64 * 1024))
            if not chunk:
                break
            self._pace(len(chunk))
            parts.append(chunk)
            remaining -= len(chunk)
        return b"".join(parts)

    def _pace(self, nbytes: int) -> None:
        if self.bytes_per_second:
            time.sleep(nbytes / self.bytes_per_second)


def _read_head(reader) -> tuple[str, dict[str, str]] | None:
    first = reader.readline()
    if not first:
        return None
    headers: dict[str, str] = {}
    while True:
        line = reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        key, _, value = line.decode("latin-1").partition(":")
        headers[key.strip().lower()] = value.strip()
    return first.decode("latin-1").rstrip("\r\n"), headers


@pytest.fixture
def faulty_proxy():
    """``faulty_proxy(registry_or_port, **knobs)`` -> a started FaultyProxy, stopped at teardown.

    Given a port, the proxy forwards there even before anything listens on it
    (upstream connections open per request).
    """
    started: list[FaultyProxy] = []

    def make(registry, **knobs) -> FaultyProxy:
        if isinstance(registry, int):
            port = registry
        else:
            port = int(registry.endpoint.rsplit(":", 1)[1].rstrip("/"))
        proxy = FaultyProxy(port, **knobs).start()
        started.append(proxy)
        return proxy

    yield make
    for proxy in started:
        proxy.stop()
