"""What every route needs: the services of one server, and name/record lookups.

The services hang off ``app.state`` (not module globals), so a test or the
desktop launcher can run several registries in one process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends
from starlette.requests import Request

from bentosync.core.errors import InvalidTag
from bentosync.core.tags import validate_part, validate_stored_version
from bentosync.registry.auth import TokenStore
from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import Catalog, ModelRecord, Repository
from bentosync.registry.config import RegistryConfig, endpoint_for
from bentosync.registry.db import Database
from bentosync.registry.errors import BadRequest, NotFound
from bentosync.registry.flavor import Flavor
from bentosync.registry.multipart import Multipart
from bentosync.registry.objects import ObjectStore
from bentosync.registry.schemas import model_schema, repository_schema
from bentosync.registry.signing import Signer
from bentosync.registry.storage import ObjectStorage
from bentosync.registry.storage_signing import StorageSigner
from bentosync.registry.uploads import Uploads

logger = logging.getLogger(__name__)


@dataclass
class Services:
    config: RegistryConfig
    db: Database
    tokens: TokenStore
    catalog: Catalog
    blobs: BlobStore
    uploads: Uploads
    multipart: Multipart
    signer: Signer
    flavor: Flavor
    # The storage endpoint's side: used where ``flavor.s3_storage``.
    objects: ObjectStore
    storage_signer: StorageSigner
    # Object storage (``--storage s3://...``); None keeps archives in the data dir.
    storage: ObjectStorage | None = None

    def base_url(self, request: Request) -> str:
        """Where clients reach us: ``--public-url`` if set, else as this request came in."""
        return self.config.public_url or str(request.base_url)

    def storage_url(self, request: Request) -> str:
        """Where clients reach the storage endpoint: ``--public-storage-url`` if set,
        else the storage port under the host name this request used for the API.

        A client that reached the API at some name reaches the storage port
        there too, whatever address the server bound (``0.0.0.0``, say).
        """
        if self.config.public_storage_url:
            return self.config.public_storage_url
        host = request.url.hostname or self.config.host
        return endpoint_for(host, self.config.storage_port)

    def model_json(self, model: ModelRecord, **kwargs: Any) -> dict[str, Any]:
        """A model record as this server's flavour renders it (PROTOCOL.md 2)."""
        extensions = self.flavor.extensions(model)
        return model_schema(model, self.config.strategy, extensions=extensions, **kwargs)

    def repository_json(self, repository: Repository, latest: ModelRecord | None) -> dict[str, Any]:
        return repository_schema(repository, None if latest is None else self.model_json(latest))


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def repository_name(name: str) -> str:
    try:
        return validate_part(name, "name")
    except InvalidTag as exc:
        raise BadRequest(str(exc)) from None


def model_version(version: str) -> str:
    try:
        return validate_stored_version(version)
    except InvalidTag as exc:
        raise BadRequest(str(exc)) from None


def find_repository(services: Services, name: str) -> Repository:
    name = repository_name(name)
    repository = services.catalog.get_repository(name)
    if repository is None:
        raise NotFound(f'model repository "{name}"')
    return repository


def find_model(services: Services, name: str, version: str) -> ModelRecord:
    name, version = repository_name(name), model_version(version)
    model = services.catalog.get_model(name, version)
    if model is None:
        if services.catalog.get_repository(name) is None:
            raise NotFound(f'model repository "{name}"')
        raise NotFound(f'model "{name}:{version}"')
    return model
