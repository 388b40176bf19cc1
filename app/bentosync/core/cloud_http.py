"""The HTTP layer under the BentoCloud client: session, headers, errors, streams.

Kept apart from the endpoint methods (``cloud.py``) so the rules every request
obeys live in one place: the token only in ``X-YATAI-API-TOKEN`` and only to the
endpoint's own origin; explicit (connect, read) timeouts, as ``core.timeouts``
decides them; no redirects followed;
success is exactly 200 (206 for a ranged GET); no retries underneath the caller;
URLs masked in every log line and message.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Any, TypeVar
from urllib.parse import urlsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from bentosync.core.cloud_errors import (
    BodyLengthMismatch,
    CloudError,
    InvalidEndpoint,
    ProtocolError,
    RequestTimeout,
    error_for_status,
    mask_url,
    server_text,
    translate_exception,
)
from bentosync.core.timeouts import TIMEOUT_ENV, Timeouts, effective_timeouts
from bentosync.core.version import __version__

logger = logging.getLogger(__name__)

_TransportT = TypeVar("_TransportT", bound="CloudTransport")
_QUERY_RE = re.compile(r"\?[^\s\"']+")


class _RedactQueries(logging.Filter):
    """Strip query strings from urllib3's request lines before anyone formats them.

    urllib3 logs ``"PUT /blob?X-Amz-Signature=... HTTP/1.1"`` at DEBUG, so
    ``bentosync -vv`` would print every presigned signature without this.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg, record.args = _QUERY_RE.sub("?<redacted>", message), None
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactQueries())

DEFAULT_ENDPOINT = "https://cloud.bentoml.com"
# The official client version whose wire protocol this module reproduces
# (PROTOCOL.md is observed from it). Servers gate behaviour on this header:
# Yatai only hands out presigned URLs to clients above 1.0.5 and may otherwise
# answer ``presigned_urls_deprecated``; sending our own 0.x version would make us
# look like an ancient bentoml. So we claim the protocol we actually implement.
BENTOML_PROTOCOL_VERSION = "1.4.39"
TOKEN_HEADER = "X-YATAI-API-TOKEN"
VERSION_HEADER = "X-Bentoml-Version"
API_PREFIX = "/api/v1"
# Enough sockets for the default 10 part uploads plus API calls running beside them.
DEFAULT_POOL_SIZE = 16
CHUNK_SIZE = 4 * 1024 * 1024

Body = bytes | IO[bytes] | Iterable[bytes]


