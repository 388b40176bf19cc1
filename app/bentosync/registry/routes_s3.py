"""The API's upload and download routes when archives live in object storage (``--storage``).

The same paths as ``routes_upload`` and ``routes_stored`` (PROTOCOL.md 3,
#9-#17), for both flavours. Presigned URLs are the object store's own (a
single PUT, each multipart part, the GET), and multipart upload ids are the
store's, so archive bytes go straight between the client and the store. The
proxy PUT and GET stream through the registry without touching its disk
(``transfers_s3``).

What the flavours keep: the bentosync flavour checks every archive before
``success`` (on the proxy stream, or by reading the object back after
completion or at finish_upload) and refuses unknown upload ids itself; the
bentocloud flavour stores what arrives, leaves ids, part numbers and part
sizes to the store to judge, and takes finish_upload's status as told once an
object exists.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from bentosync.registry import routes_upload
from bentosync.registry.bodies import CompleteBody, FinishBody, PresignPartBody
from bentosync.registry.catalog import (
    SUCCESS,
    UPLOADING,
    fetch_model,
    fetch_model_locked,
    update_model,
)
from bentosync.registry.context import Services, ServicesDep, find_model
from bentosync.registry.db import lock_model
from bentosync.registry.errors import ApiError, BadRequest, Conflict, UploadNotFound
from bentosync.registry.multipart import MAX_PARTS, open_upload
from bentosync.registry.routes_upload import archive_etag, require_downloadable
from bentosync.registry.storage import NoSuchUpload, StorageError, StorageRefused
from bentosync.registry.transfers_s3 import (
    mark_stored_object,
    object_response,
    receive_to_storage,
    start_check,
    storage_of,
)
from bentosync.registry.uploads import abort_multipart

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/model_repositories/{name}/models/{version}")
JSON = dict[str, Any]

router.add_api_route("/start_upload", routes_upload.start_upload, methods=["PATCH"])


def _expiry(services: Services) -> int:
    return max(1, int(services.config.presign_expiry))


def _storage_error(exc: StorageError) -> ApiError:
    return ApiError(str(exc), status=502)


@router.patch("/presign_upload_url")
def presign_upload_url(name: str, version: str, services: ServicesDep) -> JSON:
    """The store's single-PUT URL, except in proxy mode ("" there: PUT through the API)."""
    model = find_model(services, name, version)
    url = ""
    if services.config.strategy != "proxy":
        url = storage_of(services).presign_put(model.uid, _expiry(services))
    return services.model_json(model, presigned_upload_url=url)


