"""Archives in object storage (``--storage s3://...``): proxy uploads, read-back checks, downloads.

Proxy upload. The request body is cut into parts of ``PART_SIZE`` (8 MiB)
that go to a multipart upload as they fill, one part in flight while the next
arrives, so the registry holds at most two parts of an archive in memory and
never a byte of it on its disk. A body smaller than one part is one PutObject.
For the bentosync flavour the archive check (``verify.StreamVerifier``) reads
the same bytes as they pass; the object is completed only once the check
agreed, and the multipart upload is aborted otherwise, so a refused archive
never becomes an object and a proxy upload is never read back.

Read-back check. Presigned and multipart uploads send the bytes straight to
the store, which the registry never sees. For the bentosync flavour, after
``complete_multipart_upload`` (or at ``finish_upload`` for a single presigned
PUT) a background job reads the object back with GetObject (pinned to the
ETag it saw, so a concurrent overwrite cannot slip between check and record)
through the same scan. S3's own checksums (ETag, CRC) cannot replace this: they
prove the bytes arrived as the client sent them, not that they are the
model's files, and the file list and computed checksums need the tar's
contents anyway. The cost: one extra read of the whole archive from storage
per presigned or multipart upload (archive size in GET bytes, one GET
request), at the store's read throughput from the registry (on a LAN to MinIO
about 100-500 MB/s, so 1-10 s per GB; a 10 GB model takes a minute or more).
``finish_upload`` waits for it ``finish_wait`` seconds (45 s, under the
official client's 60 s read timeout); a longer check finishes in the
background and sets the status itself (``finish_requested``), as the local
store's multipart check does. A failed check marks the upload failed and
deletes the object. The bentocloud flavour checks nothing, as BentoCloud does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta, timezone
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import StreamingResponse

from bentosync.core.archive import ArchiveScan, scan_tar_stream
from bentosync.core.errors import UnsafeArchive
from bentosync.core.filelist import Checksums
from bentosync.core.modelinfo import MODEL_YAML
from bentosync.registry.catalog import (
    FAILED,
    UPLOADING,
    ModelRecord,
    fetch_model,
    fetch_model_locked,
    update_model,
)
from bentosync.registry.context import Services
from bentosync.registry.downloads import ranged_headers
from bentosync.registry.errors import ApiError, BadRequest, Conflict, NotFound
from bentosync.registry.storage import ObjectInfo, ObjectStorage, StorageError
from bentosync.registry.uploads import NO_ARCHIVE
from bentosync.registry.verify import StreamVerifier, Verdict, judge

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
PART_SIZE = 8 * MiB  # above S3's 5 MiB minimum; two of them are the upload's memory
INTERRUPTED = "The upload was interrupted before the whole archive arrived."
# S3's Last-Modified has whole seconds: an object written in the second
# start_upload ran is still this upload's.
CLOCK_SLACK = timedelta(seconds=2)


def verdict_of(scan: ArchiveScan | UnsafeArchive, model: ModelRecord) -> Verdict:
    return Verdict(None, str(scan)) if isinstance(scan, UnsafeArchive) else judge(scan, model)


def storage_of(services: Services) -> ObjectStorage:
    assert services.storage is not None
    return services.storage


class _ProxyUpload:
    """One proxy body on its way into the store, part by part, checked on the way."""

    def __init__(self, storage: ObjectStorage, model: ModelRecord, check: bool) -> None:
        self.storage = storage
        self.model = model
        self.verifier = StreamVerifier() if check else None
        self.upload_id: str | None = None
        self.etags: list[tuple[int, str]] = []
        self.size = 0
        # One thread: parts go in order, and feeding the check may wait for it.
        self._sender = ThreadPoolExecutor(1, thread_name_prefix="proxy-part")
        self._inflight: asyncio.Future[None] | None = None

    def _send(self, data: bytes) -> None:
        if self.verifier is not None:
            self.verifier.reader.feed([data])
            if self.verifier.failed:
                return
        if self.upload_id is None:
            self.upload_id = self.storage.create_multipart(self.model.uid)
        self._part(data)

    def _part(self, data: bytes) -> None:
        """The next part of the open multipart upload; its ETag is kept for completion."""
        assert self.upload_id is not None
        number = len(self.etags) + 1
        etag = self.storage.upload_part(self.model.uid, self.upload_id, number, data)
        self.etags.append((number, etag))

    async def receive(self, request: Request) -> bytes:
        """Stream the body out in parts; returns the last piece (under a part), not yet sent."""
        loop = asyncio.get_running_loop()
        pending: list[bytes] = []
        buffered = 0
        async for chunk in request.stream():
            if not chunk:
                continue
            if self.verifier is not None and self.verifier.failed:
                continue  # refused already: read the rest, keep nothing
            pending.append(chunk)
            buffered += len(chunk)
            self.size += len(chunk)
            if buffered >= PART_SIZE:
                data = b"".join(pending)
                pending, buffered = [data[PART_SIZE:]], len(data) - PART_SIZE
                await self._wait()
                self._inflight = asyncio.wrap_future(
                    self._sender.submit(self._send, data[:PART_SIZE]), loop=loop
                )
        await self._wait()
        return b"".join(pending)

    async def _wait(self) -> None:
        if self._inflight is not None:
            inflight, self._inflight = self._inflight, None
            await inflight

    def finish(self, last: bytes) -> tuple[ArchiveScan | UnsafeArchive | None, int]:
        """Send the rest and wait for the check; returns (scan or None unchecked, size).

        The object is not made yet: ``publish`` does that once the verdict is in.
        """
        scan: ArchiveScan | UnsafeArchive | None = None
        if self.verifier is not None:
            if last:
                self.verifier.reader.feed([last])
            try:
                scan = self.verifier.finish()
            except UnsafeArchive as exc:
                scan = exc
        return scan, self.size

    def publish(self, last: bytes) -> str:
        """Make the object: the last part and CompleteMultipartUpload, or one PutObject."""
        if self.upload_id is None:
            return self.storage.put(self.model.uid, last)
        if last or not self.etags:
            self._part(last)
        etag = self.storage.complete_multipart(self.model.uid, self.upload_id, self.etags)
        self.upload_id = None
        return etag

    def abort(self) -> None:
        """Drop what was sent (never raises: the clean-up job retries what fails here)."""
        if self.verifier is not None:
            self.verifier.abort()
        if self.upload_id is not None:
            try:
                self.storage.abort_multipart(self.model.uid, self.upload_id)
            except StorageError as exc:
                logger.warning("Could not abort the proxy upload of %s: %s", self.model.tag, exc)
            self.upload_id = None

    def close(self) -> None:
        self._sender.shutdown(wait=True)


async def receive_to_storage(
    services: Services, request: Request, model: ModelRecord
) -> ModelRecord:
    """The proxy PUT with object storage: streamed to the store, checked where the flavour
    checks; ``success`` (or ``failed``) when this returns, as PROTOCOL.md 4 needs."""
    services.uploads.require_uploading(model)
    seq = model.upload_seq
    upload = _ProxyUpload(storage_of(services), model, services.flavor.checks_archives)
    published = False
    try:
        try:
            last = await upload.receive(request)
            scan, size = await run_in_threadpool(upload.finish, last)
        except ClientDisconnect:
            await run_in_threadpool(services.uploads.fail, model.id, seq, INTERRUPTED)
            raise ApiError(INTERRUPTED, status=400) from None
        except StorageError as exc:
            reason = f"The server could not store the archive: {exc}"
            await run_in_threadpool(services.uploads.fail, model.id, seq, reason)
            raise ApiError(reason, status=502) from None
        verdict: Verdict | None = None
        if scan is not None:
            verdict = verdict_of(scan, model)
            if not verdict.ok:
                await run_in_threadpool(services.uploads.refuse, model.id, seq, verdict.reason)
                raise BadRequest(f"The archive for {model.tag} was refused: {verdict.reason}")
        try:
            etag = await run_in_threadpool(upload.publish, last)
        except StorageError as exc:
            reason = f"The server could not store the archive: {exc}"
            await run_in_threadpool(services.uploads.fail, model.id, seq, reason)
            raise ApiError(reason, status=502) from None
        published = True
        checksums = Checksums.of(verdict.files or []) if verdict is not None else None
        record = await run_in_threadpool(
            lambda: services.uploads.record_stored(
                model, seq, size, finalize=True, checksums=checksums, etag=etag
            )
        )
    finally:
        if not published:
            await run_in_threadpool(upload.abort)
        await run_in_threadpool(upload.close)
    if record is None:
        raise Conflict(f"Another upload of {model.tag} started meanwhile; this one was dropped.")
    if verdict is not None:
        logger.info("Archive of %s checked on its way to storage", model.tag)
    return record


# ---- objects written straight to the store -----------------------------------------


def written_for(info: ObjectInfo | None, model: ModelRecord) -> bool:
    """Whether the object was stored since this upload's start_upload (an older one,
    from a previous push of the version, must not pass as this upload's)."""
    if info is None:
        return False
    started = model.upload_started_at
    if started is None:
        return True
    if started.tzinfo is None:  # the database keeps UTC
        started = started.replace(tzinfo=timezone.utc)
    modified = info.last_modified
    if modified.tzinfo is None:
        modified = modified.replace(tzinfo=timezone.utc)
    return modified + CLOCK_SLACK >= started


