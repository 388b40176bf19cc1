"""A model larger than the machine's page cache: push and pull stay streaming and small.

Run with ``make bench``. The model is ``BENTOSYNC_BENCH_HUGE_GIB`` GiB (by default
a quarter more than the machine's RAM, so no part of the archive can still be
cached when it is read again), in four files, the largest over S3's 5 GiB limit
for one PUT. It is pushed with the multipart strategy (the part size adapts to
the archive so that it needs at most 10,000 parts of at least 5 MiB, as S3
requires: ``core/transfer/parts.py``), then the local copy is deleted and the
model pulled back and verified as a whole. The registry is the default flavour:
the ``bentocloud`` flavour's storage endpoint is a rule-checking stand-in for
S3 that spends about 4 CPU seconds a GiB on its own bookkeeping, which on two
shared cores would measure it rather than the client.

Measured: wall time, MB/s and peak RSS of each BentoSync process, next to a
plain ``cp`` of the smallest shard on the same disk in the same run (the disk's
own rate, which a pull's writes cannot beat). Target: peak RSS under 300 MB, whatever the size.

The disk must hold the model twice (the local store and the registry's copy;
the pull happens after the local copy is deleted) plus 5 GiB; with less free
space the bench says how much it needs and is skipped.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bentosync.core.store import LocalStore

GIB = 1024**3
MIB = 1024**2
RSS_LIMIT = 300 * MIB


def _ram_bytes() -> int:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


SIZE_GIB = int(os.environ.get("BENTOSYNC_BENCH_HUGE_GIB", "0")) or math.ceil(
    _ram_bytes() * 1.25 / GIB
)


def make_huge_source(folder: Path, total: int) -> None:
    """Four incompressible files: 40 %, 30 %, 20 % and the rest of ``total``."""
    folder.mkdir(parents=True)
    block = os.urandom(16 * MIB)
    sizes = [total * 4 // 10, total * 3 // 10, total * 2 // 10]
    sizes.append(total - sum(sizes))
    for n, size in enumerate(sizes):
        with open(folder / f"model-{n + 1:05d}-of-00004.safetensors", "wb") as out:
            written = 0
            while written < size:
                turn = (written // len(block)) % len(block)
                piece = (block[turn:] + block[:turn])[: size - written]
                out.write(piece)
                written += len(piece)
    (folder / "config.json").write_text('{"architectures": ["Huge"]}\n')


def run(argv: list[str], env: dict[str, str], result: Path) -> tuple[float, int]:
    launcher = [sys.executable, str(Path(__file__).with_name("peak.py")), str(result)]
    proc = subprocess.run(launcher + argv, env=env, capture_output=True, check=False)
    if proc.returncode != 0:
        raise AssertionError(f"{argv[:4]} failed: {proc.stderr.decode()[-2000:]}")
    measured = json.loads(result.read_text())
    return measured["seconds"], measured["peak_rss"]


@pytest.mark.timeout(3 * 3600)  # tens of GiB written three times: far past the suite's limit
def test_model_larger_than_the_page_cache(registry_factory, tmp_path):
    size = SIZE_GIB * GIB
    free = shutil.disk_usage(tmp_path).free
    needed = 2 * size + 5 * GIB
    if free < needed:
        pytest.skip(
            f"A {SIZE_GIB} GiB model needs {needed / GIB:.0f} GiB of free disk, "
            f"{free / GIB:.0f} GiB are free; set BENTOSYNC_BENCH_HUGE_GIB lower."
        )
    server = registry_factory(strategy="multipart")
    source = tmp_path / "source"
    started = time.monotonic()
    make_huge_source(source, size)
    made = time.monotonic() - started
    smallest = min(source.glob("*.safetensors"), key=lambda p: p.stat().st_size)
    os.sync()
    started = time.monotonic()
    subprocess.run(["cp", str(smallest), str(tmp_path / "copy.bin")], check=True)
    os.sync()
    copied = smallest.stat().st_size
    copy_rate = copied / (time.monotonic() - started) / 1e6
    (tmp_path / "copy.bin").unlink()

    home = tmp_path / "home"
    tag = str(LocalStore(home).create_from_folder(source, "huge").tag)
    shutil.rmtree(source)
    env = {
        **os.environ,
        "BENTO_CLOUD_API_KEY": server.token,
        "BENTO_CLOUD_API_ENDPOINT": server.endpoint,
        "BENTOML_HOME": str(home),
        "XDG_CACHE_HOME": str(tmp_path / "cold-cache"),
    }

    bentosync = [sys.executable, "-m", "bentosync"]
    os.sync()
    push_seconds, push_rss = run([*bentosync, "push", tag], env, tmp_path / "push.json")
    LocalStore(home).delete(tag)
    os.sync()
    pull_seconds, pull_rss = run([*bentosync, "pull", tag], env, tmp_path / "pull.json")
    pulled = LocalStore(home).get(tag)
    assert pulled.size_bytes >= size

    ram = _ram_bytes() / GIB
    print(
        f"\n== {SIZE_GIB} GiB model (RAM {ram:.0f} GiB), bentosync registry, multipart, "
        f"2 cores, loopback; made in {made:.0f} s =="
    )
    print(f"cp of a {copied / GIB:.1f} GiB file, synced: {copy_rate:.0f} MB/s")
    measured = (("push", push_seconds, push_rss), ("pull", pull_seconds, pull_rss))
    for action, seconds, rss in measured:
        rate = size / seconds / 1e6
        print(
            f"bentosync {action}: {seconds:7.1f} s {rate:6.0f} MB/s ({rate / copy_rate:.2f}x cp)  "
            f"peak RSS {rss / MIB:4.0f} MiB"
        )
    assert push_rss < RSS_LIMIT and pull_rss < RSS_LIMIT
