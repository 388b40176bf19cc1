"""The optional parts of BentoSync, and the message for a command that needs a missing one.

``pip install bentosync`` is the CLI and the Python API; the window needs
``bentosync[gui]`` (Qt) and the registry server ``bentosync[registry]``
(FastAPI, uvicorn). A command that needs a part which is not installed
fails with a ``ModuleNotFoundError`` deep in its import; ``cli.main`` turns it
into one sentence that says what to install, instead of a traceback.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

#: Top-level module -> (extra that provides it, what needs it, in words).
EXTRA_OF_MODULE: dict[str, tuple[str, str]] = {
    "PySide6": ("gui", "The window"),
    "shiboken6": ("gui", "The window"),
    "fastapi": ("registry", "The registry server"),
    "starlette": ("registry", "The registry server"),
    "pydantic": ("registry", "The registry server"),
    "uvicorn": ("registry", "The registry server"),
    "httptools": ("registry", "The registry server"),
}


def missing_extra_message(exc: ModuleNotFoundError) -> str | None:
    """What to install for ``exc``, or None when it is not a module of an optional part."""
    top = (exc.name or "").split(".")[0]
    found = EXTRA_OF_MODULE.get(top)
    if found is None:
        return None
    extra, what = found
    return (
        f"{what} needs the optional part {extra!r} of BentoSync ({top} is not installed). "
        f"Install it with: pip install 'bentosync[{extra}]'"
    )
