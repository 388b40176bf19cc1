"""Archive files on disk: written under a temp name, fsynced, renamed into place.

Layout under the data dir::

    blobs/<model uid>              the archive of a model, exactly as uploaded
    blobs/<model uid>.parts/<n>    ... or, for a multipart upload, its parts in order
    parts/<upload id>/<n>          multipart parts until completion
    tmp/                           everything being written; emptied at start

A reader never sees a half-written archive: bytes go to ``tmp/`` (parts are
hard-linked into a folder there) and reach ``blobs/`` with one ``rename()``
after an ``fsync``, and the database says ``success`` only after that. Names
are model uids, not tags, so deleting and re-creating a version can never
serve the old bytes. A multipart archive stays as its parts (``segments.py``
says why); readers open it with ``open_blob`` whatever its form.

Parts may have a reader besides completion (``pipeline.py`` checks them as
they arrive); ``on_parts_removed`` tells it before they go, whichever
path ends the upload (start_upload, completion, failure, the reaper). Parts
removed on a request's path are deleted in the background (``later``).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

from bentosync.core.errors import BentoSyncError
from bentosync.core.pagecache import forget_files
from bentosync.registry.segments import SegmentedFile

logger = logging.getLogger(__name__)

PARTS_SUFFIX = ".parts"


def fsync_file(path: Path) -> None:
    """Make a file's bytes durable before it is renamed into place, then drop them
    from the cache: the check already read them, and a download reads them
    through once (``pagecache`` says why)."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())
        forget_files([handle.fileno()])


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class DataDirBusy(BentoSyncError):
    """Another registry process serves this data dir already."""


