"""Verify: re-hash a local model and compare it with the cloud's checksums.

File by file where the record lists every file; as a whole, one digest,
where the model had too many files to list (``core.filelist``).

This reads every byte again on purpose: it is what a user runs when they
suspect the disk, so it never *reads* the hash cache. It does *write* what it
computed into it, so the next push of an unchanged model need not read the
bytes a third time. Its cloud call is retried as a push's or a pull's are
(``RetryPolicy``): a verify is as likely to meet a dropped connection.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from bentosync.core.cloud import CloudClient
from bentosync.core.errors import BentoSyncError
from bentosync.core.filelist import Checksums, FileEntry, describe_difference
from bentosync.core.hashcache import HashCache
from bentosync.core.manifest import LocalFile, hash_files, scan_files
from bentosync.core.store import LocalStore
from bentosync.core.tags import Tag
from bentosync.core.transfer.phrases import FileReason, Phrase, PhraseKey
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress
from bentosync.core.transfer.retrying import RetryPolicy

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


class Verifier:
    """One verify job. Build it (``Session.verifier``), then call ``run()`` on a worker.

    Args:
        hash_cache: where the fresh sha256 of every file is recorded; never read.
        cancel: set to stop between chunks (raises ``Cancelled``).
    """

    def __init__(
        self,
        client: CloudClient,
        store: LocalStore,
        tag: Tag | str,
        *,
        progress: TransferProgress | None = None,
        cancel: threading.Event | None = None,
        hash_cache: HashCache | None = None,
    ) -> None:
        self.client = client
        self.store = store
        self.tag = tag
        self.progress = progress or TransferProgress("verify", str(tag))
        self.cancel = cancel or threading.Event()
        self.hash_cache = hash_cache

    def run(self) -> VerifyResult:
        progress, client = self.progress, self.client
        local = self.store.get(self.tag)
        progress.tag = str(local.tag)
        progress.set_phase(
            Phase.PREPARING, Phrase(PhraseKey.FETCHING_CHECKSUMS, {"tag": str(local.tag)})
        )
        remote = RetryPolicy(self.cancel).call(client.get_model, local.name, local.version)
        checksums = remote.checksums
        if checksums is None:
            raise BentoSyncError(
                f"{client.endpoint} keeps no checksums for {local.tag}, so there is nothing to "
                "verify against. Push it with BentoSync to record them."
            )
        files = scan_files(local.path)
        progress.set_files((f.path, f.size) for f in files)
        progress.set_all_checksums(ChecksumState.HASHING)
        progress.set_phase(Phase.HASHING, Phrase(PhraseKey.READING_AGAIN))

        def hashed(path: str, done: int, size: int) -> None:
            progress.set_done(path, done)

        hashed_files = hash_files(files, progress=hashed, cancel=self.cancel)
        self._remember(files, hashed_files)
        if checksums.files is None:
            result = _compare_whole(local.tag, hashed_files, checksums, progress)
        else:
            result = _compare_files(local.tag, hashed_files, checksums.files, progress)
        progress.set_phase(Phase.DONE if result.ok else Phase.FAILED, _summary(result))
        return result

    def _remember(self, files: list[LocalFile], hashed: list[FileEntry]) -> None:
        """Fresh hashes of files as listed (``hash_files`` checks they did not change)."""
        if self.hash_cache is None:
            return
        digests = {entry.path: entry.sha256 for entry in hashed}
        self.hash_cache.put_many((f, digests[f.path]) for f in files if f.path in digests)


def _compare_whole(
    tag: Tag, actual: list[FileEntry], checksums: Checksums, progress: TransferProgress
) -> VerifyResult:
    """Only a digest over every file to compare with: all match, or none can be named."""
    if checksums.matches(actual):
        progress.set_all_checksums(ChecksumState.VERIFIED, FileReason.WHOLE_MATCHES)
        return VerifyResult(tag, [e.path for e in actual], [], [], [])
    difference = describe_difference(Checksums.of(actual), checksums)
    progress.set_all_checksums(ChecksumState.MISMATCH, FileReason.WHOLE_DIFFERS)
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
            progress.set_checksum(path, ChecksumState.MISMATCH, FileReason.NOT_IN_FILE_LIST)
        elif want == entry:
            verified.append(path)
            progress.set_checksum(path, ChecksumState.VERIFIED)
        else:
            mismatched.append(path)
            progress.set_checksum(path, ChecksumState.MISMATCH, FileReason.DIFFERS_FROM_SHA256)
    return VerifyResult(
        tag,
        verified,
        mismatched,
        missing=sorted(set(wanted) - set(actual)),
        extra=sorted(set(actual) - set(wanted)),
    )


def _summary(result: VerifyResult) -> str | Phrase:
    """A match as a phrase (the window translates it); a mismatch names files, in English."""
    if result.ok:
        return Phrase(
            PhraseKey.VERIFY_MATCHES, {"tag": str(result.tag), "count": len(result.verified)}
        )
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
