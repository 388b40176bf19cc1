"""A transfer killed with SIGKILL goes on from where it was, not from zero, on both flavours.

The first run is the real CLI in a subprocess, slowed by the test proxy so it is
mid-transfer when killed; the rerun happens in this process against the same
journal, and the proxies' request logs show what it sent again. On the
``bentocloud`` flavour part PUTs and presigned downloads go to the storage
endpoint's proxy (``flaky.storage``), so that is the link slowed or cut; API
calls (start, presign, complete) are on ``flaky.api``. On the default flavour
both names are one proxy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs
import pytest
import requests

from bentosync.core.cloud import CloudClient
from bentosync.core.cloud_errors import ServerError
from bentosync.core.manifest import compute_file_list
from bentosync.core.session import open_session
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.transfer import push as push_module
from bentosync.core.transfer import upload as upload_module
from bentosync.core.transfer.parts import plan_parts
from bentosync.core.transfer.progress import ChecksumState, ProgressSnapshot
from bentosync.core.transfer.pull import Puller
from bentosync.core.transfer.push import Pusher, PushResult, build_manifest
from bentosync.core.transfer.retrying import RetryPolicy
from bentosync.core.transfer.tarlayout import TarLayout
from interop.test_transfer_roundtrip import make_model, tree_snapshot
from support.faulty_proxy import Seen

if TYPE_CHECKING:
    from interop.conftest import FlakyCloud, Promises

PART = 5 * 1024 * 1024
BIG = 30 * 1024 * 1024
SLOW = 6 * 1024 * 1024  # bytes per second: a 5 MiB part takes most of a second


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


@pytest.fixture
def quick_retries(monkeypatch):
    """The engine's retry policies without their backoff, so an outage uses them up at once.

    The attempts stay as they are: only the waits between them shrink (seconds
    to minutes in production, where the network may come back).
    """
    quick = functools.partial(RetryPolicy, backoff=0.01)
    monkeypatch.setattr(push_module, "RetryPolicy", quick)
    monkeypatch.setattr(upload_module, "RetryPolicy", quick)


# ---- what the proxies saw ----------------------------------------------------------


def part_puts(seen: Sequence[Seen]) -> list[Seen]:
    return [s for s in seen if s.method == "PUT" and s.part is not None]


def api_calls(seen: Sequence[Seen], *names: str) -> list[Seen]:
    return [s for s in seen if s.path.startswith("/api/") and s.path.rsplit("/", 1)[1] in names]


def journaled_parts() -> dict[int, str]:
    """{part number: ETag} of the one multipart upload the journal holds."""
    return {number: etag for number, etag in query("SELECT part_number, etag FROM parts")}


def journaled_upload_id() -> str:
    ((upload_id,),) = query("SELECT upload_id FROM uploads")
    return str(upload_id)


def part_count(model: LocalModel) -> int:
    return plan_parts(TarLayout.from_folder(model.path).total_size, PART).count


def full_speed_from_here(flaky: FlakyCloud) -> tuple[int, int]:
    """Lift the throttle and let the last run's requests land: the point where the rerun starts.

    Returns ``(len(flaky.api.seen), len(flaky.storage.seen))`` at that point.
    """
    for proxy in flaky.proxies:
        proxy.bytes_per_second = None
    for proxy in flaky.proxies:
        proxy.wait_idle()
    return len(flaky.api.seen), len(flaky.storage.seen)


def assert_continued(
    flaky: FlakyCloud,
    api_before: int,
    storage_before: int,
    upload_id: str,
    journaled: set[int],
    total_parts: int,
) -> None:
    """The rerun went on with ``upload_id``: each missing part once, nothing started anew."""
    api = flaky.api.seen[api_before:]
    assert api_calls(api, "start_upload", "start_multipart_upload") == [], (
        "a resumed push continues the open upload; starting one voids it"
    )
    sent = part_puts(flaky.storage.seen[storage_before:])
    assert sent, "the rerun sent the parts that were missing"
    assert {s.part[0] for s in sent if s.part} == {upload_id}, "the same multipart upload"
    missing = set(range(1, total_parts + 1)) - journaled
    assert sorted(s.part_number for s in sent) == sorted(missing), (
        "exactly the parts not yet accepted, each once: none the journal holds"
    )
    # Each accepted at the first try (no URL refused as expired), on a URL presigned
    # for it in this run: one presign call per part sent, none kept from the last run.
    assert all(s.status == 200 for s in sent), [(s.part_number, s.status) for s in sent]
    assert len(api_calls(api, "presign_multipart_upload_url")) == len(sent)


def push_in_process(
    endpoint: str,
    token: str,
    home: Path,
    model: LocalModel,
    *,
    threads: int = 2,
    spy: Callable[[CloudClient], None] | None = None,
) -> tuple[PushResult, ProgressSnapshot]:
    with open_session(endpoint, token, home=home) as session:
        if spy is not None:
            spy(session.client)
        pusher = Pusher(
            session.client,
            session.store,
            str(model.tag),
            part_size=PART,
            threads=threads,
            journal=session.journal,
            hash_cache=session.hash_cache,
        )
        return pusher.run(), pusher.progress.snapshot()


def assert_pushed(result: PushResult, snapshot: ProgressSnapshot, promises: Promises) -> None:
    """Pushed, and vouched for as far as the flavour vouches: verified, or only recorded."""
    assert not result.skipped
    assert result.verified is promises.checks_uploads
    assert promises.push_words in result.message
    assert {f.checksum for f in snapshot.files} == {promises.push_checksum}


# ---- push --------------------------------------------------------------------------


def test_killed_multipart_push_resumes_without_resending_parts(flaky_cloud, homes, promises):
    flaky = flaky_cloud("multipart", bytes_per_second=SLOW)
    home, _ = homes
    model = make_model(home, "killed-push", big_bytes=BIG)
    proc = start_cli(
        ["push", str(model.tag), "--part-size", str(PART), "--threads", "1"],
        home,
        flaky.api.endpoint,
        flaky.server.token,
    )
    kill_when(proc, lambda: len(journaled_parts()) >= 2)
    journaled = set(journaled_parts())
    upload_id = journaled_upload_id()
    assert len(journaled) >= 2
    # Killed mid-upload: the parts the journal holds went to the storage's proxy.
    assert {s.part for s in part_puts(flaky.storage.seen) if s.status == 200} >= {
        (upload_id, n) for n in journaled
    }

    # The same endpoint (the journal is per endpoint), now at full speed.
    api_before, storage_before = full_speed_from_here(flaky)
    result, snapshot = push_in_process(flaky.api.endpoint, flaky.server.token, home, model)
    assert_pushed(result, snapshot, promises)
    assert_continued(flaky, api_before, storage_before, upload_id, journaled, part_count(model))
    assert query("SELECT * FROM uploads") == []  # the journal entry is gone when done


def test_push_cut_by_a_lasting_outage_resumes_on_the_next_run(
    flaky_cloud, homes, promises, quick_retries
):
    """The storage link goes down for good mid-upload: the push fails, the upload stays open.

    On the default flavour that link is the API's port, so every call fails; on
    ``bentocloud`` only the part PUTs do, and presigning still works.
    """
    flaky = flaky_cloud("multipart", bytes_per_second=8 * 1024 * 1024)
    home, _ = homes
    model = make_model(home, "outage", big_bytes=BIG)

    def outage_after_two_parts() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(journaled_parts()) >= 2:
                flaky.storage.fail_rate = 1.0  # every part PUT from now on gets a 503
                # Refused at full speed: each attempt costs milliseconds, not a slow body.
                flaky.storage.bytes_per_second = None
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=outage_after_two_parts, daemon=True)
    watcher.start()
    with open_session(flaky.api.endpoint, flaky.server.token, home=home) as session:
        pusher = Pusher(
            session.client,
            session.store,
            str(model.tag),
            part_size=PART,
            threads=1,
            journal=session.journal,
            hash_cache=session.hash_cache,
        )
        with pytest.raises(ServerError):
            pusher.run()
    watcher.join()
    journaled = set(journaled_parts())
    upload_id = journaled_upload_id()
    assert len(journaled) >= 2
    assert flaky.storage.outcomes("503"), "the outage cut part PUTs"

    flaky.storage.fail_rate = 0.0
    api_before, storage_before = full_speed_from_here(flaky)
    result, snapshot = push_in_process(flaky.api.endpoint, flaky.server.token, home, model)
    assert_pushed(result, snapshot, promises)
    assert_continued(flaky, api_before, storage_before, upload_id, journaled, part_count(model))
    assert query("SELECT * FROM uploads") == []


def test_a_resumed_upload_the_server_no_longer_has_starts_over(
    registry_factory, flavor, homes, promises
):
    """The journal names an upload the server reaped (or S3 aborted): 404, then a new upload.

    Without this, every rerun would try the dead upload again and fail the same way.
    """
    server = registry_factory(strategy="multipart", flavor=flavor)
    home, other = homes
    model = make_model(home, "reaped", big_bytes=12 * 1024 * 1024)
    layout = TarLayout.from_folder(model.path)
    gone = "reaped-" + hashlib.sha256(model.version.encode()).hexdigest()[:24]
    with open_session(server.endpoint, server.token, home=home) as session:
        client, journal = session.client, session.journal
        files = compute_file_list(model.path)
        client.create_repository(model.name)
        client.create_model(
            model.name,
            model.version,
            build_manifest(model, files),
            labels=model.labels,
            build_at=model.creation_time,
        )
        client.start_upload(model.name, model.version)  # uploading, as a killed push leaves it
        journal.start_upload(
            client.endpoint,
            model.name,
            model.version,
            upload_id=gone,
            part_size=plan_parts(layout.total_size, PART).part_size,
            archive_size=layout.total_size,
            layout_digest=layout.fingerprint,
        )
        journal.part_done(client.endpoint, model.name, model.version, gone, 1, '"0f00"')
    result, snapshot = push_in_process(server.endpoint, server.token, home, model)
    assert_pushed(result, snapshot, promises)
    assert snapshot.done_bytes == snapshot.total_bytes  # not counted twice, nor short
    assert journaled_parts() == {}  # the dead upload is forgotten, the new one done
    with open_session(server.endpoint, server.token, home=other) as session:
        pulled = Puller(session.client, session.store, str(model.tag)).run()
    assert pulled.verified and tree_snapshot(pulled.model.path) == tree_snapshot(model.path)


def quoted_md5(data: bytes) -> str:
    return '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'


def storage_refusal(url: str) -> tuple[int, str]:
    """PUT nothing to a presigned part URL, with no credentials, as a client would."""
    resp = requests.put(url, data=b"", timeout=10)
    return resp.status_code, resp.text


@pytest.mark.parametrize("flavor", ["bentocloud"])
def test_resume_after_the_presigned_urls_expired(flaky_cloud, homes, promises):
    """BentoCloud keeps the parts, not the URLs: a rerun presigns afresh and completes.

    The first run's URLs are dead by the rerun (the server's own answer says
    so), S3 wants each part's ETag back exactly, quotes included, and the
    result must pull verified file by file.
    """
    flaky = flaky_cloud("multipart", extra_args=("--presign-expiry", "2"), bytes_per_second=SLOW)
    home_a, home_b = homes
    model = make_model(home_a, "expired-urls", big_bytes=BIG)
    proc = start_cli(
        ["push", str(model.tag), "--part-size", str(PART), "--threads", "1"],
        home_a,
        flaky.api.endpoint,
        flaky.server.token,
    )
    kill_when(proc, lambda: len(journaled_parts()) >= 2)
    journal = journaled_parts()
    upload_id = journaled_upload_id()
    layout = TarLayout.from_folder(model.path)
    plan = plan_parts(layout.total_size, PART)
    expected = {n: quoted_md5(layout.read_range(*plan.span(n))) for n in range(1, plan.count + 1)}
    # What S3 answered, kept as it came: the quoted MD5 of the part's bytes.
    assert journal == {n: expected[n] for n in journal}

    # A URL signed now, for an upload that does not exist, is valid (the storage
    # gets as far as the upload id); once it is refused as expired, so is every
    # URL the killed run was given, since all of them were signed before it.
    with open_session(flaky.server.endpoint, flaky.server.token, home=home_a) as session:
        probe = session.client.presign_multipart_upload_url(
            model.name, model.version, "no-such-upload", 1
        )
    status, body = storage_refusal(probe)
    assert (status, "NoSuchUpload" in body) == (404, True), body
    deadline = time.monotonic() + 15
    while (status, "Request has expired" in body) != (403, True):
        assert time.monotonic() < deadline, f"the URL never expired: {status} {body}"
        time.sleep(0.25)
        status, body = storage_refusal(probe)

    api_before, storage_before = full_speed_from_here(flaky)
    completions: list[tuple[str, list[tuple[int, str]]]] = []

    def record_completion(client: CloudClient) -> None:
        original = client.complete_multipart_upload

        def complete(name, version, upload, parts):
            parts = list(parts)
            completions.append((upload, sorted(parts)))
            return original(name, version, upload, parts)

        client.complete_multipart_upload = complete

    result, snapshot = push_in_process(
        flaky.api.endpoint, flaky.server.token, home_a, model, spy=record_completion
    )
    assert_pushed(result, snapshot, promises)
    assert_continued(flaky, api_before, storage_before, upload_id, set(journal), plan.count)
    # Completed once, listing every part with the ETag the storage gave it:
    # the journal's for the parts of the killed run, verbatim.
    assert completions == [(upload_id, sorted(expected.items()))]
    assert query("SELECT * FROM uploads") == []

    with open_session(flaky.api.endpoint, flaky.server.token, home=home_b) as session:
        puller = Puller(session.client, session.store, str(model.tag), journal=session.journal)
        pulled = puller.run()
        files = puller.progress.snapshot().files
    assert pulled.verified and "every file verified" in pulled.message
    assert files and {f.checksum for f in files} == {ChecksumState.VERIFIED}
    assert pulled.model is not None
    assert tree_snapshot(pulled.model.path) == tree_snapshot(model.path)


# ---- pull --------------------------------------------------------------------------


def archive_gets(seen: Sequence[Seen]) -> list[Seen]:
    """GETs of the archive: the API's proxy download, or a presigned URL (not an API call)."""
    return [
        s
        for s in seen
        if s.method == "GET" and (s.path.endswith("/download") or not s.path.startswith("/api/"))
    ]


