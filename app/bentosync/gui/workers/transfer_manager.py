"""Push, pull and verify jobs on a bounded pool, with coalesced progress for the window.

Workers never signal per chunk. The engine writes into each job's
``TransferProgress`` (a lock and an integer add), and one QTimer here polls the
running jobs' revision counters every ``POLL_INTERVAL_MS`` and emits one
``jobs_updated`` with a snapshot of each job that changed. So a job produces at
most ~10 updates a second however fast its chunks fly, and an idle manager
stops its timer (no wake-ups with nothing to show). Each snapshot names the
files changed since the one emitted before it (``progress.changed``), so the
window updates those rows without comparing a 20 000-file list. This is OnionShare's
"queue drained by a timer" and qBittorrent's batched refresh (STYLE.md).

One job per model at a time (vorta's per-repository queue, STYLE.md 6): two
jobs writing the same model folder or cloud record would race, so a second
request is refused with a message naming the job that holds the model.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal

from bentosync.application.interrupted import InterruptedTransfer, InterruptedTransfers
from bentosync.application.jobs import (
    KIND_PULL,
    KIND_PUSH,
    KIND_VERIFY,
    JobId,
    JobRefused,
    JobSnapshot,
    JobSpec,
    JobStatus,
    SessionFactory,
    TransferJob,
    parse_tag,
    same_model,
)
from bentosync.application.settings import TransferSettings
from bentosync.core.errors import BentoSyncError
from bentosync.core.tags import Tag
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.workers.hub import TaskSignals
from bentosync.gui.workers.job_runnable import TransferRunnable

logger = logging.getLogger(__name__)

POLL_INTERVAL_MS = 110  # a little over MIN_UPDATE_GAP_S, so on-time ticks are not skipped
MIN_UPDATE_GAP_S = 0.1  # per job: at most 10 progress updates a second
SHUTDOWN_TIMEOUT_MS = 30_000
RECORD_INTERVAL_S = 5.0  # how old the progress listed for the next start may be after a crash


class TransferManager(QObject):
    """Starts, cancels and retries transfer jobs; reports them as immutable snapshots.

    Args:
        session_factory: opens a ``Session`` (client, store, journal, hash cache);
            called on the pool thread at the start of every job, and closed at its end.
        settings: concurrency, threads per job and part size; read when a job is
            created, so a change applies to the next job.
        parent: the owning QObject (the window).

    Every signal carries Python objects (``Signal(object)``): byte counts pass
    2 GiB. All methods must be called on the GUI thread.
    """

    #: A new job (``JobSnapshot``), already queued on the pool.
    job_added = Signal(object)
    #: ``list[JobSnapshot]`` of the jobs whose progress or status changed since the last tick.
    jobs_updated = Signal(object)
    #: The final ``JobSnapshot`` of a job that ended (done, skipped, failed or cancelled).
    job_finished = Signal(object)
    #: ``list[JobId]`` of finished jobs dropped by ``clear_finished``, ``remove`` or ``retry``.
    jobs_removed = Signal(object)

    def __init__(
        self,
        session_factory: SessionFactory,
        settings: TransferSettings,
        parent: QObject | None = None,
        *,
        poll_interval_ms: int = POLL_INTERVAL_MS,
        interrupted: InterruptedTransfers | None = None,
    ) -> None:
        super().__init__(parent)
        # Where running pushes and pulls are listed for the next start (None: nowhere).
        self._interrupted = interrupted
        self._quitting = False
        self._recorded_at = float("-inf")
        self._session_factory = session_factory
        self._settings = settings
        self._ids = itertools.count(1)
        self._jobs: dict[JobId, TransferJob] = {}  # every job still listed, in order
        self._active: dict[JobId, TransferJob] = {}  # not finished yet
        self._latest: dict[JobId, JobSnapshot] = {}
        self._emitted: dict[JobId, tuple[int, str, bool]] = {}
        self._emitted_at: dict[JobId, float] = {}  # monotonic time of the last update
        self._closed = False

        self.pool = QThreadPool(self)
        self.pool.setObjectName("transfer_pool")
        self.apply_settings()

        self._hub = TaskSignals(self)
        self._hub.result.connect(self._on_job_ended)

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse may fire 5 % early
        self._timer.setInterval(poll_interval_ms)
        self._timer.timeout.connect(self._poll)

    # ---- starting jobs -------------------------------------------------------------

    def push(self, tag: str, *, force: bool = False) -> JobId:
        """Upload a local model. Raises ``JobRefused`` if the model is busy, ``InvalidTag``."""
        return self._submit(KIND_PUSH, tag, force)

    def pull(self, tag: str, *, force: bool = False) -> JobId:
        """Download a cloud model into the local store (``name`` means its newest version)."""
        return self._submit(KIND_PULL, tag, force)

    def verify(self, tag: str) -> JobId:
        """Re-hash a local model and compare it with the cloud's file list."""
        return self._submit(KIND_VERIFY, tag, False)

    def retry(self, job_id: JobId, *, replace: bool = True) -> JobId:
        """Run a finished job again with the same kind, tag and force (current settings).

        With ``replace`` the old row goes away (``jobs_removed``) so the list
        shows one row per attempt that matters, not a trail of failures.
        """
        job = self._job(job_id)
        if not job.status.finished:
            raise JobRefused(
                self.tr("Job #{id} ({kind} {tag}) is still running.").format(
                    id=job_id, kind=fmt.kind_word(job.spec.kind), tag=job.spec.tag
                )
            )
        new_id = self._submit(job.spec.kind, job.spec.tag, job.spec.force)
        if replace:
            self.remove(job_id)
        return new_id

    def restore_interrupted(self, *, resume: bool = False) -> list[JobId]:
        """List again the pushes and pulls that were running when the app last closed.

        Each becomes an ``INTERRUPTED`` row saying how far it had come; ``retry``
        resumes it (the engine's journal knows what is done). With ``resume``,
        they are resumed at once. Returns the ids of the rows (or of the jobs
        resumed).
        """
        if self._interrupted is None:
            return []
        ids: list[JobId] = []
        for record in self._interrupted.load():
            spec = JobSpec(
                job_id=JobId(next(self._ids)),
                kind=record.kind,
                tag=record.tag,
                force=record.force,
                threads=self._settings.threads_per_job,
                part_size=self._settings.part_size,
            )
            job = TransferJob.interrupted(spec, record)
            self._jobs[spec.job_id] = job
            snapshot = job.snapshot()
            self._remember(snapshot)
            logger.info("Job #%d: %s %s, interrupted last time", spec.job_id, spec.kind, spec.tag)
            self.job_added.emit(snapshot)
            ids.append(spec.job_id)
        if resume:
            resumed = []
            for job_id in ids:
                try:
                    resumed.append(self.retry(job_id))
                except (JobRefused, BentoSyncError) as exc:  # e.g. two rows of one model
                    logger.warning("Cannot resume job #%d: %s", job_id, exc)
            ids = resumed
        self._record_running()
        return ids

    def _record_running(self) -> None:
        """Write down the pushes and pulls to list again at the next start: those running
        (with their progress now) and interrupted rows not resumed or cleared yet."""
        if self._interrupted is None:
            return
        self._recorded_at = time.monotonic()
        records: list[InterruptedTransfer] = []
        for job_id, job in self._jobs.items():
            if job.spec.kind == KIND_VERIFY:
                continue  # nothing to resume: a verify starts over in seconds
            if job.status is JobStatus.INTERRUPTED and job.record is not None:
                records.append(job.record)
            elif not job.status.finished:
                snap = self._latest.get(job_id) or job.snapshot()
                files = snap.progress.files
                records.append(
                    InterruptedTransfer(
                        kind=job.spec.kind,
                        tag=str(job.current_tag),
                        force=job.spec.force,
                        done_bytes=snap.progress.done_bytes,
                        total_bytes=snap.progress.total_bytes,
                        done_files=sum(1 for f in files if f.size and f.done >= f.size),
                        total_files=len(files),
                    )
                )
        self._interrupted.save(records)

    def _submit(self, kind: str, text: str, force: bool) -> JobId:
        if self._closed:
            raise JobRefused(self.tr("Transfers are shutting down; no new job can start."))
        tag = parse_tag(text)
        holder = self._holder(tag)
        if holder is not None:
            snap = holder.snapshot()
            if snap.status is JobStatus.QUEUED:
                state = self.tr("waiting to start")
            else:
                state = fmt.status_label(snap.status).lower()
            raise JobRefused(
                self.tr(
                    "{tag} is busy: job #{id} ({kind} {other}) is {state}. "
                    "Wait for it to finish or cancel it first."
                ).format(
                    tag=tag,
                    id=holder.job_id,
                    kind=fmt.kind_word(holder.spec.kind),
                    other=snap.tag,
                    state=state,
                )
            )
        self.apply_settings()
        spec = JobSpec(
            job_id=JobId(next(self._ids)),
            kind=kind,
            tag=str(tag),
            force=force,
            threads=self._settings.threads_per_job,
            part_size=self._settings.part_size,
        )
        job = TransferJob(spec)
        self._jobs[spec.job_id] = job
        self._active[spec.job_id] = job
        snapshot = job.snapshot()
        self._remember(snapshot)
        logger.info("Job #%d: %s %s", spec.job_id, kind, tag)
        self.job_added.emit(snapshot)
        self.pool.start(TransferRunnable(job, self._session_factory, self._hub.result))
        if not self._timer.isActive():
            self._timer.start()
        self._record_running()
        return spec.job_id

    def _holder(self, tag: Tag) -> TransferJob | None:
        for job in self._active.values():
            if same_model(job.current_tag, tag):
                return job
        return None

    # ---- controlling jobs ----------------------------------------------------------

    def cancel(self, job_id: JobId) -> None:
        """Ask a job to stop. A queued job ends at once; a running one at its next chunk,
        after the engine cleaned up what it started (staging folder, upload record)."""
        job = self._job(job_id)
        if job.status.finished:
            return
        logger.info("Cancelling job #%d", job_id)
        if job.cancel():
            self._finish(job)  # never started: nothing to wait for
        else:
            self._poll()  # show "Cancelling…" now, not at the next tick

    def cancel_all(self) -> None:
        for job_id in list(self._active):
            self.cancel(job_id)

    def remove(self, job_id: JobId) -> None:
        """Drop a finished job from the list (``jobs_removed``); running jobs stay."""
        job = self._job(job_id)
        if not job.status.finished:
            raise JobRefused(
                self.tr("Job #{id} is still running; cancel it first.").format(id=job_id)
            )
        self._forget([job_id])

    def clear_finished(self) -> list[JobId]:
        """Drop every finished job from the list; returns their ids."""
        done = [job_id for job_id, job in self._jobs.items() if job.status.finished]
        self._forget(done)
        return done

    def _forget(self, job_ids: Iterable[JobId]) -> None:
        gone = [job_id for job_id in job_ids if self._jobs.pop(job_id, None) is not None]
        for job_id in gone:
            self._latest.pop(job_id, None)
            self._emitted.pop(job_id, None)
        if gone:
            self.jobs_removed.emit(gone)
            self._record_running()

    def apply_settings(self) -> None:
        """Size the pool from the settings (running jobs are never interrupted)."""
        self.pool.setMaxThreadCount(self._settings.concurrent_jobs)

    def shutdown(self, timeout_ms: int = SHUTDOWN_TIMEOUT_MS) -> bool:
        """Cancel every job and wait for the pool; False if a job did not stop in time.

        Call it before the window goes (``closeEvent`` or ``aboutToQuit``): pool
        threads must not run Python while the interpreter shuts down.
        """
        self._closed = True
        # What runs now is listed again at the next start, with its progress as of now;
        # the cancels below must not strike it from the list.
        self._record_running()
        self._quitting = True
        for job_id, job in list(self._active.items()):
            logger.info("Stopping job #%d for the quit; it resumes at the next start", job_id)
            if job.interrupt():
                self._finish(job)  # never started: nothing to wait for
        done = self.pool.waitForDone(timeout_ms)
        if not done:
            logger.warning("Transfer jobs still running %d ms after cancel", timeout_ms)
        self._timer.stop()
        return done

    # ---- queries -------------------------------------------------------------------

    def jobs(self) -> list[JobSnapshot]:
        """The latest snapshot of every listed job, oldest first."""
        return [self._latest[job_id] for job_id in self._jobs if job_id in self._latest]

    def snapshot(self, job_id: JobId) -> JobSnapshot:
        return self._latest.get(job_id) or self._job(job_id).snapshot()

    def is_busy(self, model_name_or_tag: str) -> bool:
        """Whether a job holds this model (``name`` asks about any of its versions)."""
        return self._holder(parse_tag(model_name_or_tag)) is not None

    def has_running_jobs(self) -> bool:
        return bool(self._active)

    def _job(self, job_id: JobId) -> TransferJob:
        job = self._jobs.get(job_id)
        if job is None:
            raise KeyError(f"No transfer job #{job_id}")
        return job

    # ---- progress ------------------------------------------------------------------

    def _remember(self, snapshot: JobSnapshot) -> None:
        self._latest[snapshot.job_id] = snapshot
        self._emitted[snapshot.job_id] = (
            snapshot.progress.revision,
            snapshot.status.value,
            snapshot.cancel_requested,
        )

    def _poll(self) -> None:
        """Timer tick: one ``jobs_updated`` with every running job that changed.

        A job whose last update went out less than ``MIN_UPDATE_GAP_S`` ago waits
        for the next tick unless its status changed: the timer's fixed grid lets a
        late tick be followed by an early one, which would make 11 updates fit in
        a second; the gap keeps every job at 10 a second or fewer.
        """
        changed: list[JobSnapshot] = []
        now = time.monotonic()
        for job_id, job in self._active.items():
            key = (job.revision, job.status.value, job.cancel_event.is_set())
            last = self._emitted.get(job_id)
            if last == key:
                continue
            recent = now - self._emitted_at.get(job_id, float("-inf")) < MIN_UPDATE_GAP_S
            if recent and last is not None and last[1:] == key[1:]:
                continue
            snapshot = job.snapshot(since=None if last is None else last[0])
            self._remember(snapshot)
            self._emitted_at[job_id] = now
            changed.append(snapshot)
        if changed:
            self.jobs_updated.emit(changed)
            if now - self._recorded_at >= RECORD_INTERVAL_S:
                self._record_running()  # a crash then loses seconds of progress, not the job
        if not self._active:
            self._timer.stop()

    def _on_job_ended(self, job_id: JobId) -> None:
        job = self._active.get(job_id)
        if job is not None:  # None: a queued job cancelled earlier, already reported
            self._finish(job)

    def _finish(self, job: TransferJob) -> None:
        self._active.pop(job.job_id, None)
        last = self._emitted.get(job.job_id)
        snapshot = job.snapshot(since=None if last is None else last[0])
        if job.job_id in self._jobs:
            self._remember(snapshot)
        logger.debug("Job #%d finished: %s %s", job.job_id, snapshot.status.value, snapshot.error)
        if not self._quitting:  # a job the quit stopped stays listed for the next start
            self._record_running()
        self.job_finished.emit(snapshot)
