"""The per-file checksum list BentoSync adds to a model's manifest.

The official client and Yatai-like servers ignore unknown manifest keys, so the
list rides along in create-model as ``manifest["bentosync"]`` and costs the
official tools nothing (DESIGN.md, "The cloud side"). Client, registry and pull
all speak this one shape.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

MANIFEST_KEY = "bentosync"
FORMAT = 1
DIGEST = "sha256"


@dataclass(frozen=True, order=True)
class FileEntry:
    """One regular file of a model: POSIX path relative to the version folder."""

    path: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


def to_manifest_value(entries: Iterable[FileEntry]) -> dict[str, Any]:
    """The value stored under ``manifest["bentosync"]``, files sorted by path."""
    return {
        "format": FORMAT,
        "digest": DIGEST,
        "files": [entry.to_json() for entry in sorted(entries)],
    }


def from_manifest(manifest: Mapping[str, Any] | None) -> list[FileEntry] | None:
    """The file list in a server's manifest, or None when it has none we can trust.

    None means "unverified", never "verified": a missing, foreign or malformed
    list must not make a transfer look checked.
    """
    if not manifest:
        return None
    value = manifest.get(MANIFEST_KEY)
    if not isinstance(value, Mapping):
        return None
    if value.get("format") != FORMAT or value.get("digest") != DIGEST:
        logger.warning("Ignoring a file list in an unknown format: %r", value.get("format"))
        return None
    files = value.get("files")
    if not isinstance(files, list):
        return None
    entries = []
    try:
        for item in files:
            sha = str(item["sha256"]).lower()
            if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                raise ValueError(f"bad sha256 for {item.get('path')!r}")
            entries.append(FileEntry(str(item["path"]), int(item["size"]), sha))
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("Ignoring a malformed file list: %s", exc)
        return None
    return sorted(entries)
