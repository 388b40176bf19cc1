"""``--timeout`` / ``BENTOSYNC_TIMEOUT``: parsing, precedence, and that requests gets them.

The values are checked where they end up (the ``timeout=`` of each
``requests`` call) and against servers that really stall, on 127.0.0.1: one
that never answers an API call and one that goes quiet in the middle of a
download body, which without the fix read as "cannot reach" and not as a
timeout.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from bentosync.core.cloud import CloudClient, RequestTimeout, iter_body
from bentosync.core.errors import BentoSyncError
from bentosync.core.session import open_session
from bentosync.core.timeouts import (
    API_TIMEOUT,
    STREAM_TIMEOUT,
    Timeouts,
    effective_timeouts,
    parse_timeout,
)
from support.fake_cloud import Reply, running_fake_cloud

TOKEN = "tok-timeout-secret"
USER = {"name": "ada", "email": "ada@example.com", "first_name": "", "last_name": ""}


# -- parsing and precedence ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("30", 30.0), ("0.5", 0.5), (" 2 ", 2.0), ("1e2", 100.0)]
)
def test_parse_accepts_positive_seconds(text, seconds):
    assert parse_timeout(text) == seconds


@pytest.mark.parametrize("text", ["0", "-1", "abc", "", "  ", "nan", "inf", "-inf", "1e12"])
def test_parse_refuses_what_is_not_a_positive_number(text):
    with pytest.raises(ValueError, match="seconds"):
        parse_timeout(text)


def test_defaults_are_todays_values():
    assert API_TIMEOUT == (10.0, 60.0) and STREAM_TIMEOUT == (10.0, 120.0)
    assert effective_timeouts(environ={}) == Timeouts(API_TIMEOUT, STREAM_TIMEOUT, None)


def test_chosen_value_sets_api_and_stream_reads():
    long = effective_timeouts(300, environ={})
    assert (long.api, long.stream, long.chosen) == ((10.0, 300.0), (10.0, 300.0), 300.0)
    short = effective_timeouts(0.5, environ={})
    assert (short.api, short.stream) == ((0.5, 0.5), (0.5, 0.5))  # connect never longer


def test_option_wins_over_variable_which_wins_over_defaults():
    env = {"BENTOSYNC_TIMEOUT": "45"}
    assert effective_timeouts(environ=env).api == (10.0, 45.0)
    assert effective_timeouts(7, environ=env).api == (7.0, 7.0)
    # A bad variable does not matter when the option is given ...
    assert effective_timeouts(7, environ={"BENTOSYNC_TIMEOUT": "junk"}).api == (7.0, 7.0)
    # ... and is a clear error when it is what counts.
    with pytest.raises(BentoSyncError, match=r"BENTOSYNC_TIMEOUT: 'junk' is not a positive"):
        effective_timeouts(environ={"BENTOSYNC_TIMEOUT": "junk"})
    assert effective_timeouts(environ={"BENTOSYNC_TIMEOUT": ""}).chosen is None


# -- what requests receives ------------------------------------------------------------


@pytest.fixture
def seen_timeouts(monkeypatch):
    """Every ``timeout=`` that reaches ``requests.Session.request``, in order."""
    seen: list[object] = []
    real = requests.Session.request

    def recording(self, method, url, **kwargs):
        seen.append(kwargs.get("timeout"))
        return real(self, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    return seen


@pytest.fixture
def cloud():
    with running_fake_cloud() as fake:
        fake.route("GET", "/api/v1/auth/current", Reply(200, USER))
        fake.route("GET", "/blob", Reply(200, b"x" * 10))
        fake.route("PUT", "/blob", Reply(200, b""))
        yield fake


def exercise(client: CloudClient, endpoint: str) -> None:
    """One API call, one upload stream and one download stream."""
    client.current_user()
    client.put_stream(endpoint + "/blob", b"abc", 3, auth=False)
    list(iter_body(client.get_stream(endpoint + "/blob", auth=False)))


def test_defaults_reach_requests(cloud, seen_timeouts):
    with CloudClient(cloud.endpoint, TOKEN) as client:
        exercise(client, cloud.endpoint)
    assert seen_timeouts == [API_TIMEOUT, STREAM_TIMEOUT, STREAM_TIMEOUT]


def test_option_reaches_requests(cloud, seen_timeouts):
    with CloudClient(cloud.endpoint, TOKEN, timeout=300) as client:
        exercise(client, cloud.endpoint)
    assert seen_timeouts == [(10.0, 300.0)] * 3


def test_variable_reaches_requests_through_open_session(cloud, seen_timeouts, monkeypatch):
    monkeypatch.setenv("BENTOSYNC_TIMEOUT", "240")
    with open_session(cloud.endpoint, TOKEN) as session:
        exercise(session.client, cloud.endpoint)
    with open_session(cloud.endpoint, TOKEN, timeout=3) as session:  # the option wins
        exercise(session.client, cloud.endpoint)
    assert seen_timeouts == [(10.0, 240.0)] * 3 + [(3.0, 3.0)] * 3


def test_bad_variable_fails_before_anything_is_sent(cloud, monkeypatch):
    monkeypatch.setenv("BENTOSYNC_TIMEOUT", "-3")
    with pytest.raises(BentoSyncError, match="BENTOSYNC_TIMEOUT"):
        open_session(cloud.endpoint, TOKEN)
    assert cloud.requests == []


# -- servers that stall ----------------------------------------------------------------


def test_api_call_to_a_silent_server_times_out_as_asked(cloud):
    release = threading.Event()

    def stall(_seen):
        release.wait(30)
        return Reply(200, USER)

    cloud.route("GET", "/api/v1/auth/current", stall)
    started = time.monotonic()
    try:
        with (
            CloudClient(cloud.endpoint, TOKEN, timeout=0.5) as client,
            pytest.raises(RequestTimeout) as info,
        ):
            client.current_user()
    finally:
        release.set()
    assert time.monotonic() - started < 5
    message = str(info.value)
    assert "timed out waiting for data from" in message and "nothing came for 0.5 s" in message
    assert "--timeout" in message and "BENTOSYNC_TIMEOUT" in message
    assert TOKEN not in message


class StallingBody:
    """Answers any request with headers and the first bytes of a body, then goes quiet."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.release = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
            self.release.wait(30)

    def close(self) -> None:
        self.release.set()
        self.sock.close()


def test_download_that_goes_quiet_mid_body_is_a_timeout():
    server = StallingBody()
    started = time.monotonic()
    try:
        with CloudClient(server.endpoint, TOKEN, timeout=0.5) as client:
            resp = client.get_stream(server.endpoint + "/archive", auth=False)
            with pytest.raises(RequestTimeout, match="timed out waiting for data from"):
                list(iter_body(resp, chunk_size=1))
    finally:
        server.close()
    assert time.monotonic() - started < 5
