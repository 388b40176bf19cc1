"""Transfer settings, typed and clamped, over any key-value store (the window's QSettings).

The defaults are the engine's (``core.transfer.parts``): the window used to
start at 4 threads per push while the engine, the CLI and the API used 10;
now a setting nobody changed means what ``bentosync push`` means.

A store hands back strings from INI files and ints from the Windows registry,
and any value a user edited by hand; every getter here converts and clamps, so
a bad value falls back to a sane one instead of reaching the engine (which
would refuse a part below 5 MiB with an error on every push). Qt-free: the
window passes its ``QSettings``, which has the two methods of ``SettingsStore``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from bentosync.core.transfer.parts import (
    DEFAULT_PART_SIZE,
    DEFAULT_THREADS,
    MAX_PART_SIZE,
    MIN_PART_SIZE,
)

logger = logging.getLogger(__name__)

MIB = 1024 * 1024


class SettingsStore(Protocol):
    """The part of ``QSettings`` these settings use (a dict-backed fake serves in tests)."""

    def value(self, key: str, defaultValue: Any = ...) -> Any: ...
    def setValue(self, key: str, value: Any) -> None: ...
    def sync(self) -> None: ...


@dataclass(frozen=True)
class IntSetting:
    """One integer setting: its key, default and allowed range."""

    key: str
    default: int
    minimum: int
    maximum: int

    def clamp(self, value: int) -> int:
        return max(self.minimum, min(self.maximum, value))


CONCURRENT_JOBS = IntSetting("transfers/concurrent_jobs", 2, 1, 8)
THREADS_PER_JOB = IntSetting("transfers/threads_per_job", DEFAULT_THREADS, 1, 32)
RESUME_INTERRUPTED = "transfers/resume_interrupted"
KEEP_IN_TRAY = "window/keep_in_tray"
PART_SIZE = IntSetting("transfers/part_size", DEFAULT_PART_SIZE, MIN_PART_SIZE, MAX_PART_SIZE)


class TransferSettings:
    """Typed access to the transfer settings; read and written on the GUI thread only.

    Args:
        settings: where they are kept: the window's settings (``gui.settings``),
            or an INI file of a test's own.
    """

    def __init__(self, settings: SettingsStore) -> None:
        self._settings = settings

    def _get(self, setting: IntSetting) -> int:
        raw = self._settings.value(setting.key, setting.default)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            logger.warning("Ignoring setting %s=%r: not a number", setting.key, raw)
            return setting.default
        clamped = setting.clamp(value)
        if clamped != value:
            logger.warning("Setting %s=%d is out of range; using %d", setting.key, value, clamped)
        return clamped

    def _set(self, setting: IntSetting, value: int) -> None:
        self._settings.setValue(setting.key, setting.clamp(int(value)))

    @property
    def concurrent_jobs(self) -> int:
        """How many push/pull/verify jobs run at once (the transfer pool's size)."""
        return self._get(CONCURRENT_JOBS)

    @concurrent_jobs.setter
    def concurrent_jobs(self, value: int) -> None:
        self._set(CONCURRENT_JOBS, value)

    @property
    def threads_per_job(self) -> int:
        """Parallel part uploads within one push."""
        return self._get(THREADS_PER_JOB)

    @threads_per_job.setter
    def threads_per_job(self, value: int) -> None:
        self._set(THREADS_PER_JOB, value)

    @property
    def part_size(self) -> int:
        """Multipart part size in bytes (at least 5 MiB, the object stores' floor)."""
        return self._get(PART_SIZE)

    @part_size.setter
    def part_size(self, value: int) -> None:
        self._set(PART_SIZE, value)

    def _get_flag(self, key: str) -> bool:
        """An on/off setting, off unless set; QSettings' INI files give back "true" strings."""
        raw = self._settings.value(key, False)
        return raw is True or str(raw).lower() in ("true", "1", "yes")

    @property
    def resume_interrupted(self) -> bool:
        """Resume, at start, the pushes and pulls that were running when the app last closed
        (off: they are listed, and resume on one click)."""
        return self._get_flag(RESUME_INTERRUPTED)

    @resume_interrupted.setter
    def resume_interrupted(self, value: bool) -> None:
        self._settings.setValue(RESUME_INTERRUPTED, bool(value))

    @property
    def keep_in_tray(self) -> bool:
        """Closing the window while transfers run hides it to the tray (where there is one)
        instead of asking to stop them."""
        return self._get_flag(KEEP_IN_TRAY)

    @keep_in_tray.setter
    def keep_in_tray(self, value: bool) -> None:
        self._settings.setValue(KEEP_IN_TRAY, bool(value))

    def sync(self) -> None:
        self._settings.sync()
