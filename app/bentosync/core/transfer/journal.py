"""What an interrupted transfer needs to go on from where it stopped.

A crash, a closed lid or a dropped network must not send 10 GB again. The
journal keeps, per endpoint and model version: the multipart upload id with the
parts already accepted (and their ETags), and for pulls the staging folder and
how far into the archive it got. SQLite in WAL mode, so a SIGKILL between two
writes leaves the last committed state, never a torn one.

A pull's checkpoint has lists that grow with the archive (every finished file).
They are rows of their own, appended to as files finish, so that a checkpoint
writes only what changed since the last one, whatever the file count.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bentosync.core import appdirs

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS uploads (
    endpoint TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    upload_id TEXT NOT NULL, part_size INTEGER NOT NULL, archive_size INTEGER NOT NULL,
    layout_digest TEXT NOT NULL, started REAL NOT NULL,
    PRIMARY KEY (endpoint, name, version)
);
CREATE TABLE IF NOT EXISTS parts (
    endpoint TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, etag TEXT NOT NULL,
    PRIMARY KEY (endpoint, name, version, upload_id, part_number)
);
CREATE TABLE IF NOT EXISTS downloads (
    endpoint TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    staging TEXT NOT NULL, archive_size INTEGER NOT NULL, checkpoint TEXT NOT NULL,
    started REAL NOT NULL,
    PRIMARY KEY (endpoint, name, version)
);
CREATE TABLE IF NOT EXISTS download_items (
    endpoint TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
    list TEXT NOT NULL, position INTEGER NOT NULL, item TEXT NOT NULL,
    PRIMARY KEY (endpoint, name, version, list, position)
);
"""


def default_journal_path() -> Path:
    return appdirs.state_dir() / "journal.sqlite"


@dataclass(frozen=True)
class UploadRecord:
    upload_id: str
    part_size: int
    archive_size: int
    layout_digest: str
    etags: dict[int, str]


@dataclass(frozen=True)
class DownloadRecord:
    """``lists``: the items appended to each named list (``save_download(appended=)``),
    in order; a list nothing was appended to is absent."""

    staging: Path
    archive_size: int
    checkpoint: dict[str, object]
    lists: dict[str, list[object]] = field(default_factory=dict)


class Journal:
    """Thread-safe access to the resume journal; one connection per instance."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_journal_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            return db
        except sqlite3.DatabaseError as exc:
            # A damaged journal only costs resumability, so start a new one.
            logger.warning("Resume journal %s is unreadable (%s); starting afresh", self.path, exc)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            return db

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._db:
            yield self._db

    # ---- uploads -------------------------------------------------------------------

    def upload(self, endpoint: str, name: str, version: str) -> UploadRecord | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT upload_id, part_size, archive_size, layout_digest FROM uploads "
                "WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            ).fetchone()
            if row is None:
                return None
            parts = db.execute(
                "SELECT part_number, etag FROM parts WHERE endpoint=? AND name=? AND version=? "
                "AND upload_id=?",
                (endpoint, name, version, row[0]),
            ).fetchall()
        return UploadRecord(row[0], row[1], row[2], row[3], {n: e for n, e in parts})

    def start_upload(
        self,
        endpoint: str,
        name: str,
        version: str,
        *,
        upload_id: str,
        part_size: int,
        archive_size: int,
        layout_digest: str,
    ) -> None:
        with self._tx() as db:
            db.execute(
                "DELETE FROM parts WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            )
            db.execute(
                "INSERT OR REPLACE INTO uploads VALUES (?,?,?,?,?,?,?,?)",
                (
                    endpoint,
                    name,
                    version,
                    upload_id,
                    part_size,
                    archive_size,
                    layout_digest,
                    time.time(),
                ),
            )

    def part_done(
        self, endpoint: str, name: str, version: str, upload_id: str, part: int, etag: str
    ) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO parts VALUES (?,?,?,?,?,?)",
                (endpoint, name, version, upload_id, part, etag),
            )

    def forget_upload(self, endpoint: str, name: str, version: str) -> None:
        with self._tx() as db:
            db.execute(
                "DELETE FROM parts WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            )
            db.execute(
                "DELETE FROM uploads WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            )

    # ---- downloads -----------------------------------------------------------------

    def download(self, endpoint: str, name: str, version: str) -> DownloadRecord | None:
        with self._tx() as db:
            row = db.execute(
                "SELECT staging, archive_size, checkpoint FROM downloads "
                "WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            ).fetchone()
            if row is None:
                return None
            items = db.execute(
                "SELECT list, item FROM download_items WHERE endpoint=? AND name=? AND version=? "
                "ORDER BY list, position",
                (endpoint, name, version),
            ).fetchall()
        lists: dict[str, list[object]] = {}
        try:
            checkpoint = json.loads(row[2])
            for key, item in items:
                lists.setdefault(key, []).append(json.loads(item))
        except ValueError:
            return None
        return DownloadRecord(Path(row[0]), int(row[1]), checkpoint, lists)

    def save_download(
        self,
        endpoint: str,
        name: str,
        version: str,
        *,
        staging: Path,
        archive_size: int,
        checkpoint: dict[str, object],
        appended: Mapping[str, tuple[int, Sequence[object]]] | None = None,
    ) -> None:
        """Replace the checkpoint, and for each ``appended`` list, ``(start, items)``:
        its items from position ``start`` on are replaced by ``items`` (0 starts it over).
        One transaction: a kill leaves the previous checkpoint or this one whole."""
        key = (endpoint, name, version)
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO downloads VALUES (?,?,?,?,?,?,?)",
                (*key, str(staging), archive_size, json.dumps(checkpoint), time.time()),
            )
            for list_name, (start, items) in (appended or {}).items():
                db.execute(
                    "DELETE FROM download_items WHERE endpoint=? AND name=? AND version=? "
                    "AND list=? AND position>=?",
                    (*key, list_name, start),
                )
                db.executemany(
                    "INSERT INTO download_items VALUES (?,?,?,?,?,?)",
                    (
                        (*key, list_name, start + offset, json.dumps(item))
                        for offset, item in enumerate(items)
                    ),
                )

    def forget_download(self, endpoint: str, name: str, version: str) -> None:
        with self._tx() as db:
            db.execute(
                "DELETE FROM downloads WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            )
            db.execute(
                "DELETE FROM download_items WHERE endpoint=? AND name=? AND version=?",
                (endpoint, name, version),
            )
