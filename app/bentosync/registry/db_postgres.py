"""The PostgreSQL backend: a connection pool, so several registry processes share records.

Chosen with ``bentosync registry serve --database postgresql://user@host:port/db``.
The password comes from the URL or, better (argv is visible to other users),
from libpq's ``PGPASSWORD`` or ``~/.pgpass``; logs and errors name the
database by user, host, port and name only (:func:`describe_url`).

Transactions run at READ COMMITTED, PostgreSQL's default: a statement waits
for the rows another transaction locked, then sees what it committed. That is
what the upload state machine wants: each of its transactions locks the
model row first (``db.lock_model``: ``SELECT ... FOR UPDATE``), then reads the
fresh state and decides on it, so two replicas handling one version take turns,
and the one that comes second sees the first one's ``upload_seq``. Stricter
levels would add serialization failures to retry without making that safer.
Reads of a page and its total share one REPEATABLE READ READ ONLY transaction
(``snapshot``), which cannot fail that way.

Statements are written once, with SQLite's ``?`` placeholders; they are
rewritten here to psycopg's ``%s`` (and a literal ``%`` doubled), once each.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import conninfo
from psycopg_pool import ConnectionPool, PoolTimeout

from bentosync.registry.db import (
    POSTGRESQL,
    Connection,
    Cursor,
    Database,
    DatabaseError,
    IntegrityError,
)
from bentosync.registry.migrations import ADVISORY_KEY, POSTGRES_MIGRATIONS, migrate

logger = logging.getLogger(__name__)

# Connections held open per process. Each transaction in flight holds one; the
# request threads beyond this wait for one (up to POOL_TIMEOUT) instead of
# opening more connections than a shared server allows.
POOL_MIN = 1
POOL_MAX = 16
POOL_TIMEOUT = 30.0
CONNECT_TIMEOUT = 10  # seconds, libpq's connect_timeout
APPLICATION_NAME = "bentosync-registry"


def describe_url(url: str) -> str:
    """``PostgreSQL database NAME at HOST:PORT as USER``: the URL minus any password."""
    try:
        info = conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        # The parser's message may quote the URL, password and all.
        raise DatabaseError(
            "The --database value is not a valid PostgreSQL URL; expected "
            "postgresql://USER@HOST:PORT/DBNAME."
        ) from None
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    user = info.get("user") or "(default user)"
    name = info.get("dbname") or "(default database)"
    return f"PostgreSQL database {name} at {host}:{port} as {user}"


class PgRow:
    """A row by index and by column name, as ``sqlite3.Row`` answers."""

    __slots__ = ("_index", "_values")

    def __init__(self, values: Sequence[Any], index: dict[str, int]) -> None:
        self._values = values
        self._index = index

    def __getitem__(self, key: int | str, /) -> Any:
        if isinstance(key, str):
            return self._values[self._index[key]]
        return self._values[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def keys(self) -> list[str]:
        return list(self._index)

    def __repr__(self) -> str:
        return f"PgRow({dict(zip(self._index, self._values, strict=False))!r})"


def _row_factory(cursor: Any) -> Callable[[Sequence[Any]], PgRow]:
    description = cursor.description or ()
    index: dict[str, int] = {}
    for position, column in enumerate(description):
        index.setdefault(column.name, position)  # the first of a repeated name, as SQLite

    def make(values: Sequence[Any]) -> PgRow:
        return PgRow(values, index)

    return make


@functools.lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s``; a literal ``%`` doubled.

    The registry's statements hold no ``?`` inside string literals (and no
    ``?`` operator), which is what makes this plain replacement safe.
    """
    return sql.replace("%", "%%").replace("?", "%s")


class _PgConnection:
    """One pooled connection as :class:`db.Connection`: placeholders and errors mapped."""

    dialect = POSTGRESQL

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        try:
            if params:
                return self._conn.execute(to_pyformat(sql), tuple(params))
            return self._conn.execute(sql)  # no params: sent as is, no % to escape
        except psycopg.errors.IntegrityError as exc:
            raise IntegrityError(str(exc).strip()) from exc


class PostgresDatabase(Database):
    """A pool of autocommit connections; ``transaction`` wraps one in BEGIN ... COMMIT."""

    dialect = POSTGRESQL
    shared = True

    def __init__(self, url: str, *, max_size: int = POOL_MAX) -> None:
        self._where = describe_url(url)
        self._migrate(url)
        self.pool: ConnectionPool[Any] = ConnectionPool(
            url,
            min_size=POOL_MIN,
            max_size=max_size,
            kwargs={
                "autocommit": True,
                "row_factory": _row_factory,
                "connect_timeout": CONNECT_TIMEOUT,
                "application_name": APPLICATION_NAME,
            },
            # A connection the server dropped (restart, failover) is replaced
            # before use, not handed to a request that would then fail.
            check=ConnectionPool.check_connection,
            timeout=POOL_TIMEOUT,
            name="registry",
            open=False,
        )
        try:
            self.pool.open(wait=True, timeout=POOL_TIMEOUT)
        except PoolTimeout:
            self.pool.close()
            raise DatabaseError(f"Cannot connect to {self._where}.") from None
        logger.info("Registry records in %s (pool of up to %d connections)", self._where, max_size)

    def _migrate(self, url: str) -> None:
        """Apply missing schema steps under an advisory lock: one replica at a time."""
        try:
            conn = psycopg.connect(
                url,
                autocommit=True,
                row_factory=_row_factory,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=APPLICATION_NAME,
            )
        except psycopg.OperationalError as exc:
            # libpq's reason (refused, no such database, authentication failed)
            # names host, port and user, never the password.
            raise DatabaseError(f"Cannot connect to {self._where}: {exc}".strip()) from None
        with conn:
            with conn.transaction():
                # Held until this transaction ends: a second replica starting now
                # waits here, then finds every step recorded.
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (ADVISORY_KEY,))
                applied = migrate(_PgConnection(conn), POSTGRES_MIGRATIONS, self._where)
            if applied:
                logger.info("Registry schema of %s: steps %s applied", self._where, applied)

    def describe(self) -> str:
        return self._where

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.pool.connection() as conn, conn.transaction():
            yield _PgConnection(conn)

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield _PgConnection(conn)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.pool.connection() as conn:
            return list(_PgConnection(conn).execute(sql, params).fetchall())

    def close(self) -> None:
        self.pool.close()
