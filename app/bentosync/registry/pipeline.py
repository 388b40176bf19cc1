"""Multipart parts checked while they arrive, so completion is nearly instant.

Without this, complete_multipart_upload reads the whole archive after the
last byte: about a minute of "verifying" for a 10 GB model, for every
client. Parts arrive roughly in order (clients send them from a few threads,
lowest numbers first), so one thread per upload feeds part n to the same
streaming scan the proxy PUT uses as soon as parts 1..n-1 are in, reading the
part files where they are (the bytes are still in the page cache; the parts
themselves become the stored archive, see ``segments.py``). At completion
only the tail is left to do.

The pipeline is a cache, never the authority:

* The client's part list at completion decides. The pipeline's file counts
  only if it holds exactly those parts with those ETags, in order 1..N;
  anything else (gaps, extra parts, a different ETag, a pipeline that gave up
  or never started) falls back to scanning the listed part files at completion.
* A part stored again after it was consumed (each store mints a new ETag)
  restarts the pipeline from part 1: the tar scan cannot rewind.
* Which bytes were consumed is certain: a part is read through a descriptor
  whose inode is the one its notification named. ``store_part`` replaces the
  file and notifies under the database lock, one part at a time, so a file
  that is newer than the last notification is noticed and waited for.
* The scan blocks for missing bytes instead of seeing an end of file, so what
  it finds depends only on the bytes of the parts, exactly as a scan of the
  assembled file would. Its verdict is judged at completion, in the archive
  job, like before: nothing here touches the database or a model's status.
* A pipeline lives only as long as its parts: ``BlobStore.remove_parts`` (any
  end of the upload) stops it. After a crash the next part to arrive starts a
  new pipeline from the parts on disk.

Threads are bounded (``pipeline_pool.Pipelines``): one per running pipeline,
and only a few pipelines at once. A pipeline that sees no part for
``idle_timeout`` seconds gives its thread back.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bentosync.core.archive import ArchiveScan, scan_tar_stream
from bentosync.core.errors import UnsafeArchive
from bentosync.core.modelinfo import MODEL_YAML
from bentosync.registry.blobs import BlobStore
from bentosync.registry.segments import SegmentedFile, SegmentReader

logger = logging.getLogger(__name__)

# A client that keeps replacing consumed parts with other bytes gets no more
# restarts than this; completion then scans the parts itself.
MAX_RESTARTS = 8
# How often to look again at a part file that is newer than its last notification
# (the notification is on its way), and when to stop believing it will come.
RECHECK_SECONDS = 0.05
RECHECK_GIVE_UP = 5.0


@dataclass(frozen=True)
class StoredPart:
    """One stored version of a part: its number, ETag (unquoted), size and inode."""

    number: int
    etag: str
    size: int
    inode: tuple[int, int]


@dataclass(frozen=True)
class Assembled:
    """A finished pipeline's verdict on exactly these stored parts, in order."""

    parts: tuple[StoredPart, ...]
    scan: ArchiveScan | UnsafeArchive


class _Restart(BaseException):
    """A consumed part changed: start again from part 1. BaseException so that no
    ``except Exception`` inside tarfile or the scan can swallow it."""


class _Stopped(BaseException):
    """The pipeline was discarded or gave up; completion scans the parts itself."""


_Broken = Callable[[OSError], _Stopped]


class PartFeeder(SegmentReader):
    """The scan's view of the parts consumed so far; reading past their end takes the next.

    The scan turns OSError into "not a readable tar archive", a verdict about
    the client's bytes; a failing disk here is ours, so it stops the pipeline
    (``_Stopped`` passes through the scan) and completion does the work again.
    """

    def __init__(
        self, joined: SegmentedFile, pull: Callable[[int | None], int], broken: _Broken
    ) -> None:
        super().__init__(joined, pull)
        self._broken = broken

    def read(self, size: int = -1) -> bytes:
        try:
            return super().read(size)
        except OSError as exc:
            raise self._broken(exc) from exc


