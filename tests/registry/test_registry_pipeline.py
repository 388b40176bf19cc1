"""Assembling multipart parts as they arrive (registry/pipeline.py), in-process.

``Parts`` stands in for ``Multipart.store_part``: it replaces the part file and
tells the pipelines, one part at a time, as the database lock makes it. Every
result is compared with what assembling the listed parts afterwards gives,
which is what the pipeline must be indistinguishable from.
"""

from __future__ import annotations

import errno
import io
import os
import random
import secrets
import threading
import time
from pathlib import Path

import pytest
from registry_helpers import make_tar, model_files

from bentosync.core.archive import ArchiveScan, scan_tar_stream
from bentosync.core.errors import UnsafeArchive
from bentosync.registry import pipeline as pipeline_module
from bentosync.registry.blobs import BlobStore
from bentosync.registry.pipeline import Assembled
from bentosync.registry.pipeline_pool import Pipelines
from bentosync.registry.segments import SegmentedFile


class Parts:
    """One multipart upload's part files, stored the way ``store_part`` stores them."""

    def __init__(self, blobs: BlobStore, pipelines: Pipelines, upload_id: str = "u1") -> None:
        self.blobs = blobs
        self.pipelines = pipelines
        self.upload_id = upload_id
        self.stored: dict[int, tuple[str, int]] = {}
        self.lock = threading.Lock()  # the database lock's part in store_part

    def store(self, number: int, data: bytes) -> str:
        tmp = self.blobs.new_tmp("part")
        tmp.write_bytes(data)
        etag = secrets.token_hex(16)  # a new ETag for every store, as store_part mints
        with self.lock:
            target = self.blobs.part_path(self.upload_id, number)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            self.stored[number] = (etag, len(data))
            self.pipelines.part_stored(
                self.upload_id,
                number,
                etag,
                len(data),
                lambda: [(n, e, s) for n, (e, s) in self.stored.items()],
            )
        return etag

    def listed(self) -> list[tuple[int, str]]:
        return [(n, self.stored[n][0]) for n in sorted(self.stored)]


@pytest.fixture
def blobs(tmp_path):
    store = BlobStore(tmp_path)
    yield store
    store.close()


@pytest.fixture
def pipelines(blobs):
    pool = Pipelines(blobs, max_active=2, idle_timeout=30)
    yield pool
    pool.close()


