"""Which model versions are on both sides, and whether the two copies agree.

One function, shared by the window (the "Sync" column of both panes) and the
CLI (``bentosync list`` without ``--local``/``--cloud``), so the two faces can
never disagree about what "in sync" means. It is pure: it compares records the
caller already has and never touches the disk or the network.

The rules, strictest evidence first:

* A version only the store has is ``local_only``; only the registry,
  ``cloud_only``.
* Both have it, but the cloud's upload is not ``success`` (pending, uploading,
  failed): ``differs``. The cloud copy cannot be pulled and is not the local
  one, so it must never read as "in sync"; pushing again repairs it.
* Both have it and the server keeps checksums: when the caller passes the
  local file list (hashed with the cache), it must match them, file by file
  where the record lists every file, else as one whole-model digest; without
  it, the file counts must match. ``verified`` says which.
* Both have it and the server keeps no file list (a server other than ours,
  or a model pushed there by the official client): only the sizes can be
  compared, and ``verified`` stays False ("unverified", never "verified").
* A size of 0 from the cloud means "not stated" (the manifest had none) and is
  not a disagreement by itself.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import Checksums, FileEntry, describe_difference
from bentosync.core.store import LocalModel

logger = logging.getLogger(__name__)

__all__ = ["SyncEntry", "SyncState", "compare", "compute_sync_states"]


class SyncState(str, enum.Enum):
    """Where one model version stands; the value is the CLI's JSON ``state``."""

    IN_SYNC = "in_sync"
    LOCAL_ONLY = "local_only"
    CLOUD_ONLY = "cloud_only"
    DIFFERS = "differs"

    @property
    def label(self) -> str:
        """Short words for a table cell or a terminal column."""
        return _LABELS[self]


_LABELS = {
    SyncState.IN_SYNC: "In sync",
    SyncState.LOCAL_ONLY: "Local only",
    SyncState.CLOUD_ONLY: "Cloud only",
    SyncState.DIFFERS: "Differs",
}


@dataclass(frozen=True)
class SyncEntry:
    """The state of one tag, the records it was computed from, and why.

    Attributes:
        tag: ``name:version``.
        state: the verdict.
        local: the local record, if the store has the version.
        cloud: the cloud record, if the registry has the version.
        reason: one sentence a person can act on (tooltips, ``list`` output).
        verified: True only when file lists with sha256 were compared equal.
    """

    tag: str
    state: SyncState
    local: LocalModel | None
    cloud: CloudModel | None
    reason: str
    verified: bool = False

    @property
    def name(self) -> str:
        return self.tag.split(":", 1)[0]

    @property
    def version(self) -> str:
        return self.tag.split(":", 1)[1]


def _size(n: int) -> str:
    return f"{n:,} bytes"


def compare(
    local: LocalModel,
    cloud: CloudModel,
    local_files: Sequence[FileEntry] | None = None,
) -> SyncEntry:
    """The verdict for one version present on both sides (see the module rules)."""
    tag = str(local.tag)

    def entry(state: SyncState, reason: str, verified: bool = False) -> SyncEntry:
        return SyncEntry(tag, state, local, cloud, reason, verified)

    if cloud.is_huggingface:
        return entry(
            SyncState.DIFFERS,
            "The cloud record is a reference to a Hugging Face model, not an archive of "
            "these files.",
        )
    if not cloud.is_uploaded:
        status = cloud.upload_status or "unknown"
        why = f": {cloud.upload_finished_reason}" if cloud.upload_finished_reason else ""
        return entry(
            SyncState.DIFFERS,
            f"The cloud copy is not usable (upload {status}{why}); push it again.",
        )
    if cloud.size_bytes and cloud.size_bytes != local.size_bytes:
        return entry(
            SyncState.DIFFERS,
            f"Sizes differ: {_size(local.size_bytes)} here, "
            f"{_size(cloud.size_bytes)} in the cloud.",
        )
    remote = cloud.checksums
    if remote is None:
        return entry(
            SyncState.IN_SYNC,
            "Same size on both sides; the server keeps no checksums, so the files are unverified.",
        )
    if local_files is not None:
        mine = Checksums.of(local_files)
        if mine.digest != remote.digest:
            return entry(SyncState.DIFFERS, describe_difference(mine, remote))
        how = "have the same sha256" if remote.listed else "match the cloud's whole-model sha256"
        return entry(
            SyncState.IN_SYNC,
            f"All {remote.count} files {how} on both sides.",
            verified=True,
        )
    if remote.count != local.file_count:
        return entry(
            SyncState.DIFFERS,
            f"{local.file_count} files here, {remote.count} in the cloud.",
        )
    return entry(
        SyncState.IN_SYNC,
        "Same size and file count; checksums are compared when the model is verified "
        "or its files are shown.",
    )


def compute_sync_states(
    local_models: Iterable[LocalModel],
    cloud_models: Iterable[CloudModel],
    local_file_lists: Mapping[str, Sequence[FileEntry]] | None = None,
) -> dict[str, SyncEntry]:
    """The state of every tag on either side, keyed by ``name:version``.

    Args:
        local_models: the store's listing.
        cloud_models: the registry's listing (every upload status).
        local_file_lists: hashed file lists of local models by tag, where the
            caller has them; they turn a size-and-count match into a checksum
            comparison.

    Returns:
        One entry per tag, in no particular order (callers sort for display).
    """
    files = local_file_lists or {}
    locals_by_tag = {str(m.tag): m for m in local_models}
    clouds_by_tag: dict[str, CloudModel] = {}
    for cloud in cloud_models:
        previous = clouds_by_tag.get(cloud.tag)
        # A registry should list each version once; if not, trust the uploaded one.
        if previous is None or (cloud.is_uploaded and not previous.is_uploaded):
            clouds_by_tag[cloud.tag] = cloud
    result: dict[str, SyncEntry] = {}
    for tag, local in locals_by_tag.items():
        remote = clouds_by_tag.get(tag)
        if remote is None:
            result[tag] = SyncEntry(
                tag,
                SyncState.LOCAL_ONLY,
                local,
                None,
                "Only on this computer; push it to share it.",
            )
        else:
            result[tag] = compare(local, remote, files.get(tag))
    for tag, cloud in clouds_by_tag.items():
        if tag in result:
            continue
        if cloud.is_uploaded:
            reason = "Only in the cloud; pull it to use it here."
        else:
            status = cloud.upload_status or "unknown"
            reason = f"Only in the cloud, and its upload is {status}: it cannot be pulled."
        result[tag] = SyncEntry(tag, SyncState.CLOUD_ONLY, None, cloud, reason)
    logger.debug("Sync states of %d tags", len(result))
    return result
