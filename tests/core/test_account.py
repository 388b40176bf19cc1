"""``bentosync login``/``logout``/``whoami`` in-process, with a fake server and keyring.

The real Secret Service run is in test_credentials_secret_service.py; here the
contract is pinned: the token is checked before it is stored, never comes from
argv, never appears in output, and each failure exits 1 with a useful message.
"""

from __future__ import annotations

import io
import json

import pytest

from bentosync.cli import main
from bentosync.core.credentials import ContextsFile, CredentialStorage
from support.fake_cloud import Reply, running_fake_cloud
from support.keyrings import MemoryKeyring, no_keyring, use_keyring

TOKEN = "tok-SECRET-cli-123"
USER = {"name": "ada", "email": "ada@example.com", "first_name": "", "last_name": ""}
ORG = {"name": "acme", "uid": "o1", "description": ""}


@pytest.fixture
def cloud():
    with running_fake_cloud() as fake:
        fake.route("GET", "/api/v1/auth/current", Reply(200, USER))
        fake.route("GET", "/api/v1/current_org", Reply(200, ORG))
        yield fake


@pytest.fixture
def memory():
    with use_keyring(MemoryKeyring()) as backend:
        yield backend


def run(monkeypatch, capsys, *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert TOKEN not in out and TOKEN not in err
    return code, out, err


def test_login_checks_then_stores(cloud, memory, monkeypatch, capsys):
    code, out, _ = run(
        monkeypatch,
        capsys,
        *("login", "--endpoint", cloud.endpoint, "--context", "work", "--token-stdin"),
        stdin=TOKEN + "\n",
    )
    assert code == 0
    assert out.strip() == f"Logged in to {cloud.endpoint} as ada (context work)"
    assert cloud.paths() == ["/api/v1/auth/current", "/api/v1/current_org"]
    assert all(r.headers["X-YATAI-API-TOKEN"] == TOKEN for r in cloud.requests)
    assert memory.items == {("bentosync", "work"): TOKEN}
    saved = json.loads(ContextsFile().path.read_text())
    assert saved["current_context"] == "work" and TOKEN not in json.dumps(saved)
    assert saved["contexts"][0]["email"] == "ada@example.com"


def test_refused_token_is_not_stored(cloud, memory, monkeypatch, capsys):
    cloud.route("GET", "/api/v1/auth/current", Reply(401, {"message": "bad token"}))
    code, _, err = run(
        monkeypatch, capsys, "login", "--endpoint", cloud.endpoint, "--token-stdin", stdin=TOKEN
    )
    assert code == 1
    assert "refused this token (HTTP 401)" in err and "Nothing was saved" in err
    assert memory.items == {} and not ContextsFile().path.exists()


def test_login_needs_an_endpoint(memory, monkeypatch, capsys):
    with pytest.raises(SystemExit) as info:
        run(monkeypatch, capsys, "login", "--token-stdin", stdin=TOKEN)
    assert info.value.code == 2


def test_login_without_terminal_or_stdin_flag(cloud, memory, monkeypatch, capsys):
    code, _, err = run(monkeypatch, capsys, "login", "--endpoint", cloud.endpoint)
    assert code == 1 and "--token-stdin" in err and cloud.requests == []


def test_login_without_keyring_fails_before_asking(cloud, monkeypatch, capsys):
    with use_keyring(no_keyring()):
        code, _, err = run(
            monkeypatch, capsys, "login", "--endpoint", cloud.endpoint, "--token-stdin", stdin=TOKEN
        )
    assert code == 1 and "No usable system keyring" in err and "Nothing was saved" in err
    assert cloud.requests == []


def test_whoami_and_logout(cloud, memory, monkeypatch, capsys):
    run(monkeypatch, capsys, "login", "--endpoint", cloud.endpoint, "--token-stdin", stdin=TOKEN)
    code, out, _ = run(monkeypatch, capsys, "whoami")
    assert code == 0
    assert out.splitlines() == [
        f"Endpoint:    {cloud.endpoint}",
        "User:        ada <ada@example.com>",
        "Context:     default",
        "Credentials: system keyring (context 'default')",
    ]
    code, out, _ = run(monkeypatch, capsys, "logout")
    assert code == 0 and "its token was deleted from the keyring" in out
    assert memory.items == {}
    code, _, err = run(monkeypatch, capsys, "whoami")
    assert code == 1 and "Not logged in" in err
    code, _, err = run(monkeypatch, capsys, "logout")
    assert code == 1 and "no saved login" in err


def test_whoami_from_environment_and_refused(cloud, memory, monkeypatch, capsys):
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", TOKEN)
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", cloud.endpoint)
    code, out, _ = run(monkeypatch, capsys, "whoami")
    assert code == 0 and "Credentials: environment variable BENTO_CLOUD_API_KEY" in out
    cloud.route("GET", "/api/v1/auth/current", Reply(403, {"message": "expired"}))
    code, _, err = run(monkeypatch, capsys, "whoami")
    assert code == 1 and "was refused (HTTP 403)" in err
    assert "set a valid token in BENTO_CLOUD_API_KEY" in err


def test_import_yatai(memory, bentoml_home, monkeypatch, capsys):
    yatai = bentoml_home / ".yatai.yaml"
    yatai.write_text(
        f"contexts:\n- api_token: {TOKEN}\n  endpoint: http://127.0.0.1:1\n  name: default\n"
        "current_context_name: default\n"
    )
    before = yatai.read_bytes()
    code, out, _ = run(monkeypatch, capsys, "login", "--import-yatai")
    assert code == 0 and "Imported from" in out and "default" in out
    assert memory.items == {("bentosync", "default"): TOKEN}
    assert yatai.read_bytes() == before
    assert CredentialStorage().load_token("default") == TOKEN
