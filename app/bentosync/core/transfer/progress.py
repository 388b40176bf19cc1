"""Progress of one transfer job, written by workers and read by whoever shows it.

Workers never call into the UI. They update a ``TransferProgress`` under its lock,
and the window (a QTimer) or the terminal renderer polls ``snapshot()`` at its own
pace. This is maestral's ``completed = f.tell()`` pattern from STYLE.md: bursts of
per-chunk updates cost a lock and an integer add, never a signal per chunk.

A reader that polls a job of 20 000 files ten times a second must not pay for
20 000 files each time. So a snapshot reuses the frozen ``FileSnapshot`` of every
file that did not change (the writer makes a new one when a file changes), keeps
the total instead of summing it, and, given the revision the reader last saw
(``snapshot(since=...)``), says which files changed since (``changed``), read
from a :class:`ChangeLog` in O(changed).
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from bentosync.core.transfer.phrases import Phrase

logger = logging.getLogger(__name__)

SPEED_WINDOW_S = 5.0
LOCK_SLICE = 1024  # files changed per hold of the lock in bulk updates


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


class FileSnapshot(NamedTuple):
    """One file's progress; a named tuple because one is made per change of a file
    (three or more per file of a 20,000-file job), and a tuple is made 3x faster
    than a frozen dataclass."""

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
    #: Indices into ``files`` that changed after revision ``since`` (files added since
    #: are among them), sorted; None when unknown: the reader compares the whole list.
    changed: tuple[int, ...] | None = None
    since: int = -1
    #: ``message`` as data, when it is one of the engine's fixed sentences (the window
    #: says it in its own language); None for free text such as an error.
    phrase: Phrase | None = None

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
    index: int
    done: int = 0
    checksum: ChecksumState = ChecksumState.PENDING
    reason: str = ""

    def frozen(self) -> FileSnapshot:
        return FileSnapshot(self.path, self.size, self.done, self.checksum, self.reason)


class ChangeLog:
    """Which file indices changed at which revision, the latest change last.

    Why: a reader holding the file list as of revision ``r`` needs only the files
    changed after ``r``, and finding them must not cost a pass over every file.
    ``mark`` moves an index to the end (a dict keeps insertion order), so the
    indices changed after ``r`` are a suffix, read backwards in O(changed).
    Not thread-safe by itself: its owner's lock guards it.
    """

    def __init__(self) -> None:
        self._at: dict[int, int] = {}
        self._floor = 0

    def mark(self, index: int, revision: int) -> None:
        at = self._at
        at.pop(index, None)
        at[index] = revision

    def reset(self, revision: int) -> None:
        """A new list as of ``revision``: readers of an older one have to start over."""
        self._at.clear()
        self._floor = revision

    def since(self, revision: int) -> tuple[int, ...] | None:
        """Indices changed after ``revision``, sorted; None if the list was replaced since."""
        if revision < self._floor:
            return None
        found = []
        for index, at in reversed(self._at.items()):
            if at <= revision:
                break
            found.append(index)
        found.sort()
        return tuple(found)


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
    _phrase: Phrase | None = None
    _done: int = 0
    _total: int = 0
    _revision: int = 0
    _samples: deque[tuple[float, int]] = field(default_factory=deque, repr=False)
    # Every file's current FileSnapshot, in order, made by the writer when the file
    # changes: a reader (the GUI thread) only copies the list, and a burst such as
    # set_all_checksums costs the worker thread, which yields the GIL, not the reader.
    _frozen: list[FileSnapshot] = field(default_factory=list, repr=False)
    _states: list[_FileState] = field(default_factory=list, repr=False)
    _log: ChangeLog = field(default_factory=ChangeLog, repr=False)

    def set_files(self, files: Iterable[tuple[str, int]]) -> None:
        """Declare the job's files (path, size); resets per-file progress.

        The new list is built before taking the lock: for 20 000 files that is
        ~50 ms a reader (the GUI thread's poll) would otherwise wait out.
        """
        by_path = {path: _FileState(path, size, 0) for path, size in files}
        states = list(by_path.values())
        for index, state in enumerate(states):
            state.index = index
        frozen = [state.frozen() for state in states]
        total = sum(state.size for state in states)
        with self._lock:
            self._files, self._states, self._frozen = by_path, states, frozen
            self._done = 0
            self._total = total
            self._samples.clear()
            self._touch()
            self._log.reset(self._revision)
        self._notify()

    def add_file(self, path: str, size: int) -> None:
        """Add a file found on the way (a pull without a server file list)."""
        with self._lock:
            if path not in self._files:
                state = _FileState(path, size, len(self._states))
                self._files[path] = state
                self._states.append(state)
                self._frozen.append(state.frozen())
                self._total += size
                self._touch()
                self._log.mark(state.index, self._revision)
        self._notify()

    def set_phase(self, phase: Phase, message: str | Phrase = "") -> None:
        """Enter ``phase``; ``message`` is free text, or a :class:`Phrase` (its English
        becomes the message, and the phrase travels with the snapshots)."""
        phrase = message if isinstance(message, Phrase) else None
        with self._lock:
            self._phase = phase
            self._message = message.english() if isinstance(message, Phrase) else message
            self._phrase = phrase
            self._touch()
        self._notify()

    def advance(self, path: str, nbytes: int) -> None:
        """Count ``nbytes`` more of ``path`` as moved (negative undoes a retried part)."""
        self.advance_many(((path, nbytes),))

    def advance_many(self, moved: Iterable[tuple[str, int]]) -> None:
        """``advance`` for many files at once: one lock and one notice for a chunk of an
        archive that holds hundreds of small files, instead of one per file."""
        with self._lock:
            changed = False
            for path, nbytes in moved:
                state = self._files.get(path)
                if state is None:
                    continue
                before = state.done
                state.done = max(0, min(state.size, state.done + nbytes))
                self._done += state.done - before
                self._changed(state)
                changed = True
            if not changed:
                return
            self._record_sample()
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
            self._changed(state)
        self._notify()

    def set_checksum(self, path: str, checksum: ChecksumState, reason: str = "") -> None:
        with self._lock:
            state = self._files.get(path)
            if state is None:
                return
            state.checksum = checksum
            state.reason = reason
            self._changed(state)
        self._notify()

    def set_all_checksums(self, checksum: ChecksumState, reason: str = "") -> None:
        """Every file at once, in slices of ``LOCK_SLICE`` files per hold of the lock,
        so a reader never waits for 20 000 files; it may see the first slices done."""
        with self._lock:
            states = self._states
        for start in range(0, len(states), LOCK_SLICE):
            with self._lock:
                if self._states is not states:
                    break  # a new list came meanwhile; it has its own checksums
                self._touch()
                for state in states[start : start + LOCK_SLICE]:
                    state.checksum = checksum
                    state.reason = reason
                    self._log.mark(state.index, self._revision)
                    self._frozen[state.index] = state.frozen()
        self._notify()

    @property
    def revision(self) -> int:
        return self._revision

    @property
    def phase(self) -> Phase:
        return self._phase

    def snapshot(self, since: int | None = None) -> ProgressSnapshot:
        """An immutable copy; with ``since`` (a revision the reader saw) it names what changed.

        Costs O(files changed since ``since``) plus one copy of a list of
        references, however many files the job has.
        """
        with self._lock:
            changed = None if since is None else self._log.since(since)
            return ProgressSnapshot(
                kind=self.kind,
                tag=self.tag,
                phase=self._phase,
                message=self._message,
                phrase=self._phrase,
                files=tuple(self._frozen),
                total_bytes=self._total,
                done_bytes=self._done,
                bytes_per_second=self._speed(),
                revision=self._revision,
                changed=changed,
                since=-1 if changed is None or since is None else since,
            )

    # ---- internals (lock held) -----------------------------------------------------

    def _touch(self) -> None:
        self._revision += 1

    def _changed(self, state: _FileState) -> None:
        self._touch()
        self._log.mark(state.index, self._revision)
        self._frozen[state.index] = state.frozen()

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
