"""Sending one model's archive: a whole PUT (proxy, presigned) or parallel parts.

Every byte comes from the virtual tar, read from the model's files on demand, so
no part is ever held whole in memory and a retry re-reads from disk. Progress is
counted per file as blocks leave, and taken back when an attempt fails, so the
bars never run ahead of what the server actually has.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

from bentosync.core.cloud import CloudClient
from bentosync.core.cloud_errors import AuthError, CloudError, NotFound, RequestRejected
from bentosync.core.cloud_records import CloudModel
from bentosync.core.tags import Tag
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.parts import plan_parts
from bentosync.core.transfer.phrases import Phrase, PhraseKey
from bentosync.core.transfer.progress import Phase, TransferProgress
from bentosync.core.transfer.rangereader import RangeReader
from bentosync.core.transfer.retrying import Abandoned, RetryPolicy
from bentosync.core.transfer.tarlayout import TarLayout

logger = logging.getLogger(__name__)

PART_ATTEMPTS = 8  # per part, with backoff: a flaky link costs time, not the upload
# A part starts once the one before it has sent 1/threads of its bytes, or
# after this long at most (so a slow link still gets all its connections soon).
STAGGER_MAX_WAIT = 0.5

# (upload id, {part number: ETag}) of a multipart upload already under way.
OpenUpload = tuple[str, dict[int, str]]


class PresignedUrlRefused(CloudError):
    """Storage refused a presigned URL (expired or tampered): ask for a fresh one."""


class UploadGone(CloudError):
    """The multipart upload the journal resumed no longer exists on the server.

    An upload the server reaped as stale, or that S3 aborted by a lifecycle
    rule, answers 404 (``NoSuchUpload``); its parts are gone with it, so the
    only way on is a new upload from the first part.
    """


def is_url_refusal(exc: BaseException) -> bool:
    return isinstance(exc, PresignedUrlRefused)


class ArchiveUploader:
    """Uploads ``layout`` into the cloud record ``tag`` with one strategy."""

    def __init__(
        self,
        client: CloudClient,
        tag: Tag,
        layout: TarLayout,
        progress: TransferProgress,
        cancel: threading.Event,
        journal: Journal | None,
        *,
        threads: int,
        part_size: int,
    ) -> None:
        self.client = client
        self.name, self.version = tag.name, tag.version or ""
        self.tag = tag
        self.layout = layout
        self.progress = progress
        self.cancel = cancel
        self.journal = journal
        self.threads = threads
        self.plan = plan_parts(layout.total_size, part_size)  # within S3's limits
        self.call = RetryPolicy(cancel, extra=is_url_refusal).call
        self.call_patiently = RetryPolicy(cancel, attempts=PART_ATTEMPTS, extra=is_url_refusal).call

    # ---- progress ------------------------------------------------------------------

    def _reader(
        self,
        start: int,
        end: int,
        counted: list[int],
        on_sent: Callable[[int], None] | None = None,
    ) -> RangeReader:
        """A range's bytes, reporting each block to the files it belongs to."""

        def on_read(offset: int, length: int) -> None:
            spans = self.layout.file_spans(offset, offset + length)
            self.progress.advance_many((span.path, span.length) for span in spans)
            counted[0] += length
            if on_sent is not None:
                on_sent(counted[0])

        return RangeReader(self.layout, start, end, on_read=on_read, cancel=self.cancel)

    def _rewind(self, start: int, counted: list[int]) -> None:
        """Take back the progress of a failed attempt before retrying it."""
        if counted[0]:
            spans = self.layout.file_spans(start, start + counted[0])
            self.progress.advance_many((span.path, -span.length) for span in spans)
            counted[0] = 0

    # ---- one PUT -------------------------------------------------------------------

    def send_whole(self, url: str | None) -> None:
        """The whole archive in one PUT: the proxy route when ``url`` is None."""
        total = self.layout.total_size
        counted = [0]
        state = {"url": url}

        def attempt() -> None:
            self._rewind(0, counted)
            body = self._reader(0, total, counted)
            if state["url"] is None:
                self.client.upload(self.name, self.version, body, total)
                return
            try:
                self.client.put_stream(state["url"], body, total, auth=False)
            except AuthError as exc:
                fresh = self.client.presign_upload_url(self.name, self.version)
                state["url"] = fresh.presigned_upload_url
                raise PresignedUrlRefused(f"The storage refused the upload URL: {exc}") from exc

        self.call_patiently(attempt)

    # ---- multipart -----------------------------------------------------------------

    def open_upload(self, remote: CloudModel) -> OpenUpload | None:
        """The journal's multipart upload, if it is for these exact bytes and still open."""
        if self.journal is None:
            return None
        record = self.journal.upload(self.client.endpoint, self.name, self.version)
        if record is None:
            return None
        if (
            record.layout_digest == self.layout.fingerprint
            and record.part_size == self.plan.part_size
            and record.archive_size == self.layout.total_size
            and remote.upload_status == "uploading"
            and remote.upload_id in (None, "", record.upload_id)
        ):
            logger.info("Resuming upload of %s: %d parts already sent", self.tag, len(record.etags))
            return record.upload_id, dict(record.etags)
        self.journal.forget_upload(self.client.endpoint, self.name, self.version)
        return None

    def send_multipart(self, resumed: OpenUpload | None) -> None:
        """All parts, then completion; ``UploadGone`` if a resumed upload no longer exists.

        After ``UploadGone`` the journal and the progress are reset: the caller
        starts the upload again (``start_upload``) and calls this with None.
        """
        if resumed is None:
            self._send_parts(self._start_multipart(), {})
            return
        try:
            self._send_parts(*resumed)
        except NotFound as exc:
            if self.journal is not None:
                self.journal.forget_upload(self.client.endpoint, self.name, self.version)
            for part in self.layout.files:
                self.progress.set_done(part.path, 0, moved=False)
            raise UploadGone(
                f"The server no longer has the upload of {self.tag} that was being resumed ({exc})."
            ) from exc

    def _send_parts(self, upload_id: str, etags: dict[int, str]) -> None:
        for number in etags:  # parts the server already holds from an earlier run
            for span in self.layout.file_spans(*self.plan.span(number)):
                self.progress.advance(span.path, span.length)
        todo = [n for n in range(1, self.plan.count + 1) if n not in etags]
        lock = threading.Lock()
        workers = max(1, min(self.threads, len(todo)))
        stagger = Stagger(todo, self.plan.part_size // workers, self.cancel)
        # Set when a part fails for good: the others stop retrying at once, since
        # the upload cannot complete without it.
        failed_part = threading.Event()
        patiently = RetryPolicy(
            self.cancel, attempts=PART_ATTEMPTS, extra=is_url_refusal, stop=failed_part
        ).call

        def send_part(number: int) -> None:
            stagger.wait_turn(number)
            try:
                etag = self._send_part(
                    upload_id, number, patiently, failed_part, stagger.sender(number)
                )
            except BaseException:
                failed_part.set()
                raise
            finally:
                stagger.release(number)
            with lock:
                etags[number] = etag
            if self.journal is not None:
                self.journal.part_done(
                    self.client.endpoint, self.name, self.version, upload_id, number, etag
                )

        with ThreadPoolExecutor(workers, thread_name_prefix="bentosync-part") as pool:
            futures = [pool.submit(send_part, n) for n in todo]
            _, pending = wait(futures, return_when=FIRST_EXCEPTION)
            for future in pending:
                future.cancel()
            wait(pending)
            errors = [f.exception() for f in futures if not f.cancelled() and f.exception()]
            # The part that failed for good, not the ones it stopped (Abandoned).
            errors.sort(key=lambda exc: isinstance(exc, Abandoned))
            if errors:
                raise errors[0]  # type: ignore[misc]
        self.progress.set_phase(Phase.VERIFYING, Phrase(PhraseKey.SERVER_CHECKING))
        self._complete(upload_id, etags)
        if self.journal is not None:
            self.journal.forget_upload(self.client.endpoint, self.name, self.version)

    def _send_part(
        self,
        upload_id: str,
        number: int,
        patiently: Callable[[Callable[[], str]], str],
        failed_part: threading.Event,
        on_sent: Callable[[int], None] | None = None,
    ) -> str:
        """One part, retried with a fresh presigned URL each time; returns its ETag."""
        start, end = self.plan.span(number)
        counted = [0]

        def attempt() -> str:
            self._rewind(start, counted)
            if failed_part.is_set():
                raise Abandoned(f"Part {number} was not sent: another part failed for good.")
            # Retried on its own: a lost presign answer must not use up the part's attempts.
            url = self.call(
                self.client.presign_multipart_upload_url, self.name, self.version, upload_id, number
            )
            try:
                resp = self.client.put_stream(
                    url, self._reader(start, end, counted, on_sent), end - start, auth=False
                )
            except AuthError as exc:
                raise PresignedUrlRefused(f"Storage refused part {number}: {exc}") from exc
            etag = resp.headers.get("ETag")
            if not etag:
                raise CloudError(f"The server accepted part {number} without an ETag.")
            return etag

        return patiently(attempt)

    def _start_multipart(self) -> str:
        model = self.call(self.client.start_multipart_upload, self.name, self.version)
        upload_id = model.upload_id or ""
        if self.journal is not None:
            self.journal.start_upload(
                self.client.endpoint,
                self.name,
                self.version,
                upload_id=upload_id,
                part_size=self.plan.part_size,
                archive_size=self.layout.total_size,
                layout_digest=self.layout.fingerprint,
            )
        return upload_id

    def _complete(self, upload_id: str, etags: dict[int, str]) -> None:
        """Complete the multipart upload; a retry after a lost answer may find it done."""
        attempts = [0]

        def complete() -> None:
            attempts[0] += 1
            try:
                self.client.complete_multipart_upload(
                    self.name, self.version, upload_id, etags.items()
                )
            except RequestRejected:
                if attempts[0] == 1:
                    raise
                logger.info("complete_multipart_upload retried; the server may have it already")

        self.call(complete)


class Stagger:
    """Starts parts one after another instead of all at once.

    Parts started together share the link evenly and so all finish together,
    at the very end. A server that checks the archive as parts arrive in
    order (ours does) can then only begin once the last byte is in, and the
    user waits for the whole check after the upload. Started a little apart,
    part n finishes well before part n+1 and the check keeps pace with the
    upload. Only the first round is ever held back: later parts start when a
    thread frees up, long after the part before them passed the mark.
    """

    def __init__(self, order: list[int], mark: int, cancel: threading.Event) -> None:
        self._before = dict(zip(order[1:], order, strict=False))
        self._mark = max(1, mark)
        self._started: dict[int, float] = {}
        self._changed = threading.Condition()
        self._passed: set[int] = set()
        self._cancel = cancel

    def wait_turn(self, number: int) -> None:
        """Until the part before ``number`` passed the mark, ended, or had its time.

        Its time is ``STAGGER_MAX_WAIT`` from when it started, so on a slow link
        the tenth connection opens a few seconds in, not minutes.
        """
        before = self._before.get(number)
        with self._changed:
            while before is not None and before not in self._passed:
                if self._cancel.is_set():
                    break
                began = self._started.get(before)
                left = 0.05 if began is None else began + STAGGER_MAX_WAIT - time.monotonic()
                if left <= 0:
                    break
                self._changed.wait(min(left, 0.05))
            self._started[number] = time.monotonic()

    def sender(self, number: int) -> Callable[[int], None]:
        """The callback that tells the next part to go once ``number`` sent enough."""
        mark = self._mark

        def on_sent(sent: int) -> None:
            if sent >= mark and number not in self._passed:
                self.release(number)

        return on_sent

    def release(self, number: int) -> None:
        with self._changed:
            self._passed.add(number)
            self._changed.notify_all()
