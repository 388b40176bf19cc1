"""Typed records of the BentoCloud v1 API, decoded defensively.

The official client decodes with cattrs, where a ``null`` string turns into the
text "None" and a missing key is fatal (PROTOCOL.md 0). Servers in the wild do
send nulls, so here a null or missing string is ``""``, a missing dict is ``{}``,
datetimes are always timezone-aware (naive ones are taken as UTC, which is what
Yatai means), and only a response that is not the right shape at all (not an
object, no version) is a ``ProtocolError``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from bentosync.core.cloud_errors import ProtocolError, mask_url
from bentosync.core.filelist import Checksums, FileEntry, checksums_from_manifest

logger = logging.getLogger(__name__)

UPLOAD_PENDING = "pending"
UPLOAD_UPLOADING = "uploading"
UPLOAD_SUCCESS = "success"
UPLOAD_FAILED = "failed"
STRATEGY_PROXY = "proxy"
STRATEGY_PRESIGNED = "presigned_url"

_FRACTION_RE = re.compile(r"(\.\d{6})\d+")


def text(value: Any) -> str:
    """A string field: null and missing become ``""`` (never the text "None")."""
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def optional_text(value: Any) -> str | None:
    """A ``str | null`` field where null means something (strategy, upload_id)."""
    if value is None or value == "":
        return None
    return text(value)


def parse_datetime(value: Any, what: str = "datetime") -> datetime | None:
    """An ISO-8601/RFC 3339 value as an aware datetime; ``""``/null become None.

    Accepts ``Z``, nanoseconds (cut to microseconds, as dateutil does) and a space
    between date and time. A value without an offset is taken as UTC.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ProtocolError(f"the server sent {what} as {type(value).__name__}, not a string")
    cleaned = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    cleaned = _FRACTION_RE.sub(r"\1", cleaned)
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise ProtocolError(f"the server sent an unreadable {what}: {value[:40]!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def labels_from_json(value: Any) -> dict[str, str]:
    """``[{"key", "value"}, ...]`` as a dict in list order (a plain dict is accepted too)."""
    if isinstance(value, Mapping):
        return {text(k): text(v) for k, v in value.items()}
    labels: dict[str, str] = {}
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Mapping) and item.get("key") is not None:
                labels[text(item["key"])] = text(item.get("value"))
    return labels


def labels_to_json(labels: Mapping[str, str]) -> list[dict[str, str]]:
    """The wire form of labels, in dict order as the official client sends them."""
    return [{"key": str(k), "value": str(v)} for k, v in labels.items()]


def _object(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ProtocolError(f"expected a JSON object for {what}, got {type(data).__name__}")
    return data


def _int(value: Any, what: str) -> int:
    if value is None or value == "":
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ProtocolError(f"the server sent a non-integer {what}: {value!r}") from None


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


@dataclass(frozen=True)
class CloudUser:
    """The account a token belongs to (GET /auth/current)."""

    name: str
    email: str
    first_name: str = ""
    last_name: str = ""

    @classmethod
    def from_json(cls, data: Any) -> CloudUser:
        obj = _object(data, "the current user")
        return cls(
            name=text(obj.get("name")),
            email=text(obj.get("email")),
            first_name=text(obj.get("first_name")),
            last_name=text(obj.get("last_name")),
        )

    @property
    def display_name(self) -> str:
        """What to call the user: the name, else the email, else "unknown user"."""
        return self.name or self.email or "unknown user"


@dataclass(frozen=True)
class CloudOrganization:
    """The organization a token acts in (GET /current_org)."""

    name: str
    uid: str = ""
    description: str = ""

    @classmethod
    def from_json(cls, data: Any) -> CloudOrganization:
        obj = _object(data, "the current organization")
        return cls(
            name=text(obj.get("name")),
            uid=text(obj.get("uid")),
            description=text(obj.get("description")),
        )


@dataclass(frozen=True)
class CloudModel:
    """One model version in the registry.

    ``name`` is the repository name (the model name of the tag), taken from the
    request or the item's ``repository``; the record's own ``name`` field is not
    reliable for that across servers.
    """

    name: str
    version: str
    labels: dict[str, str] = field(default_factory=dict)
    upload_status: str = ""
    upload_finished_reason: str = ""
    transmission_strategy: str | None = None
    presigned_upload_url: str = ""
    presigned_download_url: str = ""
    upload_id: str | None = None
    build_at: datetime | None = None
    created_at: datetime | None = None
    manifest: dict[str, Any] = field(default_factory=dict)
    size_bytes: int = 0
    checksums: Checksums | None = None
    # Our registry's extension: it checked the stored archive against the
    # checksums. BentoCloud never says so; it only stores bytes.
    archive_checked: bool = False
    description: str = ""
    image_build_status: str = ""
    uid: str = ""
    upload_started_at: datetime | None = None
    upload_finished_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any, repository: str | None = None) -> CloudModel:
        obj = _object(data, "a model")
        repo = obj.get("repository")
        if repository is None and isinstance(repo, Mapping):
            repository = text(repo.get("name"))
        version = text(obj.get("version"))
        if not version:
            raise ProtocolError("the server sent a model without a version")
        manifest = _dict(obj.get("manifest"))
        return cls(
            name=repository or text(obj.get("name")),
            version=version,
            labels=labels_from_json(obj.get("labels")),
            upload_status=text(obj.get("upload_status")),
            upload_finished_reason=text(obj.get("upload_finished_reason")),
            transmission_strategy=optional_text(obj.get("transmission_strategy")),
            presigned_upload_url=text(obj.get("presigned_upload_url")),
            presigned_download_url=text(obj.get("presigned_download_url")),
            upload_id=optional_text(obj.get("upload_id")),
            build_at=parse_datetime(obj.get("build_at"), "build_at"),
            created_at=parse_datetime(obj.get("created_at"), "created_at"),
            manifest=manifest,
            size_bytes=_int(manifest.get("size_bytes"), "manifest.size_bytes"),
            checksums=checksums_from_manifest(manifest),
            archive_checked=obj.get("archive_checked") is True,
            description=text(obj.get("description")),
            image_build_status=text(obj.get("image_build_status")),
            uid=text(obj.get("uid")),
            upload_started_at=parse_datetime(obj.get("upload_started_at"), "upload_started_at"),
            upload_finished_at=parse_datetime(obj.get("upload_finished_at"), "upload_finished_at"),
        )

    @property
    def tag(self) -> str:
        return f"{self.name}:{self.version}"

    @property
    def file_list(self) -> list[FileEntry] | None:
        """The per-file checksums, when the record lists them (see ``checksums``)."""
        if self.checksums is None or self.checksums.files is None:
            return None
        return list(self.checksums.files)

    @property
    def is_huggingface(self) -> bool:
        """A Hugging Face reference: a record with no archive (PROTOCOL.md 2, 5.4)."""
        metadata = self.manifest.get("metadata")
        return isinstance(metadata, Mapping) and metadata.get("registry") == "huggingface"

    @property
    def is_uploaded(self) -> bool:
        """True only for ``success``: the one state the official client trusts."""
        return self.upload_status == UPLOAD_SUCCESS

    @property
    def is_proxy(self) -> bool:
        return self.transmission_strategy == STRATEGY_PROXY

    def __repr__(self) -> str:
        # Presigned URLs are bearer credentials until they expire: show where, not how.
        up = mask_url(self.presigned_upload_url) if self.presigned_upload_url else ""
        down = mask_url(self.presigned_download_url) if self.presigned_download_url else ""
        return (
            f"CloudModel(tag={self.tag!r}, upload_status={self.upload_status!r}, "
            f"strategy={self.transmission_strategy!r}, size_bytes={self.size_bytes}, "
            f"build_at={self.build_at!r}, presigned_upload_url={up!r}, "
            f"presigned_download_url={down!r}, upload_id={self.upload_id!r}, "
            f"checksums={None if self.checksums is None else self.checksums.describe()!r})"
        )


