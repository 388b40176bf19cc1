"""The SQLite backend (the default): one connection, one lock, short transactions.

WAL with ``synchronous=FULL`` makes every commit durable, which the crash rules
rely on. Every query goes through one lock, so request threads never interleave
inside a transaction; the slow parts of a request (bytes in and out) never hold
it. ``BEGIN IMMEDIATE`` takes SQLite's write lock at the start, so a
transaction never has to be retried halfway, and a second process (``registry
token create`` while a server runs) waits up to ``busy_timeout`` instead. Only
one process serves a data dir (``blobs.py`` locks it), so this lock is all the
upload state machine needs: :func:`db.lock_model` is a no-op here.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bentosync.registry.db import (
    SCHEMA_VERSION,
    SQLITE,
    Connection,
    Cursor,
    Database,
    IntegrityError,
)
from bentosync.registry.migrations import (
    SQLITE_MIGRATIONS,
    forget_steps_after,
    migrate,
    newer_schema,
)

logger = logging.getLogger(__name__)


class _SqliteConnection:
    """The shared connection as :class:`db.Connection`: constraint errors mapped."""

    dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(str(exc)) from exc


class SqliteDatabase(Database):
    """The connection plus the lock that serialises every use of it."""

    dialect = SQLITE
    shared = False  # one process per data dir, and the file lives in it

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            str(path), check_same_thread=False, isolation_level=None, timeout=10.0
        )
        self._conn.row_factory = sqlite3.Row
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            "busy_timeout=10000",
        ):
            self._conn.execute(f"PRAGMA {pragma}")
        try:
            self._migrate()
        except BaseException:
            self._conn.close()
            self._conn = None
            raise

    def _migrate(self) -> None:
        with self.transaction() as conn:
            legacy = conn.execute("PRAGMA user_version").fetchone()[0]
            if legacy > SCHEMA_VERSION:
                raise newer_schema(str(self.path), legacy)
            forget_steps_after(conn, legacy)
            applied = migrate(conn, SQLITE_MIGRATIONS, str(self.path))
            # Older releases read only this: they refuse a file newer than they know.
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        if applied:
            logger.info("Registry database %s: schema steps %s applied", self.path, applied)

    def describe(self) -> str:
        return f"SQLite database {self.path}"

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("The registry database is closed.")
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the lock; rolled back on any error."""
        with self.lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield _SqliteConnection(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Connection]:
        """Reads under the lock: no other statement of this process runs in between."""
        with self.lock:
            yield _SqliteConnection(self.conn)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                try:
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error as exc:
                    logger.warning("WAL checkpoint at close failed: %s", exc)
                self._conn.close()
                self._conn = None
