"""S3's rules for objects and multipart uploads, over the registry's own archive files.

The bentocloud flavour's storage endpoint stands in for the S3 bucket behind
BentoCloud's presigned URLs, so it refuses what S3 refuses: a single PUT over
5 GiB, part numbers outside 1..10,000, parts over 5 GiB, and at completion a
part list out of order, an ETag that is not exactly the stored one (quotes
included), or a part other than the last under 5 MiB. ETags are S3's: the
quoted MD5 of the bytes, and for a completed upload the MD5 of the parts'
MD5s with ``-<count>``. Nothing is checked beyond that: the bytes are stored
as they arrive, whatever they hold.

An object is a model's archive, in the layout ``blobs.py`` keeps (so
downloads, start-up repair and deletion work as for the other flavour),
addressed by the key ``models/<org>/<repository>/<version>.tar``. Storing one
marks the record's ``blob_ready``: finish_upload(success) needs it. The
record's status is never changed here (PROTOCOL.md 4.1: it changes at
finish_upload). Multipart uploads are the same database rows and part files
as ``multipart.py``'s, kept until completed, the model is deleted, or the
reaper finds them stale; a client that was stopped sends only its missing
parts with fresh URLs.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from bentosync.registry.blobs import BlobStore, StagedArchive
from bentosync.registry.catalog import (
    Catalog,
    ModelRecord,
    fetch_model,
    fetch_model_locked,
    update_model,
)
from bentosync.registry.db import Database, lock_model
from bentosync.registry.multipart import MAX_PARTS, PartRef, open_upload, place_part
from bentosync.registry.s3errors import (
    S3Error,
    entity_too_large,
    no_such_key,
    no_such_upload,
)
from bentosync.registry.schemas import ORG_NAME
from bentosync.registry.uploads import replica_id

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
GiB = 1024 * MiB
MAX_OBJECT_SIZE = 5 * GiB  # one PUT
MAX_PART_SIZE = 5 * GiB
MIN_PART_SIZE = 5 * MiB  # every part but the last
KEY_PREFIX = f"models/{ORG_NAME}/"
KEY_SUFFIX = ".tar"


def object_key(repository: str, version: str) -> str:
    return f"{KEY_PREFIX}{repository}/{version}{KEY_SUFFIX}"


def parse_key(key: str) -> tuple[str, str] | None:
    """``(repository, version)`` of an object key, None for any other key."""
    if not (key.startswith(KEY_PREFIX) and key.endswith(KEY_SUFFIX)):
        return None
    parts = key[len(KEY_PREFIX) : -len(KEY_SUFFIX)].split("/")
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def new_md5() -> hashlib._Hash:
    return hashlib.md5(usedforsecurity=False)  # S3's ETag, not a security measure


def quoted(digest_hex: str) -> str:
    return f'"{digest_hex}"'


def multipart_etag(etags: list[str]) -> str:
    """S3's ETag of a completed upload: MD5 over the parts' binary MD5s, then ``-count``."""
    digest = new_md5()
    for etag in etags:
        digest.update(bytes.fromhex(etag.strip('"')))
    return quoted(f"{digest.hexdigest()}-{len(etags)}")


def declared_size(content_length: str | None, limit: int) -> int:
    """The body size S3 would accept, decided from Content-Length before a byte is read."""
    if content_length is None or not content_length.isdigit():
        raise S3Error(
            411, "MissingContentLength", "You must provide the Content-Length HTTP header."
        )
    size = int(content_length)
    if size > limit:
        raise entity_too_large(size, limit)
    return size


def part_number_of(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= MAX_PARTS:
        raise S3Error(
            400,
            "InvalidArgument",
            f"Part number must be an integer between 1 and {MAX_PARTS}, inclusive",
            extra={"ArgumentName": "partNumber", "ArgumentValue": text},
        )
    return int(text)


def check_completion(parts: list[PartRef], stored: dict[int, tuple[str, int]]) -> None:
    """S3's CompleteMultipartUpload rules; ``stored`` maps part number to (ETag, size)."""
    if not parts:
        raise S3Error(
            400,
            "MalformedXML",
            "The XML you provided was not well-formed or did not validate against our "
            "published schema: a completion lists at least one part.",
        )
    numbers = [part.part_number for part in parts]
    if numbers != sorted(set(numbers)):  # strictly ascending
        raise S3Error(
            400,
            "InvalidPartOrder",
            "The list of parts was not in ascending order. The parts list must be specified "
            "in order by part number.",
        )
    for part in parts:
        have = stored.get(part.part_number)
        if have is None or have[0] != part.etag:  # exactly: S3 does not unquote
            raise S3Error(
                400,
                "InvalidPart",
                "One or more of the specified parts could not be found. The part may not have "
                "been uploaded, or the specified entity tag may not match the part's entity "
                f"tag. (Part {part.part_number}, ETag {part.etag})",
                extra={"PartNumber": str(part.part_number), "ETag": part.etag},
            )
    for part in parts[:-1]:
        etag, size = stored[part.part_number]
        if size < MIN_PART_SIZE:
            raise S3Error(
                400,
                "EntityTooSmall",
                "Your proposed upload is smaller than the minimum allowed size. (Part "
                f"{part.part_number} has {size} bytes; every part but the last needs "
                f"{MIN_PART_SIZE}.)",
                extra={
                    "ProposedSize": str(size),
                    "MinSizeAllowed": str(MIN_PART_SIZE),
                    "PartNumber": str(part.part_number),
                    "ETag": etag,
                },
            )


