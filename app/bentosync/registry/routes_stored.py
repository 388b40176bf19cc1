"""The API's upload routes on the bentocloud flavour: Yatai's behaviour, no checks of ours.

The same paths as ``routes_upload`` (PROTOCOL.md 3, #9-#17), behaving as the
real service does (PROTOCOL.md 4.1, 12): a proxy PUT ends ``success`` when
the body arrived whole per Content-Length and ``failed`` when it was cut;
completing a multipart upload only joins the parts, under S3's rules
(``objects``); finish_upload sets what the client reports
(``Uploads.finish_as_told``). Presigned URLs address the storage endpoint
(``storage_app``) with S3-shaped paths. Whatever an archive holds, it is
stored: a client's pull must judge it, as it must with BentoCloud.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from bentosync.registry import routes_upload
from bentosync.registry.bodies import CompleteBody, FinishBody, PresignPartBody
from bentosync.registry.catalog import ModelRecord
from bentosync.registry.context import Services, ServicesDep, find_model
from bentosync.registry.errors import BadRequest
from bentosync.registry.multipart import PartRef
from bentosync.registry.objects import object_key
from bentosync.registry.routes_upload import require_downloadable
from bentosync.registry.s3errors import S3Error
from bentosync.registry.storage_signing import ObjectRef
from bentosync.registry.transfers import receive_stored

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1/model_repositories/{name}/models/{version}")
JSON = dict[str, Any]

# Alike in both flavours: start_upload (Uploads asks the flavour what it ends)
# and the proxy download.
router.add_api_route("/start_upload", routes_upload.start_upload, methods=["PATCH"])
router.add_api_route("/download", routes_upload.download, methods=["GET"])


def _url(services: Services, request: Request, model: ModelRecord, method: str, **part: str) -> str:
    ref = ObjectRef(method, object_key(model.repository_name, model.version), **part)
    return services.storage_signer.url(services.storage_url(request), ref)


@router.patch("/presign_upload_url")
def presign_upload_url(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    """A single-PUT URL, except in proxy mode ("" there means: PUT through the API)."""
    model = find_model(services, name, version)
    url = ""
    if services.config.strategy != "proxy":
        url = _url(services, request, model, "PUT")
    return services.model_json(model, presigned_upload_url=url)


@router.patch("/presign_download_url")
def presign_download_url(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    require_downloadable(model)
    url = ""
    if services.config.strategy != "proxy":
        url = _url(services, request, model, "GET")
    return services.model_json(model, presigned_download_url=url)


@router.put("/upload")
async def upload(name: str, version: str, request: Request, services: ServicesDep) -> JSON:
    """Proxy upload: stored as it arrives; the status is final when this returns."""
    model = await run_in_threadpool(find_model, services, name, version)
    record = await receive_stored(services, request, model)
    return services.model_json(record)


@router.patch("/start_multipart_upload")
def start_multipart_upload(name: str, version: str, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    services.uploads.require_uploading(model)
    return services.model_json(services.objects.create_upload(model))


@router.patch("/presign_multipart_upload_url")
def presign_multipart_upload_url(
    name: str,
    version: str,
    body: PresignPartBody,
    request: Request,
    services: ServicesDep,
) -> JSON:
    """Sign a part's URL without asking the storage, as presigning for S3 does.

    S3 knows neither the part's size nor, at signing time, whether the upload
    id or part number is valid: the storage endpoint answers those itself.
    """
    model = find_model(services, name, version)
    part = {"upload_id": body.upload_id, "part_number": str(body.part_number)}
    url = _url(services, request, model, "PUT", **part)
    return services.model_json(model, presigned_upload_url=url)


@router.patch("/complete_multipart_upload")
def complete_multipart_upload(
    name: str, version: str, body: CompleteBody, services: ServicesDep
) -> JSON:
    """Join the parts under S3's rules; a refusal is a 400 naming S3's error code."""
    model = find_model(services, name, version)
    parts = [PartRef(part.part_number, part.etag) for part in body.parts]
    try:
        model = services.objects.complete(model, body.upload_id, parts)
    except S3Error as exc:
        raise BadRequest(
            f"The storage refused to complete upload {body.upload_id} of {model.tag}: "
            f"{exc.code}: {exc.message}"
        ) from None
    return services.model_json(model)


@router.patch("/finish_upload")
def finish_upload(name: str, version: str, body: FinishBody, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    model = services.uploads.finish_as_told(model, body.status, body.reason)
    logger.info("Upload of %s finished: %s", model.tag, model.upload_status)
    return services.model_json(model)
