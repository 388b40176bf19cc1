"""Errors of the BentoCloud client, and the masking that keeps secrets out of them.

Every HTTP outcome the client can meet becomes one of these classes, so callers
decide by type (retry a ``ServerError``, ask for login on ``AuthError``) and show
``str(err)`` as is; ``with_retries`` encodes which of them are worth repeating.
Messages name the endpoint and what to do; they never contain the API token or
a presigned URL's query string (its signature is a credential).
"""

from __future__ import annotations

import html
import logging
import random
import re
import socket
import ssl
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import requests

from bentosync.core.errors import BentoSyncError, ModelNotFound

logger = logging.getLogger(__name__)

T = TypeVar("T")

MAX_SERVER_TEXT = 500


def mask_url(url: str) -> str:
    """``url`` without its query string, fragment or user info, for logs and messages.

    Presigned URLs carry their signature in the query string, and a URL with
    ``user:password@`` carries a password; neither may reach a log line.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparsable URL>"
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    query = "<redacted>" if parts.query else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class CloudError(BentoSyncError):
    """Base of every failure talking to a BentoCloud-compatible server."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class InvalidEndpoint(CloudError, ValueError):
    """An endpoint string that is not an http(s) URL with a host."""


class AuthError(CloudError):
    """401/403: the token is missing, wrong, expired or lacks permission."""


class URLRejected(AuthError):
    """401/403 from a presigned URL: it expired or was tampered with; presign again.

    An ``AuthError`` (the URL is the credential here), so code that treats any
    refused credential alike keeps working; its message does not send the user
    to ``bentosync login``, because a new URL, not a new token, is what helps.
    """


class NotFound(CloudError, LookupError):
    """404, or 400 with "record not found" (how Yatai says it)."""


class CloudModelNotFound(NotFound, ModelNotFound):
    """The model (or its repository) is not in the cloud registry."""


class RequestRejected(CloudError):
    """Any other non-200 answer the server gave on purpose (400, 409, 201...)."""


class ServerError(CloudError):
    """5xx: the server failed; worth a retry, and worth reporting with its trace id."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        trace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.trace_id = trace_id
        self.retry_after = retry_after


class ConnectionFailed(CloudError):
    """The server could not be reached or dropped the connection: DNS, refused, reset."""


class RequestTimeout(ConnectionFailed):
    """Connecting or waiting for bytes took longer than the timeout."""


class TLSError(CloudError):
    """The TLS handshake failed (certificate not trusted, wrong host, old protocol).

    Not a ``ConnectionFailed``: retrying cannot fix a certificate.
    """


class ProtocolError(CloudError):
    """The server answered something this client cannot use (bad JSON, a redirect)."""


class BodyLengthMismatch(CloudError, ValueError):
    """An upload body gave more or fewer bytes than declared (a file changed while sent)."""


class RangeNotSatisfiable(CloudError):
    """416 on a ranged GET: the resume offset is past the end of the object."""


def scrub(text: str, *secrets: str | None) -> str:
    """``text`` with every secret replaced, for server text we echo to the user."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<redacted>")
    return text


_S3_ERROR = re.compile(r"^(?:<\?xml[^>]*\?>\s*)?<Error>(.*)</Error>$", re.DOTALL)


def _s3_error_text(text: str) -> str | None:
    """``Code: Message`` of an S3 XML error body (presigned URLs lead to S3), else None.

    Read with patterns, not an XML parser: the body comes from a server we do
    not trust, and only two flat elements are wanted.
    """
    match = _S3_ERROR.match(text)
    if match is None:
        return None

    def element(name: str) -> str:
        found = re.search(rf"<{name}>([^<]*)</{name}>", match.group(1))
        return html.unescape(found.group(1)).strip() if found else ""

    code, message = element("Code"), element("Message")
    if not code:
        return None
    return f"{code}: {message}" if message else code


def server_text(body: bytes | str, *secrets: str | None) -> str:
    """The human part of an error body: Yatai's ``error``/``message`` key, S3's
    ``Code: Message``, else the text."""
    import json

    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = text.strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            if isinstance(data.get(key), str) and data[key]:
                text = data[key]
                break
    elif text.startswith("<"):
        text = _s3_error_text(text) or text
    if len(text) > MAX_SERVER_TEXT:
        text = text[:MAX_SERVER_TEXT] + "..."
    return scrub(text, *secrets)


def is_not_found(status: int, text: str) -> bool:
    """The official client's ``_is_not_found``: 404, or 400 saying "record not found"."""
    return status == 404 or (status == 400 and "record not found" in text)


