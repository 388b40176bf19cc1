"""Multipart uploads, S3-style: an upload id, parts PUT to presigned URLs, one ETag each.

A part's ETag is a random token minted when the part is stored, so every
stored version of a part has its own: completion checks the client's part list
against the ETags recorded here (a part re-sent after a retry must be the one
listed). It is not a hash of the bytes: that would cost the server a second
sha256 pass over every upload, and the archive check already hashes each file
against the client's list. Completion then checks and stages the archive in a
background job, since the official client allows 60 s for the completion call,
too little for a large model. Usually that job finds the work done:
``pipeline.py`` checks parts as they arrive, and the job takes its verdict only
if it read exactly the listed parts; otherwise it scans the part files itself.
Parts stay on disk until the upload ends or goes stale, so a client with a
journal can resume after a crash, ours or its own. Parts are not fsynced, so a
part outlives a restart only if the machine did not reboot in between (see
``maintenance.recover``); the client sends the others again.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bentosync.core.archive import ArchiveScan
from bentosync.core.errors import UnsafeArchive
from bentosync.registry.blobs import BlobStore, StagedArchive
from bentosync.registry.catalog import ModelRecord, fetch_model, fetch_model_locked, update_model
from bentosync.registry.db import Connection, Database, to_db, utcnow
from bentosync.registry.errors import BadRequest, Conflict, NotFound, UploadNotFound
from bentosync.registry.pipeline import Assembled
from bentosync.registry.pipeline_pool import Pipelines
from bentosync.registry.uploads import Uploads, abort_multipart, replica_id
from bentosync.registry.verify import scan_staged

logger = logging.getLogger(__name__)

MAX_PARTS = 10000


@dataclass(frozen=True)
class PartRef:
    part_number: int
    etag: str


def new_etag() -> str:
    return f'"{secrets.token_hex(16)}"'


@functools.cache  # one boot per process lifetime: read it once, not per stored part
def this_boot() -> str:
    """An id of the running OS boot, or "" where the OS gives none.

    Unsynced part files are as good as the page cache they sit in: intact
    across a crash of the server, not across one of the machine.
    """
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def normalize_etag(etag: str) -> str:
    """``"abc"``, ``abc`` and ``W/"abc"`` all name the same part."""
    value = etag.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


def open_upload(conn: Connection, model: ModelRecord, upload_id: str | None = None) -> str:
    """Inside the caller's transaction: a new multipart upload of ``model``, named on its record.

    The caller holds the model's row lock (``db.lock_model``). ``upload_id``: the
    object store's own id (``--storage``); else one is made here.
    """
    upload_id = upload_id or secrets.token_hex(16)
    conn.execute(
        "INSERT INTO multipart_uploads (upload_id, model_id, upload_seq, created_at, "
        "touched_at) VALUES (?, ?, ?, ?, ?)",
        (upload_id, model.id, model.upload_seq, to_db(utcnow()), time.time()),
    )
    update_model(conn, model.id, upload_id=upload_id)
    return upload_id


def place_part(
    conn: Connection,
    blobs: BlobStore,
    upload_id: str,
    part_number: int,
    tmp: Path,
    etag: str,
    size: int,
) -> bool:
    """Inside the caller's transaction: move a received part into place and record it.

    False, with nothing changed, when the upload ended while the part arrived.
    No fsync: completion fsyncs the listed parts once, as the archive, and a
    part replaced or abandoned before then never costs a disk write. The boot
    id lets start-up tell which unsynced parts can be trusted.

    The upload's row stays locked until the caller commits (PostgreSQL; SQLite's
    transaction holds everything): parts of one upload are placed one at a time,
    in every replica, and an upload that ends meanwhile waits for this one part.
    """
    exists = conn.execute(
        f"SELECT 1 FROM multipart_uploads WHERE upload_id = ?{conn.dialect.for_update}",
        (upload_id,),
    ).fetchone()
    if exists is None:
        return False
    target = blobs.part_path(upload_id, part_number)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, target)
    conn.execute(
        "INSERT INTO parts (upload_id, part_number, etag, size, boot, owner) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (upload_id, part_number) DO UPDATE SET "
        "etag = excluded.etag, size = excluded.size, boot = excluded.boot, owner = excluded.owner",
        (upload_id, part_number, etag, size, this_boot(), replica_id(blobs.root)),
    )
    conn.execute(
        "UPDATE multipart_uploads SET touched_at = ? WHERE upload_id = ?",
        (time.time(), upload_id),
    )
    return True


class Multipart:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        uploads: Uploads,
        pipelines: Pipelines | None = None,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.uploads = uploads
        self.pipelines = pipelines
        # The newest attempt at each part that has begun arriving. A client that
        # gave up on a slow PUT and sent the part again holds the ETag of the
        # retry, so an older attempt that lands later must not replace it.
        self._attempts = itertools.count(1)
        self._newest: dict[tuple[str, int], int] = {}
        self._newest_lock = threading.Lock()

    def close(self) -> None:
        if self.pipelines is not None:
            self.pipelines.close()

    def start(self, model: ModelRecord) -> ModelRecord:
        """A new upload id for the model; any earlier multipart upload of it is dropped."""
        self.uploads.require_uploading(model)
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model.id)
            if current is None:
                raise NotFound(f'model "{model.tag}"')
            if current.upload_seq != model.upload_seq:
                raise Conflict(f"Another upload of {model.tag} started meanwhile.")
            self.uploads.require_uploading(current)
            stale = abort_multipart(conn, model.id)
            open_upload(conn, current)
            fresh = fetch_model(conn, model.id)
        for old in stale:
            self.blobs.remove_parts(old, later=True)
        assert fresh is not None
        return fresh

    def check(self, model: ModelRecord, upload_id: str, part_number: int | None = None) -> None:
        """Refuse unknown or finished upload ids and impossible part numbers."""
        row = self.db.query_one(
            "SELECT model_id, upload_seq FROM multipart_uploads WHERE upload_id = ?",
            (upload_id,),
        )
        if row is None or row["model_id"] != model.id:
            raise UploadNotFound(
                f"Unknown upload_id {upload_id!r} for {model.tag}: it was completed, aborted "
                "or never started; call start_multipart_upload."
            )
        if row["upload_seq"] != model.upload_seq:
            raise Conflict(f"Upload {upload_id!r} was replaced by a newer upload of {model.tag}.")
        self.uploads.require_uploading(model)
        if part_number is not None and not 1 <= part_number <= MAX_PARTS:
            raise BadRequest(f"part_number must be between 1 and {MAX_PARTS}, not {part_number}.")

    def begin_part(self, upload_id: str, part_number: int) -> int:
        """Note a part's body starting to arrive; returns the attempt to store it with."""
        with self._newest_lock:
            attempt = next(self._attempts)
            self._newest[(upload_id, part_number)] = attempt
        return attempt

    def store_part(self, upload_id: str, part_number: int, tmp: Path, attempt: int) -> str:
        """Move a received part into place and record its ETag; returns the ETag."""
        with self._newest_lock:
            superseded = self._newest.get((upload_id, part_number), 0) > attempt
        if superseded:
            self.blobs.discard(tmp)
            raise Conflict(f"Part {part_number} was sent again while this copy was arriving.")
        etag = new_etag()
        size = tmp.stat().st_size
        with self.db.transaction() as conn:
            if not place_part(conn, self.blobs, upload_id, part_number, tmp, etag, size):
                self.blobs.discard(tmp)
                raise Conflict(f"Upload {upload_id!r} ended while this part was arriving.")
            # Still under the database lock (the upload's row, on PostgreSQL): the
            # pipeline hears of parts in the order their files were replaced
            # (pipeline.py relies on it).
            self._tell_pipeline(conn, upload_id, part_number, etag, size)
        return etag

    def _tell_pipeline(
        self, conn: Connection, upload_id: str, part_number: int, etag: str, size: int
    ) -> None:
        if self.pipelines is None:
            return

        def known() -> list[tuple[int, str, int]]:
            rows = conn.execute(
                "SELECT part_number, etag, size FROM parts WHERE upload_id = ?", (upload_id,)
            ).fetchall()
            return [(row[0], normalize_etag(row[1]), row[2]) for row in rows]

        try:
            self.pipelines.part_stored(upload_id, part_number, normalize_etag(etag), size, known)
        except Exception:  # an optimisation must never fail a part upload
            logger.exception("Could not hand part %d of %s to its pipeline", part_number, upload_id)

    def complete(self, model: ModelRecord, upload_id: str, parts: list[PartRef]) -> ModelRecord:
        """Check the part list, then assemble and check the archive in the background."""
        self.check(model, upload_id)
        if not parts:
            raise BadRequest("parts is empty: list every uploaded part with its ETag.")
        numbers = [part.part_number for part in parts]
        if numbers != sorted(set(numbers)):
            raise BadRequest("parts must be in ascending part_number order, each number once.")
        stored = {
            row["part_number"]: row["etag"]
            for row in self.db.query(
                "SELECT part_number, etag FROM parts WHERE upload_id = ?", (upload_id,)
            )
        }
        for part in parts:
            have = stored.get(part.part_number)
            if have is None:
                raise BadRequest(
                    f"Part {part.part_number} of upload {upload_id!r} was not uploaded."
                )
            if normalize_etag(have) != normalize_etag(part.etag):
                raise BadRequest(
                    f"Part {part.part_number}: ETag {part.etag} does not match the stored "
                    f"part ({have}); upload it again."
                )
        listed = [(part.part_number, normalize_etag(part.etag)) for part in parts]
        self.uploads.submit_job(model, lambda: self._assemble(model, upload_id, listed))
        return model

    def _assemble(self, model: ModelRecord, upload_id: str, listed: list[tuple[int, str]]) -> None:
        """Check the listed parts as one archive and keep them, as they are, as the model's.

        The parts are hard-linked, never copied. The pipeline's verdict counts
        only if it read those very files (same inodes); otherwise they are
        scanned here.
        """
        ready: Assembled | None = None
        if self.pipelines is not None:
            ready = self.pipelines.finish(upload_id, listed)
        staged: StagedArchive | None = None
        try:
            staged = self.blobs.stage_parts(upload_id, [number for number, _ in listed])
            scan: ArchiveScan | UnsafeArchive
            if ready is not None and [part.inode for part in ready.parts] == staged.inodes():
                scan = ready.scan
                logger.info("Archive of %s was checked while its parts arrived", model.tag)
            else:
                logger.info("Checking the archive of %s from its parts", model.tag)
                scan = scan_staged(staged)
            self.uploads.accept(model, model.upload_seq, staged, scan, finalize=False)
        except OSError as exc:
            reason = f"The server could not store the archive: {exc.strerror or exc}."
            self.uploads.fail(model.id, model.upload_seq, reason)
        finally:
            self.blobs.discard(staged)  # already renamed away when the archive was good
            with self._newest_lock:  # the upload is over: late attempts find it gone
                for key in [key for key in self._newest if key[0] == upload_id]:
                    del self._newest[key]
