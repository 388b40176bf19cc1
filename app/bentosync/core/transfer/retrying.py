"""API calls with the engine's retry policy: 5xx and dropped connections are retried.

The cloud client leaves retrying to its callers because only they know which
calls are safe to repeat. For a transfer every call is worth another try when
the network or the server failed, but not when the user cancelled.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bentosync.core.cloud import is_retryable, with_retries
from bentosync.core.errors import BentoSyncError, Cancelled

logger = logging.getLogger(__name__)

T = TypeVar("T")
API_ATTEMPTS = 5
STOP_POLL = 0.05  # how soon a retry waiting out its backoff notices ``stop``


class Abandoned(BentoSyncError):
    """A retry loop gave up because the work it belonged to failed elsewhere."""


class RetryPolicy:
    """Retries for one job: stops retrying, and waking, as soon as it is cancelled.

    ``stop`` ends the retries of a group of calls without cancelling the job:
    the parts of one upload stop at once when one of them has failed for good,
    instead of each spending its own attempts on an upload already lost.
    """

    def __init__(
        self,
        cancel: threading.Event,
        *,
        attempts: int = API_ATTEMPTS,
        backoff: float = 0.5,
        extra: Callable[[BaseException], bool] | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        self.cancel = cancel
        self.attempts = attempts
        self.backoff = backoff
        self.extra = extra
        self.stop = stop

    def retryable(self, exc: BaseException) -> bool:
        if self.cancel.is_set() or (self.stop is not None and self.stop.is_set()):
            return False
        return is_retryable(exc) or (self.extra is not None and self.extra(exc))

    def _sleep(self, seconds: float) -> None:
        if self.stop is None:
            if self.cancel.wait(seconds):
                raise Cancelled("Cancelled.")
            return
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if self.cancel.wait(min(left, STOP_POLL)):
                raise Cancelled("Cancelled.")
            if self.stop.is_set():
                raise Abandoned("Stopped retrying: the work this call belongs to failed.")

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)``, retried on network and server failures."""
        return with_retries(
            lambda: fn(*args, **kwargs),
            attempts=self.attempts,
            backoff=self.backoff,
            retry_if=self.retryable,
            sleep=self._sleep,
        )
