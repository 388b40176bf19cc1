"""Progress of one transfer job, written by workers and read by whoever shows it.

Workers never call into the UI. They update a ``TransferProgress`` under its lock,
and the window (a QTimer) or the terminal renderer polls ``snapshot()`` at its own
pace. This is maestral's ``completed = f.tell()`` pattern from STYLE.md: bursts of
per-chunk updates cost a lock and an integer add, never a signal per chunk.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

SPEED_WINDOW_S = 5.0


class ChecksumState(str, enum.Enum):
    """Where a file stands on integrity; the window shows one icon per state."""

    PENDING = "pending"
    HASHING = "hashing"
    VERIFIED = "verified"
    MISMATCH = "mismatch"
    UNVERIFIED = "unverified"


class Phase(str, enum.Enum):
    QUEUED = "queued"
    PREPARING = "preparing"
    HASHING = "hashing"
    UPLOADING = "uploading"
    DOWNLOADING = "downloading"
    VERIFYING = "verifying"
    INSTALLING = "installing"
    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (Phase.DONE, Phase.SKIPPED, Phase.FAILED, Phase.CANCELLED)


@dataclass(frozen=True)
class FileSnapshot:
    path: str
    size: int
    done: int
    checksum: ChecksumState
    reason: str = ""

    @property
    def fraction(self) -> float:
        return 1.0 if self.size == 0 else min(1.0, self.done / self.size)


@dataclass(frozen=True)
class ProgressSnapshot:
    """An immutable copy, safe to hand across threads (``Signal(object)``)."""

    kind: str
    tag: str
    phase: Phase
    message: str
    files: tuple[FileSnapshot, ...]
    total_bytes: int
    done_bytes: int
    bytes_per_second: float
    revision: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.total_bytes == 0 else min(1.0, self.done_bytes / self.total_bytes)

    @property
    def eta_seconds(self) -> float | None:
        if self.bytes_per_second <= 0 or self.phase.finished:
            return None
        return max(0.0, (self.total_bytes - self.done_bytes) / self.bytes_per_second)


@dataclass
class _FileState:
    path: str
    size: int
    done: int = 0
    checksum: ChecksumState = ChecksumState.PENDING
    reason: str = ""


@dataclass
class TransferProgress:
    """The live record of one job. All methods are thread-safe and cheap."""

    kind: str
    tag: str
    listener: Callable[[TransferProgress], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _files: dict[str, _FileState] = field(default_factory=dict, repr=False)
    _phase: Phase = Phase.QUEUED
    _message: str = ""
    _done: int = 0
    _revision: int = 0
    _samples: deque[tuple[float, int]] = field(default_factory=deque, repr=False)

    def set_files(self, files: Iterable[tuple[str, int]]) -> None:
        """Declare the job's files (path, size); resets per-file progress."""
        with self._lock:
            self._files = {path: _FileState(path, size) for path, size in files}
            self._done = 0
            self._samples.clear()
            self._touch()
        self._notify()

    def add_file(self, path: str, size: int) -> None:
        """Add a file found on the way (a pull without a server file list)."""
        with self._lock:
            if path not in self._files:
                self._files[path] = _FileState(path, size)
                self._touch()
        self._notify()

    def set_phase(self, phase: Phase, message: str = "") -> None:
        with self._lock:
            self._phase = phase
            self._message = message
            self._touch()
        self._notify()

    def advance(self, path: str, nbytes: int) -> None:
        """Count ``nbytes`` more of ``path`` as moved (negative undoes a retried part)."""
        with self._lock:
            state = self._files.get(path)
            if state is None:
                return
            before = state.done
            state.done = max(0, min(state.size, state.done + nbytes))
            self._done += state.done - before
            self._record_sample()
            self._touch()
        self._notify()

    def set_done(self, path: str, done: int, *, moved: bool = True) -> None:
        """Set the absolute progress of a file.

        ``moved=False`` is for bytes found already done (a resumed transfer): they
        count towards the total but not towards the speed.
        """
        with self._lock:
            state = self._files.get(path)
            if state is None:
                return
            done = max(0, min(state.size, done))
            self._done += done - state.done
            state.done = done
            if moved:
                self._record_sample()
            else:
                self._samples.clear()
            self._touch()
        self._notify()

    def set_checksum(self, path: str, checksum: ChecksumState, reason: str = "") -> None:
        with self._lock:
            state = self._files.get(path)
            if state is None:
                return
            state.checksum = checksum
            state.reason = reason
            self._touch()
        self._notify()

    def set_all_checksums(self, checksum: ChecksumState, reason: str = "") -> None:
        with self._lock:
            for state in self._files.values():
                state.checksum = checksum
                state.reason = reason
            self._touch()
        self._notify()

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def phase(self) -> Phase:
        return self._phase

    def snapshot(self) -> ProgressSnapshot:
        with self._lock:
            files = tuple(
                FileSnapshot(s.path, s.size, s.done, s.checksum, s.reason)
                for s in self._files.values()
            )
            return ProgressSnapshot(
                kind=self.kind,
                tag=self.tag,
                phase=self._phase,
                message=self._message,
                files=files,
                total_bytes=sum(s.size for s in self._files.values()),
                done_bytes=self._done,
                bytes_per_second=self._speed(),
                revision=self._revision,
            )

    # ---- internals (lock held) -----------------------------------------------------

    def _touch(self) -> None:
        self._revision += 1

    def _record_sample(self) -> None:
        now = time.monotonic()
        self._samples.append((now, self._done))
        while self._samples and now - self._samples[0][0] > SPEED_WINDOW_S:
            self._samples.popleft()

    def _speed(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        if self._phase.finished or t1 - time.monotonic() < -SPEED_WINDOW_S:
            return 0.0
        return (b1 - b0) / (t1 - t0) if t1 > t0 else 0.0

    def _notify(self) -> None:
        if self.listener is not None:
            try:
                self.listener(self)
            except Exception:  # a display problem must never break a transfer
                logger.exception("Progress listener failed")
