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
from dataclasses import dataclass, field

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import Checksums, Difference, FileEntry, difference, plural
from bentosync.core.store import LocalModel

logger = logging.getLogger(__name__)

__all__ = [
    "ReasonArgs",
    "SyncEntry",
    "SyncReason",
    "SyncState",
    "compare",
    "compute_sync_states",
    "reason_text",
]


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


class SyncReason(str, enum.Enum):
    """Which sentence explains a verdict: the window translates by this key (``core``
    has no Qt), the CLI prints :func:`reason_text`. The arguments each one needs are
    listed beside it; they travel in ``SyncEntry.reason_args``."""

    LOCAL_ONLY = "local_only"
    CLOUD_ONLY = "cloud_only"
    #: ``status``: the cloud-only record's upload status.
    CLOUD_ONLY_UNUSABLE = "cloud_only_unusable"
    HUGGINGFACE = "huggingface"
    #: ``status``; ``why``: the server's reason for it, or "".
    NOT_UPLOADED = "not_uploaded"
    #: ``local_size``, ``cloud_size`` in bytes.
    SIZES_DIFFER = "sizes_differ"
    SAME_SIZE_NO_CHECKSUMS = "same_size_no_checksums"
    #: ``SyncEntry.difference`` says how.
    FILES_DIFFER = "files_differ"
    #: ``count``: every file's sha256 compared.
    SAME_FILES = "same_files"
    #: ``count``: the whole-model sha256 compared.
    SAME_WHOLE = "same_whole"
    #: ``local_count``, ``cloud_count``.
    COUNTS_DIFFER = "counts_differ"
    SAME_SIZE_AND_COUNT = "same_size_and_count"


#: The numbers and names a reason's sentence needs, by the names ``SyncReason`` lists.
ReasonArgs = Mapping[str, "int | str"]


def _size(n: int) -> str:
    return f"{n:,} bytes"


def reason_text(key: SyncReason, args: ReasonArgs, difference: Difference | None = None) -> str:
    """The English sentence of a reason: what ``SyncEntry.reason`` holds."""
    if key is SyncReason.LOCAL_ONLY:
        return "Only on this computer; push it to share it."
    if key is SyncReason.CLOUD_ONLY:
        return "Only in the cloud; pull it to use it here."
    if key is SyncReason.CLOUD_ONLY_UNUSABLE:
        return f"Only in the cloud, and its upload is {args['status']}: it cannot be pulled."
    if key is SyncReason.HUGGINGFACE:
        return (
            "The cloud record is a reference to a Hugging Face model, not an archive of "
            "these files."
        )
    if key is SyncReason.NOT_UPLOADED:
        why = f": {args['why']}" if args["why"] else ""
        return f"The cloud copy is not usable (upload {args['status']}{why}); push it again."
    if key is SyncReason.SIZES_DIFFER:
        local_size, cloud_size = int(args["local_size"]), int(args["cloud_size"])
        return f"Sizes differ: {_size(local_size)} here, {_size(cloud_size)} in the cloud."
    if key is SyncReason.SAME_SIZE_NO_CHECKSUMS:
        return (
            "Same size on both sides; the server keeps no checksums, so the files are unverified."
        )
    if key is SyncReason.FILES_DIFFER:
        assert difference is not None, "FILES_DIFFER needs the difference"
        return difference.english()
    if key in (SyncReason.SAME_FILES, SyncReason.SAME_WHOLE):
        count = int(args["count"])
        if key is SyncReason.SAME_FILES:
            how = plural(count, "has the same sha256", "have the same sha256")
        else:
            how = plural(
                count,
                "matches the cloud's whole-model sha256",
                "match the cloud's whole-model sha256",
            )
        every = plural(count, "The only file", f"All {count} files")
        return f"{every} {how} on both sides."
    if key is SyncReason.COUNTS_DIFFER:
        local_count, cloud_count = int(args["local_count"]), int(args["cloud_count"])
        files = plural(local_count, "file", "files")
        return f"{local_count} {files} here, {cloud_count} in the cloud."
    return (
        "Same size and file count; checksums are compared when the model is verified "
        "or its files are shown."
    )


