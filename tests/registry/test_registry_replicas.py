"""Two registry processes on one PostgreSQL database: a push of one version through
each ends with one success and a clear error for the other, never a mixed record.

The replicas have data dirs of their own (one process per data dir, blobs.py);
an archive lives where the replica that stored it runs, so each test reads it
there. Sharing the archives themselves is the object-storage backend's part.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from registry_helpers import Api, create_body, create_model, file_list, make_tar, model_files
from registry_helpers import stored_list as checksums_of

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
