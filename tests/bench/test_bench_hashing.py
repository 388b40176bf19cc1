"""Hashing and virtual-tar streaming throughput on a ~1 GiB model, next to coreutils.

Run with ``make bench`` (prints a table; ``-s`` is on). Every figure is measured
in the same run on the same files, so the ratios are what matters, not the
absolute MB/s of whatever machine runs it. "page cache" rows read files the
kernel already holds; "from disk" rows first evict them with
``posix_fadvise(DONTNEED)`` (no root needed), which is what a user's first push
of a model that has not been touched for a while looks like.

Size: ``BENTOSYNC_BENCH_MB`` (default 1024).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from bentosync.core.manifest import HashCache, compute_file_list, default_workers
from bentosync.core.transfer.rangereader import RangeReader
from bentosync.core.transfer.tarlayout import TarLayout
from support.trees import make_big_folder, write

MIB = 1024 * 1024
TOTAL_MB = int(os.environ.get("BENTOSYNC_BENCH_MB", "1024"))
SMALL_FILES = 200  # tokenizer/config-like files next to the big shards


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench") / "model"
    make_big_folder(root, TOTAL_MB * MIB, 128 * MIB if TOTAL_MB >= 256 else 16 * MIB)
    for i in range(SMALL_FILES):
        write(root / "small" / f"part-{i:03d}.json", os.urandom(4096 + i))
    for path in root.rglob("*"):
        if path.is_file():
            with open(path, "rb+") as f:
                os.fsync(f.fileno())  # dirty pages cannot be evicted
    return root


def all_files(root: Path) -> list[str]:
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def evict(root: Path) -> None:
    """Drop the files from the page cache so the next read really goes to disk."""
    if not hasattr(os, "posix_fadvise"):
        pytest.skip("posix_fadvise is not available here")
    for name in all_files(root):
        fd = os.open(name, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def timed(fn: Callable[[], object], repeat: int = 3, cold: Path | None = None) -> float:
    """Best of ``repeat`` runs (the least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(repeat):
        if cold is not None:
            evict(cold)
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def stream_to_devnull(chunks: Callable[[], Iterable[bytes | memoryview]]) -> Callable[[], None]:
    def run() -> None:
        fd = os.open(os.devnull, os.O_WRONLY)
        try:
            for chunk in chunks():
                os.write(fd, chunk)
        finally:
            os.close(fd)

    return run


def reader_loop(layout: TarLayout, block: int) -> Callable[[], None]:
    def run() -> None:
        fd = os.open(os.devnull, os.O_WRONLY)
        try:
            reader = RangeReader(layout)
            while data := reader.read(block):
                os.write(fd, data)
        finally:
            os.close(fd)

    return run


def report(title: str, size: int, rows: list[tuple[str, float]], baseline: str) -> None:
    base = dict(rows)[baseline]
    print(f"\n{title} ({size / MIB:.0f} MiB, {os.cpu_count()} CPUs)")
    print(f"  {'':44} {'seconds':>8} {'MB/s':>9} {'vs ' + baseline:>22}")
    for name, seconds in rows:
        rate = size / seconds / 1e6
        print(f"  {name:44} {seconds:8.3f} {rate:9.0f} {base / seconds:21.2f}x")


def test_bench_hashing(model: Path, tmp_path: Path) -> None:
    files = all_files(model)
    size = sum(os.path.getsize(f) for f in files)
    workers = default_workers()
    rows: list[tuple[str, float]] = []
    fresh = itertools.count()  # a new, empty cache file for every cold run

    def cold_hash(n: int) -> Callable[[], object]:
        return lambda: compute_file_list(
            model, workers=n, cache=HashCache(tmp_path / f"cold-{next(fresh)}.sqlite")
        )

    def sha256sum() -> object:
        return subprocess.run(["sha256sum", *files], check=True, capture_output=True)

    def openssl() -> object:  # the same OpenSSL sha256 code hashlib uses, from C, 1 thread
        return subprocess.run(
            ["openssl", "dgst", "-sha256", *files], check=True, capture_output=True
        )

    have_sha256sum = shutil.which("sha256sum") is not None
    if have_sha256sum:
        rows.append(("sha256sum (page cache)", timed(sha256sum)))
    if shutil.which("openssl"):
        rows.append(("openssl dgst -sha256 (page cache)", timed(openssl)))
    rows.append(("compute_file_list, 1 worker (page cache)", timed(cold_hash(1))))
    many = f"compute_file_list, {workers} workers"
    rows.append((f"{many} (page cache)", timed(cold_hash(workers))))
    if have_sha256sum:
        rows.append(("sha256sum (from disk)", timed(sha256sum, cold=model)))
    rows.append((f"{many} (from disk)", timed(cold_hash(workers), cold=model)))

    cache = HashCache(tmp_path / "warm.sqlite")
    first = compute_file_list(model, cache=cache)
    cached = timed(lambda: compute_file_list(model, cache=cache), repeat=3)
    rows.append(("compute_file_list, cached (second look)", cached))
    assert compute_file_list(model, cache=cache) == first
    assert cache.hits >= 3 * len(files)
    report("Hashing", size, rows, rows[0][0])
    assert cached * 10 < dict(rows)[f"{many} (page cache)"], "a cached look must be ~free"


def test_bench_virtual_tar_stream(model: Path) -> None:
    files = all_files(model)
    layout = TarLayout.from_folder(model)
    size = layout.total_size

    def cat() -> object:
        return subprocess.run(["sh", "-c", 'cat "$@" > /dev/null', "cat", *files], check=True)

    stream = stream_to_devnull(layout.iter_range)
    rows = [
        ("cat files > /dev/null (page cache)", timed(cat)),
        ("iter_range, 1 MiB chunks (page cache)", timed(stream)),
        ("RangeReader.read(1 MiB) (page cache)", timed(reader_loop(layout, MIB))),
        ("RangeReader.read(16 KiB) (page cache)", timed(reader_loop(layout, 16 * 1024))),
        ("cat files > /dev/null (from disk)", timed(cat, cold=model)),
        ("iter_range, 1 MiB chunks (from disk)", timed(stream, cold=model)),
    ]
    report("Virtual tar streaming", size, rows, rows[0][0])
    tracemalloc.start()
    reader_loop(layout, 16 * 1024)()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  peak Python memory while streaming {size / MIB:.0f} MiB: {peak / MIB:.1f} MiB")
    assert peak < 16 * MIB, "streaming must never hold the archive in memory"
    assert dict(rows)["iter_range, 1 MiB chunks (page cache)"] < 4 * rows[0][1]
