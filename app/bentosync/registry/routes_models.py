"""Who am I, repositories, model records and the listings (PROTOCOL.md 3, #1-#8).

Plain ``def`` routes: FastAPI runs them on its thread pool, where a short wait
on the database lock never stalls the event loop that streams archives.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from pydantic import ValidationError

from bentosync.registry.bodies import CreateModelBody, CreateRepositoryBody
from bentosync.registry.catalog import ModelRecord, Repository
from bentosync.registry.context import (
    Services,
    ServicesDep,
    find_model,
    find_repository,
    model_version,
    repository_name,
)
from bentosync.registry.errors import BadRequest
from bentosync.registry.query import parse_query
from bentosync.registry.schemas import list_schema, organization_schema, user_schema

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/api/v1")
JSON = dict[str, Any]


@router.get("/auth/current")
def current_user(request: Request) -> JSON:
    return user_schema(request.state.token_name)


@router.get("/current_org")
def current_org() -> JSON:
    return organization_schema()


@router.get("/model_repositories")
def list_repositories(
    services: ServicesDep,
    start: str | None = None,
    count: str | None = None,
) -> JSON:
    first, size = _page(start, count)
    total, repositories = services.catalog.page_repositories(first, size)
    latest = services.catalog.latest_models(repo.id for repo in repositories)
    items = [services.repository_json(repo, latest.get(repo.id)) for repo in repositories]
    return list_schema(first, len(items), total, items)


@router.get("/model_repositories/{name}")
def get_repository(name: str, services: ServicesDep) -> JSON:
    repository = find_repository(services, name)
    latest = services.catalog.latest_model(repository.id)
    return services.repository_json(repository, latest)


@router.post("/model_repositories")
def create_repository(body: CreateRepositoryBody, services: ServicesDep) -> JSON:
    name = repository_name(body.name)
    labels = [label.model_dump() for label in body.labels]
    repository = services.catalog.create_repository(name, body.description, labels)
    latest = services.catalog.latest_model(repository.id)
    return services.repository_json(repository, latest)


@router.get("/model_repositories/{name}/models/{version}")
def get_model(name: str, version: str, services: ServicesDep) -> JSON:
    model = find_model(services, name, version)
    return services.model_json(model)


@router.post("/model_repositories/{name}/models")
def create_model(name: str, body: CreateModelBody, services: ServicesDep) -> JSON:
    repository = find_repository(services, name)
    version = model_version(body.version)
    try:
        build_at = body.build_time()
        manifest, list_given = services.flavor.stored_manifest(body.manifest)
    except (ValueError, ValidationError) as exc:
        raise BadRequest(str(exc)) from None
    model = services.catalog.create_model(
        repository,
        version,
        description=body.description,
        labels=[label.model_dump() for label in body.labels],
        manifest=manifest,
        build_at=build_at,
        list_from_client=list_given,
    )
    logger.info("Created model %s", model.tag)
    return services.model_json(model)


@router.delete("/model_repositories/{name}/models/{version}")
def delete_model(name: str, version: str, services: ServicesDep) -> JSON:
    """Remove a version and its archive, on request only (BentoCloud's API has it too).

    The official client never calls it, and no push or pull may: a version may
    be in use elsewhere (PROTOCOL.md 12).
    """
    model = find_model(services, name, version)
    services.uploads.delete(model)
    logger.info("Deleted model %s", model.tag)
    return services.model_json(model)


@router.get("/model_repositories/{name}/models")
def list_repository_models(
    services: ServicesDep,
    name: str,
    start: str | None = None,
    count: str | None = None,
    q: str | None = None,
    search: str | None = None,
) -> JSON:
    """Newest first with successful uploads first: the official client's "latest" is items[0]."""
    repository = find_repository(services, name)
    return _listing(repository.id, start, count, q, search, services, with_repository=False)


@router.get("/models")
def list_models(
    services: ServicesDep,
    start: str | None = None,
    count: str | None = None,
    q: str | None = None,
    search: str | None = None,
) -> JSON:
    """Every model with its repository; everything when ``count`` is absent (model.list())."""
    return _listing(None, start, count, q, search, services, with_repository=True)


def _listing(
    repository_id: int | None,
    start: str | None,
    count: str | None,
    q: str | None,
    search: str | None,
    services: Services,
    with_repository: bool,
) -> JSON:
    """One page, read from the indexes: only its rows and their repositories are loaded."""
    first, size = _page(start, count)
    where = parse_query(q, search).where(services.db.dialect)
    total, page = services.catalog.page_models(repository_id, where, first, size)
    repositories: dict[int, Repository] = {}
    latest: dict[int, ModelRecord] = {}
    if with_repository:
        ids = {model.repository_id for model in page}
        repositories = services.catalog.repositories(ids)
        latest = services.catalog.latest_models(ids)
    items = []
    for model in page:
        repository = None
        if with_repository:
            repo = repositories[model.repository_id]
            repository = services.repository_json(repo, latest.get(repo.id))
        items.append(services.model_json(model, repository=repository))
    return list_schema(first, len(items), total, items)


def _page(start: str | None, count: str | None) -> tuple[int, int | None]:
    """``start``/``count`` query strings as ints; no count (None) means "all the rest"."""
    try:
        first = int(start) if start not in (None, "") else 0
        size = int(count) if count not in (None, "") else None
    except ValueError:
        raise BadRequest("start and count must be whole numbers.") from None
    if first < 0 or (size is not None and size < 0):
        raise BadRequest("start and count must not be negative.")
    return first, size
