"""S3's error answers, for the bentocloud flavour's storage endpoint.

Clients meet S3 (or GCS, MinIO) behind BentoCloud's presigned URLs, and S3
answers an error as XML, ``<Error><Code>…</Code><Message>…</Message></Error>``,
with its own status codes. The storage endpoint answers the same way so that
a client's handling of those bodies is tested against the real shape.
"""

from __future__ import annotations

import logging
import secrets
from xml.sax.saxutils import escape

logger = logging.getLogger(__name__)


class S3Error(Exception):
    """One of S3's error codes, with its HTTP status, message and extra elements."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        extra: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra or {}
        self.headers = headers or {}


def access_denied(message: str = "Access Denied") -> S3Error:
    return S3Error(403, "AccessDenied", message)


def entity_too_large(size: int, limit: int) -> S3Error:
    return S3Error(
        400,
        "EntityTooLarge",
        "Your proposed upload exceeds the maximum allowed size",
        extra={"ProposedSize": str(size), "MaxSizeAllowed": str(limit)},
    )


def no_such_key(key: str) -> S3Error:
    return S3Error(404, "NoSuchKey", "The specified key does not exist.", extra={"Key": key})


def no_such_upload(upload_id: str) -> S3Error:
    return S3Error(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload "
        "may have been aborted or completed.",
        extra={"UploadId": upload_id},
    )


def error_xml(error: S3Error, resource: str) -> bytes:
    """The body S3 sends with ``error``; ``resource`` is the request's path."""
    elements = {
        "Code": error.code,
        "Message": error.message,
        **error.extra,
        "Resource": resource,
        "RequestId": secrets.token_hex(8).upper(),
    }
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in elements.items())
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{inner}</Error>'.encode()
