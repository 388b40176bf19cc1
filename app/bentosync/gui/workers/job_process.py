"""Run one transfer job's engine in a child process, relayed by its pool thread.

Why: the engine moves data with Python threads (part uploads, the extractor),
and in the window's process every one of them competes with the GUI thread
for the GIL. On a 2-CPU machine moving 1 GiB in-process, the window's 10 ms
timer sometimes fired 30-200 ms late; with the same transfers run by separate
processes, its worst delay in a quiet-machine comparison was about 20 ms. On
a busy machine the scheduler dominates either way (tests/bench/test_bench_gui.py
measures both). The pool thread stays the job's slot, so the pool still bounds
concurrency; it just waits on a pipe instead of running the engine.

Protocol (``multiprocessing`` pipe, pickled tuples): the child sends
``("progress", ProgressSnapshot)`` (whole: the first time, or after a new file
list) or ``("delta", ProgressDelta)`` (the files changed since its last message:
a job of 20 000 files is not pickled whole ten times a second) at most every
``PROGRESS_INTERVAL`` s, one last of them when the job ends, then
``("end", status, message, error, error_kind)`` once; the parent sends
``"cancel"``. A child whose parent is gone (EOF) cancels itself, so nothing is
left uploading after the window died. The child never imports Qt. Spawned,
not forked: forking a process that runs Qt and threads is not safe.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bentosync.core.session import Session, open_session
from bentosync.gui.workers.jobs import (
    JobSpec,
    JobStatus,
    ProgressDelta,
    TransferJob,
    describe_failure,
    run_job,
)

logger = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.1
POLL_INTERVAL = 0.05
JOIN_TIMEOUT = 10.0


@dataclass(frozen=True)
class SessionSpec:
    """A picklable session factory: what a job process needs to open its own Session.

    With ``endpoint``/``token`` left None, credentials are resolved in the
    window's process (on the pool thread, where the keyring may be read and a
    session-only token is visible) and handed to the child over its pipe,
    never on its command line or in its environment.
    """

    endpoint: str | None = None
    token: str | None = field(default=None, repr=False)
    home: str | None = None

    def resolved(self) -> SessionSpec:
        if self.endpoint is not None and self.token is not None:
            return self
        from bentosync.core.credentials import resolve_credentials

        credentials = resolve_credentials()
        return dataclasses.replace(self, endpoint=credentials.endpoint, token=credentials.token)

    def __call__(self) -> Session:
        return open_session(self.endpoint, self.token, home=Path(self.home) if self.home else None)


def child_main(conn: Connection, session_factory: Any, spec: JobSpec) -> None:
    """Entry point of the job process: run the job, report progress, obey cancel."""
    job = TransferJob(spec)
    finished = threading.Event()

    def listen() -> None:
        try:
            while True:
                if conn.recv() == "cancel":
                    job.cancel_event.set()
        except (EOFError, OSError):
            job.cancel_event.set()  # the window is gone: stop and clean up

    last: int | None = None

    def send_progress() -> None:
        nonlocal last
        if job.progress.revision == last:
            return
        snapshot = job.progress.snapshot(since=last)
        delta = None if last is None else ProgressDelta.of(snapshot)
        _send(conn, ("progress", snapshot) if delta is None else ("delta", delta))
        last = snapshot.revision

    def report() -> None:
        while not finished.wait(PROGRESS_INTERVAL):
            send_progress()

    threading.Thread(target=listen, name="bentosync-job-listen", daemon=True).start()
    reporter = threading.Thread(target=report, name="bentosync-job-report", daemon=True)
    reporter.start()
    try:
        run_job(job, session_factory)
    finally:
        finished.set()
        reporter.join()
        send_progress()
        snap = job.snapshot()
        _send(conn, ("end", snap.status, snap.message, snap.error, snap.error_kind))
        conn.close()


def _send(conn: Connection, message: object) -> None:
    # The other side may have stopped listening; the job still cleans up after itself.
    with contextlib.suppress(OSError, ValueError):
        conn.send(message)


def run_job_in_process(job: TransferJob, session_factory: SessionSpec) -> None:
    """Run ``job`` in a spawned child from the calling pool thread; never raises."""
    if not job.start():
        return
    try:
        spec = session_factory.resolved()
    except Exception as exc:
        message = describe_failure(exc)
        job.finish(JobStatus.FAILED, message, message)
        return
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    process = ctx.Process(
        target=child_main,
        args=(child, spec, job.spec),
        name=f"bentosync-job-{job.job_id}",
        daemon=True,
    )
    try:
        process.start()
    except Exception as exc:
        message = f"Could not start the transfer process: {exc}"
        job.finish(JobStatus.FAILED, message, message)
        return
    finally:
        child.close()
    try:
        _relay(job, parent, process)
    finally:
        parent.close()
        process.join(JOIN_TIMEOUT)
        if process.is_alive():
            logger.warning("Job process %s did not exit; terminating it", process.name)
            process.terminate()
            process.join(JOIN_TIMEOUT)
    if not job.status.finished:
        message = f"The transfer process stopped unexpectedly (exit code {process.exitcode})."
        job.finish(JobStatus.FAILED, message, message)


def _relay(job: TransferJob, conn: Connection, process: Any) -> None:
    cancel_sent = False
    while True:
        if job.cancel_event.is_set() and not cancel_sent:
            _send(conn, "cancel")
            cancel_sent = True
        try:
            ready = conn.poll(POLL_INTERVAL)
            message = conn.recv() if ready else None
        except (EOFError, OSError):
            return
        if message is None:
            if not process.is_alive() and not conn.poll(0):
                return
            continue
        if message[0] == "progress":
            job.set_remote(message[1])
        elif message[0] == "delta":
            job.apply_remote(message[1])
        elif message[0] == "end":
            _, status, text, error, kind = message
            job.finish(JobStatus(status), text, error, kind)
            return
