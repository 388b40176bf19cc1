"""Presigned URLs served by the registry itself, in place of S3's.

The official client sends presigned requests with no headers at all
(PROTOCOL.md 4, 5), so the URL alone must prove the right to one operation on
one object: an HMAC-SHA256 over the method, the object (model uid, and for a
part the upload id and part number) and the expiry time. The key is random and
kept in the database, so URLs stay valid across restarts until they expire.
Signing the object rather than the URL path keeps URLs valid behind a proxy
that adds a path prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from bentosync.registry.db import Database

logger = logging.getLogger(__name__)

KEY_NAME = "presign_key"
BLOB_PREFIX = "/blobs"


class SignatureError(Exception):
    """A presigned URL that is forged, altered or expired (the message says which)."""


@dataclass(frozen=True)
class BlobRef:
    """The one object a presigned URL grants: an archive, or one part of an upload."""

    method: str
    model_uid: str
    upload_id: str = ""
    part_number: int = 0

    @property
    def path(self) -> str:
        if self.upload_id:
            return f"{BLOB_PREFIX}/parts/{self.model_uid}/{self.upload_id}/{self.part_number}"
        return f"{BLOB_PREFIX}/models/{self.model_uid}"

    def message(self, expires: int) -> bytes:
        fields = (self.method.upper(), self.model_uid, self.upload_id, str(self.part_number))
        return ("\n".join(fields) + f"\n{expires}").encode("utf-8")


class Signer:
    """Makes and checks presigned URLs with the registry's key."""

    def __init__(self, db: Database, expiry: float) -> None:
        self._key = bytes.fromhex(db.set_meta_once(KEY_NAME, secrets.token_hex(32)))
        self.expiry = expiry

    def mac(self, message: bytes) -> str:
        """HMAC-SHA256 of ``message`` with the registry's key, as hex.

        The storage endpoint's S3-shaped URLs (``storage_signing``) sign with it too.
        """
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _signature(self, ref: BlobRef, expires: int) -> str:
        return self.mac(ref.message(expires))

    def url(self, base_url: str, ref: BlobRef, now: float | None = None) -> str:
        """An absolute URL for ``ref`` valid for ``expiry`` seconds from now."""
        expires = int((time.time() if now is None else now) + self.expiry + 0.999)
        query = urlencode({"expires": expires, "signature": self._signature(ref, expires)})
        return f"{base_url.rstrip('/')}{ref.path}?{query}"

    def check(self, ref: BlobRef, expires: str | None, signature: str | None) -> None:
        """Raise SignatureError unless the pair was made for ``ref`` and is still valid."""
        if not expires or not signature:
            raise SignatureError("This URL is not presigned (expires and signature are required).")
        try:
            when = int(expires)
        except ValueError:
            raise SignatureError("This presigned URL is malformed.") from None
        if not hmac.compare_digest(self._signature(ref, when), signature):
            raise SignatureError("This presigned URL's signature does not match.")
        if when < time.time():
            raise SignatureError("This presigned URL has expired; ask the API for a new one.")
