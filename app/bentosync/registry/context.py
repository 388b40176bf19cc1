"""What every route needs: the services of one server, and name/record lookups.

The services hang off ``app.state`` (not module globals), so a test or the
desktop launcher can run several registries in one process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from bentosync.core.errors import InvalidTag
from bentosync.core.tags import validate_part, validate_stored_version
from bentosync.registry.auth import TokenStore
from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import Catalog, ModelRecord, Repository
from bentosync.registry.config import RegistryConfig
from bentosync.registry.db import Database
from bentosync.registry.errors import BadRequest, NotFound
from bentosync.registry.multipart import Multipart
from bentosync.registry.signing import Signer
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

    def base_url(self, request: Request) -> str:
        """Where clients reach us: ``--public-url`` if set, else as this request came in."""
        return self.config.public_url or str(request.base_url)


def get_services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


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
