"""DirectWriter: every byte of every buffer lands in order, whatever the OS does."""

from __future__ import annotations

import errno
import mmap
import os
import threading
import time
from pathlib import Path

import pytest

from bentosync.registry import archive_writer

MiB = 1024 * 1024


def direct_writer(tmp_path: Path) -> archive_writer.DirectWriter:
    target = tmp_path / "archive"
    target.touch()
    out = archive_writer.DirectWriter.open(target)
    if out is None:
        pytest.skip("O_DIRECT is not available here (tmpfs, or not Linux)")
    return out


def write_buffers(out: archive_writer.DirectWriter, data: bytes, size: int = MiB) -> list[int]:
    """``data`` in aligned buffers of ``size``, as ingest hands them over; the buffers
    whose ``done`` ran, by index."""
    done: list[int] = []
    for index, start in enumerate(range(0, len(data), size)):
        piece = data[start : start + size]
        buffer = mmap.mmap(-1, size)  # page-aligned, as in the BufferPool
        buffer[: len(piece)] = piece
        out.write_owned(memoryview(buffer)[: len(piece)], lambda i=index: done.append(i))
    return done


def test_no_writer_where_the_filesystem_refuses_o_direct(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(archive_writer, "_set_direct", lambda fd, on: False)
    target = tmp_path / "archive"
    target.touch()
    assert archive_writer.DirectWriter.open(target) is None  # the plain way, then


@pytest.mark.parametrize("size", [1, 4095, 4096, MiB + 17, 3 * MiB + 4097, 4 * MiB])
def test_every_byte_lands_in_order_and_every_buffer_is_given_back(tmp_path: Path, size) -> None:
    out = direct_writer(tmp_path)
    data = os.urandom(size)
    done = write_buffers(out, data)
    out.close()
    out.close()  # twice: a no-op
    assert (tmp_path / "archive").read_bytes() == data
    assert out.written == size
    assert sorted(done) == list(range(-(-size // MiB)))


def test_a_direct_write_refused_at_write_time_goes_through_the_cache(tmp_path, monkeypatch) -> None:
    """Some filesystems accept O_DIRECT at open and refuse the writes (EINVAL)."""
    fcntl = pytest.importorskip("fcntl", reason="O_DIRECT is set with fcntl (POSIX)")
    out = direct_writer(tmp_path)
    real = archive_writer.pwrite_all
    refused = []

    def refuse_direct(fd: int, data, offset: int) -> None:
        if os.O_DIRECT & fcntl.fcntl(fd, fcntl.F_GETFL):
            refused.append(offset)
            raise OSError(errno.EINVAL, "Invalid argument")
        real(fd, data, offset)

    monkeypatch.setattr(archive_writer, "pwrite_all", refuse_direct)
    data = os.urandom(2 * MiB + 100)
    write_buffers(out, data)
    out.close()
    assert refused and (tmp_path / "archive").read_bytes() == data


def test_pwrite_all_resumes_short_writes(tmp_path, monkeypatch) -> None:
    real = os.pwrite
    monkeypatch.setattr(os, "pwrite", lambda fd, data, offset: real(fd, data[:7], offset))
    target = tmp_path / "out"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        data = os.urandom(1000)
        archive_writer.pwrite_all(fd, memoryview(data), 0)
    finally:
        os.close(fd)
    assert target.read_bytes() == data


def test_an_abandoned_writer_gives_back_its_tail_and_writes_nothing_more(tmp_path) -> None:
    out = direct_writer(tmp_path)
    done = write_buffers(out, b"x" * 5000, size=8192)  # a tail: not aligned
    out.abandon()
    out.close()  # after abandon: nothing to do
    assert done == [0]
    assert (tmp_path / "archive").stat().st_size == 0


def test_direct_writes_overlap_so_the_disk_never_waits_for_the_next(tmp_path, monkeypatch) -> None:
    """Two buffers are with the disk at once; the next fills meanwhile."""
    out = direct_writer(tmp_path)
    both_started = threading.Barrier(archive_writer.DEPTH, timeout=10)
    real = archive_writer.pwrite_all

    def write_together(fd: int, data, offset: int) -> None:
        if offset < archive_writer.DEPTH * MiB:
            both_started.wait()  # broken (an error) unless the first writes overlap
        real(fd, data, offset)

    monkeypatch.setattr(archive_writer, "pwrite_all", write_together)
    data = os.urandom(4 * MiB + 10)
    write_buffers(out, data)
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
            write_buffers(out, b"x" * MiB)
            time.sleep(0.1)  # the first write has failed by now
    out.abandon()  # the descriptor closes only after the writes still in flight
    assert running[0] == 0
    assert out.written == 0
