"""A verify is a job like a push or a pull: it retries its cloud call and feeds the hash cache."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from bentosync.application.jobs import (
    KIND_VERIFY,
    JobId,
    JobSpec,
    JobStatus,
    TransferJob,
    perform,
    run_job,
)
from bentosync.core.cloud import CloudClient
from bentosync.core.cloud_errors import ConnectionFailed
from bentosync.core.hashcache import HashCache
from bentosync.core.manifest import scan_files
from bentosync.core.session import Session, open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.verify import VerifyResult


class DropsTheFirstLookup(CloudClient):
    """A client whose first GET of a model record fails as a dropped connection would."""

    drops = 1

    def get_model(self, *args: Any, **kwargs: Any) -> Any:
        if self.drops:
            self.drops -= 1
            raise ConnectionFailed("Connection reset by peer.")
        return super().get_model(*args, **kwargs)


def pushed_model(cloud, home: Path) -> str:
    source = home.parent / "src"
    (source / "weights").mkdir(parents=True)
    (source / "weights" / "a.bin").write_bytes(b"a" * 70_000)
    (source / "config.json").write_text('{"k": 1}')
    tag = str(LocalStore(home).create_from_folder(source, "verified").tag)
    with open_session(cloud.endpoint, cloud.token, home=home) as session:
        session.pusher(tag).run()
    return tag


def session_on(cloud, home: Path, state: Path) -> Session:
    state.mkdir(exist_ok=True)
    return Session(
        client=DropsTheFirstLookup(cloud.endpoint, cloud.token),
        store=LocalStore(home),
        journal=Journal(state / "journal.sqlite"),
        hash_cache=HashCache(state / "hashes.sqlite"),
    )


def test_a_verify_retries_a_dropped_lookup_and_records_what_it_hashed(cloud, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    tag = pushed_model(cloud, home)
    session = session_on(cloud, home, tmp_path / "state")
    try:
        outcome = perform(session, JobSpec(JobId(1), KIND_VERIFY, tag))
        assert isinstance(session.client, DropsTheFirstLookup) and session.client.drops == 0
        assert outcome.status is JobStatus.DONE, outcome.message
        assert isinstance(outcome.result, VerifyResult) and outcome.result.ok
        files = scan_files(LocalStore(home).get(tag).path)
        assert set(session.hash_cache.get_many(files)) == {f.abspath for f in files}
    finally:
        session.close()


class CancelledMidCall(CloudClient):
    """The user cancels while the record is on its way; the connection then drops."""

    cancel: threading.Event

    def get_model(self, *args: Any, **kwargs: Any) -> Any:
        self.cancel.set()
        raise ConnectionFailed("Connection aborted.")


def test_an_error_after_a_cancel_is_a_cancel(cloud, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    tag = pushed_model(cloud, home)
    job = TransferJob(JobSpec(JobId(2), KIND_VERIFY, tag))

    def session() -> Session:
        client = CancelledMidCall(cloud.endpoint, cloud.token)
        client.cancel = job.cancel_event
        return Session(client=client, store=LocalStore(home), hash_cache=HashCache(tmp_path / "h"))

    run_job(job, session)  # never raises
    done = job.snapshot()
    assert (done.status, done.error) == (JobStatus.CANCELLED, "")
