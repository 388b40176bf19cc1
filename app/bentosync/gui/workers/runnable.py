"""Run a plain callable on a QThreadPool and hand its outcome back to the GUI thread.

The runnable owns no QObject and knows nothing of widgets: it gets a callable
and the two bound signals of a :class:`~bentosync.gui.workers.hub.TaskSignals`
hub that the caller owns. If the caller (and with it the hub) is gone by the
time the call returns, the emit fails and the outcome is dropped with a log
line instead of a crash.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, SignalInstance

from bentosync.gui.workers.hub import TaskSignals

logger = logging.getLogger(__name__)


class CallableRunnable(QRunnable):
    """Calls ``fn()`` on a pool thread; emits ``result(value)`` or ``failed(exc)``."""

    def __init__(
        self,
        fn: Callable[[], Any],
        result: SignalInstance,
        failed: SignalInstance,
    ) -> None:
        super().__init__()
        self._fn = fn
        self._result = result
        self._failed = failed
        self.setAutoDelete(True)

    def run(self) -> None:
        """Runs on a pool thread: never touch widgets here, only emit."""
        try:
            value = self._fn()
        except Exception as exc:  # every failure goes to the GUI, none is lost
            logger.debug("Background call %r failed", self._fn, exc_info=True)
            self._emit(self._failed, exc)
        else:
            self._emit(self._result, value)

    def _emit(self, signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:
            # The hub was deleted with its owner (window closed mid-call).
            logger.debug("Dropped the outcome of %r: its receiver is gone", self._fn)


def run_in_pool(
    pool: QThreadPool,
    fn: Callable[[], Any],
    owner: QObject,
    on_result: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    priority: int = 0,
) -> TaskSignals:
    """Start ``fn`` on ``pool``; ``on_result``/``on_failed`` run later on the GUI thread.

    Args:
        pool: where to run; a 1-thread pool for quick lookups, the bounded
            transfer pool for jobs.
        fn: a Qt-free callable, usually a core function bound with its arguments.
        owner: a GUI-thread QObject that parents the hub, so the hub dies with it.
        on_result: called with the return value of ``fn``.
        on_failed: called with the exception ``fn`` raised.
        priority: queued calls with a higher priority run first (a page the
            user scrolled to before background look-ups).

    Returns:
        The hub; it deletes itself after delivering one outcome.
    """
    hub = TaskSignals(owner)
    hub.result.connect(on_result)
    hub.failed.connect(on_failed)
    hub.result.connect(hub.deleteLater)
    hub.failed.connect(hub.deleteLater)
    pool.start(CallableRunnable(fn, hub.result, hub.failed), priority)
    return hub
