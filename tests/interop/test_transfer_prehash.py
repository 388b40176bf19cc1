"""The CLI's push hashes while the cloud client loads; the push job uses that work."""

from __future__ import annotations

import threading

import pytest

from bentosync.core.cloud_errors import AuthError
from bentosync.core.errors import Cancelled
from bentosync.core.hashcache import HashCache
from bentosync.core.manifest import compute_file_list
from bentosync.core.session import open_session
from bentosync.core.transfer import prehash as prehash_module
from bentosync.core.transfer.prehash import Prehash, start_prehash
from bentosync.core.transfer.progress import ChecksumState
from bentosync.core.transfer.push import Pusher
from interop.test_transfer_roundtrip import make_model


def run_push(server, home, tag, prehash):
    with open_session(server.endpoint, server.token, home=home) as session:
        pusher = Pusher(session.client, session.store, tag, prehash=prehash)
        return pusher.run(), pusher.progress.snapshot()


def test_the_push_takes_the_early_hashes_and_hashes_nothing_again(registry, tmp_path, monkeypatch):
    model = make_model(tmp_path / "home", "early", big_bytes=3 * 1024 * 1024)
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path / "home"))
    with HashCache(tmp_path / "cache.db") as cache:
        early = start_prehash(str(model.tag), cache)
        assert early is not None and early.folder == model.path
        while not early.done():  # past its own call of hash_files
            threading.Event().wait(0.01)

        def hashed_again(*args, **kwargs):
            raise AssertionError("the push hashed the files a second time")

        monkeypatch.setattr(prehash_module, "hash_files", hashed_again)
        result, snap = run_push(registry, tmp_path / "home", str(model.tag), early)
    assert result.verified and not result.skipped
    assert {f.checksum for f in snap.files} == {ChecksumState.VERIFIED}
    assert len(snap.files) == len(compute_file_list(model.path))


def test_early_hashes_of_another_model_are_ignored(registry, tmp_path, monkeypatch):
    home = tmp_path / "home"
    one = make_model(home, "one", big_bytes=1024)
    other = make_model(home, "other", big_bytes=1024, seed=5)
    early = Prehash(other, None)
    result, _ = run_push(registry, home, str(one.tag), early)
    assert result.verified
    with open_session(registry.endpoint, registry.token, home=home) as session:
        remote = session.client.get_model("one", one.version)
    assert remote.file_list == compute_file_list(one.path)


def test_files_hashed_before_anyone_listened_are_reported(tmp_path):
    model = make_model(tmp_path / "home", "told", big_bytes=1024)
    early = Prehash(model, None)
    while not early.done():  # every file is hashed with nobody listening
        threading.Event().wait(0.01)
    heard: list[str] = []
    early.listen(lambda path, done, size: heard.append(path))
    files = early.result(threading.Event())
    assert sorted(heard) == [entry.path for entry in files]
    assert files == compute_file_list(model.path)


@pytest.mark.parametrize("late", [False, True])
def test_the_layout_is_heard_before_any_hashed_file(tmp_path, late):
    """The walk runs on the hashing thread; a listener learns the files before their hashes."""
    model = make_model(tmp_path / "home", "walked", big_bytes=1024)
    early = Prehash(model, None)
    if late:
        while not early.done():
            threading.Event().wait(0.01)
    events: list[str] = []
    early.listen(
        lambda path, done, size: events.append("hashed"),
        lambda layout: events.append(f"layout of {len(layout.files)}"),
    )
    files = early.result(threading.Event())
    assert events[0] == f"layout of {len(files)}"
    assert events.count("hashed") >= len(files) and "layout" not in "".join(events[1:])
    assert early.result_layout().total_size > 0


def test_cancelling_the_push_stops_the_early_hashing(tmp_path, monkeypatch):
    model = make_model(tmp_path / "home", "stopped", big_bytes=1024)

    def hash_until_cancelled(files, *, cancel, **kwargs):
        cancel.wait(30)
        raise Cancelled("Hashing was cancelled.")

    monkeypatch.setattr(prehash_module, "hash_files", hash_until_cancelled)
    early = Prehash(model, None)
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    with pytest.raises(Cancelled):
        early.result(cancel)
    assert early.cancel.is_set()


def test_no_early_hashing_for_a_tag_with_no_local_model(tmp_path, monkeypatch):
    monkeypatch.setenv("BENTOML_HOME", str(tmp_path))
    assert start_prehash("nothing:here", None) is None
    assert start_prehash("not a tag!", None) is None


def test_a_refused_token_shows_while_the_files_hash_and_stops_the_hashing(
    registry, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    model = make_model(home, "refused", big_bytes=1024)
    stopped = threading.Event()

    def hash_until_stopped(files, *, cancel, **kwargs):
        if not cancel.wait(30):
            raise AssertionError("the push asked the server only after hashing")
        stopped.set()
        raise Cancelled("Hashing was cancelled.")

    monkeypatch.setattr(prehash_module, "hash_files", hash_until_stopped)
    with open_session(registry.endpoint, "not-the-token", home=home) as session:
        pusher = Pusher(session.client, session.store, str(model.tag))
        with pytest.raises(AuthError, match="bentosync login"):
            pusher.run()
    assert stopped.is_set()  # run() returned only after the hashing let go of the files
    # The files were on show, being hashed, while the server was asked.
    shown = {(f.path, f.checksum) for f in pusher.progress.snapshot().files}
    assert shown == {(e.path, ChecksumState.HASHING) for e in compute_file_list(model.path)}


def test_the_hashes_are_handed_over_before_the_cache_is_written(tmp_path, monkeypatch):
    """The last cache write runs after ``result()`` (while a push uploads); ``stop()`` waits
    for it, so a push that returned has left every hash in the cache."""
    model = make_model(tmp_path / "home", "deferred", big_bytes=1024)
    writing = threading.Event()
    release = threading.Event()
    original = HashCache.put_many

    def slow_put_many(self, entries):
        writing.set()
        assert release.wait(10), "the write was never released"
        original(self, entries)

    monkeypatch.setattr(HashCache, "put_many", slow_put_many)
    with HashCache(tmp_path / "cache.db") as cache:
        early = Prehash(model, cache)
        files = early.result(threading.Event())
        assert writing.wait(10) and early.done()
        assert cache.get_many(early.result_layout().local_files()) == {}
        release.set()
        early.stop()
        cached = cache.get_many(early.result_layout().local_files())
    assert sorted(cached.values()) == sorted(entry.sha256 for entry in files)
