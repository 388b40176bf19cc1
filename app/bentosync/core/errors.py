"""One error family for the whole engine.

Every failure the user can meet is a ``BentoSyncError`` whose message says what
happened and what to do, so the CLI and the window can show ``str(err)`` as is
and never need a traceback to explain themselves.
"""

from __future__ import annotations


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
