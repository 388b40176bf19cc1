"""Verify: re-hash a local model and compare it, file by file, with the cloud's list.

This reads every byte again on purpose (no hash cache): it is what a user runs
when they suspect the disk, so it must not trust what was computed before.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from bentosync.core.cloud import CloudClient
from bentosync.core.errors import BentoSyncError
from bentosync.core.manifest import hash_files, scan_files
from bentosync.core.store import LocalStore
from bentosync.core.tags import Tag
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyResult:
    tag: Tag
    verified: list[str]
    mismatched: list[str]
    missing: list[str]  # in the cloud list, not on disk
    extra: list[str]  # on disk, not in the cloud list

    @property
    def ok(self) -> bool:
        return not (self.mismatched or self.missing or self.extra)


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
    progress.set_phase(Phase.PREPARING, f"Fetching the file list of {local.tag}")
    remote = client.get_model(local.name, local.version)
    expected = remote.file_list
    if expected is None:
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

    actual = {e.path: e for e in hash_files(files, progress=hashed, cancel=cancel)}
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
    result = VerifyResult(
        local.tag,
        verified,
        mismatched,
        missing=sorted(set(wanted) - set(actual)),
        extra=sorted(set(actual) - set(wanted)),
    )
    progress.set_phase(Phase.DONE if result.ok else Phase.FAILED, _summary(result))
    return result


def _summary(result: VerifyResult) -> str:
    if result.ok:
        return f"{result.tag}: all {len(result.verified)} files match the cloud."
    problems = []
    if result.mismatched:
        problems.append(f"{len(result.mismatched)} differ ({', '.join(result.mismatched[:3])})")
    if result.missing:
        problems.append(f"{len(result.missing)} missing ({', '.join(result.missing[:3])})")
    if result.extra:
        problems.append(f"{len(result.extra)} extra ({', '.join(result.extra[:3])})")
    return f"{result.tag}: " + "; ".join(problems) + "."
