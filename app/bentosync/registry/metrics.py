"""Prometheus metrics of one registry: requests, bytes, upload states, rejected archives.

Each app gets its own ``CollectorRegistry``, not prometheus_client's global
one: a process may serve several registries (the tests, the desktop app's
embedded one beside a user's), and each ``/metrics`` must speak for its own.
Replicas are scraped one by one; Prometheus sums them.

Labels stay bounded: a request is labelled by its route's template
(``/api/v1/model_repositories/{name}/models/{version}``), never by the path a
client sent, so model names cannot grow the series count, and a path that
matched no route is ``unmatched``. Upload states are read from the database at
scrape time (one ``GROUP BY`` over an indexed column), so every replica
reports the same shared truth and nothing drifts when another replica writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bentosync.core.version import __version__
from bentosync.registry.ingest import RAW_BODY

logger = logging.getLogger(__name__)

UNMATCHED = "unmatched"
# Seconds; archive transfers run for minutes, API calls for milliseconds.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800)


class _DatabaseCollector(Collector):
    """Gauges read from the shared database at scrape time, and the rejection count."""

    def __init__(
        self,
        count_by_status: Callable[[], dict[str, int]],
        open_multipart: Callable[[], int],
        rejected_archives: Callable[[], int],
    ) -> None:
        self._count_by_status = count_by_status
        self._open_multipart = open_multipart
        self._rejected_archives = rejected_archives

    def collect(self) -> Iterable[Any]:
        models = GaugeMetricFamily(
            "bentosync_registry_models",
            "Model versions by upload status, from the database every replica shares.",
            labels=["status"],
        )
        multipart = GaugeMetricFamily(
            "bentosync_registry_multipart_uploads_open",
            "Multipart uploads started and neither completed nor aborted yet.",
        )
        try:
            counts = self._count_by_status()
            open_uploads = self._open_multipart()
        except Exception as exc:  # a scrape must answer even while the database is down
            logger.warning("Metrics could not read the database: %s", exc)
        else:
            for status in ("pending", "uploading", "success", "failed"):
                models.add_metric([status], counts.get(status, 0))
            multipart.add_metric([], open_uploads)
            yield models
            yield multipart
        rejected = CounterMetricFamily(
            "bentosync_registry_verification_failures",
            "Archives this replica refused: wrong bytes, unsafe members or a file list "
            "that did not match.",
        )
        rejected.add_metric([], self._rejected_archives())
        yield rejected


class RegistryMetrics:
    """The metric objects of one registry app, and the text ``/metrics`` serves."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "bentosync_registry_requests",
            "HTTP requests answered, by route template and status code.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "bentosync_registry_request_duration_seconds",
            "Time from a request's arrival to the end of its answer.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.bytes_received = Counter(
            "bentosync_registry_received_bytes",
            "Request body bytes read, by route template (archives and parts dominate).",
            ["route"],
            registry=self.registry,
        )
        self.bytes_sent = Counter(
            "bentosync_registry_sent_bytes",
            "Response body bytes written, by route template.",
            ["route"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "bentosync_registry_requests_in_flight",
            "Requests being answered now; graceful shutdown waits for these.",
            registry=self.registry,
        )
        info = Gauge(
            "bentosync_registry_build_info",
            "Always 1; the labels say which release this replica runs.",
            ["version"],
            registry=self.registry,
        )
        info.labels(__version__).set(1)

    def watch_database(
        self,
        count_by_status: Callable[[], dict[str, int]],
        open_multipart: Callable[[], int],
        rejected_archives: Callable[[], int],
    ) -> None:
        self.registry.register(
            _DatabaseCollector(count_by_status, open_multipart, rejected_archives)
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def route_template(scope: Scope) -> str:
    """The matched route's path template, set by FastAPI's router in the scope."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class _CountingRawBody:
    """A raw body (``rawbody.py``) that adds what it hands out to the received count.

    Archive bodies taken this way never pass through ``receive()``, where the
    middleware counts everything else.
    """

    def __init__(self, body: Any, count: Callable[[int], None]) -> None:
        self._body = body
        self._count = count

    async def fill(self, target: memoryview) -> int:
        filled: int = await self._body.fill(target)
        self._count(filled)
        return filled

    def __getattr__(self, name: str) -> Any:
        return getattr(self._body, name)


class MetricsMiddleware:
    """Counts every HTTP request, its bytes both ways, and its time (pure ASGI, as
    ``middleware.py`` says why)."""

    def __init__(self, app: ASGIApp, metrics: RegistryMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = 0
        # Bytes are counted as they move, not when the request ends: an archive
        # upload runs for minutes, and rate() over it must show it running. The
        # route is known by then (the router matched it before the body is read).
        received = self.metrics.bytes_received
        sent = self.metrics.bytes_sent

        def add_received(count: int) -> None:
            if count:
                received.labels(route_template(scope)).inc(count)

        async def counting_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                add_received(len(message.get("body", b"")))
            return message

        async def counting_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                body = message.get("body", b"")
                if body:
                    sent.labels(route_template(scope)).inc(len(body))
            await send(message)

        extensions = scope.get("extensions")
        if extensions and RAW_BODY in extensions:
            take = extensions[RAW_BODY]

            def counted_take() -> Any:
                body = take()
                return None if body is None else _CountingRawBody(body, add_received)

            scope = {**scope, "extensions": {**extensions, RAW_BODY: counted_take}}

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, counting_receive, counting_send)
        finally:
            self.metrics.in_flight.dec()
            route = route_template(scope)
            method = scope.get("method", "")
            self.metrics.requests.labels(method, route, str(status or 500)).inc()
            self.metrics.latency.labels(method, route).observe(time.monotonic() - started)
