"""The BentoCloud-compatible model registry (FastAPI + uvicorn); never imports ``gui``.

Entry points: ``bentosync registry serve`` (``commands``), ``server.run_server``
and ``server.RegistryThread`` to serve a ``config.RegistryConfig``, and
``app.create_app`` for any ASGI server (``app.create_asgi_app`` with the
bentocloud flavour's storage endpoint, see FLAVORS.md). This package file
stays empty of imports so the CLI can build its parsers without loading the
web stack.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)
