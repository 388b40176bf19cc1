"""Transfer jobs as plain records: what was asked, where it stands, and how it runs.

Everything here is Qt-free on purpose. A job is written by one pool thread (the
engine and :func:`run_job`) and read by the GUI thread (the manager's timer),
so its state sits behind a lock and leaves only as frozen :class:`JobSnapshot`
objects, which are safe to hand through ``Signal(object)``: byte counts pass
2 GiB, so they never go through a C++ int.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NewType

from bentosync.core.errors import BentoSyncError, Cancelled, RecordConflict
from bentosync.core.session import Session
from bentosync.core.tags import Tag
from bentosync.core.transfer.progress import (
    ChangeLog,
    ChecksumState,
    FileSnapshot,
    Phase,
    ProgressSnapshot,
    TransferProgress,
)

logger = logging.getLogger(__name__)

JobId = NewType("JobId", int)
SessionFactory = Callable[[], Session]

KIND_PUSH = "push"
KIND_PULL = "pull"
KIND_VERIFY = "verify"
KINDS = (KIND_PUSH, KIND_PULL, KIND_VERIFY)

#: ``JobSnapshot.error_kind`` of a push refused because the cloud record was made
#: for other files: the window then offers to delete that version and push again.
ERROR_RECORD_CONFLICT = "record_conflict"


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

    @property
    def finished(self) -> bool:
        return self in (JobStatus.DONE, JobStatus.SKIPPED, JobStatus.FAILED, JobStatus.CANCELLED)

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
    threads: int = 4
    part_size: int = 100 * 1024 * 1024


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


@dataclass(frozen=True)
class ProgressDelta:
    """What a job process sends instead of a whole snapshot: the header and the changed files.

    Why: pickling 20 000 ``FileSnapshot`` objects ten times a second costs the
    child about 50 ms each time, and unpickling them costs the window's relay
    thread about 30 ms while it holds the GIL the GUI thread needs.

    Args:
        header: the snapshot with ``files=()``.
        count: how many files the job has now.
        changes: (index, file) of every file changed or added since the last message.
    """

    header: ProgressSnapshot
    count: int
    changes: tuple[tuple[int, FileSnapshot], ...]

    @classmethod
    def of(cls, snapshot: ProgressSnapshot) -> ProgressDelta | None:
        """The delta of a ``snapshot(since=...)``; None when it has to go whole."""
        if snapshot.changed is None:
            return None
        files = snapshot.files
        header = dataclasses.replace(snapshot, files=(), changed=None, since=-1)
        return cls(header, len(files), tuple((i, files[i]) for i in snapshot.changed))


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
        self.cancel_event = threading.Event()
        self._lock = threading.Lock()
        self._status = JobStatus.QUEUED
        self._error = ""
        self._error_kind = ""
        self._message = "Waiting for a free slot"
        self._started_at: float | None = None
        self._finished_at: float | None = None
        # Process isolation: the engine runs in a child and its snapshots land here:
        # the header (files=()), a copy of its file list, and which files changed when.
        self._remote: ProgressSnapshot | None = None
        self._remote_files: list[FileSnapshot] = []
        self._remote_log = ChangeLog()
        self._remote_lock = threading.Lock()

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
        remote = self._remote
        return self.progress.revision if remote is None else remote.revision

    @property
    def current_tag(self) -> Tag:
        """The tag this job holds: the resolved one when the engine has resolved it."""
        remote = self._remote
        tag = self.progress.tag if remote is None else remote.tag
        try:
            return Tag.parse(tag or self.spec.tag)
        except BentoSyncError:
            return Tag.parse(self.spec.tag)

    def set_remote(self, snapshot: ProgressSnapshot) -> None:
        """The latest progress of an engine running in another process, whole."""
        with self._remote_lock:
            self._remote_files = list(snapshot.files)
            self._remote_log.reset(snapshot.revision)
            self._remote = dataclasses.replace(snapshot, files=(), changed=None, since=-1)

    def apply_remote(self, delta: ProgressDelta) -> None:
        """The latest progress of an engine running in another process, as a delta."""
        with self._remote_lock:
            files, log, revision = self._remote_files, self._remote_log, delta.header.revision
            for index, file in delta.changes:  # sorted, so added files come in order
                if index < len(files):
                    files[index] = file
                else:
                    files.append(file)
                log.mark(index, revision)
            if len(files) != delta.count:  # a pipe keeps order; this would be a bug
                logger.warning(
                    "Job #%d: %d files after a delta of %d", self.job_id, len(files), delta.count
                )
            self._remote = delta.header

    def _remote_snapshot(self, since: int | None) -> ProgressSnapshot:
        with self._remote_lock:
            remote = self._remote
            assert remote is not None
            changed = None if since is None else self._remote_log.since(since)
            return dataclasses.replace(
                remote,
                files=tuple(self._remote_files),
                changed=changed,
                since=-1 if changed is None or since is None else since,
            )

    def snapshot(self, since: int | None = None) -> JobSnapshot:
        """The job now; ``since`` is the progress revision the caller saw last (see
        ``TransferProgress.snapshot``), so the snapshot can say which files changed."""
        if self._remote is None:
            progress = self.progress.snapshot(since)
        else:
            progress = self._remote_snapshot(since)
        with self._lock:
            return JobSnapshot(
                job_id=self.spec.job_id,
                kind=self.spec.kind,
                requested=self.spec.tag,
                force=self.spec.force,
                status=self._status,
                error=self._error,
                message=self._message if self._status.finished else progress.message,
                cancel_requested=self.cancel_event.is_set(),
                progress=progress,
                started_at=self._started_at,
                finished_at=self._finished_at,
                error_kind=self._error_kind,
            )

    def start(self) -> bool:
        """QUEUED -> RUNNING on the pool thread; False if it was cancelled while queued."""
        with self._lock:
            if self._status is not JobStatus.QUEUED or self.cancel_event.is_set():
                return False
            self._status = JobStatus.RUNNING
            self._started_at = time.monotonic()
            return True

    def cancel(self) -> bool:
        """Ask the job to stop; True if it was still queued and is now cancelled for good."""
        self.cancel_event.set()
        with self._lock:
            if self._status is not JobStatus.QUEUED:
                return False
        self.finish(JobStatus.CANCELLED, "Cancelled before it started")
        return True

    def finish(
        self, status: JobStatus, message: str, error: str = "", error_kind: str = ""
    ) -> None:
        """Record the outcome once; the engine's progress is closed with a matching phase."""
        assert status.finished
        with self._lock:
            if self._status.finished:
                return
            self._status = status
            self._message = message
            self._error = error
            self._error_kind = error_kind
            self._finished_at = time.monotonic()
        phase = {
            JobStatus.DONE: Phase.DONE,
            JobStatus.SKIPPED: Phase.SKIPPED,
            JobStatus.FAILED: Phase.FAILED,
            JobStatus.CANCELLED: Phase.CANCELLED,
        }[status]
        if self._remote is not None:
            with self._remote_lock:
                remote = self._remote
                if not remote.phase.finished:  # the child died mid-way
                    self._remote = dataclasses.replace(
                        remote, phase=phase, message=message, revision=remote.revision + 1
                    )
        elif not self.progress.phase.finished:
            self.progress.set_phase(phase, message)


