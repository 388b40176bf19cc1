"""Run real ``bentosync registry serve`` processes for tests.

Every test that needs a cloud gets a real server over loopback HTTP, started
the way users start it, so tests cover the CLI, the startup repair and the
signal handling too. The token travels in the environment, never in argv.

Use in a test::

    def test_something(registry):            # proxy strategy
        requests.get(registry.endpoint + "/api/v1/auth/current",
                     headers=registry.headers)

    def test_other(registry_factory):
        server = registry_factory(strategy="multipart", extra_args=["--presign-expiry", "1"])
        server.kill(); server.restart()       # SIGKILL and start again, same port and data

    def test_strict(strict_registry):        # behaves as BentoCloud does (FLAVORS.md)
        strict_registry.storage_endpoint     # its S3-rules storage, on a port of its own

    @pytest.mark.both_databases              # once on SQLite, once on PostgreSQL
    def test_anything(registry): ...         # (``registry_database``: None or the URL)

A server whose log shows the API token reaching its storage endpoint fails
the test that used it, unless that test set ``token_leak_expected``.
"""

from __future__ import annotations

import os
import secrets
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from support import forkserver
from support.processes import die_with_parent

ROOT = Path(__file__).resolve().parents[2]
READY_PREFIX = "BentoSync registry listening on "
STORAGE_READY_PREFIX = "BentoSync storage listening on "
TOKEN_LEAK_MARKER = "API TOKEN SENT TO STORAGE"
TOKEN_ENV = "BENTOSYNC_REGISTRY_TOKEN"
START_TIMEOUT = 30.0


def server_python() -> str:
    candidate = ROOT / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


@dataclass
class RegistryServer:
    """One registry process: its endpoint, token and data dir, and ways to end it."""

    data_dir: Path
    token: str
    strategy: str = "proxy"
    flavor: str = "bentosync"
    extra_args: list[str] = field(default_factory=list)
    log_path: Path | None = None
    endpoint: str = ""
    port: int = 0
    # The bentocloud flavour's storage endpoint ("" for the bentosync flavour).
    storage_endpoint: str = ""
    storage_port: int = 0
    # Set by a test that sends the token to storage on purpose (to see it refused).
    token_leak_expected: bool = False
    process: subprocess.Popen[str] | forkserver.ForkedProcess | None = None
    deletes_expected: bool = False
    # ``--storage`` (an S3 URL) and the environment that reaches the store, or "".
    storage_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    # ``--database``: a PostgreSQL URL (its password in PGPASSWORD), None for SQLite.
    database: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"X-YATAI-API-TOKEN": self.token}

    @property
    def api(self) -> str:
        return self.endpoint + "/api/v1"

    def start(self) -> RegistryServer:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("The registry is already running.")
        log_path = self.log_path or self.data_dir.parent / f"{self.data_dir.name}.log"
        self.log_path = log_path
        args = [
            server_python(),
            "-m",
            "bentosync",
            "registry",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--data",
            str(self.data_dir),
            "--strategy",
            self.strategy,
            "--flavor",
            self.flavor,
            "--storage-port",
            str(self.storage_port),
            *(["--storage", self.storage_url] if self.storage_url else []),
            *(["--database", self.database] if self.database else []),
            *self.extra_args,
        ]
        env = dict(os.environ)
        env.update(self.env)
        env[TOKEN_ENV] = self.token
        env["PYTHONUNBUFFERED"] = "1"
        if forkserver.usable(env):  # the same CLI in a process of its own, minus imports
            self.process = forkserver.spawn(args[3:], env, log_path)
            return self._announced()
        with open(log_path, "a", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
                preexec_fn=die_with_parent(),
            )
        return self._announced()

    def _announced(self) -> RegistryServer:
        self.endpoint = self._wait_ready()
        self.port = int(self.endpoint.rsplit(":", 1)[1])
        if self.flavor == "bentocloud" and not self.storage_url:
            # Printed with the API's line, in the same call, so it is read at once:
            # it may sit in the pipe's read buffer already, where select cannot see it.
            assert self.process is not None and self.process.stdout is not None
            line = self.process.stdout.readline()
            if not line.startswith(STORAGE_READY_PREFIX):
                self.kill()
                raise RuntimeError(f"The registry announced no storage endpoint: {line!r}")
            self.storage_endpoint = line[len(STORAGE_READY_PREFIX) :].strip()
            self.storage_port = int(self.storage_endpoint.rsplit(":", 1)[1])
        return self

    def _wait_ready(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + START_TIMEOUT
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=0.2):
                    line = self.process.stdout.readline()
                    if line.startswith(READY_PREFIX):
                        return line[len(READY_PREFIX) :].strip()
                    if not line and self.process.poll() is not None:
                        break
                elif self.process.poll() is not None:
                    break
        code = self.process.poll()
        if code is None:
            self.kill()
        raise RuntimeError(
            f"The registry did not start (exit {code}); its log:\n{self.log_text()[-4000:]}"
        )

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8") if self.log_path else ""

    def expect_deletes(self) -> None:
        """This test deletes cloud versions on purpose (an explicit user act)."""
        self.deletes_expected = True

    def deletes(self) -> list[str]:
        """Every DELETE the server received, from its access log."""
        return [line for line in self.log_text().splitlines() if '"DELETE /api/' in line]

    def leaked_token(self) -> bool:
        """True when the storage endpoint logged a request that carried the API token."""
        return TOKEN_LEAK_MARKER in self.log_text()

    def _end(self, sig: int, timeout: float) -> int | None:
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(sig)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
        return process.returncode

    def stop(self, timeout: float = 15.0) -> int | None:
        """SIGTERM, as a service manager would; the exit code (or -signal)."""
        return self._end(signal.SIGTERM, timeout)

    def interrupt(self, timeout: float = 15.0) -> int | None:
        """SIGINT, as Ctrl-C would."""
        return self._end(signal.SIGINT, timeout)

    def kill(self) -> int | None:
        """SIGKILL: the crash case, nothing gets to clean up."""
        return self._end(signal.SIGKILL, 10.0)

    def restart(self) -> RegistryServer:
        """Stop if running, then start again on the same port with the same data."""
        if self.process is not None and self.process.poll() is None:
            self.stop()
        return self.start()


