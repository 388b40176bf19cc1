"""The registry's SQLite database: one connection, one lock, short transactions.

WAL with ``synchronous=FULL`` makes every commit durable, which the crash rules
rely on: a model becomes ``success`` in the same commit that records its
archive, and only after that archive was renamed into place. Every query goes
through one lock, so request threads never interleave inside a transaction;
the slow parts of a request (bytes in and out) never hold it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 4
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    seeded INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS repositories (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    labels TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL,
    updated_at TEXT
);
CREATE TABLE IF NOT EXISTS models (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    repository_id INTEGER NOT NULL REFERENCES repositories(id),
    version TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    labels TEXT NOT NULL DEFAULT '[]',
    manifest TEXT NOT NULL,
    build_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT,
    upload_status TEXT NOT NULL DEFAULT 'pending',
    upload_finished_reason TEXT NOT NULL DEFAULT '',
    upload_started_at TEXT,
    upload_finished_at TEXT,
    upload_id TEXT,
    -- Bumped by start_upload: a writer that started under an older number lost.
    upload_seq INTEGER NOT NULL DEFAULT 0,
    -- A checked archive of the current upload is in place (waits for finish_upload).
    blob_ready INTEGER NOT NULL DEFAULT 0,
    -- Size of the archive file on disk, NULL when there is none.
    blob_size INTEGER,
    -- finish_upload(success) came while the archive check was still running.
    finish_requested INTEGER NOT NULL DEFAULT 0,
    -- The file list came with create-model (else the server computed it).
    list_from_client INTEGER NOT NULL DEFAULT 0,
    -- The stored object's S3-style ETag (bentocloud flavour), NULL where none was made.
    object_etag TEXT,
    UNIQUE (repository_id, version)
);
CREATE TABLE IF NOT EXISTS multipart_uploads (
    upload_id TEXT PRIMARY KEY,
    model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
    upload_seq INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    touched_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS parts (
    upload_id TEXT NOT NULL REFERENCES multipart_uploads(upload_id) ON DELETE CASCADE,
    part_number INTEGER NOT NULL,
    etag TEXT NOT NULL,
    size INTEGER NOT NULL,
    boot TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (upload_id, part_number)
);
"""
# Schema 4: the list endpoints are answered from indexes (PROTOCOL.md 3 #7, #8).
# The two listing indexes hold the listing order itself (catalog.LISTING_ORDER,
# the same expressions), so a page is a walk of LIMIT entries and never a sort of
# every row; ``model_labels`` makes ``q=label:k=v`` an index look-up instead of a
# JSON parse per row, and triggers keep it in step with ``models.labels`` whatever
# writes the row. Each statement runs on its own: trigger bodies hold semicolons.
_LISTING_SCHEMA = (
    # repository_id and version ride along, so a ``q`` word is tested while the
    # index is walked, without reading each row (and its manifest) from the table.
    "CREATE INDEX IF NOT EXISTS models_listing ON models "
    "((upload_status = 'success') DESC, build_at DESC, id DESC, repository_id, version)",
    "CREATE INDEX IF NOT EXISTS models_repository_listing ON models "
    "(repository_id, (upload_status = 'success') DESC, build_at DESC, id DESC)",
    "CREATE INDEX IF NOT EXISTS models_module ON models (json_extract(manifest, '$.module'))",
    """CREATE TABLE IF NOT EXISTS model_labels (
        model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (model_id, key)
    )""",
    "CREATE INDEX IF NOT EXISTS model_labels_key_value ON model_labels (key, value)",
    """CREATE TRIGGER IF NOT EXISTS models_labels_insert AFTER INSERT ON models BEGIN
        INSERT OR REPLACE INTO model_labels (model_id, key, value)
        SELECT NEW.id, json_extract(j.value, '$.key'),
               coalesce(json_extract(j.value, '$.value'), '')
        FROM json_each(NEW.labels) AS j WHERE json_extract(j.value, '$.key') IS NOT NULL;
    END""",
    """CREATE TRIGGER IF NOT EXISTS models_labels_update AFTER UPDATE OF labels ON models BEGIN
        DELETE FROM model_labels WHERE model_id = OLD.id;
        INSERT OR REPLACE INTO model_labels (model_id, key, value)
        SELECT NEW.id, json_extract(j.value, '$.key'),
               coalesce(json_extract(j.value, '$.value'), '')
        FROM json_each(NEW.labels) AS j WHERE json_extract(j.value, '$.key') IS NOT NULL;
    END""",
)
# Labels of the rows written before schema 4 (the triggers see only new ones).
_BACKFILL_LABELS = """
INSERT OR REPLACE INTO model_labels (model_id, key, value)
SELECT m.id, json_extract(j.value, '$.key'), coalesce(json_extract(j.value, '$.value'), '')
FROM models AS m, json_each(m.labels) AS j WHERE json_extract(j.value, '$.key') IS NOT NULL
ORDER BY m.id, j.id
"""


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_db(when: datetime | None) -> str | None:
    """A fixed-width UTC form, so text order is time order in ORDER BY."""
    if when is None:
        return None
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def from_db(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Database:
    """The connection plus the lock that serialises every use of it."""

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
        self._migrate()

    def _migrate(self) -> None:
        with self.transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise BentoSyncError(
                    f"{self.path} was written by a newer BentoSync (schema {version}); "
                    "upgrade BentoSync to serve it."
                )
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            part_columns = {row[1] for row in conn.execute("PRAGMA table_info(parts)")}
            if "boot" not in part_columns:  # schema 1: parts of unknown boot, dropped at start-up
                conn.execute("ALTER TABLE parts ADD COLUMN boot TEXT NOT NULL DEFAULT ''")
            model_columns = {row[1] for row in conn.execute("PRAGMA table_info(models)")}
            if "object_etag" not in model_columns:  # schema 2: no object ETags yet
                conn.execute("ALTER TABLE models ADD COLUMN object_etag TEXT")
            for statement in _LISTING_SCHEMA:
                conn.execute(statement)
            if version < 4:  # schema 3 and older: labels only as JSON
                conn.execute(_BACKFILL_LABELS)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("The registry database is closed.")
        return self._conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the lock; rolled back on any error."""
        with self.lock:
            conn = self.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def query_one(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(sql, params).fetchone()

    def ping(self) -> None:
        """Raise unless the database answers a query (readiness, ``routes_ops``)."""
        self.query_one("SELECT 1")

    def set_meta_once(self, key: str, value: str) -> str:
        """Store ``value`` unless the key exists; return what is stored."""
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (key, value))
            return str(conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()[0])

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                try:
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error as exc:
                    logger.warning("WAL checkpoint at close failed: %s", exc)
                self._conn.close()
                self._conn = None
