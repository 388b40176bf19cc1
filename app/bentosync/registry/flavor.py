"""What each flavour of the registry promises, as named decisions the code consults.

BentoSync's own registry (``bentosync``) checks every archive and keeps
checksums for every model; ``bentocloud`` behaves as the real service does
(PROTOCOL.md 12), so that clients can be tested against what users meet in
production: a manifest of fixed keys, bytes stored as they arrive, and S3's
rules behind presigned URLs. FLAVORS.md, beside this file, lists the rules.

Each field names one rule rather than "is this the strict one", so a reader
of ``uploads.py`` or ``app.py`` sees *why* a branch exists. Today the two
flavours differ in every field.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bentosync.registry.bodies import ManifestBody
from bentosync.registry.catalog import SUCCESS, ModelRecord
from bentosync.registry.config import RegistryConfig

logger = logging.getLogger(__name__)

# The keys of yatai-schemas' ModelManifestSchema: the only ones BentoCloud keeps.
MANIFEST_KEYS = (
    "bentoml_version",
    "api_version",
    "module",
    "metadata",
    "context",
    "options",
    "size_bytes",
)


@dataclass(frozen=True)
class Flavor:
    name: str
    # Archives are judged before success: unsafe members, model.yaml's tag, the
    # client's checksums (or checksums computed and stored for an official push).
    # Otherwise bytes are stored as they arrive and the client's pull must judge.
    checks_archives: bool
    # Manifest keys beyond MANIFEST_KEYS are stored and returned (older BentoSync
    # clients put their file list in a top-level ``bentosync`` key).
    keeps_manifest_extras: bool
    # Presigned URLs address a storage endpoint on a port of its own, following
    # S3's rules; otherwise they address ``/blobs`` on the API's port.
    s3_storage: bool
    # start_upload and a failed upload drop the model's multipart uploads with
    # their parts. Yatai and S3 keep them until completed, aborted or stale.
    ending_drops_multipart: bool
    # Model records carry ``archive_size_bytes`` and ``archive_checked``,
    # which BentoCloud does not send.
    sends_extensions: bool

    def stored_manifest(self, manifest: ManifestBody) -> tuple[dict[str, Any], bool]:
        """The manifest to keep from create-model, and whether the client sent checksums.

        Raises ValueError for unusable checksums where this flavour checks them.
        """
        data = manifest.model_dump()
        if self.keeps_manifest_extras:
            return data, manifest.file_list_given()
        # Go's JSON decoding into a fixed struct: everything else is dropped, and
        # metadata, a free-form map, comes back whole whatever it holds.
        return {key: data[key] for key in MANIFEST_KEYS}, False

    def extensions(self, model: ModelRecord) -> dict[str, Any]:
        """Keys this flavour adds to a model record beyond PROTOCOL.md 2."""
        if not self.sends_extensions:
            return {}
        success = model.upload_status == SUCCESS
        return {
            # The stored archive's size, for clients that check Content-Length.
            "archive_size_bytes": (model.blob_size or 0) if success else 0,
            # Success here always means the server read the archive and matched
            # it against the record's checksums (or computed them): a client may
            # call its files verified by the server, not just stored.
            "archive_checked": success and self.checks_archives,
        }


BENTOSYNC = Flavor(
    name="bentosync",
    checks_archives=True,
    keeps_manifest_extras=True,
    s3_storage=False,
    ending_drops_multipart=True,
    sends_extensions=True,
)
BENTOCLOUD = Flavor(
    name="bentocloud",
    checks_archives=False,
    keeps_manifest_extras=False,
    s3_storage=True,
    ending_drops_multipart=False,
    sends_extensions=False,
)
_BY_NAME = {flavor.name: flavor for flavor in (BENTOSYNC, BENTOCLOUD)}


def flavor_of(config: RegistryConfig) -> Flavor:
    return _BY_NAME[config.flavor]