RegistryFactory = Callable[..., RegistryServer]
DATABASES = ("sqlite", "postgresql")
DATABASE_ENV = "BENTOSYNC_TEST_DATABASE"
_SAME = object()


@pytest.fixture
def registry_database(request: pytest.FixtureRequest) -> str | None:
    """What the test's registries keep records in: None is SQLite in the data dir (the
    default), else the URL of a fresh PostgreSQL database.

    ``@pytest.mark.both_databases`` on a test or module runs it on each
    (tests/conftest.py parametrizes this fixture by DATABASES). Elsewhere
    ``BENTOSYNC_TEST_DATABASE=postgresql`` runs every registry on PostgreSQL
    (to try a test folder there, not for CI: it doubles nothing, it swaps).
    """
    default = os.environ.get(DATABASE_ENV, "sqlite")
    if getattr(request, "param", default) == "sqlite":
        return None
    url: str = request.getfixturevalue("postgres_database")
    return url


@pytest.fixture
def registry_factory(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    registry_database: str | None,
) -> Iterator[RegistryFactory]:
    """``factory(strategy="proxy", extra_args=(), token=None, data_dir=None, flavor="bentosync",
    database=<registry_database>, s3=None, port=0, env=None)`` -> started server
    (``s3``: an ``S3Bucket`` to keep archives in; ``port``: a port picked beforehand,
    for a proxy configured before the server starts; ``env``: variables on top of
    the bucket's).

    Every server it starts is stopped at teardown, and the test fails there if
    one of them saw the API token at its storage endpoint (unless expected).
    """
    started: list[RegistryServer] = []
    # On PostgreSQL each data dir gets a database of its own, as each has its own
    # registry.db on SQLite: servers of one test share records only when asked to
    # (``database=``). The first one is ``registry_database``.
    databases: dict[Path, str] = {}

    def database_for(data: Path) -> str | None:
        if registry_database is None:
            return None
        if data not in databases:
            if databases:
                cluster = request.getfixturevalue("postgres_cluster")
                databases[data] = cluster.url(cluster.create_database())
            else:
                databases[data] = registry_database
        return databases[data]

    def factory(
        strategy: str = "proxy",
        extra_args: list[str] | tuple[str, ...] = (),
        token: str | None = None,
        data_dir: Path | None = None,
        flavor: str = "bentosync",
        s3: Any = None,
        database: str | object | None = _SAME,
        port: int = 0,
        env: dict[str, str] | None = None,
    ) -> RegistryServer:
        data = data_dir or tmp_path_factory.mktemp("registry") / "data"
        server = RegistryServer(
            data_dir=data,
            token=token or "test-" + secrets.token_urlsafe(24),
            strategy=strategy,
            flavor=flavor,
            extra_args=list(extra_args),
            # An ``support.s3.S3Bucket``: archives in that bucket, not the data dir.
            storage_url=s3.storage_url if s3 is not None else "",
            env={**(s3.env() if s3 is not None else {}), **(env or {})},
            port=port,
            database=database_for(data) if database is _SAME else database,  # type: ignore[arg-type]
        )
        started.append(server)
        return server.start()

    yield factory
    for server in started:
        server.stop()
    # Push and pull must never delete a cloud version as a side effect (Bentos and
    # deployments use versions): any DELETE a test did not ask for fails it.
    _check_log(started)


