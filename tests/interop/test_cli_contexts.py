"""``--context``, ``BENTOML_CLOUD_CONTEXT``, ``.yatai.yaml`` and ``--timeout`` end to end.

Real parts only: ``python -m bentosync`` subprocesses, the project's registry
over HTTP on 127.0.0.1, tokens in the real Secret Service (gnome-keyring under
the private session bus of .ci/with-session-bus.sh), a ``.yatai.yaml`` written
by the official ``bentoml cloud login``, and servers that stall for real.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bentosync.core.cloud import CloudClient
from interop.test_transfer_roundtrip import make_model, tree_snapshot
from support.secret_service import BACKEND, SERVICE

pytestmark = pytest.mark.keyring

ROOT = Path(__file__).resolve().parents[2]


class Cli:
    """Runs ``python -m bentosync`` with a private HOME, XDG dirs and BENTOML_HOME.

    The keyring is the Secret Service of the test's session bus; credential
    variables of the calling shell are dropped, so only what a test sets counts.
    Every run is checked for leaked secrets and tracebacks.
    """

    def __init__(self, tmp_path: Path, secrets_: list[str]) -> None:
        self.home = tmp_path / "user-home"
        self.xdg = {
            var: tmp_path / var.lower()
            for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
        }
        for path in (self.home, *self.xdg.values()):
            path.mkdir(exist_ok=True)
        self.secrets = secrets_

    def env(self, bentoml_home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BENTO_CLOUD_", "BENTOCLOUD_", "BENTOML_", "BENTOSYNC_TIMEOUT"))
            and k != "PYTHON_KEYRING_BACKEND"
        }
        env.update({k: str(v) for k, v in self.xdg.items()})
        env.update(
            HOME=str(self.home),
            BENTOML_HOME=str(bentoml_home),
            PYTHON_KEYRING_BACKEND=BACKEND,
            PYTHONUNBUFFERED="1",
        )
        env.update(extra or {})
        return env

    def __call__(
        self,
        bentoml_home: Path,
        *args: str,
        env: dict[str, str] | None = None,
        stdin: str = "",
        timeout: float = 180,
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "bentosync", *args],
            input=stdin,
            env=self.env(bentoml_home, env),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        for secret in self.secrets:
            assert secret not in proc.stdout and secret not in proc.stderr
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    def ok(self, bentoml_home: Path, *args: str, **kwargs) -> subprocess.CompletedProcess[str]:
        proc = self(bentoml_home, *args, **kwargs)
        assert proc.returncode == 0, f"bentosync {' '.join(args)}:\n{proc.stderr}"
        return proc

    def cloud_tags(self, bentoml_home: Path, *args: str, **kwargs) -> set[str]:
        out = self.ok(bentoml_home, "list", "--cloud", "--json", *args, **kwargs).stdout
        return {item["tag"] for item in json.loads(out)}


def files_containing(roots: list[Path], needle: str) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = Path(dirpath, name)
                if path.is_symlink() or not path.is_file():
                    continue
                if needle.encode() in path.read_bytes():
                    found.append(path)
    return found


def test_context_option_and_variable_choose_between_two_logins(
    secret_service, registry_factory, tmp_path
):
    first, second = registry_factory(), registry_factory()
    name_a, name_b = f"a-{secrets.token_hex(4)}", f"b-{secrets.token_hex(4)}"
    cli = Cli(tmp_path, [first.token, second.token])
    home, other = tmp_path / "bentoml", tmp_path / "bentoml-other"
    home.mkdir()
    other.mkdir()
    model_a = make_model(home, "ctx-a", big_bytes=300_000)
    model_b = make_model(home, "ctx-b", big_bytes=200_000, seed=4)
    tag_a, tag_b = str(model_a.tag), str(model_b.tag)
    try:
        for name, server in ((name_a, first), (name_b, second)):
            cli.ok(
                home,
                *("login", "--endpoint", server.endpoint, "--context", name, "--token-stdin"),
                stdin=server.token + "\n",
            )
            assert secret_service.get_password(SERVICE, name) == server.token
        # The last login is current; --context picks the other one for this push only.
        cli.ok(home, "push", tag_a, "--context", name_a)
        cli.ok(home, "push", tag_b, env={"BENTOML_CLOUD_CONTEXT": name_b})
        with CloudClient(first.endpoint, first.token) as client:
            assert {m.tag for m in client.iter_all_models()} == {tag_a}
        with CloudClient(second.endpoint, second.token) as client:
            assert {m.tag for m in client.iter_all_models()} == {tag_b}

        assert cli.cloud_tags(home) == {tag_b}  # current: b
        assert cli.cloud_tags(home, "--context", name_a) == {tag_a}
        assert cli.cloud_tags(home, env={"BENTOML_CLOUD_CONTEXT": name_a}) == {tag_a}
        # The option wins over the variable.
        both = {"BENTOML_CLOUD_CONTEXT": name_a}
        assert cli.cloud_tags(home, "--context", name_b, env=both) == {tag_b}

        # Pull each from its own registry, chosen by the variable, then by the option.
        cli.ok(other, "pull", "ctx-a", env={"BENTOML_CLOUD_CONTEXT": name_a})
        cli.ok(other, "pull", tag_b, "--context", name_b)
        for model in (model_a, model_b):
            pulled = other / "models" / model.tag.name / model.tag.version
            assert tree_snapshot(pulled) == tree_snapshot(model.path)
        cli.ok(home, "verify", tag_a, "--context", name_a)
        wrong = cli(home, "verify", tag_a, "--context", name_b)
        assert wrong.returncode == 1  # not on that registry

        who = cli.ok(home, "whoami", "--context", name_a).stdout
        assert f"Endpoint:    {first.endpoint}" in who and f"Context:     {name_a}" in who

        unknown = cli(home, "pull", tag_a, "--context", "no-such-login")
        assert unknown.returncode == 1
        assert "no saved login named 'no-such-login'" in unknown.stderr
        assert name_a in unknown.stderr and name_b in unknown.stderr
        unknown = cli(home, "list", "--cloud", env={"BENTOML_CLOUD_CONTEXT": "typo"})
        assert unknown.returncode == 1 and "BENTOML_CLOUD_CONTEXT" in unknown.stderr

        # The official API-key variables still win over both.
        env_key = {
            "BENTO_CLOUD_API_KEY": second.token,
            "BENTO_CLOUD_API_ENDPOINT": second.endpoint,
            "BENTOML_CLOUD_CONTEXT": name_a,
        }
        assert cli.cloud_tags(home, "--context", name_a, env=env_key) == {tag_b}

        roots = [cli.home, *cli.xdg.values(), home, other]
        assert files_containing(roots, first.token) == files_containing(roots, second.token) == []
    finally:
        for name in (name_a, name_b):
            cli(home, "logout", "--context", name)
    assert secret_service.get_password(SERVICE, name_a) is None


def test_yatai_file_from_bentoml_cloud_login_serves_a_push(
    secret_service, official, registry, tmp_path
):
    cli = Cli(tmp_path, [registry.token])
    home = tmp_path / "bentoml"
    home.mkdir()
    official.run_cli(
        ["cloud", "login", "--endpoint", registry.endpoint, "--api-token", registry.token], home
    )
    yatai = home / ".yatai.yaml"

    def fingerprint() -> tuple[bytes, int, int, int]:
        info = yatai.stat()
        return yatai.read_bytes(), stat.S_IMODE(info.st_mode), info.st_mtime_ns, info.st_ino

    before = fingerprint()
    assert registry.token.encode() in before[0]  # the official client's plaintext token
    model = make_model(home, "from-yatai", big_bytes=250_000)
    listing_before = sorted(os.listdir(home))

    pushed = cli.ok(home, "push", str(model.tag))
    assert pushed.stderr.count("bentosync login --import-yatai") == 1
    assert str(yatai) in pushed.stderr and "plaintext" in pushed.stderr
    with CloudClient(registry.endpoint, registry.token) as client:
        assert {m.tag for m in client.iter_all_models()} == {str(model.tag)}

    again = cli.ok(home, "list", "--cloud", "--json")
    assert "--import-yatai" not in again.stderr  # the hint was shown once, not twice
    assert {i["tag"] for i in json.loads(again.stdout)} == {str(model.tag)}
    who = cli.ok(home, "whoami")
    assert f"Credentials: the bentoml CLI's plaintext file {yatai}" in who.stdout
    assert "--import-yatai" in who.stdout and "--import-yatai" not in who.stderr

    assert fingerprint() == before  # not rewritten, not chmodded, not replaced
    assert sorted(os.listdir(home)) == listing_before
    assert secret_service.get_password(SERVICE, "default") is None  # copied nowhere
    roots = [cli.home, *cli.xdg.values()]
    assert files_containing(roots, registry.token) == []
    assert files_containing([home], registry.token) == [yatai]


class SilentServer:
    """Accepts connections and reads requests, then never answers: a hung server."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.stop = threading.Event()
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(conn)  # held open, never answered

    def close(self) -> None:
        self.stop.set()
        for conn in self.connections:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    yield server
    server.close()


