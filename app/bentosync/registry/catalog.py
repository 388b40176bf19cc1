"""Repositories and model records: typed rows over the database, and the listing order.

The listing order is the one decision here that clients depend on: the
official client takes ``items[0]`` of the per-repository list as "latest"
without looking at its status (PROTOCOL.md 3.1), so successful uploads come
first, newest ``build_at`` first, and a half-uploaded version never wins.

Lists are answered from indexes (migrations.py, schema 4), because a registry of
100,000 versions must answer a first page as fast as one of ten: the page's
ids come from a walk of the listing index (``LIMIT``/``OFFSET`` over ids only,
so skipped rows are never read), then only those rows are read; the total is
a ``COUNT`` over the same conditions. Nothing loads every record into Python.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bentosync.registry.db import (
    NO_LIMIT,
    Connection,
    Database,
    IntegrityError,
    Row,
    from_db,
    lock_model,
    to_db,
    utcnow,
)
from bentosync.registry.errors import Conflict

logger = logging.getLogger(__name__)

SUCCESS, PENDING, UPLOADING, FAILED = "success", "pending", "uploading", "failed"
_MODEL_SELECT = (
    "SELECT m.*, r.name AS repository_name FROM models m "
    "JOIN repositories r ON r.id = m.repository_id"
)
# Successful first, then newest build first; id breaks ties by creation order.
# The indexes models_listing and models_repository_listing (migrations.py) hold exactly
# these expressions: change one, change the other, or every page becomes a sort.
LISTING_ORDER = " ORDER BY (m.upload_status = 'success') DESC, m.build_at DESC, m.id DESC"


@dataclass(frozen=True)
class Where:
    """SQL conditions over ``models m``, AND'ed, with their parameters."""

    clauses: tuple[str, ...] = ()
    params: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ListingQuery:
    """The two statements of one page: the ids in listing order, and the total."""

    ids_sql: str
    ids_params: tuple[Any, ...]
    count_sql: str
    count_params: tuple[Any, ...]


def listing_query(
    repository_id: int | None, where: Where, start: int, count: int | None
) -> ListingQuery:
    """The SQL of one page; ``count=None`` means every row from ``start`` on.

    Only ``m.id`` is selected for the page, so OFFSET skips index entries, not
    rows (reading 99,900 manifests to throw them away was the slow part).
    """
    clauses = list(where.clauses)
    params = list(where.params)
    if repository_id is not None:
        clauses.insert(0, "m.repository_id = ?")
        params.insert(0, repository_id)
    condition = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    limit = NO_LIMIT if count is None else count
    return ListingQuery(
        ids_sql=f"SELECT m.id FROM models m{condition}{LISTING_ORDER} LIMIT ? OFFSET ?",
        ids_params=(*params, limit, start),
        count_sql=f"SELECT COUNT(*) FROM models m{condition}",
        count_params=tuple(params),
    )


@dataclass(frozen=True)
class Repository:
    id: int
    uid: str
    name: str
    description: str
    labels: list[dict[str, str]]
    created_at: datetime
    updated_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> Repository:
        return cls(
            id=row["id"],
            uid=row["uid"],
            name=row["name"],
            description=row["description"],
            labels=json.loads(row["labels"]),
            created_at=from_db(row["created_at"]),  # type: ignore[arg-type]
            updated_at=from_db(row["updated_at"]),
        )


@dataclass(frozen=True)
class ModelRecord:
    id: int
    uid: str
    repository_id: int
    repository_name: str
    version: str
    description: str
    labels: list[dict[str, str]]
    manifest: dict[str, Any]
    build_at: datetime
    created_at: datetime
    updated_at: datetime | None
    upload_status: str
    upload_finished_reason: str
    upload_started_at: datetime | None
    upload_finished_at: datetime | None
    upload_id: str | None
    upload_seq: int
    blob_ready: bool
    blob_size: int | None
    finish_requested: bool
    list_from_client: bool
    object_etag: str | None
    # An archive check of this model is running in the registry process
    # ``check_owner`` (uploads.replica_id) since then; None when none runs.
    check_started_at: datetime | None = None
    check_owner: str | None = None
    # The registry process whose data dir holds the archive (None: the only one).
    blob_owner: str | None = None

    @property
    def tag(self) -> str:
        return f"{self.repository_name}:{self.version}"

    @classmethod
    def from_row(cls, row: Row) -> ModelRecord:
        return cls(
            id=row["id"],
            uid=row["uid"],
            repository_id=row["repository_id"],
            repository_name=row["repository_name"],
            version=row["version"],
            description=row["description"],
            labels=json.loads(row["labels"]),
            manifest=json.loads(row["manifest"]),
            build_at=from_db(row["build_at"]),  # type: ignore[arg-type]
            created_at=from_db(row["created_at"]),  # type: ignore[arg-type]
            updated_at=from_db(row["updated_at"]),
            upload_status=row["upload_status"],
            upload_finished_reason=row["upload_finished_reason"],
            upload_started_at=from_db(row["upload_started_at"]),
            upload_finished_at=from_db(row["upload_finished_at"]),
            upload_id=row["upload_id"],
            upload_seq=row["upload_seq"],
            blob_ready=bool(row["blob_ready"]),
            blob_size=row["blob_size"],
            finish_requested=bool(row["finish_requested"]),
            list_from_client=bool(row["list_from_client"]),
            object_etag=row["object_etag"],
            check_started_at=from_db(row["check_started_at"]),
            check_owner=row["check_owner"],
            blob_owner=row["blob_owner"],
        )