class BlobStore:
    """The archive folders of one data dir, held exclusively by this process.

    Start-up repair deletes temp files and unknown archives, which is only
    safe when no other server is writing them: hence the lock file.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.blobs = root / "blobs"
        self.parts = root / "parts"
        self.tmp = root / "tmp"
        for folder in (self.blobs, self.parts, self.tmp):
            folder.mkdir(parents=True, exist_ok=True)
        self._lock = _lock_dir(root / "registry.lock")
        self._parts_listeners: list[Callable[[str], None]] = []
        self._cleaner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="parts-cleanup")

    def drain(self) -> None:
        """Finish the deletions ``remove_parts(later=True)`` queued; later ones run inline."""
        self._cleaner.shutdown(wait=True)

    def close(self) -> None:
        self.drain()
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    def ping(self) -> None:
        """Raise unless a file can be made where uploads land (readiness, ``routes_ops``):
        a read-only remount or a vanished volume shows here before an upload fails."""
        with tempfile.TemporaryFile(prefix="ready-", dir=self.tmp):
            pass

    # ---- paths -----------------------------------------------------------------

    def blob_path(self, model_uid: str) -> Path:
        """Where a single-file archive lives (``open_blob`` reads either form)."""
        return self.blobs / model_uid

    def parts_blob_path(self, model_uid: str) -> Path:
        return self.blobs / f"{model_uid}{PARTS_SUFFIX}"

    def part_path(self, upload_id: str, part_number: int) -> Path:
        return self.parts / upload_id / str(part_number)

    def new_tmp(self, label: str) -> Path:
        """A fresh, empty file in ``tmp/`` that nobody else will pick."""
        fd, name = tempfile.mkstemp(prefix=f"{label}-", dir=self.tmp)
        os.close(fd)
        return Path(name)

    # ---- writing ---------------------------------------------------------------

    def stage_file(self, path: Path) -> StagedArchive:
        """A received single-file archive in ``tmp/``, ready to be judged and installed."""
        return StagedArchive(path, [path], path.stat().st_size)

    def stage_parts(self, upload_id: str, numbers: Iterable[int]) -> StagedArchive:
        """Hard-link the listed parts into a new folder in ``tmp/``: no byte is copied.

        The links pin the exact files (``inodes``) whatever happens to the parts
        afterwards, so the archive checked is the archive installed.
        """
        folder = Path(tempfile.mkdtemp(prefix=f"staged-{upload_id}-", dir=self.tmp))
        files: list[Path] = []
        size = 0
        try:
            for index, number in enumerate(numbers, start=1):
                target = folder / f"{index:06d}"
                os.link(self.part_path(upload_id, number), target)
                files.append(target)
                size += target.stat().st_size
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return StagedArchive(folder, files, size)

    def install(self, staged: StagedArchive, model_uid: str) -> None:
        """Rename a synced archive into place, replacing either form of an older one."""
        if staged.path.is_dir():
            target, other = self.parts_blob_path(model_uid), self.blob_path(model_uid)
            self._retire(target)  # a folder cannot be renamed over a full one
            os.rename(staged.path, target)
        else:
            target, other = self.blob_path(model_uid), self.parts_blob_path(model_uid)
            os.replace(staged.path, target)
        fsync_dir(self.blobs)  # the rename is on disk before the database says so
        self._retire(other)

    def open_blob(self, model_uid: str) -> SegmentedFile:
        """The stored archive, opened; FileNotFoundError if there is none."""
        try:
            return SegmentedFile.open([self.blob_path(model_uid)])
        except FileNotFoundError:
            folder = self.parts_blob_path(model_uid)
            return SegmentedFile.open(sorted(folder.iterdir()))

    # ---- removing --------------------------------------------------------------

    def remove_blob(self, model_uid: str) -> None:
        self.blob_path(model_uid).unlink(missing_ok=True)
        shutil.rmtree(self.parts_blob_path(model_uid), ignore_errors=True)

    def _retire(self, path: Path) -> None:
        """Move ``path`` (if any) out of the way now, delete it in the background."""
        trash = Path(tempfile.mkdtemp(prefix="retired-", dir=self.tmp))
        try:
            os.rename(path, trash / path.name)
        except FileNotFoundError:
            os.rmdir(trash)
            return
        try:
            self._cleaner.submit(shutil.rmtree, trash, ignore_errors=True)
        except RuntimeError:  # shutting down: delete now
            shutil.rmtree(trash, ignore_errors=True)

    def on_parts_removed(self, listener: Callable[[str], None]) -> None:
        """Call ``listener(upload_id)`` just before an upload's parts are deleted."""
        self._parts_listeners.append(listener)

    def remove_parts(self, upload_id: str, *, later: bool = False) -> None:
        """Delete an upload's parts; ``later``: move them to ``tmp/`` now, delete in the background.

        Unlinking a gigabyte of parts takes a fifth of a second or more, which a
        client waiting for finish_upload should not pay. The rename is atomic,
        so ``parts/`` never shows a half-deleted upload, and what a crash
        leaves in ``tmp/`` is swept at start.
        """
        for listener in self._parts_listeners:
            try:
                listener(upload_id)
            except Exception:  # a listener's bug must not keep parts on disk forever
                logger.exception("Listener for removed parts of %s failed", upload_id)
        folder = self.parts / upload_id
        if later:
            trash = self.tmp / f"removed-parts-{upload_id}"
            try:
                os.rename(folder, trash)
            except FileNotFoundError:
                return
            except OSError:
                pass  # e.g. a leftover of that name: delete in place, now
            else:
                try:
                    self._cleaner.submit(shutil.rmtree, trash, ignore_errors=True)
                    return
                except RuntimeError:  # shutting down: delete now
                    folder = trash
        shutil.rmtree(folder, ignore_errors=True)

    def discard(self, path: Path | StagedArchive | None) -> None:
        if isinstance(path, StagedArchive):
            path = path.path
        if path is None:
            return
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)

    def sweep_tmp(self, older_than: float | None = None) -> int:
        """Remove temp files (all of them when ``older_than`` is None, i.e. at start)."""
        removed = 0
        cutoff = None if older_than is None else time.time() - older_than
        for entry in list(self.tmp.iterdir()):
            try:
                if cutoff is not None and entry.stat().st_mtime > cutoff:
                    continue
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed += 1
            except FileNotFoundError:
                continue
        return removed

    def blob_uids(self) -> set[str]:
        return {entry.name.removesuffix(PARTS_SUFFIX) for entry in self.blobs.iterdir()}

    def upload_ids(self) -> set[str]:
        return {entry.name for entry in self.parts.iterdir() if entry.is_dir()}

    def blob_size(self, model_uid: str) -> int | None:
        try:
            return self.blob_path(model_uid).stat().st_size
        except FileNotFoundError:
            pass
        try:
            return sum(p.stat().st_size for p in self.parts_blob_path(model_uid).iterdir())
        except (FileNotFoundError, NotADirectoryError):
            return None


class StagedArchive:
    """A checked-or-to-be-checked archive in ``tmp/``: one file, or a folder of parts."""

    def __init__(self, path: Path, files: list[Path], size: int) -> None:
        self.path = path
        self.files = files
        self.size = size

    def inodes(self) -> list[tuple[int, int]]:
        stats = [os.stat(file) for file in self.files]
        return [(stat.st_dev, stat.st_ino) for stat in stats]

    def open(self) -> SegmentedFile:
        return SegmentedFile.open(self.files)

    def sync(self) -> None:
        """Make every byte durable before the rename that publishes it."""
        for file in self.files:
            fsync_file(file)
        if self.path.is_dir():
            fsync_dir(self.path)


def _lock_dir(path: Path) -> IO[bytes] | None:
    try:
        import fcntl
    except ImportError:  # Windows: the desktop app runs one registry anyway
        return None
    handle = open(path, "ab")  # noqa: SIM115 (held open for the server's lifetime)
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise DataDirBusy(
            f"Another registry is already serving {path.parent}; stop it or use another --data."
        ) from None
    return handle
