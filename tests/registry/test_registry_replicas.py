"""Two registry processes on one PostgreSQL database: a push of one version through
each ends with one success and a clear error for the other, never a mixed record;
finish_upload through one waits for the archive check running in the other.

The replicas have data dirs of their own (one process per data dir, blobs.py);
an archive lives where the replica that stored it runs, so each test reads it
there. Sharing the archives themselves is the object-storage backend's part.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from registry_helpers import (
    Api,
    create_body,
    create_model,
    file_list,
    make_tar,
    model_files,
    push_proxy,
)
from registry_helpers import stored_list as checksums_of

from bentosync.core.archive import scan_tar_stream
from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import Catalog, ModelRecord
from bentosync.registry.config import RegistryConfig
from bentosync.registry.databases import open_database
from bentosync.registry.errors import BadRequest
from bentosync.registry.uploads import Uploads
from support.registry import RegistryServer, stored_archive

NAME, VERSION = "shared", "v1"


@pytest.fixture
def replicas(registry_factory, postgres_database: str) -> tuple[RegistryServer, RegistryServer]:
    """Two servers on one database, with the same API token (as replicas are deployed)."""
    first = registry_factory(database=postgres_database)
    second = registry_factory(database=postgres_database, token=first.token)
    return first, second


def archives() -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Two different pushes of one version: other names and bytes, the same total size
    (the record's manifest announces one size for both)."""
    one = model_files(NAME, VERSION, {"weights.bin": b"1" * 80_000, "one.txt": b"first"})
    two = model_files(NAME, VERSION, {"weights.bin": b"2" * 80_000, "two/cfg.txt": b"other"})
    return one, two


def put_archive(api: Api, files: dict[str, bytes] | Iterator[bytes]) -> requests.Response:
    body = make_tar(files) if isinstance(files, dict) else files
    return api.put(
        api.model(NAME, VERSION, "upload"),
        data=body,
        headers={"Content-Type": "application/octet-stream"},
    )


def assert_record_is(
    winner: RegistryServer, loser: RegistryServer, files: dict[str, bytes]
) -> None:
    """Success, the winner's file list, the winner's bytes, seen alike through both."""
    records = [Api(server).ok(Api(server).get(f"/model_repositories/{NAME}/models/{VERSION}"))
               for server in (winner, loser)]  # fmt: skip
    assert records[0] == records[1]
    record = records[0]
    assert record["upload_status"] == "success"
    assert checksums_of(record["manifest"]) == file_list(files)
    assert stored_archive(winner.data_dir, record["uid"]) == make_tar(files)
    assert stored_archive(loser.data_dir, record["uid"]) is None
    assert Api(winner).get(Api(winner).model(NAME, VERSION, "download")).content == make_tar(files)


def test_two_replicas_creating_one_version_let_one_in(replicas) -> None:
    apis = [Api(server) for server in replicas]
    files = model_files(NAME, VERSION)
    barrier = threading.Barrier(2)

    def create(api: Api) -> requests.Response:
        barrier.wait(10)
        # The repository may be created twice at once too: both go on with it.
        if api.get(f"/model_repositories/{NAME}").status_code == 404:
            api.post("/model_repositories", json={"name": NAME, "description": ""})
        return api.post(
            f"/model_repositories/{NAME}/models", json=create_body(VERSION, files, with_list=False)
        )

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(create, apis))
    assert sorted(r.status_code for r in responses) == [200, 409], [r.text for r in responses]
    refused = next(r for r in responses if r.status_code == 409)
    assert "already exists" in refused.text
    listed = apis[0].ok(apis[0].get(f"/model_repositories/{NAME}/models"))
    assert [item["version"] for item in listed["items"]] == [VERSION]


@pytest.mark.parametrize("round_", [1, 2, 3])
def test_two_pushes_of_one_version_through_two_replicas_end_with_one_success(
    replicas, round_: int
) -> None:
    """Both start_upload, then both send at the same moment: one archive wins."""
    pushes = archives()
    apis = [Api(server) for server in replicas]
    create_model(apis[0], NAME, VERSION, pushes[0], with_list=False)
    started = threading.Barrier(2)

    def push(index: int) -> requests.Response:
        api = apis[index]
        api.ok(api.patch(api.model(NAME, VERSION, "start_upload")))
        started.wait(10)
        return put_archive(api, pushes[index])

    with ThreadPoolExecutor(2) as pool:
        responses = list(pool.map(push, [0, 1]))
    statuses = [r.status_code for r in responses]
    assert sorted(statuses) == [200, 409], [r.text for r in responses]
    winner = statuses.index(200)
    assert "Another upload of shared:v1" in responses[1 - winner].text
    assert_record_is(replicas[winner], replicas[1 - winner], pushes[winner])