def fetch_model(conn: Connection, model_id: int) -> ModelRecord | None:
    """Re-read one model inside the caller's transaction (to decide on fresh state)."""
    row = conn.execute(f"{_MODEL_SELECT} WHERE m.id = ?", (model_id,)).fetchone()
    return None if row is None else ModelRecord.from_row(row)


def fetch_model_locked(conn: Connection, model_id: int) -> ModelRecord | None:
    """:func:`db.lock_model`, then the fresh record: what a state change decides on.

    Every transaction that changes a model's upload state starts here, so
    replicas sharing a PostgreSQL database take turns on the model, and each
    decides on what the one before it committed (``upload_seq`` above all).
    """
    if not lock_model(conn, model_id):
        return None
    return fetch_model(conn, model_id)


def update_model(conn: Connection, model_id: int, **fields: Any) -> None:
    """Set columns of one model inside the caller's transaction; stamps updated_at."""
    fields["updated_at"] = utcnow()
    for key, value in fields.items():
        if isinstance(value, datetime):
            fields[key] = to_db(value)
        elif isinstance(value, (dict, list)):
            fields[key] = json.dumps(value)
        elif isinstance(value, bool):
            fields[key] = int(value)
    assignments = ", ".join(f"{key} = ?" for key in fields)
    conn.execute(f"UPDATE models SET {assignments} WHERE id = ?", (*fields.values(), model_id))


