"""What a cloud record lets a pull demand of the files an archive delivers.

Three cases, by what the record keeps (``core.filelist``): each file's sha256
(checked as each file lands; no file may be missing or extra), one digest
over all files (checked once the last file is in), or nothing, as on
BentoCloud after an official push: then the files must at least add up to
``manifest.size_bytes``, so an archive cut at a member boundary, a valid but
shorter tar, is never installed (PROTOCOL.md 10.2). In every case no more
data than announced is accepted. The extractor asks; this module decides,
and shows each file's checksum state as it goes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from bentosync.core.archive import adds_up
from bentosync.core.errors import BentoSyncError, UnsafeArchive
from bentosync.core.filelist import Checksums, FileEntry, describe_difference
from bentosync.core.transfer.phrases import FileReason
from bentosync.core.transfer.progress import ChecksumState, TransferProgress

logger = logging.getLogger(__name__)


class ChecksumMismatch(BentoSyncError):
    """A file's bytes differ from the server's checksum list."""


class IncompleteArchive(BentoSyncError):
    """The archive ended early or lacks files: retry, or resume where it stopped."""


class Expectations:
    """The record's promises about one archive's files, checked as they arrive.

    Args:
        checksums: what the record keeps of the files, or None.
        announced_size: the manifest's ``size_bytes``; 0 or None means "not stated".
        progress: where each file's checksum state is shown, if anywhere.
    """

    def __init__(
        self,
        checksums: Checksums | None,
        announced_size: int | None,
        progress: TransferProgress | None,
    ) -> None:
        self.checksums = checksums
        listed = checksums.files if checksums is not None else None
        self._expected = {e.path: e for e in listed} if listed is not None else None
        self.size_limit = announced_size or None
        self.progress = progress

    @property
    def listed(self) -> bool:
        """True when every file is known in advance (so none is added on the way)."""
        return self._expected is not None

    def announce(self, path: str, size: int, done_bytes: int) -> None:
        """A file is about to be written: refuse it before a byte lands if it cannot fit."""
        if self._expected is not None:
            entry = self._expected.get(path)
            if entry is None:
                raise UnsafeArchive(
                    f"The archive holds {path!r}, which the model's file list lacks."
                )
            if size != entry.size:
                raise UnsafeArchive(
                    f"{path} is {size} bytes in the archive but {entry.size} in the file list."
                )
        if self.size_limit is not None and done_bytes + size > self.size_limit:
            raise UnsafeArchive(
                f"The archive holds more data than the model's announced {self.size_limit} "
                f"bytes (at {path})."
            )

    def verify(self, entry: FileEntry) -> None:
        """A file is on disk, hashed: check it where the record lists it, else say why not."""
        if self._expected is None:
            if self.checksums is not None:
                self._show(entry.path, ChecksumState.PENDING, "checked with the whole model")
            else:
                self._show(entry.path, ChecksumState.UNVERIFIED, FileReason.NO_CHECKSUMS)
            return
        want = self._expected[entry.path]
        if want.sha256 != entry.sha256:
            self._show(
                entry.path,
                ChecksumState.MISMATCH,
                f"sha256 {entry.sha256[:12]}… differs from the server's {want.sha256[:12]}…",
            )
            raise ChecksumMismatch(
                f"Checksum mismatch in {entry.path}: the downloaded bytes differ from what the "
                "server recorded at upload. The model was not installed."
            )
        self._show(entry.path, ChecksumState.VERIFIED)

    def complete(
        self,
        done: Mapping[str, FileEntry],
        done_bytes: int,
        linked_bytes: Callable[[], int],
    ) -> None:
        """The archive ended: nothing may be missing, as far as the record can tell.

        ``linked_bytes`` is asked only when the size alone is what can be checked.
        """
        if self._expected is not None:
            missing = sorted(set(self._expected) - set(done))
            if missing:
                shown = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
                raise IncompleteArchive(f"The archive lacks {len(missing)} file(s): {shown}.")
        elif self.checksums is not None:
            self._check_whole(self.checksums, done)
        elif self.size_limit is not None and not adds_up(
            done_bytes, linked_bytes(), self.size_limit
        ):
            raise IncompleteArchive(
                f"The archive holds {len(done)} files of {done_bytes:,} bytes, but the model "
                f"announces {self.size_limit:,} bytes: files are missing (an archive cut "
                "between two files still looks whole). The model was not installed; pull it "
                "again, or push it again if this repeats."
            )

    def _check_whole(self, checksums: Checksums, done: Mapping[str, FileEntry]) -> None:
        got = Checksums.of(done.values())
        if got.digest == checksums.digest:
            self._show_all(ChecksumState.VERIFIED, FileReason.WHOLE_MATCHES_CHECKSUM)
            return
        self._show_all(ChecksumState.MISMATCH, FileReason.DIFFER_FROM_CHECKSUM)
        raise ChecksumMismatch(
            "The downloaded files do not match the checksum recorded when the model was "
            f"pushed ({describe_difference(got, checksums)}). The model was not installed."
        )

    def _show(self, path: str, state: ChecksumState, why: str = "") -> None:
        if self.progress is not None:
            self.progress.set_checksum(path, state, why)

    def _show_all(self, state: ChecksumState, why: str) -> None:
        if self.progress is not None:
            self.progress.set_all_checksums(state, why)
