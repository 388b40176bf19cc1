"""Response JSON in the exact shapes of PROTOCOL.md 2.

The official client decodes with a strict-ish cattrs converter (PROTOCOL.md 0):
a ``null`` string field becomes the text "None", a missing required key or a
``null`` list breaks decoding, and naive datetimes break comparisons later.
So every renderer here emits every key, strings as ``""``, lists as ``[]``,
and datetimes with ``+00:00``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from bentosync.registry.catalog import ModelRecord, Repository

logger = logging.getLogger(__name__)

# What each --strategy tells clients (PROTOCOL.md 6).
ADVERTISED_STRATEGY: dict[str, str | None] = {
    "proxy": "proxy",
    "presigned": None,
    "multipart": "presigned_url",
}
# A fixed creation time for the synthetic user and organisation.
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)
ORG_NAME = "default"


def iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(timezone.utc).isoformat()


def _base(uid: str, created_at: datetime, updated_at: datetime | None) -> dict[str, Any]:
    return {
        "uid": uid,
        "created_at": iso(created_at),
        "updated_at": iso(updated_at),
        "deleted_at": None,
    }


def user_schema(name: str) -> dict[str, Any]:
    return {
        **_base(f"user-{name}", EPOCH, None),
        "name": name,
        "email": f"{name}@localhost",
        "first_name": name,
        "last_name": "",
        "avatar_url": "",
    }


def organization_schema() -> dict[str, Any]:
    return {
        **_base("org-default", EPOCH, None),
        "name": ORG_NAME,
        "resource_type": "organization",
        "labels": [],
        "description": "BentoSync registry",
    }


def manifest_schema(manifest: dict[str, Any]) -> dict[str, Any]:
    """The stored manifest with every required key present and typed (extras kept)."""
    out = dict(manifest)
    for key in ("module", "api_version", "bentoml_version"):
        out[key] = str(out.get(key) or "")
    out["size_bytes"] = int(out.get("size_bytes") or 0)
    for key in ("metadata", "context", "options"):
        if not isinstance(out.get(key), dict):
            out[key] = {}
    return out


def model_schema(
    model: ModelRecord,
    strategy: str,
    *,
    presigned_upload_url: str = "",
    presigned_download_url: str = "",
    repository: dict[str, Any] | None = None,
    extensions: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A ModelSchema; ``extensions`` are the flavour's keys beyond the protocol's."""
    data = {
        **_base(model.uid, model.created_at, model.updated_at),
        "name": model.version,  # Yatai names a model record after its version
        "resource_type": "model",
        "labels": list(model.labels),
        "description": model.description,
        "version": model.version,
        "image_build_status": "",
        "upload_status": model.upload_status,
        "upload_finished_reason": model.upload_finished_reason,
        "presigned_upload_url": presigned_upload_url,
        "presigned_download_url": presigned_download_url,
        "presigned_urls_deprecated": False,
        "manifest": manifest_schema(model.manifest),
        "transmission_strategy": ADVERTISED_STRATEGY[strategy],
        "upload_id": model.upload_id,
        "upload_started_at": iso(model.upload_started_at),
        "upload_finished_at": iso(model.upload_finished_at),
        "build_at": iso(model.build_at),
        **(extensions or {}),
    }
    if repository is not None:
        data["repository"] = repository
    return data


def repository_schema(
    repository: Repository, latest_model: dict[str, Any] | None
) -> dict[str, Any]:
    """A ModelRepositorySchema around its latest model, already rendered (or None)."""
    return {
        **_base(repository.uid, repository.created_at, repository.updated_at),
        "name": repository.name,
        "resource_type": "model_repository",
        "labels": list(repository.labels),
        "description": repository.description,
        "latest_model": latest_model,
    }


def list_schema(start: int, count: int, total: int, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"start": start, "count": count, "total": total, "items": items}
