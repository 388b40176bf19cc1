"""BentoSync: move BentoML models between the local store and BentoCloud, verified.

The public Python API lives here. It runs the same jobs as the CLI and the
window (``bentosync.application.jobs``) on the engine in ``bentosync.core``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

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
from bentosync.core.version import __version__

if TYPE_CHECKING:
    from bentosync.core.cloud_records import CloudModel


logger = logging.getLogger(__name__)

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
    "list_cloud",
    "list_local",
    "pull",
    "push",
]


def list_local() -> list[LocalModel]:
    """Every loadable model in ``$BENTOML_HOME/models``, sorted by name then age."""
    return LocalStore().list().models


def list_cloud() -> list[CloudModel]:
    """Every model version in the cloud registry of the current credentials."""
    from bentosync.core.session import open_session

    with open_session() as session:
        return list(session.client.iter_all_models())


def push(tag: str, *, force: bool = False) -> None:
    """Upload a local model; every file's sha256 goes along and the server checks it.

    Returns quietly when the cloud already holds that version (unless ``force``).
    Raises a ``BentoSyncError`` with a message a person can act on otherwise.
    """
    from bentosync.application.jobs import KIND_PUSH, JobId, JobSpec, perform
    from bentosync.core.session import open_session

    with open_session() as session:
        perform(session, JobSpec(JobId(0), KIND_PUSH, tag, force))


def pull(tag: str, *, force: bool = False) -> LocalModel | None:
    """Download a cloud model into the local store, verified file by file.

    ``name`` and ``name:latest`` ask the server for its newest successful upload.
    Returns the local model (already there and not forced: the existing one), or
    None for a Hugging Face reference, which has no files to download (a warning
    logged on ``bentosync`` says what it refers to).
    """
    from bentosync.application.jobs import KIND_PULL, JobId, JobSpec, perform
    from bentosync.core.session import open_session
    from bentosync.core.transfer.pull import PullResult

    with open_session() as session:
        result = perform(session, JobSpec(JobId(0), KIND_PULL, tag, force)).result
    assert isinstance(result, PullResult)
    if result.model is None:
        logger.warning("%s", result.message)
    return result.model
