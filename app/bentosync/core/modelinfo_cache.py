"""Parsed ``model.yaml`` files remembered by file identity, so a listing costs a stat each.

Listing a store of 10,000 versions spent nearly all its time in the YAML
parser (about 1 ms per file in pure Python, 0.12 ms with libyaml): the files
themselves almost never change. So a parse is remembered under the file's
identity, the way ``hashcache`` remembers hashes: size, mtime_ns, ctime_ns,
inode and device must all still match (ctime catches a rewrite that put the
old mtime back). In memory for the life of the store object, and, for whole
listings, in one JSON-lines file per store under the user cache dir, so that the
window's first listing after a restart is as quick as a refresh.

It is an optimisation and never a reason to fail: a missing, corrupt or
unwritable file is a cold cache. Documents that JSON cannot hold exactly
(a YAML timestamp inside metadata, non-string keys) stay in memory only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from bentosync.core import appdirs
from bentosync.core.atomicfile import replace_text
from bentosync.core.modelinfo import ModelInfo
from bentosync.core.tags import Tag

logger = logging.getLogger(__name__)

FORMAT = 1
Identity = tuple[int, int, int, int, int]


def identity(st: os.stat_result) -> Identity:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def default_cache_path(models_dir: Path) -> Path:
    """One file per store, named after the store's absolute path."""
    digest = hashlib.sha256(str(Path(models_dir).absolute()).encode()).hexdigest()[:24]
    return appdirs.cache_dir() / "model-info" / f"{digest}.jsonl"


def _to_document(info: ModelInfo) -> dict[str, Any]:
    return {
        "name": info.name,
        "version": info.version,
        "module": info.module,
        "labels": info.labels,
        "options": info.options,
        "metadata": info.metadata,
        "context": info.context,
        "api_version": info.api_version,
        "creation_time": info.creation_time.isoformat(),
    }


def _from_document(doc: dict[str, Any]) -> ModelInfo:
    """The ModelInfo a parse gave; checked when it was parsed, so not checked again."""
    return ModelInfo(
        tag=Tag(doc["name"], doc["version"]),
        module=doc["module"],
        labels=doc["labels"],
        options=doc["options"],
        metadata=doc["metadata"],
        context=doc["context"],
        api_version=doc["api_version"],
        creation_time=datetime.fromisoformat(doc["creation_time"]),
        raw=doc,
    )


class ModelInfoCache:
    """model.yaml path -> (identity, ModelInfo); thread-safe.

    Args:
        path: the JSON file whole listings load and save; None keeps it in memory.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.hits = 0
        self.misses = 0
        self._lock = threading.Lock()
        self._infos: dict[str, tuple[Identity, ModelInfo]] = {}
        # Parsed from the file but not yet turned into ModelInfo (most never are twice).
        self._docs: dict[str, tuple[Identity, dict[str, Any]]] = {}
        # Parsed since the last save: JSON must be shown to hold them before they are saved.
        self._fresh: set[str] = set()
        self._memory_only: set[str] = set()
        self._loaded = path is None
        self._dirty = False

    def lookup(self, yaml_path: str, st: os.stat_result) -> ModelInfo | None:
        key = identity(st)
        with self._lock:
            found = self._infos.get(yaml_path)
            if found is not None and found[0] == key:
                self.hits += 1
                return found[1]
            doc = self._docs.pop(yaml_path, None)
            if doc is not None and doc[0] == key:
                try:
                    info = _from_document(doc[1])
                except (KeyError, TypeError, ValueError) as exc:
                    logger.debug("Ignoring a cached entry for %s: %s", yaml_path, exc)
                else:
                    self._infos[yaml_path] = (key, info)
                    self.hits += 1
                    return info
            self.misses += 1
            return None

    def remember(self, yaml_path: str, st: os.stat_result, info: ModelInfo) -> None:
        with self._lock:
            self._infos[yaml_path] = (identity(st), info)
            self._fresh.add(yaml_path)
            self._dirty = True

    # ---- the file, for whole listings ------------------------------------------------

    def load(self) -> None:
        """Read the file once (a listing calls this first); any problem means a cold cache.

        One JSON document per line, decoded line by line: a single ``json.load``
        of 10,000 entries holds the GIL for tens of milliseconds at a stretch,
        which the window's GUI thread would feel as a stall.
        """
        with self._lock:
            if self._loaded or self.path is None:
                return
            self._loaded = True
            docs: dict[str, tuple[Identity, dict[str, Any]]] = {}
            try:
                with open(self.path, encoding="utf-8") as handle:
                    if json.loads(handle.readline()).get("format") != FORMAT:
                        return
                    for line in handle:
                        yaml_path, size, mtime, ctime, ino, dev, doc = json.loads(line)
                        if not isinstance(doc, dict):
                            raise TypeError("an entry's document is not a mapping")
                        docs[yaml_path] = ((size, mtime, ctime, ino, dev), doc)
            except FileNotFoundError:
                return
            except (OSError, ValueError, TypeError, AttributeError) as exc:
                logger.info("Ignoring the model list cache %s: %s", self.path, exc)
                return
            for yaml_path, entry in docs.items():
                if yaml_path not in self._infos:
                    self._docs[yaml_path] = entry

    def save(self, seen: Collection[str]) -> None:
        """Write the entries of ``seen`` (the listing's model.yaml paths) if anything changed.

        Entries not seen are dropped: their models are gone from the store.
        """
        if self.path is None:
            return
        with self._lock:
            stale = len(self._infos) + len(self._docs) != len(seen)
            if not self._dirty and not stale:
                return
            entries: list[list[Any]] = []
            for yaml_path in seen:
                found = self._infos.get(yaml_path)
                if found is not None:
                    key, doc = found[0], _to_document(found[1])
                    if yaml_path in self._fresh:
                        if _keeps_as_json(doc):
                            self._memory_only.discard(yaml_path)
                        else:
                            self._memory_only.add(yaml_path)
                    if yaml_path in self._memory_only:
                        continue
                elif yaml_path in self._docs:
                    key, doc = self._docs[yaml_path]
                else:
                    continue
                entries.append([yaml_path, *key, doc])
            self._infos = {p: v for p, v in self._infos.items() if p in seen}
            self._docs = {p: v for p, v in self._docs.items() if p in seen}
            self._fresh.clear()
            self._dirty = False
        self._write(entries)

    def _write(self, entries: list[list[Any]]) -> None:
        assert self.path is not None

        def write(handle: TextIO) -> None:
            handle.write(json.dumps({"format": FORMAT}) + "\n")
            for entry in entries:
                handle.write(json.dumps(entry, separators=(",", ":")) + "\n")

        try:
            replace_text(self.path, write)
        except OSError as exc:
            logger.info("Cannot save the model list cache %s: %s", self.path, exc)


def _keeps_as_json(doc: dict[str, Any]) -> bool:
    """True when JSON gives back exactly ``doc`` (no datetimes, tuples or int keys inside)."""
    try:
        return bool(json.loads(json.dumps(doc)) == doc)
    except (TypeError, ValueError):
        return False
