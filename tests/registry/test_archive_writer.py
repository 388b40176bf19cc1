"""ArchiveWriter and write_all: every byte of every chunk lands in order, whatever the OS does."""

from __future__ import annotations

import errno
import os
import random
import threading
import time
from pathlib import Path

import pytest

from bentosync.registry import archive_writer


@pytest.mark.parametrize("per_call", [None, 1, 3, 7])
def test_write_all_survives_short_writes(tmp_path: Path, monkeypatch, per_call) -> None:
    chunks = [os.urandom(n) for n in (5, 0, 1, 64, 13, 1000)] + [b"x"] * 100
    real = archive_writer._writev
    calls = []

    def short(fd: int, views: list[memoryview]) -> int:
        assert len(views) <= archive_writer._IOV_MAX
        calls.append(len(views))
        if per_call is None:
            return real(fd, views)
        return os.write(fd, bytes(views[0])[:per_call]) if views[0] else real(fd, views[:1])

    monkeypatch.setattr(archive_writer, "_writev", short)
    target = tmp_path / "out"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        archive_writer.write_all(fd, chunks)
    finally:
        os.close(fd)
    assert target.read_bytes() == b"".join(chunks)
    assert calls, "nothing was written"


def split(data: bytes, seed: int) -> list[bytes]:
    """``data`` in chunks of uneven sizes, as a socket hands them over."""
    rng = random.Random(seed)
    chunks, at = [], 0
    while at < len(data):
        size = rng.choice([1, 511, 4096, 65_536, 262_144, 300_001])
        chunks.append(data[at : at + size])
        at += size
    return chunks


def takes_direct_io(folder: Path) -> bool:
    """Whether files in ``folder`` open with O_DIRECT (disks do; tmpfs does not)."""
    if not archive_writer.O_DIRECT:
        return False
    try:
        fd = os.open(folder / "probe", os.O_WRONLY | os.O_CREAT | archive_writer.O_DIRECT)
    except OSError:
        return False
    os.close(fd)
    return True


SIZES = [0, 1, 4095, 4096, 1024 * 1024 + 17, 3 * 1024 * 1024 + 4097]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("direct", [True, False])
def test_archive_writer_writes_every_byte_in_order(tmp_path: Path, size, direct) -> None:
    data = os.urandom(size)
    target = tmp_path / "archive"
    target.touch()
    out = archive_writer.ArchiveWriter(target, direct=direct)
    assert out.direct == (direct and takes_direct_io(tmp_path))
    chunks = split(data, size)
    for start in range(0, len(chunks), 5):  # batches, as ingest hands them over
        out.write(chunks[start : start + 5])
    out.close()
    out.close()  # twice: a no-op
    assert target.read_bytes() == data
    assert out.written == size


def test_archive_writer_falls_back_when_a_direct_write_is_refused(tmp_path, monkeypatch) -> None:
    """Some filesystems accept O_DIRECT at open and refuse the writes (EINVAL)."""
    fcntl = pytest.importorskip("fcntl", reason="O_DIRECT is set with fcntl (POSIX)")
    data = os.urandom(2 * 1024 * 1024 + 100)
    target = tmp_path / "archive"
    target.touch()
    out = archive_writer.ArchiveWriter(target, direct=True)
    if not out.direct:
        pytest.skip("O_DIRECT is not available here, so nothing can refuse it")
    real = archive_writer.pwrite_all
    refused = []

    def refuse_direct(fd: int, data, offset: int) -> None:
        if os.O_DIRECT & fcntl.fcntl(fd, fcntl.F_GETFL):
            refused.append(offset)
            raise OSError(errno.EINVAL, "Invalid argument")
        real(fd, data, offset)

    monkeypatch.setattr(archive_writer, "pwrite_all", refuse_direct)
    out.write(split(data, 7))
    out.close()
    assert refused and target.read_bytes() == data


def test_an_abandoned_writer_closes_without_writing_the_rest(tmp_path: Path) -> None:
    target = tmp_path / "archive"
    target.touch()
    out = archive_writer.ArchiveWriter(target, direct=True)
    out.write([b"x" * 5000])
    out.abandon()
    out.close()  # after abandon: nothing to do
    assert target.stat().st_size <= 5000


def direct_writer(tmp_path: Path) -> archive_writer.ArchiveWriter:
    target = tmp_path / "archive"
    target.touch()
    out = archive_writer.ArchiveWriter(target, direct=True)
    if not out.direct:
        out.abandon()
        pytest.skip("O_DIRECT is not available here: its writes are not queued")
    return out


def test_direct_writes_overlap_so_the_disk_never_waits_for_the_next(tmp_path, monkeypatch) -> None:
    """Two buffers are with the disk at once; the next fills meanwhile."""
    out = direct_writer(tmp_path)
    both_started = threading.Barrier(archive_writer.DEPTH, timeout=10)
    real = archive_writer.pwrite_all

    def write_together(fd: int, data, offset: int) -> None:
        if offset < archive_writer.DEPTH * archive_writer.BUFFER_SIZE:
            both_started.wait()  # broken (an error) unless the first writes overlap
        real(fd, data, offset)

    monkeypatch.setattr(archive_writer, "pwrite_all", write_together)
    data = os.urandom(4 * archive_writer.BUFFER_SIZE + 10)
    out.write(split(data, 3))
    out.close()
    assert (tmp_path / "archive").read_bytes() == data
    assert out.written == len(data)


def test_a_failed_direct_write_is_raised_and_abandon_waits_for_the_rest(
    tmp_path, monkeypatch
) -> None:
    out = direct_writer(tmp_path)
    lock = threading.Lock()
    running = [0]

    def disk_full(fd: int, data, offset: int) -> None:
        with lock:
            running[0] += 1
        time.sleep(0.05 if offset == 0 else 0.3)
        with lock:
            running[0] -= 1
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(archive_writer, "pwrite_all", disk_full)
    with pytest.raises(OSError, match="No space left"):
        for _ in range(archive_writer.DEPTH + 2):
            out.write([b"x" * archive_writer.BUFFER_SIZE])
    out.abandon()  # the descriptor closes only after the writes still in flight
    assert running[0] == 0
    assert out.written == 0
