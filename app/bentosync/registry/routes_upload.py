"""Upload and download of a model's archive through the API (PROTOCOL.md 3, #9-#17).

These need the API token. The presigned twins (no token, signed URL) are in
``routes_blobs``; both end in the same ``transfers`` and ``uploads`` code.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from bentosync.registry.bodies import CompleteBody, FinishBody, PresignPartBody
from bentosync.registry.catalog import SUCCESS, ModelRecord
from bentosync.registry.context import ServicesDep, find_model
from bentosync.registry.downloads import archive_response
from bentosync.registry.errors import Conflict
from bentosync.registry.multipart import PartRef
from bentosync.registry.signing import BlobRef
from bentosync.registry.transfers import receive_archive

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/model_repositories/{name}/models/{version}")
JSON = dict[str, Any]


def require_downloadable(model: ModelRecord) -> None:
    if model.upload_status != SUCCESS:
        raise Conflict(
            f"Model {model.tag} cannot be downloaded: its upload is {model.upload_status}"
            + (f" ({model.upload_finished_reason})" if model.upload_finished_reason else "")
            + "."
        )


def archive_etag(model: ModelRecord) -> str:
    """Changes with every upload, so If-Range never splices two archives."""
    return f'"{model.uid}.{model.upload_seq}"'


@router.patch("/presign_upload_url")
def presign_upload_url(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    """A single-PUT URL, except in proxy mode ("" there means: PUT through the API)."""
    model = find_model(services, name, version)
    url = ""
    if services.config.strategy != "proxy":
        url = services.signer.url(services.base_url(request), BlobRef("PUT", model.uid))
    return services.model_json(model, presigned_upload_url=url)


@router.patch("/presign_download_url")
def presign_download_url(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    require_downloadable(model)
    url = ""
    if services.config.strategy != "proxy":
        url = services.signer.url(services.base_url(request), BlobRef("GET", model.uid))
    return services.model_json(model, presigned_download_url=url)


@router.patch("/start_upload")
def start_upload(name: str, version: str, services: ServicesDep) -> JSON:
    model = services.uploads.start_upload(find_model(services, name, version))
    logger.info("Upload of %s started (#%d)", model.tag, model.upload_seq)
    return services.model_json(model)


@router.put("/upload")
async def upload(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    """Proxy upload: the body is the archive; the status is final when this returns."""
    model = await run_in_threadpool(find_model, services, name, version)
    record = await receive_archive(services, request, model, finalize=True)
    return services.model_json(record)


@router.get("/download")
def download(name: str, version: str, request: Request, services: ServicesDep) -> Response:
    model = find_model(services, name, version)
    require_downloadable(model)
    return archive_response(
        lambda: services.blobs.open_blob(model.uid),
        archive_etag(model),
        request.headers.get("range"),
        request.headers.get("if-range"),
    )


@router.patch("/start_multipart_upload")
def start_multipart_upload(name: str, version: str, services: ServicesDep) -> JSON:
    model = services.multipart.start(find_model(services, name, version))
    return services.model_json(model)


@router.patch("/presign_multipart_upload_url")
def presign_multipart_upload_url(
    name: str,
    version: str,
    body: PresignPartBody,
    request: Request,
    services: ServicesDep,
) -> JSON:
    model = find_model(services, name, version)
    services.multipart.check(model, body.upload_id, body.part_number)
    ref = BlobRef("PUT", model.uid, body.upload_id, body.part_number)
    url = services.signer.url(services.base_url(request), ref)
    return services.model_json(model, presigned_upload_url=url)


@router.patch("/complete_multipart_upload")
def complete_multipart_upload(
    name: str, version: str, body: CompleteBody, services: ServicesDep
) -> JSON:
    model = find_model(services, name, version)
    parts = [PartRef(part.part_number, part.etag) for part in body.parts]
    model = services.multipart.complete(model, body.upload_id, parts)
    return services.model_json(model)


@router.patch("/finish_upload")
def finish_upload(name: str, version: str, body: FinishBody, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    model = services.uploads.finish(model, body.status, body.reason)
    logger.info("Upload of %s finished: %s", model.tag, model.upload_status)
    return services.model_json(model)
