"""Bringing disk and database back in line: at start, and every so often while running.

The write order (temp file, fsync, rename, then commit) means a crash can only
leave *extra* files, never a ``success`` record without its archive. Multipart
parts skip the fsync, so only those written since the machine last booted are
kept. Start-up removes the extras and re-checks what records claim: a
successful model whose archive is gone or has the wrong size is marked failed
rather than served short. Uploads that were running simply stay non-success, and the
client can redo them. While running, a reaper drops multipart uploads nobody
touched for ``stale_after`` seconds, since the official client never aborts
one (PROTOCOL.md 10.6).

With several registry processes on one PostgreSQL database, each with its own
data dir, a process starting while the others serve judges only what it
stored itself (``blob_owner``, ``parts.owner``, ``check_owner``: its
uploads.replica_id); rows of earlier releases, which had one process, count
as its own.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import FAILED, SUCCESS, UPLOADING, update_model
from bentosync.registry.db import Database, lock_model, utcnow
from bentosync.registry.multipart import this_boot
from bentosync.registry.storage import ObjectStorage, StorageError

logger = logging.getLogger(__name__)

LOST_ARCHIVE = "The stored archive is missing or damaged; push this version again."
STOPPED_DURING_CHECK = "The server stopped while checking the archive; push this version again."


def recover(
    db: Database, blobs: BlobStore, stale_after: float, replica: str = "", *, remote: bool = False
) -> None:
    """Start-up repair; runs before this process's first request.

    ``replica`` (uploads.replica_id) tells this process's files and archive
    checks from those of other processes on the same database, which may be
    serving right now: only its own are judged (module docstring).

    ``remote``: archives live in object storage, which writes them whole or
    not at all and which other replicas share, so no archive is checked or
    removed here: a record says ``success`` only after its object was stored
    (and checked). What a crash there can leave, multipart uploads, is the
    clean-up job's (``abort_stale_s3_uploads``).
    """
    removed = blobs.sweep_tmp()

    def mine(owner: str | None) -> bool:
        # SQLite: one process, whatever name it had (host renamed, folder moved).
        return not db.shared or owner in (None, "", replica)

    with db.transaction() as conn:
        models = conn.execute(
            "SELECT id, uid, upload_status, blob_ready, blob_size, finish_requested, "
            "blob_owner, check_owner FROM models"
        ).fetchall()
        for row in models:
            if not (mine(row["blob_owner"]) and mine(row["check_owner"])):
                continue  # stored or being checked by another process
            if remote:
                # A check of an object that was running when we stopped is gone with us.
                intact = not row["finish_requested"]
            else:
                size = blobs.blob_size(row["uid"])
                intact = size is not None and size == row["blob_size"]
            if row["upload_status"] == SUCCESS and not intact:
                logger.warning("Model %s lost its archive; marking it failed", row["uid"])
                update_model(
                    conn,
                    row["id"],
                    upload_status=FAILED,
                    upload_finished_reason=LOST_ARCHIVE,
                    upload_finished_at=utcnow(),
                    blob_ready=False,
                )
            elif row["upload_status"] == UPLOADING and row["blob_ready"] and not intact:
                update_model(conn, row["id"], blob_ready=False)
            elif row["upload_status"] == UPLOADING and row["finish_requested"] and not intact:
                update_model(
                    conn,
                    row["id"],
                    upload_status=FAILED,
                    upload_finished_reason=STOPPED_DURING_CHECK,
                    upload_finished_at=utcnow(),
                    finish_requested=False,
                )
        # Checks this process's previous run was doing ended with it.
        conn.execute(
            "UPDATE models SET check_started_at = NULL, check_owner = NULL "
            "WHERE check_owner = ? OR ?",
            (replica, not db.shared),
        )
        known = {row["uid"] for row in models}
        upload_ids = {row[0] for row in conn.execute("SELECT upload_id FROM multipart_uploads")}
        # Parts are not fsynced (see multipart.store_part): a reboot may have
        # torn them, a crash of the server alone cannot.
        boot = this_boot()
        rows = conn.execute(
            "SELECT upload_id, part_number, size, boot, owner FROM parts"
        ).fetchall()
        rows = [row for row in rows if mine(row["owner"])]
        for row in rows:
            path = blobs.part_path(row["upload_id"], row["part_number"])
            if not (boot and row["boot"] == boot and _has_size(path, row["size"])):
                logger.warning("Part %s of upload %s did not survive", row[1], row[0])
                path.unlink(missing_ok=True)
                conn.execute(
                    "DELETE FROM parts WHERE upload_id = ? AND part_number = ?",
                    (row["upload_id"], row["part_number"]),
                )
    orphans = blobs.blob_uids() - known
    for uid in orphans:
        blobs.remove_blob(uid)
    stray = blobs.upload_ids() - upload_ids
    for upload_id in stray:
        blobs.remove_parts(upload_id)
    reaped = 0 if remote else reap_stale_uploads(db, blobs, stale_after)
    logger.info(
        "Recovered: %d temp files, %d orphan archives, %d stray part folders, "
        "%d stale uploads removed",
        removed,
        len(orphans),
        len(stray),
        reaped,
    )


def _has_size(path: Path, size: int) -> bool:
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def reap_stale_uploads(db: Database, blobs: BlobStore, stale_after: float) -> int:
    """Drop multipart uploads untouched for ``stale_after`` seconds, with their parts.

    One transaction per upload, each locking its model's row first, as every
    state change does (``db.lock_model``): with replicas sharing a PostgreSQL
    database, another may be starting an upload of that model right now, and
    taking the rows in the same order is what keeps the two from deadlocking.
    The age is checked again under the lock: a part may have arrived meanwhile.
    """
    cutoff = time.time() - stale_after
    candidates = db.query(
        "SELECT upload_id, model_id FROM multipart_uploads WHERE touched_at < ?", (cutoff,)
    )
    reaped: list[str] = []
    for row in candidates:
        upload_id, model_id = row["upload_id"], row["model_id"]
        with db.transaction() as conn:
            lock_model(conn, model_id)
            gone = conn.execute(
                "DELETE FROM multipart_uploads WHERE upload_id = ? AND touched_at < ?",
                (upload_id, cutoff),
            ).rowcount
            if gone:
                conn.execute(
                    "UPDATE models SET upload_id = NULL WHERE id = ? AND upload_id = ?",
                    (model_id, upload_id),
                )
        if gone:
            reaped.append(upload_id)
    for upload_id in reaped:
        blobs.remove_parts(upload_id)
        logger.info("Removed abandoned multipart upload %s", upload_id)
    return len(reaped)


def abort_stale_s3_uploads(db: Database, storage: ObjectStorage, stale_after: float) -> int:
    """Abort multipart uploads in object storage that nobody used for ``stale_after`` seconds.

    The official client never aborts (PROTOCOL.md 10.6) and S3 keeps, and
    bills, the parts of an open upload until it is aborted. Two sweeps:
    the database's uploads whose row nobody touched since the cutoff (a row's
    ``touched_at`` moves with every part presigned) are aborted and their rows
    dropped; then every upload the store lists under the prefix that began
    before the cutoff and that no live row keeps (another registry's
    leftovers, or one whose row is gone) is aborted too. Safe on every
    replica at once: a second abort of one id is S3's NoSuchUpload, taken as
    done, and the row updates are idempotent. Returns how many this run aborted.
    """
    cutoff = time.time() - stale_after
    aborted = 0
    rows = db.query(
        "SELECT u.upload_id, u.model_id, m.uid FROM multipart_uploads AS u "
        "JOIN models AS m ON m.id = u.model_id WHERE u.touched_at < ?",
        (cutoff,),
    )
    for row in rows:
        done = _abort(storage, storage.key(row["uid"]), row["upload_id"])
        if done is None:
            continue  # the store could not be asked: keep the row, try next time
        aborted += int(done)
        _forget_upload(db, row["upload_id"])
    live = {
        row["upload_id"]
        for row in db.query(
            "SELECT upload_id FROM multipart_uploads WHERE touched_at >= ?", (cutoff,)
        )
    }
    for upload in storage.pending_uploads():
        if upload.initiated.timestamp() >= cutoff or upload.upload_id in live:
            continue
        done = _abort(storage, upload.key, upload.upload_id)
        if done is None:
            continue
        aborted += int(done)
        _forget_upload(db, upload.upload_id)
    return aborted


def _abort(storage: ObjectStorage, key: str, upload_id: str) -> bool | None:
    """True: aborted now; False: already gone (another replica); None: the store failed."""
    try:
        done = storage.abort_key(key, upload_id)
    except StorageError as exc:
        logger.warning("Could not abort a stale multipart upload: %s", exc)
        return None
    if done:
        logger.info("Aborted abandoned multipart upload of %s", key)
    return done


def _forget_upload(db: Database, upload_id: str) -> None:
    with db.transaction() as conn:
        row = conn.execute(
            "SELECT model_id FROM multipart_uploads WHERE upload_id = ?", (upload_id,)
        ).fetchone()
        conn.execute("DELETE FROM multipart_uploads WHERE upload_id = ?", (upload_id,))
        if row is not None:
            conn.execute(
                "UPDATE models SET upload_id = NULL WHERE id = ? AND upload_id = ?",
                (row["model_id"], upload_id),
            )


class Reaper:
    """A daemon thread that runs the stale-upload and temp-file clean-up periodically."""

    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        stale_after: float,
        storage: ObjectStorage | None = None,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.storage = storage
        self.stale_after = stale_after
        self.interval = max(1.0, min(stale_after / 4, 600.0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="registry-reaper", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                if self.storage is not None:
                    abort_stale_s3_uploads(self.db, self.storage, self.stale_after)
                else:
                    reap_stale_uploads(self.db, self.blobs, self.stale_after)
                self.blobs.sweep_tmp(older_than=self.stale_after)
            except Exception:
                logger.exception("Periodic clean-up failed; will try again")

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