@pytest.mark.parametrize("strategy", ["proxy", "presigned"])
def test_killed_pull_resumes_with_range(flaky_cloud, homes, strategy):
    """Presigned: on ``bentocloud`` the ranges go to the S3-rules storage, without the token."""
    flaky = flaky_cloud(strategy)
    home_a, home_b = homes
    model = make_model(home_a, "killed-pull", big_bytes=BIG)
    with open_session(flaky.api.endpoint, flaky.server.token, home=home_a) as session:
        Pusher(session.client, session.store, str(model.tag), part_size=PART).run()

    for proxy in flaky.proxies:
        proxy.bytes_per_second = SLOW
    proc = start_cli(["pull", str(model.tag)], home_b, flaky.api.endpoint, flaky.server.token)

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

    full_speed_from_here(flaky)
    befores = [len(proxy.seen) for proxy in flaky.proxies]
    with open_session(flaky.api.endpoint, flaky.server.token, home=home_b) as session:
        result = Puller(
            session.client, session.store, str(model.tag), journal=session.journal
        ).run()
    assert result.verified  # our checksums, checked by the pull on either flavour
    assert tree_snapshot(result.model.path) == tree_snapshot(model.path)
    downloads = [
        s
        for proxy, before in zip(flaky.proxies, befores, strict=True)
        for s in archive_gets(proxy.seen[before:])
    ]
    # The member's headers again (a few hundred bytes), then only what is not on disk.
    assert [s.range for s in downloads] == [
        f"bytes={current['header_offset']}-",
        f"bytes={current['data_offset'] + current['written']}-",
    ]
    assert [s.status for s in downloads] == [206, 206]
    assert current["written"] >= 16 * 1024 * 1024
    assert not Path(staging).exists()
    assert query("SELECT * FROM downloads") == []


