"""Push: local model → hashed file list → streamed archive → server-verified record.

Unlike ``bentoml models push`` (PROTOCOL.md 4, 10): no temporary tar (parts are
cut from a virtual tar on demand, straight from the model's files), parts go up
in parallel and are retried with a fresh presigned URL, a cut multipart upload
resumes from the parts the journal holds, a failure always ends in
``finish_upload(failed, reason)``, and the per-file sha256 list rides in the
manifest so the server can refuse an archive whose bytes are not what we hashed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from bentosync.core.cloud import CloudClient, is_retryable
from bentosync.core.cloud_errors import CloudError, NotFound, RequestRejected
from bentosync.core.cloud_records import CloudModel
from bentosync.core.errors import (
    BentoSyncError,
    Cancelled,
    RecordConflict,
    after_cancel,
    keeps_work,
)
from bentosync.core.filelist import (
    Checksums,
    FileEntry,
    describe_difference,
    metadata_with_checksums,
)
from bentosync.core.filelist import (
    difference as file_difference,
)
from bentosync.core.manifest import FileChanged, HashCache
from bentosync.core.modelinfo import COMPATIBLE_BENTOML_VERSION
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.tags import Tag
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.parts import (
    DEFAULT_PART_SIZE,
    DEFAULT_THREADS,
    check_part_size,
    fits_single_put,
)
from bentosync.core.transfer.phrases import FileReason, Phrase, PhraseKey
from bentosync.core.transfer.prehash import Prehash
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress
from bentosync.core.transfer.retrying import RetryPolicy
from bentosync.core.transfer.tarlayout import TarLayout
from bentosync.core.transfer.upload import (
    ArchiveUploader,
    OpenUpload,
    UploadGone,
    is_url_refusal,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PushResult:
    tag: Tag
    skipped: bool
    verified: bool
    strategy: str
    message: str
    #: ``message`` as data, for the window to say in its language.
    phrase: Phrase | None = None


def build_manifest(
    model: LocalModel, files: list[FileEntry], checksums: Checksums | None = None
) -> dict[str, Any]:
    """The create-model manifest the official client sends, with our checksums in metadata.

    Only the fixed schema's keys (PROTOCOL.md 12): BentoCloud drops any other,
    so the checksums go where it keeps free-form data.
    """
    context = dict(model.context)
    return {
        "module": model.module,
        "api_version": model.info.api_version,
        "bentoml_version": str(context.get("bentoml_version") or COMPATIBLE_BENTOML_VERSION),
        "size_bytes": model.size_bytes,
        "metadata": metadata_with_checksums(model.metadata, checksums or Checksums.of(files)),
        "context": context,
        "options": dict(model.info.options),
    }


class Pusher:
    """One push job. Build it, then call ``run()`` on a worker thread."""

    def __init__(
        self,
        client: CloudClient,
        store: LocalStore,
        tag: Tag | str,
        *,
        force: bool = False,
        threads: int = DEFAULT_THREADS,
        part_size: int = DEFAULT_PART_SIZE,
        progress: TransferProgress | None = None,
        cancel: threading.Event | None = None,
        journal: Journal | None = None,
        hash_cache: HashCache | None = None,
        prehash: Prehash | None = None,
    ) -> None:
        check_part_size(part_size)
        if threads < 1:
            raise BentoSyncError("--threads must be at least 1.")
        self.client = client
        self.store = store
        self.requested = Tag.parse(tag) if isinstance(tag, str) else tag
        self.tag = self.requested
        self.force = force
        self.threads = threads
        self.part_size = part_size
        self.progress = progress or TransferProgress("push", str(self.requested))
        self.cancel = cancel or threading.Event()
        self.journal = journal
        self.hash_cache = hash_cache
        self.prehash = prehash  # hashing started before this job (the CLI's)
        self._checksums: Checksums | None = None
        self._checksummed: list[FileEntry] | None = None
        self.strategy = ""
        self.call = RetryPolicy(self.cancel, extra=is_url_refusal).call

    # ---- entry ---------------------------------------------------------------------

    def run(self) -> PushResult:
        try:
            return self._run()
        except Cancelled:
            self.progress.set_phase(Phase.CANCELLED, Phrase(PhraseKey.CANCELLED))
            raise
        except BentoSyncError as exc:
            self.progress.set_phase(Phase.FAILED, str(exc))
            raise

    def _checksums_of(self, files: list[FileEntry]) -> Checksums:
        """The local files' checksums, made once: for 20,000 files the encoding and its
        digest take a tenth of a second, and a push compares them up to three times."""
        if self._checksums is None or self._checksummed is not files:
            self._checksums = Checksums.of(files)
            self._checksummed = files
        return self._checksums

    def _hashing(self) -> Prehash:
        """The CLI's early hashing when it is of this job's model, else hashing started
        now from the version's folder (loaded on the hashing thread, sized by its walk)."""
        early = self.prehash
        if (
            early is not None
            and early.requested is not None
            and early.folder.parent.parent == self.store.models_dir
            and Tag.parse(early.requested) == self.requested
        ):
            return early
        folder = self.store.locate(self.requested)
        if early is not None and early.folder == folder:
            return early
        return Prehash(folder, self.hash_cache, store=self.store)

    def _run(self) -> PushResult:
        progress = self.progress
        progress.set_phase(Phase.PREPARING, Phrase(PhraseKey.READING, {"tag": str(self.requested)}))
        hashing = self._hashing()
        try:
            model = hashing.model(self.cancel)
            self.tag = model.tag
            progress.tag = str(self.tag)
            self._listen(hashing)
            # The record lookups go out while the files hash: they cost the
            # push no time, and a server that is down or a token that is bad
            # shows at once instead of after the hashing of a 10 GB model.
            found = self._find_record(model.name, model.version)
            files, layout = self._await_hashes(hashing)
        except BaseException:
            hashing.stop()
            raise
        try:
            # The hash cache is written meanwhile, on the hashing thread.
            return self._send(model, files, layout, found)
        finally:
            hashing.stop()

    def _send(
        self,
        model: LocalModel,
        files: list[FileEntry],
        layout: TarLayout,
        found: CloudModel | None,
    ) -> PushResult:
        """Everything after the hashing: the record, the upload and its confirmation."""
        progress = self.progress
        remote = self._remote_record(model, files, found)
        if isinstance(remote, PushResult):
            return remote
        self.strategy, remote = self._choose_strategy(remote)
        if self.strategy == "presigned" and not fits_single_put(layout.total_size):
            # S3 refuses one PUT above 5 GiB (EntityTooLarge): send it in parts instead.
            logger.info("%s is over 5 GiB: uploading it in parts", self.tag)
            self.strategy = "multipart"
        name, version = model.name, model.version
        uploader = ArchiveUploader(
            self.client,
            self.tag,
            layout,
            progress,
            self.cancel,
            self.journal,
            threads=self.threads,
            part_size=self.part_size,
        )
        resumed = uploader.open_upload(remote) if self.strategy == "multipart" else None
        if resumed is None:
            # start_upload voids any earlier attempt on the server, so a resume skips it.
            self.call(self.client.start_upload, name, version)
        progress.set_phase(
            Phase.UPLOADING,
            Phrase(PhraseKey.UPLOADING, {"tag": str(self.tag), "strategy": self.strategy}),
        )
        try:
            if self.strategy == "proxy":
                uploader.send_whole(None)
            elif self.strategy == "presigned":
                uploader.send_whole(remote.presigned_upload_url)
                self.call(self.client.finish_upload, name, version, "success")
            else:
                self._send_multipart(uploader, resumed)
                self.call(self.client.finish_upload, name, version, "success")
        except BaseException as exc:
            outcome = after_cancel(exc, self.cancel, "Push cancelled.")
            self._report_failure(outcome)
            if outcome is exc:
                raise
            raise outcome from exc
        return self._confirm(files)

    # ---- steps ---------------------------------------------------------------------

    def _listen(self, hashing: Prehash) -> None:
        """Show the hashing in the progress: the files once laid out, then each one hashed."""
        progress = self.progress
        progress.set_phase(Phase.HASHING, Phrase(PhraseKey.HASHING))

        def laid_out(layout: TarLayout) -> None:
            progress.set_files([(m.path, m.size) for m in layout.files])
            progress.set_all_checksums(ChecksumState.HASHING)

        def hashed(path: str, done: int, size: int) -> None:
            if done >= size:
                progress.set_checksum(path, ChecksumState.PENDING, FileReason.HASHED_SERVER_CHECKS)

        hashing.listen(hashed, laid_out)

    def _await_hashes(self, hashing: Prehash) -> tuple[list[FileEntry], TarLayout]:
        # Hashed exactly the files the archive will carry, so list and archive agree.
        files = hashing.result(self.cancel)
        layout = hashing.result_layout()
        if [(f.path, f.size) for f in files] != sorted((m.path, m.size) for m in layout.files):
            raise FileChanged(f"Files of {self.tag} changed while it was being read; push again.")
        return files, layout

    def _find_record(self, name: str, version: str) -> CloudModel | None:
        """The cloud record of this version, if any; its repository is created if missing."""
        self._ensure_repository(name)
        try:
            found: CloudModel = self.call(self.client.get_model, name, version)
        except NotFound:
            return None
        return found

    def _remote_record(
        self, model: LocalModel, files: list[FileEntry], remote: CloudModel | None
    ) -> CloudModel | PushResult:
        """The cloud record to upload into, or the decision that there is nothing to do.

        An existing record is reused, as the official client reuses it (PROTOCOL.md
        12): it is never deleted here, since Bentos and deployments may use the
        version. Its manifest cannot be updated either, so a record whose checksums
        describe other files stops the push (``RecordConflict``).
        """
        if remote is None:
            return self._create_record(model, files)
        if remote.is_uploaded and not self.force:
            return self._already_there(model, remote, files)
        self._check_reusable(model, remote, self._checksums_of(files))
        logger.info("Uploading %s into its existing record (%s)", self.tag, remote.upload_status)
        return remote

    def _check_reusable(self, model: LocalModel, remote: CloudModel, mine: Checksums) -> None:
        theirs = remote.checksums
        if theirs is not None and theirs.digest != mine.digest:
            difference = describe_difference(mine, theirs)
        elif theirs is None and remote.size_bytes and remote.size_bytes != model.size_bytes:
            difference = (
                f"it announces {remote.size_bytes:,} bytes of files, the local model has "
                f"{model.size_bytes:,}"
            )
        else:
            return
        self._mark_differences(mine, theirs)
        raise RecordConflict(
            f"The cloud record of {self.tag} on {self.client.endpoint} was made for other files "
            f"({difference}). A record's manifest cannot be changed, so uploading these files "
            "into it would leave it describing bytes it does not hold; nothing was sent. If the "
            f"local model is the right one, run `bentosync push {self.tag} --recreate`: it "
            "deletes the cloud version first (Bentos and deployments that use it lose it) and "
            "pushes it again. Otherwise pull the cloud version."
        )

    def _create_record(self, model: LocalModel, files: list[FileEntry]) -> CloudModel:
        """POST the record; if a retried POST finds it made already, use that one."""
        attempts = [0]

        def create() -> CloudModel:
            attempts[0] += 1
            try:
                return self.client.create_model(
                    model.name,
                    model.version,
                    build_manifest(model, files, self._checksums_of(files)),
                    labels=model.labels,
                    build_at=model.creation_time,
                )
            except RequestRejected:
                if attempts[0] == 1:
                    raise
                return self.client.get_model(model.name, model.version)

        return self.call(create)

    def _ensure_repository(self, name: str) -> None:
        try:
            self.call(self.client.get_repository, name)
        except NotFound:
            try:
                self.call(self.client.create_repository, name)
            except RequestRejected:
                # Created meanwhile by someone else, or by our own retried POST.
                self.call(self.client.get_repository, name)

    def _mark_differences(self, mine: Checksums, theirs: Checksums | None) -> None:
        """Mark the files the cloud record disagrees on; all of them if it cannot say which."""
        if mine.files is None or theirs is None or theirs.files is None:
            self.progress.set_all_checksums(ChecksumState.MISMATCH, FileReason.CLOUD_COPY_DIFFERS)
            return
        cloud = {entry.path: entry for entry in theirs.files}
        for entry in mine.files:
            other = cloud.get(entry.path)
            if other is None:
                self.progress.set_checksum(
                    entry.path, ChecksumState.MISMATCH, FileReason.NOT_IN_CLOUD
                )
            elif other != entry:
                self.progress.set_checksum(
                    entry.path, ChecksumState.MISMATCH, FileReason.OTHER_SHA256
                )
            else:
                self.progress.set_checksum(
                    entry.path, ChecksumState.VERIFIED, FileReason.SAME_IN_CLOUD
                )

    def _already_there(
        self, model: LocalModel, remote: CloudModel, files: list[FileEntry]
    ) -> PushResult:
        theirs, mine = remote.checksums, self._checksums_of(files)
        where: dict[str, int | str] = {"tag": str(self.tag), "endpoint": self.client.endpoint}
        if theirs is None and remote.size_bytes and remote.size_bytes != model.size_bytes:
            phrase = Phrase(
                PhraseKey.ALREADY_THERE_OTHER_SIZE,
                {**where, "cloud_size": remote.size_bytes, "local_size": model.size_bytes},
            )
            checksum, why = ChecksumState.MISMATCH, FileReason.OTHER_SIZE
        elif theirs is None:
            phrase = Phrase(PhraseKey.ALREADY_THERE_UNVERIFIED, where)
            checksum, why = ChecksumState.UNVERIFIED, FileReason.NO_CHECKSUMS
        elif theirs.digest == mine.digest:
            key = (
                PhraseKey.ALREADY_THERE_IDENTICAL
                if theirs.listed
                else PhraseKey.ALREADY_THERE_IDENTICAL_WHOLE
            )
            phrase = Phrase(key, where)
            # A fixed reason, so the window can translate it: which of the two
            # comparisons it was, not the cloud record's count again.
            why = FileReason.SAME_IN_CLOUD if theirs.listed else FileReason.WHOLE_MATCHES
            checksum = ChecksumState.VERIFIED
        else:
            phrase = Phrase(
                PhraseKey.ALREADY_THERE_OTHER_FILES,
                where,
                difference=file_difference(mine, theirs),
            )
            self._mark_differences(mine, theirs)
            self.progress.set_phase(Phase.SKIPPED, phrase)
            return PushResult(self.tag, True, False, "", phrase.english(), phrase)
        self.progress.set_all_checksums(checksum, why)
        self.progress.set_phase(Phase.SKIPPED, phrase)
        verified = checksum is ChecksumState.VERIFIED
        return PushResult(self.tag, True, verified, "", phrase.english(), phrase)

    def _choose_strategy(self, remote: CloudModel) -> tuple[str, CloudModel]:
        """PROTOCOL.md 4.5 / 6: the record's transmission_strategy decides."""
        if remote.transmission_strategy == "proxy":
            return "proxy", remote
        if remote.transmission_strategy:
            return "multipart", remote
        assert remote.version
        presigned = self.call(self.client.presign_upload_url, remote.name, remote.version)
        if presigned.presigned_upload_url:
            return "presigned", presigned
        return "proxy", presigned

    def _send_multipart(self, uploader: ArchiveUploader, resumed: OpenUpload | None) -> None:
        """The parts, going on from the journal's; from the first part if that upload is gone."""
        try:
            uploader.send_multipart(resumed)
        except UploadGone as exc:
            logger.info("%s; uploading %s again from the first part", exc, self.tag)
            self.progress.set_phase(
                Phase.UPLOADING, Phrase(PhraseKey.UPLOADING_AGAIN, {"tag": str(self.tag)})
            )
            self.call(self.client.start_upload, self.tag.name, self.tag.version or "")
            uploader.send_multipart(None)

    # ---- the end -------------------------------------------------------------------

    def _report_failure(self, exc: BaseException) -> None:
        """Never leave the record looking fine: say it failed, and why.

        A multipart upload cut by the network or a failing server stays open
        instead: the journal holds its parts, and the next push goes on from there
        (finish_upload failed would close it on the server).
        """
        if self.strategy == "proxy":
            return  # the server marks a broken proxy PUT failed itself (PROTOCOL.md 4.1)
        resumable = is_retryable(exc) or keeps_work(self.cancel)  # cut, or the app quits
        if self.strategy == "multipart" and self.journal is not None and resumable:
            logger.info("Keeping the upload of %s open for a resumed push", self.tag)
            return
        reason = "cancelled by the user" if isinstance(exc, Cancelled) else str(exc)
        try:
            self.client.finish_upload(self.tag.name, self.tag.version or "", "failed", reason)
        except CloudError as report_exc:
            logger.warning("Could not mark %s failed on the server: %s", self.tag, report_exc)
        if self.journal is not None and isinstance(exc, Cancelled):
            self.journal.forget_upload(self.client.endpoint, self.tag.name, self.tag.version or "")

    def _confirm(self, files: list[FileEntry]) -> PushResult:
        """What the server now holds, and how far that is vouched for.

        Verified only when the server says it checked the archive against the
        record's checksums (our registry's default flavour). BentoCloud only
        stores the bytes: there the checksums are recorded for every pull to
        check, and the push itself stays unverified.
        """
        remote = self.call(self.client.get_model, self.tag.name, self.tag.version or "")
        if not remote.is_uploaded:
            reason = remote.upload_finished_reason or f"status {remote.upload_status}"
            for entry in files:
                if entry.path in reason:
                    self.progress.set_checksum(entry.path, ChecksumState.MISMATCH, reason)
            raise BentoSyncError(f"The server did not accept {self.tag}: {reason}")
        theirs, mine = remote.checksums, self._checksums_of(files)
        verified = False
        if theirs is None:
            key = PhraseKey.PUSHED_UNVERIFIED
            self.progress.set_all_checksums(ChecksumState.UNVERIFIED, FileReason.NO_CHECKSUMS)
        elif theirs.digest != mine.digest:
            self.progress.set_all_checksums(
                ChecksumState.MISMATCH, FileReason.SERVER_LISTS_OTHER_FILES
            )
            raise BentoSyncError(
                f"The server holds {self.tag} with checksums that differ from the local files "
                f"({describe_difference(mine, theirs)})."
            )
        elif remote.archive_checked:
            verified = True
            key = PhraseKey.PUSHED_VERIFIED if theirs.listed else PhraseKey.PUSHED_VERIFIED_WHOLE
            self.progress.set_all_checksums(ChecksumState.VERIFIED, FileReason.SERVER_CHECKED)
        else:
            key = PhraseKey.PUSHED_RECORDED
            self.progress.set_all_checksums(
                ChecksumState.UNVERIFIED,
                FileReason.RECORDED_FOR_PULLS,
            )
        phrase = Phrase(key, {"tag": str(self.tag), "count": len(files)})
        self.progress.set_phase(Phase.DONE, phrase)
        return PushResult(self.tag, False, verified, self.strategy, phrase.english(), phrase)
