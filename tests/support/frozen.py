"""The frozen app as users get it: its executable, a clean user, its own registry server.

``make test-package`` builds the bundle (``make package``) and runs this folder with
``BENTOSYNC_BUNDLE`` (and, on Linux, ``BENTOSYNC_TARBALL``) pointing at it. The
plain suite (``make test``) leaves the folder out: building a bundle takes minutes.

"Clean" means what a fresh machine has: a HOME of its own with nothing in it, a
PATH with no Python on it (an empty folder), and none of the developer's
variables, so nothing from the checkout or its virtual environments can be found.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE_NAME = "bentosync.exe" if sys.platform == "win32" else "bentosync"
READY_PREFIX = "BentoSync registry listening on "
TOKEN_ENV = "BENTOSYNC_REGISTRY_TOKEN"
START_TIMEOUT = 60.0
# What a process needs from the environment on each platform, and nothing more.
_PLATFORM_KEEP = {
    "win32": ("SYSTEMROOT", "WINDIR", "COMSPEC", "PATHEXT", "NUMBER_OF_PROCESSORS"),
    "darwin": ("TMPDIR",),
}


def _configured(name: str, default: Path | None) -> Path | None:
    value = os.environ.get(name)
    path = Path(value) if value else default
    if path is None or not path.exists():
        if os.environ.get("CI") or value:
            pytest.fail(f"{name}={path} does not exist; `make test-package` builds it")
        pytest.skip(f"no bundle at {path}: run `make test-package`")
    return path


@dataclass
class User:
    """A user of a fresh machine: a home, an empty PATH, and the app's data dirs in the home."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def bentoml_home(self) -> Path:
        return self.home / "bentoml"

    @property
    def empty_bin(self) -> Path:
        return self.root / "bin"

    def env(self, **extra: str) -> dict[str, str]:
        self.home.mkdir(parents=True, exist_ok=True)
        self.empty_bin.mkdir(parents=True, exist_ok=True)
        env = {k: os.environ[k] for k in _PLATFORM_KEEP.get(sys.platform, ()) if k in os.environ}
        env.update(
            HOME=str(self.home),
            PATH=str(self.empty_bin),
            LANG="C.UTF-8",
            BENTOML_HOME=str(self.bentoml_home),
        )
        if sys.platform == "win32":
            env.update(
                USERPROFILE=str(self.home),
                APPDATA=str(self.home / "AppData" / "Roaming"),
                LOCALAPPDATA=str(self.home / "AppData" / "Local"),
                TEMP=str(self.root / "tmp"),
                TMP=str(self.root / "tmp"),
            )
            (self.root / "tmp").mkdir(exist_ok=True)
        env.update(extra)
        assert shutil.which("python3", path=env["PATH"]) is None
        assert shutil.which("python", path=env["PATH"]) is None
        return env


@dataclass
class Frozen:
    """The bundle: run its executable as a user of a fresh machine would."""

    bundle: Path

    @property
    def exe(self) -> Path:
        return self.bundle / EXE_NAME

    def run(
        self,
        user: User,
        *args: str,
        timeout: float = 300,
        check: bool = True,
        stdin_text: str | None = None,
        **env: str,
    ) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [str(self.exe), *args],
            env=user.env(**env),
            cwd=user.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            input=stdin_text,
            stdin=subprocess.DEVNULL if stdin_text is None else None,
        )
        if check and proc.returncode != 0:
            command = " ".join(args)
            raise AssertionError(
                f"bentosync {command} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def json(self, user: User, *args: str, **env: str) -> object:
        return json.loads(self.run(user, *args, **env).stdout)


@pytest.fixture(scope="session")
def frozen() -> Frozen:
    bundle = _configured("BENTOSYNC_BUNDLE", ROOT / "dist" / "bentosync")
    assert bundle is not None
    return Frozen(bundle)


@pytest.fixture(scope="session")
def tarball() -> Path:
    if not sys.platform.startswith("linux"):
        pytest.skip("the tarball is the Linux bundle")
    found = sorted((ROOT / "dist").glob("bentosync-*-linux-*.tar.gz"))
    path = _configured("BENTOSYNC_TARBALL", found[-1] if found else None)
    assert path is not None
    return path


@pytest.fixture
def user(tmp_path: Path) -> User:
    return User(tmp_path / "user")


@dataclass
class FrozenRegistry:
    """``bentosync registry serve`` run from the bundle, as a self-hoster runs it."""

    endpoint: str
    token: str
    process: subprocess.Popen[str]
    log: Path


@pytest.fixture
def frozen_registry(frozen: Frozen, tmp_path: Path) -> Iterator[FrozenRegistry]:
    """The bundle's own registry server on 127.0.0.1 and a free port; stopped after the test."""
    admin = User(tmp_path / "registry-admin")
    token = "smoke-" + secrets.token_urlsafe(24)
    data = tmp_path / "registry-data"
    log = (tmp_path / "registry.log").open("w")
    serve = ["registry", "serve", "--host", "127.0.0.1", "--port", "0", "--data", str(data)]
    process = subprocess.Popen(
        [str(frozen.exe), *serve],
        env=admin.env(**{TOKEN_ENV: token}),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        endpoint = _wait_ready(process, tmp_path / "registry.log")
        yield FrozenRegistry(endpoint, token, process, tmp_path / "registry.log")
    finally:
        stop(process)
        log.close()


def _wait_ready(process: subprocess.Popen[str], log: Path) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline and process.poll() is None:
            if selector.select(timeout=0.2):
                line = process.stdout.readline()
                if line.startswith(READY_PREFIX):
                    return line[len(READY_PREFIX) :].strip()
    stop(process)
    raise AssertionError(f"the frozen registry did not start:\n{log.read_text()}")


def stop(process: subprocess.Popen[str], timeout: float = 15.0) -> int:
    """SIGINT (Ctrl+C: the app's own orderly exit), then SIGKILL if it hangs."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT if sys.platform != "win32" else signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    return process.returncode


__all__ = ["Frozen", "FrozenRegistry", "User", "frozen", "frozen_registry", "stop", "tarball"]
