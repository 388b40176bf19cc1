"""S3-compatible object storage through boto3: AWS S3, MinIO, Ceph RGW, GCS (interop mode).

Configuration is the usual AWS one, nothing of ours: the endpoint from
``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL`` (unset: AWS itself), region
and credentials from the environment, ``~/.aws`` or an instance role. The
endpoint is also the address clients reach: presigned URLs are made for it,
so it must be the storage's public address, not an internal alias.

With an endpoint set (MinIO, Ceph, moto, GCS) the client uses path-style
addressing (``http://host/bucket/key``), which every S3 look-alike serves and
which needs no wildcard DNS; AWS itself keeps its virtual-host default.

One boto3 client serves every thread (boto3 clients are thread-safe; the
session that makes them is not, so it is used once, here). Errors become
``StorageError`` whose text names the bucket and S3's error code, never a
credential or a signature.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from bentosync.core.redaction import redact
from bentosync.registry.storage import (
    NoSuchUpload,
    ObjectChanged,
    ObjectInfo,
    PendingUpload,
    StorageError,
    StorageLocation,
    StorageRefused,
)

logger = logging.getLogger(__name__)

READ_CHUNK = 1024 * 1024
OBJECTS = "models/"  # under the prefix: models/<model uid>


def endpoint_from_env() -> str | None:
    """The S3 endpoint boto3 will use, as AWS's own variables name it (None: AWS)."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


def client_config(endpoint: str | None) -> Config:
    """SigV4 everywhere (GCS and MinIO refuse V2 presigning), standard retries."""
    s3: dict[str, Any] = {"addressing_style": "path"} if endpoint else {}
    return Config(
        signature_version="s3v4",
        s3=s3,
        retries={"mode": "standard", "max_attempts": 5},
        connect_timeout=10,
        read_timeout=60,
        max_pool_connections=32,
    )


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", "")) or str(
        exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
    )


def _message(exc: ClientError) -> str:
    return redact(str(exc.response.get("Error", {}).get("Message", "")) or str(exc))


