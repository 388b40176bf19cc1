"""Opening the registry's database: a file path is SQLite, a ``postgresql://`` URL PostgreSQL.

Apart from ``db.py`` (the interface both backends implement), so that neither
backend module is imported by the interface they import: each is loaded only
when chosen, and psycopg only when PostgreSQL is.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bentosync.registry.db import Database

logger = logging.getLogger(__name__)


def is_postgres_url(location: str | Path | None) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_database(location: str | Path) -> Database:
    """SQLite at a file path, or PostgreSQL at a ``postgresql://`` URL; migrated to the
    current schema (``migrations.py``) before it is returned."""
    if is_postgres_url(location):
        from bentosync.registry.db_postgres import PostgresDatabase

        return PostgresDatabase(str(location))
    from bentosync.registry.db_sqlite import SqliteDatabase

    return SqliteDatabase(Path(location))