class Pipeline:
    """One upload's scan over its parts in order, run by one thread (``run``).

    Other threads only call ``part_stored``, ``finish`` and ``stop``, which
    change state under ``_cond`` and never do I/O.
    """

    def __init__(
        self, upload_id: str, blobs: BlobStore, known: Iterable[StoredPart], idle_timeout: float
    ) -> None:
        self.upload_id = upload_id
        self._blobs = blobs
        self._idle_timeout = idle_timeout
        self._cond = threading.Condition()
        self._pending = {part.number: part for part in known}  # latest version of each part
        self._consumed: list[StoredPart] = []  # parts 1..k, open in _joined
        self._final: list[tuple[int, str]] | None = None
        self._stop_reason = ""
        self._restart = False
        self._handed_off = False
        self._touched = time.monotonic()
        self._mismatch_since = 0.0
        self._done = threading.Event()
        self._result: Assembled | None = None
        self._joined = SegmentedFile()

    # ---- called from other threads ---------------------------------------------------

    def part_stored(self, part: StoredPart) -> bool:
        """A part was (re)stored; False if this pipeline has ended and takes no more."""
        with self._cond:
            if self._stop_reason or self._handed_off:
                return False
            self._pending[part.number] = part
            self._touched = time.monotonic()
            taken = self._consumed[part.number - 1] if part.number <= len(self._consumed) else None
            if taken is not None and taken.etag != part.etag:
                self._restart = True
            self._cond.notify_all()
            return True

    def finish(self, parts: list[tuple[int, str]]) -> Assembled | None:
        """Hand over the client's final list; wait for the tail. None: scan at completion.

        The result is handed out once: a second completion of the same upload
        scans the part files itself.
        """
        with self._cond:
            if self._final is not None:
                return None
            if [number for number, _ in parts] != list(range(1, len(parts) + 1)):
                self._stop_locked("the completed part list does not run 1..N")
            self._final = [(number, etag) for number, etag in parts]
            self._cond.notify_all()
        self._done.wait()
        with self._cond:
            result, self._result = self._result, None
        return result

    def stop(self, reason: str) -> None:
        with self._cond:
            self._stop_locked(reason)

    def run_never(self) -> None:
        """For a pipeline whose thread could not start: ``finish`` returns at once."""
        self._done.set()

    def _stop_locked(self, reason: str) -> None:
        if not self._stop_reason and not self._handed_off:
            self._stop_reason = reason
            logger.info("Stopped assembling upload %s early: %s", self.upload_id, reason)
        self._cond.notify_all()

    # ---- the pipeline's own thread -----------------------------------------------------

    def run(self) -> None:
        restarts = 0
        try:
            while True:
                try:
                    scan = self._one_pass()
                    self._hand_off(scan)
                    return
                except _Restart:
                    restarts += 1
                    if restarts > MAX_RESTARTS:
                        self.stop(f"parts were replaced more than {MAX_RESTARTS} times")
                        return
                    logger.info("A consumed part of upload %s changed; restarting", self.upload_id)
        except _Stopped:
            pass
        except OSError as exc:
            self._broken(exc)
        except Exception:  # a bug: never fails the upload, completion just does it all
            logger.exception("Assembling upload %s crashed", self.upload_id)
            self.stop("it crashed")
        finally:
            self._joined.close()
            self._done.set()

    def _one_pass(self) -> ArchiveScan | UnsafeArchive:
        with self._cond:
            self._restart = False
            self._consumed.clear()
        self._joined.close()
        reader = PartFeeder(self._joined, self._pull, self._broken)
        scan: ArchiveScan | UnsafeArchive
        try:
            scan = scan_tar_stream(reader, capture=(MODEL_YAML,))  # type: ignore[arg-type]
        except UnsafeArchive as exc:
            scan = exc  # reported at completion, if these turn out to be the parts
        while self._append_next():  # the bytes after the tar's end, up to the last part
            pass
        return scan

    def _hand_off(self, scan: ArchiveScan | UnsafeArchive) -> None:
        """The scan read exactly the listed parts: its verdict is the caller's."""
        with self._cond:
            self._check_locked()
            consumed = [(part.number, part.etag) for part in self._consumed]
            if consumed != self._final:
                self._stop_locked("the parts it holds are not the ones listed at completion")
                raise _Stopped
            self._result = Assembled(tuple(self._consumed), scan)
            self._handed_off = True

    def _broken(self, exc: OSError) -> _Stopped:
        self.stop(f"could not assemble the parts: {exc.strerror or exc}")
        return _Stopped()

    def _check_locked(self) -> None:
        if self._stop_reason:
            raise _Stopped
        if self._restart:
            raise _Restart

    def _pull(self, end: int | None) -> int:
        """The scan wants bytes up to ``end`` (None: all): append parts until they exist."""
        if self._stop_reason or self._restart:  # read without the lock: checked per read
            with self._cond:
                self._check_locked()
        while end is None or self._joined.size < end:
            if not self._append_next():
                break  # every listed part is in: a short read is the true end
        return self._joined.size

    def _append_next(self) -> bool:
        """Append the next part, waiting for it if needed; False once the last listed is in."""
        while True:
            with self._cond:
                part = self._next_part_locked()
                if part is None:
                    return False
            try:
                if self._take(part):
                    return True
            except OSError as exc:  # never let the scan mistake it for a bad archive
                raise self._broken(exc) from exc

    def _next_part_locked(self) -> StoredPart | None:
        while True:
            self._check_locked()
            number = len(self._consumed) + 1
            if self._final is not None:
                if number > len(self._final):
                    return None
                part = self._pending.get(number)
                if part is None or part.etag != self._final[number - 1][1]:
                    self._stop_locked(f"part {number} is not the one listed at completion")
                    raise _Stopped
                return part
            part = self._pending.get(number)
            if part is not None:
                return part
            left = self._touched + self._idle_timeout - time.monotonic()
            if left <= 0:
                self._stop_locked(f"no part arrived for {self._idle_timeout:g} s")
                raise _Stopped
            self._cond.wait(left)

    def _take(self, part: StoredPart) -> bool:
        """Take ``part`` in if the file on disk is that version; False to look again."""
        try:
            src = os.open(self._blobs.part_path(self.upload_id, part.number), os.O_RDONLY)
        except FileNotFoundError:
            src = -1
        try:
            found = None
            if src >= 0:
                stat = os.fstat(src)
                found = ((stat.st_dev, stat.st_ino), stat.st_size)
            with self._cond:
                self._check_locked()
                current = self._pending.get(part.number)
                if current is None or found != (current.inode, current.size):
                    # Replaced after its notification, which is on its way (or the
                    # parts are being removed, and stop() is).
                    now = time.monotonic()
                    self._mismatch_since = self._mismatch_since or now
                    if now - self._mismatch_since > RECHECK_GIVE_UP:
                        self._stop_locked(f"part {part.number} is not on disk as stored")
                        raise _Stopped
                    self._cond.wait(RECHECK_SECONDS)
                    return False
                self._mismatch_since = 0.0
                self._consumed.append(current)  # from now on a change restarts us
            self._joined.append(src, current.size)
            src = -1  # owned by _joined now
            return True
        finally:
            if src >= 0:
                os.close(src)
