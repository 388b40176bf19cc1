"""Numbered schema migrations, per backend, applied at start in one transaction.

``schema_migrations`` records each applied step. Start-up runs the missing
ones in the same transaction that reads the table, so two replicas starting
at once cannot both apply a step: on PostgreSQL the transaction first takes
``pg_advisory_xact_lock`` (the second replica waits, then finds every step
recorded); on SQLite ``BEGIN IMMEDIATE`` already lets one writer in at a time.
A database recording a step this release does not know was written by a newer
release and is refused, before anything is changed.

Versions 1-4 are the schemas of earlier releases, which kept only SQLite's
``PRAGMA user_version``: SQLite's step 4 brings any of them (or an empty file)
to schema 4 the way those releases did, keeping every row; PostgreSQL starts at
step 4 with the same tables. ``PRAGMA user_version`` still follows the newest
step, so an older release refuses a newer file with its own message.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bentosync.registry.db import SCHEMA_VERSION, Connection, DatabaseError, to_db, utcnow

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key of the migration step (any constant, the same in every
# release): "bsmg" as a 32-bit number.
ADVISORY_KEY = 0x62736D67


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


def _statements(*sql: str) -> Callable[[Connection], None]:
    def apply(conn: Connection) -> None:
        for statement in sql:
            conn.execute(statement)

    return apply


# ---- SQLite -------------------------------------------------------------------------

# The schema of releases 1-4 (CREATE ... IF NOT EXISTS: it runs on any of them).
_SQLITE_TABLES = """
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
_SQLITE_LISTING = (
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
_SQLITE_BACKFILL_LABELS = """
INSERT OR REPLACE INTO model_labels (model_id, key, value)
SELECT m.id, json_extract(j.value, '$.key'), coalesce(json_extract(j.value, '$.value'), '')
FROM models AS m, json_each(m.labels) AS j WHERE json_extract(j.value, '$.key') IS NOT NULL
ORDER BY m.id, j.id
"""


def _sqlite_schema_4(conn: Connection) -> None:
    """Releases 1-4 (``PRAGMA user_version``), or an empty file, to schema 4, rows kept."""
    legacy = conn.execute("PRAGMA user_version").fetchone()[0]
    for statement in _SQLITE_TABLES.split(";"):
        if statement.strip():
            conn.execute(statement)
    part_columns = {row[1] for row in conn.execute("PRAGMA table_info(parts)")}
    if "boot" not in part_columns:  # schema 1: parts of unknown boot, dropped at start-up
        conn.execute("ALTER TABLE parts ADD COLUMN boot TEXT NOT NULL DEFAULT ''")
    model_columns = {row[1] for row in conn.execute("PRAGMA table_info(models)")}
    if "object_etag" not in model_columns:  # schema 2: no object ETags yet
        conn.execute("ALTER TABLE models ADD COLUMN object_etag TEXT")
    for statement in _SQLITE_LISTING:
        conn.execute(statement)
    if legacy < 4:  # schema 3 and older: labels only as JSON
        conn.execute(_SQLITE_BACKFILL_LABELS)


# Schema 5: start_upload, deletes and the reaper find a model's multipart uploads,
# and the stale ones, by index instead of reading the whole table.
_MULTIPART_INDEXES = (
    "CREATE INDEX IF NOT EXISTS multipart_uploads_model ON multipart_uploads (model_id)",
    "CREATE INDEX IF NOT EXISTS multipart_uploads_touched ON multipart_uploads (touched_at)",
)

# Schema 6: several registry processes on one database (uploads.replica_id names
# each). An archive check running in one is visible to the others, since
# finish_upload may reach another replica than the one checking: who checks
# (``check_owner``) and since when (``check_started_at``). Which process stored a
# model's archive (``blob_owner``) and each part (``parts.owner``), so start-up
# repair judges only the files in its own data dir. NULL and '' (rows of earlier
# releases, or SQLite's one process) count as the starting process's own.
_NEW_COLUMNS = (
    ("models", "check_started_at", "TEXT"),
    ("models", "check_owner", "TEXT"),
    ("models", "blob_owner", "TEXT"),
    ("parts", "owner", "TEXT NOT NULL DEFAULT ''"),
)


def _sqlite_schema_6(conn: Connection) -> None:
    """ADD COLUMN has no IF NOT EXISTS in SQLite; the step may run again (forget_steps_after)."""
    for table, column, kind in _NEW_COLUMNS:
        have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


SQLITE_MIGRATIONS: tuple[Migration, ...] = (
    Migration(4, "tables, listing indexes and label table of releases 1-4", _sqlite_schema_4),
    Migration(5, "multipart uploads by model and by age", _statements(*_MULTIPART_INDEXES)),
    Migration(6, "several processes: archive checks and stored files by process", _sqlite_schema_6),
)

# ---- PostgreSQL ---------------------------------------------------------------------

# The same tables as SQLite's schema 4. Differences, and why: 64-bit identity ids
# and sizes (archives pass 2 GiB); COLLATE "C" where the listings sort, so the
# order is SQLite's byte order whatever the cluster's locale (and cheaper to
# compare); DOUBLE PRECISION for SQLite's REAL. Times stay fixed-width UTC text
# (db.to_db), so both backends order and compare them the same way.
_POSTGRES_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE tokens (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        seeded INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE repositories (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        name TEXT COLLATE "C" NOT NULL UNIQUE,
        description TEXT NOT NULL DEFAULT '',
        labels TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT
    )""",
    """CREATE TABLE models (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        repository_id BIGINT NOT NULL REFERENCES repositories(id),
        version TEXT COLLATE "C" NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        labels TEXT NOT NULL DEFAULT '[]',
        manifest TEXT NOT NULL,
        build_at TEXT COLLATE "C" NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT,
        upload_status TEXT NOT NULL DEFAULT 'pending',
        upload_finished_reason TEXT NOT NULL DEFAULT '',
        upload_started_at TEXT,
        upload_finished_at TEXT,
        upload_id TEXT,
        upload_seq INTEGER NOT NULL DEFAULT 0,
        blob_ready INTEGER NOT NULL DEFAULT 0,
        blob_size BIGINT,
        finish_requested INTEGER NOT NULL DEFAULT 0,
        list_from_client INTEGER NOT NULL DEFAULT 0,
        object_etag TEXT,
        UNIQUE (repository_id, version)
    )""",
    """CREATE TABLE multipart_uploads (
        upload_id TEXT PRIMARY KEY,
        model_id BIGINT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        upload_seq INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        touched_at DOUBLE PRECISION NOT NULL
    )""",
    """CREATE TABLE parts (
        upload_id TEXT NOT NULL REFERENCES multipart_uploads(upload_id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL,
        etag TEXT NOT NULL,
        size BIGINT NOT NULL,
        boot TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (upload_id, part_number)
    )""",
    # The listing indexes of SQLite's schema 4, same expressions (catalog.LISTING_ORDER);
    # INCLUDE lets a ``q`` word be tested from the index, as SQLite's trailing columns do.
    "CREATE INDEX models_listing ON models "
    "((upload_status = 'success') DESC, build_at DESC, id DESC) INCLUDE (repository_id, version)",
    "CREATE INDEX models_repository_listing ON models "
    "(repository_id, (upload_status = 'success') DESC, build_at DESC, id DESC)",
    "CREATE INDEX models_module ON models (((manifest)::jsonb ->> 'module'))",
    """CREATE TABLE model_labels (
        model_id BIGINT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (model_id, key)
    )""",
    "CREATE INDEX model_labels_key_value ON model_labels (key, value)",
    # SQLite's two triggers in one: a repeated key keeps its last value, as
    # INSERT OR REPLACE does there.
    """CREATE FUNCTION models_labels_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM model_labels WHERE model_id = OLD.id;
        END IF;
        INSERT INTO model_labels (model_id, key, value)
        SELECT DISTINCT ON (j.value ->> 'key') NEW.id, j.value ->> 'key',
               coalesce(j.value ->> 'value', '')
        FROM jsonb_array_elements(NEW.labels::jsonb) WITH ORDINALITY AS j(value, n)
        WHERE j.value ->> 'key' IS NOT NULL
        ORDER BY j.value ->> 'key', j.n DESC;
        RETURN NULL;
    END
    $$""",
    "CREATE TRIGGER models_labels_insert AFTER INSERT ON models "
    "FOR EACH ROW EXECUTE FUNCTION models_labels_sync()",
    "CREATE TRIGGER models_labels_update AFTER UPDATE OF labels ON models "
    "FOR EACH ROW EXECUTE FUNCTION models_labels_sync()",
)

POSTGRES_MIGRATIONS: tuple[Migration, ...] = (
    Migration(4, "tables, listing indexes and label table", _statements(*_POSTGRES_TABLES)),
    Migration(5, "multipart uploads by model and by age", _statements(*_MULTIPART_INDEXES)),
    Migration(
        6,
        "several processes: archive checks and stored files by process",
        _statements(
            *(
                f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}"
                for table, column, kind in _NEW_COLUMNS
            )
        ),
    ),
)

assert SQLITE_MIGRATIONS[-1].version == POSTGRES_MIGRATIONS[-1].version == SCHEMA_VERSION

_CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


def newer_schema(where: str, version: int) -> DatabaseError:
    return DatabaseError(
        f"{where} holds registry schema {version}, written by a newer BentoSync; this "
        f"release knows schema {SCHEMA_VERSION} at most. Upgrade BentoSync to serve it."
    )


def forget_steps_after(conn: Connection, version: int) -> None:
    """SQLite: a release from before ``schema_migrations`` (``user_version`` 1-3)
    wrote the file last, so the steps after its schema run again. They are
    idempotent (``IF NOT EXISTS``, backfills that replace). A later release
    always leaves ``user_version`` at its newest step: nothing is forgotten then."""
    if version >= 4:
        return
    conn.execute(_CREATE_TABLE)
    conn.execute("DELETE FROM schema_migrations WHERE version > ?", (version,))


def migrate(conn: Connection, migrations: Sequence[Migration], where: str) -> list[int]:
    """Inside the caller's (serialised) transaction: apply the missing steps in order.

    Returns the versions applied now. Refuses, changing nothing, a database
    that records a step newer than this release's last.
    """
    conn.execute(_CREATE_TABLE)
    applied = {int(row[0]) for row in conn.execute("SELECT version FROM schema_migrations")}
    newest = max(applied, default=0)
    if newest > migrations[-1].version:
        raise newer_schema(where, newest)
    done: list[int] = []
    for step in migrations:
        if step.version in applied:
            continue
        logger.info("Registry schema: applying step %d (%s)", step.version, step.name)
        step.apply(conn)
        conn.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            (step.version, step.name, to_db(utcnow())),
        )
        done.append(step.version)
    return done