def check_object(services: Services, model: ModelRecord) -> None:
    """The read-back check (bentosync flavour): runs as an archive job (``Uploads.submit_job``)."""
    storage = storage_of(services)
    seq = model.upload_seq
    info = storage.head(model.uid)
    if not written_for(info, model):
        services.uploads.fail(model.id, seq, NO_ARCHIVE)
        return
    assert info is not None
    logger.info("Reading back the archive of %s from storage to check it", model.tag)
    scan: ArchiveScan | UnsafeArchive
    try:
        reader = storage.open_reader(model.uid, info.etag)
    except FileNotFoundError:
        services.uploads.fail(model.id, seq, NO_ARCHIVE)
        return
    try:
        scan = scan_tar_stream(reader, capture=(MODEL_YAML,))
    except UnsafeArchive as exc:
        scan = exc
    finally:
        reader.close()
    verdict = verdict_of(scan, model)
    if not verdict.ok:
        current = services.uploads.refuse(model.id, seq, verdict.reason)
        if current is not None and current.upload_seq == seq and current.upload_status == FAILED:
            storage.delete(model.uid)  # never served, and no stale bytes for the next push
        return
    files = verdict.files or []
    record = services.uploads.record_stored(
        model, seq, info.size, finalize=False, checksums=Checksums.of(files), etag=info.etag
    )
    if record is not None:
        logger.info("Archive of %s checked from storage: %d files", model.tag, len(files))