def split(data: bytes, count: int) -> list[bytes]:
    size = -(-len(data) // count)
    return [data[i : i + size] for i in range(0, len(data), size)]


def archive(seed: int = 1, size: int = 600_000) -> bytes:
    rng = random.Random(seed)
    return make_tar(model_files("demo", "v1", {"weights.bin": rng.randbytes(size), "b.txt": b"b"}))


def scan_of(data: bytes) -> ArchiveScan | UnsafeArchive:
    try:
        return scan_tar_stream(io.BytesIO(data), capture=("model.yaml",))
    except UnsafeArchive as exc:
        return exc


def same_as_assembling_afterwards(result: Assembled | None, data: bytes, parts: Parts) -> None:
    """The verdict is about the part files on disk now, and equals a scan of ``data``."""
    assert result is not None
    stored = dict(parts.listed())
    held = b""
    for part in result.parts:  # the very versions the listing names
        assert stored[part.number] == part.etag
        held += parts.blobs.part_path(parts.upload_id, part.number).read_bytes()
    assert held == data
    expected = scan_of(data)
    if isinstance(expected, UnsafeArchive):
        assert isinstance(result.scan, UnsafeArchive) and str(result.scan) == str(expected)
    else:
        assert result.scan == expected


def wait_for(predicate, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)


def held_parts(blobs: BlobStore) -> list[Path]:
    """The part files a pipeline holds open (it reads consumed parts in place)."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("watches this process's open files in /proc")
    folder = str(blobs.parts.resolve()) + os.sep
    held = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(folder) and os.path.exists(target):
            held.add(Path(target))
    return sorted(held)


def test_parts_in_order(blobs, pipelines):
    data = archive()
    parts = Parts(blobs, pipelines)
    for number, chunk in enumerate(split(data, 4), 1):
        parts.store(number, chunk)
    same_as_assembling_afterwards(pipelines.finish("u1", parts.listed()), data, parts)
    wait_for(lambda: pipelines.active() == 0)


def test_parts_out_of_order(blobs, pipelines):
    data = archive()
    parts = Parts(blobs, pipelines)
    chunks = split(data, 3)
    for number in (3, 1, 2):
        parts.store(number, chunks[number - 1])
    same_as_assembling_afterwards(pipelines.finish("u1", parts.listed()), data, parts)


@pytest.mark.parametrize("seed", range(12))
def test_any_order_with_retries_matches_assembling_afterwards(blobs, pipelines, seed):
    """Random arrival order; parts re-sent with the same bytes, or other bytes and then right."""
    rng = random.Random(seed)
    data = archive(seed, rng.randrange(50_000, 900_000))
    chunks = split(data, rng.randrange(1, 7))
    parts = Parts(blobs, pipelines, f"up{seed}")
    events = [(n, chunk) for n, chunk in enumerate(chunks, 1)]
    for n, chunk in list(events):
        if rng.random() < 0.4:
            events.append((n, chunk))  # an identical retry
        if rng.random() < 0.3:
            garbled = bytes(b ^ 0x5A for b in chunk[:100]) + chunk[100:]
            events.append((n, garbled))
            events.append((n, chunk))  # ... put right again afterwards
    order = sorted(range(len(events)), key=lambda i: (rng.random(), i))
    # Keep each part's own sequence (garbled before its correction).
    per_part: dict[int, list[bytes]] = {}
    for n, chunk in events:
        per_part.setdefault(n, []).append(chunk)
    numbers = [events[i][0] for i in order]
    for n in numbers:
        parts.store(n, per_part[n].pop(0))
        if rng.random() < 0.3:
            time.sleep(0.01)  # let the pipeline consume some parts first
    same_as_assembling_afterwards(pipelines.finish(parts.upload_id, parts.listed()), data, parts)


def test_a_consumed_part_changed_for_good_ends_in_the_new_bytes(blobs, pipelines, caplog):
    caplog.set_level("INFO", logger="bentosync.registry.pipeline")
    data = archive()
    chunks = split(data, 3)
    parts = Parts(blobs, pipelines)
    parts.store(1, chunks[0])
    parts.store(2, chunks[1])
    # Part 1 is consumed once part 2 is open too (parts are taken in order): an open
    # part 1 alone may not be taken yet, and its replacement would then be no restart.
    wait_for(lambda: sum(p.stat().st_size for p in held_parts(blobs)) > len(chunks[0]))
    tampered = chunks[0][:-2000] + b"X" * 2000  # inside weights.bin
    parts.store(1, tampered)
    parts.store(3, chunks[2])
    sent = tampered + chunks[1] + chunks[2]
    result = pipelines.finish("u1", parts.listed())
    same_as_assembling_afterwards(result, sent, parts)
    assert result is not None and isinstance(result.scan, ArchiveScan)
    weights = {e.path: e.sha256 for e in result.scan.files}["weights.bin"]
    assert weights != {e.path: e.sha256 for e in scan_of(data).files}["weights.bin"]  # type: ignore[union-attr]
    assert "changed; restarting" in caplog.text


def test_an_unsafe_archive_is_found_early_but_only_reported_in_the_result(blobs, pipelines):
    bad = make_tar(model_files("demo", "v1"), symlinks={"evil": "../../etc/passwd"})
    parts = Parts(blobs, pipelines)
    for number, chunk in enumerate(split(bad, 2), 1):
        parts.store(number, chunk)
    result = pipelines.finish("u1", parts.listed())
    same_as_assembling_afterwards(result, bad, parts)
    assert result is not None and "outside" in str(result.scan)


def test_a_short_archive_is_judged_only_at_the_end(blobs, pipelines):
    """A truncated tar: the scan waits for more parts, then sees the true end."""
    data = archive()[:300_000]
    parts = Parts(blobs, pipelines)
    for number, chunk in enumerate(split(data, 2), 1):
        parts.store(number, chunk)
    time.sleep(0.1)
    same_as_assembling_afterwards(pipelines.finish("u1", parts.listed()), data, parts)


@pytest.mark.parametrize("case", ["gap", "extra", "other-etag", "twice"])
def test_the_pipeline_vouches_only_for_exactly_the_listed_parts(blobs, pipelines, case):
    data = archive()
    chunks = split(data, 3)
    parts = Parts(blobs, pipelines)
    for number, chunk in enumerate(chunks, 1):
        parts.store(number, chunk)
    listed = parts.listed()
    if case == "gap":
        listed = [listed[0], listed[2]]
    elif case == "extra":
        parts.store(4, b"\0" * 10240)
        wait_for(lambda: sum(p.stat().st_size for p in held_parts(blobs)) > len(data))
    elif case == "other-etag":
        listed[1] = (2, "0" * 64)
    elif case == "twice":
        assert pipelines.finish("u1", listed) is not None
    assert pipelines.finish("u1", listed) is None
    wait_for(lambda: pipelines.active() == 0)
    if case != "twice":
        wait_for(lambda: not held_parts(blobs))  # write-behind closes its copies soon after


def test_removing_the_parts_stops_the_pipeline(blobs, pipelines):
    chunks = split(archive(), 3)
    parts = Parts(blobs, pipelines)
    parts.store(1, chunks[0])
    parts.store(2, chunks[1])
    wait_for(lambda: bool(held_parts(blobs)))
    blobs.remove_parts("u1")  # what start_upload, failure, success and the reaper do
    wait_for(lambda: pipelines.active() == 0)
    wait_for(lambda: not held_parts(blobs))  # write-behind closes its copies soon after
    assert pipelines.finish("u1", parts.listed()) is None


def test_an_idle_pipeline_gives_its_thread_back_and_a_new_part_starts_over(blobs):
    pool = Pipelines(blobs, max_active=1, idle_timeout=0.3)
    try:
        data = archive()
        chunks = split(data, 3)
        parts = Parts(blobs, pool)
        parts.store(1, chunks[0])
        wait_for(lambda: pool.active() == 0)
        wait_for(lambda: not held_parts(blobs))  # write-behind closes its copies soon after
        parts.store(2, chunks[1])  # a new pipeline, starting from the parts on disk
        parts.store(3, chunks[2])
        same_as_assembling_afterwards(pool.finish("u1", parts.listed()), data, parts)
    finally:
        pool.close()


def test_threads_are_bounded_and_others_complete_the_old_way(blobs, pipelines):
    data = archive()
    uploads = [Parts(blobs, pipelines, f"up{i}") for i in range(3)]
    for parts in uploads:
        parts.store(1, split(data, 2)[0])
    assert pipelines.active() == 2
    for parts in uploads:
        parts.store(2, split(data, 2)[1])
    results = [pipelines.finish(parts.upload_id, parts.listed()) for parts in uploads]
    same_as_assembling_afterwards(results[0], data, uploads[0])
    same_as_assembling_afterwards(results[1], data, uploads[1])
    assert results[2] is None


def test_close_stops_waiting_pipelines(blobs):
    pool = Pipelines(blobs, max_active=2, idle_timeout=60)
    parts = Parts(blobs, pool)
    parts.store(2, b"x" * 1000)  # waits for part 1
    assert pool.active() == 1
    started = time.monotonic()
    pool.close()
    assert time.monotonic() - started < 2
    assert pool.active() == 0
    wait_for(lambda: not held_parts(blobs))


def test_a_disk_error_is_not_mistaken_for_a_bad_archive(blobs, pipelines, monkeypatch):
    """The scan calls OSError "not a readable tar archive"; ours must fall back instead."""

    def full_disk(*args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentedFile, "pread", full_disk)
    parts = Parts(blobs, pipelines)
    for number, chunk in enumerate(split(archive(), 2), 1):
        parts.store(number, chunk)
    assert pipelines.finish("u1", parts.listed()) is None
    wait_for(lambda: pipelines.active() == 0)
    wait_for(lambda: not held_parts(blobs))  # write-behind closes its copies soon after


def test_a_part_file_that_never_matches_its_notification_is_given_up(blobs, pipelines, monkeypatch):
    """A file replaced behind the pipeline's back (no notification): it falls back, soon."""
    monkeypatch.setattr(pipeline_module, "RECHECK_GIVE_UP", 0.3)
    parts = Parts(blobs, pipelines)
    chunks = split(archive(), 2)
    parts.store(2, chunks[1])  # the pipeline waits for part 1, leaving part 2 alone
    sneaky = blobs.new_tmp("sneaky")
    sneaky.write_bytes(chunks[1])
    os.replace(sneaky, blobs.part_path("u1", 2))  # same bytes, other inode, nobody told
    parts.store(1, chunks[0])
    started = time.monotonic()
    assert pipelines.finish("u1", parts.listed()) is None
    assert time.monotonic() - started < 3


def test_parts_removed_on_a_request_path_go_at_once_and_are_deleted_behind(blobs, pipelines):
    parts = Parts(blobs, pipelines)
    parts.store(1, b"x" * 100_000)
    blobs.remove_parts("u1", later=True)
    assert not (blobs.parts / "u1").exists()  # atomically gone from parts/
    wait_for(lambda: not (blobs.tmp / "removed-parts-u1").exists())
    blobs.remove_parts("u1", later=True)  # nothing left: a no-op
    blobs.drain()
    parts.store(1, b"y" * 10)
    blobs.remove_parts("u1", later=True)  # after drain (shutting down): deleted inline
    assert not (blobs.parts / "u1").exists() and not list(blobs.tmp.glob("removed-*"))