def test_an_upload_started_on_one_replica_is_voided_by_a_start_on_the_other(replicas) -> None:
    """A's archive is still arriving when B starts and finishes its own: A's is dropped."""
    (files_a, files_b), (a, b) = archives(), replicas
    api_a, api_b = Api(a), Api(b)
    create_model(api_a, NAME, VERSION, files_a, with_list=False)
    api_a.ok(api_a.patch(api_a.model(NAME, VERSION, "start_upload")))
    body = make_tar(files_a)
    half_sent, go_on = threading.Event(), threading.Event()

    def slow_body() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        half_sent.set()
        go_on.wait(20)
        yield body[len(body) // 2 :]

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(put_archive, api_a, slow_body())
        try:
            assert half_sent.wait(10)
            started = api_b.ok(api_b.patch(api_b.model(NAME, VERSION, "start_upload")))
            assert started["upload_status"] == "uploading"
            assert api_b.ok(put_archive(api_b, files_b))["upload_status"] == "success"
        finally:
            go_on.set()
        late = pending.result(timeout=30)
    assert late.status_code == 409 and "this one was dropped" in late.text, late.text
    assert_record_is(b, a, files_b)


def test_a_replica_starting_judges_only_the_archives_it_stored(registry_factory, postgres_database):
    a = registry_factory(database=postgres_database)
    api_a = Api(a)
    files = model_files(NAME, VERSION)
    assert push_proxy(api_a, NAME, VERSION, files).status_code == 200
    # b starts while a serves: a's archive is not in b's data dir, and that is no loss.
    b = registry_factory(database=postgres_database, token=a.token)
    api_b = Api(b)
    record = api_b.ok(api_b.get(f"/model_repositories/{NAME}/models/{VERSION}"))
    assert record["upload_status"] == "success", record
    # a itself still judges its own: with its archive gone, a restart marks it failed.
    a.stop()
    stored = stored_archive(a.data_dir, record["uid"])
    assert stored == make_tar(files)
    (a.data_dir / "blobs" / record["uid"]).unlink()
    a.start()
    after = api_b.ok(api_b.get(f"/model_repositories/{NAME}/models/{VERSION}"))
    assert after["upload_status"] == "failed" and "missing" in after["upload_finished_reason"]


# ---- an archive check in one process, finish_upload through the other -------------------


class Replica:
    """A registry's services in this process, on the shared database and its own data dir."""

    def __init__(self, url: str, data_dir: Path, finish_wait: float) -> None:
        data_dir.mkdir(parents=True)
        self.db = open_database(url)
        self.blobs = BlobStore(data_dir)
        self.catalog = Catalog(self.db)
        config = RegistryConfig(data_dir=data_dir, finish_wait=finish_wait)
        self.uploads = Uploads(self.db, self.catalog, self.blobs, config)

    def slow_check(self, model: ModelRecord, archive: bytes, release: threading.Event) -> None:
        """An archive job (as multipart completion submits) that ends when released."""

        def work() -> None:
            release.wait(10)
            tmp = self.blobs.new_tmp("test")
            tmp.write_bytes(archive)
            scan = scan_tar_stream(io.BytesIO(archive), capture=("model.yaml",))
            self.uploads.accept(model, model.upload_seq, tmp, scan, finalize=False)

        self.uploads.submit_job(model, work)

    def wait_idle(self, model_id: int) -> None:
        for _ in range(200):
            if not self.uploads.job_running(model_id):
                return
            threading.Event().wait(0.05)
        raise AssertionError("the archive job did not end")

    def close(self) -> None:
        self.uploads.close()
        self.db.close()
        self.blobs.close()


@pytest.fixture
def two(postgres_database: str, tmp_path: Path) -> Iterator[tuple[Replica, Replica]]:
    a = Replica(postgres_database, tmp_path / "a", finish_wait=0.3)
    b = Replica(postgres_database, tmp_path / "b", finish_wait=1.0)
    yield a, b
    a.close()
    b.close()


def new_model(replica: Replica, version: str) -> ModelRecord:
    repository = replica.catalog.create_repository(NAME, "", [])
    model = replica.catalog.create_model(
        repository,
        version,
        description="",
        labels=[],
        manifest={"module": "", "api_version": "v1", "bentoml_version": "1", "size_bytes": 0},
        build_at=datetime.now(timezone.utc),
        list_from_client=False,
    )
    return replica.uploads.start_upload(model)


def test_finish_through_another_replica_leaves_a_long_check_its_verdict(two) -> None:
    a, b = two
    model = new_model(a, "v1")
    archive, release = make_tar(model_files(NAME, "v1")), threading.Event()
    a.slow_check(model, archive, release)
    seen_by_b = b.catalog.get_model_by_id(model.id)
    assert seen_by_b is not None and b.uploads.checked_elsewhere(seen_by_b)
    assert not a.uploads.checked_elsewhere(seen_by_b)  # its own check is a job, not a mark
    answered = b.uploads.finish(seen_by_b, "success", "")
    # Not "failed: no archive": the check is running, in the other process.
    assert answered.upload_status == "uploading" and answered.finish_requested
    release.set()
    a.wait_idle(model.id)
    done = b.catalog.get_model_by_id(model.id)
    assert done is not None and done.upload_status == "success"
    assert done.check_owner is None and done.check_started_at is None
    assert a.blobs.blob_path(model.uid).read_bytes() == archive


def test_finish_through_another_replica_waits_for_a_short_check(two) -> None:
    a, b = two
    model = new_model(a, "v2")
    archive, release = make_tar(model_files(NAME, "v2")), threading.Event()
    a.slow_check(model, archive, release)
    threading.Timer(0.2, release.set).start()
    answered = b.uploads.finish(model, "success", "")  # waits up to finish_wait (1 s)
    assert answered.upload_status == "success" and not answered.finish_requested


def test_a_new_upload_does_not_wait_for_the_voided_upload_s_check(two) -> None:
    a, b = two
    model = new_model(a, "v3")
    release = threading.Event()
    a.slow_check(model, make_tar(model_files(NAME, "v3")), release)
    restarted = b.uploads.start_upload(model)  # voids a's upload, and its check
    assert not b.uploads.checked_elsewhere(restarted)
    with pytest.raises(BadRequest, match="no complete archive"):
        b.uploads.finish(restarted, "success", "")  # at once, not after finish_wait
    release.set()
    a.wait_idle(model.id)
    after = b.catalog.get_model_by_id(model.id)
    assert after is not None and after.upload_status == "failed" and not after.blob_ready