def describe_failure(exc: BaseException) -> str:
    """A sentence for the window; the traceback goes to the debug log only."""
    if isinstance(exc, BentoSyncError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    return f"Unexpected error: {exc or type(exc).__name__}"


def failure_kind(exc: BaseException) -> str:
    """The ``error_kind`` of a failure the window answers in its own way, else ""."""
    return ERROR_RECORD_CONFLICT if isinstance(exc, RecordConflict) else ""


def _run_push(session: Session, job: TransferJob) -> tuple[JobStatus, str]:
    spec = job.spec
    result = session.pusher(
        spec.tag,
        force=spec.force,
        threads=spec.threads,
        part_size=spec.part_size,
        progress=job.progress,
        cancel=job.cancel_event,
    ).run()
    return (JobStatus.SKIPPED if result.skipped else JobStatus.DONE), result.message


def _run_pull(session: Session, job: TransferJob) -> tuple[JobStatus, str]:
    result = session.puller(
        job.spec.tag, force=job.spec.force, progress=job.progress, cancel=job.cancel_event
    ).run()
    return (JobStatus.SKIPPED if result.skipped else JobStatus.DONE), result.message


def _run_verify(session: Session, job: TransferJob) -> tuple[JobStatus, str]:
    from bentosync.core.transfer.verify import verify_model

    result = verify_model(
        session.client,
        session.store,
        job.spec.tag,
        progress=job.progress,
        cancel=job.cancel_event,
    )
    message = job.progress.snapshot().message
    return (JobStatus.DONE if result.ok else JobStatus.FAILED), message


_ENGINES: dict[str, Callable[[Session, TransferJob], tuple[JobStatus, str]]] = {
    KIND_PUSH: _run_push,
    KIND_PULL: _run_pull,
    KIND_VERIFY: _run_verify,
}


def run_job(job: TransferJob, session_factory: SessionFactory) -> None:
    """Run ``job`` to its end on the calling (pool) thread; never raises.

    The session is opened here, not on the GUI thread, because opening one may
    read the keyring, which can block on an unlock prompt.
    """
    if not job.start():
        logger.debug("%r was cancelled before it started", job)
        return
    status, message, error, kind = JobStatus.FAILED, "", "", ""
    try:
        session = session_factory()
        try:
            if job.cancel_event.is_set():  # cancelled while the session was opening
                raise Cancelled("Cancelled.")
            status, message = _ENGINES[job.spec.kind](session, job)
        finally:
            session.close()
        if status is JobStatus.FAILED:
            error = message
    except Cancelled:
        status, message = JobStatus.CANCELLED, "Cancelled"
    except Exception as exc:
        logger.debug(
            "Job #%d (%s %s) failed", job.job_id, job.spec.kind, job.spec.tag, exc_info=True
        )
        if job.cancel_event.is_set():
            # The user asked to stop; what broke on the way out is not news to them.
            status, message = JobStatus.CANCELLED, "Cancelled"
        else:
            status, error, kind = JobStatus.FAILED, describe_failure(exc), failure_kind(exc)
            message = error
    finally:
        job.finish(status, message or status.label, error, kind)
    logger.info("Job #%d %s %s: %s", job.job_id, job.spec.kind, job.spec.tag, status.value)
