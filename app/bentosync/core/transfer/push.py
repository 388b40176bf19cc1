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
import math
import threading
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from bentosync.core.cloud import CloudClient
from bentosync.core.cloud_errors import AuthError, CloudError, NotFound, RequestRejected
from bentosync.core.cloud_records import CloudModel
from bentosync.core.errors import BentoSyncError, Cancelled
from bentosync.core.filelist import FileEntry, to_manifest_value
from bentosync.core.manifest import FileChanged, HashCache, hash_files
from bentosync.core.modelinfo import COMPATIBLE_BENTOML_VERSION
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.tags import Tag
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress
from bentosync.core.transfer.retrying import RetryPolicy
from bentosync.core.transfer.tarlayout import RangeReader, TarLayout

logger = logging.getLogger(__name__)

DEFAULT_PART_SIZE = 100 * 1024 * 1024  # the official client's FILE_CHUNK_SIZE
MIN_PART_SIZE = 5 * 1024 * 1024  # S3's floor for every part but the last
DEFAULT_THREADS = 10
PART_ATTEMPTS = 5


class PresignedUrlRefused(CloudError):
    """Storage refused a presigned URL (expired or tampered): ask for a fresh one."""


@dataclass(frozen=True)
class PushResult:
    tag: Tag
    skipped: bool
    verified: bool
    strategy: str
    message: str


