"""A transfer killed with SIGKILL goes on from where it was, not from zero.

The first run is the real CLI in a subprocess, slowed by the test proxy so it is
mid-transfer when killed; the rerun happens in this process against the same
journal, and the proxy's request log shows what it sent again.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import platformdirs
import pytest

from bentosync.core.cloud_errors import ServerError
from bentosync.core.session import open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.pull import Puller
from bentosync.core.transfer.push import Pusher
from bentosync.core.transfer.retrying import RetryPolicy
from bentosync.core.transfer.tarlayout import TarLayout
from interop.test_transfer_roundtrip import make_model, tree_snapshot

PART = 5 * 1024 * 1024
BIG = 30 * 1024 * 1024


def journal_path() -> Path:
    return Path(platformdirs.user_state_dir("bentosync")) / "journal.sqlite"


def query(sql: str) -> list[tuple]:
    path = journal_path()
    if not path.exists():
        return []
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return db.execute(sql).fetchall()
    except sqlite3.OperationalError:
        return []  # tables not created yet


def start_cli(args: list[str], home: Path, endpoint: str, token: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "BENTOML_HOME": str(home),
        "BENTO_CLOUD_API_KEY": token,
        "BENTO_CLOUD_API_ENDPOINT": endpoint,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bentosync", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when(proc: subprocess.Popen, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"the transfer ended (exit {proc.returncode}) before it was killed")
            if ready():
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
                return
            time.sleep(0.05)
        pytest.fail("the transfer never reached the point to kill it")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


@pytest.fixture
def homes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    return a, b


def test_killed_multipart_push_resumes_without_resending_parts(
    registry_factory, faulty_proxy, homes
):
    server = registry_factory(strategy="multipart")
    slow = faulty_proxy(server, bytes_per_second=6 * 1024 * 1024)
    home, _ = homes
    model = make_model(home, "killed-push", big_bytes=BIG)
    proc = start_cli(
        ["push", str(model.tag), "--part-size", str(PART), "--threads", "1"],
        home,
        slow.endpoint,
        server.token,
    )
    kill_when(proc, lambda: len(query("SELECT part_number FROM parts")) >= 2)
    journaled = {n for (n,) in query("SELECT part_number FROM parts")}
    (upload_id,) = query("SELECT upload_id FROM uploads")[0]
    assert len(journaled) >= 2

    # The same endpoint (the journal is per endpoint), now at full speed.
    slow.bytes_per_second = None
    before = len(slow.seen)
    total_parts = -(-TarLayout.from_folder(model.path).total_size // PART)
    with open_session(slow.endpoint, server.token, home=home) as session:
        result = Pusher(
            session.client,
            session.store,
            str(model.tag),
            part_size=PART,
            threads=2,
            journal=session.journal,
            hash_cache=session.hash_cache,
        ).run()
    assert result.verified and not result.skipped
    rerun = slow.seen[before:]
    sent_again = [s for s in rerun if s.method == "PUT" and f"/{upload_id}/" in s.path]
    sent_numbers = {int(s.path.rsplit("/", 1)[1]) for s in sent_again}
    assert sent_numbers, "the rerun continued the same multipart upload"
    assert sent_numbers.isdisjoint(journaled), "finished parts must not be sent again"
    assert sent_numbers | journaled == set(range(1, total_parts + 1))
    assert query("SELECT * FROM uploads") == []  # the journal entry is gone when done


def test_killed_pull_resumes_with_range(registry_factory, faulty_proxy, homes):
    server = registry_factory(strategy="proxy")
    home_a, home_b = homes
    model = make_model(home_a, "killed-pull", big_bytes=BIG)
    with open_session(server.endpoint, server.token, home=home_a) as session:
        Pusher(session.client, session.store, str(model.tag), part_size=PART).run()

    slow = faulty_proxy(server, bytes_per_second=6 * 1024 * 1024)
    proc = start_cli(["pull", str(model.tag)], home_b, slow.endpoint, server.token)

    def mid_file() -> bool:
        rows = query("SELECT checkpoint FROM downloads")
        if not rows:
            return False
        current = json.loads(rows[0][0])["extractor"].get("current") or {}
        return current.get("written", 0) > 0

    kill_when(proc, mid_file)
    (staging, raw) = query("SELECT staging, checkpoint FROM downloads")[0]
    current = json.loads(raw)["extractor"]["current"]
    assert current["path"] == "weights/big.bin"
    assert Path(staging).is_dir()
    store = LocalStore(home_b)
    assert not (store.models_dir / "killed-pull").exists()

    slow.bytes_per_second = None
    before = len(slow.seen)
    with open_session(slow.endpoint, server.token, home=home_b) as session:
        result = Puller(
            session.client, session.store, str(model.tag), journal=session.journal
        ).run()
    assert result.verified
    assert tree_snapshot(result.model.path) == tree_snapshot(model.path)
    downloads = [s for s in slow.seen[before:] if s.path.endswith("/download")]
    # The member's headers again (a few hundred bytes), then only what is not on disk.
    assert [s.range for s in downloads] == [
        f"bytes={current['header_offset']}-",
        f"bytes={current['data_offset'] + current['written']}-",
    ]
    assert current["written"] >= 16 * 1024 * 1024
    assert not Path(staging).exists()
    assert query("SELECT * FROM downloads") == []


def test_a_checkpoint_for_another_upload_is_not_reused(registry, homes):
    """A version re-pushed with --force is another archive: start over, never splice."""
    home_a, home_b = homes
    model = make_model(home_a, "replaced", big_bytes=3 * 1024 * 1024)
    with open_session(registry.endpoint, registry.token, home=home_a) as session:
        Pusher(session.client, session.store, str(model.tag)).run()
    with open_session(registry.endpoint, registry.token, home=home_b) as session:
        stale = session.store.new_staging_dir()
        (stale / "weights").mkdir()
        (stale / "weights" / "big.bin").write_bytes(b"from another upload")
        session.journal.save_download(
            session.client.endpoint,
            model.name,
            model.version,
            staging=stale,
            archive_size=0,
            checkpoint={"identity": "an older upload", "extractor": {"next_offset": 999}},
        )
        result = Puller(
            session.client, session.store, str(model.tag), journal=session.journal
        ).run()
    assert result.verified
    assert not stale.exists()
    assert tree_snapshot(result.model.path) == tree_snapshot(model.path)


def test_push_cut_by_a_lasting_outage_resumes_on_the_next_run(
    registry_factory, faulty_proxy, homes
):
    server = registry_factory(strategy="multipart")
    proxy = faulty_proxy(server, bytes_per_second=8 * 1024 * 1024)
    home, _ = homes
    model = make_model(home, "outage", big_bytes=BIG)

    def outage_after_two_parts() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(query("SELECT part_number FROM parts")) >= 2:
                proxy.fail_rate = 1.0  # every request from now on gets a 503
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=outage_after_two_parts, daemon=True)
    watcher.start()
    with open_session(proxy.endpoint, server.token, home=home) as session:
        pusher = Pusher(
            session.client,
            session.store,
            str(model.tag),
            part_size=PART,
            threads=1,
            journal=session.journal,
            hash_cache=session.hash_cache,
        )
        pusher.call = RetryPolicy(pusher.cancel, backoff=0.01).call  # keep the test quick
        with pytest.raises(ServerError):
            pusher.run()
        watcher.join()
        journaled = {n for (n,) in query("SELECT part_number FROM parts")}
        assert len(journaled) >= 2
        proxy.fail_rate = 0.0
        proxy.bytes_per_second = None
        before = len(proxy.seen)
        result = Pusher(
            session.client,
            session.store,
            str(model.tag),
            part_size=PART,
            threads=2,
            journal=session.journal,
            hash_cache=session.hash_cache,
        ).run()
    assert result.verified
    rerun = proxy.seen[before:]
    assert not any(s.path.endswith("/start_upload") for s in rerun)
    sent = {int(s.path.rsplit("/", 1)[1]) for s in rerun if s.method == "PUT"}
    assert sent and sent.isdisjoint(journaled)
