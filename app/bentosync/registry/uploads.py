"""The upload state machine of PROTOCOL.md 4.1, with the integrity rule on top.

pending --start_upload--> uploading --(archive checked + finish)--> success
                                     \\-(bad archive, finish failed)--> failed

What this adds to Yatai's behaviour: ``success`` needs a *checked* archive
renamed into place first (``blob_ready``), whatever the client claims in
finish_upload. Every writer carries the ``upload_seq`` it started under, and a
start_upload in between makes its result void, so two pushes of one version
can never mix their bytes with each other's status.

Each state change is one transaction that first locks the model's row
(``catalog.fetch_model_locked``) and decides on the record as it is then, not
as the request read it earlier: with replicas sharing a PostgreSQL database,
another process may have started an upload in between, and only the row lock
orders the two (SQLite's single writer did it before). An archive check runs
in the process that received the archive, but finish_upload may reach another:
the record names the checking process and since when (``check_owner``,
``check_started_at``), so any process can wait for it, or leave the verdict to
it, instead of failing the upload for want of an archive.

The bentocloud flavour (``flavor.py``) keeps the state machine without the
integrity rule: ``store`` takes an archive as it arrived, ``finish_as_told``
sets what the client reports, and multipart uploads outlive the upload that
started them, as S3's do.
"""

from __future__ import annotations

import itertools
import logging
import socket
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_futures
from datetime import timedelta
from pathlib import Path

from bentosync.core.archive import ArchiveScan
from bentosync.core.errors import UnsafeArchive
from bentosync.core.filelist import Checksums, metadata_with_checksums
from bentosync.registry.blobs import BlobStore, StagedArchive
from bentosync.registry.catalog import (
    FAILED,
    SUCCESS,
    UPLOADING,
    Catalog,
    ModelRecord,
    fetch_model,
    fetch_model_locked,
    update_model,
)
from bentosync.registry.config import RegistryConfig
from bentosync.registry.db import Connection, Database, lock_model, to_db, utcnow
from bentosync.registry.errors import BadRequest, Conflict, NotFound
from bentosync.registry.flavor import flavor_of
from bentosync.registry.storage import ObjectStorage, StorageError
from bentosync.registry.verify import Verdict, judge

logger = logging.getLogger(__name__)

NO_ARCHIVE = "finish_upload reported success, but no complete archive was received for this upload."
# A check another process started this long ago is taken as dead (that process
# crashed and was not restarted; a restarted one clears its own at start-up).
CHECK_LEASE = timedelta(hours=1)
NO_OBJECT = (
    "finish_upload reported success, but the storage holds no object for this upload: "
    "PUT the archive to its presigned URL, or complete the multipart upload, first."
)