@dataclass(frozen=True)
class SyncEntry:
    """The state of one tag, the records it was computed from, and why.

    Attributes:
        tag: ``name:version``.
        state: the verdict.
        local: the local record, if the store has the version.
        cloud: the cloud record, if the registry has the version.
        reason: one sentence a person can act on (``list`` output), in English.
        verified: True only when file lists with sha256 were compared equal.
        reason_key: which sentence ``reason`` is, so the window can say it in its
            own language (see :class:`SyncReason`); None for an entry made with a
            free-text reason, which is then shown as it is.
        reason_args: the numbers and names that sentence needs.
        difference: how the files differ, for ``SyncReason.FILES_DIFFER``.
    """

    tag: str
    state: SyncState
    local: LocalModel | None
    cloud: CloudModel | None
    reason: str
    verified: bool = False
    reason_key: SyncReason | None = None
    reason_args: ReasonArgs = field(default_factory=dict)
    difference: Difference | None = None

    @classmethod
    def explained(
        cls,
        tag: str,
        state: SyncState,
        local: LocalModel | None,
        cloud: CloudModel | None,
        key: SyncReason,
        args: ReasonArgs | None = None,
        *,
        verified: bool = False,
        difference: Difference | None = None,
    ) -> SyncEntry:
        """An entry whose English ``reason`` is made from its key, so the two agree."""
        given = dict(args or {})
        return cls(
            tag,
            state,
            local,
            cloud,
            reason_text(key, given, difference),
            verified,
            key,
            given,
            difference,
        )

    @property
    def name(self) -> str:
        return self.tag.split(":", 1)[0]

    @property
    def version(self) -> str:
        return self.tag.split(":", 1)[1]


def compare(
    local: LocalModel,
    cloud: CloudModel,
    local_files: Sequence[FileEntry] | None = None,
) -> SyncEntry:
    """The verdict for one version present on both sides (see the module rules)."""
    tag = str(local.tag)

    def entry(
        state: SyncState,
        key: SyncReason,
        args: ReasonArgs | None = None,
        verified: bool = False,
        difference: Difference | None = None,
    ) -> SyncEntry:
        return SyncEntry.explained(
            tag, state, local, cloud, key, args, verified=verified, difference=difference
        )

    if cloud.is_huggingface:
        return entry(SyncState.DIFFERS, SyncReason.HUGGINGFACE)
    if not cloud.is_uploaded:
        return entry(
            SyncState.DIFFERS,
            SyncReason.NOT_UPLOADED,
            {
                "status": cloud.upload_status or "unknown",
                "why": cloud.upload_finished_reason or "",
            },
        )
    if cloud.size_bytes and cloud.size_bytes != local.size_bytes:
        return entry(
            SyncState.DIFFERS,
            SyncReason.SIZES_DIFFER,
            {"local_size": local.size_bytes, "cloud_size": cloud.size_bytes},
        )
    remote = cloud.checksums
    if remote is None:
        return entry(SyncState.IN_SYNC, SyncReason.SAME_SIZE_NO_CHECKSUMS)
    if local_files is not None:
        mine = Checksums.of(local_files)
        if mine.digest != remote.digest:
            return entry(
                SyncState.DIFFERS, SyncReason.FILES_DIFFER, difference=difference(mine, remote)
            )
        key = SyncReason.SAME_FILES if remote.listed else SyncReason.SAME_WHOLE
        return entry(SyncState.IN_SYNC, key, {"count": remote.count}, verified=True)
    if remote.count != local.file_count:
        return entry(
            SyncState.DIFFERS,
            SyncReason.COUNTS_DIFFER,
            {"local_count": local.file_count, "cloud_count": remote.count},
        )
    return entry(SyncState.IN_SYNC, SyncReason.SAME_SIZE_AND_COUNT)


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
            result[tag] = SyncEntry.explained(
                tag, SyncState.LOCAL_ONLY, local, None, SyncReason.LOCAL_ONLY
            )
        else:
            result[tag] = compare(local, remote, files.get(tag))
    for tag, cloud in clouds_by_tag.items():
        if tag in result:
            continue
        if cloud.is_uploaded:
            key, args = SyncReason.CLOUD_ONLY, {}
        else:
            key, args = SyncReason.CLOUD_ONLY_UNUSABLE, {"status": cloud.upload_status or "unknown"}
        result[tag] = SyncEntry.explained(tag, SyncState.CLOUD_ONLY, None, cloud, key, args)
    logger.debug("Sync states of %d tags", len(result))
    return result
