"""Hash a local model's files for the details panel, off the GUI thread, one at a time.

Selecting a 15 GB model must not freeze the window, and selecting another one
must not leave the first still grinding the disk: each request cancels the
one before (the core checks the event per chunk). The persistent hash cache
makes the second look at an unchanged model cost a ``stat`` per file.

Progress is pulled, not pushed (STYLE.md): the hashing threads add bytes to a
counter under a lock, and a GUI-side timer reads it a few times a second.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from bentosync.core.errors import Cancelled
from bentosync.core.filelist import FileEntry
from bentosync.core.manifest import HashCache, compute_file_list
from bentosync.core.store import LocalModel
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)

POLL_MS = 250
CacheFactory = Callable[[], HashCache | None]
_Key = tuple[str, str, int, int]


def _key(model: LocalModel) -> _Key:
    """Records hold dicts (labels), so they cannot be dict keys; this identifies the
    version and changes when its files do (size or count)."""
    return (str(model.tag), str(model.path), model.size_bytes, model.file_count)


@dataclass
class _Counter:
    """Bytes hashed so far, per file; written by hashing threads, read by the timer."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    done: dict[str, int] = field(default_factory=dict)

    def report(self, path: str, done: int, size: int) -> None:
        with self.lock:
            self.done[path] = done

    def total(self) -> int:
        with self.lock:
            return sum(self.done.values())


@dataclass(frozen=True)
class HashProgress:
    """(model, bytes hashed, bytes in all) for ``progressed``; ints may pass 2 GiB."""

    model: LocalModel
    done: int
    total: int


class FileListHasher(QObject):
    """Computes ``FileEntry`` lists of local models on ``pool``; the newest request wins.

    Args:
        pool: where hashing runs; a pool of its own, so hashing never queues
            listings behind it.
        cache_factory: opens the hash cache, called once on the first job's
            thread (opening SQLite is disk work too). None disables the cache.
    """

    #: ``(LocalModel, list[FileEntry])`` when a requested model is hashed.
    hashed = Signal(object, object)
    #: ``(LocalModel, str)``: why hashing failed (cancellation is not reported).
    failed = Signal(object, object)
    #: ``HashProgress`` a few times a second while hashing.
    progressed = Signal(object)

    def __init__(
        self,
        pool: QThreadPool,
        cache_factory: CacheFactory | None = HashCache,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._cache_factory = cache_factory
        self._cache: HashCache | None = None
        self._cache_lock = threading.Lock()
        self._results: dict[_Key, list[FileEntry]] = {}
        self._current: LocalModel | None = None
        self._cancel = threading.Event()
        self._counter = _Counter()
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

    def known(self, model: LocalModel) -> list[FileEntry] | None:
        """The list of this exact record (same tag, size, files), if hashed before."""
        return self._results.get(_key(model))

    def request(self, model: LocalModel) -> None:
        """Hash ``model``; cancels a running request for another model."""
        if self._current == model:
            return
        self.cancel()
        cached = self._results.get(_key(model))
        if cached is not None:
            QTimer.singleShot(0, lambda: self.hashed.emit(model, cached))
            return
        self._current = model
        cancel = threading.Event()
        counter = _Counter()
        self._cancel, self._counter = cancel, counter

        def work() -> list[FileEntry]:
            return compute_file_list(
                model.path, cache=self._open_cache(), progress=counter.report, cancel=cancel
            )

        run_in_pool(
            self._pool,
            work,
            self,
            lambda files: self._done(model, files),
            lambda exc: self._failed(model, exc),
        )
        self._timer.start()

    def cancel(self) -> None:
        """Stop the running request, if any (its outcome will be dropped)."""
        self._cancel.set()
        self._current = None
        self._timer.stop()

    def close(self) -> None:
        """Cancel, and close the cache once the pool is idle (call after the pool drained)."""
        self.cancel()
        with self._cache_lock:
            if self._cache is not None:
                self._cache.close()
                self._cache = None

    # ---- internals -----------------------------------------------------------------

    def _open_cache(self) -> HashCache | None:
        if self._cache_factory is None:
            return None
        with self._cache_lock:
            if self._cache is None:
                try:
                    self._cache = self._cache_factory()
                except Exception:  # a broken cache only costs speed
                    logger.warning("Hash cache unavailable; hashing without it", exc_info=True)
                    self._cache_factory = None
            return self._cache

    def _poll(self) -> None:
        if self._current is not None:
            model = self._current
            self.progressed.emit(HashProgress(model, self._counter.total(), model.size_bytes))

    def _done(self, model: LocalModel, files: list[FileEntry]) -> None:
        self._results[_key(model)] = files
        if self._current == model:
            self._current = None
            self._timer.stop()
        self.hashed.emit(model, files)

    def _failed(self, model: LocalModel, exc: BaseException) -> None:
        if self._current == model:
            self._current = None
            self._timer.stop()
        if isinstance(exc, Cancelled):
            logger.debug("Hashing %s cancelled", model.tag)
            return
        logger.warning("Hashing %s failed: %s", model.tag, exc)
        self.failed.emit(model, str(exc))
