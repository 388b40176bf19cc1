"""A ``requests`` client for the BentoCloud v1 REST API (PROTOCOL.md 0-5).

It speaks exactly what the official client speaks, with the fixes PROTOCOL.md 10
asks for: explicit timeouts, a connection pool sized for parallel part uploads,
"not found" recognised on every endpoint (not only the five the official client
checks), "latest" meaning the newest *successful* upload, HTTP Range for resumed
downloads, and errors a person can act on. It never retries by itself: callers
know what is safe to repeat, and ``with_retries`` is the helper they use.

This module holds the endpoints (#1-#17 of PROTOCOL.md 3 plus the list and delete
extras); the HTTP rules are in ``cloud_http``, records in ``cloud_records`` and
errors in ``cloud_errors``. Import everything from here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import requests

from bentosync.core.cloud_errors import (
    AuthError,
    BodyLengthMismatch,
    CloudError,
    CloudModelNotFound,
    ConnectionFailed,
    InvalidEndpoint,
    NotFound,
    ProtocolError,
    RangeNotSatisfiable,
    RequestRejected,
    RequestTimeout,
    ServerError,
    TLSError,
    URLRejected,
    is_retryable,
    mask_url,
    with_retries,
)
from bentosync.core.cloud_http import (
    API_PREFIX,
    BENTOML_PROTOCOL_VERSION,
    DEFAULT_ENDPOINT,
    DEFAULT_POOL_SIZE,
    Body,
    CloudTransport,
    iter_body,
    normalize_endpoint,
)
from bentosync.core.cloud_records import (
    CloudModel,
    CloudOrganization,
    CloudRepository,
    CloudUser,
    ModelPage,
    RepositoryPage,
    format_build_at,
    labels_to_json,
)
from bentosync.core.timeouts import API_TIMEOUT, Timeouts

logger = logging.getLogger(__name__)

__all__ = [
    "API_TIMEOUT",
    "BENTOML_PROTOCOL_VERSION",
    "DEFAULT_ENDPOINT",
    "DEFAULT_POOL_SIZE",
    "AuthError",
    "BodyLengthMismatch",
    "CloudClient",
    "CloudError",
    "CloudModel",
    "CloudModelNotFound",
    "CloudOrganization",
    "CloudRepository",
    "CloudUser",
    "ConnectionFailed",
    "InvalidEndpoint",
    "ModelPage",
    "NotFound",
    "ProtocolError",
    "RangeNotSatisfiable",
    "RepositoryPage",
    "RequestRejected",
    "RequestTimeout",
    "ServerError",
    "TLSError",
    "Timeouts",
    "URLRejected",
    "is_retryable",
    "iter_body",
    "mask_url",
    "normalize_endpoint",
    "with_retries",
]


class CloudClient(CloudTransport):
    """The BentoCloud v1 model API for one endpoint and token.

    Args:
        endpoint: base URL; a path prefix (``http://h/prefix``) is kept.
        token: the API token; only ever sent to ``endpoint``'s origin.
        timeout: seconds a call or stream may stall, or ready-made ``Timeouts``;
            None means ``BENTOSYNC_TIMEOUT`` or the defaults (``core.timeouts``).
        pool_size: sockets kept per host; size it to the part-upload threads.
    """

    # -- account ---------------------------------------------------------------------

    def current_user(self) -> CloudUser:
        """GET /auth/current (#1): whose token this is; the login check."""
        return CloudUser.from_json(self.api("GET", "/auth/current"))

    def current_org(self) -> CloudOrganization:
        """GET /current_org (#2): the organization; login checks it exists too."""
        return CloudOrganization.from_json(self.api("GET", "/current_org"))

    # -- repositories ----------------------------------------------------------------

    def get_repository(self, name: str) -> CloudRepository:
        """GET /model_repositories/{n} (#3); ``CloudModelNotFound`` when missing."""
        data = self.api("GET", f"/model_repositories/{name}", model=f"model {name!r}")
        return CloudRepository.from_json(data)

    def create_repository(
        self, name: str, description: str = "", labels: Mapping[str, str] | None = None
    ) -> CloudRepository:
        """POST /model_repositories (#4)."""
        body: dict[str, Any] = {"name": name, "description": description}
        if labels:
            body["labels"] = labels_to_json(labels)
        return CloudRepository.from_json(self.api("POST", "/model_repositories", json_body=body))

    def list_repositories(
        self, start: int = 0, count: int = 20, q: str | None = None
    ) -> RepositoryPage:
        """GET /model_repositories (Yatai); the official client never calls it."""
        params = _page_params(start, count, q)
        return RepositoryPage.from_json(self.api("GET", "/model_repositories", params=params))

    # -- models ----------------------------------------------------------------------

    def get_model(self, name: str, version: str) -> CloudModel:
        """GET .../models/{v} (#5); ``CloudModelNotFound`` when missing."""
        data = self.api("GET", _model_path(name, version), model=f"model {name}:{version}")
        return CloudModel.from_json(data, name)

    def create_model(
        self,
        name: str,
        version: str,
        manifest: Mapping[str, Any],
        *,
        labels: Mapping[str, str] | None = None,
        build_at: datetime,
        description: str = "",
    ) -> CloudModel:
        """POST /model_repositories/{n}/models (#6); the record starts ``pending``."""
        body = {
            "description": description,
            "version": version,
            "manifest": dict(manifest),
            "build_at": format_build_at(build_at),
            "labels": labels_to_json(labels or {}),
        }
        data = self.api(
            "POST", f"/model_repositories/{name}/models", json_body=body, model=f"model {name!r}"
        )
        return CloudModel.from_json(data, name)

    def list_models(
        self, name: str, start: int = 0, count: int = 10, q: str | None = None
    ) -> ModelPage:
        """GET /model_repositories/{n}/models (#7): newest first, as the server sorts."""
        data = self.api(
            "GET",
            f"/model_repositories/{name}/models",
            params=_page_params(start, count, q),
            model=f"model {name!r}",
        )
        return ModelPage.from_json(data, name)

    def latest_model(self, name: str, q: str | None = None) -> CloudModel:
        """The newest *successfully uploaded* version of ``name``.

        The official client takes ``items[0]`` blindly, which can be a half-done
        upload (PROTOCOL.md 10.4); we skip anything not ``success`` on the first page.
        """
        page = self.list_models(name, 0, 10, q)
        for item in page.items:
            # A Hugging Face reference has no upload at all; it is never "half done".
            if item.is_uploaded or item.is_huggingface:
                return item
        raise CloudModelNotFound(
            f"model {name!r} has no successfully uploaded version on {self.endpoint}"
        )

    def list_all_models(self, start: int = 0, count: int = 100, q: str | None = None) -> ModelPage:
        """GET /models (#8) with explicit paging (the official client sends none)."""
        return ModelPage.from_json(self.api("GET", "/models", params=_page_params(start, count, q)))

    def iter_all_models(self, q: str | None = None, page_size: int = 100) -> Iterator[CloudModel]:
        """Every model of every repository, page by page."""
        for page in self.iter_model_pages(q, page_size):
            yield from page.items

    def iter_model_pages(
        self, q: str | None = None, page_size: int = 100, start: int = 0
    ) -> Iterator[ModelPage]:
        """GET /models one page at a time, from ``start`` until the server has no more.

        The next page starts after the items received, not after ``page_size``:
        a server may cap ``count`` below what was asked.
        """
        while True:
            page = self.list_all_models(start, page_size, q)
            yield page
            if not page.has_more:
                return
            start += len(page.items)

    def iter_repository_models(self, name: str, page_size: int = 100) -> Iterator[CloudModel]:
        """Every version of one model name (#7), page by page; none if there is no such name.

        What the sync verdict of local versions needs, without listing the whole
        registry: only the names the local store has.
        """
        start = 0
        while True:
            try:
                page = self.list_models(name, start, page_size)
            except CloudModelNotFound:
                return
            yield from page.items
            if not page.has_more:
                return
            start += len(page.items)

    def delete_model(self, name: str, version: str) -> None:
        """DELETE .../models/{v}: not in the official client; our registry and Yatai have it."""
        self.api("DELETE", _model_path(name, version), model=f"model {name}:{version}")

    # -- upload and download state (#9-#17) --------------------------------------------

    def _patch_model(self, name: str, version: str, action: str, body: Any = None) -> CloudModel:
        data = self.api(
            "PATCH",
            f"{_model_path(name, version)}/{action}",
            json_body=body,
            model=f"model {name}:{version}",
        )
        return CloudModel.from_json(data, name)

    def presign_upload_url(self, name: str, version: str) -> CloudModel:
        """#9: ``presigned_upload_url`` set, or ``""`` meaning "use the proxy"."""
        return self._patch_model(name, version, "presign_upload_url")

    def presign_download_url(self, name: str, version: str) -> CloudModel:
        """#10: ``presigned_download_url`` set, or ``""`` meaning "use the proxy"."""
        return self._patch_model(name, version, "presign_download_url")

    def start_upload(self, name: str, version: str) -> CloudModel:
        """#11: the record becomes ``uploading``."""
        return self._patch_model(name, version, "start_upload")

    def start_multipart_upload(self, name: str, version: str) -> CloudModel:
        """#14: returns the record with a non-empty ``upload_id``."""
        model = self._patch_model(name, version, "start_multipart_upload")
        if not model.upload_id:
            raise ProtocolError(f"{self.endpoint} started a multipart upload without an upload_id")
        return model

    def presign_multipart_upload_url(
        self, name: str, version: str, upload_id: str, part_number: int
    ) -> str:
        """#15: the presigned URL for one part (1-based ``part_number``)."""
        body = {"upload_id": upload_id, "part_number": part_number}
        model = self._patch_model(name, version, "presign_multipart_upload_url", body)
        if not model.presigned_upload_url:
            raise ProtocolError(f"{self.endpoint} gave no URL for part {part_number}")
        return model.presigned_upload_url

    def complete_multipart_upload(
        self, name: str, version: str, upload_id: str, parts: Iterable[tuple[int, str]]
    ) -> CloudModel:
        """#16: ``parts`` are (part_number, ETag exactly as received, quotes included)."""
        ordered = sorted(parts)
        body = {
            "parts": [{"part_number": n, "etag": etag} for n, etag in ordered],
            "upload_id": upload_id,
        }
        return self._patch_model(name, version, "complete_multipart_upload", body)

    def finish_upload(self, name: str, version: str, status: str, reason: str = "") -> CloudModel:
        """#17: ``status`` is ``success`` or ``failed``; ``reason`` says why it failed."""
        body = {"status": status, "reason": reason}
        return self._patch_model(name, version, "finish_upload", body)

    def upload(self, name: str, version: str, body: Body, length: int) -> requests.Response:
        """#12 proxy PUT of the whole archive; the server sets success or failed itself."""
        return self.put_stream(
            f"{API_PREFIX}{_model_path(name, version)}/upload", body, length, auth=True
        )

    def download(
        self, name: str, version: str, start_offset: int | None = None
    ) -> requests.Response:
        """#13 proxy GET of the archive, streamed; see ``get_stream`` for Range."""
        return self.get_stream(
            f"{API_PREFIX}{_model_path(name, version)}/download",
            auth=True,
            start_offset=start_offset,
        )


def _model_path(name: str, version: str) -> str:
    return f"/model_repositories/{name}/models/{version}"


def _page_params(start: int, count: int, q: str | None) -> dict[str, str]:
    params = {"start": str(int(start)), "count": str(int(count))}
    if q:
        params["q"] = q
    return params
