"""Push, pull and verify jobs: what was asked, how it runs, where it stands.

One definition for every face. :func:`perform` runs the engine of one job
kind on a session and says how it ended; the CLI and the Python API call it
directly (and raise), the window through :func:`run_job`, which never raises
and records the outcome on a :class:`TransferJob` for the Transfers panel.
So a verify retries and records hashes the same way whoever asked for it,
and "an error after a cancel is a cancel" is decided in one place
(``core.errors.after_cancel``).

Everything here is Qt-free on purpose. A job is written by one pool thread (the
engine and :func:`run_job`) and read by the GUI thread (the manager's timer),
so its state sits behind a lock and leaves only as frozen :class:`JobSnapshot`
objects, which are safe to hand through ``Signal(object)``: byte counts pass
2 GiB, so they never go through a C++ int.
"""

from __future__ import annotations

import enum
import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NewType

from bentosync.application.errors import Remedy, failure_message, present
from bentosync.application.interrupted import InterruptedTransfer
from bentosync.core.errors import BentoSyncError, Cancelled, StopRequest, after_cancel
from bentosync.core.gc_pause import bulk_work
from bentosync.core.session import Session
from bentosync.core.tags import Tag
from bentosync.core.transfer.parts import DEFAULT_PART_SIZE, DEFAULT_THREADS
from bentosync.core.transfer.phrases import Phrase, PhraseKey
from bentosync.core.transfer.prehash import Prehash
from bentosync.core.transfer.progress import (
    ChecksumState,
    FileSnapshot,
    Phase,
    ProgressSnapshot,
    TransferProgress,
)
from bentosync.core.transfer.pull import PullResult
from bentosync.core.transfer.push import PushResult
from bentosync.core.transfer.verify import VerifyResult

logger = logging.getLogger(__name__)

JobId = NewType("JobId", int)
SessionFactory = Callable[[], Session]

KIND_PUSH = "push"
KIND_PULL = "pull"
KIND_VERIFY = "verify"
KINDS = (KIND_PUSH, KIND_PULL, KIND_VERIFY)

#: ``JobSnapshot.error_kind`` of a push refused because the cloud record was made
#: for other files: the window then offers to delete that version and push again.
ERROR_RECORD_CONFLICT = Remedy.REPLACE_RECORD.value


class JobRefused(BentoSyncError):
    """A job was not started: its model is busy with another job, or the manager stopped."""