@dataclass(frozen=True)
class CloudRepository:
    """A model repository: one model name, with its newest version if any."""

    name: str
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    uid: str = ""
    created_at: datetime | None = None
    latest_model: CloudModel | None = None

    @classmethod
    def from_json(cls, data: Any) -> CloudRepository:
        obj = _object(data, "a model repository")
        name = text(obj.get("name"))
        latest = obj.get("latest_model")
        return cls(
            name=name,
            description=text(obj.get("description")),
            labels=labels_from_json(obj.get("labels")),
            uid=text(obj.get("uid")),
            created_at=parse_datetime(obj.get("created_at"), "created_at"),
            latest_model=CloudModel.from_json(latest, name) if latest else None,
        )


@dataclass(frozen=True)
class ModelPage:
    """One page of a model list: ``items`` start at index ``start`` of ``total``."""

    start: int
    count: int
    total: int
    items: list[CloudModel]

    @classmethod
    def from_json(cls, data: Any, repository: str | None = None) -> ModelPage:
        obj = _object(data, "a model list")
        raw_items = obj.get("items") or []
        if not isinstance(raw_items, list):
            raise ProtocolError("the server sent a model list whose items are not a list")
        return cls(
            start=_int(obj.get("start"), "start"),
            count=_int(obj.get("count"), "count"),
            total=_int(obj.get("total"), "total"),
            items=[CloudModel.from_json(item, repository) for item in raw_items],
        )

    @property
    def has_more(self) -> bool:
        return bool(self.items) and self.start + len(self.items) < self.total


@dataclass(frozen=True)
class RepositoryPage:
    """One page of GET /model_repositories (a Yatai endpoint the official client skips)."""

    start: int
    count: int
    total: int
    items: list[CloudRepository]

    @classmethod
    def from_json(cls, data: Any) -> RepositoryPage:
        obj = _object(data, "a repository list")
        raw_items = obj.get("items") or []
        if not isinstance(raw_items, list):
            raise ProtocolError("the server sent a repository list whose items are not a list")
        return cls(
            start=_int(obj.get("start"), "start"),
            count=_int(obj.get("count"), "count"),
            total=_int(obj.get("total"), "total"),
            items=[CloudRepository.from_json(item) for item in raw_items],
        )

    @property
    def has_more(self) -> bool:
        return bool(self.items) and self.start + len(self.items) < self.total


def format_build_at(value: datetime) -> str:
    """``build_at`` for create-model: the UTC wall clock, ``%Y-%m-%d %H:%M:%S.%f``.

    That is exactly what the official client sends (PROTOCOL.md 0), and the only
    layout Yatai parses; an aware value is converted to UTC first.
    """
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")
