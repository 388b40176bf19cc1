"""Drop-behind: what a transfer has passed leaves the page cache, the rest stays.

What was dropped is read back from the kernel with mincore(2) on a private
mapping of the file, which reports the page cache pages of the file for pages
the mapping never wrote. What was kept is checked on the ranges drop-behind
asked the kernel to forget, not on residency: a kept page is clean once its
writeback started, and memory pressure from anything else on the machine may
evict it at any moment (a CI run saw 1 MiB of a kept range go that way).
"""

from __future__ import annotations

import ctypes
import mmap
import os
from pathlib import Path

import pytest

from bentosync.core import pagecache
from bentosync.core.pagecache import LAG, DropBehind
from bentosync.registry.segments import SegmentedFile, SegmentReader

MiB = 1024 * 1024
PAGE = mmap.PAGESIZE

pytestmark = pytest.mark.skipif(
    not pagecache.CAN_DROP, reason="drop-behind needs sync_file_range and posix_fadvise (Linux)"
)


def resident(path: Path, start: int, end: int) -> float:
    """The share of pages of ``[start, end)`` in the page cache, 0.0 to 1.0."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p]
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), end - start, access=mmap.ACCESS_COPY, offset=start)
    try:
        address = ctypes.addressof(ctypes.c_char.from_buffer(mapped))
        pages = (end - start + PAGE - 1) // PAGE
        vector = ctypes.create_string_buffer(pages)
        if libc.mincore(address, end - start, vector) != 0:
            raise OSError(ctypes.get_errno(), "mincore failed")
        return sum(byte & 1 for byte in vector.raw) / pages
    finally:
        mapped.close()


def cached_file(path: Path, size: int) -> Path:
    """A file of ``size`` bytes, written through the cache and not yet on disk."""
    block = os.urandom(MiB)
    with open(path, "wb") as handle:
        for _ in range(size // MiB):
            handle.write(block)
    return path


Forgotten = dict[int, list[tuple[int, int]]]  # inode -> merged [start, end) ranges


@pytest.fixture
def forgotten(monkeypatch: pytest.MonkeyPatch) -> Forgotten:
    """Every range drop-behind told the kernel to forget, merged, per file inode."""
    ranges: Forgotten = {}
    real_forget = pagecache.forget

    def recording_forget(fd: int, offset: int, length: int) -> None:
        spans = ranges.setdefault(os.fstat(fd).st_ino, [])
        if spans and spans[-1][1] == offset:
            spans[-1] = (spans[-1][0], offset + length)
        else:
            spans.append((offset, offset + length))
        real_forget(fd, offset, length)

    monkeypatch.setattr(pagecache, "forget", recording_forget)
    return ranges


def inode(path: Path) -> int:
    return path.stat().st_ino


@pytest.fixture
def droppable(tmp_path: Path) -> Path:
    """tmp_path, if its filesystem gives pages back when asked (tmpfs never does)."""
    probe = cached_file(tmp_path / "probe", 4 * MiB)
    fd = os.open(probe, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)
    if resident(probe, 0, 4 * MiB) > 0.5:
        pytest.skip(f"the filesystem of {tmp_path} keeps pages cached whatever it is told")
    probe.unlink()
    return tmp_path


def test_a_writer_leaves_only_the_last_stretch_cached(
    droppable: Path, forgotten: Forgotten
) -> None:
    size = 64 * MiB
    path = cached_file(droppable / "pulled", size)  # dirty: never written back yet
    fd = os.open(path, os.O_RDONLY)
    try:
        behind = DropBehind.for_file(fd)
        for offset in range(MiB, size + 1, MiB):
            behind.passed(offset)
    finally:
        os.close(fd)
    dropped_to = size - LAG
    assert forgotten == {inode(path): [(0, dropped_to)]}  # within LAG of the end: kept
    assert resident(path, 0, dropped_to) == 0.0  # written back first, then dropped
    assert path.stat().st_size == size


def test_a_resumed_transfer_drops_nothing_before_where_it_started(
    droppable: Path, forgotten: Forgotten
) -> None:
    size = 64 * MiB
    path = cached_file(droppable / "resumed", size)
    fd = os.open(path, os.O_RDONLY)
    try:
        behind = DropBehind.for_file(fd, start=16 * MiB)
        for offset in range(17 * MiB, size + 1, MiB):
            behind.passed(offset)
    finally:
        os.close(fd)
    assert forgotten == {inode(path): [(16 * MiB, size - LAG)]}
    assert resident(path, 16 * MiB, size - LAG) == 0.0


def test_reading_an_archive_of_parts_drops_each_part_behind_the_reader(
    droppable: Path, forgotten: Forgotten
) -> None:
    paths = [cached_file(droppable / f"part{n}", 24 * MiB) for n in range(3)]
    expected = b"".join(path.read_bytes() for path in paths)
    joined = SegmentedFile.open(paths)
    try:
        reader = SegmentReader(joined)
        data = b"".join(iter(lambda: reader.read(MiB), b""))
    finally:
        joined.close()
    assert data == expected  # dropping never changes what is read
    in_second = 3 * 24 * MiB - LAG - 24 * MiB  # where the drop stopped, within part 1
    assert 0 < in_second < 24 * MiB
    assert forgotten == {  # the last part, and the end of the second, kept
        inode(paths[0]): [(0, 24 * MiB)],
        inode(paths[1]): [(0, in_second)],
    }
    assert resident(paths[0], 0, 24 * MiB) == 0.0
    assert resident(paths[1], 0, in_second) == 0.0


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 10, [(0, 0, 10)]),
        (5, 25, [(0, 5, 5), (1, 0, 10), (2, 0, 5)]),
        (10, 20, [(1, 0, 10)]),
        (22, 99, [(2, 2, 8)]),
        (30, 40, []),
    ],
)
def test_spans_map_an_archive_range_onto_its_files(tmp_path: Path, start, end, expected) -> None:
    paths = []
    for n in range(3):
        paths.append(tmp_path / str(n))
        paths[-1].write_bytes(b"x" * 10)
    joined = SegmentedFile.open(paths)
    try:
        fds = joined.spans(0, 30)
        order = [fd for fd, _, _ in fds]
        got = [(order.index(fd), offset, length) for fd, offset, length in joined.spans(start, end)]
    finally:
        joined.close()
    assert got == expected
