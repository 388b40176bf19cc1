"""The team registry under load: four clients at once, one replica against two.

Run with ``make bench``. Four BentoSync CLI processes push a model each
(``BENTOSYNC_BENCH_REPLICA_MB``, default 256 MiB, in 64 MiB files) at the same
time, then pull them into empty stores at the same time, through registries
on one PostgreSQL database and one S3 bucket (a moto server process): once
with all four on one replica, once with two on each of two replicas. For each
strategy it reports throughput (GiB moved / wall time) and the registry's CPU
per GiB (user + system seconds of the replica processes, read from /proc),
with the S3 server's CPU beside it.

On this 2-core machine two replicas cannot be faster than one when the cores
are already busy; the point is the other way round: that nothing in a replica
serialises the four clients (one lock, one connection, one checker thread),
which would show as one replica well below two.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bentosync.core.store import LocalStore
from support.procstat import cpu_seconds
from support.registry import RegistryServer
from support.trees import make_big_folder

MIB = 1024 * 1024
GIB = 1024 * MIB
MODEL_MB = int(os.environ.get("BENTOSYNC_BENCH_REPLICA_MB", "256"))
CLIENTS = 4
RESULTS: list[str] = []


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, str]]:
    """One home per client, each with a model of MODEL_MB (distinct bytes)."""
    root = tmp_path_factory.mktemp("bench-replicas")
    made = []
    for index in range(CLIENTS):
        folder = root / f"src-{index}"
        make_big_folder(folder, MODEL_MB * MIB, min(64, MODEL_MB) * MIB, seed=index + 1)
        home = root / f"home-{index}"
        home.mkdir()
        model = LocalStore(home).create_from_folder(folder, f"team-bench-{index}")
        shutil.rmtree(folder)
        made.append((home, str(model.tag)))
    return made


def run_clients(action: str, jobs: list[tuple[RegistryServer, Path, str]], cache: Path) -> float:
    """Every job's CLI at once; wall seconds until the last one ends."""

    def one(job: tuple[RegistryServer, Path, str]) -> None:
        server, home, tag = job
        env = {
            **os.environ,
            "BENTO_CLOUD_API_KEY": server.token,
            "BENTO_CLOUD_API_ENDPOINT": server.endpoint,
            "BENTOML_HOME": str(home),
            "XDG_CACHE_HOME": str(cache / home.name),
        }
        done = subprocess.run(
            [sys.executable, "-m", "bentosync", action, tag],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"{action} {tag} failed: {done.stderr.decode()[-2000:]}")

    os.sync()
    started = time.perf_counter()
    with ThreadPoolExecutor(len(jobs)) as pool:
        list(pool.map(one, jobs))
    return time.perf_counter() - started


@pytest.mark.parametrize("strategy", ["proxy", "multipart"])
def test_bench_one_replica_against_two(
    registry_factory, postgres_cluster, s3_server, sources, tmp_path, strategy
):
    moved = CLIENTS * MODEL_MB * MIB
    rows = {}
    for replicas in (1, 2):
        database = postgres_cluster.url(postgres_cluster.create_database())
        bucket = s3_server.bucket(f"bench-{secrets.token_hex(4)}")
        token = "bench-" + secrets.token_urlsafe(12)
        servers = [
            registry_factory(strategy=strategy, token=token, s3=bucket, database=database)
            for _ in range(replicas)
        ]
        pids = [server.process.pid for server in servers if server.process is not None]
        for phase in ("push", "pull"):
            jobs = []
            for index, (home, tag) in enumerate(sources):
                if phase == "pull":
                    home = tmp_path / f"pulled-{replicas}-{index}"
                    home.mkdir()
                jobs.append((servers[index * replicas // CLIENTS], home, tag))
            before = [cpu_seconds(pid) for pid in pids]
            moto_before = s3_server.cpu_seconds()
            wall = run_clients(phase, jobs, tmp_path / f"cache-{replicas}")
            registry_cpu = sum(cpu_seconds(p) - b for p, b in zip(pids, before, strict=True))
            moto_cpu = s3_server.cpu_seconds() - moto_before
            rows[replicas, phase] = (wall, registry_cpu, moto_cpu)
            if phase == "pull":
                for _server, home, _tag in jobs:
                    shutil.rmtree(home)
        for server in servers:
            server.stop()
    gib = moved / GIB
    lines = [
        f"== {CLIENTS} clients x {MODEL_MB} MiB, {strategy}, PostgreSQL + S3 (moto), "
        f"{os.cpu_count()} cores =="
    ]
    for phase in ("push", "pull"):
        for replicas in (1, 2):
            wall, registry_cpu, moto_cpu = rows[replicas, phase]
            lines.append(
                f"{phase} {replicas} replica{'s' if replicas > 1 else ' '}: {wall:6.2f} s "
                f"{gib / wall:5.2f} GiB/s  registry CPU {registry_cpu / gib:5.2f} s/GiB  "
                f"S3 server CPU {moto_cpu / gib:5.2f} s/GiB"
            )
        ratio = rows[1, phase][0] / rows[2, phase][0]
        lines.append(f"{phase}: two replicas move data {ratio:.2f}x as fast as one")
    RESULTS.extend(lines)
    print("\n" + "\n".join(lines))
