"""Running a registry: in the foreground (the CLI) or on a thread (the desktop launcher).

We bind the sockets ourselves so ``--port 0`` can report the port the kernel
picked, and announce readiness only after uvicorn has started serving, so a
caller that waits for the announcement never races the listener. The
bentocloud flavour binds a second socket, on the same host, for its storage
endpoint; one uvicorn server serves both (``dispatch``).
Uvicorn handles SIGINT/SIGTERM: running requests get ``shutdown_grace``
seconds, then the app's lifespan closes the database and cleans temp files.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from bentosync.registry.config import RegistryConfig, endpoint_for

logger = logging.getLogger(__name__)

READY_PREFIX = "BentoSync registry listening on "
# Printed after READY_PREFIX's line by a server with a storage endpoint.
STORAGE_READY_PREFIX = "BentoSync storage listening on "


@dataclass(frozen=True)
class Endpoints:
    """Where a running registry listens: its API, and its storage endpoint if it has one."""

    api: str
    storage: str | None = None


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only then, and
    # without it every small response waits out a 40 ms delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def http_protocol() -> Any:
    """``RawBodyProtocol`` (archive bodies without uvicorn's copies, see rawbody), or
    uvicorn's own choice where its internals are not the ones rawbody was built on."""
    try:
        from bentosync.registry.rawbody import RawBodyProtocol
    except ImportError as exc:
        logger.warning(
            "Serving with uvicorn's stock HTTP protocol (%s): uploads are received "
            "the plain way, somewhat slower.",
            exc,
        )
        return "auto"
    return RawBodyProtocol


def _make_server(
    config: RegistryConfig, on_ready: Callable[[Endpoints], None] | None
) -> tuple[Any, list[socket.socket]]:
    import uvicorn

    from bentosync.registry.app import create_asgi_app
    from bentosync.registry.flavor import flavor_of

    sockets = [bind_socket(config.host, config.port)]
    try:
        # With real object storage its presigned URLs replace the emulated endpoint.
        if flavor_of(config).s3_storage and not config.object_storage:
            sockets.append(bind_socket(config.host, config.storage_port))
            config = replace(config, storage_port=sockets[1].getsockname()[1])
        app = create_asgi_app(config)
    except BaseException:
        for sock in sockets:
            sock.close()
        raise
    endpoints = Endpoints(
        endpoint_for(config.host, sockets[0].getsockname()[1]),
        endpoint_for(config.host, config.storage_port) if len(sockets) > 1 else None,
    )

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and on_ready is not None:
                on_ready(endpoints)

    uv_config = uvicorn.Config(
        app,
        access_log=False,  # ours strips query strings (signatures), see middleware
        log_config=None,  # keep the logging the CLI set up
        timeout_graceful_shutdown=int(config.shutdown_grace),
        timeout_keep_alive=30,
        lifespan="on",
        http=http_protocol(),
    )
    return _Server(uv_config), sockets


def _serve(server: Any, sockets: list[socket.socket]) -> None:
    try:
        server.run(sockets=sockets)
    finally:
        for sock in sockets:
            sock.close()


def run_server(config: RegistryConfig, on_ready: Callable[[Endpoints], None] | None = None) -> None:
    """Serve until SIGINT/SIGTERM; ``on_ready(endpoints)`` runs once listening."""
    _serve(*_make_server(config, on_ready))


class RegistryThread:
    """A registry served from a daemon thread of this process, for the desktop app.

    ``start()`` returns the endpoint once it accepts requests; ``stop()`` shuts it
    down the same graceful way a signal would.
    """

    def __init__(self, config: RegistryConfig) -> None:
        self.config = config
        self.endpoint = ""
        self.storage_endpoint: str | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> str:
        def ready(endpoints: Endpoints) -> None:
            self.endpoint, self.storage_endpoint = endpoints.api, endpoints.storage
            self._ready.set()

        def serve() -> None:
            try:
                self._server, sockets = _make_server(self.config, ready)
                _serve(self._server, sockets)
            except BaseException as exc:
                self._error = exc
                self._ready.set()

        self._thread = threading.Thread(target=serve, name="bentosync-registry", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"The registry did not start within {timeout:.0f} s.")
        if self._error is not None:
            raise self._error
        return self.endpoint

    def stop(self, timeout: float = 30.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