def normalize_endpoint(endpoint: str) -> str:
    """``endpoint`` checked and without a trailing ``/``; a path prefix is kept."""
    value = (endpoint or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidEndpoint(
            f"{value!r} is not a usable endpoint: give a URL such as {DEFAULT_ENDPOINT} "
            "or http://127.0.0.1:3000"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidEndpoint(
            "the endpoint must not contain a user name, password, query or fragment; "
            "the token is given separately"
        )
    return value.rstrip("/")


def _timed_out(exc: BaseException) -> bool:
    """Whether a requests failure is a timeout, wherever in its chain it hides.

    A stall after the headers surfaces as ``requests.ConnectionError`` wrapping
    urllib3's ``ReadTimeoutError``, which would otherwise read as "cannot reach".
    """
    if isinstance(exc, requests.exceptions.Timeout):
        return True
    # Not urllib3's TimeoutError base: NewConnectionError (a refused connection)
    # derives from ConnectTimeoutError for backward compatibility.
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, urllib3.exceptions.ReadTimeoutError | TimeoutError):
            return True
        inner = [getattr(current, "reason", None), *current.args, current.__cause__]
        inner.append(current.__context__)
        current = next((c for c in inner if isinstance(c, BaseException)), None)
    return False


def translate_failure(
    exc: requests.RequestException, where: str, timeout: tuple[float, float] | None = None
) -> CloudError:
    """``translate_exception``, plus a timeout message that says how long was allowed.

    ``timeout`` is the (connect, read) pair the request had, when known. A read
    timeout names the knob that lengthens it; a connect timeout does not,
    because a longer wait rarely helps a host that does not answer at all.
    """
    if not _timed_out(exc):
        return translate_exception(exc, where)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        within = f" within {timeout[0]:g} s" if timeout else ""
        return RequestTimeout(
            f"timed out connecting to {where}{within}; check the network and the endpoint"
        )
    quiet = f"nothing came for {timeout[1]:g} s" if timeout else "it went quiet"
    return RequestTimeout(
        f"timed out waiting for data from {where} ({quiet}); check the network, or allow "
        f"a longer wait with --timeout SECONDS or {TIMEOUT_ENV}"
    )


def _origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the default port filled in, for same-origin checks."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return parts.scheme, (parts.hostname or "").lower(), port


class _SizedBody:
    """A streamed request body with a known length, so requests sends
    ``Content-Length`` (S3 and the official server refuse chunked uploads) and
    never buffers it. Sending more or fewer bytes than promised is an error."""

    def __init__(self, body: IO[bytes] | Iterable[bytes], length: int) -> None:
        self._body = body
        self._length = length

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        # read1 where offered: the chunks as they are, not re-cut (RangeReader.read1).
        read = getattr(self._body, "read1", None) or getattr(self._body, "read", None)
        if read is not None:
            while sent < self._length:
                chunk = read(min(CHUNK_SIZE, self._length - sent))
                if not chunk:
                    break
                sent += len(chunk)
                yield bytes(chunk)
        else:
            for chunk in self._body:
                sent += len(chunk)
                if sent > self._length:
                    raise BodyLengthMismatch(
                        f"the upload gave more than the {self._length} bytes declared; "
                        "did a file change while it was being sent?"
                    )
                if chunk:
                    yield bytes(chunk)
        if sent != self._length:
            raise BodyLengthMismatch(
                f"the upload ended after {sent} of the {self._length} bytes declared; "
                "did a file change while it was being sent?"
            )


class CloudTransport:
    """One endpoint and token, one pooled session; thread-safe for parallel calls.

    ``CloudClient`` adds the endpoint methods; the transfer engine uses
    ``put_stream``/``get_stream`` here for presigned and proxy bodies.

    Args:
        endpoint: base URL; a path prefix (``http://h/prefix``) is kept.
        token: the API token; only ever sent to ``endpoint``'s origin.
        timeout: seconds a call or stream may stall (``--timeout``), or
            ready-made ``Timeouts``; None means ``BENTOSYNC_TIMEOUT`` or the
            defaults (``core.timeouts.effective_timeouts`` decides).
        pool_size: sockets kept per host; size it to the part-upload threads.

    Raises:
        BentoSyncError: the timeout (or ``BENTOSYNC_TIMEOUT``) is not usable.
    """

    def __init__(
        self,
        endpoint: str,
        token: str,
        *,
        timeout: float | Timeouts | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self.endpoint = normalize_endpoint(endpoint)
        self._token = token
        self.timeouts = timeout if isinstance(timeout, Timeouts) else effective_timeouts(timeout)
        self._origin = _origin(self.endpoint)
        self._session = requests.Session()
        # Retries are the caller's decision (with_retries); the adapter never retries.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers["User-Agent"] = f"bentosync/{__version__}"
        # Environment proxies apply; .netrc must not add an Authorization header.
        self._session.trust_env = True
        self._session.auth = lambda request: request  # disables netrc lookup

    def __repr__(self) -> str:
        return f"{type(self).__name__}(endpoint={self.endpoint!r})"

    def close(self) -> None:
        self._session.close()

    def __enter__(self: _TransportT) -> _TransportT:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ------------------------------------------------------------------

    def url(self, path: str) -> str:
        """The absolute URL of an API path; the endpoint's path prefix is kept."""
        return self.endpoint + path

    def _headers(self, auth: bool) -> dict[str, str]:
        if not auth:
            return {}
        return {TOKEN_HEADER: self._token, VERSION_HEADER: BENTOML_PROTOCOL_VERSION}

    def _same_origin(self, url: str) -> bool:
        return _origin(url) == self._origin

    def _send(
        self,
        method: str,
        url: str,
        *,
        auth: bool,
        what: str,
        model: str | None = None,
        ok: Sequence[int] = (200,),
        stream: bool = False,
        timeout: tuple[float, float] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        if auth and not self._same_origin(url):
            raise ProtocolError(
                f"refusing to send the API token for {self.endpoint} to {mask_url(url)}"
            )
        headers = {**self._headers(auth), **kwargs.pop("headers", {})}
        where = self.endpoint if auth else mask_url(url)
        timeout = timeout or self.timeouts.api
        started = time.monotonic()
        try:
            resp = self._session.request(
                method,
                url,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                stream=stream,
                **kwargs,
            )
        except requests.RequestException as exc:
            logger.debug("%s %s failed: %s", method, mask_url(url), type(exc).__name__)
            raise translate_failure(exc, where, timeout) from None
        logger.debug(
            "%s %s -> %s in %.3fs",
            method,
            mask_url(url),
            resp.status_code,
            time.monotonic() - started,
        )
        if resp.status_code in ok:
            return resp
        raise self._error(resp, where=where, what=what, model=model, auth=auth)

    def _error(
        self, resp: requests.Response, *, where: str, what: str, model: str | None, auth: bool
    ) -> CloudError:
        try:
            body = next(resp.iter_content(64 * 1024), b"")
        except Exception:  # a body we cannot read must not hide the status
            body = b""
        finally:
            resp.close()
        text = server_text(body or b"", self._token)
        if 300 <= resp.status_code < 400 and resp.headers.get("Location"):
            text = f"to {mask_url(resp.headers['Location'])}"
        retry_after: float | None = None
        try:
            retry_after = float(resp.headers.get("Retry-After", ""))
        except ValueError:
            retry_after = None
        return error_for_status(
            resp.status_code,
            text,
            endpoint=where,
            what=what,
            model=model,
            trace_id=resp.headers.get("x-trace-id"),
            retry_after=retry_after,
            presigned=not auth,
        )

    def api(
        self,
        method: str,
        path: str,
        *,
        model: str | None = None,
        json_body: Any = None,
        params: Mapping[str, str] | None = None,
    ) -> Any:
        """One JSON API call: exactly 200 and a JSON body, or an error."""
        what = f"{method} {API_PREFIX}{path}"
        kwargs: dict[str, Any] = {"params": params}
        if json_body is not None:
            kwargs["data"] = json.dumps(json_body).encode()
            kwargs["headers"] = {"Content-Type": "application/json"}
        elif method in ("PATCH", "POST", "PUT"):
            kwargs["data"] = b""  # Content-Length: 0, as the official client sends
        resp = self._send(
            method, self.url(API_PREFIX + path), auth=True, what=what, model=model, **kwargs
        )
        try:
            return resp.json()
        except ValueError:
            raise ProtocolError(
                f"{self.endpoint} answered {what} with something that is not JSON; "
                "is the endpoint a BentoCloud-compatible server?"
            ) from None

    # -- raw streams for the transfer engine -------------------------------------------

    def _resolve(self, url_or_path: str) -> str:
        return self.url(url_or_path) if url_or_path.startswith("/") else url_or_path

    def put_stream(
        self,
        url: str,
        body: Body,
        length: int,
        *,
        auth: bool,
        timeout: tuple[float, float] | None = None,
    ) -> requests.Response:
        """PUT ``length`` bytes to a presigned URL (``auth=False``) or an API path.

        Presigned PUTs carry only ``Content-Length``, as the official client sends
        them (an extra signed-for header would break S3 signatures); proxy PUTs
        add the auth headers and ``application/octet-stream``. Returns the 200
        response, whose ``ETag`` header a multipart part needs verbatim.
        ``body`` is consumed: to retry, pass a fresh one.
        """
        target = self._resolve(url)
        headers = {"Content-Length": str(length)}
        if auth:
            headers["Content-Type"] = "application/octet-stream"
        data: Any = body if isinstance(body, bytes | bytearray) else _SizedBody(body, length)
        if isinstance(data, bytes | bytearray) and len(data) != length:
            raise BodyLengthMismatch(f"the body has {len(data)} bytes, not the {length} declared")
        what = f"PUT {urlsplit(target).path}" if auth else "upload"
        resp = self._send(
            "PUT",
            target,
            auth=auth,
            what=what,
            data=data,
            headers=headers,
            timeout=timeout or self.timeouts.stream,
        )
        resp.close()
        return resp

    def get_stream(
        self,
        url_or_path: str,
        *,
        auth: bool,
        start_offset: int | None = None,
        timeout: tuple[float, float] | None = None,
    ) -> requests.Response:
        """A streamed GET of an archive: presigned URL (``auth=False``) or API path.

        With ``start_offset`` a ``Range: bytes=N-`` is sent. The answer is then 206
        (resumed at N) or 200 (the server ignored Range: the body starts at 0, so
        the caller must start over); 416 raises ``RangeNotSatisfiable``. Read the
        body with ``iter_body`` so dropped connections become ``ConnectionFailed``.
        """
        target = self._resolve(url_or_path)
        headers = {"Accept-Encoding": "identity"}
        ok: tuple[int, ...] = (200,)
        if start_offset:
            headers["Range"] = f"bytes={int(start_offset)}-"
            ok = (200, 206)
        what = f"GET {urlsplit(target).path}" if auth else "download"
        return self._send(
            "GET",
            target,
            auth=auth,
            what=what,
            headers=headers,
            ok=ok,
            stream=True,
            timeout=timeout or self.timeouts.stream,
        )


def iter_body(resp: requests.Response, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
    """The body of a streamed response in large blocks, with failures translated.

    A connection dropped mid-body becomes ``ConnectionFailed`` and a stall longer
    than the stream timeout ``RequestTimeout`` (both retryable), so the transfer
    engine never has to know about requests' exception zoo.
    """
    where = mask_url(resp.url or "")
    try:
        yield from resp.iter_content(chunk_size)
    except requests.RequestException as exc:
        raise translate_failure(exc, where) from None
    finally:
        resp.close()
