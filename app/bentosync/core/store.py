"""The BentoML local model store, read and written the way bentoml does it.

Layout (PROTOCOL.md 8): ``$BENTOML_HOME/models/<name>/<version>/model.yaml`` plus a
``<name>/latest`` file holding the newest version. Everything that writes goes
through a staging folder under ``$BENTOML_HOME/tmp`` and one ``rename()``, because
``bentoml.models.list()`` breaks on any stray folder under ``models/``: a model
is either completely there or not there at all.
"""

from __future__ import annotations

import builtins
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from bentosync.core.errors import InvalidModel, InvalidTag, ModelExists, ModelNotFound
from bentosync.core.gc_pause import bulk_work
from bentosync.core.modelinfo import (
    MODEL_YAML,
    ModelInfo,
    new_model_document,
    read_model_info,
    write_model_document,
)
from bentosync.core.modelinfo_cache import ModelInfoCache, default_cache_path
from bentosync.core.tags import LATEST, Tag, make_new_version, validate_part

logger = logging.getLogger(__name__)

STAGING_PREFIX = "bentosync-"
# A model.yaml changed this recently is parsed again next time rather than
# remembered: a rewrite within the clock's granularity could keep every stat field.
RACY_NS = 2_000_000_000


def bentoml_home() -> Path:
    """``$BENTOML_HOME`` with ``~`` and ``$VARS`` expanded, else ``~/bentoml``."""
    configured = os.environ.get("BENTOML_HOME")
    if configured:
        return Path(os.path.expandvars(os.path.expanduser(configured)))
    return Path.home() / "bentoml"


def folder_size(folder: Path | str) -> tuple[int, int]:
    """Total bytes and count of the regular files below ``folder``.

    This is bentoml's ``size_bytes``: symlinks are not followed or counted.
    ``scandir`` knows each entry's type without a stat, so only the files
    are stat'ed, once each (a listing does this for every model, every time:
    sizes are not cached, since a file rewritten in place leaves its folder's
    mtime alone).
    """
    total, count, _top = _sized_scan(os.fspath(folder))
    return total, count


def _sized_scan(folder: str) -> tuple[int, int, dict[str, os.stat_result]]:
    """``folder_size``, plus the stats of the top folder's own files by name: a listing
    needs model.yaml's stat for the parse cache, and this scan has made it already."""
    total = 0
    count = 0
    top: dict[str, os.stat_result] = {}
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            with os.scandir(current) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif not entry.is_symlink():
                        st = entry.stat(follow_symlinks=False)
                        total += st.st_size
                        count += 1
                        if current is folder:
                            top[entry.name] = st
        except (FileNotFoundError, NotADirectoryError):
            continue
    return total, count, top


@dataclass(frozen=True)
class LocalModel:
    """One model version in the local store.

    ``folder`` is the version folder as text, as the listing's scan gives it;
    ``path`` makes the Path on first use. A listing makes 10,000 of these and
    most are never asked for their Path, where building each one up front
    (pathlib splits and re-joins the text) cost a sixth of a warm listing.
    """

    info: ModelInfo
    folder: str
    size_bytes: int
    file_count: int

    @cached_property
    def path(self) -> Path:
        """The version folder (made once; ``cached_property`` writes past the frozen
        ``__setattr__`` into the instance dict, and is not a field: not compared)."""
        return Path(self.folder)

    @property
    def tag(self) -> Tag:
        return self.info.tag

    @property
    def name(self) -> str:
        return self.info.name

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def module(self) -> str:
        return self.info.module

    @property
    def labels(self) -> dict[str, str]:
        return self.info.labels

    @property
    def metadata(self) -> dict[str, Any]:
        return self.info.metadata

    @property
    def context(self) -> dict[str, Any]:
        return self.info.context

    @property
    def creation_time(self) -> datetime:
        return self.info.creation_time

    def to_json(self) -> dict[str, Any]:
        """The ``list --json`` record (DESIGN.md command-line contract)."""
        return {
            "tag": str(self.tag),
            "name": self.name,
            "version": self.version,
            "module": self.module,
            "size_bytes": self.size_bytes,
            "file_count": self.file_count,
            "creation_time": self.creation_time.isoformat(),
            "labels": dict(self.labels),
            "path": str(self.path),
        }


@dataclass(frozen=True)
class StoreProblem:
    """A folder under ``models/`` that is not a loadable model, and why."""

    path: Path
    reason: str


