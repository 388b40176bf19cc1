"""How long a request may wait: the one place that decides the effective timeouts.

Every number is a (connect, read) pair for ``requests``; *read* is the longest
allowed stall between two bytes, not a bound on a whole transfer, so a 50 GB
push never times out for being long, only for going quiet. The defaults match
the official client for API calls (60 s) and give archive streams twice that,
because a storage backend may pause while it commits a large part.

Users on slow links or with very large models asked the official client for a
knob (bentoml issues #4928 and #5271): ``--timeout SECONDS`` on the commands,
or ``BENTOSYNC_TIMEOUT`` for every face (CLI, window, Python API); the option
wins. The chosen value becomes the read timeout of API calls *and* streams,
since the user asked for that stall and no other. The connect timeout is never
longer than the chosen value either.

This module imports nothing heavy: the command-line parser uses it.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

__all__ = [
    "API_TIMEOUT",
    "DEFAULT_TIMEOUTS",
    "MAX_TIMEOUT",
    "STREAM_TIMEOUT",
    "TIMEOUT_ENV",
    "Timeouts",
    "effective_timeouts",
    "parse_timeout",
]

TIMEOUT_ENV = "BENTOSYNC_TIMEOUT"
CONNECT_TIMEOUT = 10.0
API_TIMEOUT = (CONNECT_TIMEOUT, 60.0)
STREAM_TIMEOUT = (CONNECT_TIMEOUT, 120.0)
# A stall of more than a day is no longer a timeout worth waiting for, and
# sockets refuse values near the end of time_t.
MAX_TIMEOUT = 86400.0


@dataclass(frozen=True)
class Timeouts:
    """The (connect, read) seconds for JSON API calls and for archive streams.

    ``chosen`` is the value the user set (option or environment), None for the
    defaults; messages use it to say what stall was allowed.
    """

    api: tuple[float, float] = API_TIMEOUT
    stream: tuple[float, float] = STREAM_TIMEOUT
    chosen: float | None = None


DEFAULT_TIMEOUTS = Timeouts()


def parse_timeout(text: str) -> float:
    """``text`` as seconds: a finite number above 0, at most ``MAX_TIMEOUT``.

    Raises:
        ValueError: with a message that can be shown as it is.
    """
    try:
        value = float(text.strip())
    except (ValueError, AttributeError):
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{text!r} is not a positive number of seconds (e.g. 30 or 0.5)")
    if value > MAX_TIMEOUT:
        raise ValueError(f"{text!r} seconds is too long; at most {MAX_TIMEOUT:g} (one day)")
    return value


def for_seconds(seconds: float) -> Timeouts:
    """The timeouts when the user allows ``seconds`` of stall."""
    pair = (min(CONNECT_TIMEOUT, seconds), seconds)
    return Timeouts(api=pair, stream=pair, chosen=seconds)


def effective_timeouts(
    seconds: float | None = None, *, environ: Mapping[str, str] | None = None
) -> Timeouts:
    """The timeouts to use: ``seconds`` if given, else ``BENTOSYNC_TIMEOUT``, else defaults.

    Raises:
        BentoSyncError: ``BENTOSYNC_TIMEOUT`` is set to something that is not a
            usable number of seconds (only read when ``seconds`` is None).
    """
    if seconds is not None:
        try:
            return for_seconds(parse_timeout(str(seconds)))
        except ValueError as exc:
            raise BentoSyncError(f"Timeout {exc}.") from None
    env = os.environ if environ is None else environ
    text = env.get(TIMEOUT_ENV, "")
    if not text.strip():
        return DEFAULT_TIMEOUTS
    try:
        return for_seconds(parse_timeout(text))
    except ValueError as exc:
        raise BentoSyncError(f"{TIMEOUT_ENV}: {exc}.") from None
