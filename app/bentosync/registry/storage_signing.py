"""Presigned URLs of the storage endpoint, in the shape S3's have.

BentoCloud hands out URLs of its object storage, for example
``https://bucket.s3.amazonaws.com/models/org/repo/version.tar?X-Amz-...``,
and the bentocloud flavour does the same on its storage port, so a client
meets the same shape: a path of bucket and object key, ``partNumber`` and
``uploadId`` for a part, and ``X-Amz-Date``, ``X-Amz-Expires`` and
``X-Amz-Signature``. The signature is not SigV4 (nothing here needs AWS's
canonical request): it is ``signing.Signer``'s HMAC over the method, the
object, the part and the validity window. Like there, the host is not signed,
so URLs stay valid under any name the server is reached by.
"""

from __future__ import annotations

import calendar
import hmac
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from bentosync.registry.s3errors import S3Error, access_denied
from bentosync.registry.signing import Signer

logger = logging.getLogger(__name__)

BUCKET = "bentosync-models"
ALGORITHM = "AWS4-HMAC-SHA256"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
SIGNATURE_PARAM = "X-Amz-Signature"


@dataclass(frozen=True)
class ObjectRef:
    """The one operation a URL grants: a method on an object key, or on one part of it.

    ``part_number`` is kept as the URL carries it: the signature is checked
    before the storage decides whether the number is valid, as S3 does.
    """

    method: str
    key: str
    upload_id: str = ""
    part_number: str = ""

    @property
    def path(self) -> str:
        return f"/{BUCKET}/{quote(self.key, safe='/')}"

    def message(self, date: str, expires: str) -> bytes:
        fields = (self.method.upper(), self.path, self.upload_id, self.part_number, date, expires)
        return "\n".join(fields).encode("utf-8")


class StorageSigner:
    """Makes and checks the storage endpoint's URLs with the registry's key."""

    def __init__(self, signer: Signer, expiry: float) -> None:
        self._signer = signer
        self.expiry = expiry

    def url(self, base_url: str, ref: ObjectRef, now: float | None = None) -> str:
        """An absolute URL for ``ref``, valid for at least ``expiry`` seconds from now."""
        now = time.time() if now is None else now
        signed_at = int(now)  # X-Amz-Date has whole seconds; Expires makes up the rest
        expires = str(max(1, math.ceil(now + self.expiry - signed_at)))
        date = time.strftime(DATE_FORMAT, time.gmtime(signed_at))
        params: dict[str, str] = {}
        if ref.part_number:
            params["partNumber"] = ref.part_number
        if ref.upload_id:
            params["uploadId"] = ref.upload_id
        params.update(
            {
                "X-Amz-Algorithm": ALGORITHM,
                "X-Amz-Credential": f"bentosync/{date[:8]}/local/s3/aws4_request",
                "X-Amz-Date": date,
                "X-Amz-Expires": expires,
                "X-Amz-SignedHeaders": "host",
                SIGNATURE_PARAM: self._signer.mac(ref.message(date, expires)),
            }
        )
        return f"{base_url.rstrip('/')}{ref.path}?{urlencode(params)}"

    def check(self, ref: ObjectRef, query: Mapping[str, str], now: float | None = None) -> None:
        """Raise S3Error as S3 would unless ``query`` signs ``ref`` and is still valid."""
        signature = query.get(SIGNATURE_PARAM, "")
        date = query.get("X-Amz-Date", "")
        expires = query.get("X-Amz-Expires", "")
        if not (signature and date and expires):
            raise access_denied(
                "Query-string authentication requires the X-Amz-Signature, X-Amz-Date and "
                "X-Amz-Expires parameters"
            )
        if not hmac.compare_digest(self._signer.mac(ref.message(date, expires)), signature):
            raise S3Error(
                403,
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you "
                "provided. Check your key and signing method.",
            )
        try:
            signed_at = calendar.timegm(time.strptime(date, DATE_FORMAT))
            lifetime = int(expires)
        except ValueError:
            raise S3Error(
                400,
                "AuthorizationQueryParametersError",
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\" and "
                "X-Amz-Expires a whole number of seconds",
            ) from None
        now = time.time() if now is None else now
        if now > signed_at + lifetime:
            error = access_denied("Request has expired")
            error.extra.update(
                {
                    "X-Amz-Expires": expires,
                    "Expires": time.strftime(DATE_FORMAT, time.gmtime(signed_at + lifetime)),
                    "ServerTime": time.strftime(DATE_FORMAT, time.gmtime(now)),
                }
            )
            raise error
