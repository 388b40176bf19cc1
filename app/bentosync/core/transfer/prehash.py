"""Hashing a push's files while the rest of the program is still loading.

A cold push must hash every file before it may create the cloud record (the
file list goes along with it, DESIGN.md). On the 2-core benchmark VM the
largest file of a 1 GiB model alone keeps one core busy for 0.45 s, while
the CLI used to spend 0.1-0.15 s before that loading the cloud client
(requests, urllib3, ssl) and opening the session. The CLI's ``push`` now
starts the hashing first, from modules that load fast, so the rest loads on
the other core meanwhile. The push job then picks the result up
(``Pusher(prehash=...)``) and shows the files already hashed as such.

Every push hashes through ``Prehash``: a job without an early start makes its
own, so that its lookups of the cloud record run while the files hash.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from bentosync.core.errors import BentoSyncError, Cancelled
from bentosync.core.filelist import FileEntry
from bentosync.core.hashcache import HashCache
from bentosync.core.manifest import HashProgress, hash_files
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.transfer.tarlayout import TarLayout

logger = logging.getLogger(__name__)


class Prehash:
    """The layout and hashing of one local model's archive members, on its own thread.

    The walk of the folder (the archive's layout) runs on that thread too: for
    20,000 small files it takes most of a second, which the caller spends
    loading the cloud client and asking the server about the record instead.
    """

    def __init__(
        self,
        model: LocalModel | Path,
        cache: HashCache | None,
        requested: str | None = None,
        *,
        store: LocalStore | None = None,
    ) -> None:
        """``model`` is a loaded model, or the folder of one for ``store`` to load on the
        thread, sized by the layout's walk: loading it first would stat every file an
        extra time (0.1 s for 20,000 files) before the hashing could even begin."""
        self.requested = requested  # the tag as asked for, which ``model`` resolved
        self.layout: TarLayout | None = None  # set on the thread, before any file hashes
        self.cancel = threading.Event()
        self._cache = cache
        self._lock = threading.Lock()
        self._hashed: list[tuple[str, int, int]] = []  # finished before anyone listened
        self._listener: HashProgress | None = None
        self._on_layout: Callable[[TarLayout], None] | None = None
        self._files: list[FileEntry] | None = None
        self._error: BaseException | None = None
        self._ready = threading.Event()  # files or error set; the cache may still be writing
        self._loaded = threading.Event()  # the model or an error set
        self._model: LocalModel | None = None
        if isinstance(model, LocalModel):
            self.folder = model.path
            self._model = model
            self._loaded.set()
        else:
            self.folder = model
        self._store = store
        self._thread = threading.Thread(target=self._run, name="bentosync-prehash", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        """Layout, hashes, then (after ``result()`` has them) the last hash-cache write."""
        last_save: list[Callable[[], None]] = []
        try:
            layout = TarLayout.from_folder(self.folder)
            if self._model is None:
                files = layout.files
                store = self._store or LocalStore(self.folder.parent.parent.parent)
                self._model = store.load(self.folder, size=(sum(m.size for m in files), len(files)))
            self._loaded.set()
            with self._lock:
                self.layout = layout
                on_layout, self._on_layout = self._on_layout, None
            if on_layout is not None:
                on_layout(layout)  # before the first file is hashed, so none goes unheard
            self._files = hash_files(
                layout.local_files(),
                cache=self._cache,
                progress=self._report,
                cancel=self.cancel,
                defer_last_save=last_save.append,
            )
        except BaseException as exc:  # handed to whoever waits for the result
            self._error = exc
        finally:
            self._loaded.set()
            self._ready.set()
            for save in last_save:  # while the push goes on; ``stop()`` waits for it
                try:
                    save()
                except Exception:  # a cache: never a reason for a push to fail
                    logger.warning("Cannot save hashes to the cache", exc_info=True)

    def model(self, cancel: threading.Event) -> LocalModel:
        """The model being hashed, once loaded (at once if given loaded); its problem
        (not a model, unreadable) is raised here. ``cancel`` stops the hashing."""
        self._wait(self._loaded, cancel)
        if self._model is None:
            raise self._error or Cancelled("Hashing was cancelled.")
        return self._model

    def _wait(self, event: threading.Event, cancel: threading.Event) -> None:
        try:
            while not event.wait(0.1):  # wakes for Ctrl-C and for ``cancel``
                if cancel.is_set():
                    self.cancel.set()
        finally:
            if not event.is_set():  # interrupted: do not leave it reading files
                self.cancel.set()

    def _report(self, path: str, done: int, size: int) -> None:
        with self._lock:
            listener = self._listener
            if listener is None:
                if done >= size:
                    self._hashed.append((path, done, size))
                return
        listener(path, done, size)

    def listen(
        self, on_hashed: HashProgress, on_layout: Callable[[TarLayout], None] | None = None
    ) -> None:
        """From now on ``on_hashed`` hears of the hashing; of files finished earlier at once.

        ``on_layout`` gets the archive's layout once it is known (at once if it is),
        always before ``on_hashed`` hears of any file.
        """
        with self._lock:
            layout = self.layout
            if layout is None:
                self._on_layout = on_layout
        if layout is not None and on_layout is not None:
            on_layout(layout)
        with self._lock:
            earlier, self._hashed = self._hashed, []
            self._listener = on_hashed
        for report in earlier:
            on_hashed(*report)

    def result(self, cancel: threading.Event) -> list[FileEntry]:
        """The file list, once hashed. Setting ``cancel`` stops the hashing (Cancelled)."""
        self._wait(self._ready, cancel)
        if self._error is not None:
            raise self._error
        if self._files is None:  # pragma: no cover - the thread always sets one of the two
            raise Cancelled("Hashing was cancelled.")
        return self._files

    def result_layout(self) -> TarLayout:
        """The layout, once ``result()`` has returned."""
        if self.layout is None:  # pragma: no cover - result() raised instead
            raise Cancelled("Hashing was cancelled.")
        return self.layout

    def done(self) -> bool:
        """Whether the hashing has ended (finished, failed or cancelled)."""
        return self._ready.is_set()

    def stop(self) -> None:
        """Stop hashing (if it still is) and wait until the thread has let go of the files
        and has written the hash cache."""
        self.cancel.set()
        self._thread.join()


def start_prehash(tag: str, cache: HashCache | None) -> Prehash | None:
    """Start hashing the local model ``tag`` names; None if it names none.

    The push itself then reports the problem (bad tag, no such model) in its
    usual words, so this never raises for it.
    """
    store = LocalStore()
    try:
        return Prehash(store.locate(tag), cache, requested=tag, store=store)
    except (BentoSyncError, OSError) as exc:
        logger.debug("No early hashing for %s: %s", tag, exc)
        return None
