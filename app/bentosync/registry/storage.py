"""Where archives live: the data dir (default) or an S3-compatible bucket (``--storage``).

The local folder (``blobs.py``, with ``segments.py``, ``pipeline.py`` and the
bentocloud flavour's emulated bucket in ``objects.py``) stays the default and
keeps its own fast paths: archives received straight to disk with O_DIRECT,
multipart parts checked while they arrive, parts kept as the archive. Those
are local-only features, so the local path is not routed through this
interface (it would cost it nothing but add an indirection on its hot path).

``ObjectStorage`` is what the registry needs from a remote object store, and
``storage_s3.S3Storage`` is the one implementation (AWS S3, MinIO, Ceph RGW,
GCS in interoperability mode, all through boto3). Objects are named by model
uid under the URL's prefix, as local blobs are, so deleting and re-creating a
version can never serve the old bytes.

``--storage s3://bucket/prefix`` picks it; endpoint, region and credentials
come the usual AWS way (``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_S3``,
``AWS_REGION``/``AWS_DEFAULT_REGION``, ``AWS_ACCESS_KEY_ID``..., profiles).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

SCHEMES = ("s3",)


class StorageError(BentoSyncError):
    """The object store refused or could not be reached; the message is safe to show."""


class NoSuchUpload(StorageError):
    """A multipart upload id the store does not know (completed, aborted or never made)."""


class ObjectChanged(StorageError):
    """The object is no longer the one the record was made for (its ETag changed)."""


class StorageRefused(StorageError):
    """The store refused a request for a reason of its own (S3's 4xx); ``code`` names it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class StorageLocation:
    """A parsed ``s3://bucket/prefix`` URL; ``prefix`` is empty or ends with ``/``."""

    scheme: str
    bucket: str
    prefix: str

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.bucket}/{self.prefix}"


def parse_storage_url(url: str) -> StorageLocation:
    """``s3://bucket[/prefix]`` -> its parts; ValueError naming what is wrong."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"--storage must be an s3://bucket/prefix URL, not {url!r}")
    if not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"--storage needs a bucket name: s3://bucket/prefix, not {url!r}")
    prefix = parts.path.strip("/")
    return StorageLocation(parts.scheme, parts.netloc, f"{prefix}/" if prefix else "")


@dataclass(frozen=True)
class ObjectInfo:
    size: int
    etag: str
    last_modified: datetime


@dataclass(frozen=True)
class PendingUpload:
    """A multipart upload the store holds open (for the clean-up job)."""

    key: str
    upload_id: str
    initiated: datetime


class ObjectStorage(Protocol):
    """The operations the registry uses, keyed by model uid (the store maps uid to key)."""

    location: StorageLocation

    def check(self) -> None:
        """Reach the bucket now (at start), so a wrong endpoint or key fails early."""
        ...

    def ping(self) -> None:
        """Raise StorageError unless the bucket answers now (readiness; never creates)."""
        ...

    def key(self, model_uid: str) -> str: ...

    # whole objects
    def put(self, model_uid: str, data: bytes) -> str:
        """Store ``data`` as the model's object; its ETag."""
        ...

    def head(self, model_uid: str) -> ObjectInfo | None: ...

    def open_reader(self, model_uid: str, etag: str | None = None) -> BinaryIO:
        """The whole object as a stream (for the archive check); with ``etag``, only
        that version (ObjectChanged otherwise). FileNotFoundError if there is none."""
        ...

    def iter_range(
        self, model_uid: str, first: int, last: int, etag: str | None = None
    ) -> Iterator[bytes]:
        """Bytes ``first..last`` (inclusive) in chunks, for downloads through the API;
        the request is made at the call, so a missing object raises before any byte."""
        ...

    def presign_put(self, model_uid: str, expiry: int) -> str: ...

    def presign_get(self, model_uid: str, expiry: int) -> str: ...

    def delete(self, model_uid: str) -> None: ...

    # multipart
    def create_multipart(self, model_uid: str) -> str: ...

    def upload_part(self, model_uid: str, upload_id: str, number: int, data: bytes) -> str: ...

    def presign_part(self, model_uid: str, upload_id: str, number: int, expiry: int) -> str: ...

    def complete_multipart(
        self, model_uid: str, upload_id: str, parts: list[tuple[int, str]]
    ) -> str:
        """Join the parts into the object; its ETag. NoSuchUpload, StorageRefused."""
        ...

    def abort_multipart(self, model_uid: str, upload_id: str) -> bool:
        """End an upload and drop its parts; False if it was already gone (harmless)."""
        ...

    def abort_key(self, key: str, upload_id: str) -> bool: ...

    def pending_uploads(self) -> list[PendingUpload]:
        """Every multipart upload open under the prefix."""
        ...