def error_for_status(
    status: int,
    text: str,
    *,
    endpoint: str,
    what: str,
    model: str | None = None,
    trace_id: str | None = None,
    retry_after: float | None = None,
    presigned: bool = False,
) -> CloudError:
    """The error for a non-200 answer to ``what`` (e.g. "GET /api/v1/auth/current").

    ``text`` must already be scrubbed. ``model`` names the model or repository the
    call was about, so a 404 becomes "model X was not found on E" instead of a raw
    status. ``presigned`` marks a call made with a presigned URL instead of the
    token, where 401/403 means the URL, not the login.
    """
    detail = f": {text}" if text else ""
    if presigned and status in (401, 403):
        return URLRejected(
            f"the storage behind {endpoint} refused the presigned URL (HTTP {status}{detail}); "
            "it may have expired, so ask the server for a new one",
            status=status,
        )
    if status in (401, 403):
        return AuthError(
            f"the API token for {endpoint} was refused (HTTP {status}{detail}); "
            "run `bentosync login`",
            status=status,
        )
    if is_not_found(status, text):
        if model is not None:
            return CloudModelNotFound(f"{model} was not found on {endpoint}", status=status)
        return NotFound(f"{what} on {endpoint}: not found (HTTP {status}{detail})", status=status)
    if status == 416:
        return RangeNotSatisfiable(
            f"{what} on {endpoint}: the requested range is past the end of the file",
            status=status,
        )
    if 500 <= status < 600:
        if trace_id:
            hint = f"; if it keeps happening, report it with trace ID {trace_id}"
        else:
            hint = "; try again later"
        return ServerError(
            f"{endpoint} failed on {what} (HTTP {status}{detail}){hint}",
            status=status,
            trace_id=trace_id,
            retry_after=retry_after,
        )
    if 300 <= status < 400:
        return ProtocolError(
            f"{what} on {endpoint} answered with a redirect (HTTP {status}{detail}); "
            "BentoSync does not follow redirects for API calls. Check the endpoint URL "
            "(http:// versus https://, a missing path prefix).",
            status=status,
        )
    if status == 413:
        return RequestRejected(
            f"{endpoint} refused {what}: the request is larger than it, or a proxy in front of "
            f"it, accepts (HTTP 413{detail}). For a large model, ask its administrator to raise "
            "the limit (nginx: client_max_body_size) or to offer multipart uploads.",
            status=status,
        )
    return RequestRejected(f"{endpoint} refused {what} (HTTP {status}{detail})", status=status)


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost cause of a requests/urllib3 exception chain.

    urllib3 nests causes in ``reason``, in ``args`` and in ``__cause__``; follow
    whichever is there until nothing deeper is.
    """
    seen: set[int] = set()
    current: BaseException = exc
    while id(current) not in seen:
        seen.add(id(current))
        candidates = [getattr(current, "reason", None), *current.args]
        candidates += [current.__cause__, current.__context__]
        inner = next((c for c in candidates if isinstance(c, BaseException)), None)
        if inner is None:
            break
        current = inner
    return current


def translate_exception(exc: requests.RequestException, where: str) -> CloudError:
    """A requests failure as a ``CloudError`` naming ``where`` (an endpoint or masked URL).

    The raw text of requests' exceptions contains the full URL, presigned query
    included, so it is never copied; the message is built from the root cause.
    """
    cause = _root_cause(exc)
    if isinstance(exc, requests.exceptions.SSLError) or isinstance(cause, ssl.SSLError):
        reason = getattr(cause, "verify_message", None) or getattr(cause, "reason", None)
        return TLSError(
            f"the TLS connection to {where} failed ({reason or 'handshake error'}); if the "
            "server uses a private certificate authority, point REQUESTS_CA_BUNDLE at it"
        )
    if isinstance(exc, requests.exceptions.Timeout):
        phase = (
            "connecting to"
            if isinstance(exc, requests.exceptions.ConnectTimeout)
            else ("waiting for an answer from")
        )
        return RequestTimeout(f"timed out {phase} {where}; check the network and try again")
    if isinstance(cause, socket.gaierror) or "NameResolution" in type(cause).__name__:
        reason = "the host name could not be resolved (check the endpoint and DNS)"
    elif isinstance(cause, ConnectionRefusedError) or "refused" in str(cause).lower():
        reason = "the connection was refused (is the server running on that port?)"
    elif isinstance(cause, ConnectionResetError):
        reason = "the connection was reset"
    elif (
        isinstance(exc, requests.exceptions.ChunkedEncodingError)
        or "closed" in str(cause).lower()
        or "RemoteDisconnected" in type(cause).__name__
    ):
        reason = "the server closed the connection before answering completely"
    elif isinstance(cause, OSError) and cause.strerror:
        reason = cause.strerror.lower()
    else:
        reason = f"{type(cause).__name__}"
    return ConnectionFailed(f"cannot reach {where}: {reason}")


def is_retryable(exc: BaseException) -> bool:
    """Worth another try: the network failed or the server did. Never a 4xx."""
    return isinstance(exc, ConnectionFailed | ServerError)


def with_retries(
    fn: Callable[[], T],
    *,
    attempts: int = 4,
    backoff: float = 0.5,
    max_backoff: float = 30.0,
    retry_if: Callable[[BaseException], bool] = is_retryable,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[int, BaseException, float], None] | None = None,
) -> T:
    """Call ``fn`` until it succeeds, at most ``attempts`` times.

    Retries ``ConnectionFailed`` and ``ServerError`` (5xx) only; auth, not-found
    and other 4xx answers will not change by asking again, so they raise at once.
    The wait doubles from ``backoff`` (capped at ``max_backoff``), with jitter so
    parallel part uploads do not retry in lockstep, and honours ``Retry-After``.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(1, attempts + 1):
        try:
            return fn()
        except Exception as exc:
            if attempt == attempts or not retry_if(exc):
                raise
            delay = min(max_backoff, backoff * 2 ** (attempt - 1))
            delay = delay / 2 + random.uniform(0, delay / 2)
            retry_after = getattr(exc, "retry_after", None)
            if retry_after:
                delay = max(delay, min(float(retry_after), max_backoff))
            logger.info(
                "Attempt %d/%d failed (%s); retrying in %.1fs", attempt, attempts, exc, delay
            )
            if on_retry is not None:
                on_retry(attempt, exc, delay)
            sleep(delay)
    raise AssertionError("unreachable")
