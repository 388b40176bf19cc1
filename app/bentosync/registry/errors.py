"""Errors a route raises on purpose, each with its HTTP status and a message a person can act on.

Bodies are ``{"error": "..."}``, Yatai's shape. A missing record is 404 with
``record not found`` in the text, the phrase the official client looks for
(PROTOCOL.md 0) to tell "not there" from "broken".
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class ApiError(Exception):
    status = 400

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status


class BadRequest(ApiError):
    status = 400


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}: record not found")


class UploadNotFound(ApiError):
    """An upload id the server does not (or no longer) know: S3's ``NoSuchUpload``.

    404, as S3 answers, so a client resuming an upload that was aborted or
    reaped meanwhile can tell "start over" from a request it got wrong.
    """

    status = 404


class Conflict(ApiError):
    """The request is well formed but the record's state does not allow it now."""

    status = 409


class TooLarge(ApiError):
    status = 413


class RangeNotSatisfiable(ApiError):
    status = 416

    def __init__(self, size: int) -> None:
        super().__init__(f"The requested range is outside the {size}-byte archive.")
        self.size = size