class S3Storage:
    """Models' archives as objects ``<prefix>models/<uid>`` in one bucket."""

    def __init__(self, location: StorageLocation, client: Any | None = None) -> None:
        self.location = location
        self.bucket = location.bucket
        self.endpoint = endpoint_from_env()
        if client is None:
            session = boto3.session.Session()
            client = session.client("s3", config=client_config(self.endpoint))
        self.client = client

    # ---- names -----------------------------------------------------------------

    def key(self, model_uid: str) -> str:
        return f"{self.location.prefix}{OBJECTS}{model_uid}"

    def model_uid_of(self, key: str) -> str | None:
        start = f"{self.location.prefix}{OBJECTS}"
        if not key.startswith(start):
            return None
        uid = key[len(start) :]
        return uid if uid and "/" not in uid else None

    def _error(self, exc: Exception, doing: str) -> StorageError:
        """A StorageError for ``exc``; its text is safe for logs and clients."""
        if isinstance(exc, ClientError):
            code = _code(exc)
            if code in ("NoSuchUpload",):
                return NoSuchUpload(f"Object storage has no such multipart upload ({doing}).")
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 500)
            text = f"Object storage refused to {doing} in bucket {self.bucket}: {_message(exc)}"
            if 400 <= status < 500 and status not in (401, 403):
                return StorageRefused(code, text)
            return StorageError(f"{text} ({code})")
        if isinstance(exc, NoCredentialsError):
            return StorageError(
                "No credentials for object storage: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run where an instance role applies."
            )
        where = self.endpoint or "AWS S3"
        return StorageError(f"Object storage at {where} could not {doing}: {redact(str(exc))}")

    # ---- start-up --------------------------------------------------------------

    def check(self) -> None:
        """Reach the bucket; create it if it is missing (logged). StorageError otherwise."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
            return
        except ClientError as exc:
            if _code(exc) not in ("404", "NoSuchBucket", "NotFound"):
                raise self._check_error(exc) from None
        except (BotoCoreError, ValueError) as exc:
            raise self._check_error(exc) from None
        logger.warning(
            "Bucket %s does not exist at %s: creating it", self.bucket, self.endpoint or "AWS S3"
        )
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        region = self.client.meta.region_name
        if region and region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(**kwargs)
        except ClientError as exc:
            if _code(exc) not in ("BucketAlreadyOwnedByYou",):
                raise self._check_error(exc) from None
        except BotoCoreError as exc:
            raise self._check_error(exc) from None

    def ping(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError, ValueError) as exc:
            raise self._check_error(exc) from None

    def _check_error(self, exc: Exception) -> StorageError:
        if isinstance(exc, ClientError) and _code(exc) in ("403", "AccessDenied"):
            return StorageError(
                f"Object storage denied access to bucket {self.bucket} at "
                f"{self.endpoint or 'AWS S3'}: check the credentials (AWS_ACCESS_KEY_ID, "
                "AWS_PROFILE) and the bucket's policy."
            )
        return self._error(exc, "open the bucket")

    # ---- whole objects ---------------------------------------------------------

    def put(self, model_uid: str, data: bytes) -> str:
        try:
            reply = self.client.put_object(Bucket=self.bucket, Key=self.key(model_uid), Body=data)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "store an archive") from None
        return str(reply["ETag"])

    def head(self, model_uid: str) -> ObjectInfo | None:
        try:
            reply = self.client.head_object(Bucket=self.bucket, Key=self.key(model_uid))
        except ClientError as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                return None
            raise self._error(exc, "look up an archive") from None
        except BotoCoreError as exc:
            raise self._error(exc, "look up an archive") from None
        return ObjectInfo(int(reply["ContentLength"]), str(reply["ETag"]), reply["LastModified"])

    def _get(self, model_uid: str, etag: str | None, **extra: Any) -> Any:
        """GetObject; with ``etag``, only that version of the object (412 otherwise)."""
        if etag:
            extra["IfMatch"] = etag
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(model_uid), **extra)
        except ClientError as exc:
            code = _code(exc)
            if code in ("404", "NoSuchKey"):
                raise FileNotFoundError(model_uid) from None
            if code in ("412", "PreconditionFailed"):
                raise ObjectChanged(
                    "The archive in object storage was replaced after it was stored."
                ) from None
            raise self._error(exc, "read an archive") from None
        except BotoCoreError as exc:
            raise self._error(exc, "read an archive") from None

    def open_reader(self, model_uid: str, etag: str | None = None) -> BinaryIO:
        body: BinaryIO = self._get(model_uid, etag)["Body"]
        return body

    def iter_range(
        self, model_uid: str, first: int, last: int, etag: str | None = None
    ) -> Iterator[bytes]:
        """The request is made now (errors raise here), the bytes come as iterated."""
        body = self._get(model_uid, etag, Range=f"bytes={first}-{last}")["Body"]

        def chunks() -> Iterator[bytes]:
            try:
                yield from body.iter_chunks(READ_CHUNK)
            finally:
                body.close()

        return chunks()

    def _presign(self, operation: str, params: dict[str, Any], expiry: int) -> str:
        """A SigV4 URL for the store's endpoint: computed locally, no request is made."""
        return str(self.client.generate_presigned_url(operation, Params=params, ExpiresIn=expiry))

    def presign_put(self, model_uid: str, expiry: int) -> str:
        params = {"Bucket": self.bucket, "Key": self.key(model_uid)}
        return str(
            self.client.generate_presigned_url("put_object", Params=params, ExpiresIn=expiry)
        )

    def presign_get(self, model_uid: str, expiry: int) -> str:
        params = {"Bucket": self.bucket, "Key": self.key(model_uid)}
        return str(
            self.client.generate_presigned_url("get_object", Params=params, ExpiresIn=expiry)
        )

    def delete(self, model_uid: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(model_uid))
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "delete an archive") from None

    # ---- multipart -------------------------------------------------------------

    def create_multipart(self, model_uid: str) -> str:
        try:
            reply = self.client.create_multipart_upload(Bucket=self.bucket, Key=self.key(model_uid))
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "start a multipart upload") from None
        return str(reply["UploadId"])

    def upload_part(self, model_uid: str, upload_id: str, number: int, data: bytes) -> str:
        try:
            reply = self.client.upload_part(
                Bucket=self.bucket,
                Key=self.key(model_uid),
                UploadId=upload_id,
                PartNumber=number,
                Body=data,
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, f"store part {number}") from None
        return str(reply["ETag"])

    def presign_part(self, model_uid: str, upload_id: str, number: int, expiry: int) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": self.key(model_uid),
            "UploadId": upload_id,
            "PartNumber": number,
        }
        return str(
            self.client.generate_presigned_url("upload_part", Params=params, ExpiresIn=expiry)
        )

    def complete_multipart(
        self, model_uid: str, upload_id: str, parts: list[tuple[int, str]]
    ) -> str:
        listed = [{"PartNumber": number, "ETag": etag} for number, etag in parts]
        try:
            reply = self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self.key(model_uid),
                UploadId=upload_id,
                MultipartUpload={"Parts": listed},
            )
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "complete a multipart upload") from None
        return str(reply.get("ETag", ""))

    def abort_multipart(self, model_uid: str, upload_id: str) -> bool:
        return self.abort_key(self.key(model_uid), upload_id)

    def abort_key(self, key: str, upload_id: str) -> bool:
        """AbortMultipartUpload; an upload already gone (another replica's abort) is no error."""
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
        except ClientError as exc:
            if _code(exc) in ("NoSuchUpload", "404"):
                return False
            raise self._error(exc, "abort a multipart upload") from None
        except BotoCoreError as exc:
            raise self._error(exc, "abort a multipart upload") from None
        return True

    def pending_uploads(self) -> list[PendingUpload]:
        found: list[PendingUpload] = []
        try:
            pages = self.client.get_paginator("list_multipart_uploads").paginate(
                Bucket=self.bucket, Prefix=f"{self.location.prefix}{OBJECTS}"
            )
            for page in pages:
                for upload in page.get("Uploads", []):
                    found.append(
                        PendingUpload(upload["Key"], upload["UploadId"], upload["Initiated"])
                    )
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "list multipart uploads") from None
        return found


def open_s3(location: StorageLocation) -> S3Storage:
    """The bucket at ``location``, reached once now so configuration errors surface at start."""
    storage = S3Storage(location)
    storage.check()
    logger.info("Archives are kept in %s at %s", location.url, storage.endpoint or "AWS S3")
    return storage
