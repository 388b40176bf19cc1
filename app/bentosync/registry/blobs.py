"""Archive files on disk: written under a temp name, fsynced, renamed into place.

Layout under the data dir::

    blobs/<model uid>              the archive of a model, exactly as uploaded
    parts/<upload id>/<n>          multipart parts until completion
    tmp/                           everything being written; emptied at start

A reader never sees a half-written archive: bytes go to ``tmp/`` and reach
``blobs/`` with one ``rename()`` after an ``fsync``, and the database says
``success`` only after that. Names are model uids, not tags, so deleting and
re-creating a version can never serve the old bytes.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

COPY_CHUNK = 8 * 1024 * 1024


def fsync_file(path: Path) -> None:
    """Make a file's bytes durable before it is renamed into place."""
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


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

    def close(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    # ---- paths -----------------------------------------------------------------

    def blob_path(self, model_uid: str) -> Path:
        return self.blobs / model_uid

    def part_path(self, upload_id: str, part_number: int) -> Path:
        return self.parts / upload_id / str(part_number)

    def new_tmp(self, label: str) -> Path:
        """A fresh, empty file in ``tmp/`` that nobody else will pick."""
        fd, name = tempfile.mkstemp(prefix=f"{label}-", dir=self.tmp)
        os.close(fd)
        return Path(name)

    # ---- writing ---------------------------------------------------------------

    def assemble(self, sources: Iterable[Path], target_tmp: Path) -> int:
        """Concatenate part files into ``target_tmp``; in-kernel copies where possible."""
        total = 0
        with open(target_tmp, "wb") as out:
            for source in sources:
                with open(source, "rb") as src:
                    size = os.fstat(src.fileno()).st_size
                    total += _copy(src.fileno(), out.fileno(), size)
        return total

    # ---- removing --------------------------------------------------------------

    def remove_blob(self, model_uid: str) -> None:
        self.blob_path(model_uid).unlink(missing_ok=True)

    def remove_parts(self, upload_id: str) -> None:
        shutil.rmtree(self.parts / upload_id, ignore_errors=True)

    def discard(self, path: Path | None) -> None:
        if path is not None:
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
        return {entry.name for entry in self.blobs.iterdir() if entry.is_file()}

    def upload_ids(self) -> set[str]:
        return {entry.name for entry in self.parts.iterdir() if entry.is_dir()}

    def blob_size(self, model_uid: str) -> int | None:
        try:
            return self.blob_path(model_uid).stat().st_size
        except FileNotFoundError:
            return None


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


def _copy(src_fd: int, dst_fd: int, size: int) -> int:
    """Append ``size`` bytes of ``src_fd`` to ``dst_fd``: copy_file_range, else read/write."""
    copied = 0
    offset = 0
    use_kernel = hasattr(os, "copy_file_range")
    while copied < size:
        count = min(COPY_CHUNK, size - copied)
        if use_kernel:
            try:
                done = os.copy_file_range(src_fd, dst_fd, count, offset)
            except OSError:
                use_kernel = False
                continue
        else:
            data = os.pread(src_fd, count, offset)
            done = os.write(dst_fd, data) if data else 0
        if done == 0:
            raise OSError(f"A multipart part shrank while it was being assembled ({copied} bytes).")
        copied += done
        offset += done
    return copied
