"""The presigned URLs' endpoints, standing in for S3: no token, the signature is the permission.

The official client sends these requests with no headers besides
Content-Length (PROTOCOL.md 4, 5), so the routes live outside ``/api`` and
the auth middleware. A part PUT answers 200 with an ``ETag`` header, which the
client requires; the single PUT and the GET answer 200 like S3 does.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from bentosync.registry.catalog import ModelRecord
from bentosync.registry.context import Services, ServicesDep
from bentosync.registry.downloads import archive_response
from bentosync.registry.errors import Forbidden, NotFound
from bentosync.registry.routes_upload import archive_etag, require_downloadable
from bentosync.registry.signing import BLOB_PREFIX, BlobRef, SignatureError
from bentosync.registry.transfers import receive_archive, receive_part

logger = logging.getLogger(__name__)

router = APIRouter(prefix=BLOB_PREFIX)


def _authorize(services: Services, request: Request, ref: BlobRef) -> ModelRecord:
    """Check the signature first, then look the model up (nothing leaks to a forger)."""
    try:
        services.signer.check(
            ref, request.query_params.get("expires"), request.query_params.get("signature")
        )
    except SignatureError as exc:
        raise Forbidden(str(exc)) from None
    model = services.catalog.get_model_by_uid(ref.model_uid)
    if model is None:
        raise NotFound("model")
    return model


@router.put("/models/{uid}")
async def put_archive(uid: str, request: Request, services: ServicesDep) -> Response:
    model = await run_in_threadpool(_authorize, services, request, BlobRef("PUT", uid))
    await receive_archive(services, request, model, finalize=False)
    return Response(status_code=200)


@router.get("/models/{uid}")
def get_archive(uid: str, request: Request, services: ServicesDep) -> Response:
    model = _authorize(services, request, BlobRef("GET", uid))
    require_downloadable(model)
    return archive_response(
        lambda: services.blobs.open_blob(model.uid),
        archive_etag(model),
        request.headers.get("range"),
        request.headers.get("if-range"),
    )


@router.put("/parts/{uid}/{upload_id}/{part_number}")
async def put_part(
    uid: str,
    upload_id: str,
    part_number: int,
    request: Request,
    services: ServicesDep,
) -> Response:
    ref = BlobRef("PUT", uid, upload_id, part_number)
    model = await run_in_threadpool(_authorize, services, request, ref)
    etag = await receive_part(services, request, model, upload_id, part_number)
    return Response(status_code=200, headers={"ETag": etag})
