"""A persistent sha256 cache, so the second look at an unchanged 10 GB model costs a stat.

An entry is keyed by the file's absolute path and is only trusted while the
file's size, mtime_ns, ctime_ns, inode and device all still match. ctime is
in the key on purpose: tools such as ``cp -p`` or ``rsync -t`` can rewrite a
file and put its old mtime back, but nothing in user space can set ctime, so a
rewrite always shows. (A chmod also bumps ctime and costs one re-hash; that is
the cheap side of the trade.)

The cache is an optimisation and never a reason to fail: a corrupt, locked or
unwritable database is logged, recreated or replaced by an in-memory one, and
a lookup that fails is simply a miss.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import Protocol

from bentosync.core import appdirs

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# Paths per lookup query: well under SQLite's limit of bound parameters (999 before 3.32).
LOOKUP_BATCH = 500
_CREATE = """
CREATE TABLE IF NOT EXISTS hashes (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    inode TEXT NOT NULL,
    device TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    hashed_at REAL NOT NULL
)
"""
# inode and device are TEXT: 64-bit unsigned inode numbers (btrfs, NFS, FUSE) overflow
# SQLite's signed INTEGER.


class FileIdentity(Protocol):
    """What the cache needs to know about a file (``manifest.LocalFile`` has it)."""

    @property
    def abspath(self) -> Path | str: ...
    @property
    def size(self) -> int: ...
    @property
    def mtime_ns(self) -> int: ...
    @property
    def ctime_ns(self) -> int: ...
    @property
    def inode(self) -> int: ...
    @property
    def device(self) -> int: ...


def default_cache_path() -> Path:
    return appdirs.cache_dir() / "hashes.sqlite"


class HashCache:
    """Thread-safe sha256 cache in SQLite (WAL, so a GUI and a CLI can share it)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.hits = 0
        self.misses = 0
        self.in_memory = False
        self._lock = threading.Lock()
        self._closed = False
        self._conn = self._open()

    def __repr__(self) -> str:
        return f"HashCache({str(self.path)!r}, hits={self.hits}, misses={self.misses})"

    def __enter__(self) -> HashCache:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- public --------------------------------------------------------------------

    def get(self, file: FileIdentity) -> str | None:
        """The cached sha256 if the file is provably unchanged since it was hashed."""
        with self._lock:
            row = self._fetch(str(file.abspath))
            expected = (file.size, file.mtime_ns, file.ctime_ns, str(file.inode), str(file.device))
            if row is not None and row[:5] == expected:
                self.hits += 1
                return str(row[5])
            self.misses += 1
            return None

    def get_many(self, files: Iterable[FileIdentity]) -> dict[str, str]:
        """Cached sha256s by absolute path, for the files provably unchanged; one query per
        ``LOOKUP_BATCH`` files instead of one per file."""
        found: dict[str, str] = {}
        pending = list(files)
        for start in range(0, len(pending), LOOKUP_BATCH):
            batch = {str(f.abspath): f for f in pending[start : start + LOOKUP_BATCH]}
            with self._lock:
                rows = self._fetch_many(list(batch))
                for key, file in batch.items():
                    row = rows.get(key)
                    expected = (
                        file.size,
                        file.mtime_ns,
                        file.ctime_ns,
                        str(file.inode),
                        str(file.device),
                    )
                    if row is not None and row[:5] == expected:
                        found[key] = str(row[5])
                        self.hits += 1
                    else:
                        self.misses += 1
        return found

    def put_many(self, entries: Iterable[tuple[FileIdentity, str]]) -> None:
        """Remember many hashes in one transaction: a commit per file costs more than the
        hashing of a small file."""
        now = time.time()
        rows = [_row(file, sha256, now) for file, sha256 in entries]
        if not rows:
            return
        with self._lock:
            if self._closed:
                return
            try:
                with self._conn:  # one transaction; rolled back if it fails
                    self._conn.execute("BEGIN")
                    self._conn.executemany(_INSERT, rows)
            except sqlite3.Error as exc:
                self._recover(exc)

    def put(self, file: FileIdentity, sha256: str) -> None:
        """Remember a hash for the file as described (call it with the pre-hash identity)."""
        with self._lock:
            self._write(_INSERT, _row(file, sha256, time.time()))

    def put_path(self, path: Path | str, sha256: str) -> None:
        """Remember a hash computed elsewhere (e.g. while pull wrote the file), stat'ing it now."""
        self.put(file_identity(os.path.realpath(path)), sha256)

    def forget(self, path: Path | str) -> None:
        with self._lock:
            self._write("DELETE FROM hashes WHERE path = ?", (os.path.realpath(path),))

    def __len__(self) -> int:
        with self._lock:
            if self._closed:
                return 0
            try:
                return int(self._conn.execute("SELECT count(*) FROM hashes").fetchone()[0])
            except sqlite3.Error as exc:
                self._recover(exc)
                return 0

    def close(self) -> None:
        """Close the file. Later calls miss and forget, so a hashing thread that
        outlives its owner cannot mistake the closed file for a broken one."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._closed = True
            self._conn.close()

    # ---- internals -----------------------------------------------------------------

    def _fetch(self, key: str) -> tuple[object, ...] | None:
        if self._closed:
            return None
        try:
            row = self._conn.execute(
                "SELECT size, mtime_ns, ctime_ns, inode, device, sha256 FROM hashes WHERE path = ?",
                (key,),
            ).fetchone()
        except sqlite3.Error as exc:
            self._recover(exc)
            return None
        return tuple(row) if row else None

    def _fetch_many(self, keys: list[str]) -> dict[str, tuple[object, ...]]:
        if self._closed or not keys:
            return {}
        marks = ",".join("?" * len(keys))
        try:
            rows = self._conn.execute(
                "SELECT path, size, mtime_ns, ctime_ns, inode, device, sha256 FROM hashes "
                f"WHERE path IN ({marks})",
                keys,
            ).fetchall()
        except sqlite3.Error as exc:
            self._recover(exc)
            return {}
        return {str(row[0]): tuple(row[1:]) for row in rows}

    def _write(self, sql: str, values: tuple[object, ...]) -> None:
        if self._closed:
            return
        try:
            self._conn.execute(sql, values)
        except sqlite3.Error as exc:
            self._recover(exc)

    def _recover(self, exc: sqlite3.Error) -> None:
        """Called with the lock held: a cache that broke mid-session starts over."""
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            logger.info("Hash cache %s is busy; treating this lookup as a miss.", self.path)
            return
        logger.warning("Hash cache %s failed (%s); starting a new one.", self.path, exc)
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._conn = self._open(fresh=True)

    def _open(self, fresh: bool = False) -> sqlite3.Connection:
        if not fresh:
            try:
                return self._connect(self.path)
            except (sqlite3.Error, OSError) as exc:
                logger.warning("Hash cache %s is unusable (%s); recreating it.", self.path, exc)
        try:
            self._remove_files()
            return self._connect(self.path)
        except (sqlite3.Error, OSError) as exc:
            logger.warning(
                "Cannot create the hash cache %s (%s); hashes are kept for this session only.",
                self.path,
                exc,
            )
        self.in_memory = True
        return self._connect(None)

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    @staticmethod
    def _connect(path: Path | None) -> sqlite3.Connection:
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: each put is its own short transaction; WAL with synchronous=NORMAL
        # makes that cheap, and a crash loses at most a few cache entries, never the file.
        conn = sqlite3.connect(
            ":memory:" if path is None else str(path),
            timeout=2.0,
            isolation_level=None,
            check_same_thread=False,  # our lock serialises every use
        )
        try:
            if path is not None:
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            check = conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise sqlite3.DatabaseError(f"quick_check: {check[0] if check else '?'}")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA_VERSION):
                conn.execute("DROP TABLE IF EXISTS hashes")
            conn.execute(_CREATE)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.close()
            raise
        return conn


_INSERT = "INSERT OR REPLACE INTO hashes VALUES (?, ?, ?, ?, ?, ?, ?, ?)"


def _row(file: FileIdentity, sha256: str, hashed_at: float) -> tuple[object, ...]:
    """One ``hashes`` row; inode and device as text (see ``_CREATE``)."""
    return (
        str(file.abspath),
        file.size,
        file.mtime_ns,
        file.ctime_ns,
        str(file.inode),
        str(file.device),
        sha256,
        hashed_at,
    )


def file_identity(path: Path | str, st: os.stat_result | None = None) -> FileIdentity:
    """The identity of the file at ``path`` (a real path: no symlink on the way), from
    ``st`` if the caller stat'ed it already (e.g. on the descriptor it wrote with)."""
    return _Identity(path, st if st is not None else os.stat(path))


class _Identity:
    """A ``FileIdentity`` made from a stat."""

    def __init__(self, path: Path | str, st: os.stat_result) -> None:
        self.abspath = path
        self.size = st.st_size
        self.mtime_ns = st.st_mtime_ns
        self.ctime_ns = st.st_ctime_ns
        self.inode = st.st_ino
        self.device = st.st_dev
