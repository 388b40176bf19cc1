"""The bentocloud flavour's storage endpoint: the S3 side of presigned URLs, on a port of its own.

BentoCloud's presigned URLs lead to another host, its object storage, which
knows nothing of API tokens: the URL's signature is the only permission, and
its errors are S3's. This app plays that host::

    PUT /<bucket>/<key>                            one whole object
    PUT /<bucket>/<key>?partNumber=N&uploadId=U    one part of a multipart upload
    GET /<bucket>/<key>                            the object; Range gives 206 or 416

It runs in the registry's process on a second socket (``dispatch``), sharing
its services. Every error is S3's XML with S3's status (``s3errors``); the
rules themselves are in ``objects``.

A request that carries the API token (``X-YATAI-API-TOKEN``, or any
``Authorization`` header) is refused and logged at ERROR with a fixed
marker, never with the value: sending the token to storage leaks it to a
third party, so the test suite fails on that marker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from bentosync.core.version import __version__
from bentosync.registry.context import Services, ServicesDep
from bentosync.registry.downloads import archive_response
from bentosync.registry.errors import ApiError, NotFound, RangeNotSatisfiable
from bentosync.registry.ingest import receive_body_md5
from bentosync.registry.middleware import AccessLogMiddleware
from bentosync.registry.objects import (
    MAX_OBJECT_SIZE,
    MAX_PART_SIZE,
    declared_size,
    part_number_of,
    quoted,
)
from bentosync.registry.routes_upload import archive_etag
from bentosync.registry.s3errors import S3Error, access_denied, error_xml, no_such_key
from bentosync.registry.storage_signing import BUCKET, ObjectRef

logger = logging.getLogger(__name__)

TOKEN_LEAK_MARKER = "API TOKEN SENT TO STORAGE"
CREDENTIAL_HEADERS = (b"x-yatai-api-token", b"authorization")

router = APIRouter()


def _require_bucket(bucket: str) -> None:
    if bucket != BUCKET:
        raise S3Error(
            404,
            "NoSuchBucket",
            "The specified bucket does not exist",
            extra={"BucketName": bucket},
        )


@router.put("/{bucket}/{key:path}")
async def put_object(bucket: str, key: str, request: Request, services: ServicesDep) -> Response:
    """A whole object, or one part when the URL names ``partNumber`` and ``uploadId``.

    Sizes are judged from Content-Length before a byte of the body is read,
    as S3 does, so an oversized upload is refused at once.
    """
    _require_bucket(bucket)
    query = request.query_params
    upload_id, part_text = query.get("uploadId"), query.get("partNumber")
    ref = ObjectRef("PUT", key, upload_id or "", part_text or "")
    services.storage_signer.check(ref, query)
    length = request.headers.get("content-length")
    objects = services.objects
    if upload_id is None and part_text is None:
        declared_size(length, MAX_OBJECT_SIZE)
        model = await run_in_threadpool(objects.model_for, key)
        etag = await _receive(
            services,
            request,
            f"object-{model.uid}",
            lambda tmp, tag: objects.put_object(model, tmp, tag),
        )
    else:
        if upload_id is None or part_text is None:
            raise S3Error(400, "InvalidRequest", "A part needs both partNumber and uploadId.")
        number = part_number_of(part_text)
        declared_size(length, MAX_PART_SIZE)
        model = await run_in_threadpool(objects.model_for, key)
        await run_in_threadpool(objects.require_upload, model, upload_id)
        etag = await _receive(
            services,
            request,
            f"part-{upload_id}-{number}",
            lambda tmp, tag: objects.store_part(upload_id, number, tmp, tag),
        )
    return Response(status_code=200, headers={"ETag": etag})


async def _receive(
    services: Services, request: Request, label: str, keep: Callable[[Path, str], object]
) -> str:
    """Receive the body, then ``keep(tmp, etag)`` it; returns the quoted-MD5 ETag."""
    tmp = services.blobs.new_tmp(label)
    try:
        try:
            _, md5 = await receive_body_md5(request, tmp)
        except ClientDisconnect:
            logger.info("A PUT to %s ended before its body did; nothing stored", request.url.path)
            raise S3Error(
                400,
                "IncompleteBody",
                "You did not provide the number of bytes specified by the Content-Length "
                "HTTP header.",
            ) from None
        etag = quoted(md5)
        await run_in_threadpool(keep, tmp, etag)
        return etag
    finally:
        services.blobs.discard(tmp)


@router.get("/{bucket}/{key:path}")
def get_object(bucket: str, key: str, request: Request, services: ServicesDep) -> Response:
    _require_bucket(bucket)
    services.storage_signer.check(ObjectRef("GET", key), request.query_params)
    model = services.objects.model_for(key)
    return archive_response(
        lambda: services.blobs.open_blob(model.uid),
        model.object_etag or archive_etag(model),
        request.headers.get("range"),
        request.headers.get("if-range"),
    )


def xml_response(error: S3Error, resource: str) -> Response:
    return Response(
        error_xml(error, resource),
        status_code=error.status,
        media_type="application/xml",
        headers=error.headers,
    )


class TokenGuard:
    """Refuse, and log loudly, any request that carries API credentials to storage."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope["headers"]
            sent = sorted({name.decode() for name, _ in headers if name in CREDENTIAL_HEADERS})
            if sent:
                # The header's name only: its value is the secret that leaked.
                logger.error(
                    "%s: %s %s carried %s; refused. Presigned requests must carry no "
                    "credentials, and the token must be considered leaked.",
                    TOKEN_LEAK_MARKER,
                    scope["method"],
                    scope["path"],
                    " and ".join(sent),
                )
                error = access_denied(
                    "An API token must never be sent to object storage: presigned URLs carry "
                    "their own signature, and storage is another party's host."
                )
                await xml_response(error, scope["path"])(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_storage_app(services: Services) -> FastAPI:
    """The storage endpoint over ``services``; its lifespan is the API app's (``dispatch``)."""
    app = FastAPI(
        title="BentoSync storage (S3 rules)",
        version=__version__,
        openapi_url=None,  # an object store serves objects only
        docs_url=None,
        redoc_url=None,
    )
    app.state.services = services
    app.include_router(router)
    _install_error_handlers(app)
    # Last added runs first: log everything, then refuse credentials.
    app.add_middleware(TokenGuard)
    app.add_middleware(AccessLogMiddleware)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(S3Error)
    async def s3_error(request: Request, exc: S3Error) -> Response:
        return xml_response(exc, request.url.path)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        """Errors of the shared download code, as S3 words them."""
        if isinstance(exc, RangeNotSatisfiable):
            error = S3Error(
                416,
                "InvalidRange",
                "The requested range is not satisfiable",
                extra={"ActualObjectSize": str(exc.size)},
                headers={"Content-Range": f"bytes */{exc.size}"},
            )
        elif isinstance(exc, NotFound):
            error = no_such_key(request.url.path)
        else:
            error = S3Error(exc.status, "InvalidRequest", exc.message)
        return xml_response(error, request.url.path)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return xml_response(S3Error(400, "InvalidArgument", "Invalid request"), request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            error = S3Error(
                405,
                "MethodNotAllowed",
                "The specified method is not allowed against this resource.",
            )
        elif exc.status_code == 404:
            error = S3Error(404, "NoSuchKey", "The specified key does not exist.")
        else:
            error = S3Error(exc.status_code, "InvalidRequest", str(exc.detail))
        return xml_response(error, request.url.path)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        logger.error(
            "Unexpected error in storage %s %s", request.method, request.url.path, exc_info=exc
        )
        return xml_response(
            S3Error(500, "InternalError", "We encountered an internal error. Please try again."),
            request.url.path,
        )
