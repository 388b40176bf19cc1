"""The running part pipelines (``pipeline.py``), one thread each, a few at a time.

``Multipart.store_part`` tells this pool about every stored part; the pool
starts a pipeline for the upload if a thread is free, else the upload just
completes the old way (unless a later part finds a thread free: a pipeline
may start at any part, from the parts already on disk). ``BlobStore``
tells it when an upload's parts go, whichever path ends the upload.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from bentosync.registry.blobs import BlobStore
from bentosync.registry.pipeline import Assembled, Pipeline, StoredPart

logger = logging.getLogger(__name__)


class Pipelines:
    """The running pipelines by upload id; at most ``max_active`` threads, one each.

    Daemon threads, not an executor: a pipeline may wait minutes for a part,
    and an executor's threads are joined at interpreter exit. One killed at
    exit leaves only a temp file, which the next start sweeps.
    """

    def __init__(self, blobs: BlobStore, *, max_active: int = 4, idle_timeout: float = 600.0):
        self._blobs = blobs
        self._max_active = max_active
        self._idle_timeout = idle_timeout
        self._lock = threading.Lock()
        self._active: dict[str, Pipeline] = {}
        self._threads: set[threading.Thread] = set()
        self._closed = max_active < 1
        blobs.on_parts_removed(self.discard)

    def part_stored(
        self,
        upload_id: str,
        number: int,
        etag: str,
        size: int,
        known: Callable[[], list[tuple[int, str, int]]],
    ) -> None:
        """Called by ``store_part`` under the database lock, right after the part is in place.

        ``known()`` lists every stored (number, unquoted etag, size) of the
        upload, so a pipeline started late (after a server restart, or when a
        thread came free) begins with the parts already on disk.
        """
        part = self._describe(upload_id, number, etag, size)
        with self._lock:
            pipeline = self._active.get(upload_id)
            if pipeline is not None:
                if part is None:  # cannot happen under the lock; never guess
                    pipeline.stop(f"part {number} vanished as it was stored")
                    return
                if pipeline.part_stored(part):
                    return
                # That one has ended (gave up, or was handed over): a new one may start.
            if self._closed or len(self._threads) >= self._max_active:
                return
            parts = [self._describe(upload_id, *row) for row in known()]
            pipeline = Pipeline(
                upload_id, self._blobs, [p for p in parts if p is not None], self._idle_timeout
            )
            thread = threading.Thread(
                target=self._run,
                args=(pipeline,),
                name=f"part-pipeline-{upload_id[:8]}",
                daemon=True,
            )
            self._active[upload_id] = pipeline
            self._threads.add(thread)
        try:
            thread.start()
        except RuntimeError:  # out of threads: this upload completes the old way
            logger.warning("No thread to assemble upload %s as it arrives", upload_id)
            pipeline.stop("no thread could be started")
            self._forget(pipeline, thread)
            pipeline.run_never()

    def _forget(self, pipeline: Pipeline, thread: threading.Thread) -> None:
        with self._lock:
            self._threads.discard(thread)
            if self._active.get(pipeline.upload_id) is pipeline:
                del self._active[pipeline.upload_id]

    def finish(self, upload_id: str, parts: list[tuple[int, str]]) -> Assembled | None:
        """The assembled, scanned archive of exactly ``parts`` (unquoted ETags), or None."""
        with self._lock:
            pipeline = self._active.get(upload_id)
        if pipeline is None:
            return None
        return pipeline.finish(parts)

    def discard(self, upload_id: str) -> None:
        with self._lock:
            pipeline = self._active.pop(upload_id, None)
        if pipeline is not None:
            pipeline.stop("the upload ended")

    def active(self) -> int:
        with self._lock:
            return len(self._threads)

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            self._closed = True
            pipelines = list(self._active.values())
            self._active.clear()
            threads = list(self._threads)
        for pipeline in pipelines:
            pipeline.stop("the server is stopping")
        deadline = time.monotonic() + timeout
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _run(self, pipeline: Pipeline) -> None:
        try:
            pipeline.run()
        finally:
            self._forget(pipeline, threading.current_thread())

    def _describe(self, upload_id: str, number: int, etag: str, size: int) -> StoredPart | None:
        try:
            stat = os.stat(self._blobs.part_path(upload_id, number))
        except OSError:
            return None
        return StoredPart(number, etag, size, (stat.st_dev, stat.st_ino))
