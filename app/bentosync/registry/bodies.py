"""Request bodies (PROTOCOL.md 2, "Request schemas"), validated before anything changes.

Pydantic models so that FastAPI documents them in its OpenAPI spec; unknown
keys are ignored like the official client ignores ours, except in the
manifest, which the bentosync flavour stores as sent (older BentoSync clients
put their file list in a top-level ``bentosync`` key; newer ones in
``metadata``) and the bentocloud flavour cuts to BentoCloud's keys (``flavor.py``).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bentosync.core.filelist import LEGACY_KEY, METADATA_KEY, checksums_from_manifest

logger = logging.getLogger(__name__)

MAX_LABELS = 256


class LabelItem(BaseModel):
    key: str = Field(min_length=1, max_length=256)
    value: str = Field(max_length=4096)


class CreateRepositoryBody(BaseModel):
    name: str
    description: str = ""
    labels: list[LabelItem] = Field(default_factory=list, max_length=MAX_LABELS)


class ManifestBody(BaseModel):
    model_config = ConfigDict(extra="allow")

    module: str
    api_version: str
    bentoml_version: str
    size_bytes: int = Field(ge=0)
    metadata: dict[str, Any] = Field(default_factory=dict)
    context: dict[str, Any] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)

    def file_list_given(self) -> bool:
        """True when the client sent BentoSync checksums; ValueError if they are unusable."""
        given = METADATA_KEY in self.metadata or LEGACY_KEY in (self.model_extra or {})
        if given and checksums_from_manifest(self.model_dump()) is None:
            raise ValueError(
                f"manifest.metadata.{METADATA_KEY} is not valid BentoSync checksums "
                '(expected {"format": 2, "algorithm": "sha256", "count", "size", "digest", '
                '"files": [[path, size, sha256], ...]}).'
            )
        return given


class CreateModelBody(BaseModel):
    version: str
    description: str = ""
    manifest: ManifestBody
    build_at: str | None = None
    labels: list[LabelItem] = Field(default_factory=list, max_length=MAX_LABELS)

    def build_time(self) -> datetime:
        """``build_at`` as an aware UTC time; the client's form has no zone and means UTC."""
        if not self.build_at:
            return datetime.now(timezone.utc)
        text = self.build_at.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"build_at {self.build_at!r} is not a time like '2026-11-23 21:04:03.582043'."
            ) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.astimezone(timezone.utc)


class PresignPartBody(BaseModel):
    upload_id: str = Field(min_length=1, max_length=128)
    part_number: int


class CompletePart(BaseModel):
    part_number: int
    etag: str = Field(max_length=256)


class CompleteBody(BaseModel):
    upload_id: str = Field(min_length=1, max_length=128)
    parts: list[CompletePart] = Field(max_length=10000)


class FinishBody(BaseModel):
    status: str
    reason: str = ""
