"""The real CLI against the real Secret Service (gnome-keyring over D-Bus).

Fakes prove the logic; only this proves the token really lands in the OS
keyring, survives between processes, leaves no trace in any file under HOME,
and is gone after logout. ``make test`` runs pytest inside
``.ci/with-session-bus.sh`` (a private D-Bus session with an unlocked
gnome-keyring), so the user's own keyring is never touched.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from support.fake_cloud import Reply, running_fake_cloud
from support.secret_service import SERVICE

pytestmark = pytest.mark.keyring

ROOT = Path(__file__).resolve().parents[2]


def _files_containing(roots: list[Path], needle: bytes) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            for name in names:
                path = Path(dirpath, name)
                if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
                    found.append(path)
    return found


def test_login_whoami_logout_with_real_secret_service(secret_service, tmp_path):
    token = f"tok-{secrets.token_hex(16)}"
    context = f"ss-{secrets.token_hex(4)}"
    home, bentoml_home = tmp_path / "home", tmp_path / "bentoml"
    xdg = {
        var: tmp_path / var.lower()
        for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")
    }
    for path in (home, bentoml_home, *xdg.values()):
        path.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BENTO_CLOUD_", "BENTOCLOUD_", "BENTOML_", "PYTHON_KEYRING"))
    }
    env.update({k: str(v) for k, v in xdg.items()})
    env.update(
        HOME=str(home),
        BENTOML_HOME=str(bentoml_home),
        PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring",
    )

    def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "bentosync", *args],
            input=stdin,
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert token not in proc.stdout and token not in proc.stderr
        return proc

    with running_fake_cloud() as cloud:
        user = {"name": "grace", "email": "grace@example.com", "first_name": "", "last_name": ""}
        cloud.route("GET", "/api/v1/auth/current", Reply(200, user))
        cloud.route("GET", "/api/v1/current_org", Reply(200, {"name": "acme", "description": ""}))

        login = cli(
            "login",
            "--endpoint",
            cloud.endpoint,
            "--context",
            context,
            "--token-stdin",
            stdin=token + "\n",
        )
        assert login.returncode == 0, login.stderr
        assert login.stdout.strip() == (
            f"Logged in to {cloud.endpoint} as grace (context {context})"
        )
        assert secret_service.get_password(SERVICE, context) == token

        whoami = cli("whoami")
        assert whoami.returncode == 0, whoami.stderr
        assert f"Endpoint:    {cloud.endpoint}" in whoami.stdout
        assert "User:        grace <grace@example.com>" in whoami.stdout
        assert f"Credentials: system keyring (context '{context}')" in whoami.stdout
        assert all(r.headers.get("X-YATAI-API-TOKEN") == token for r in cloud.requests)

        roots = [home, bentoml_home, *xdg.values()]
        assert _files_containing(roots, token.encode()) == []
        assert (xdg["XDG_CONFIG_HOME"] / "bentosync" / "contexts.json").is_file()

        logout = cli("logout")
        assert logout.returncode == 0, logout.stderr
        assert secret_service.get_password(SERVICE, context) is None
        assert _files_containing(roots, token.encode()) == []

        after = cli("whoami")
        assert after.returncode == 1 and "Not logged in" in after.stderr
