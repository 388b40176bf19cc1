"""How the CLI writes: JSON results and errors for scripts, and text any stream can carry.

Scripts that run ``bentosync push --json`` read one JSON object from stdout
whatever happens: the result, or an error with a ``kind`` they can branch on
(``auth``, ``not_found``, ``network``, ``integrity``, ``usage``, ``cancelled``,
``failure``), besides the exit code of the contract (0, 1, 2). The words come
from the application's one error presenter, so a script logs what a person
would have read.

A pipe or a console whose encoding cannot carry ``✓`` (``PYTHONIOENCODING=ascii``,
a Windows code page) must not turn a finished push into a UnicodeEncodeError:
``make_streams_safe`` lets such streams replace what they cannot encode, and
``can_encode`` lets the progress view choose ASCII symbols there.
"""

from __future__ import annotations

import codecs
import io
import json
import sys
from typing import Any, TextIO

from bentosync.core.errors import BentoSyncError

KIND_AUTH = "auth"
KIND_NOT_FOUND = "not_found"
KIND_NETWORK = "network"
KIND_INTEGRITY = "integrity"
KIND_USAGE = "usage"
KIND_CANCELLED = "cancelled"
KIND_FAILURE = "failure"


def _kinds() -> tuple[tuple[tuple[type[BaseException], ...], str], ...]:
    """Exception types to kinds, most specific first (CloudModelNotFound is both a
    NotFound and a ModelNotFound). Imported here: every command imports this module,
    and only a failure needs the error classes."""
    from bentosync.core.cloud_errors import (
        AuthError,
        ConnectionFailed,
        InvalidEndpoint,
        NotFound,
        ServerError,
        TLSError,
    )
    from bentosync.core.credentials import NotLoggedIn
    from bentosync.core.errors import (
        Cancelled,
        InvalidModel,
        InvalidTag,
        ModelNotFound,
        RecordConflict,
        UnsafeArchive,
    )
    from bentosync.core.keyring_store import KeyringUnavailable
    from bentosync.core.transfer.expectations import ChecksumMismatch, IncompleteArchive

    return (
        ((Cancelled, KeyboardInterrupt), KIND_CANCELLED),
        ((NotLoggedIn, AuthError, KeyringUnavailable), KIND_AUTH),
        ((NotFound, ModelNotFound), KIND_NOT_FOUND),
        ((ConnectionFailed, TLSError, ServerError), KIND_NETWORK),
        (
            (ChecksumMismatch, IncompleteArchive, UnsafeArchive, InvalidModel, RecordConflict),
            KIND_INTEGRITY,
        ),
        ((InvalidTag, InvalidEndpoint), KIND_USAGE),
    )


class IntegrityFailure(BentoSyncError):
    """A check found the bytes are not what they should be (``verify`` of a changed model).

    ``details`` go into the JSON error object, so a script learns which files differ.
    """

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.details = details or {}


def error_kind(exc: BaseException) -> str:
    """The class of failure a script branches on."""
    if isinstance(exc, IntegrityFailure):
        return KIND_INTEGRITY
    for types, kind in _kinds():
        if isinstance(exc, types):
            return kind
    return KIND_FAILURE


def error_object(exc: BaseException, *, message: str = "", endpoint: str = "") -> dict[str, Any]:
    """``{"ok": false, "error": {...}}`` for ``exc``, worded by the error presenter.

    ``message``: the CLI's own sentence for it, when it has one (the stderr line).
    """
    from bentosync.application.errors import present

    report = present(exc, endpoint)
    return {
        "ok": False,
        "error": {
            "kind": error_kind(exc),
            "title": report.title,
            "message": message or report.message,
            "remedy": report.remedy.value,
        },
        **({"details": exc.details} if isinstance(exc, IntegrityFailure) else {}),
    }


def usage_error_object(message: str) -> dict[str, Any]:
    return {
        "ok": False,
        "error": {
            "kind": KIND_USAGE,
            "title": "Wrong command line",
            "message": message,
            "remedy": "input",
        },
    }


def print_json(value: Any, stream: TextIO | None = None) -> None:
    """One JSON document on its own line(s); non-ASCII kept, since JSON readers expect UTF-8."""
    out = stream or sys.stdout
    ascii_only = not can_encode(out, "é")
    out.write(json.dumps(value, indent=2, ensure_ascii=ascii_only) + "\n")
    out.flush()


def can_encode(stream: TextIO, text: str) -> bool:
    """Whether ``stream``'s encoding carries ``text`` (a glyph the output wants to use)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        codecs.encode(text, encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def make_streams_safe() -> None:
    """Let stdout and stderr replace what their encoding cannot carry, instead of raising.

    UTF-8 streams are left alone. ``backslashreplace`` keeps the information
    (``caf\\xe9``) where a label or a path holds what the stream cannot show.
    """
    for stream in (sys.stdout, sys.stderr):
        if not isinstance(stream, io.TextIOWrapper):
            continue  # replaced by a test or an embedding program: theirs to manage
        if codecs.lookup(stream.encoding or "utf-8").name == "utf-8":
            continue
        stream.reconfigure(errors="backslashreplace")