class Catalog:
    """Reads and creates records; upload state changes live in ``uploads``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def count_by_status(self) -> dict[str, int]:
        """Model versions per upload status (the metrics' gauges)."""
        rows = self.db.query("SELECT upload_status, COUNT(*) FROM models GROUP BY upload_status")
        return {str(row[0]): int(row[1]) for row in rows}

    def count_open_multipart(self) -> int:
        row = self.db.query_one("SELECT COUNT(*) FROM multipart_uploads")
        return int(row[0]) if row else 0

    def get_repository(self, name: str) -> Repository | None:
        row = self.db.query_one("SELECT * FROM repositories WHERE name = ?", (name,))
        return None if row is None else Repository.from_row(row)

    def create_repository(
        self, name: str, description: str, labels: list[dict[str, str]]
    ) -> Repository:
        """Create, or return the existing one: two pushes racing to create it both succeed."""
        now = to_db(utcnow())
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO repositories (uid, name, description, labels, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
                (str(uuid.uuid4()), name, description, json.dumps(labels), now, now),
            )
            row = conn.execute("SELECT * FROM repositories WHERE name = ?", (name,)).fetchone()
        return Repository.from_row(row)

    def get_model(self, name: str, version: str) -> ModelRecord | None:
        row = self.db.query_one(
            f"{_MODEL_SELECT} WHERE r.name = ? AND m.version = ?", (name, version)
        )
        return None if row is None else ModelRecord.from_row(row)

    def get_model_by_uid(self, uid: str) -> ModelRecord | None:
        row = self.db.query_one(f"{_MODEL_SELECT} WHERE m.uid = ?", (uid,))
        return None if row is None else ModelRecord.from_row(row)

    def get_model_by_id(self, model_id: int) -> ModelRecord | None:
        row = self.db.query_one(f"{_MODEL_SELECT} WHERE m.id = ?", (model_id,))
        return None if row is None else ModelRecord.from_row(row)

    def create_model(
        self,
        repository: Repository,
        version: str,
        *,
        description: str,
        labels: list[dict[str, str]],
        manifest: dict[str, Any],
        build_at: datetime,
        list_from_client: bool,
    ) -> ModelRecord:
        now = to_db(utcnow())
        with self.db.transaction() as conn:
            try:
                # Two replicas creating one version: the unique index lets one in,
                # the other waits for its commit and then gets the IntegrityError.
                cursor = conn.execute(
                    "INSERT INTO models (uid, repository_id, version, description, labels, "
                    "manifest, build_at, created_at, updated_at, list_from_client) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        str(uuid.uuid4()),
                        repository.id,
                        version,
                        description,
                        json.dumps(labels),
                        json.dumps(manifest),
                        to_db(build_at),
                        now,
                        now,
                        int(list_from_client),
                    ),
                )
            except IntegrityError:
                raise Conflict(
                    f"Model {repository.name}:{version} already exists; push a new version, "
                    "or delete this one first."
                ) from None
            model_id = int(cursor.fetchone()[0])
            conn.execute(
                "UPDATE repositories SET updated_at = ? WHERE id = ?", (now, repository.id)
            )
            created = fetch_model(conn, model_id)
        assert created is not None
        return created

    def list_models(self, repository_id: int | None = None) -> list[ModelRecord]:
        """Every model (of one repository), in listing order (tests and tools; not routes)."""
        return self.page_models(repository_id, Where(), 0, None)[1]

    def page_models(
        self, repository_id: int | None, where: Where, start: int, count: int | None
    ) -> tuple[int, list[ModelRecord]]:
        """(total matching, the records of one page in listing order), from the indexes."""
        query = listing_query(repository_id, where, start, count)
        with self.db.snapshot() as conn:
            ids = [row[0] for row in conn.execute(query.ids_sql, query.ids_params)]
            total = int(conn.execute(query.count_sql, query.count_params).fetchone()[0])
            models = self._models_by_ids(conn, ids)
        return total, models

    @staticmethod
    def _models_by_ids(conn: Connection, ids: list[int]) -> list[ModelRecord]:
        """The records of ``ids``, in that order; read in chunks (SQLite's variable limit)."""
        found: dict[int, ModelRecord] = {}
        for first in range(0, len(ids), 500):
            chunk = ids[first : first + 500]
            marks = ",".join("?" * len(chunk))
            for row in conn.execute(f"{_MODEL_SELECT} WHERE m.id IN ({marks})", chunk):
                found[row["id"]] = ModelRecord.from_row(row)
        return [found[i] for i in ids if i in found]

    def latest_models(self, repository_ids: Iterable[int]) -> dict[int, ModelRecord]:
        """The newest successful model of each of ``repository_ids`` (one index probe each)."""
        latest: dict[int, ModelRecord] = {}
        for repository_id in set(repository_ids):
            model = self.latest_model(repository_id)
            if model is not None:
                latest[repository_id] = model
        return latest

    def latest_model(self, repository_id: int) -> ModelRecord | None:
        """items[0] of the repository's list if it is a success (the official "latest")."""
        row = self.db.query_one(
            f"{_MODEL_SELECT} WHERE m.repository_id = ?{LISTING_ORDER} LIMIT 1", (repository_id,)
        )
        if row is None or row["upload_status"] != SUCCESS:
            return None
        return ModelRecord.from_row(row)

    def repositories(self, ids: Iterable[int] | None = None) -> dict[int, Repository]:
        """Repositories by id: all of them, or only ``ids``."""
        if ids is None:
            rows = self.db.query("SELECT * FROM repositories")
        else:
            wanted = sorted(set(ids))
            rows = []
            for first in range(0, len(wanted), 500):
                chunk = wanted[first : first + 500]
                marks = ",".join("?" * len(chunk))
                rows += self.db.query(f"SELECT * FROM repositories WHERE id IN ({marks})", chunk)
        return {row["id"]: Repository.from_row(row) for row in rows}

    def page_repositories(self, start: int, count: int | None) -> tuple[int, list[Repository]]:
        """(total, one page of repositories by name), from the name index."""
        with self.db.snapshot() as conn:
            rows = conn.execute(
                "SELECT * FROM repositories ORDER BY name LIMIT ? OFFSET ?",
                (NO_LIMIT if count is None else count, start),
            ).fetchall()
            total = int(conn.execute("SELECT COUNT(*) FROM repositories").fetchone()[0])
        return total, [Repository.from_row(row) for row in rows]

    def delete_model(self, model: ModelRecord) -> bool:
        """Remove the record (its multipart uploads go with it); False if it was gone."""
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM models WHERE id = ?", (model.id,))
            conn.execute(
                "UPDATE repositories SET updated_at = ? WHERE id = ?",
                (to_db(utcnow()), model.repository_id),
            )
        return cursor.rowcount > 0