class Uploads:
    """Status changes of model records, and the archive jobs that lead to them."""

    def __init__(
        self, db: Database, catalog: Catalog, blobs: BlobStore, config: RegistryConfig
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.blobs = blobs
        self.config = config
        self.flavor = flavor_of(config)
        self._jobs: dict[int, Future[None]] = {}
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="archive-job")
        self.replica = replica_id(config.data_dir)
        # Object storage (``--storage``), set by ``open_services``; None: the data dir.
        self.storage: ObjectStorage | None = None
        # Archives refused by the check since start (a metric; itertools.count is
        # atomic under the GIL, and next() on it is the only writer).
        self._rejections = itertools.count()
        self._rejected = 0

    @property
    def rejected_archives(self) -> int:
        return self._rejected

    # ---- starting ------------------------------------------------------------------

    def start_upload(self, model: ModelRecord) -> ModelRecord:
        """Any state -> uploading. A new upload_seq voids every writer of the previous one.

        The new number is the locked row's plus one, not the caller's copy's: two
        start_upload calls racing on two replicas get two numbers, and only the
        later one's writers count.
        """
        if model.id in self._jobs:
            raise Conflict(f"The archive of {model.tag} is still being checked; try again soon.")
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model.id)
            if current is None:
                raise NotFound(f'model "{model.tag}"')
            stale = self._end_multipart(conn, model.id)
            update_model(
                conn,
                model.id,
                upload_status=UPLOADING,
                upload_started_at=utcnow(),
                upload_finished_at=None,
                upload_finished_reason="",
                upload_id=None,
                upload_seq=current.upload_seq + 1,
                blob_ready=False,
                finish_requested=False,
                # A check still running elsewhere is of the voided upload: nothing to
                # wait for (its process finds the newer seq and drops its verdict).
                check_started_at=None,
                check_owner=None,
            )
            fresh = fetch_model(conn, model.id)
        self._remove_parts(stale, model.uid)
        assert fresh is not None
        return fresh

    def require_uploading(self, model: ModelRecord) -> None:
        if model.upload_status != UPLOADING:
            raise Conflict(
                f"Model {model.tag} is {model.upload_status}, not uploading: "
                "call start_upload first."
            )

    # ---- an archive arrived --------------------------------------------------------

    def accept(
        self,
        model: ModelRecord,
        seq: int,
        tmp: Path | StagedArchive,
        scan: ArchiveScan | UnsafeArchive,
        *,
        finalize: bool,
    ) -> tuple[ModelRecord | None, Verdict]:
        """Judge a received archive and, if good, move it into place.

        ``finalize`` (proxy uploads, which get no finish_upload) sets success at
        once; otherwise the record waits for finish_upload with ``blob_ready``.
        Returns the fresh record (None if the upload was superseded) and the verdict.
        """
        verdict = (
            Verdict(None, str(scan)) if isinstance(scan, UnsafeArchive) else judge(scan, model)
        )
        if not verdict.ok:
            self.blobs.discard(tmp)
            return self.refuse(model.id, seq, verdict.reason), verdict
        files = verdict.files or []
        current = self.store(model, seq, tmp, finalize=finalize, checksums=Checksums.of(files))
        if current is not None:
            logger.info("Archive of %s checked: %d files", model.tag, len(files))
        return current, verdict

    def store(
        self,
        model: ModelRecord,
        seq: int,
        tmp: Path | StagedArchive,
        *,
        finalize: bool,
        checksums: Checksums | None = None,
        etag: str | None = None,
    ) -> ModelRecord | None:
        """Move a received archive into place as upload ``seq``'s; None if a newer one started.

        ``checksums``, computed from the archive, are stored where the client
        sent none; ``etag`` is the object's S3-style ETag, where one was made.
        """
        staged = tmp if isinstance(tmp, StagedArchive) else self.blobs.stage_file(tmp)
        staged.sync()
        current = self._record_stored(
            model,
            seq,
            staged.size,
            lambda: self.blobs.install(staged, model.uid),
            finalize=finalize,
            checksums=checksums,
            etag=etag,
        )
        if current is None:
            self.blobs.discard(tmp)
        return current

    def record_stored(
        self,
        model: ModelRecord,
        seq: int,
        size: int,
        *,
        finalize: bool,
        checksums: Checksums | None = None,
        etag: str | None = None,
    ) -> ModelRecord | None:
        """An archive already in object storage becomes upload ``seq``'s; None if superseded.

        The object store wrote the bytes before this is called, so ``success``
        still follows the object, as ``store`` makes it follow the rename.
        """
        return self._record_stored(
            model, seq, size, lambda: None, finalize=finalize, checksums=checksums, etag=etag
        )

    def _record_stored(
        self,
        model: ModelRecord,
        seq: int,
        size: int,
        install: Callable[[], None],
        *,
        finalize: bool,
        checksums: Checksums | None,
        etag: str | None,
    ) -> ModelRecord | None:
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model.id)
            if current is None or current.upload_seq != seq or current.upload_status != UPLOADING:
                current = None
            else:
                install()
                fields: dict[str, object] = {
                    "blob_ready": True,
                    "blob_size": size,
                    "blob_owner": self.replica,
                    "object_etag": etag,
                }
                if checksums is not None and not current.list_from_client:
                    # Where BentoSync itself would have put them, so every client reads one place.
                    fields["manifest"] = {
                        **current.manifest,
                        "metadata": metadata_with_checksums(
                            current.manifest.get("metadata") or {}, checksums
                        ),
                    }
                done = finalize or current.finish_requested
                if done:
                    fields.update(
                        upload_status=SUCCESS, upload_finished_at=utcnow(), finish_requested=False
                    )
                update_model(conn, model.id, **fields)
                stale = self._end_multipart(conn, model.id) if done else []
                current = fetch_model(conn, model.id)
        if current is None:
            logger.info("Dropped an archive for %s: a newer upload started meanwhile", model.tag)
            return None
        self._remove_parts(stale, model.uid)
        return current

    def refuse(self, model_id: int, seq: int, reason: str) -> ModelRecord | None:
        """``fail`` for an archive the check refused, counted for the metrics wherever the
        bytes were checked (a file here, a stream on its way to S3, an object read back)."""
        self._rejected = next(self._rejections) + 1
        return self.fail(model_id, seq, reason)

    def fail(self, model_id: int, seq: int, reason: str) -> ModelRecord | None:
        """uploading -> failed with ``reason``, unless a newer upload took over."""
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model_id)
            if current is None or current.upload_seq != seq or current.upload_status != UPLOADING:
                return current
            update_model(
                conn,
                model_id,
                upload_status=FAILED,
                upload_finished_reason=reason,
                upload_finished_at=utcnow(),
                blob_ready=False,
                finish_requested=False,
            )
            stale = self._end_multipart(conn, model_id)
            current = fetch_model(conn, model_id)
        if current is not None:
            self._remove_parts(stale, current.uid)
        logger.info("Upload of %s failed: %s", current.tag if current else model_id, reason)
        return current

    # ---- finish_upload -------------------------------------------------------------

    def finish(self, model: ModelRecord, status: str, reason: str) -> ModelRecord:
        if status == FAILED:
            return self._finish_failed(model, reason)
        if status != SUCCESS:
            raise BadRequest(f"status must be 'success' or 'failed', not {status!r}.")
        if model.upload_status == SUCCESS:
            return model
        if model.upload_status == FAILED:
            raise BadRequest(f"The upload of {model.tag} failed: {model.upload_finished_reason}")
        self.require_uploading(model)
        job = self._jobs.get(model.id)
        if job is not None:
            wait_futures([job], timeout=self.config.finish_wait)
        else:
            self._wait_for_check_elsewhere(model)
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model.id)
            if current is None or current.upload_seq != model.upload_seq:
                raise Conflict(f"Another upload of {model.tag} started meanwhile.")
            if current.upload_status == UPLOADING:
                if current.blob_ready:
                    update_model(conn, model.id, upload_status=SUCCESS, upload_finished_at=utcnow())
                elif (job is not None and not job.done()) or self.checked_elsewhere(current):
                    # The check's own store() sets success when it ends.
                    update_model(conn, model.id, finish_requested=True)
                else:
                    update_model(
                        conn,
                        model.id,
                        upload_status=FAILED,
                        upload_finished_reason=NO_ARCHIVE,
                        upload_finished_at=utcnow(),
                    )
                current = fetch_model(conn, model.id)
                assert current is not None
            ended = current.upload_status != UPLOADING
            stale = self._end_multipart(conn, model.id) if ended else []
        self._remove_parts(stale, model.uid)
        if current.upload_status == FAILED:
            raise BadRequest(f"The upload of {model.tag} failed: {current.upload_finished_reason}")
        return current

    def checked_elsewhere(self, model: ModelRecord) -> bool:
        """Another registry process is checking this model's archive right now."""
        started = model.check_started_at
        return (
            started is not None
            and model.check_owner != self.replica
            and utcnow() - started < CHECK_LEASE
        )

    def _wait_for_check_elsewhere(self, model: ModelRecord) -> None:
        """Up to ``finish_wait``: the check another process runs ends (as the local wait)."""
        deadline = time.monotonic() + self.config.finish_wait
        while time.monotonic() < deadline:
            current = self.catalog.get_model_by_id(model.id)
            if current is None or current.blob_ready or not self.checked_elsewhere(current):
                return
            time.sleep(0.1)

    def finish_as_told(self, model: ModelRecord, status: str, reason: str) -> ModelRecord:
        """Yatai's finish_upload: the client's status and reason become the record's.

        One check remains, because it is about the storage, not the bytes:
        ``success`` needs an object stored since start_upload. S3 would have
        none to serve, so the upload has failed, and the client is told.
        """
        if status not in (SUCCESS, FAILED):
            raise BadRequest(f"status must be 'success' or 'failed', not {status!r}.")
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model.id)
            if current is None:
                raise NotFound(f'model "{model.tag}"')
            missing = status == SUCCESS and not current.blob_ready
            update_model(
                conn,
                model.id,
                upload_status=FAILED if missing else status,
                upload_finished_reason=NO_OBJECT if missing else reason,
                upload_finished_at=utcnow(),
                finish_requested=False,
            )
            current = fetch_model(conn, model.id)
        if missing:
            raise BadRequest(f"The upload of {model.tag} failed: {NO_OBJECT}")
        assert current is not None
        return current

    def _finish_failed(self, model: ModelRecord, reason: str) -> ModelRecord:
        if model.upload_status == SUCCESS:
            raise Conflict(f"Model {model.tag} was uploaded successfully; nothing to fail.")
        with self.db.transaction() as conn:
            current = fetch_model_locked(conn, model.id)
            if current is None:
                raise NotFound(f'model "{model.tag}"')
            # A reason the server found (the file that did not match) beats the client's.
            keep = current.upload_status == FAILED and current.upload_finished_reason
            update_model(
                conn,
                model.id,
                upload_status=FAILED,
                upload_finished_reason=current.upload_finished_reason if keep else reason,
                upload_finished_at=utcnow(),
                blob_ready=False,
                finish_requested=False,
            )
            stale = self._end_multipart(conn, model.id)
            current = fetch_model(conn, model.id)
        self._remove_parts(stale, model.uid)
        assert current is not None
        return current

    # ---- background archive jobs ---------------------------------------------------

    def submit_job(self, model: ModelRecord, work: Callable[[], None]) -> None:
        """Run ``work`` (assemble and check) off the request, one job per model at a time."""
        if model.id in self._jobs:
            raise Conflict(f"The archive of {model.tag} is already being assembled.")
        self._mark_check(model.id, checking=True)

        def run() -> None:
            try:
                work()
            except Exception:
                logger.exception("Archive job for %s crashed", model.tag)
                self.fail(model.id, model.upload_seq, "The server could not check the archive.")
            finally:
                try:
                    self._mark_check(model.id, checking=False)
                except Exception:  # the lease ends it; never leave the job marked running
                    logger.exception("Could not clear the check mark of %s", model.tag)
                self._jobs.pop(model.id, None)

        self._jobs[model.id] = self._executor.submit(run)

    def _mark_check(self, model_id: int, *, checking: bool) -> None:
        """Name this process as the one checking the model's archive, or stop doing so."""
        with self.db.transaction() as conn:
            lock_model(conn, model_id)
            if checking:
                conn.execute(
                    "UPDATE models SET check_started_at = ?, check_owner = ? WHERE id = ?",
                    (to_db(utcnow()), self.replica, model_id),
                )
            else:  # a check another process started since then is its own to clear
                conn.execute(
                    "UPDATE models SET check_started_at = NULL, check_owner = NULL "
                    "WHERE id = ? AND check_owner = ?",
                    (model_id, self.replica),
                )

    def job_running(self, model_id: int) -> bool:
        job = self._jobs.get(model_id)
        return job is not None and not job.done()

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ---- deleting ------------------------------------------------------------------

    def delete(self, model: ModelRecord) -> bool:
        with self.db.transaction() as conn:
            lock_model(conn, model.id)
            stale = abort_multipart(conn, model.id)
        gone = self.catalog.delete_model(model)
        self.blobs.remove_blob(model.uid)
        if self.storage is not None:
            try:
                self.storage.delete(model.uid)
            except StorageError as exc:  # the record is gone: nothing will serve the object
                logger.warning("The archive of %s was left in storage: %s", model.tag, exc)
        self._remove_parts(stale, model.uid)
        return gone

    def _end_multipart(self, conn: Connection, model_id: int) -> list[str]:
        """``abort_multipart`` where the flavour ends multipart uploads with the upload."""
        return abort_multipart(conn, model_id) if self.flavor.ending_drops_multipart else []

    def _remove_parts(self, upload_ids: list[str], model_uid: str) -> None:
        for upload_id in upload_ids:
            if self.storage is None:
                self.blobs.remove_parts(upload_id, later=True)  # not on the client's time
                continue
            try:  # the clean-up job (maintenance.abort_stale_s3_uploads) retries what fails
                self.storage.abort_multipart(model_uid, upload_id)
            except StorageError as exc:
                logger.warning("Could not abort multipart upload of %s: %s", model_uid, exc)


def replica_id(data_dir: Path) -> str:
    """A registry process, as other processes sharing the database see it: the host
    and the data dir, which one process at a time serves (blobs.py locks it). The
    same after a restart, so start-up knows the marks and files of its previous run."""
    return f"{socket.gethostname()}:{data_dir.resolve()}"


def abort_multipart(conn: Connection, model_id: int) -> list[str]:
    """Forget a model's multipart uploads; returns their ids so the caller removes the files.

    The caller's transaction holds the model's row lock (``db.lock_model``) first.
    """
    rows = conn.execute(
        "SELECT upload_id FROM multipart_uploads WHERE model_id = ?", (model_id,)
    ).fetchall()
    conn.execute("DELETE FROM multipart_uploads WHERE model_id = ?", (model_id,))
    return [row["upload_id"] for row in rows]
