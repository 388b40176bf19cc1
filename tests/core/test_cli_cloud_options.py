"""``--context`` and ``--timeout`` through ``bentosync.cli.main``, in-process.

The subprocess runs against real registries are in tests/interop; here the
contract of the options is pinned with a fake server: usage errors exit 2, a
bad ``BENTOSYNC_TIMEOUT`` exits 1 without a traceback, the option reaches the
request, and the ``.yatai.yaml`` hint is a plain stderr line shown once.
"""

from __future__ import annotations

import io
import os
import stat

import pytest
import requests

from bentosync.cli import main
from support.fake_cloud import Reply, running_fake_cloud
from support.keyrings import MemoryKeyring, use_keyring

TOKEN = "tok-cli-options-secret"
USER = {"name": "ada", "email": "ada@example.com", "first_name": "", "last_name": ""}
YATAI = """\
contexts:
- api_token: {token}
  email: me@example.com
  endpoint: {endpoint}
  name: default
current_context_name: default
"""


@pytest.fixture
def memory():
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


@pytest.fixture
def cloud():
    with running_fake_cloud() as fake:
        fake.route("GET", "/api/v1/auth/current", Reply(200, USER))
        fake.route("GET", "/api/v1/current_org", Reply(200, {"name": "acme", "description": ""}))
        yield fake


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


def fingerprint(path):
    info = path.stat()
    return path.read_bytes(), stat.S_IMODE(info.st_mode), info.st_mtime_ns


# -- --timeout -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-2", "soon", "nan"])
def test_bad_option_is_a_usage_error(value, capsys):
    with pytest.raises(SystemExit) as info:
        main(["pull", "demo", "--timeout", value])
    assert info.value.code == 2
    assert "not a positive number of seconds" in capsys.readouterr().err


def test_bad_variable_is_a_clear_failure(cloud, monkeypatch, capsys):
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", TOKEN)
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", cloud.endpoint)
    monkeypatch.setenv("BENTOSYNC_TIMEOUT", "forever")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["whoami"]) == 1
    err = capsys.readouterr().err
    assert "BENTOSYNC_TIMEOUT: 'forever' is not a positive number of seconds" in err
    assert "Traceback" not in err and cloud.requests == []
    assert main(["whoami", "--timeout", "5"]) == 0  # the option wins over the variable


def test_whoami_timeout_is_used(cloud, monkeypatch, capsys, seen_timeouts):
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", TOKEN)
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", cloud.endpoint)
    assert main(["whoami", "--timeout", "12.5"]) == 0
    assert seen_timeouts == [(10.0, 12.5)]


def test_cloud_options_are_refused_with_list_local(capsys):
    with pytest.raises(SystemExit) as info:
        main(["list", "--local", "--context", "work", "--timeout", "3"])
    assert info.value.code == 2
    assert "--context and --timeout apply to the cloud side" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["list", "--local", "--timeout", "3"])
    assert info.value.code == 2
    assert "--timeout applies to the cloud side; drop --local" in capsys.readouterr().err


def test_help_documents_the_options(capsys):
    for command in ("push", "pull", "verify", "list", "whoami"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        assert "--context NAME" in out and "--timeout SECONDS" in out, command
        assert "BENTOSYNC_TIMEOUT" in out and "BENTOML_CLOUD_CONTEXT" in out, command


# -- --context and .yatai.yaml ---------------------------------------------------------


def test_whoami_context_option_and_variable(cloud, memory, monkeypatch, capsys):
    for name in ("a", "b"):
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{TOKEN}-{name}"))
        argv = ["login", "--endpoint", cloud.endpoint, "--context", name, "--token-stdin"]
        assert main(argv) == 0
    capsys.readouterr()

    def whoami(*argv: str) -> tuple[str, str]:
        cloud.requests.clear()
        code = main(["whoami", *argv])
        out, err = capsys.readouterr()
        assert code == 0, err
        return next(line for line in out.splitlines() if line.startswith("Context:")), str(
            cloud.requests[0].headers["X-YATAI-API-TOKEN"]
        )

    assert whoami() == ("Context:     b", f"{TOKEN}-b")  # the last login is current
    assert whoami("--context", "a") == ("Context:     a", f"{TOKEN}-a")
    monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "a")
    assert whoami() == ("Context:     a", f"{TOKEN}-a")
    assert whoami("--context", "b") == ("Context:     b", f"{TOKEN}-b")
    code = main(["whoami", "--context", "nope"])
    err = capsys.readouterr().err
    assert code == 1 and "no saved login named 'nope'" in err and "saved: a, b" in err
    assert "Traceback" not in err and TOKEN not in err


def test_whoami_from_yatai_says_where_and_hints_once(cloud, memory, bentoml_home, capsys):
    yatai = bentoml_home / ".yatai.yaml"
    yatai.write_text(YATAI.format(token=TOKEN, endpoint=cloud.endpoint))
    os.chmod(yatai, 0o644)
    before = fingerprint(yatai)

    assert main(["whoami"]) == 0
    out, err = capsys.readouterr()
    assert f"Endpoint:    {cloud.endpoint}" in out and "Context:     default" in out
    assert f"Credentials: the bentoml CLI's plaintext file {yatai}" in out
    assert err.startswith("bentosync: ") and err.count("bentosync login --import-yatai") == 1
    assert main(["whoami"]) == 0
    out2, err2 = capsys.readouterr()
    assert "--import-yatai" not in err2  # shown once, not twice
    assert all(r.headers["X-YATAI-API-TOKEN"] == TOKEN for r in cloud.requests)

    cloud.route("GET", "/api/v1/auth/current", Reply(401, {"message": "expired"}))
    assert main(["whoami"]) == 1
    _, err3 = capsys.readouterr()
    assert "bentoml cloud login" in err3 and str(yatai) in err3
    for text in (out, err, out2, err2, err3):
        assert TOKEN not in text
    assert fingerprint(yatai) == before
    assert memory.items == {} and os.listdir(bentoml_home) == [".yatai.yaml"]