def start_check(services: Services, model: ModelRecord) -> None:
    """Start the read-back check unless one runs or the archive was already accepted."""
    if model.upload_status != UPLOADING or model.blob_ready:
        return
    if services.uploads.job_running(model.id):
        return
    with contextlib.suppress(Conflict):  # another request started it a moment ago
        services.uploads.submit_job(model, lambda: check_object(services, model))


def mark_stored_object(services: Services, model: ModelRecord) -> ModelRecord:
    """bentocloud flavour: note an object stored since start_upload (finish_upload needs one)."""
    info = storage_of(services).head(model.uid)
    if not written_for(info, model):
        return model
    assert info is not None
    with services.db.transaction() as conn:
        current = fetch_model_locked(conn, model.id)
        if current is None or current.upload_seq != model.upload_seq:
            return current or model  # a newer upload started meanwhile: not its object
        update_model(conn, model.id, blob_ready=True, blob_size=info.size, object_etag=info.etag)
        fresh = fetch_model(conn, model.id)
    assert fresh is not None
    return fresh


# ---- downloads through the API -------------------------------------------------------


def object_response(
    services: Services,
    model: ModelRecord,
    etag: str,
    range_header: str | None,
    if_range: str | None,
) -> StreamingResponse:
    """A 200 or 206 streaming the object from the store, pinned to the stored version."""
    storage = storage_of(services)
    size = model.blob_size
    if size is None:
        info = storage.head(model.uid)
        if info is None:
            raise NotFound("model archive")
        size = info.size
    first, last, status, headers = ranged_headers(size, etag, range_header, if_range)
    body: Any
    if size == 0:
        body = iter(())
    else:
        try:
            body = storage.iter_range(model.uid, first, last, model.object_etag)
        except FileNotFoundError:
            raise NotFound("model archive") from None
        except StorageError as exc:
            raise ApiError(str(exc), status=502) from None
    return StreamingResponse(
        body, status_code=status, headers=headers, media_type="application/x-tar"
    )
