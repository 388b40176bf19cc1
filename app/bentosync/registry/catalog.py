"""Repositories and model records: typed rows over the database, and the listing order.

The listing order is the one decision here that clients depend on: the
official client takes ``items[0]`` of the per-repository list as "latest"
without looking at its status (PROTOCOL.md 3.1), so successful uploads come
first, newest ``build_at`` first, and a half-uploaded version never wins.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bentosync.registry.db import Database, from_db, to_db, utcnow
from bentosync.registry.errors import Conflict

logger = logging.getLogger(__name__)

SUCCESS, PENDING, UPLOADING, FAILED = "success", "pending", "uploading", "failed"
_MODEL_SELECT = (
    "SELECT m.*, r.name AS repository_name FROM models m "
    "JOIN repositories r ON r.id = m.repository_id"
)
# Successful first, then newest build first; id breaks ties by creation order.
_ORDER = " ORDER BY (m.upload_status = 'success') DESC, m.build_at DESC, m.id DESC"


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
    def from_row(cls, row: sqlite3.Row) -> Repository:
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

    @property
    def tag(self) -> str:
        return f"{self.repository_name}:{self.version}"

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> ModelRecord:
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
        )


def fetch_model(conn: sqlite3.Connection, model_id: int) -> ModelRecord | None:
    """Re-read one model inside the caller's transaction (to decide on fresh state)."""
    row = conn.execute(f"{_MODEL_SELECT} WHERE m.id = ?", (model_id,)).fetchone()
    return None if row is None else ModelRecord.from_row(row)


def update_model(conn: sqlite3.Connection, model_id: int, **fields: Any) -> None:
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
                "INSERT OR IGNORE INTO repositories (uid, name, description, labels, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
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
        with self.db.lock:
            return fetch_model(self.db.conn, model_id)

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
                cursor = conn.execute(
                    "INSERT INTO models (uid, repository_id, version, description, labels, "
                    "manifest, build_at, created_at, updated_at, list_from_client) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            except sqlite3.IntegrityError:
                raise Conflict(
                    f"Model {repository.name}:{version} already exists; push a new version, "
                    "or delete this one first."
                ) from None
            conn.execute(
                "UPDATE repositories SET updated_at = ? WHERE id = ?", (now, repository.id)
            )
            created = fetch_model(conn, cursor.lastrowid or 0)
        assert created is not None
        return created

    def list_models(self, repository_id: int | None = None) -> list[ModelRecord]:
        """Every model (of one repository), in listing order."""
        if repository_id is None:
            rows = self.db.query(_MODEL_SELECT + _ORDER)
        else:
            rows = self.db.query(
                f"{_MODEL_SELECT} WHERE m.repository_id = ?{_ORDER}", (repository_id,)
            )
        return [ModelRecord.from_row(row) for row in rows]

    def latest_models(self) -> dict[int, ModelRecord]:
        """Each repository's newest successful model, for ``latest_model``."""
        latest: dict[int, ModelRecord] = {}
        for model in self.list_models():
            if model.upload_status == SUCCESS:
                latest.setdefault(model.repository_id, model)
        return latest

    def latest_model(self, repository_id: int) -> ModelRecord | None:
        models = self.list_models(repository_id)
        return models[0] if models and models[0].upload_status == SUCCESS else None

    def repositories(self) -> dict[int, Repository]:
        rows = self.db.query("SELECT * FROM repositories")
        return {row["id"]: Repository.from_row(row) for row in rows}

    def delete_model(self, model: ModelRecord) -> bool:
        """Remove the record (its multipart uploads go with it); False if it was gone."""
        with self.db.transaction() as conn:
            cursor = conn.execute("DELETE FROM models WHERE id = ?", (model.id,))
            conn.execute(
                "UPDATE repositories SET updated_at = ? WHERE id = ?",
                (to_db(utcnow()), model.repository_id),
            )
        return cursor.rowcount > 0
