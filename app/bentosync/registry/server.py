"""Running a registry: in the foreground (the CLI) or on a thread (the desktop launcher).

We bind the socket ourselves so ``--port 0`` can report the port the kernel
picked, and announce readiness only after uvicorn has started serving, so a
caller that waits for the announcement never races the listener.
Uvicorn handles SIGINT/SIGTERM: running requests get ``shutdown_grace``
seconds, then the app's lifespan closes the database and cleans temp files.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from typing import Any

from bentosync.registry.config import RegistryConfig

logger = logging.getLogger(__name__)

READY_PREFIX = "BentoSync registry listening on "


def endpoint_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


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


def _make_server(
    config: RegistryConfig, on_ready: Callable[[str], None] | None
) -> tuple[Any, socket.socket]:
    import uvicorn

    from bentosync.registry.app import create_app
    from bentosync.registry.rawbody import RawBodyProtocol

    sock = bind_socket(config.host, config.port)
    try:
        app = create_app(config)
    except BaseException:
        sock.close()
        raise
    port = sock.getsockname()[1]
    endpoint = endpoint_for(config.host, port)

    class _Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and on_ready is not None:
                on_ready(endpoint)

    uv_config = uvicorn.Config(
        app,
        access_log=False,  # ours strips query strings (signatures), see middleware
        log_config=None,  # keep the logging the CLI set up
        timeout_graceful_shutdown=int(config.shutdown_grace),
        timeout_keep_alive=30,
        lifespan="on",
        http=RawBodyProtocol,  # archive bodies without uvicorn's copies: see rawbody
    )
    return _Server(uv_config), sock


def run_server(config: RegistryConfig, on_ready: Callable[[str], None] | None = None) -> None:
    """Serve until SIGINT/SIGTERM; ``on_ready(endpoint)`` runs once listening."""
    server, sock = _make_server(config, on_ready)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()


class RegistryThread:
    """A registry served from a daemon thread of this process, for the desktop app.

    ``start()`` returns the endpoint once it accepts requests; ``stop()`` shuts it
    down the same graceful way a signal would.
    """

    def __init__(self, config: RegistryConfig) -> None:
        self.config = config
        self.endpoint = ""
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self, timeout: float = 30.0) -> str:
        def ready(endpoint: str) -> None:
            self.endpoint = endpoint
            self._ready.set()

        def serve() -> None:
            try:
                self._server, sock = _make_server(self.config, ready)
                try:
                    self._server.run(sockets=[sock])
                finally:
                    sock.close()
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