def test_timeout_option_ends_a_push_through_a_stalling_link(
    secret_service, registry, faulty_proxy, tmp_path
):
    """The registry answers, but the wire trickles each body at 40 bytes/s."""
    slow = faulty_proxy(registry, bytes_per_second=40)
    cli = Cli(tmp_path, [registry.token])
    home = tmp_path / "bentoml"
    home.mkdir()
    model = make_model(home, "stalled", big_bytes=10_000)
    env = {"BENTO_CLOUD_API_KEY": registry.token, "BENTO_CLOUD_API_ENDPOINT": slow.endpoint}
    started = time.monotonic()
    proc = cli(home, "push", str(model.tag), "--timeout", "0.5", env=env, timeout=120)
    elapsed = time.monotonic() - started
    assert proc.returncode == 1, proc.stderr
    assert "timed out waiting for data from" in proc.stderr
    assert "nothing came for 0.5 s" in proc.stderr and "--timeout" in proc.stderr
    assert elapsed < 60, elapsed  # retried a few times, each cut at 0.5 s: no hang


def test_timeout_variable_and_option_end_calls_to_a_silent_server(
    secret_service, silent_server, tmp_path
):
    cli = Cli(tmp_path, ["silent-token-secret"])
    home = tmp_path / "bentoml"
    home.mkdir()
    env = {
        "BENTO_CLOUD_API_KEY": "silent-token-secret",
        "BENTO_CLOUD_API_ENDPOINT": silent_server.endpoint,
    }
    for args, extra in (
        (("list", "--cloud", "--timeout", "0.5"), {}),
        (("whoami",), {"BENTOSYNC_TIMEOUT": "0.5"}),
        (("whoami", "--timeout", "0.5"), {"BENTOSYNC_TIMEOUT": "600"}),  # the option wins
    ):
        started = time.monotonic()
        proc = cli(home, *args, env={**env, **extra}, timeout=60)
        elapsed = time.monotonic() - started
        assert proc.returncode == 1, proc.stderr
        assert "timed out waiting for data from" in proc.stderr, proc.stderr
        assert "nothing came for 0.5 s" in proc.stderr
        assert elapsed < 20, (args, elapsed)
    bad = cli(home, "whoami", env={**env, "BENTOSYNC_TIMEOUT": "later"})
    assert bad.returncode == 1 and "BENTOSYNC_TIMEOUT: 'later'" in bad.stderr
    usage = cli(home, "push", "x", "--timeout", "0", env=env)
    assert usage.returncode == 2 and "not a positive number of seconds" in usage.stderr
