"""Cloud records built in memory, one per kind of checksums, and a Hugging Face reference.

Display tests need the exact shape a server sends, not a server: these go
through ``CloudModel.from_json`` so the manifest is parsed the way a listing
is, checksums and all.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from gui_records import NOW

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import Checksums, FileEntry, metadata_with_checksums

LISTED_FILES = [
    FileEntry("config.json", 14, "1" * 64),
    FileEntry("model.yaml", 300, "2" * 64),
    FileEntry("weights.bin", 700, "3" * 64),
]
HF_ID, HF_REVISION = "meta-llama/Llama-3-8B", "8cde5ca8380496c9a6cc7ef3a8b46a0372a1d920"


def many_files(count: int) -> list[FileEntry]:
    """``count`` small files with distinct sha256 (nothing is hashed for real)."""
    return [
        FileEntry(f"shards/part-{n:05d}.bin", 10, hashlib.sha256(str(n).encode()).hexdigest())
        for n in range(count)
    ]


def _record(
    name: str,
    manifest: dict[str, Any],
    *,
    status: str = "success",
    checked: bool = False,
    size: int | None = None,
) -> CloudModel:
    if size is not None:
        manifest["size_bytes"] = size
    data = {
        "version": "v1",
        "upload_status": status,
        "build_at": (NOW - timedelta(hours=1)).isoformat(),
        "manifest": manifest,
        "archive_checked": checked,
    }
    return CloudModel.from_json(data, name)


def listed(name: str = "listed", files: list[FileEntry] | None = None, **kw: Any) -> CloudModel:
    entries = LISTED_FILES if files is None else files
    metadata = metadata_with_checksums({}, Checksums.of(entries))
    kw.setdefault("size", sum(e.size for e in entries))
    return _record(name, {"metadata": metadata}, **kw)


def whole(name: str = "whole", files: list[FileEntry] | None = None, **kw: Any) -> CloudModel:
    """A record whose list was over the budget: count, size and digest only."""
    entries = many_files(3000) if files is None else files
    metadata = metadata_with_checksums({}, Checksums.of(entries), budget=0)
    kw.setdefault("size", sum(e.size for e in entries))
    return _record(name, {"metadata": metadata}, **kw)


def bare(name: str = "bare", **kw: Any) -> CloudModel:
    """What the official client leaves on BentoCloud: no checksums anywhere."""
    kw.setdefault("size", 1014)
    return _record(name, {"metadata": {"framework": "demo"}}, **kw)


def reference(name: str = "llama-hf") -> CloudModel:
    """A Hugging Face reference as the official client makes it: pending for good."""
    metadata = {"registry": "huggingface", "model_id": HF_ID, "revision": HF_REVISION}
    return _record(name, {"metadata": metadata, "size_bytes": 0}, status="pending")