@dataclass(frozen=True)
class StoreListing:
    models: list[LocalModel]
    problems: list[StoreProblem]


class LocalStore:
    """The models half of a BentoML home folder.

    Args:
        home: the BENTOML_HOME; ``$BENTOML_HOME`` or ``~/bentoml`` by default.
        info_cache: where parsed model.yaml files are remembered; by default one
            kept in memory and, for whole listings, in the user cache dir
            (``modelinfo_cache``), so listing 10,000 versions costs stats, not parses.
    """

    def __init__(
        self, home: Path | str | None = None, *, info_cache: ModelInfoCache | None = None
    ) -> None:
        self.home = Path(home) if home is not None else bentoml_home()
        self.models_dir = self.home / "models"
        self.tmp_dir = self.home / "tmp"
        if info_cache is None:
            info_cache = ModelInfoCache(default_cache_path(self.models_dir))
        self.info_cache = info_cache
        self._listed_yaml_paths: set[str] | None = None

    def __repr__(self) -> str:
        return f"LocalStore({str(self.home)!r})"

    # ---- reading -------------------------------------------------------------------

    def load(self, folder: Path, *, size: tuple[int, int] | None = None) -> LocalModel:
        """Load one version folder, insisting its model.yaml names that folder.

        ``size`` is its ``folder_size`` when the caller has walked the folder already
        (a push's archive layout): the walk here would stat every file once more.
        """
        return self._load(os.fspath(folder), folder.parent.name, folder.name, size)

    def _load(
        self,
        folder_text: str,
        name: str,
        version: str,
        size: tuple[int, int] | None = None,
        yaml_path: str | None = None,
    ) -> LocalModel:
        """``load`` with the folder as text and its names given (a listing has them from
        its scan: a Path made per version, 10,000 times in a big store, is wasted), and
        its ``folder_size`` when the caller knows it (a pull that wrote every file);
        ``yaml_path`` is its model.yaml when the listing has joined it already."""
        yaml_path = yaml_path or os.path.join(folder_text, MODEL_YAML)
        yaml_stat: os.stat_result | None = None
        if size is None:
            size_bytes, count, top = _sized_scan(folder_text)
            yaml_stat = top.get(MODEL_YAML)
        else:
            size_bytes, count = size
        info = self._read_info(folder_text, yaml_path, yaml_stat)
        if info.name != name or info.version != version:
            raise InvalidModel(f"{yaml_path} says {info.tag} but the folder is {name}:{version}.")
        return LocalModel(info=info, folder=folder_text, size_bytes=size_bytes, file_count=count)

    def list(
        self,
        *,
        save_cache: bool = True,
        on_batch: Callable[[list[LocalModel]], None] | None = None,
        batch_seconds: float = 0.15,
    ) -> StoreListing:
        """Every loadable model, plus a problem record for each broken entry.

        Unlike ``bentoml.models.list()``, one bad folder never hides the rest.

        Args:
            save_cache: False leaves writing the parse cache to ``save_cache()``,
                for a caller (the window) that shows the rows first and saves after.
            on_batch: called with the models found since its last call, first
                after ``batch_seconds`` while the listing runs, so that a window
                can show a first store of thousands of versions as it is read.
                The returned listing still holds every model. The wait doubles
                after each batch, since each one costs the window a re-sort.
        """
        with bulk_work():  # 10,000 versions make ten times as many objects (core.gc_pause)
            return self._list(save_cache, on_batch, batch_seconds)

    def _list(
        self,
        save_cache: bool,
        on_batch: Callable[[builtins.list[LocalModel]], None] | None,
        batch_seconds: float,
    ) -> StoreListing:
        models: builtins.list[LocalModel] = []
        problems: list[StoreProblem] = []
        seen: set[str] = set()
        handed_over = 0
        next_batch = time.monotonic() + batch_seconds
        self.info_cache.load()
        for name_entry in _scan(self.models_dir):
            if not name_entry.is_dir():
                continue
            name_dir = Path(name_entry.path)
            reason = self._bad_name_reason(name_entry.name)
            if reason:
                problems.append(StoreProblem(name_dir, reason))
                continue
            for version_entry in _scan(name_dir):
                if not version_entry.is_dir():
                    continue
                folder_text = version_entry.path
                yaml_path = folder_text + os.sep + MODEL_YAML  # the scan's path: one join
                seen.add(yaml_path)
                try:
                    models.append(
                        self._load(
                            folder_text, name_entry.name, version_entry.name, yaml_path=yaml_path
                        )
                    )
                except (InvalidModel, OSError) as exc:
                    problems.append(StoreProblem(Path(version_entry.path), str(exc)))
                if on_batch is not None and time.monotonic() >= next_batch:
                    on_batch(models[handed_over:])
                    handed_over = len(models)
                    batch_seconds *= 2
                    next_batch = time.monotonic() + batch_seconds
        models.sort(key=lambda m: (m.name, m.creation_time))
        self._listed_yaml_paths = seen
        if save_cache:
            self.save_cache()
        logger.debug(
            "Listed %d models in %s (%d parses remembered, %d read)",
            len(models),
            self.models_dir,
            self.info_cache.hits,
            self.info_cache.misses,
        )
        return StoreListing(models, problems)

    def save_cache(self) -> None:
        """Save the parse cache for the model.yaml files the last listing saw."""
        seen = self._listed_yaml_paths
        if seen is not None:
            self.info_cache.save(seen)

    def versions(self, name: str) -> builtins.list[LocalModel]:
        """Loadable versions of one name, oldest first; broken ones are skipped."""
        name_dir = self.models_dir / name
        found = []
        for version_dir in self._children(name_dir):
            if version_dir.is_dir():
                try:
                    found.append(self.load(version_dir))
                except (InvalidModel, OSError) as exc:
                    logger.warning("Skipping %s: %s", version_dir, exc)
        return sorted(found, key=lambda m: m.creation_time)

    def get(self, tag: Tag | str) -> LocalModel:
        """Resolve ``name``, ``name:latest``, ``name:version`` or a unique version prefix."""
        return self.load(self.locate(tag))

    def locate(self, tag: Tag | str) -> Path:
        """The version folder ``get`` would load, found without loading it (no walk)."""
        tag = Tag.parse(tag) if isinstance(tag, str) else tag
        name_dir = self.models_dir / tag.name
        if tag.version is None:
            version = self.read_latest(tag.name)
            if version and (name_dir / version).is_dir():
                return name_dir / version
            return self._heal_latest(tag.name).path
        exact = name_dir / tag.version
        if exact.is_dir():
            return exact
        matches = [
            d for d in self._children(name_dir) if d.is_dir() and d.name.startswith(tag.version)
        ]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            versions = ", ".join(sorted(d.name for d in matches))
            raise InvalidTag(
                f"{tag} matches several local versions ({versions}); give more of the version."
            )
        raise ModelNotFound(f"Model {tag} is not in the local store ({self.models_dir}).")

    def exists(self, tag: Tag | str) -> bool:
        try:
            self.get(tag)
        except ModelNotFound:
            return False
        return True

    def read_latest(self, name: str) -> str | None:
        """The version named by ``<name>/latest``, or None if the file is missing."""
        try:
            return (self.models_dir / name / LATEST).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _heal_latest(self, name: str) -> LocalModel:
        """``<name>/latest`` is missing or stale: heal it from the greatest creation_time,
        as bentoml does."""
        versions = self.versions(name)
        if not versions:
            raise ModelNotFound(f"There is no local model named {name!r} in {self.models_dir}.")
        newest = versions[-1]
        self._write_latest(name, newest.version)
        return newest

    # ---- writing -------------------------------------------------------------------

    def new_staging_dir(self) -> Path:
        """A fresh folder under ``$BENTOML_HOME/tmp``: same filesystem, never under models/."""
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=self.tmp_dir))

    def install(
        self, staged: Path, *, replace: bool = False, size: tuple[int, int] | None = None
    ) -> LocalModel:
        """Move a complete staged model folder into the store with one rename.

        ``latest`` is written last, and only when the new model is at least as
        new as the current latest (by creation_time), which is bentoml's rule.
        ``size``: the staged files' total bytes and count, when the caller wrote
        them all and knows (a stat per file less for 20,000 files).
        """
        info = read_model_info(staged)
        target = self.models_dir / info.name / info.version
        target.parent.mkdir(parents=True, exist_ok=True)
        if os.stat(staged).st_dev != os.stat(target.parent).st_dev:
            raise InvalidModel(
                f"{staged} is not on the same filesystem as {self.models_dir}; "
                "stage models under $BENTOML_HOME/tmp."
            )
        displaced: Path | None = None
        if target.exists():
            if not replace:
                raise ModelExists(f"Model {info.tag} is already in the local store.")
            displaced = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "old-", dir=self.tmp_dir))
            os.rename(target, displaced / "model")
        try:
            os.rename(staged, target)
        except OSError:
            if displaced is not None:
                os.rename(displaced / "model", target)
            raise
        if displaced is not None:
            shutil.rmtree(displaced, ignore_errors=True)
        current = self.read_latest(info.name)
        current_model = None
        if current and current != info.version:
            try:
                current_model = self.load(self.models_dir / info.name / current)
            except (InvalidModel, OSError):
                current_model = None
        if current_model is None or info.creation_time >= current_model.creation_time:
            self._write_latest(info.name, info.version)
        logger.info("Installed %s into %s", info.tag, target)
        return self._load(os.fspath(target), info.name, info.version, size)

    def delete(self, tag: Tag | str) -> LocalModel:
        """Remove one version; ``latest`` moves to the newest remaining version."""
        model = self.get(tag)
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        trash = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX + "del-", dir=self.tmp_dir))
        os.rename(model.path, trash / "model")  # gone from the store in one step
        shutil.rmtree(trash, ignore_errors=True)
        remaining = self.versions(model.name)
        name_dir = self.models_dir / model.name
        if remaining:
            self._write_latest(model.name, remaining[-1].version)
        else:
            (name_dir / LATEST).unlink(missing_ok=True)
            try:
                name_dir.rmdir()
            except OSError as exc:
                logger.warning("Left %s in place: %s", name_dir, exc)
        logger.info("Deleted %s", model.tag)
        return model

    def create_from_folder(
        self,
        folder: Path | str,
        name: str,
        labels: Mapping[str, str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> LocalModel:
        """Make a new model version from the files of ``folder`` (copied, not moved).

        Symlinks are copied as the files they point to, so the model stands on its
        own the way a pushed archive must.
        """
        source = Path(folder)
        if not source.is_dir():
            raise InvalidModel(f"{source} is not a folder.")
        if (source / MODEL_YAML).exists():
            raise InvalidModel(
                f"{source} already holds a {MODEL_YAML}; it is a model already, not a "
                "folder of files to make one from."
            )
        tag = Tag(validate_part(name, "name"), make_new_version())
        staged = self.new_staging_dir()
        try:
            shutil.copytree(source, staged, dirs_exist_ok=True)
            os.chmod(staged, 0o700)
            write_model_document(staged, new_model_document(tag, labels=labels, metadata=metadata))
            return self.install(staged)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise

    # ---- helpers -------------------------------------------------------------------

    def _read_info(
        self, folder_text: str, yaml_path: str, st: os.stat_result | None = None
    ) -> ModelInfo:
        """``read_model_info``, remembered while the file's identity (``yaml_path``'s)
        stays the same.

        ``st`` is model.yaml's stat when the caller's scan has it (one stat less
        per version in a listing of thousands)."""
        if st is None:
            try:
                st = os.stat(yaml_path)
            except OSError:
                return read_model_info(folder_text)  # raises the InvalidModel that says why
        cached = self.info_cache.lookup(yaml_path, st)
        if cached is not None:
            return cached
        info = read_model_info(folder_text)
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            self.info_cache.remember(yaml_path, st, info)
        return info

    def _write_latest(self, name: str, version: str) -> None:
        name_dir = self.models_dir / name
        tmp = name_dir / f".{LATEST}.{os.getpid()}.tmp"
        tmp.write_text(version, encoding="utf-8")  # no trailing newline, like bentoml
        os.replace(tmp, name_dir / LATEST)

    @staticmethod
    def _children(folder: Path) -> Iterator[Path]:
        return iter([Path(entry.path) for entry in _scan(folder)])

    @staticmethod
    def _bad_name_reason(dirname: str) -> str | None:
        if dirname.startswith("."):
            return f"hidden folder {dirname!r} is not a model name"
        try:
            if validate_part(dirname, "name") != dirname:
                return f"folder {dirname!r} is not lowercase, so bentoml cannot find it"
        except InvalidTag as exc:
            return str(exc)
        return None


def _scan(folder: Path) -> list[os.DirEntry[str]]:
    """The entries of ``folder`` by name; none when it is missing or not a folder."""
    try:
        with os.scandir(folder) as entries:
            return sorted(entries, key=lambda entry: entry.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
