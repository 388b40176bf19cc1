"""``create_app(config)``: the FastAPI application of one registry, ready for any ASGI server.

Opening the data dir (database, archives, start-up repair) happens here, at
creation, so a broken data dir fails before the server says it is listening.
The lifespan's shutdown closes it again: background jobs stop, temp files go,
the WAL is checkpointed.

The flavour (``flavor.py``) picks the upload routes: checked ones with the
``/blobs`` presigned endpoints, or stored-as-they-arrive ones whose presigned
URLs lead to the storage endpoint, which ``create_asgi_app`` serves beside
the API by port.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp

from bentosync.core.version import __version__
from bentosync.registry import (
    routes_blobs,
    routes_models,
    routes_ops,
    routes_s3,
    routes_stored,
    routes_upload,
)
from bentosync.registry.auth import AuthMiddleware, TokenStore
from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import Catalog
from bentosync.registry.config import RegistryConfig
from bentosync.registry.context import Services
from bentosync.registry.databases import open_database
from bentosync.registry.dispatch import PortDispatch
from bentosync.registry.errors import ApiError, RangeNotSatisfiable
from bentosync.registry.flavor import flavor_of
from bentosync.registry.maintenance import Reaper, recover
from bentosync.registry.metrics import MetricsMiddleware, RegistryMetrics
from bentosync.registry.middleware import AccessLogMiddleware, JsonLimitMiddleware
from bentosync.registry.multipart import Multipart
from bentosync.registry.objects import ObjectStore
from bentosync.registry.pipeline_pool import Pipelines
from bentosync.registry.signing import Signer
from bentosync.registry.storage import ObjectStorage, StorageError, parse_storage_url
from bentosync.registry.storage_app import create_storage_app
from bentosync.registry.storage_signing import StorageSigner
from bentosync.registry.uploads import Uploads, replica_id

logger = logging.getLogger(__name__)


def open_services(config: RegistryConfig) -> Services:
    """Open the data dir, repair what a crash left, seed the token."""
    config.data_dir.mkdir(parents=True, exist_ok=True)
    blobs = BlobStore(config.data_dir)
    try:
        db = open_database(config.database)
    except BaseException:
        blobs.close()
        raise
    storage: ObjectStorage | None = None
    try:
        if config.storage_url is not None:
            storage = _open_object_storage(config.storage_url)
        recover(
            db, blobs, config.stale_after, replica_id(config.data_dir), remote=storage is not None
        )
    except BaseException:
        db.close()
        blobs.close()
        raise
    tokens = TokenStore(db)
    if config.seed_token:
        tokens.seed(config.seed_token)
    elif not tokens.any():
        logger.warning(
            "No API token can reach this registry: start it with a token, or run "
            "`bentosync registry token create --data %s --name NAME`.",
            config.data_dir,
        )
    catalog = Catalog(db)
    uploads = Uploads(db, catalog, blobs, config)
    uploads.storage = storage
    flavor = flavor_of(config)
    pipelines = None
    if flavor.checks_archives and storage is None:  # they check parts as they arrive
        pipelines = Pipelines(
            blobs,
            max_active=config.max_pipelines,
            idle_timeout=min(config.pipeline_idle, config.stale_after / 2),
        )
    signer = Signer(db, config.presign_expiry)
    return Services(
        config=config,
        db=db,
        tokens=tokens,
        catalog=catalog,
        blobs=blobs,
        uploads=uploads,
        multipart=Multipart(db, blobs, uploads, pipelines),
        signer=signer,
        flavor=flavor,
        objects=ObjectStore(db, blobs, catalog),
        storage_signer=StorageSigner(signer, config.presign_expiry),
        storage=storage,
    )


def _open_object_storage(url: str) -> ObjectStorage:
    """The bucket of ``--storage``; boto3 is imported only here, when asked for."""
    try:
        from bentosync.registry.storage_s3 import open_s3
    except ImportError as exc:
        raise StorageError(
            f"--storage {url} needs boto3 ({exc}); install it with "
            "pip install 'bentosync[registry]'. The desktop bundle does not include it."
        ) from None
    return open_s3(parse_storage_url(url))


def close_services(services: Services) -> None:
    services.multipart.close()
    services.uploads.close()
    services.blobs.drain()
    removed = services.blobs.sweep_tmp()
    services.db.close()
    services.blobs.close()
    logger.info("Registry closed (%d temp files removed)", removed)


def create_app(config: RegistryConfig) -> FastAPI:
    services = open_services(config)
    reaper = Reaper(services.db, services.blobs, config.stale_after, services.storage)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        reaper.start()
        try:
            yield
        finally:
            reaper.stop()
            close_services(services)

    app = FastAPI(
        title="BentoSync registry",
        version=__version__,
        description="A BentoCloud-compatible model registry (PROTOCOL.md).",
        lifespan=lifespan,
    )
    app.state.services = services
    metrics = RegistryMetrics()
    metrics.watch_database(
        services.catalog.count_by_status,
        services.catalog.count_open_multipart,
        lambda: services.uploads.rejected_archives,
    )
    app.state.metrics = metrics
    app.include_router(routes_ops.router)
    app.include_router(routes_models.router)
    if services.storage is not None:
        app.include_router(routes_s3.router)
    elif services.flavor.s3_storage:
        app.include_router(routes_stored.router)
    else:
        app.include_router(routes_upload.router)
        app.include_router(routes_blobs.router)
    _install_error_handlers(app)
    # Last added runs first: log everything, count it, then authenticate, then cap JSON.
    app.add_middleware(JsonLimitMiddleware, limit=config.max_json_bytes)
    app.add_middleware(AuthMiddleware, tokens=services.tokens)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(AccessLogMiddleware)
    return app


def create_asgi_app(config: RegistryConfig) -> ASGIApp:
    """The API app, and where the flavour has one, the storage endpoint beside it.

    ``config.storage_port`` must be the port actually bound: the API writes it
    into presigned URLs, and the dispatcher sends that port's requests to storage.
    """
    app = create_app(config)
    services: Services = app.state.services
    if not services.flavor.s3_storage or config.object_storage:
        return app
    return PortDispatch(app, {config.storage_port: create_storage_app(services)})


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        headers = None
        if isinstance(exc, RangeNotSatisfiable):
            headers = {"Content-Range": f"bytes */{exc.size}"}
        return _error(exc.status, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors()[:5]:
            where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
            problems.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
        return _error(400, "Invalid request: " + "; ".join(problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.error("Unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
        return _error(500, "Internal error in the registry; see its log.")
