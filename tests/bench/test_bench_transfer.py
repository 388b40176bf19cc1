"""Push and pull of a 1 GiB model: BentoSync against the official CLI, side by side.

Same machine, same registry, same strategy, same bytes (two versions made from
one folder), in one run. Each client runs as its own process, so wall time and
peak RSS (from ``wait4``) are measured the same way for both. BentoSync starts
with a cold hash cache: its push includes hashing every byte.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bentosync.core.store import LocalStore

SIZE = 1024**3
MiB = 1024 * 1024


def make_source(folder: Path) -> None:
    """Several files, one over 600 MB, incompressible."""
    folder.mkdir(parents=True)
    sizes = {"weights/model-00001.bin": 640 * MiB, "weights/model-00002.bin": 300 * MiB}
    sizes["tokenizer/vocab.bin"] = SIZE - sum(sizes.values()) - 3 * MiB
    sizes["config/small.json"] = 3 * MiB
    block = os.urandom(MiB)
    for rel, size in sizes.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            for i in range(size // MiB):
                handle.write(block[i % 7 :] + block[: i % 7])  # distinct blocks
            handle.write(block[: size % MiB])


def run(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.monotonic() - started
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise AssertionError(f"{argv[:3]} failed: {stderr[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024


@pytest.mark.parametrize("strategy", ["proxy", "multipart"])
def test_push_pull_against_official(official, registry_factory, tmp_path, strategy):
    server = registry_factory(strategy=strategy)
    source = tmp_path / "source"
    make_source(source)
    homes = {k: tmp_path / k for k in ("push", "pull-official", "pull-ours")}
    for home in homes.values():
        home.mkdir()
    store = LocalStore(homes["push"])
    theirs = store.create_from_folder(source, "bench-official")
    ours = store.create_from_folder(source, "bench-ours")
    shutil.rmtree(source)
    base = {
        **os.environ,
        "BENTO_CLOUD_API_KEY": server.token,
        "BENTO_CLOUD_API_ENDPOINT": server.endpoint,
    }
    cache = tmp_path / "cold-cache"

    def env(home: Path) -> dict[str, str]:
        return {
            **official.env(home),
            **base,
            "BENTOML_HOME": str(home),
            "XDG_CACHE_HOME": str(cache),
        }

    bentosync = [sys.executable, "-m", "bentosync"]
    results = {
        "official push": run(
            [str(official.cli), "models", "push", str(theirs.tag)], env(homes["push"])
        ),
        "bentosync push": run([*bentosync, "push", str(ours.tag)], env(homes["push"])),
        "official pull": run(
            [str(official.cli), "models", "pull", str(theirs.tag)], env(homes["pull-official"])
        ),
        "bentosync pull": run([*bentosync, "pull", str(ours.tag)], env(homes["pull-ours"])),
    }
    size_mb = ours.size_bytes / 1e6
    print(f"\n== {strategy}: {ours.size_bytes / MiB:.0f} MiB model, 2 cores, loopback ==")
    for name, (seconds, rss) in results.items():
        print(
            f"{name:15} {seconds:7.2f} s  {size_mb / seconds:8.1f} MB/s  "
            f"peak RSS {rss / MiB:6.0f} MiB"
        )
    push_ratio = results["official push"][0] / results["bentosync push"][0]
    pull_ratio = results["official pull"][0] / results["bentosync pull"][0]
    print(f"push: BentoSync {push_ratio:.2f}x the official client; pull: {pull_ratio:.2f}x")
    assert LocalStore(homes["pull-ours"]).get(str(ours.tag)).size_bytes == ours.size_bytes
    assert results["bentosync push"][1] < 300 * MiB
    assert results["bentosync pull"][1] < 300 * MiB