@router.patch("/presign_download_url")
def presign_download_url(name: str, version: str, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    require_downloadable(model)
    url = ""
    if services.config.strategy != "proxy":
        url = storage_of(services).presign_get(model.uid, _expiry(services))
    return services.model_json(model, presigned_download_url=url)


@router.put("/upload")
async def upload(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    """Proxy upload: streamed to the store; the status is final when this returns."""
    model = await run_in_threadpool(find_model, services, name, version)
    record = await receive_to_storage(services, request, model)
    return services.model_json(record)


@router.get("/download")
def download(name: str, version: str, request: Request, services: ServicesDep) -> Response:
    model = find_model(services, name, version)
    require_downloadable(model)
    return object_response(
        services,
        model,
        archive_etag(model),
        request.headers.get("range"),
        request.headers.get("if-range"),
    )


@router.patch("/start_multipart_upload")
def start_multipart_upload(name: str, version: str, services: ServicesDep) -> JSON:
    """A multipart upload in the store; its id is the store's.

    The bentosync flavour drops the model's earlier uploads (as ``Multipart.start``
    does); the bentocloud flavour keeps them open, as S3 does.
    """
    model = find_model(services, name, version)
    services.uploads.require_uploading(model)
    storage = storage_of(services)
    try:
        upload_id = storage.create_multipart(model.uid)
    except StorageError as exc:
        raise _storage_error(exc) from None
    stale: list[str] = []
    with services.db.transaction() as conn:
        # Locked first, as every state change is (db.lock_model): a start_upload
        # through another replica since find_model voided this upload.
        current = fetch_model_locked(conn, model.id)
        if current is None or current.upload_seq != model.upload_seq:
            voided = True
        else:
            voided = False
            stale = (
                abort_multipart(conn, model.id) if services.flavor.ending_drops_multipart else []
            )
            open_upload(conn, model, upload_id)
        fresh = fetch_model(conn, model.id)
    if voided:
        try:
            storage.abort_multipart(model.uid, upload_id)
        except StorageError as exc:
            logger.warning("Could not abort a voided upload of %s: %s", model.tag, exc)
        raise Conflict(f"Another upload of {model.tag} started meanwhile.")
    for old in stale:
        try:
            storage.abort_multipart(model.uid, old)
        except StorageError as exc:
            logger.warning("Could not abort an earlier upload of %s: %s", model.tag, exc)
    assert fresh is not None
    return services.model_json(fresh)


@router.patch("/presign_multipart_upload_url")
def presign_multipart_upload_url(
    name: str, version: str, body: PresignPartBody, services: ServicesDep
) -> JSON:
    """The store's URL for one part. Each call keeps the upload alive for the clean-up job."""
    model = find_model(services, name, version)
    if services.flavor.checks_archives:
        services.multipart.check(model, body.upload_id, body.part_number)
    elif not 1 <= body.part_number <= MAX_PARTS:
        # S3 would refuse the PUT; boto3 refuses to even sign it.
        raise BadRequest(f"part_number must be between 1 and {MAX_PARTS}, not {body.part_number}.")
    with services.db.transaction() as conn:
        lock_model(conn, model.id)
        conn.execute(
            "UPDATE multipart_uploads SET touched_at = ? WHERE upload_id = ?",
            (time.time(), body.upload_id),
        )
    url = storage_of(services).presign_part(
        model.uid, body.upload_id, body.part_number, _expiry(services)
    )
    return services.model_json(model, presigned_upload_url=url)


@router.patch("/complete_multipart_upload")
def complete_multipart_upload(
    name: str, version: str, body: CompleteBody, services: ServicesDep
) -> JSON:
    """CompleteMultipartUpload in the store, then (bentosync flavour) the read-back check.

    The store judges the part list (order, ETags, sizes); a refusal is a 400
    naming its error code, and the upload stays open for a corrected list.
    """
    model = find_model(services, name, version)
    if services.flavor.checks_archives:
        services.multipart.check(model, body.upload_id)
    else:
        _require_upload(services, model.id, body.upload_id, model.tag)
    if not body.parts:
        raise BadRequest("parts is empty: list every uploaded part with its ETag.")
    parts = [(part.part_number, part.etag) for part in body.parts]
    storage = storage_of(services)
    try:
        etag = storage.complete_multipart(model.uid, body.upload_id, parts)
    except NoSuchUpload:
        raise UploadNotFound(
            f"Unknown upload_id {body.upload_id!r} for {model.tag}: it was completed, aborted "
            "or never started; call start_multipart_upload."
        ) from None
    except StorageRefused as exc:
        raise BadRequest(
            f"The storage refused to complete upload {body.upload_id} of {model.tag}: {exc}"
        ) from None
    except StorageError as exc:
        raise _storage_error(exc) from None
    with services.db.transaction() as conn:
        lock_model(conn, model.id)
        conn.execute("DELETE FROM multipart_uploads WHERE upload_id = ?", (body.upload_id,))
        conn.execute(
            "UPDATE models SET upload_id = NULL WHERE id = ? AND upload_id = ?",
            (model.id, body.upload_id),
        )
        if not services.flavor.checks_archives:
            size = None
            info = storage.head(model.uid)
            if info is not None:
                size = info.size
            update_model(conn, model.id, blob_ready=True, blob_size=size, object_etag=etag)
        fresh = fetch_model(conn, model.id)
    assert fresh is not None
    logger.info("Completed multipart upload of %s: %d parts", model.tag, len(parts))
    if services.flavor.checks_archives:
        start_check(services, fresh)
    return services.model_json(fresh)


def _require_upload(services: Services, model_id: int, upload_id: str, tag: str) -> None:
    """Every upload under our keys was opened here and has a row until it ends: an id
    without one is S3's NoSuchUpload (asked of the database, not of the store)."""
    row = services.db.query_one(
        "SELECT model_id FROM multipart_uploads WHERE upload_id = ?", (upload_id,)
    )
    if row is None or row["model_id"] != model_id:
        raise UploadNotFound(
            f"Unknown upload_id {upload_id!r} for {tag}: it was completed, aborted "
            "or never started; call start_multipart_upload."
        )


@router.patch("/finish_upload")
def finish_upload(name: str, version: str, body: FinishBody, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    if services.flavor.checks_archives:
        if body.status == SUCCESS and model.upload_status == UPLOADING:
            start_check(services, model)  # a single presigned PUT: nothing read it yet
        model = services.uploads.finish(model, body.status, body.reason)
    else:
        if body.status == SUCCESS and not model.blob_ready:
            model = mark_stored_object(services, model)
        model = services.uploads.finish_as_told(model, body.status, body.reason)
    logger.info("Upload of %s finished: %s", model.tag, model.upload_status)
    return services.model_json(model)