def build_manifest(model: LocalModel, files: list[FileEntry]) -> dict[str, Any]:
    """The create-model manifest the official client sends, plus our file list."""
    context = dict(model.context)
    return {
        "module": model.module,
        "api_version": model.info.api_version,
        "bentoml_version": str(context.get("bentoml_version") or COMPATIBLE_BENTOML_VERSION),
        "size_bytes": model.size_bytes,
        "metadata": dict(model.metadata),
        "context": context,
        "options": dict(model.info.options),
        "bentosync": to_manifest_value(files),
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
    ) -> None:
        if part_size < MIN_PART_SIZE:
            raise BentoSyncError(
                f"--part-size must be at least {MIN_PART_SIZE} bytes (5 MiB), "
                "the smallest part object stores accept."
            )
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
        self.strategy = ""
        self.retry = RetryPolicy(
            self.cancel, extra=lambda exc: isinstance(exc, PresignedUrlRefused)
        )
        self.call = self.retry.call

    # ---- entry ---------------------------------------------------------------------

    def run(self) -> PushResult:
        try:
            return self._run()
        except Cancelled:
            self.progress.set_phase(Phase.CANCELLED, "Cancelled")
            raise
        except BentoSyncError as exc:
            self.progress.set_phase(Phase.FAILED, str(exc))
            raise

    def _run(self) -> PushResult:
        progress = self.progress
        progress.set_phase(Phase.PREPARING, f"Reading {self.requested}")
        model = self.store.get(self.requested)
        self.tag = model.tag
        progress.tag = str(self.tag)
        files, layout = self._hash_and_lay_out(model)
        remote = self._remote_record(model, files)
        if isinstance(remote, PushResult):
            return remote
        self.strategy, remote = self._choose_strategy(remote)
        name, version = model.name, model.version
        resumed = self._resumable_upload(layout, remote) if self.strategy == "multipart" else None
        if resumed is None:
            # start_upload voids any earlier attempt on the server, so a resume skips it.
            self.call(self.client.start_upload, name, version)
        progress.set_phase(Phase.UPLOADING, f"Uploading {self.tag} ({self.strategy})")
        try:
            if self.strategy == "proxy":
                self._send_whole(layout, None)
            elif self.strategy == "presigned":
                self._send_whole(layout, remote.presigned_upload_url)
                self.call(self.client.finish_upload, name, version, "success")
            else:
                self._send_multipart(layout, resumed)
                self.call(self.client.finish_upload, name, version, "success")
        except BaseException as exc:
            self._report_failure(exc)
            raise
        return self._confirm(files)

    # ---- steps ---------------------------------------------------------------------

    def _hash_and_lay_out(self, model: LocalModel) -> tuple[list[FileEntry], TarLayout]:
        progress = self.progress
        layout = TarLayout.from_folder(model.path)
        sizes = [(m.path, m.size) for m in layout.files]
        progress.set_files(sizes)
        progress.set_all_checksums(ChecksumState.HASHING)
        progress.set_phase(Phase.HASHING, "Computing sha256 of every file")

        def hashed(path: str, done: int, size: int) -> None:
            if done >= size:
                progress.set_checksum(path, ChecksumState.PENDING, "hashed; the server checks it")

        # Hash exactly the files the archive will carry, so list and archive agree.
        files = hash_files(
            layout.local_files(), cache=self.hash_cache, progress=hashed, cancel=self.cancel
        )
        if [(f.path, f.size) for f in files] != sorted(sizes):
            raise FileChanged(f"Files of {self.tag} changed while it was being read; push again.")
        return files, layout

    def _remote_record(self, model: LocalModel, files: list[FileEntry]) -> CloudModel | PushResult:
        """Find or create the cloud record to upload into, or decide there is nothing to do."""
        name, version = model.name, model.version
        self._ensure_repository(name)
        try:
            remote: CloudModel | None = self.call(self.client.get_model, name, version)
        except NotFound:
            remote = None
        if remote is not None and remote.is_uploaded and not self.force:
            return self._already_there(remote, files)
        if remote is not None and remote.file_list != files:
            # The official client reuses a stale record and never updates its
            # manifest (PROTOCOL.md 10.5); our checksums must describe these bytes.
            try:
                self.call(self.client.delete_model, name, version)
                remote = None
            except (NotFound, RequestRejected) as exc:
                logger.info("Cannot replace the record of %s (%s); reusing it", self.tag, exc)
        if remote is None:
            remote = self._create_record(model, files)
        return remote

    def _create_record(self, model: LocalModel, files: list[FileEntry]) -> CloudModel:
        """POST the record; if a retried POST finds it made already, use that one."""
        attempts = [0]

        def create() -> CloudModel:
            attempts[0] += 1
            try:
                return self.client.create_model(
                    model.name,
                    model.version,
                    build_manifest(model, files),
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

    def _already_there(self, remote: CloudModel, files: list[FileEntry]) -> PushResult:
        if remote.file_list is None:
            message = f"{self.tag} is already on {self.client.endpoint}; use --force to push again."
            checksum = ChecksumState.UNVERIFIED
        elif remote.file_list == files:
            message = f"{self.tag} is already on {self.client.endpoint}, identical file by file."
            checksum = ChecksumState.VERIFIED
        else:
            message = (
                f"{self.tag} is already on {self.client.endpoint} with different files; "
                "use --force to replace it."
            )
            checksum = ChecksumState.MISMATCH
        self.progress.set_all_checksums(checksum, "compared with the server's file list")
        self.progress.set_phase(Phase.SKIPPED, message)
        verified = checksum is ChecksumState.VERIFIED
        return PushResult(self.tag, True, verified, "", message)

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

    # ---- sending -------------------------------------------------------------------

    def _reader(self, layout: TarLayout, start: int, end: int, counted: list[int]) -> RangeReader:
        """A part's bytes, reporting each chunk to the files it belongs to."""

        def on_read(offset: int, length: int) -> None:
            for span in layout.file_spans(offset, offset + length):
                self.progress.advance(span.path, span.length)
            counted[0] += length

        return RangeReader(layout, start, end, on_read=on_read, cancel=self.cancel)

    def _rewind(self, layout: TarLayout, start: int, counted: list[int]) -> None:
        """Take back the progress of a failed attempt before retrying it."""
        if counted[0]:
            for span in layout.file_spans(start, start + counted[0]):
                self.progress.advance(span.path, -span.length)
            counted[0] = 0

    def _send_whole(self, layout: TarLayout, url: str | None) -> None:
        name, version = self.tag.name, self.tag.version or ""
        total = layout.total_size
        counted = [0]
        state = {"url": url}

        def attempt() -> None:
            self._rewind(layout, 0, counted)
            body = self._reader(layout, 0, total, counted)
            if state["url"] is None:
                self.client.upload(name, version, body, total)
                return
            try:
                self.client.put_stream(state["url"], body, total, auth=False)
            except AuthError as exc:
                state["url"] = self.client.presign_upload_url(name, version).presigned_upload_url
                raise PresignedUrlRefused(f"The storage refused the upload URL: {exc}") from exc

        RetryPolicy(self.cancel, attempts=PART_ATTEMPTS, extra=self.retry.extra).call(attempt)

    def _send_multipart(
        self, layout: TarLayout, resumed: tuple[str, dict[int, str]] | None
    ) -> None:
        name, version = self.tag.name, self.tag.version or ""
        total = layout.total_size
        parts = max(1, math.ceil(total / self.part_size))
        upload_id, etags = resumed or (self._start_multipart(layout), {})
        todo = [n for n in range(1, parts + 1) if n not in etags]
        for number in etags:  # parts the server already holds from an earlier run
            start = (number - 1) * self.part_size
            for span in layout.file_spans(start, min(total, start + self.part_size)):
                self.progress.advance(span.path, span.length)
        lock = threading.Lock()

        def send_part(number: int) -> None:
            start = (number - 1) * self.part_size
            end = min(total, start + self.part_size)
            counted = [0]

            def attempt() -> str:
                self._rewind(layout, start, counted)
                url = self.client.presign_multipart_upload_url(name, version, upload_id, number)
                try:
                    resp = self.client.put_stream(
                        url, self._reader(layout, start, end, counted), end - start, auth=False
                    )
                except AuthError as exc:
                    raise PresignedUrlRefused(f"Storage refused part {number}: {exc}") from exc
                etag = resp.headers.get("ETag")
                if not etag:
                    raise CloudError(f"The server accepted part {number} without an ETag.")
                return etag

            etag = RetryPolicy(self.cancel, attempts=PART_ATTEMPTS, extra=self.retry.extra).call(
                attempt
            )
            with lock:
                etags[number] = etag
            if self.journal is not None:
                self.journal.part_done(self.client.endpoint, name, version, upload_id, number, etag)

        workers = max(1, min(self.threads, len(todo)))
        with ThreadPoolExecutor(workers, thread_name_prefix="bentosync-part") as pool:
            futures = [pool.submit(send_part, n) for n in todo]
            done, pending = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                for future in pending:
                    future.cancel()
                wait(pending)
                raise failed[0].exception()  # type: ignore[misc]
        self.progress.set_phase(Phase.VERIFYING, "The server is checking every file")
        self._complete(upload_id, etags)
        if self.journal is not None:
            self.journal.forget_upload(self.client.endpoint, name, version)

    def _resumable_upload(
        self, layout: TarLayout, remote: CloudModel
    ) -> tuple[str, dict[int, str]] | None:
        """The journal's multipart upload, if it is for these exact bytes and still open."""
        if self.journal is None:
            return None
        name, version = self.tag.name, self.tag.version or ""
        record = self.journal.upload(self.client.endpoint, name, version)
        if record is None:
            return None
        if (
            record.layout_digest == layout.fingerprint
            and record.part_size == self.part_size
            and record.archive_size == layout.total_size
            and remote.upload_status == "uploading"
            and remote.upload_id in (None, "", record.upload_id)
        ):
            logger.info("Resuming upload of %s: %d parts already sent", self.tag, len(record.etags))
            return record.upload_id, dict(record.etags)
        self.journal.forget_upload(self.client.endpoint, name, version)
        return None

    def _start_multipart(self, layout: TarLayout) -> str:
        name, version = self.tag.name, self.tag.version or ""
        upload_id = self.call(self.client.start_multipart_upload, name, version).upload_id or ""
        if self.journal is not None:
            self.journal.start_upload(
                self.client.endpoint,
                name,
                version,
                upload_id=upload_id,
                part_size=self.part_size,
                archive_size=layout.total_size,
                layout_digest=layout.fingerprint,
            )
        return upload_id

    def _complete(self, upload_id: str, etags: dict[int, str]) -> None:
        """Complete the multipart upload; a retry after a lost answer may find it done."""
        name, version = self.tag.name, self.tag.version or ""
        attempts = [0]

        def complete() -> None:
            attempts[0] += 1
            try:
                self.client.complete_multipart_upload(name, version, upload_id, etags.items())
            except RequestRejected:
                if attempts[0] == 1:
                    raise
                logger.info("complete_multipart_upload retried; the server may have it already")

        self.call(complete)

    # ---- the end -------------------------------------------------------------------

    def _report_failure(self, exc: BaseException) -> None:
        """Never leave the record looking fine: say it failed, and why."""
        if self.strategy == "proxy":
            return  # the server marks a broken proxy PUT failed itself (PROTOCOL.md 4.1)
        reason = "cancelled by the user" if isinstance(exc, Cancelled) else str(exc)
        try:
            self.client.finish_upload(self.tag.name, self.tag.version or "", "failed", reason)
        except CloudError as report_exc:
            logger.warning("Could not mark %s failed on the server: %s", self.tag, report_exc)
        if self.journal is not None and isinstance(exc, Cancelled):
            self.journal.forget_upload(self.client.endpoint, self.tag.name, self.tag.version or "")

    def _confirm(self, files: list[FileEntry]) -> PushResult:
        remote = self.call(self.client.get_model, self.tag.name, self.tag.version or "")
        if not remote.is_uploaded:
            reason = remote.upload_finished_reason or f"status {remote.upload_status}"
            for entry in files:
                if entry.path in reason:
                    self.progress.set_checksum(entry.path, ChecksumState.MISMATCH, reason)
            raise BentoSyncError(f"The server did not accept {self.tag}: {reason}")
        if remote.file_list is None:
            self.progress.set_all_checksums(
                ChecksumState.UNVERIFIED, "the server keeps no checksums to compare"
            )
            verified = False
        elif remote.file_list == files:
            self.progress.set_all_checksums(ChecksumState.VERIFIED)
            verified = True
        else:
            self.progress.set_all_checksums(ChecksumState.MISMATCH, "the server lists other files")
            raise BentoSyncError(
                f"The server holds {self.tag} with a file list that differs from the local one."
            )
        how = "every file verified by the server" if verified else "unverified"
        message = f"Pushed {self.tag} ({len(files)} files, {how})"
        self.progress.set_phase(Phase.DONE, message)
        return PushResult(self.tag, False, verified, self.strategy, message)
