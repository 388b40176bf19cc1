"""Verify: re-hash a local model and compare it with the cloud's checksums.

File by file where the record lists every file; as a whole, one digest,
where the model had too many files to list (``core.filelist``).

This reads every byte again on purpose (no hash cache): it is what a user runs
when they suspect the disk, so it must not trust what was computed before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from bentosync.core.cloud import CloudClient
from bentosync.core.errors import BentoSyncError
from bentosync.core.filelist import Checksums, FileEntry, describe_difference
from bentosync.core.manifest import hash_files, scan_files
from bentosync.core.store import LocalStore
from bentosync.core.tags import Tag
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyResult:
    """What a verify found. ``whole`` is set when only a whole-model digest was compared."""

    tag: Tag
    verified: list[str]
    mismatched: list[str]
    missing: list[str]  # in the cloud list, not on disk
    extra: list[str]  # on disk, not in the cloud list
    whole: str = ""  # the difference, in words, when the cloud keeps one digest only

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.extra or self.whole)


def verify_model(
    client: CloudClient,
    store: LocalStore,
    tag: Tag | str,
    *,
    progress: TransferProgress | None = None,
    cancel: threading.Event | None = None,
) -> VerifyResult:
    local = store.get(tag)
    progress = progress or TransferProgress("verify", str(local.tag))
    progress.tag = str(local.tag)
    progress.set_phase(Phase.PREPARING, f"Fetching the checksums of {local.tag}")
    remote = client.get_model(local.name, local.version)
    checksums = remote.checksums
    if checksums is None:
        raise BentoSyncError(
            f"{client.endpoint} keeps no checksums for {local.tag}, so there is nothing to "
            "verify against. Push it with BentoSync to record them."
        )
    files = scan_files(local.path)
    progress.set_files((f.path, f.size) for f in files)
    progress.set_all_checksums(ChecksumState.HASHING)
    progress.set_phase(Phase.HASHING, "Reading every file again")

    def hashed(path: str, done: int, size: int) -> None:
        progress.set_done(path, done)

    hashed_files = hash_files(files, progress=hashed, cancel=cancel)
    if checksums.files is None:
        result = _compare_whole(local.tag, hashed_files, checksums, progress)
    else:
        result = _compare_files(local.tag, hashed_files, checksums.files, progress)
    progress.set_phase(Phase.DONE if result.ok else Phase.FAILED, _summary(result))
    return result


def _compare_whole(
    tag: Tag, actual: list[FileEntry], checksums: Checksums, progress: TransferProgress
) -> VerifyResult:
    """Only a digest over every file to compare with: all match, or none can be named."""
    if checksums.matches(actual):
        progress.set_all_checksums(ChecksumState.VERIFIED, "the whole model matches")
        return VerifyResult(tag, [e.path for e in actual], [], [], [])
    difference = describe_difference(Checksums.of(actual), checksums)
    progress.set_all_checksums(ChecksumState.MISMATCH, "the whole model differs")
    return VerifyResult(tag, [], [], [], [], whole=difference)


def _compare_files(
    tag: Tag,
    actual_files: list[FileEntry],
    expected: tuple[FileEntry, ...],
    progress: TransferProgress,
) -> VerifyResult:
    actual = {e.path: e for e in actual_files}
    wanted = {e.path: e for e in expected}
    verified, mismatched = [], []
    for path, entry in sorted(actual.items()):
        want = wanted.get(path)
        if want is None:
            progress.set_checksum(path, ChecksumState.MISMATCH, "not in the cloud's file list")
        elif want == entry:
            verified.append(path)
            progress.set_checksum(path, ChecksumState.VERIFIED)
        else:
            mismatched.append(path)
            progress.set_checksum(path, ChecksumState.MISMATCH, "differs from the cloud's sha256")
    return VerifyResult(
        tag,
        verified,
        mismatched,
        missing=sorted(set(wanted) - set(actual)),
        extra=sorted(set(actual) - set(wanted)),
    )


def _summary(result: VerifyResult) -> str:
    if result.ok:
        return f"{result.tag}: all {len(result.verified)} files match the cloud."
    if result.whole:
        return f"{result.tag}: the files differ from the cloud's checksum ({result.whole})."
    problems = []
    if result.mismatched:
        problems.append(f"{len(result.mismatched)} differ ({', '.join(result.mismatched[:3])})")
    if result.missing:
        problems.append(f"{len(result.missing)} missing ({', '.join(result.missing[:3])})")
    if result.extra:
        problems.append(f"{len(result.extra)} extra ({', '.join(result.extra[:3])})")
    return f"{result.tag}: " + "; ".join(problems) + "."