def test_killed_pull_of_many_small_files_resumes_after_the_last_checkpoint(flaky_cloud, homes):
    """3,000 small files: what the last checkpoint holds is kept, and only the rest is fetched.

    Checkpoints are written by time and volume, not per file, and each appends only the
    files finished since the last one (rows of their own, not the whole list again), so
    a kill loses at most the files since the last one.
    """
    flaky = flaky_cloud("proxy")
    home_a, home_b = homes
    source = home_a.parent / "many-source"
    for i in range(3000):
        folder = source / f"shard-{i // 500}" / f"group-{i // 50 % 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{i:05d}.json").write_bytes(hashlib.sha256(b"%d" % i).digest() * (8 + i % 64))
    model = LocalStore(home_a).create_from_folder(source, "killed-many")
    with open_session(flaky.api.endpoint, flaky.server.token, home=home_a) as session:
        Pusher(session.client, session.store, str(model.tag)).run()

    for proxy in flaky.proxies:
        proxy.bytes_per_second = 256 * 1024  # the archive is ~3.5 MiB: about 14 s
    proc = start_cli(["pull", str(model.tag)], home_b, flaky.api.endpoint, flaky.server.token)

    def finished_in_journal() -> int:
        rows = query("SELECT COUNT(*) FROM download_items WHERE list = 'done'")
        return int(rows[0][0]) if rows else 0

    def some_files_checkpointed() -> bool:
        return bool(query("SELECT checkpoint FROM downloads")) and finished_in_journal() >= 300

    kill_when(proc, some_files_checkpointed)
    checkpoint = json.loads(query("SELECT checkpoint FROM downloads")[0][0])["extractor"]
    assert "done" not in checkpoint  # the list is in its rows, not written whole each time
    kept = finished_in_journal()
    assert 300 <= kept < 3000

    full_speed_from_here(flaky)
    before = len(flaky.api.seen)
    with open_session(flaky.api.endpoint, flaky.server.token, home=home_b) as session:
        result = Puller(
            session.client, session.store, str(model.tag), journal=session.journal
        ).run()
    assert result.verified
    assert tree_snapshot(result.model.path) == tree_snapshot(model.path)
    ranges = [s.range for s in archive_gets(flaky.api.seen[before:])]
    resume_at = checkpoint["current"]["header_offset"] if checkpoint["current"] else None
    assert ranges == [f"bytes={resume_at or checkpoint['next_offset']}-"]
    assert query("SELECT * FROM downloads") == []
    assert query("SELECT * FROM download_items") == []


def test_a_checkpoint_for_another_upload_is_not_reused(cloud, homes):
    """A version re-pushed with --force is another archive: start over, never splice."""
    home_a, home_b = homes
    model = make_model(home_a, "replaced", big_bytes=3 * 1024 * 1024)
    with open_session(cloud.endpoint, cloud.token, home=home_a) as session:
        Pusher(session.client, session.store, str(model.tag)).run()
    with open_session(cloud.endpoint, cloud.token, home=home_b) as session:
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