class ObjectStore:
    """The storage endpoint's bucket: models' archives by key, and their multipart uploads."""

    def __init__(self, db: Database, blobs: BlobStore, catalog: Catalog) -> None:
        self.db = db
        self.blobs = blobs
        self.catalog = catalog

    def model_for(self, key: str) -> ModelRecord:
        """The record whose archive ``key`` names; NoSuchKey when there is none.

        Objects live only as models' archives: a key whose record was deleted
        has no place to be written to, where S3 would have created it.
        """
        parsed = parse_key(key)
        model = self.catalog.get_model(*parsed) if parsed else None
        if model is None:
            raise no_such_key(key)
        return model

    def put_object(self, model: ModelRecord, tmp: Path, etag: str) -> ModelRecord:
        """A whole object, as received: it replaces the one before, like S3's PUT."""
        staged = self.blobs.stage_file(tmp)
        staged.sync()
        with self.db.transaction() as conn:
            if fetch_model_locked(conn, model.id) is None:
                raise no_such_key(object_key(model.repository_name, model.version))
            self.blobs.install(staged, model.uid)
            update_model(
                conn,
                model.id,
                blob_ready=True,
                blob_size=staged.size,
                blob_owner=replica_id(self.blobs.root),
                object_etag=etag,
            )
            fresh = fetch_model(conn, model.id)
        assert fresh is not None
        logger.info("Stored object of %s (%d bytes)", model.tag, staged.size)
        return fresh

    # ---- multipart -----------------------------------------------------------------

    def create_upload(self, model: ModelRecord) -> ModelRecord:
        """A new upload id; earlier uploads of the same key stay open, as in S3."""
        with self.db.transaction() as conn:
            if not lock_model(conn, model.id):
                raise no_such_key(object_key(model.repository_name, model.version))
            open_upload(conn, model)
            fresh = fetch_model(conn, model.id)
        assert fresh is not None
        return fresh

    def require_upload(self, model: ModelRecord, upload_id: str) -> None:
        row = self.db.query_one(
            "SELECT model_id FROM multipart_uploads WHERE upload_id = ?", (upload_id,)
        )
        if row is None or row["model_id"] != model.id:
            raise no_such_upload(upload_id)

    def store_part(self, upload_id: str, number: int, tmp: Path, etag: str) -> None:
        """Keep a received part; a part sent again replaces the stored one."""
        size = tmp.stat().st_size
        with self.db.transaction() as conn:
            if not place_part(conn, self.blobs, upload_id, number, tmp, etag, size):
                raise no_such_upload(upload_id)

    def complete(self, model: ModelRecord, upload_id: str, parts: list[PartRef]) -> ModelRecord:
        """Join the listed parts into the model's object, if S3's rules allow it.

        The parts are checked and hard-linked under the database lock, which
        ``place_part`` also takes, so the bytes joined are the bytes checked.
        """
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT model_id FROM multipart_uploads WHERE upload_id = ?"
                + conn.dialect.for_update,
                (upload_id,),
            ).fetchone()
            if row is None or row["model_id"] != model.id:
                raise no_such_upload(upload_id)
            stored = {
                number: (etag, size)
                for number, etag, size in conn.execute(
                    "SELECT part_number, etag, size FROM parts WHERE upload_id = ?", (upload_id,)
                )
            }
            check_completion(parts, stored)
            staged = self.blobs.stage_parts(upload_id, [part.part_number for part in parts])
        try:
            return self._install_parts(model, upload_id, parts, staged)
        finally:
            self.blobs.discard(staged)  # already renamed away when installed

    def _install_parts(
        self, model: ModelRecord, upload_id: str, parts: list[PartRef], staged: StagedArchive
    ) -> ModelRecord:
        staged.sync()
        with self.db.transaction() as conn:
            lock_model(conn, model.id)  # the model's row first, as every state change
            still_open = conn.execute(
                "SELECT 1 FROM multipart_uploads WHERE upload_id = ?", (upload_id,)
            ).fetchone()
            if still_open is None:  # completed by a concurrent call, deleted or reaped meanwhile
                raise no_such_upload(upload_id)
            self.blobs.install(staged, model.uid)
            update_model(
                conn,
                model.id,
                blob_ready=True,
                blob_size=staged.size,
                blob_owner=replica_id(self.blobs.root),
                object_etag=multipart_etag([part.etag for part in parts]),
            )
            conn.execute("DELETE FROM multipart_uploads WHERE upload_id = ?", (upload_id,))
            fresh = fetch_model(conn, model.id)
        self.blobs.remove_parts(upload_id, later=True)
        assert fresh is not None
        logger.info("Completed multipart upload of %s: %d parts", model.tag, len(parts))
        return fresh
