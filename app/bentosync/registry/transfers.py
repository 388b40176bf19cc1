"""Receiving archives and parts: the shared body of the proxy and presigned PUT routes.

Proxy and single presigned uploads differ only in who says "done": the proxy
PUT gets no finish_upload from the official client, so it sets the status
itself (``finalize``); the presigned PUT leaves that to finish_upload.
``receive_stored`` is the bentocloud flavour's proxy PUT: the archive is
stored as it arrives, complete per Content-Length or failed.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request

from bentosync.core.archive import ArchiveScan
from bentosync.core.errors import UnsafeArchive
from bentosync.registry.catalog import ModelRecord
from bentosync.registry.context import Services
from bentosync.registry.errors import ApiError, BadRequest, Conflict
from bentosync.registry.ingest import receive_body, receive_body_md5, receive_checked
from bentosync.registry.objects import quoted
from bentosync.registry.verify import StreamVerifier

logger = logging.getLogger(__name__)

INTERRUPTED = "The upload was interrupted before the whole archive arrived."


async def receive_archive(
    services: Services, request: Request, model: ModelRecord, *, finalize: bool
) -> ModelRecord:
    """Store one whole archive from the request body, checking it as it arrives."""
    services.uploads.require_uploading(model)
    seq = model.upload_seq
    tmp = services.blobs.new_tmp(f"upload-{model.uid}")
    verifier = StreamVerifier()
    try:
        try:
            await receive_checked(request, tmp, verifier.reader, lambda: verifier.failed)
        except (ClientDisconnect, OSError) as exc:
            verifier.abort()
            raise await _failed_upload(services, model, seq, exc) from None
        scan = await run_in_threadpool(_finish_scan, verifier)
        record, verdict = await run_in_threadpool(
            lambda: services.uploads.accept(model, seq, tmp, scan, finalize=finalize)
        )
    finally:
        services.blobs.discard(tmp)
    if not verdict.ok:
        raise BadRequest(f"The archive for {model.tag} was refused: {verdict.reason}")
    if record is None:
        raise Conflict(f"Another upload of {model.tag} started meanwhile; this one was dropped.")
    return record


async def receive_stored(services: Services, request: Request, model: ModelRecord) -> ModelRecord:
    """Store one whole archive as it arrives, unchecked: success once the body is complete."""
    services.uploads.require_uploading(model)
    seq = model.upload_seq
    tmp = services.blobs.new_tmp(f"upload-{model.uid}")
    try:
        try:
            _, md5 = await receive_body_md5(request, tmp)
        except (ClientDisconnect, OSError) as exc:
            raise await _failed_upload(services, model, seq, exc) from None
        record = await run_in_threadpool(
            lambda: services.uploads.store(model, seq, tmp, finalize=True, etag=quoted(md5))
        )
    finally:
        services.blobs.discard(tmp)
    if record is None:
        raise Conflict(f"Another upload of {model.tag} started meanwhile; this one was dropped.")
    return record


async def _failed_upload(
    services: Services, model: ModelRecord, seq: int, exc: ClientDisconnect | OSError
) -> ApiError:
    """Mark upload ``seq`` failed for a cut body or a disk error; the error to answer with."""
    if isinstance(exc, ClientDisconnect):
        reason, status = INTERRUPTED, 400
    else:
        reason, status = f"The server could not store the archive: {exc.strerror or exc}.", 500
    await run_in_threadpool(services.uploads.fail, model.id, seq, reason)
    return ApiError(reason, status=status)


def _finish_scan(verifier: StreamVerifier) -> ArchiveScan | UnsafeArchive:
    try:
        return verifier.finish()
    except UnsafeArchive as exc:
        return exc


async def receive_part(
    services: Services, request: Request, model: ModelRecord, upload_id: str, part_number: int
) -> str:
    """Store one multipart part; returns its ETag."""
    services.multipart.check(model, upload_id, part_number)
    attempt = services.multipart.begin_part(upload_id, part_number)
    tmp = services.blobs.new_tmp(f"part-{upload_id}-{part_number}")
    try:
        try:
            await receive_body(request, tmp)
        except ClientDisconnect:
            raise BadRequest(f"Part {part_number} was interrupted; send it again.") from None
        return await run_in_threadpool(
            services.multipart.store_part, upload_id, part_number, tmp, attempt
        )
    finally:
        services.blobs.discard(tmp)
