"""The per-file checksums BentoSync records with a model, where a server keeps them.

BentoCloud stores the create-model manifest as a fixed schema and drops every
key it does not know (PROTOCOL.md 12), so checksums cannot ride in a key of
their own. ``manifest.metadata`` is a free-form map that comes back whole (the
official client relies on it for Hugging Face references), so the checksums
live there, under one namespaced key (``METADATA_KEY``)::

    "metadata": {
        ...the model's own metadata...,
        "bentosync.checksums": {
            "format": 2, "algorithm": "sha256",
            "count": 3, "size": 12345,
            "digest": "<sha256 of the encoded list>",
            "files": [["model.yaml", 321, "<sha256>"], ...]
        }
    }

``files`` is sorted by path, one ``[path, size, sha256]`` triple per regular
file, so no key name is repeated per file. ``digest`` is the sha256 of exactly
that list encoded as compact UTF-8 JSON (``encode_files``), which makes it a
checksum of the whole model: a pull that hashes every file it extracts can
rebuild the list and compare one digest, with or without ``files``.

The budget: ``files`` is left out when its encoding exceeds ``LIST_BUDGET``
(64 KiB, about 500 files with 60-character paths). The manifest is a database
value on the server and comes back in every GET of the model *and in every
item of every listing*, so a page of 100 models could otherwise carry megabytes;
and the create-model body must stay well under the 1 MiB a default nginx in
front of a registry accepts. Above the budget the record carries ``count``,
``size`` and ``digest`` only (about 200 bytes), which still verifies a pull as a
whole; what it cannot do is name the file that differs.

Models pushed before this format carry a top-level ``manifest["bentosync"]``
(format 1: ``{"format": 1, "digest": "sha256", "files": [{path, size,
sha256}]}``), which a lenient server keeps; it is still read.
"""

from __future__ import annotations

import enum
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple

logger = logging.getLogger(__name__)

__all__ = [
    "LEGACY_KEY",
    "LIST_BUDGET",
    "METADATA_KEY",
    "Checksums",
    "Difference",
    "DifferenceKind",
    "FileEntry",
    "checksums_from_manifest",
    "describe_difference",
    "difference",
    "encode_files",
    "legacy_manifest_value",
    "metadata_with_checksums",
    "plural",
    "sorted_entries",
]

METADATA_KEY = "bentosync.checksums"
FORMAT = 2
ALGORITHM = "sha256"
LIST_BUDGET = 64 * 1024  # bytes of encoded ``files``; see the module docstring
# The shortest a ``[path, size, sha256]`` triple encodes to, with its separating comma:
# ``["",0,"<64 hex>"],`` (no path can be empty, so a real one is longer still).
MIN_TRIPLE_BYTES = len(b'["",0,""],') + 64
# Format 1, kept where a lenient server stored it: a top-level manifest key.
LEGACY_KEY = "bentosync"
LEGACY_FORMAT = 1

_HEX = frozenset("0123456789abcdef")


class FileEntry(NamedTuple):
    """One regular file of a model: POSIX path relative to the version folder.

    A named tuple rather than a frozen dataclass: a push or pull of 20,000 files
    makes one per file, and a tuple is made 3x faster. Ordered by path, size, sha256.
    """

    path: str
    size: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "size": self.size, "sha256": self.sha256}


_ORDER = attrgetter("path", "size", "sha256")


def sorted_entries(entries: Iterable[FileEntry]) -> list[FileEntry]:
    """``sorted(entries)``, the same order, by a key: the dataclass's own ``__lt__`` is a
    Python call per comparison, and 20,000 entries take 230,000 of them."""
    return sorted(entries, key=_ORDER)


