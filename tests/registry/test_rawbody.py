"""RawBodyProtocol: a route takes a body over from uvicorn, and the connection stays HTTP.

A real uvicorn server on 127.0.0.1 with a small ASGI app; the requests are
written on plain sockets where the test needs exact bytes on the wire
(pipelining, a client that stops halfway).
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import socket
import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
import uvicorn
from registry_helpers import Api, files_in, model_files, push_proxy
from starlette.requests import ClientDisconnect, Request

from bentosync.registry import ingest
from bentosync.registry.bufferpool import BufferPool
from bentosync.registry.config import RegistryConfig
from bentosync.registry.ingest import open_raw_body
from bentosync.registry.rawbody import RawBodyProtocol
from bentosync.registry.server import RegistryThread, bind_socket

events: list[str] = []


async def app(scope, receive, send) -> None:
    request = Request(scope, receive)
    raw = open_raw_body(request)
    if scope["path"] == "/ignore":  # answers before reading a byte
        await respond(send, "ignored")
        return
    try:
        if raw is None:
            body, how = await request.body(), "stream"
        else:
            parts = []
            while raw.left:
                buffer = bytearray(1000)
                size = await raw.fill(memoryview(buffer))
                parts.append(bytes(buffer[:size]))
            body, how = b"".join(parts), "raw"
    except ClientDisconnect:
        events.append("disconnect")
        return
    await respond(send, f"{how} {len(body)} {hashlib.sha256(body).hexdigest()}")


async def respond(send, text: str) -> None:
    body = text.encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, int]]:
    sock = bind_socket("127.0.0.1", 0)
    config = uvicorn.Config(app, http=RawBodyProtocol, lifespan="off", log_config=None)
    served = uvicorn.Server(config)
    thread = threading.Thread(target=served.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not served.started:
        thread.join(0.01)
    yield sock.getsockname()[:2]
    served.should_exit = True
    thread.join(10)
    sock.close()


def expected(how: str, body: bytes) -> str:
    return f"{how} {len(body)} {hashlib.sha256(body).hexdigest()}"


def test_a_taken_body_arrives_whole_and_the_connection_serves_the_next_request(server):
    conn = http.client.HTTPConnection(*server, timeout=10)
    for size in [0, 1, 999, 1000, 3_000_001]:
        body = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        conn.request("PUT", "/fill", body=body)
        answer = conn.getresponse().read().decode()
        assert answer == (expected("raw", body) if size else expected("raw", b""))
    conn.close()


def test_a_chunked_body_is_left_to_uvicorn(server):
    conn = http.client.HTTPConnection(*server, timeout=10)
    conn.request("PUT", "/fill", body=iter([b"a" * 5000, b"b" * 7]), encode_chunked=True)
    assert conn.getresponse().read().decode() == expected("stream", b"a" * 5000 + b"b" * 7)
    conn.close()


def exchange(server, payload: bytes, answers: int) -> list[bytes]:
    """Send ``payload`` at once, then read ``answers`` responses off the socket."""
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(payload)
        reader = sock.makefile("rb")
        bodies = []
        for _ in range(answers):
            assert reader.readline().startswith(b"HTTP/1.1 200")
            length = 0
            while (line := reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            bodies.append(reader.read(length))
        return bodies


def put(path: str, body: bytes, *extra: str) -> bytes:
    head = [f"PUT {path} HTTP/1.1", "Host: t", f"Content-Length: {len(body)}", *extra]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def test_pipelined_requests_after_a_taken_body_are_parsed(server):
    """The body's last bytes and the next request arrive together: none is lost."""
    first, second = b"1" * 200_000, b"2" * 123
    answers = exchange(server, put("/fill", first) + put("/fill", second), 2)
    assert [a.decode() for a in answers] == [expected("raw", first), expected("raw", second)]


def test_expect_100_continue_is_answered(server):
    body = b"z" * 100_000
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(
            put("/fill", b"", "Expect: 100-continue").replace(
                b"Content-Length: 0", b"Content-Length: 100000"
            )
        )
        assert sock.recv(100).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(body)
        assert expected("raw", body).encode() in sock.recv(1000)


def test_a_body_the_route_never_reads_is_dropped_and_the_connection_lives_on(server):
    answers = exchange(server, put("/ignore", b"q" * 2_000_000) + put("/fill", b"next"), 2)
    assert answers == [b"ignored", expected("raw", b"next").encode()]


def test_a_client_that_stops_halfway_is_a_disconnect(server):
    events.clear()
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(put("/fill", b"h" * 10_000).replace(b"10000", b"50000"))
    for _ in range(500):
        if events:
            break
        threading.Event().wait(0.01)
    assert events == ["disconnect"]


def test_buffer_pool_reuses_a_buffer_only_after_every_user_let_go():
    async def scenario() -> list[str]:
        pool = BufferPool(1, 4096)
        first = await pool.acquire()
        first.hold(2)
        log: list[str] = []

        async def second() -> None:
            buffer = await pool.acquire()
            log.append("acquired")
            assert buffer is first

        waiting = asyncio.ensure_future(second())
        await asyncio.sleep(0.01)
        threading.Thread(target=first.release).start()  # from another thread, as the disk
        await asyncio.sleep(0.05)
        log.append("one released")
        first.release()
        await asyncio.wait_for(waiting, 5)
        return log

    assert asyncio.run(scenario()) == ["one released", "acquired"]


@pytest.mark.integration  # a whole registry, in a thread
def test_the_registry_receives_a_whole_archive_in_place(tmp_path, monkeypatch):
    """A proxy upload to the real app goes the zero-copy way, and every byte lands."""
    probe = tmp_path / "probe"
    probe.touch()
    writer = ingest.DirectWriter.open(probe)
    if writer is None:
        pytest.skip("O_DIRECT is not available here: uploads take the plain way")
    writer.abandon()
    in_place = []
    plain = []
    real_write, real_plain = ingest.DirectWriter.write_owned, ingest.receive_body

    def counted(self, view, done):
        in_place.append(len(view))
        return real_write(self, view, done)

    async def counted_plain(*args, **kwargs):
        plain.append(await real_plain(*args, **kwargs))
        return plain[-1]

    monkeypatch.setattr(ingest.DirectWriter, "write_owned", counted)
    monkeypatch.setattr(ingest, "receive_body", counted_plain)
    token = "t" * 32
    registry = RegistryThread(RegistryConfig(data_dir=tmp_path, port=0, seed_token=token))
    endpoint = registry.start()
    try:
        api = Api(SimpleNamespace(api=endpoint + "/api/v1", token=token))  # type: ignore[arg-type]
        files = model_files("demo", "v1", {"weights.bin": bytes(range(256)) * 12_289})
        response = push_proxy(api, "demo", "v1", files)
        assert response.status_code == 200, response.text
        download = api.get(api.model("demo", "v1", "download"))
        assert files_in(download.content) == files
        assert sum(in_place) == len(download.content) and plain == []
    finally:
        registry.stop()
