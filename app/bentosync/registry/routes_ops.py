"""``/healthz``, ``/readyz`` and ``/metrics``: what a load balancer and Prometheus ask.

They live outside ``/api``, so they need no API token (``auth.py`` guards
``/api`` only) and a probe never holds one. What they show carries no model
name and no secret: health is a word, metrics are labelled by route template.

- ``/healthz`` (liveness) answers 200 while the process serves HTTP at all; it
  touches nothing shared, so a slow database never gets a replica restarted.
- ``/readyz`` (readiness) answers 200 only when this replica can do its job:
  the database answers a query and archive storage (the bucket of
  ``--storage``, else the data dir) is reachable. Otherwise
  503 with what failed, so the proxy sends traffic to another replica.

On SIGTERM uvicorn closes the listening socket at once (new connections go
to the other replicas) and gives running requests ``--shutdown-grace``
seconds to finish, so readiness needs no separate draining state.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST

from bentosync.registry.context import Services, get_services
from bentosync.registry.metrics import RegistryMetrics

logger = logging.getLogger(__name__)

router = APIRouter(include_in_schema=False)
# A readiness probe that waits longer than this counts the check as failed:
# load balancers probe every few seconds and give up after a few more.
CHECK_TIMEOUT = 3.0


@router.get("/healthz")
async def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    services = get_services(request)
    checks = readiness_checks(services)
    results = await asyncio.gather(*(_run_check(check) for check in checks.values()))
    failures = {name: problem for name, problem in zip(checks, results, strict=True) if problem}
    if failures:
        logger.warning("Not ready: %s", "; ".join(f"{k}: {v}" for k, v in failures.items()))
        return JSONResponse({"status": "unavailable", "failed": failures}, status_code=503)
    return JSONResponse({"status": "ready", "checks": list(checks)})


@router.get("/metrics")
async def metrics(request: Request) -> Response:
    registry_metrics: RegistryMetrics = request.app.state.metrics
    # Collectors query the database: off the event loop, as every other query is.
    body = await asyncio.to_thread(registry_metrics.exposition)
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def readiness_checks(services: Services) -> dict[str, Callable[[], None]]:
    """Name -> a blocking check that raises when that part cannot serve."""
    storage = services.storage
    return {
        "database": services.db.ping,
        # The bucket where archives live, else the data dir where uploads land.
        "storage": storage.ping if storage is not None else services.blobs.ping,
    }


async def _run_check(check: Callable[[], None]) -> str:
    """ "" when the check passed, else why not (one line, for a person and a probe log)."""
    try:
        await asyncio.wait_for(asyncio.to_thread(check), CHECK_TIMEOUT)
    except asyncio.TimeoutError:
        return f"no answer within {CHECK_TIMEOUT:.0f} s"
    except Exception as exc:
        return str(exc) or type(exc).__name__
    return ""
