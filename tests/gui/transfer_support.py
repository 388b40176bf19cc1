"""Helpers for transfer tests: models on disk, a slowed-down client, a signal recorder."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bentosync.application.jobs import JobId, JobSnapshot
from bentosync.core.cloud import CloudClient
from bentosync.core.hashcache import HashCache
from bentosync.core.session import Session
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.transfer.journal import Journal
from bentosync.gui.workers.transfer_manager import TransferManager

MIB = 1024 * 1024


def make_model(
    home: Path, name: str, sizes: dict[str, int], seed: int = 1, labels: dict | None = None
) -> LocalModel:
    """A model in ``home`` whose files have the given sizes (random, incompressible bytes)."""
    rng = random.Random(seed)
    source = home.parent / f"src-{name}-{seed}"
    for rel, size in sizes.items():
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(size))
    return LocalStore(home).create_from_folder(source, name, labels=labels)


def _slow_body(body: Any, chunk: int, delay: float) -> Iterator[bytes]:
    if isinstance(body, bytes | bytearray):
        body = iter([bytes(body)])
    read = getattr(body, "read", None)
    if read is not None:
        while True:
            data = read(chunk)
            if not data:
                return
            time.sleep(delay)
            yield data
    else:
        for data in body:
            time.sleep(delay)
            yield data


class ThrottledClient(CloudClient):
    """A real client whose bodies move ``chunk`` bytes per ``delay`` seconds.

    Loopback moves a test model in milliseconds; cancelling "while it runs" and
    counting updates per second need a transfer that lasts.
    """

    chunk = 256 * 1024
    delay = 0.02

    def put_stream(self, url: str, body: Any, length: int, **kwargs: Any) -> Any:
        return super().put_stream(url, _slow_body(body, self.chunk, self.delay), length, **kwargs)

    def get_stream(self, url_or_path: str, **kwargs: Any) -> Any:
        resp = super().get_stream(url_or_path, **kwargs)
        original = resp.iter_content
        chunk, delay = self.chunk, self.delay

        def iter_content(chunk_size: int = 1, decode_unicode: bool = False) -> Iterator[bytes]:
            for block in original(min(chunk_size, chunk), decode_unicode):
                time.sleep(delay)
                yield block

        resp.iter_content = iter_content
        return resp


def session_factory(
    endpoint: str, token: str, home: Path, *, client_class: type[CloudClient] = CloudClient
) -> Callable[[], Session]:
    """Sessions on ``home`` with their own journal and hash cache under it."""

    def factory() -> Session:
        state = home.parent / f"state-{home.name}"
        state.mkdir(exist_ok=True)
        return Session(
            client=client_class(endpoint, token, pool_size=16),
            store=LocalStore(home),
            journal=Journal(state / "journal.sqlite"),
            hash_cache=HashCache(state / "hashes.sqlite"),
        )

    return factory


class Recorder:
    """Every snapshot a manager emits, per job, with the time it arrived."""

    def __init__(self, manager: TransferManager) -> None:
        self.updates: dict[int, list[tuple[float, JobSnapshot]]] = defaultdict(list)
        self.emissions: dict[int, list[float]] = defaultdict(list)
        self.finished: dict[int, JobSnapshot] = {}
        self.added: dict[int, JobSnapshot] = {}
        manager.job_added.connect(self._added)
        manager.jobs_updated.connect(self._updated)
        manager.job_finished.connect(self._finished)

    def _added(self, snapshot: JobSnapshot) -> None:
        self.added[snapshot.job_id] = snapshot
        self.emissions[snapshot.job_id].append(time.monotonic())

    def _updated(self, snapshots: list[JobSnapshot]) -> None:
        now = time.monotonic()
        for snapshot in snapshots:
            self.updates[snapshot.job_id].append((now, snapshot))
            self.emissions[snapshot.job_id].append(now)

    def _finished(self, snapshot: JobSnapshot) -> None:
        self.finished[snapshot.job_id] = snapshot
        self.emissions[snapshot.job_id].append(time.monotonic())

    def snapshots(self, job_id: JobId) -> list[JobSnapshot]:
        found = [snap for _, snap in self.updates[job_id]]
        if job_id in self.finished:
            found.append(self.finished[job_id])
        return found

    def rate(self, job_id: JobId) -> tuple[int, float]:
        """(emissions, seconds between the first and the last) for one job."""
        times = self.emissions[job_id]
        return len(times), (times[-1] - times[0]) if len(times) > 1 else 0.0

    def wait(self, qtbot: Any, job_id: JobId, timeout: int = 60_000) -> JobSnapshot:
        qtbot.waitUntil(lambda: job_id in self.finished, timeout=timeout)
        return self.finished[job_id]


def staging_leftovers(home: Path) -> list[Path]:
    tmp = home / "tmp"
    return sorted(tmp.iterdir()) if tmp.is_dir() else []
