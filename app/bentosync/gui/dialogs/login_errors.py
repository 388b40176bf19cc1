"""Tell login failures apart: a bad token, an unreachable endpoint, a keyring that won't.

Each needs a different fix (re-copy the token; check the URL or network;
unlock or install a keyring), and vorta #385 / #2266 show what happens when a
locked keyring is reported as a wrong password. The dialogs show the message
and pick their remedy (e.g. "Keep for this session only") from the kind.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from bentosync.core.cloud import (
    AuthError,
    CloudClient,
    CloudUser,
    ConnectionFailed,
    InvalidEndpoint,
    NotFound,
    TLSError,
)
from bentosync.core.errors import BentoSyncError
from bentosync.core.keyring_store import KeyringUnavailable

logger = logging.getLogger(__name__)


class ProblemKind(str, enum.Enum):
    AUTH = "auth"
    UNREACHABLE = "unreachable"
    KEYRING = "keyring"
    INPUT = "input"
    OTHER = "other"


@dataclass(frozen=True)
class Problem:
    """What went wrong, in words, and which kind of remedy applies."""

    kind: ProblemKind
    message: str


def classify(exc: BaseException, endpoint: str = "") -> Problem:
    """The problem behind ``exc``, with a message that says what to do."""
    where = endpoint or "the endpoint"
    if isinstance(exc, AuthError):
        status = f" (HTTP {exc.status})" if exc.status else ""
        return Problem(
            ProblemKind.AUTH,
            f"{where} refused this token{status}. Check that it is complete, not expired, "
            "and made for this endpoint.",
        )
    if isinstance(exc, InvalidEndpoint):
        return Problem(ProblemKind.UNREACHABLE, str(exc))
    if isinstance(exc, TLSError):
        return Problem(ProblemKind.UNREACHABLE, f"Cannot connect securely to {where}: {exc}")
    if isinstance(exc, ConnectionFailed):
        text = str(exc).rstrip(".")  # already names the endpoint and the cause
        if where not in text:
            text = f"Cannot reach {where}: {text}"
        return Problem(
            ProblemKind.UNREACHABLE,
            f"{text[:1].upper()}{text[1:]}. Check the URL and your network connection.",
        )
    if isinstance(exc, KeyringUnavailable):
        return Problem(ProblemKind.KEYRING, str(exc))
    if isinstance(exc, NotFound):
        return Problem(
            ProblemKind.OTHER,
            f"{where} answered, but knows no user for this token ({exc}). Is it a "
            "BentoCloud-compatible registry?",
        )
    if isinstance(exc, BentoSyncError):
        return Problem(ProblemKind.OTHER, str(exc))
    logger.debug("Unexpected login failure", exc_info=exc)
    return Problem(ProblemKind.OTHER, f"Unexpected error: {exc or type(exc).__name__}")


def check_token(endpoint: str, token: str) -> CloudUser:
    """Whose token this is (GET /auth/current). Blocking: call it on a worker."""
    with CloudClient(endpoint, token) as client:
        return client.current_user()
