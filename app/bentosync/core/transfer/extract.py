"""Unpack a model archive while it streams in: checked, hashed, resumable.

The official client downloads to a temp tar, extracts it with a function that
*skips* unsafe members, then copies the tree into the store (PROTOCOL.md 5, 9,
10). Here every byte is written once, into a staging folder, hashed on the way,
and anything unsafe or unexpected fails the job: a pull either yields exactly
the files the server's list promises, or nothing.

What "checked" means depends on what the record keeps; ``expectations.py``
holds those rules, this module gets the bytes onto disk.

Hard links, which the official client stores for a second path to one inode,
become copies of the earlier file they name, as its own extractor makes them.

Resume: the extractor knows, at every moment, which member it is in and how many
of its bytes are on disk. A new stream can start there: the member's headers are
fetched again (a few hundred bytes), its bytes already on disk are re-hashed
from disk instead of downloaded, and the rest continues from the same offset.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import os
import posixpath
import stat
import tarfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, BinaryIO

from bentosync.core.archive import hardlink_target, safe_member_path
from bentosync.core.errors import Cancelled, UnsafeArchive
from bentosync.core.filelist import Checksums, FileEntry, sorted_entries
from bentosync.core.pagecache import DropBehind
from bentosync.core.tarstream import TarFormatError, TarStream, TruncatedArchive, uncompressed
from bentosync.core.transfer.expectations import (
    Expectations,
    IncompleteArchive,
)
from bentosync.core.transfer.progress import TransferProgress

logger = logging.getLogger(__name__)

CHUNK = 1 << 20
CHECKPOINT_INTERVAL = 1.0  # seconds of work a killed pull may redo, at most
CHECKPOINT_SHARE = 20  # ... or this many times what writing the last checkpoint took
BLOCK = tarfile.BLOCKSIZE
# Files up to this size are written in one call and never tracked for drop-behind.
SMALL_FILE = 8 * CHUNK
_CHMOD_FD = os.chmod in os.supports_fd
_UTIME_FD = os.utime in os.supports_fd


def _read_umask() -> int | None:
    """The process umask, read without changing it (Linux ``/proc``); None elsewhere.

    ``os.umask`` can only be read by setting it, which races with other threads
    creating files. Knowing it lets a file be created with its final mode, saving
    a ``chmod`` per file (a metadata change the filesystem journals).
    """
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


_UMASK = _read_umask()


def _file_mode(info: tarfile.TarInfo) -> int:
    """The archived permission bits, always readable and writable by the owner."""
    return (info.mode & 0o777) | 0o600


# (start, end_exclusive or None) -> a stream of the archive's bytes in that range.
RangeOpener = Callable[[int, "int | None"], BinaryIO]


@dataclass(frozen=True)
class CheckpointUpdate:
    """A checkpoint as what changed since the one before: the position state whole, and
    the entries added to the two lists that grow with the archive (finished files,
    paths seen), each with the position the additions start at.

    Why: the lists hold every member so far. Handed over whole, each checkpoint
    (one per 16 MiB or second) encoded and wrote every finished file again, a
    cost that grew with the square of the file count (3 MB of JSON, 40 ms with
    the GIL held, per checkpoint at 20,000 files). Whoever keeps checkpoints
    appends the additions (``Journal.save_download`` keeps them as rows);
    ``applied_to`` gives the whole state back, which ``StreamingExtractor``
    resumes from.
    """

    state: dict[str, Any]
    done_from: int
    done: list[dict[str, Any]]
    seen_from: int
    seen: list[str]

    def applied_to(self, previous: dict[str, Any] | None) -> dict[str, Any]:
        """The whole state after this update, given the whole state before it: what
        ``StreamingExtractor(checkpoint=...)`` resumes from."""
        done = previous["done"][: self.done_from] if previous else []
        seen = previous["seen"][: self.seen_from] if previous else []
        return {**self.state, "done": done + self.done, "seen": seen + self.seen}


@dataclass
class _Member:
    path: str
    header_offset: int
    data_offset: int
    size: int
    written: int = 0


def _padded(size: int) -> int:
    return (size + BLOCK - 1) // BLOCK * BLOCK


class _ZeroFill:
    """Stands in for member bytes already on disk, so the tar parser stays in step."""

    def __init__(self, length: int) -> None:
        self.remaining = length

    def read(self, size: int) -> bytes:
        n = min(size, self.remaining)
        self.remaining -= n
        return bytes(n)


class _Concat:
    """Read several streams one after the other, as one stream."""

    def __init__(self, *parts: Any) -> None:
        self.parts = list(parts)

    def read(self, size: int = -1) -> bytes:
        while self.parts:
            data = self.parts[0].read(size if size >= 0 else CHUNK)
            if data:
                return data
            self.parts.pop(0)
        return b""


class StreamingExtractor:
    """Extracts one archive into ``staging``; can be run again to resume.

    Args:
        staging: an empty folder on the store's filesystem.
        checksums: what the record keeps of the files, or None (then files end
            "unverified", and only their total size is checked).
        announced_size: the manifest's ``size_bytes``; no more file data than
            this is accepted, and without checksums the files must add up to it.
            0 or None means "not stated".
    """

    def __init__(
        self,
        staging: Path,
        *,
        checksums: Checksums | None,
        progress: TransferProgress | None = None,
        cancel: threading.Event | None = None,
        announced_size: int | None = None,
        checkpoint: dict[str, Any] | None = None,
        on_checkpoint: Callable[[CheckpointUpdate], None] | None = None,
        checkpoint_every: int = 16 * CHUNK,
        checkpoint_interval: float = CHECKPOINT_INTERVAL,
        checkpoint_share: float = CHECKPOINT_SHARE,
    ) -> None:
        self.staging = staging
        self.on_checkpoint = on_checkpoint
        self.checkpoint_every = checkpoint_every
        self.checkpoint_interval = checkpoint_interval
        self.checkpoint_share = checkpoint_share
        self._since_checkpoint = 0
        self._last_checkpoint = time.monotonic()
        self._checkpoint_cost = 0.0  # seconds the last checkpoint took to write
        # How many entries of ``done`` and ``seen`` the checkpoints handed over hold.
        # A resumed run starts at 0: its first checkpoint hands over what it restored,
        # so a keeper of checkpoints never depends on an earlier run's format.
        self._handed_done = 0
        self._handed_seen = 0
        self.expectations = Expectations(checksums, announced_size, progress)
        self.progress = progress
        self.cancel = cancel
        self.done: dict[str, FileEntry] = {}
        # The stat of each file this run wrote, taken last thing: the pull's hash cache
        # records it without stat'ing every file again. Not kept across a resume.
        self.stats: dict[str, os.stat_result] = {}
        self._done_bytes = 0  # the sizes in ``done``, kept as files land: read per member
        self.seen: dict[str, None] = {}  # a set that keeps its order: checkpoints append
        self._real_root = os.path.realpath(staging)
        self._staging_str = str(staging)
        self._plain_dirs: set[str] = set()
        self.next_offset = 0
        self.current: _Member | None = None
        self.finished = False
        self.resumable = True
        if checkpoint:
            self._restore(checkpoint)

    # ---- checkpoints ---------------------------------------------------------------

    def save_checkpoint(self) -> None:
        """Hand ``on_checkpoint`` what changed since the last checkpoint it got (JSON-able;
        ``CheckpointUpdate.applied_to`` makes the whole state a new run resumes from)."""
        if self.on_checkpoint is None:
            return
        update = CheckpointUpdate(
            {
                "next_offset": self.next_offset,
                "current": asdict(self.current) if self.current else None,
            },
            self._handed_done,
            [e.to_json() for e in itertools.islice(self.done.values(), self._handed_done, None)],
            self._handed_seen,
            list(itertools.islice(self.seen, self._handed_seen, None)),
        )
        self.on_checkpoint(update)
        self._handed_done = len(self.done)
        self._handed_seen = len(self.seen)

    def _restore(self, state: dict[str, Any]) -> None:
        self.next_offset = int(state["next_offset"])
        self.current = _Member(**state["current"]) if state.get("current") else None
        self.done = {d["path"]: FileEntry(d["path"], d["size"], d["sha256"]) for d in state["done"]}
        self._done_bytes = sum(entry.size for entry in self.done.values())
        self.seen = dict.fromkeys(state.get("seen", []))
        for entry in self.done.values():
            self._report(entry.path, 0, entry.size, moved=False)
            self._report(entry.path, entry.size, entry.size, moved=False)
            self.expectations.verify(entry)  # checked once already: this shows its state again

    @property
    def bytes_on_disk(self) -> int:
        partial = self.current.written if self.current else 0
        return self._done_bytes + partial

    # ---- the run -------------------------------------------------------------------

    def run(self, open_range: RangeOpener) -> list[FileEntry]:
        """Read the archive (from where the last run stopped) to its end."""
        member = self.current
        if member is not None and member.written > 0:
            on_disk = self.staging / member.path
            intact = on_disk.is_file() and on_disk.stat().st_size >= member.written
            if not (self.resumable and intact):
                member.written = 0  # cannot trust the partial file: fetch the member again
        if member is not None and member.written > 0:
            headers = open_range(member.header_offset, member.data_offset).read()
            if len(headers) != member.data_offset - member.header_offset:
                raise IncompleteArchive("The server sent a short header range while resuming.")
            rest = open_range(member.data_offset + member.written, None)
            stream: Any = _Concat(_Once(headers), _ZeroFill(member.written), rest)
            base = member.header_offset
        else:
            base = member.header_offset if member is not None else self.next_offset
            if member is not None:
                member.written = 0
            stream = open_range(base, None)
        try:
            if base == 0:
                stream, compressed = uncompressed(stream)
                if compressed:
                    self.resumable = False  # its offsets do not map to members
            tar = TarStream(stream, CHUNK)
            for info in tar:
                self._check_cancel()
                self._extract_member(tar, info, base)
        except TruncatedArchive as exc:
            raise IncompleteArchive(f"The archive is cut short: {exc}") from exc
        except TarFormatError as exc:
            raise IncompleteArchive(f"The archive is damaged or cut short: {exc}") from exc
        self.current = None
        self.expectations.complete(self.done, self._done_bytes, self._linked_file_bytes)
        self.finished = True
        return sorted_entries(self.done.values())

    def _extract_member(self, tar: TarStream, info: tarfile.TarInfo, base: int) -> None:
        header_offset = base + info.offset
        data_offset = base + info.offset_data
        path = safe_member_path(info)
        if path in ("", "."):
            self.next_offset = data_offset
            return
        resuming = (
            self.current is not None
            and self.current.header_offset == header_offset
            and self.current.path == path
        )
        if path in self.seen and not resuming:
            raise UnsafeArchive(f"The archive holds {path!r} twice.")
        self.seen[path] = None
        target = os.path.join(self._staging_str, *path.split("/"))  # no Path: 20,000 of them
        self._prepare_parent(path)
        if info.isdir():
            try:
                os.mkdir(target)
            except FileExistsError:
                if not os.path.isdir(target):
                    raise
            os.chmod(target, (info.mode & 0o777) | 0o700)
        elif info.issym():
            self._make_symlink(info, path, target)
        elif info.isreg():
            self._write_file(tar, info, path, target, header_offset, data_offset, resuming)
            return
        elif info.islnk():
            self._copy_hardlink(info, path, target)
        else:
            raise UnsafeArchive(
                f"The archive holds a special file {path!r}; models hold plain files."
            )
        self.next_offset = data_offset
        self._member_done()

    def _write_file(
        self,
        tar: TarStream,
        info: tarfile.TarInfo,
        path: str,
        target: str,
        header_offset: int,
        data_offset: int,
        resuming: bool,
    ) -> None:
        self.expectations.announce(path, info.size, self._done_bytes)
        self._report(path, 0, info.size)
        member = self.current if resuming and self.current else None
        already = member.written if member is not None else 0
        self.current = _Member(path, header_offset, data_offset, info.size, already)
        digest = hashlib.sha256()
        if already:
            with open(target, "r+b") as handle:
                handle.truncate(already)
                _hash_prefix(handle, already, digest)
            self._report(path, already, info.size, moved=False)
        flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
        if not already:
            flags |= os.O_TRUNC
        mode = _file_mode(info)
        fd = os.open(target, flags, mode)
        created_with_mode = not already and _UMASK is not None and mode & ~_UMASK == mode
        try:
            behind = DropBehind.for_file(fd, already) if info.size > SMALL_FILE else None
            if already:
                os.lseek(fd, already, os.SEEK_SET)
                _discard(tar, already)
            for piece in tar.data(CHUNK):
                self._check_cancel()
                _write_all(fd, piece)
                digest.update(piece)
                self.current.written += len(piece)
                if behind is not None:
                    behind.passed(self.current.written)
                self._report(path, self.current.written, info.size)
                self._since_checkpoint += len(piece)
                due = self._since_checkpoint >= self.checkpoint_every
                if self.on_checkpoint is not None and due:
                    self._save_checkpoint()  # unbuffered writes: the file holds what it claims
            if self.current.written != info.size:
                raise IncompleteArchive(f"{path} ended after {self.current.written} bytes.")
            entry = FileEntry(path, info.size, digest.hexdigest())
            self._file_done(info, path, fd, entry, mode_set=created_with_mode)
        finally:
            os.close(fd)
        self.current = None
        self.next_offset = data_offset + _padded(info.size)
        self._member_done()

    def _file_done(
        self,
        info: tarfile.TarInfo,
        path: str,
        target: int | str,
        entry: FileEntry,
        *,
        mode_set: bool = False,
    ) -> None:
        """Mode and mtime as archived; on the open descriptor where the platform allows it.

        ``mode_set``: the file was created with its mode already (the umask kept it whole).
        """
        mode = _file_mode(info)
        if isinstance(target, int):
            if not mode_set:
                os.chmod(target if _CHMOD_FD else self.staging / path, mode)
            os.utime(target if _UTIME_FD else self.staging / path, (info.mtime, info.mtime))
            self.stats[path] = os.fstat(target)
        else:
            os.chmod(target, mode)
            os.utime(target, (info.mtime, info.mtime))
            self.stats[path] = os.stat(target)
        self.expectations.verify(entry)
        self.done[path] = entry
        self._done_bytes += entry.size

    def _copy_hardlink(self, info: tarfile.TarInfo, path: str, target: str) -> None:
        """A hard link becomes a copy of the earlier file it names, hashed as it is copied."""
        source_path = hardlink_target(info)
        if source_path not in self.done:
            raise UnsafeArchive(
                f"The hard link {path!r} points to {source_path!r}, which is not a file "
                "stored earlier in the archive."
            )
        source = self.staging / source_path
        self._check_parent(source)
        size = self.done[source_path].size
        self.expectations.announce(path, size, self._done_bytes)
        self._report(path, 0, size)
        digest = hashlib.sha256()
        copied = 0
        nofollow = getattr(os, "O_NOFOLLOW", 0)
        with (
            open(os.open(source, os.O_RDONLY | nofollow), "rb") as src,
            open(
                os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | nofollow, 0o600), "wb"
            ) as out,
        ):
            if not stat.S_ISREG(os.fstat(src.fileno()).st_mode):
                raise UnsafeArchive(f"The hard link {path!r} does not point to a regular file.")
            while chunk := src.read(CHUNK):
                self._check_cancel()
                out.write(chunk)
                digest.update(chunk)
                copied += len(chunk)
                self._report(path, copied, size)
        if copied != size:
            raise IncompleteArchive(f"{source_path} changed while {path} was copied from it.")
        self._file_done(info, path, target, FileEntry(path, size, digest.hexdigest()))

    def _member_done(self) -> None:
        """A member is wholly on disk: checkpoint if enough bytes or time went by.

        Not after every member: even an update of a few entries is a database
        transaction, which costs more than a small file's extraction. A run killed
        between two checkpoints redoes at most ``checkpoint_every`` bytes or
        ``checkpoint_interval`` seconds of members (or ``checkpoint_share`` times
        what the last checkpoint took to write, if that is longer), which it
        overwrites.
        """
        if self.on_checkpoint is None:
            return
        elapsed = time.monotonic() - self._last_checkpoint
        # A checkpoint can take a while to write (a slow or busy disk): never spend more
        # than a twentieth of the time on them, whatever the interval says.
        interval = max(self.checkpoint_interval, self.checkpoint_share * self._checkpoint_cost)
        if self._since_checkpoint >= self.checkpoint_every or elapsed >= interval:
            self._save_checkpoint()

    def _save_checkpoint(self) -> None:
        started = time.monotonic()
        self._since_checkpoint = 0
        self.save_checkpoint()
        self._last_checkpoint = time.monotonic()
        self._checkpoint_cost = self._last_checkpoint - started

    # ---- checks --------------------------------------------------------------------

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled("Pull cancelled.")

    def _check_parent(self, target: Path) -> str:
        """Never write through a symlinked folder that an earlier member planted.

        Returns the parent's real path.
        """
        parent = os.path.realpath(target.parent)
        if parent != self._real_root and not parent.startswith(self._real_root + os.sep):
            raise UnsafeArchive(f"{target.relative_to(self.staging)} would land outside the model.")
        return parent

    def _prepare_parent(self, path: str) -> None:
        """The folder of member ``path`` exists and is safe to write into.

        Resolving every member's parent costs an ``lstat`` per path component,
        which for 20,000 files was a quarter of the pull. A folder found to be a
        plain folder inside the model (no symlink on the way) is remembered;
        only a symlink member can change that, and making one forgets them all.
        """
        parent = posixpath.dirname(path)
        if parent in self._plain_dirs:
            return
        folder = self.staging / parent
        real = self._check_parent(folder / "_")
        folder.mkdir(parents=True, exist_ok=True)
        expected = os.path.join(self._real_root, *parent.split("/")) if parent else self._real_root
        if real == expected and folder.is_dir():
            self._plain_dirs.add(parent)

    def _make_symlink(self, info: tarfile.TarInfo, path: str, target: str) -> None:
        link_dir = os.path.dirname(os.path.join(self.staging, path))
        resolved = os.path.normpath(os.path.join(link_dir, info.linkname))
        root = os.path.normpath(self.staging)
        if os.path.isabs(info.linkname) or not resolved.startswith(root + os.sep):
            raise UnsafeArchive(f"The symlink {path!r} points outside the model ({info.linkname}).")
        if os.path.lexists(target):
            os.unlink(target)
        self._plain_dirs.clear()
        os.symlink(info.linkname, target)

    def _linked_file_bytes(self) -> int:
        """The bytes of the regular files the extracted symlinks point at (``adds_up``)."""
        total = 0
        for path in self.seen:
            link = self.staging / path
            if link.is_symlink():
                with contextlib.suppress(OSError):
                    st = link.stat()
                    if stat.S_ISREG(st.st_mode):
                        total += st.st_size
        return total

    def _report(self, path: str, done: int, size: int, *, moved: bool = True) -> None:
        if self.progress is None:
            return
        if done == 0:  # a file starts: every file starts at 0, so there is nothing to set
            if not self.expectations.listed:
                self.progress.add_file(path, size)  # found on the way: no list named it
            return
        self.progress.set_done(path, done, moved=moved)


class _Once:
    """A bytes object as a stream."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size >= len(self.data):
            data, self.data = self.data, b""
            return data
        data, self.data = self.data[:size], self.data[size:]
        return data


def _hash_prefix(handle: BinaryIO, length: int, digest: Any) -> None:
    handle.seek(0)
    remaining = length
    while remaining:
        chunk = handle.read(min(CHUNK, remaining))
        if not chunk:
            raise IncompleteArchive("A partly downloaded file is shorter than the journal says.")
        digest.update(chunk)
        remaining -= len(chunk)


def _discard(tar: TarStream, length: int) -> None:
    """Pass over the first ``length`` bytes of the current member (already on disk)."""
    for piece in tar.data(CHUNK):
        length -= len(piece)
        if length <= 0:
            if length < 0:
                raise IncompleteArchive("The archive does not match the partial file on disk.")
            return
    raise IncompleteArchive("The archive ended while resuming.")


def _write_all(fd: int, data: memoryview) -> None:
    while data:
        written = os.write(fd, data)
        data = data[written:]