def _check_log(servers: list[RegistryServer], since: dict[int, int] | None = None) -> None:
    """Fail the test if a server logged a DELETE or a token leak it did not expect.

    ``since`` maps ``id(server)`` to the log length when the test began: a
    shared server's earlier lines belong to other tests.
    """
    since = since or {}

    def text(server: RegistryServer) -> str:
        return server.log_text()[since.get(id(server), 0) :]

    unexpected = [
        line
        for s in servers
        if not s.deletes_expected
        for line in text(s).splitlines()
        if '"DELETE /api/' in line
    ]
    if unexpected:
        pytest.fail("The registry received a DELETE nobody asked for:\n" + "\n".join(unexpected))
    leaks = [s for s in servers if TOKEN_LEAK_MARKER in text(s) and not s.token_leak_expected]
    if leaks:
        pytest.fail(
            "The API token was sent to the storage endpoint of a registry "
            f"(look for {TOKEN_LEAK_MARKER!r} in {', '.join(str(s.log_path) for s in leaks)})."
        )


@pytest.fixture(scope="session")
def _shared_registries(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, RegistryServer]]:
    """The session's shared servers by flavour, started on first use (per xdist worker)."""
    servers: dict[str, RegistryServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


def _shared(
    servers: dict[str, RegistryServer], factory: pytest.TempPathFactory, flavor: str
) -> Iterator[RegistryServer]:
    server = servers.get(flavor)
    if server is None or server.process is None or server.process.poll() is not None:
        server = RegistryServer(
            data_dir=factory.mktemp(f"shared-{flavor}") / "data",
            token="test-" + secrets.token_urlsafe(24),
            flavor=flavor,
        ).start()
        servers[flavor] = server
    since = {id(server): len(server.log_text())}
    yield server
    try:
        _check_log([server], since)
    finally:  # what one test expected is no licence for the next
        server.deletes_expected = server.token_leak_expected = False


@pytest.fixture
def shared_registry(
    _shared_registries: dict[str, RegistryServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RegistryServer]:
    """A proxy-strategy registry shared by the whole session (one per xdist worker).

    Starting a server costs about a second; tests that only need *a* cloud take
    this one. They must not stop it, change its settings, or assume what else it
    holds: use model names of their own and look only at those.
    """
    yield from _shared(_shared_registries, tmp_path_factory, "bentosync")


@pytest.fixture
def shared_strict_registry(
    _shared_registries: dict[str, RegistryServer], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RegistryServer]:
    """Like ``shared_registry``, of the bentocloud flavour."""
    yield from _shared(_shared_registries, tmp_path_factory, "bentocloud")


@pytest.fixture
def registry(registry_factory: RegistryFactory) -> RegistryServer:
    """A fresh proxy-strategy registry with its own data dir and token."""
    return registry_factory()


@pytest.fixture
def strict_registry(registry_factory: RegistryFactory) -> RegistryServer:
    """Like ``registry`` (proxy strategy), but of the bentocloud flavour (FLAVORS.md)."""
    return registry_factory(flavor="bentocloud")


__all__ = [
    "DATABASES",
    "RegistryFactory",
    "RegistryServer",
    "registry",
    "registry_database",
    "registry_factory",
    "shared_registry",
    "shared_strict_registry",
    "strict_registry",
]


def stored_archive_files(data_dir: Path, uid: str) -> list[Path]:
    """The files holding a model's stored archive, in order: one file, or its parts."""
    single = data_dir / "blobs" / uid
    if single.is_file():
        return [single]
    folder = data_dir / "blobs" / f"{uid}.parts"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def stored_archive(data_dir: Path, uid: str) -> bytes | None:
    """A model's stored archive as bytes, None when the server holds none."""
    files = stored_archive_files(data_dir, uid)
    return b"".join(path.read_bytes() for path in files) if files else None
