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

from bentosync.core.background import lower_thread_priority
from bentosync.gui.workers.jobs import SessionFactory, TransferJob, run_job

logger = logging.getLogger(__name__)


class TransferRunnable(QRunnable):
    """Runs ``job`` with a session from ``session_factory``; emits ``ended(job_id)``.

    With ``in_process`` the engine runs in a child process instead (see
    ``job_process``) and this thread only relays its progress.
    """

    def __init__(
        self,
        job: TransferJob,
        session_factory: SessionFactory,
        ended: SignalInstance,
        *,
        in_process: bool = False,
    ) -> None:
        super().__init__()
        self._job = job
        self._session_factory = session_factory
        self._ended = ended
        self._in_process = in_process
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on a pool thread: never touch widgets here, only emit."""
        lower_thread_priority()  # the window first (core/background.py); pool threads stay low
        try:
            if self._in_process:
                from bentosync.gui.workers.job_process import SessionSpec, run_job_in_process

                assert isinstance(self._session_factory, SessionSpec)
                run_job_in_process(self._job, self._session_factory)
            else:
                run_job(self._job, self._session_factory)
        finally:
            try:
                self._ended.emit(self._job.job_id)
            except RuntimeError:
                # The manager (and its hub) is gone: the window closed mid-job.
                logger.debug("Job #%d ended after its manager was deleted", self._job.job_id)
