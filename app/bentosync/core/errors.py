"""One error family for the whole engine.

Every failure the user can meet is a ``BentoSyncError`` whose message says what
happened and what to do, so the CLI and the window can show ``str(err)`` as is
and never need a traceback to explain themselves.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


class BentoSyncError(Exception):
    """Base of every error BentoSync raises on purpose."""


class InvalidTag(BentoSyncError, ValueError):
    """A model name, version or tag string that BentoML would not accept."""


class ModelNotFound(BentoSyncError, LookupError):
    """The requested model is not in the store (local or cloud)."""


class ModelExists(BentoSyncError):
    """Installing would overwrite a model that is already there."""


class InvalidModel(BentoSyncError):
    """A folder that is not a loadable BentoML model (no or bad model.yaml)."""


class UnsafeArchive(BentoSyncError):
    """An archive member that could write outside its folder or lie about itself."""


class Cancelled(BentoSyncError):
    """The user cancelled the job; whatever it started has been cleaned up."""


class RecordConflict(BentoSyncError):
    """A cloud record of this version describes other files, and cannot be changed.

    Pushing into it would make it lie about its bytes; replacing it means
    deleting the cloud version, which only the user may decide.
    """


class StopRequest(threading.Event):
    """A job's cancel event that can also mean "stop, but keep what is done".

    A user's cancel gives the transfer up: the engine removes a pull's staging
    folder and forgets its journal entry. Quitting the app is not giving up:
    the transfer is listed again at the next start, and resumes from what is
    done, so the engine must keep it. ``interrupt()`` sets the event like a
    cancel (every wait and chunk loop stops the same way) and marks it so.
    """

    keep_work = False

    def interrupt(self) -> None:
        self.keep_work = True
        self.set()


def keeps_work(cancel: threading.Event | None) -> bool:
    """Whether a stop was an interruption whose work the engine must keep for a resume."""
    return cancel is not None and cancel.is_set() and bool(getattr(cancel, "keep_work", False))


def after_cancel(exc: BaseException, cancel: threading.Event, message: str) -> BaseException:
    """What ``exc`` means once ``cancel`` may be set: a cancel, if the user asked for one.

    Why: cancelling aborts requests mid-body and closes files under running
    threads, so what escapes after a cancel is often a network or OS error.
    The user asked to stop; what broke on the way out is not news to them.
    The push engine and the job runner both ask this one question here, so
    the CLI, the API and the window report a cancel the same way.

    Returns:
        ``exc`` itself when it already is a ``Cancelled`` or nobody cancelled;
        else a new ``Cancelled(message)`` (raise it ``from exc``).
    """
    if isinstance(exc, Cancelled) or not cancel.is_set():
        return exc
    return Cancelled(message)
