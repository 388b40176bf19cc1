"""The registry's database: one small interface, two backends.

Everything outside ``db*.py`` and ``migrations.py`` talks to :class:`Database`
and writes one SQL dialect: ``?`` placeholders, ``INSERT ... ON CONFLICT ...
DO NOTHING/UPDATE`` (SQLite >= 3.24 and PostgreSQL both have it), ``RETURNING``
(SQLite >= 3.35), and :class:`Dialect` for the few expressions that differ
(JSON access, substring test, row locks). Rows answer by index and by name.

* SQLite (``db_sqlite``, the default): one connection, one lock, ``BEGIN
  IMMEDIATE`` transactions. One process owns the database file (the data
  dir's lock, ``blobs.py``), so the lock serialises every writer; WAL with
  ``synchronous=FULL`` makes each commit durable.
* PostgreSQL (``db_postgres``, ``--database postgresql://...``): a pool of
  connections, READ COMMITTED transactions, so several registry processes
  (replicas) can share one database. The in-process lock no longer
  serialises anything there: each state change of a model begins with
  :func:`lock_model` (``SELECT ... FOR UPDATE``), which queues the
  transactions of every replica on that one row. A transaction that locks
  a model's other rows too (its multipart uploads, their parts) takes the
  model row first, so two of them never wait on each other in a circle (no
  deadlock, hence no retry loop); READ COMMITTED cannot fail a transaction
  for a serialization conflict, it waits. The cost: a round trip per
  statement (about 0.1 ms on loopback, more across a network) where SQLite
  answers in microseconds, and one pooled connection per transaction in
  flight. Each replica keeps its own data dir, so records say which process
  stored a file or checks an archive (``Database.shared``, uploads.replica_id).

``databases.open_database`` picks the backend; ``migrations.py`` brings either
to the current schema at start. The crash rules hold on both: a model becomes
``success`` in the same commit that records its archive, and only after that
archive was renamed into place.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol

from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

# The newest schema this release writes (migrations.py holds the steps to it, per
# backend); a database that records a newer one was written by a newer release.
SCHEMA_VERSION = 6
# LIMIT for "every row": SQLite's -1 is an error in PostgreSQL, and PostgreSQL's
# NULL an error in SQLite; both take the largest 64-bit integer.
NO_LIMIT = 2**63 - 1


class IntegrityError(BentoSyncError):
    """A unique or foreign key constraint refused a write (either backend's error)."""


class DatabaseError(BentoSyncError):
    """The database cannot be opened or used: unreachable, or of a newer schema."""


class Row(Protocol):
    """A result row: ``row[0]`` and ``row["name"]`` both work (sqlite3.Row does both)."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def keys(self) -> list[str]: ...


class Cursor(Protocol):
    """What a statement returns: its rows, and how many rows it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection inside one transaction (or one consistent read), and its dialect."""

    @property
    def dialect(self) -> Dialect: ...

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor: ...


@dataclass(frozen=True)
class Dialect:
    """The SQL expressions that are spelled differently per backend."""

    name: str
    # Appended to a SELECT to lock the rows it read until commit: nothing on
    # SQLite, whose transactions hold the whole database.
    for_update: str

    def json_text(self, column: str, key: str) -> str:
        """The text of ``column``'s top-level JSON ``key`` (an indexed expression on both)."""
        if self.name == "postgresql":
            return f"(({column})::jsonb ->> '{key}')"
        return f"json_extract({column}, '$.{key}')"

    def contains(self, haystack: str) -> str:
        """True when the next ``?`` parameter is a substring of ``haystack``."""
        function = "strpos" if self.name == "postgresql" else "instr"
        return f"{function}({haystack}, ?) > 0"


SQLITE = Dialect("sqlite", for_update="")
POSTGRESQL = Dialect("postgresql", for_update=" FOR UPDATE")


class Database(ABC):
    """The registry's records; see the module docstring for the two backends."""

    dialect: Dialect
    # Other registry processes may use the same records at the same time (their
    # own data dirs): what one finds missing in its data dir may be another's.
    shared: bool

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Connection]:
        """A read-write transaction: committed at the end, rolled back on any error."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Connection]:
        """Several reads that see one state of the database (a page and its total)."""

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        """All rows of one read, outside any transaction of the caller."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def describe(self) -> str:
        """Where the records live, for logs: never with a password."""

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """One write in a transaction of its own; the number of rows it changed."""
        with self.transaction() as conn:
            return conn.execute(sql, params).rowcount

    def ping(self) -> None:
        """Raise unless the database answers a query now (readiness, ``routes_ops``)."""
        self.query_one("SELECT 1")

    def set_meta_once(self, key: str, value: str) -> str:
        """Store ``value`` unless the key exists; return what is stored."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (key, value),
            )
            return str(conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])


def lock_model(conn: Connection, model_id: int) -> bool:
    """Inside a transaction: hold model ``model_id``'s row until commit; False if gone.

    Take it first, before any other row the transaction changes: every
    state-changing transaction of a model then queues here, whichever replica
    runs it, and none waits on another in a circle.
    """
    row = conn.execute(
        f"SELECT id FROM models WHERE id = ?{conn.dialect.for_update}", (model_id,)
    ).fetchone()
    return row is not None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_db(when: datetime | None) -> str | None:
    """A fixed-width UTC form, so text order is time order in ORDER BY (on both backends)."""
    if when is None:
        return None
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
