"""One error presenter: what went wrong (title, message) and what a person can do about it.

Why one: the window had four of these (a job's failure, a delete's or an
import's failure, the Cloud pane's problem page, the login dialog's
problem), each with its own wording for the same exception and two of
them with their own idea of the remedy. Here every failure is read once:
``present(exc)`` gives an :class:`ErrorReport` whose ``message`` is a
sentence for a person (never a traceback) and whose ``remedy`` names the
way out, which each face offers in its own way (the Cloud pane's "Log in"
button, the login dialog's "Keep for this session only", the CLI's exit
message). Qt-free, so the CLI and the API can use it too.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from bentosync.core.cloud_errors import (
    AuthError,
    CloudError,
    ConnectionFailed,
    InvalidEndpoint,
    TLSError,
)
from bentosync.core.credentials import NotLoggedIn
from bentosync.core.errors import BentoSyncError, RecordConflict
from bentosync.core.keyring_store import KeyringUnavailable

logger = logging.getLogger(__name__)


class Remedy(str, enum.Enum):
    """The way out of a failure; each face turns it into a button, a hint or an exit."""

    NONE = "none"  # read the message; nothing to press
    LOG_IN = "login"  # log in (again): no login, or a token the server refused
    CHECK_ENDPOINT = "endpoint"  # check the URL and the network, then try again
    KEYRING = "keyring"  # unlock or install a keyring, or keep the token for this session
    FIX_INPUT = "input"  # correct what was typed
    RETRY = "retry"  # try again later (refresh)
    START_REGISTRY = "registry"  # the embedded registry did not start: read its log
    REPLACE_RECORD = "record_conflict"  # delete the cloud version, then push again


@dataclass(frozen=True)
class ErrorReport:
    """A failure in words.

    Attributes:
        title: a short heading ("Cannot reach https://…").
        message: what happened and what to do, in sentences; never a traceback.
        remedy: the way out the face should offer.
    """

    title: str
    message: str
    remedy: Remedy = Remedy.NONE


class RegistryStartFailed(BentoSyncError):
    """The embedded registry did not come up; the message says why (its log's tail).

    Defined here, not beside the process supervisor (``bentosync.launcher``),
    so that the window can recognise it without importing the launcher.
    """


def failure_message(exc: BaseException) -> str:
    """The sentence for ``exc`` alone: ours as they are, OS errors with their file."""
    if isinstance(exc, BentoSyncError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"Unexpected error: {exc or type(exc).__name__}"


def present(exc: BaseException, endpoint: str = "") -> ErrorReport:
    """Read ``exc`` once for every face; ``endpoint`` names the registry it came from."""
    where = endpoint or "the registry"
    if isinstance(exc, NotLoggedIn):
        return ErrorReport(
            "Not logged in",
            "Log in to BentoCloud (or a compatible registry) to see its models here.\n" + str(exc),
            Remedy.LOG_IN,
        )
    if isinstance(exc, RegistryStartFailed):
        return ErrorReport("The local registry did not start", str(exc), Remedy.START_REGISTRY)
    if isinstance(exc, KeyringUnavailable):
        return ErrorReport("Cannot read the saved login", str(exc), Remedy.KEYRING)
    if isinstance(exc, AuthError):
        status = f" (HTTP {exc.status})" if exc.status else ""
        return ErrorReport(
            f"{where} refused the login",
            f"{where} refused this token{status}. Check that it is complete, not expired, "
            "and made for this endpoint.",
            Remedy.LOG_IN,
        )
    if isinstance(exc, InvalidEndpoint):
        return ErrorReport("Not a usable endpoint", str(exc), Remedy.CHECK_ENDPOINT)
    if isinstance(exc, TLSError):
        return ErrorReport(
            f"Cannot connect securely to {where}",
            f"Cannot connect securely to {where}: {exc}",
            Remedy.CHECK_ENDPOINT,
        )
    if isinstance(exc, ConnectionFailed):
        text = str(exc).rstrip(".")  # already names the endpoint and the cause
        if where not in text:
            text = f"Cannot reach {where}: {text}"
        return ErrorReport(
            f"Cannot reach {where}",
            f"{text[:1].upper()}{text[1:]}. Check the URL and your network connection.",
            Remedy.CHECK_ENDPOINT,
        )
    if isinstance(exc, RecordConflict):
        return ErrorReport("The cloud version lists other files", str(exc), Remedy.REPLACE_RECORD)
    if isinstance(exc, CloudError):
        return ErrorReport(f"{where} did not answer as expected", str(exc), Remedy.RETRY)
    if isinstance(exc, BentoSyncError | OSError):
        return ErrorReport("Something went wrong", failure_message(exc))
    logger.debug("Unexpected failure", exc_info=exc)
    return ErrorReport("Something went wrong", failure_message(exc))
