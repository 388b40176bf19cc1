"""The error presenter in the window's language.

``application.errors.present`` reads a failure once for every face, in English:
the CLI prints it, and it has no Qt to translate with. The window shows the
same reports through here: the remedy and the reading of the exception are the
application's, the words BentoSync writes itself (the titles and the advice)
are translated. What the exception says (``str(exc)``: the engine's or the
server's sentence, naming files, URLs and HTTP statuses) is kept as it is: it is
not ours to translate, and it is what a bug report should quote.
"""

from __future__ import annotations

import logging

from bentosync.application.errors import (
    ErrorReport,
    RegistryStartFailed,
    failure_message,
)
from bentosync.application.errors import present as present_english
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
from bentosync.gui.i18n import TranslationContext

logger = logging.getLogger(__name__)


class ErrorWords(TranslationContext):
    """The titles and advice of error reports."""


def failure_text(exc: BaseException) -> str:
    """:func:`application.errors.failure_message`, with our own fallback translated."""
    if isinstance(exc, BentoSyncError | OSError):
        return failure_message(exc)
    return ErrorWords.tr("Unexpected error: {error}").format(error=exc or type(exc).__name__)


def present(exc: BaseException, endpoint: str = "") -> ErrorReport:
    """``application.errors.present`` (same remedy), with our words translated."""
    english = present_english(exc, endpoint)
    remedy = english.remedy
    where = endpoint or ErrorWords.tr("the registry")
    detail = str(exc)
    if isinstance(exc, NotLoggedIn):
        advice = ErrorWords.tr(
            "Log in to BentoCloud (or a compatible registry) to see its models here."
        )
        return ErrorReport(ErrorWords.tr("Not logged in"), f"{advice}\n{detail}", remedy)
    if isinstance(exc, RegistryStartFailed):
        return ErrorReport(ErrorWords.tr("The local registry did not start"), detail, remedy)
    if isinstance(exc, KeyringUnavailable):
        return ErrorReport(ErrorWords.tr("Cannot read the saved login"), detail, remedy)
    if isinstance(exc, AuthError):
        status = f" (HTTP {exc.status})" if exc.status else ""
        return ErrorReport(
            ErrorWords.tr("{where} refused the login").format(where=where),
            ErrorWords.tr(
                "{where} refused this token{status}. Check that it is complete, not expired, "
                "and made for this endpoint."
            ).format(where=where, status=status),
            remedy,
        )
    if isinstance(exc, InvalidEndpoint):
        return ErrorReport(ErrorWords.tr("Not a usable endpoint"), detail, remedy)
    if isinstance(exc, TLSError):
        return ErrorReport(
            ErrorWords.tr("Cannot connect securely to {where}").format(where=where),
            ErrorWords.tr("Cannot connect securely to {where}: {error}").format(
                where=where, error=detail
            ),
            remedy,
        )
    if isinstance(exc, ConnectionFailed):
        text = detail.rstrip(".")  # names the endpoint and the cause, mostly
        if where not in text:
            text = ErrorWords.tr("Cannot reach {where}: {error}").format(where=where, error=text)
        text = f"{text[:1].upper()}{text[1:]}"
        return ErrorReport(
            ErrorWords.tr("Cannot reach {where}").format(where=where),
            ErrorWords.tr("{error}. Check the URL and your network connection.").format(error=text),
            remedy,
        )
    if isinstance(exc, RecordConflict):
        return ErrorReport(ErrorWords.tr("The cloud version lists other files"), detail, remedy)
    if isinstance(exc, CloudError):
        return ErrorReport(
            ErrorWords.tr("{where} did not answer as expected").format(where=where), detail, remedy
        )
    return ErrorReport(ErrorWords.tr("Something went wrong"), failure_text(exc), remedy)
