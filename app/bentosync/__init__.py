"""BentoSync: move BentoML models between the local store and BentoCloud, verified.

The public Python API lives here; the engine behind it is in ``bentosync.core``.
"""

from __future__ import annotations

from bentosync.core.errors import (
    BentoSyncError,
    Cancelled,
    InvalidModel,
    InvalidTag,
    ModelExists,
    ModelNotFound,
    UnsafeArchive,
)
from bentosync.core.store import LocalModel, LocalStore

__version__ = "0.1.0"

__all__ = [
    "BentoSyncError",
    "Cancelled",
    "InvalidModel",
    "InvalidTag",
    "LocalModel",
    "LocalStore",
    "ModelExists",
    "ModelNotFound",
    "UnsafeArchive",
    "__version__",
    "list_local",
]


def list_local() -> list[LocalModel]:
    """Every loadable model in ``$BENTOML_HOME/models``, sorted by name then age."""
    return LocalStore().list().models
