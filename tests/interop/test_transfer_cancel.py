"""Cancel is cooperative and cleans up what it started, on both sides, on both flavours.

The links are slowed with ``flaky_cloud`` so a transfer is mid-body when the
user cancels: on ``bentocloud`` the archive's bytes travel to and from the
storage endpoint (``flaky.storage``), on the default flavour through the API's
port (there ``storage is api``).
"""

from __future__ import annotations

import threading
import time

import pytest

from bentosync.core.errors import Cancelled
from bentosync.core.session import open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.progress import Phase
from bentosync.core.transfer.pull import Puller
from bentosync.core.transfer.push import Pusher
from interop.test_transfer_roundtrip import make_model

PART = 5 * 1024 * 1024


def cancel_when_moving(progress, cancel: threading.Event) -> threading.Thread:
    """Set ``cancel`` once some bytes have moved, like a user clicking Cancel."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not cancel.is_set():
            if progress.snapshot().done_bytes > 2 * 1024 * 1024:
                cancel.set()
            time.sleep(0.01)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("strategy", ["proxy", "multipart"])
def test_cancelled_push_is_marked_failed_on_the_server(flaky_cloud, tmp_path, strategy, promises):
    flaky = flaky_cloud(strategy, bytes_per_second=4 * 1024 * 1024)
    model = make_model(tmp_path / "home", "cancel-push", big_bytes=20 * 1024 * 1024)
    cancel = threading.Event()
    with open_session(flaky.api.endpoint, flaky.server.token, home=tmp_path / "home") as session:
        pusher = Pusher(
            session.client,
            session.store,
            str(model.tag),
            part_size=PART,
            threads=2,
            cancel=cancel,
            journal=session.journal,
        )
        watcher = cancel_when_moving(pusher.progress, cancel)
        with pytest.raises(Cancelled):
            pusher.run()
        watcher.join()
        assert pusher.progress.snapshot().phase is Phase.CANCELLED
        # Stopped mid-body, not after the bytes in flight were sent: the archive's
        # PUT (to the API or, presigned, to the storage) ended short.
        aborted = []
        for proxy in flaky.proxies:
            proxy.bytes_per_second = None
            proxy.wait_idle()
            aborted += [s for s in proxy.outcomes("aborted") if s.method == "PUT"]
        assert aborted
        remote = session.client.get_model(model.name, model.version)
        assert remote.upload_status != "success"
        if strategy == "multipart":
            # Told so by the client. (A proxy PUT cut short is the server's to judge;
            # this test proxy never forwards it, so that record stays "uploading".)
            assert remote.upload_status == "failed"
            assert remote.upload_finished_reason == "cancelled by the user"
        assert session.journal.upload(session.client.endpoint, model.name, model.version) is None
        # A later push starts cleanly and succeeds.
        again_pusher = Pusher(
            session.client, session.store, str(model.tag), part_size=PART, journal=session.journal
        )
        again = again_pusher.run()
    assert not again.skipped
    assert again.verified is promises.checks_uploads
    files = again_pusher.progress.snapshot().files
    assert {f.checksum for f in files} == {promises.push_checksum}


@pytest.mark.parametrize("strategy", ["proxy", "presigned"])
def test_cancelled_pull_leaves_no_staging_and_no_model(flaky_cloud, tmp_path, strategy):
    flaky = flaky_cloud(strategy)
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    model = make_model(home_a, "cancel-pull", big_bytes=20 * 1024 * 1024)
    with open_session(flaky.api.endpoint, flaky.server.token, home=home_a) as session:
        Pusher(session.client, session.store, str(model.tag)).run()
    for proxy in flaky.proxies:
        proxy.bytes_per_second = 4 * 1024 * 1024
    cancel = threading.Event()
    home_b.mkdir()
    with open_session(flaky.api.endpoint, flaky.server.token, home=home_b) as session:
        puller = Puller(
            session.client, session.store, str(model.tag), cancel=cancel, journal=session.journal
        )
        watcher = cancel_when_moving(puller.progress, cancel)
        with pytest.raises(Cancelled):
            puller.run()
        watcher.join()
        assert session.journal.download(session.client.endpoint, model.name, model.version) is None
    store = LocalStore(home_b)
    assert not (store.models_dir / "cancel-pull").exists()
    assert not store.tmp_dir.exists() or list(store.tmp_dir.iterdir()) == []


def test_a_network_error_after_cancel_counts_as_the_cancel(cloud, tmp_path, monkeypatch):
    """Aborting a request mid-body may surface as a connection error, not Cancelled."""
    from bentosync.core.cloud_errors import ConnectionFailed

    model = make_model(tmp_path / "home", "cancel-race", big_bytes=1024)
    cancel = threading.Event()
    with open_session(cloud.endpoint, cloud.token, home=tmp_path / "home") as session:
        pusher = Pusher(
            session.client, session.store, str(model.tag), cancel=cancel, journal=session.journal
        )

        def upload_aborted(*args, **kwargs):
            cancel.set()
            raise ConnectionFailed("connection aborted while sending")

        monkeypatch.setattr(session.client, "upload", upload_aborted)
        with pytest.raises(Cancelled):
            pusher.run()
        assert pusher.progress.snapshot().phase is Phase.CANCELLED
