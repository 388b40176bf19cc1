"""Reading and writing ``model.yaml`` the way BentoML's loader accepts it.

Kept apart from the store so that pull can check a staged model before it is
installed, and the registry can read a pushed archive's model.yaml, with the
same rules (PROTOCOL.md 8.5).
"""

from __future__ import annotations

import logging
import os
import platform
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from bentosync.core import blockyaml
from bentosync.core.errors import InvalidModel
from bentosync.core.tags import Tag, validate_part, validate_stored_version

logger = logging.getLogger(__name__)

MODEL_YAML = "model.yaml"
REQUIRED_KEYS = (
    "name",
    "version",
    "module",
    "labels",
    "options",
    "metadata",
    "context",
    "api_version",
    "creation_time",
)
# The bentoml release whose on-disk format we write; its loader reads this field.
COMPATIBLE_BENTOML_VERSION = "1.4.39"
# libyaml's parser when PyYAML has it: the same safe rules, about 8x faster, which
# is most of the time a listing of thousands of models takes.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class ModelInfo:
    """The parsed content of one model.yaml."""

    tag: Tag
    module: str
    labels: dict[str, str]
    options: dict[str, Any]
    metadata: dict[str, Any]
    context: dict[str, Any]
    api_version: str
    creation_time: datetime
    raw: dict[str, Any] = field(repr=False, compare=False)

    @property
    def name(self) -> str:
        return self.tag.name

    @property
    def version(self) -> str:
        assert self.tag.version is not None
        return self.tag.version


def parse_creation_time(value: object) -> datetime:
    """Parse model.yaml's creation_time; naive values are taken as UTC.

    BentoML always writes an aware time, but older files may not have one, and
    comparing naive with aware times raises, so everything leaving here is aware.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise InvalidModel(f"creation_time {value!r} is not an ISO-8601 time.") from exc
    else:
        raise InvalidModel(f"creation_time {value!r} is not a time.")
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed


def _mapping(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    value = data[key]
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidModel(f"'{key}' in model.yaml must be a mapping, not {type(value).__name__}.")
    return dict(value)


def parse_model_info(data: object, source: str = MODEL_YAML) -> ModelInfo:
    """Validate a loaded model.yaml document, with messages naming the problem."""
    if not isinstance(data, Mapping):
        raise InvalidModel(f"{source} is not a YAML mapping.")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise InvalidModel(f"{source} lacks required keys: {', '.join(missing)}.")
    try:
        tag = Tag(
            validate_part(str(data["name"]), "name"),
            validate_stored_version(str(data["version"])),
        )
    except Exception as exc:
        raise InvalidModel(f"{source}: {exc}") from exc
    context = _mapping(data, "context")
    if "framework_name" not in context or "framework_versions" not in context:
        raise InvalidModel(f"{source}: context needs framework_name and framework_versions.")
    return ModelInfo(
        tag=tag,
        module=str(data["module"] or ""),
        labels={str(k): str(v) for k, v in _mapping(data, "labels").items()},
        options=_mapping(data, "options"),
        metadata=_mapping(data, "metadata"),
        context=context,
        api_version=str(data["api_version"]),
        creation_time=parse_creation_time(data["creation_time"]),
        raw=dict(data),
    )


def read_model_info(folder: Path | str) -> ModelInfo:
    """Read ``folder/model.yaml``; any problem becomes an InvalidModel.

    Plain strings and one binary read: a listing calls this for every version
    in the store, and pathlib's ``read_text`` cost as much as the parse.
    """
    path = os.path.join(folder, MODEL_YAML)
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError as exc:
        raise InvalidModel(f"{folder} has no {MODEL_YAML}.") from exc
    except OSError as exc:
        raise InvalidModel(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise InvalidModel(f"{path} is not UTF-8 text: {exc}") from exc
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise InvalidModel(f"{path} is not valid YAML: {exc}") from exc
    return parse_model_info(data, path)


def load_yaml(text: str) -> Any:
    """A model.yaml document: the block-YAML reader for what safe_dump wrote, else PyYAML."""
    data = blockyaml.load(text)
    if data is None:
        data = yaml.load(text, Loader=_SAFE_LOADER)  # a safe loader, C or Python
    return data


def new_model_document(
    tag: Tag,
    *,
    labels: Mapping[str, str] | None = None,
    metadata: Mapping[str, Any] | None = None,
    creation_time: datetime | None = None,
) -> dict[str, Any]:
    """The model.yaml of a new generic model, keys in BentoML's order.

    Matches what ``bentoml.models.create`` writes for a model without a
    framework: empty module, empty framework context, no signatures.
    """
    when = creation_time or datetime.now(timezone.utc)
    return {
        "name": tag.name,
        "version": tag.version,
        "module": "",
        "labels": {str(k): str(v) for k, v in (labels or {}).items()},
        "options": {},
        "metadata": dict(metadata or {}),
        "context": {
            "framework_name": "",
            "framework_versions": {},
            "bentoml_version": COMPATIBLE_BENTOML_VERSION,
            "python_version": platform.python_version(),
        },
        "signatures": {},
        "api_version": "v1",
        "creation_time": when.astimezone(timezone.utc).isoformat(),
    }


def write_model_document(folder: Path, document: Mapping[str, Any]) -> None:
    """Write model.yaml with ``safe_dump(sort_keys=False)`` like BentoML, atomically."""
    target = folder / MODEL_YAML
    tmp = folder / f".{MODEL_YAML}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        yaml.safe_dump(dict(document), handle, sort_keys=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, target)
