"""The QRunnable that runs one transfer job on the transfer pool.

It owns no QObject (STYLE.md: a runnable that owns its emitter crashes with
"Signal source has been deleted"). It gets the job record, the session factory
and one bound signal of the manager's hub, and emits that signal exactly once,
with the job id, when the job has ended. Progress never travels by signal from
here: the engine writes it into the job's ``TransferProgress`` and the manager's
timer reads it at its own pace.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QRunnable, SignalInstance

from bentosync.application.jobs import SessionFactory, TransferJob, run_job
from bentosync.core.threadpriority import lower_this_thread

logger = logging.getLogger(__name__)


class TransferRunnable(QRunnable):
    """Runs ``job`` with a session from ``session_factory``; emits ``ended(job_id)``.

    What running a job means is ``application.jobs.run_job``'s business; this
    only puts it on a pool thread and says when it ended.
    """

    def __init__(
        self,
        job: TransferJob,
        session_factory: SessionFactory,
        ended: SignalInstance,
    ) -> None:
        super().__init__()
        self._job = job
        self._session_factory = session_factory
        self._ended = ended
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on a pool thread: never touch widgets here, only emit."""
        lower_this_thread()  # the window first (core/threadpriority.py); pool threads stay low
        try:
            run_job(self._job, self._session_factory)
        finally:
            try:
                self._ended.emit(self._job.job_id)
            except RuntimeError:
                # The manager (and its hub) is gone: the window closed mid-job.
                logger.debug("Job #%d ended after its manager was deleted", self._job.job_id)
