"""The launcher: a login if there is one, else the embedded registry, stopped at the end."""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bentosync.commands import gui as gui_command
from bentosync.core.cloud import CloudClient
from bentosync.gui import app as gui_app
from bentosync.launcher import (
    EMBEDDED_LABEL,
    EmbeddedRegistry,
    Launcher,
    RegistryStartFailed,
    server_command,
)

# The launcher starts real registry processes (and the window's embedded one).
pytestmark = pytest.mark.integration


@pytest.fixture
def data_home(tmp_path, monkeypatch) -> Path:
    """XDG_DATA_HOME in a temp folder: the embedded registry's data goes there."""
    home = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


def port_open(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex((parts.hostname, parts.port)) == 0


def test_without_a_login_the_embedded_registry_starts_and_stops(data_home):
    launcher = Launcher()
    try:
        target = launcher.resolve()
        assert target.embedded
        assert target.label == EMBEDDED_LABEL
        assert target.endpoint.startswith("http://127.0.0.1:")
        assert launcher.registry.data_dir == data_home / "bentosync" / "registry"
        assert (launcher.registry.data_dir / "registry.db").exists()
        # It answers with the token of this start, and only with it.
        client = CloudClient(target.endpoint, target.token)
        assert client.list_all_models().total == 0
        client.close()
        # The token is never on a command line another user could read.
        pid = launcher.registry.pid
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if sys.platform == "linux" else b""
        assert target.token.encode() not in cmdline
        assert "token=<hidden>" in repr(target) and target.token not in repr(target)
        # Asking again reuses the running registry.
        assert launcher.resolve().endpoint == target.endpoint
        assert launcher.registry.pid == pid
    finally:
        launcher.stop()
    assert not launcher.registry.is_running()
    assert not port_open(target.endpoint)


def test_each_start_makes_a_new_token_and_the_old_one_stops_working(data_home):
    registry = EmbeddedRegistry()
    first = Launcher(registry).resolve()
    registry.stop()
    second = Launcher(registry).resolve()
    try:
        assert first.token != second.token
        stale = CloudClient(second.endpoint, first.token)
        with pytest.raises(Exception, match=r"(?i)token|credential|401"):
            stale.list_all_models()
        stale.close()
    finally:
        registry.stop()


def test_a_login_wins_and_no_registry_starts(data_home, monkeypatch):
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", "a-token")
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", "https://cloud.example")
    launcher = Launcher()
    target = launcher.resolve()
    assert not target.embedded
    assert target.endpoint == "https://cloud.example"
    assert target.label == "API token on https://cloud.example"
    assert launcher.registry.pid is None
    launcher.stop()  # nothing to stop, and no error


def test_a_registry_that_cannot_start_says_why(data_home, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("in the way")
    registry = EmbeddedRegistry(blocker / "registry", start_timeout=20)
    with pytest.raises(RegistryStartFailed) as failure:
        Launcher(registry).resolve()
    message = str(failure.value)
    assert message.startswith("The local registry did not start (it exited with status")
    assert "Full log:" in message
    assert not registry.is_running()


def test_a_registry_that_never_answers_is_stopped(data_home, tmp_path):
    hang = [sys.executable, "-c", "import time; time.sleep(60)"]
    registry = EmbeddedRegistry(tmp_path / "data", command=lambda _d: hang, start_timeout=1)
    with pytest.raises(RegistryStartFailed, match="did not answer within 1 s"):
        registry.start()
    assert not registry.is_running()


def test_the_server_command_binds_loopback_on_a_free_port_in_the_background(tmp_path):
    command = server_command(tmp_path)
    assert command[-9:] == [
        "registry",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data",
        str(tmp_path),
        "--background",
    ]


def test_bentosync_gui_hands_the_window_the_registry_and_stops_it_after(data_home, monkeypatch):
    seen = {}

    def fake_run(argv=None, *, resolver=None):
        target = resolver()  # what the window does on its worker
        seen["target"] = target
        seen["alive"] = port_open(target.endpoint)
        return 0

    monkeypatch.setattr(gui_app, "run", fake_run)
    assert gui_command._run_gui(None) == 0
    assert seen["alive"] and seen["target"].embedded
    assert not port_open(seen["target"].endpoint)  # stopped when the window was done


HOLDER = """
import sys
from pathlib import Path
from bentosync.launcher import EmbeddedRegistry
registry = EmbeddedRegistry(Path(sys.argv[1]), log_path=Path(sys.argv[1]).parent / "holder.log")
print(registry.start(), flush=True)
sys.stdin.read()  # until the test closes our stdin
registry.stop()
"""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_second_window_does_not_start_a_second_server_on_the_same_data(tmp_path):
    import subprocess

    data = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        endpoint = holder.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        with pytest.raises(RegistryStartFailed, match="Another BentoSync window"):
            EmbeddedRegistry(data, log_path=tmp_path / "second.log").start()
        assert port_open(endpoint)  # the first window's registry is untouched
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert not port_open(endpoint)


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_an_orphan_from_a_crashed_window_is_stopped_first(tmp_path):
    import subprocess

    data = tmp_path / "data"
    first = EmbeddedRegistry(data, log_path=tmp_path / "first.log")
    old_endpoint = first.start()
    orphan_pid = first.pid
    # As if the window that started it had crashed: its pid is no longer the parent.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (data / "embedded.pid").write_text(f"{orphan_pid} {int(dead.stdout)}\n")
    second = EmbeddedRegistry(data, log_path=tmp_path / "second.log")
    try:
        new_endpoint = second.start()
        assert first._process.wait(timeout=15) is not None  # the orphan was stopped
        assert not port_open(old_endpoint)
        assert port_open(new_endpoint)
    finally:
        second.stop()
        first.stop()
    assert not (data / "embedded.pid").exists()