def encode_files(entries: Iterable[FileEntry]) -> bytes:
    """The canonical encoding of a file list: what ``digest`` hashes and ``files`` holds."""
    triples = [[e.path, e.size, e.sha256] for e in sorted_entries(entries)]
    return json.dumps(triples, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Checksums:
    """What a record says about a model's files: a whole-model digest, and the files if listed.

    ``files`` is None when the list was over the budget: the model can then be
    verified as a whole (``matches``) but not file by file.
    """

    digest: str
    count: int
    size: int
    files: tuple[FileEntry, ...] | None = None

    @classmethod
    def of(cls, entries: Iterable[FileEntry]) -> Checksums:
        files = tuple(sorted_entries(entries))
        return cls(
            digest=hashlib.sha256(encode_files(files)).hexdigest(),
            count=len(files),
            size=sum(e.size for e in files),
            files=files,
        )

    @property
    def listed(self) -> bool:
        """True when the record names every file, so a difference can be pinned to one."""
        return self.files is not None

    def matches(self, entries: Iterable[FileEntry]) -> bool:
        """Whether ``entries`` are exactly the files these checksums describe."""
        return Checksums.of(entries).digest == self.digest

    def to_metadata_value(self, budget: int = LIST_BUDGET) -> dict[str, Any]:
        """The value stored under ``metadata[METADATA_KEY]``; files only within ``budget``."""
        value: dict[str, Any] = {
            "format": FORMAT,
            "algorithm": ALGORITHM,
            "count": self.count,
            "size": self.size,
            "digest": self.digest,
        }
        if self.files is None:
            return value
        # Every triple encodes to at least MIN_TRIPLE_BYTES, so a long list is over the
        # budget without encoding it again (20,000 files: 45 ms a push saves).
        if self.count * MIN_TRIPLE_BYTES <= budget:
            encoded = encode_files(self.files)
            if len(encoded) <= budget:
                value["files"] = json.loads(encoded)
                return value
        logger.info(
            "The file list of %d files is over the %d-byte budget: "
            "recording the whole-model digest only",
            self.count,
            budget,
        )
        return value

    def describe(self) -> str:
        """A few words for a tooltip or a message: what these checksums can vouch for."""
        noun = "file" if self.count == 1 else "files"
        if self.listed:
            return f"sha256 of each of {self.count} {noun}"
        return f"one sha256 over all {self.count} {noun} (too many to list one by one)"


def plural(count: int, one: str, many: str) -> str:
    """``one`` or ``many`` by ``count``: the English sentences say "1 file", never "1 files"."""
    return one if count == 1 else many


#: How many names of each group a difference spells out.
NAMED = 3


class DifferenceKind(str, enum.Enum):
    """Which of :class:`Difference`'s sentences applies."""

    #: Both sides list their files: the groups name them.
    FILES = "files"
    #: The totals differ (count or size), and the files cannot be named.
    TOTALS = "totals"
    #: The same count and size with other contents, and no list to name a file from.
    CONTENTS = "contents"


@dataclass(frozen=True)
class Difference:
    """How two sets of checksums differ, as data: the CLI reads :meth:`english`, the
    window builds its own translated sentence from the same fields (``core`` has no Qt).

    The name tuples hold at most :data:`NAMED` paths each; the counts are complete.
    """

    kind: DifferenceKind
    changed: int = 0
    changed_names: tuple[str, ...] = ()
    only_here: int = 0
    only_here_names: tuple[str, ...] = ()
    only_there: int = 0
    only_there_names: tuple[str, ...] = ()
    local_count: int = 0
    local_size: int = 0
    cloud_count: int = 0
    cloud_size: int = 0

    def english(self) -> str:
        """The sentence the CLI prints and every English message embeds."""
        if self.kind is DifferenceKind.FILES:
            parts = []
            if self.changed:
                verb = plural(self.changed, "file differs", "files differ")
                parts.append(f"{self.changed} {verb} ({', '.join(self.changed_names)})")
            if self.only_here:
                parts.append(f"{self.only_here} only here ({', '.join(self.only_here_names)})")
            if self.only_there:
                parts.append(
                    f"{self.only_there} only in the cloud ({', '.join(self.only_there_names)})"
                )
            return "; ".join(parts)
        if self.kind is DifferenceKind.TOTALS:
            return (
                f"{self.local_count} {plural(self.local_count, 'file', 'files')} of "
                f"{self.local_size:,} bytes here, "
                f"{self.cloud_count} {plural(self.cloud_count, 'file', 'files')} of "
                f"{self.cloud_size:,} bytes in the cloud"
            )
        return (
            f"the same {self.local_count} {plural(self.local_count, 'file', 'files')} by count "
            "and size, with other contents "
            "(the cloud keeps one checksum for the whole model, so the file cannot be named)"
        )


def difference(local: Checksums, cloud: Checksums) -> Difference:
    """How two sets of checksums differ, naming files where both list them."""
    if local.files is not None and cloud.files is not None:
        mine = {e.path: e for e in local.files}
        theirs = {e.path: e for e in cloud.files}
        only_here = sorted(mine.keys() - theirs.keys())
        only_there = sorted(theirs.keys() - mine.keys())
        changed = sorted(p for p in mine.keys() & theirs.keys() if mine[p] != theirs[p])
        if changed or only_here or only_there:
            return Difference(
                DifferenceKind.FILES,
                changed=len(changed),
                changed_names=tuple(changed[:NAMED]),
                only_here=len(only_here),
                only_here_names=tuple(only_here[:NAMED]),
                only_there=len(only_there),
                only_there_names=tuple(only_there[:NAMED]),
            )
    kind = (
        DifferenceKind.TOTALS
        if (local.count, local.size) != (cloud.count, cloud.size)
        else DifferenceKind.CONTENTS
    )
    return Difference(
        kind,
        local_count=local.count,
        local_size=local.size,
        cloud_count=cloud.count,
        cloud_size=cloud.size,
    )


def describe_difference(local: Checksums, cloud: Checksums) -> str:
    """How two sets of checksums differ, in English (see :class:`Difference`)."""
    return difference(local, cloud).english()


def metadata_with_checksums(
    metadata: Mapping[str, Any], checksums: Checksums, budget: int = LIST_BUDGET
) -> dict[str, Any]:
    """A copy of a model's metadata with the checksums under ``METADATA_KEY``."""
    out = dict(metadata)
    out[METADATA_KEY] = checksums.to_metadata_value(budget)
    return out


def legacy_manifest_value(entries: Iterable[FileEntry]) -> dict[str, Any]:
    """Format 1, as BentoSync sent it before: for tests of models pushed back then."""
    return {
        "format": LEGACY_FORMAT,
        "digest": ALGORITHM,
        "files": [entry.to_json() for entry in sorted_entries(entries)],
    }


def checksums_from_manifest(manifest: Mapping[str, Any] | None) -> Checksums | None:
    """The checksums a server's manifest carries, or None when it has none to trust.

    None means "unverified", never "verified": a missing, foreign or malformed
    value must not make a transfer look checked. The metadata key wins over the
    legacy top-level one.
    """
    if not manifest:
        return None
    metadata = manifest.get("metadata")
    if isinstance(metadata, Mapping) and METADATA_KEY in metadata:
        return _parse_current(metadata[METADATA_KEY])
    if LEGACY_KEY in manifest:
        return _parse_legacy(manifest[LEGACY_KEY])
    return None


def _parse_current(value: Any) -> Checksums | None:
    if not isinstance(value, Mapping):
        logger.warning("Ignoring checksums that are not an object")
        return None
    if value.get("format") != FORMAT or value.get("algorithm") != ALGORITHM:
        logger.warning(
            "Ignoring checksums in an unknown format (%r, %r)",
            value.get("format"),
            value.get("algorithm"),
        )
        return None
    try:
        digest = _sha256(value.get("digest"), "the whole-model digest")
        count = _count(value.get("count"), "count")
        size = _count(value.get("size"), "size")
        raw_files = value.get("files")
        if raw_files is None:
            return Checksums(digest, count, size, None)
        if not isinstance(raw_files, list):
            raise ValueError("files is not a list")
        entries = []
        for item in raw_files:
            if not isinstance(item, list) or len(item) != 3:
                raise ValueError(f"a file entry is not [path, size, sha256]: {item!r:.80}")
            path, file_size, sha = item
            if not isinstance(path, str) or not path:
                raise ValueError(f"a file entry has no path: {item!r:.80}")
            entries.append(FileEntry(path, _count(file_size, path), _sha256(sha, path)))
    except ValueError as exc:
        logger.warning("Ignoring malformed checksums: %s", exc)
        return None
    listed = Checksums.of(entries)
    if (listed.digest, listed.count, listed.size) != (digest, count, size):
        # A list that disagrees with its own digest vouches for nothing.
        logger.warning("Ignoring checksums whose file list does not match their digest")
        return None
    return listed


def _parse_legacy(value: Any) -> Checksums | None:
    if not isinstance(value, Mapping):
        return None
    if value.get("format") != LEGACY_FORMAT or value.get("digest") != ALGORITHM:
        logger.warning("Ignoring a file list in an unknown format: %r", value.get("format"))
        return None
    files = value.get("files")
    if not isinstance(files, list):
        return None
    entries = []
    try:
        for item in files:
            path = str(item["path"])
            size, sha = _count(item["size"], path), _sha256(item["sha256"], path)
            entries.append(FileEntry(path, size, sha))
    except (KeyError, TypeError, ValueError) as exc:
        logger.warning("Ignoring a malformed file list: %s", exc)
        return None
    return Checksums.of(entries)


def _sha256(value: Any, what: str) -> str:
    text = str(value or "").lower()
    if len(text) != 64 or not _HEX.issuperset(text):
        raise ValueError(f"bad sha256 for {what!r}")
    return text


def _count(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"bad size or count for {what!r}: {value!r:.40}")
    return value
