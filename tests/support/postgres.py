"""A throwaway PostgreSQL cluster for tests, and a fresh database per test.

The cluster lives in a temp folder for one test session (one per xdist
worker): ``initdb``, then the ``postgres`` server as a child of the test
process, on 127.0.0.1 at a free port, with its socket in the same folder.
It is stopped at the end of the session, and if the test process dies first
(even by SIGKILL) the kernel sends the server SIGQUIT (PR_SET_PDEATHSIG), its
immediate shutdown, so no cluster outlives a run (the next session removes
the folder such a run left, once it is an hour old).

PostgreSQL refuses to run as root, and CI runs the tests as root: then the
cluster belongs to ``nobody`` (every Debian system has it). As any other user,
it runs as that user. Durability is off (``fsync``, ``full_page_writes``):
nothing here needs to survive a power cut, and it makes CREATE DATABASE and
each commit cheap.

Clients log in by password over TCP (scram-sha-256), like a real deployment;
the password travels in ``PGPASSWORD`` (set for the session, so the registry
processes inherit it), never in a URL or argv.

Outside CI a machine without PostgreSQL skips these tests; with ``CI`` set
they fail instead (``.ci/system-deps.sh`` installs it), as the keyring and
official-client tests do.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from support.processes import die_with_parent, free_port

if TYPE_CHECKING:
    from bentosync.registry.db import Database

BIN_ENV = "BENTOSYNC_PG_BIN"  # a folder holding initdb and postgres, to pick one
SUPERUSER = "bentosync"
UNPRIVILEGED = "nobody"
START_TIMEOUT = 30.0
PREFIX = "bentosync-pg-"  # the clusters' folders, in the system temp dir


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``postgres``: BENTOSYNC_PG_BIN, Debian's newest, or PATH."""
    candidates: list[Path] = []
    if os.environ.get(BIN_ENV):
        candidates.append(Path(os.environ[BIN_ENV]))

    def version(path: str) -> int:
        name = Path(path).parent.name
        return int(name) if name.isdigit() else 0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version)][
        ::-1
    ]
    on_path = shutil.which("postgres") or shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "postgres").is_file():
            return folder
    return None


@dataclass
class PostgresCluster:
    root: Path
    bindir: Path
    port: int
    password: str
    process: subprocess.Popen[bytes] | None = None
    _as_user: dict[str, object] = field(default_factory=dict)
    databases: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    def url(self, dbname: str = "postgres") -> str:
        """A URL without the password (libpq takes it from PGPASSWORD)."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n")
        os.chmod(pwfile, 0o600)
        self._chown(pwfile)
        subprocess.run(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            check=True,
            capture_output=True,
            cwd=self.root,
            **self._as_user,  # type: ignore[arg-type]
        )
        pwfile.unlink()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(self.bindir / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.root),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=300",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.root,
                # SIGQUIT: the server's immediate shutdown.
                preexec_fn=die_with_parent(signal.SIGQUIT),
                **self._as_user,  # type: ignore[arg-type]
            )
        self._wait_ready()

    def _chown(self, path: Path) -> None:
        if "user" in self._as_user:
            os.chown(path, int(self._as_user["user"]), int(self._as_user["group"]))  # type: ignore[call-overload]

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        last: Exception | None = None
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                break
            try:
                with psycopg.connect(self.url(), password=self.password, connect_timeout=2):
                    return
            except psycopg.OperationalError as exc:
                last = exc
                time.sleep(0.1)
        log = self.log_path.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"PostgreSQL did not start ({last}); its log:\n{log}")

    def admin(self, sql: str) -> None:
        """One statement as the superuser, outside a transaction (CREATE DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(), password=self.password, autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        """A new, empty database (from template0: nothing a test left in template1)."""
        self.databases += 1
        name = f"test_{os.getpid()}_{self.databases}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop_database(self, name: str) -> None:
        with contextlib.suppress(Exception):  # a leftover database dies with the cluster
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)  # fast shutdown: ends sessions, no waiting
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def _remove_abandoned(older_than: float = 3600.0) -> None:
    """Folders of clusters whose test run was killed: the server died with it (SIGQUIT),
    the folder stayed. Only old ones, whose server is gone: another session may be
    starting its own right now."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        try:
            if time.time() - folder.stat().st_mtime < older_than:
                continue
            pid_file = folder / "data" / "postmaster.pid"
            if pid_file.exists():
                pid = int(pid_file.read_text().split()[0])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, 0)
                    continue  # still running: not abandoned
        except (OSError, ValueError, IndexError):
            continue
        shutil.rmtree(folder, ignore_errors=True)


def start_cluster() -> PostgresCluster:
    """Start a cluster, or raise LookupError when PostgreSQL is not installed."""
    bindir = find_bindir()
    if bindir is None:
        raise LookupError(
            f"PostgreSQL (initdb, postgres) not found: install it (Debian: postgresql) or "
            f"set {BIN_ENV}"
        )
    # Under /tmp, not pytest's temp folder: that one is private to root (0700),
    # where an unprivileged server could not reach its own data.
    _remove_abandoned()
    root = Path(tempfile.mkdtemp(prefix=PREFIX))
    as_user: dict[str, object] = {}
    if os.geteuid() == 0:
        entry = pwd.getpwnam(UNPRIVILEGED)
        os.chown(root, entry.pw_uid, entry.pw_gid)
        as_user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
    cluster = PostgresCluster(
        root=root,
        bindir=bindir,
        port=free_port(),
        password=secrets.token_urlsafe(18),
        _as_user=as_user,
    )
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


# For fixtures of in-process tests that run once per backend: the PostgreSQL run
# starts a server, so it counts as an integration test (tests/conftest.py).
DATABASE_PARAMS = (
    pytest.param("sqlite"),
    pytest.param("postgresql", marks=pytest.mark.integration),
)


def open_test_database(request: pytest.FixtureRequest, sqlite_path: Path) -> Database:
    """The registry database of a parametrized fixture (DATABASE_PARAMS): SQLite at
    ``sqlite_path``, or a fresh PostgreSQL database."""
    from bentosync.registry.databases import open_database

    if request.param == "sqlite":
        return open_database(sqlite_path)
    url: str = request.getfixturevalue("postgres_database")
    return open_database(url)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """The session's cluster (started on first use); PGPASSWORD set for the session."""
    try:
        cluster = start_cluster()
    except LookupError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (.ci/system-deps.sh installs it).")
        pytest.skip(str(exc))
    saved = os.environ.get("PGPASSWORD")
    os.environ["PGPASSWORD"] = cluster.password
    try:
        yield cluster
    finally:
        if saved is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = saved
        cluster.stop()


@pytest.fixture
def postgres_database(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """The URL (no password in it) of a fresh database, dropped after the test."""
    name = postgres_cluster.create_database()
    yield postgres_cluster.url(name)
    postgres_cluster.drop_database(name)


__all__ = [
    "DATABASE_PARAMS",
    "PostgresCluster",
    "find_bindir",
    "open_test_database",
    "postgres_cluster",
    "postgres_database",
]
