"""One ASGI app per listening socket, for one uvicorn server that serves several.

The bentocloud flavour's storage endpoint lives on a port of its own but in
the registry's process: one server, one event loop, one lifespan (the API
app's, which opens and closes the data dir both apps share). Uvicorn puts
the local address of the connection in ``scope["server"]``; the port picks
the app.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Receive, Scope, Send

logger = logging.getLogger(__name__)


class PortDispatch:
    """Requests to a port in ``by_port`` go to that app; everything else, lifespan
    included, goes to ``default``."""

    def __init__(self, default: ASGIApp, by_port: dict[int, ASGIApp]) -> None:
        self.default = default
        self.by_port = by_port

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.default
        if scope["type"] in ("http", "websocket"):
            server = scope.get("server")
            if server is not None and server[1] in self.by_port:
                app = self.by_port[server[1]]
        await app(scope, receive, send)
