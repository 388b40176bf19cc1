"""LocalModel records built by hand, for model and proxy tests that need no disk."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

from bentosync.core.modelinfo import ModelInfo
from bentosync.core.store import LocalModel
from bentosync.core.tags import Tag

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
GIB = 1024**3


def make_model(
    name: str,
    version: str = "v1",
    *,
    size: int = 1000,
    age: timedelta = timedelta(hours=1),
    labels: dict[str, str] | None = None,
    module: str = "",
) -> LocalModel:
    """A LocalModel record without touching disk, for model/proxy tests."""
    info = ModelInfo(
        tag=Tag(name, version),
        module=module,
        labels=dict(labels or {}),
        options={},
        metadata={},
        context={"framework_name": "", "framework_versions": {}},
        api_version="v1",
        creation_time=NOW - age,
        raw={},
    )
    return LocalModel(
        info=info,
        folder=os.path.join("/store/models", name, version),
        size_bytes=size,
        file_count=2,
    )