class JobStatus(str, enum.Enum):
    """Where a job stands from the window's point of view (the engine's phase is finer)."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"
    # Running when the app last quit or crashed; listed again at start, to resume.
    INTERRUPTED = "interrupted"

    @property
    def finished(self) -> bool:
        """Not running (nor waiting to): its row can be retried, resumed or cleared."""
        return self in (
            JobStatus.DONE,
            JobStatus.SKIPPED,
            JobStatus.FAILED,
            JobStatus.CANCELLED,
            JobStatus.INTERRUPTED,
        )

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class JobSpec:
    """Everything needed to run a job again (``retry``): kind, tag as asked, options."""

    job_id: JobId
    kind: str
    tag: str
    force: bool = False
    threads: int = DEFAULT_THREADS
    part_size: int = DEFAULT_PART_SIZE


@dataclass(frozen=True)
class JobSnapshot:
    """One job at one moment: the engine's progress plus the job's own status and error.

    ``error`` is a sentence for a person (``str(exc)``), never a traceback;
    ``error_kind`` names the failures the window has its own answer to
    (``ERROR_RECORD_CONFLICT``), and is "" for the rest.
    """

    job_id: JobId
    kind: str
    requested: str
    force: bool
    status: JobStatus
    error: str
    message: str
    cancel_requested: bool
    progress: ProgressSnapshot
    started_at: float | None
    finished_at: float | None
    error_kind: str = ""
    # An interrupted job's progress when the app last closed (it has no engine progress).
    interrupted: InterruptedTransfer | None = None
    #: ``message`` as data when it is one of the engine's fixed sentences, so the
    #: window can say it in its own language; None for free text (errors).
    phrase: Phrase | None = None

    @functools.cached_property
    def record_conflict(self) -> bool:
        """A push that met a cloud record made for other files, which only a delete can replace.

        Refused (``RecordConflict``, with force), or skipped because the
        version is already there with other files (its checksums mismatch).
        Cached: the panel asks on every tick, and a skipped push of 20 000 files
        would otherwise be scanned each time.
        """
        if self.kind != KIND_PUSH:
            return False
        if self.status is JobStatus.FAILED:
            return self.error_kind == ERROR_RECORD_CONFLICT
        return self.status is JobStatus.SKIPPED and any(
            file.checksum is ChecksumState.MISMATCH for file in self.files
        )

    @property
    def tag(self) -> str:
        """The resolved tag once the engine knows it (``name`` becomes ``name:version``)."""
        return self.progress.tag or self.requested

    @property
    def files(self) -> tuple[FileSnapshot, ...]:
        return self.progress.files

    @property
    def fraction(self) -> float:
        if self.status in (JobStatus.DONE, JobStatus.SKIPPED):
            return 1.0
        if self.interrupted is not None and self.interrupted.total_bytes:
            return min(1.0, self.interrupted.done_bytes / self.interrupted.total_bytes)
        return self.progress.fraction if self.progress.total_bytes else 0.0

    @property
    def finished(self) -> bool:
        return self.status.finished

    @property
    def bytes_per_second(self) -> float:
        return 0.0 if self.finished else self.progress.bytes_per_second

    @property
    def eta_seconds(self) -> float | None:
        return None if self.finished else self.progress.eta_seconds


def parse_tag(text: str) -> Tag:
    """``Tag.parse`` with the message a dialog can show (raises ``InvalidTag``)."""
    return Tag.parse(text.strip())


def same_model(a: Tag, b: Tag) -> bool:
    """Whether two jobs could touch the same model folder or cloud record.

    Same name and same version; or same name when either version is not known
    yet (``name``/``name:latest`` may resolve to the other one's version).
    """
    if a.name != b.name:
        return False
    return a.version is None or b.version is None or a.version == b.version


class TransferJob:
    """The live record of one job, shared by its pool thread and the GUI thread."""

    def __init__(self, spec: JobSpec) -> None:
        self.spec = spec
        self.progress = TransferProgress(spec.kind, spec.tag)
        self.cancel_event = StopRequest()
        self._lock = threading.Lock()
        self._status = JobStatus.QUEUED
        self._error = ""
        self._error_kind = ""
        self._message = "Waiting for a free slot"
        self._phrase: Phrase | None = Phrase(PhraseKey.WAITING)
        self._started_at: float | None = None
        self._finished_at: float | None = None
        self.record: InterruptedTransfer | None = None  # what an interrupted job had done

    @classmethod
    def interrupted(cls, spec: JobSpec, record: InterruptedTransfer) -> TransferJob:
        """A job that was running when the app last quit or crashed, as a row to resume."""
        job = cls(spec)
        job._status = JobStatus.INTERRUPTED
        job._message = (
            f"Interrupted when BentoSync last closed; {record.describe()}. "
            "Retry resumes it from there."
        )
        job._phrase = None  # the window words it from ``record`` (``interrupted``)
        job._finished_at = time.monotonic()
        job.record = record
        return job

    def __repr__(self) -> str:
        return f"TransferJob(#{self.spec.job_id} {self.spec.kind} {self.spec.tag} {self._status})"

    @property
    def job_id(self) -> JobId:
        return self.spec.job_id

    @property
    def status(self) -> JobStatus:
        return self._status

    @property
    def revision(self) -> int:
        """Changes whenever the progress does (the manager's cheap "anything new?" check)."""
        return self.progress.revision

    @property
    def current_tag(self) -> Tag:
        """The tag this job holds: the resolved one when the engine has resolved it."""
        try:
            return Tag.parse(self.progress.tag or self.spec.tag)
        except BentoSyncError:
            return Tag.parse(self.spec.tag)

    def snapshot(self, since: int | None = None) -> JobSnapshot:
        """The job now; ``since`` is the progress revision the caller saw last (see
        ``TransferProgress.snapshot``), so the snapshot can say which files changed."""
        progress = self.progress.snapshot(since)
        with self._lock:
            return JobSnapshot(
                job_id=self.spec.job_id,
                kind=self.spec.kind,
                requested=self.spec.tag,
                force=self.spec.force,
                status=self._status,
                error=self._error,
                message=self._message if self._status.finished else progress.message,
                phrase=self._phrase if self._status.finished else progress.phrase,
                cancel_requested=self.cancel_event.is_set(),
                progress=progress,
                started_at=self._started_at,
                finished_at=self._finished_at,
                error_kind=self._error_kind,
                interrupted=self.record,
            )

    def start(self) -> bool:
        """QUEUED -> RUNNING on the pool thread; False if it was cancelled while queued."""
        with self._lock:
            if self._status is not JobStatus.QUEUED or self.cancel_event.is_set():
                return False
            self._status = JobStatus.RUNNING
            self._started_at = time.monotonic()
            return True

    def interrupt(self) -> bool:
        """Stop for the app's quit: like ``cancel``, but the engine keeps what it has done
        (a pull's staging, a multipart upload's parts) for the resume at the next start."""
        self.cancel_event.interrupt()
        return self.cancel()

    def cancel(self) -> bool:
        """Ask the job to stop; True if it was still queued and is now cancelled for good."""
        self.cancel_event.set()
        with self._lock:
            if self._status is not JobStatus.QUEUED:
                return False
        self.finish(JobStatus.CANCELLED, Phrase(PhraseKey.CANCELLED_BEFORE_START))
        return True

    def finish(
        self, status: JobStatus, message: str | Phrase, error: str = "", error_kind: str = ""
    ) -> None:
        """Record the outcome once; the engine's progress is closed with a matching phase.

        ``message`` is free text, or a :class:`Phrase` (its English is the message).
        """
        assert status.finished
        with self._lock:
            if self._status.finished:
                return
            self._status = status
            self._message = message.english() if isinstance(message, Phrase) else message
            self._phrase = message if isinstance(message, Phrase) else None
            self._error = error
            self._error_kind = error_kind
            self._finished_at = time.monotonic()
        phase = {
            JobStatus.DONE: Phase.DONE,
            JobStatus.SKIPPED: Phase.SKIPPED,
            JobStatus.FAILED: Phase.FAILED,
            JobStatus.CANCELLED: Phase.CANCELLED,
            JobStatus.INTERRUPTED: Phase.CANCELLED,
        }[status]
        if not self.progress.phase.finished:
            self.progress.set_phase(phase, message)


@dataclass(frozen=True)
class JobOutcome:
    """How a job's engine ended: the job's status, its message, and the engine's result."""

    status: JobStatus
    message: str
    result: PushResult | PullResult | VerifyResult
    #: ``message`` as data, when the engine said one of its fixed sentences.
    phrase: Phrase | None = None


def perform(
    session: Session,
    spec: JobSpec,
    progress: TransferProgress | None = None,
    cancel: threading.Event | None = None,
    *,
    prehash: Prehash | None = None,
) -> JobOutcome:
    """Run the engine of ``spec.kind`` on ``session``; raises what the engine raises.

    Args:
        progress: where the engine reports (the job's, a terminal view's); a
            fresh one when None.
        cancel: set to stop the engine at its next chunk.
        prehash: a push's hashing already under way (the CLI starts it before
            the cloud client loads; ``core.transfer.prehash``).
    """
    progress = progress if progress is not None else TransferProgress(spec.kind, spec.tag)
    cancel = cancel if cancel is not None else threading.Event()
    with bulk_work():  # per-file objects by the ten thousand (core.gc_pause)
        return _run_engine(session, spec, progress, cancel, prehash)


def _run_engine(
    session: Session,
    spec: JobSpec,
    progress: TransferProgress,
    cancel: threading.Event,
    prehash: Prehash | None,
) -> JobOutcome:
    if spec.kind == KIND_PUSH:
        pushed = session.pusher(
            spec.tag,
            force=spec.force,
            threads=spec.threads,
            part_size=spec.part_size,
            progress=progress,
            cancel=cancel,
            prehash=prehash,
        ).run()
        return JobOutcome(_done_or_skipped(pushed.skipped), pushed.message, pushed, pushed.phrase)
    if spec.kind == KIND_PULL:
        pulled = session.puller(spec.tag, force=spec.force, progress=progress, cancel=cancel).run()
        return JobOutcome(_done_or_skipped(pulled.skipped), pulled.message, pulled, pulled.phrase)
    if spec.kind == KIND_VERIFY:
        verified = session.verifier(spec.tag, progress=progress, cancel=cancel).run()
        status = JobStatus.DONE if verified.ok else JobStatus.FAILED
        said = progress.snapshot()
        return JobOutcome(status, said.message, verified, said.phrase)
    raise ValueError(f"Unknown job kind {spec.kind!r}; one of {', '.join(KINDS)}")


def _done_or_skipped(skipped: bool) -> JobStatus:
    return JobStatus.SKIPPED if skipped else JobStatus.DONE


def run_job(job: TransferJob, session_factory: SessionFactory) -> None:
    """Run ``job`` to its end on the calling (pool) thread; never raises.

    The session is opened here, not on the GUI thread, because opening one may
    read the keyring, which can block on an unlock prompt.
    """
    if not job.start():
        logger.debug("%r was cancelled before it started", job)
        return
    status, message, error, kind = JobStatus.FAILED, "", "", ""
    phrase: Phrase | None = None
    try:
        session = session_factory()
        try:
            if job.cancel_event.is_set():  # cancelled while the session was opening
                raise Cancelled("Cancelled.")
            outcome = perform(session, job.spec, job.progress, job.cancel_event)
            status, message, phrase = outcome.status, outcome.message, outcome.phrase
        finally:
            session.close()
        if status is JobStatus.FAILED:
            error, phrase = message, None
    except Exception as exc:
        logger.debug(
            "Job #%d (%s %s) failed", job.job_id, job.spec.kind, job.spec.tag, exc_info=True
        )
        if isinstance(after_cancel(exc, job.cancel_event, "Cancelled"), Cancelled):
            status, message, phrase = JobStatus.CANCELLED, "Cancelled", Phrase(PhraseKey.CANCELLED)
        else:
            status, error = JobStatus.FAILED, failure_message(exc)
            remedy = present(exc).remedy
            kind = ERROR_RECORD_CONFLICT if remedy is Remedy.REPLACE_RECORD else ""
            message, phrase = error, None
    finally:
        job.finish(status, phrase or message or status.label, error, kind)
    logger.info("Job #%d %s %s: %s", job.job_id, job.spec.kind, job.spec.tag, status.value)
