"""Archives in S3-compatible object storage (``--storage s3://...``), against a moto S3 server.

The registry talks to moto through boto3, as it talks to AWS or MinIO in
production. Presigned and multipart bytes go straight to the store (their URLs
name moto's host and port, and the registry's access log never sees them);
proxy uploads stream through without an archive on the registry's disk; the
bentosync flavour still checks every archive, reading objects back after
direct uploads; stale multipart uploads are aborted, by any number of
replicas at once.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import requests
from registry_helpers import (
    Api,
    begin_upload,
    create_body,
    create_model,
    cut_short,
    file_list,
    make_tar,
    model_files,
    push_proxy,
    put_part,
    start_multipart,
    stored_list,
    wait_for,
)

from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import Catalog
from bentosync.registry.config import RegistryConfig
from bentosync.registry.databases import open_database
from bentosync.registry.maintenance import abort_stale_s3_uploads
from bentosync.registry.storage import PendingUpload, parse_storage_url
from bentosync.registry.storage_s3 import S3Storage
from bentosync.registry.transfers_s3 import start_check
from bentosync.registry.uploads import Uploads
from support.s3 import S3Bucket

FLAVORS = ("bentosync", "bentocloud")
MiB = 1024 * 1024


def status_of(api: Api, name: str, version: str) -> dict:
    return api.ok(api.get(api.model(name, version)))


def finish(api: Api, name: str, version: str) -> requests.Response:
    return api.patch(
        api.model(name, version, "finish_upload"), json={"status": "success", "reason": ""}
    )


def netloc(url: str) -> str:
    return urlsplit(url).netloc


def archive_files(data_dir: Path) -> list[Path]:
    """Every file under the data dir except the database and the lock: archives would show."""
    skip = {"registry.db", "registry.db-wal", "registry.db-shm", "registry.lock"}
    return [p for p in data_dir.rglob("*") if p.is_file() and p.name not in skip]


def pending_uploads(bucket: S3Bucket) -> list[dict]:
    return bucket.client().list_multipart_uploads(Bucket=bucket.name).get("Uploads", [])


def body_bytes_received(server, path_part: str) -> list[str]:
    """Access-log lines of requests whose path holds ``path_part``."""
    return [line for line in server.log_text().splitlines() if path_part in line]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_presigned_put_and_get_go_straight_to_the_store(registry_factory, s3_bucket, flavor):
    server = registry_factory(strategy="presigned", flavor=flavor, s3=s3_bucket)
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(300_000)})
    archive = make_tar(files)
    created = create_model(api, "demo", "v1", files)
    url = api.ok(api.patch(api.model("demo", "v1", "presign_upload_url")))["presigned_upload_url"]
    moto = netloc(s3_bucket.server.endpoint)
    assert netloc(url) == moto and "X-Amz-Signature=" in url
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert requests.put(url, data=archive, timeout=30).status_code == 200
    finished = api.ok(finish(api, "demo", "v1"))
    assert finished["upload_status"] == "success"
    assert s3_bucket.object_key(created["uid"]) in s3_bucket.object_keys()
    got = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))
    download_url = got["presigned_download_url"]
    assert netloc(download_url) == moto
    assert requests.get(download_url, timeout=30).content == archive
    # No archive byte passed through the registry, nor rests on its disk.
    assert not body_bytes_received(server, "/blobs/")
    assert archive_files(server.data_dir) == []
    if flavor == "bentosync":
        # Read back and checked: the server vouches for the files.
        assert finished["archive_checked"] is True
        assert "Reading back the archive of demo:v1" in server.log_text()


@pytest.mark.parametrize("flavor", FLAVORS)
def test_multipart_upload_ids_and_part_urls_are_the_stores(registry_factory, s3_bucket, flavor):
    server = registry_factory(strategy="multipart", flavor=flavor, s3=s3_bucket)
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(6 * MiB)})
    archive = make_tar(files)
    upload_id = start_multipart(api, "demo", "v1", files)
    # S3's own upload id: the store knows it.
    assert [u["UploadId"] for u in pending_uploads(s3_bucket)] == [upload_id]
    chunks = [archive[: 5 * MiB], archive[5 * MiB :]]
    responses = [put_part(api, "demo", "v1", upload_id, n, c) for n, c in enumerate(chunks, 1)]
    assert all(r.status_code == 200 for r in responses)
    parts = [{"part_number": n, "etag": r.headers["ETag"]} for n, r in enumerate(responses, 1)]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    assert api.ok(finish(api, "demo", "v1"))["upload_status"] == "success"
    assert pending_uploads(s3_bucket) == []
    url = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))[
        "presigned_download_url"
    ]
    assert netloc(url) == netloc(s3_bucket.server.endpoint)
    assert requests.get(url, timeout=30).content == archive
    assert archive_files(server.data_dir) == []
    if flavor == "bentosync":
        assert stored_list(status_of(api, "demo", "v1")["manifest"]) == file_list(files)


def test_completion_with_a_wrong_etag_is_refused_by_the_store(registry_factory, s3_bucket):
    api = Api(registry_factory(strategy="multipart", flavor="bentocloud", s3=s3_bucket))
    files = model_files("demo", "v1")
    upload_id = start_multipart(api, "demo", "v1", files)
    assert put_part(api, "demo", "v1", upload_id, 1, make_tar(files)).status_code == 200
    body = {"upload_id": upload_id, "parts": [{"part_number": 1, "etag": '"0000"'}]}
    refused = api.patch(api.model("demo", "v1", "complete_multipart_upload"), json=body)
    assert refused.status_code == 400 and "InvalidPart" in refused.json()["error"]
    unknown = api.patch(
        api.model("demo", "v1", "complete_multipart_upload"),
        json={"upload_id": "nope", "parts": [{"part_number": 1, "etag": '"0000"'}]},
    )
    assert unknown.status_code == 404


@pytest.mark.parametrize("flavor", FLAVORS)
def test_proxy_upload_streams_to_the_store_without_a_local_archive(
    registry_factory, s3_bucket, flavor
):
    """20 MiB: three parts of a multipart upload, none of it on the registry's disk."""
    server = registry_factory(flavor=flavor, s3=s3_bucket)
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(20 * MiB)})
    archive = make_tar(files)
    seen: list[Path] = []
    stop = threading.Event()

    def watch() -> None:  # an archive written to disk, even briefly, would show here
        while not stop.is_set():
            seen.extend(p for p in archive_files(server.data_dir) if p not in seen)
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        response = push_proxy(api, "demo", "v1", files)
    finally:
        stop.set()
        watcher.join()
    assert response.status_code == 200, response.text
    assert seen == []
    model = status_of(api, "demo", "v1")
    assert model["upload_status"] == "success"
    key = s3_bucket.object_key(model["uid"])
    stored = s3_bucket.client().get_object(Bucket=s3_bucket.name, Key=key)
    assert stored["Body"].read() == archive
    assert stored["ETag"].endswith('-3"')  # 8 + 8 + 4 MiB parts
    assert pending_uploads(s3_bucket) == []
    if flavor == "bentosync":
        assert stored_list(model["manifest"]) == file_list(files)


def test_proxy_upload_of_a_bad_archive_leaves_no_object(registry_factory, s3_bucket):
    server = registry_factory(s3=s3_bucket)
    api = Api(server)
    listed = model_files("demo", "v1", {"weights.bin": os.urandom(10 * MiB)})
    begin_upload(api, "demo", "v1", listed)
    bad = dict(listed, **{"weights.bin": os.urandom(10 * MiB)})
    response = api.put(api.model("demo", "v1", "upload"), data=make_tar(bad))
    assert response.status_code == 400 and "weights.bin" in response.json()["error"]
    assert status_of(api, "demo", "v1")["upload_status"] == "failed"
    assert s3_bucket.object_keys() == []
    assert pending_uploads(s3_bucket) == []  # the multipart upload begun was aborted


@pytest.mark.parametrize("flavor", FLAVORS)
def test_range_downloads_through_the_api(registry_factory, s3_bucket, flavor):
    api = Api(registry_factory(flavor=flavor, s3=s3_bucket))
    files = model_files("demo", "v1", {"weights.bin": bytes(range(256)) * 400})
    assert push_proxy(api, "demo", "v1", files).status_code == 200
    whole = make_tar(files)
    size = len(whole)
    path = api.model("demo", "v1", "download")
    full = api.get(path)
    assert full.status_code == 200 and full.content == whole
    assert full.headers["Content-Length"] == str(size)
    part = api.get(path, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    tail = api.get(path, headers={"Range": "bytes=-300"})
    assert tail.status_code == 206 and tail.content == whole[-300:]
    refused = api.get(path, headers={"Range": f"bytes={size}-"})
    assert refused.status_code == 416
    stale = api.get(path, headers={"Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == whole


def _send_direct(api: Api, strategy: str, archive: bytes) -> None:
    """The archive straight to the store, by one presigned PUT or as a one-part upload."""
    if strategy == "presigned":
        url = api.ok(api.patch(api.model("demo", "v1", "presign_upload_url")))[
            "presigned_upload_url"
        ]
        api.ok(api.patch(api.model("demo", "v1", "start_upload")))
        assert requests.put(url, data=archive, timeout=30).status_code == 200
        return
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    upload_id = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    etag = put_part(api, "demo", "v1", upload_id, 1, archive).headers["ETag"]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": [{"part_number": 1, "etag": etag}]},
        )
    )


@pytest.mark.parametrize("strategy", ["presigned", "multipart"])
def test_read_back_refuses_a_corrupted_archive_uploaded_straight_to_the_store(
    registry_factory, s3_bucket, strategy
):
    server = registry_factory(strategy=strategy, s3=s3_bucket)
    api = Api(server)
    files = model_files("demo", "v1")
    created = create_model(api, "demo", "v1", files)
    archive = bytearray(make_tar(files))
    spot = archive.index(files["weights.bin"][:64])
    archive[spot] ^= 0xFF  # one flipped byte inside weights.bin
    _send_direct(api, strategy, bytes(archive))
    response = finish(api, "demo", "v1")
    assert response.status_code == 400 and "weights.bin" in response.json()["error"]
    model = status_of(api, "demo", "v1")
    assert model["upload_status"] == "failed" and "weights.bin" in model["upload_finished_reason"]
    assert api.patch(api.model("demo", "v1", "presign_download_url")).status_code == 409
    assert api.get(api.model("demo", "v1", "download")).status_code == 409
    assert s3_bucket.object_key(created["uid"]) not in s3_bucket.object_keys()  # deleted
    # The same version pushed right succeeds, checked again.
    _send_direct(api, strategy, make_tar(files))
    assert api.ok(finish(api, "demo", "v1"))["upload_status"] == "success"
    assert server.log_text().count("Reading back the archive of demo:v1") == 2


def test_an_object_older_than_the_upload_does_not_pass_as_its_archive(registry_factory, s3_bucket):
    """A re-push that never sent its bytes must not succeed on the previous push's object."""
    api = Api(registry_factory(strategy="presigned", s3=s3_bucket))
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files)
    _send_direct(api, "presigned", make_tar(files))
    assert api.ok(finish(api, "demo", "v1"))["upload_status"] == "success"
    time.sleep(2.5)  # past the slack for Last-Modified's whole seconds
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    response = finish(api, "demo", "v1")
    assert response.status_code == 400
    assert "no complete archive" in status_of(api, "demo", "v1")["upload_finished_reason"]


def test_an_interrupted_proxy_upload_aborts_its_multipart_upload(registry_factory, s3_bucket):
    server = registry_factory(s3=s3_bucket)
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(24 * MiB)})
    begin_upload(api, "demo", "v1", files)
    target = "/api/v1" + api.model("demo", "v1", "upload")
    with cut_short(server.port, target, make_tar(files), server.headers):
        # Half the body (12 MiB) is more than one part: a multipart upload is open.
        wait_for(lambda: len(pending_uploads(s3_bucket)) == 1, timeout=20)
    wait_for(lambda: status_of(api, "demo", "v1")["upload_status"] == "failed", timeout=20)
    assert pending_uploads(s3_bucket) == []
    assert s3_bucket.object_keys() == []


def test_finish_without_an_object_fails(registry_factory, s3_bucket):
    api = Api(registry_factory(strategy="presigned", s3=s3_bucket))
    create_model(api, "demo", "v1")
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    response = finish(api, "demo", "v1")
    assert response.status_code == 400
    assert "no complete archive" in status_of(api, "demo", "v1")["upload_finished_reason"]


def test_deleting_a_version_deletes_its_object(registry_factory, s3_bucket):
    server = registry_factory(s3=s3_bucket)
    server.expect_deletes()
    api = Api(server)
    assert push_proxy(api, "demo", "v1").status_code == 200
    uid = status_of(api, "demo", "v1")["uid"]
    assert s3_bucket.object_keys() == [s3_bucket.object_key(uid)]
    assert api.delete(api.model("demo", "v1")).status_code in (200, 204)
    assert s3_bucket.object_keys() == []


class _Unreachable:
    """A bucket at an endpoint where nothing listens, with a secret that must not show."""

    secret = "wrong-secret-never-shown"

    def __init__(self, bucket: S3Bucket, port: int) -> None:
        self.storage_url = bucket.storage_url
        self._env = {
            **bucket.env(),
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
            "AWS_SECRET_ACCESS_KEY": self.secret,
            "AWS_MAX_ATTEMPTS": "1",
        }

    def env(self) -> dict[str, str]:
        return self._env


def test_an_unreachable_store_fails_at_start_with_a_clear_message(registry_factory, s3_bucket):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    unreachable = _Unreachable(s3_bucket, port)
    with pytest.raises(RuntimeError) as failed:
        registry_factory(s3=unreachable)
    text = str(failed.value)
    assert f"Object storage at http://127.0.0.1:{port} could not open the bucket" in text
    assert unreachable.secret not in text


def test_a_missing_bucket_is_created_at_start(registry_factory, s3_bucket):
    missing = S3Bucket(s3_bucket.server, s3_bucket.name + "-new")
    server = registry_factory(s3=missing)
    assert f"Bucket {missing.name} does not exist" in server.log_text()
    assert push_proxy(Api(server), "demo", "v1").status_code == 200
    assert len(missing.object_keys()) == 1


class _Listed:
    """Storage whose open uploads are given (moto dates every upload in 2010)."""

    def __init__(self, uploads: list[PendingUpload]) -> None:
        self.uploads = uploads
        self.aborted: list[str] = []

    def pending_uploads(self) -> list[PendingUpload]:
        return list(self.uploads)

    def key(self, uid: str) -> str:
        return f"p/models/{uid}"

    def abort_key(self, key: str, upload_id: str) -> bool:
        self.aborted.append(upload_id)
        return upload_id != "gone"  # "gone": aborted already, by another replica


def test_only_uploads_older_than_stale_after_are_aborted(tmp_path):
    now = datetime.now(timezone.utc)
    storage = _Listed(
        [
            PendingUpload("p/models/a", "young", now - timedelta(seconds=10)),
            PendingUpload("p/models/b", "old", now - timedelta(hours=2)),
        ]
    )
    db = open_database(tmp_path / "registry.db")
    try:
        assert abort_stale_s3_uploads(db, storage, stale_after=3600) == 1  # type: ignore[arg-type]
    finally:
        db.close()
    assert storage.aborted == ["old"]


def test_rows_nobody_touched_are_aborted_by_key_and_forgotten(tmp_path):
    """Uploads the database knows: stale by their row, whatever the store lists."""
    db = open_database(tmp_path / "registry.db")
    catalog = Catalog(db)
    repository = catalog.create_repository("demo", "", [])
    model = catalog.create_model(
        repository,
        "v1",
        description="",
        labels=[],
        manifest={"size_bytes": 0},
        build_at=datetime.now(timezone.utc),
        list_from_client=False,
    )
    try:
        with db.transaction() as conn:
            for upload_id, touched in (("idle", 0.0), ("gone", 0.0), ("busy", time.time())):
                conn.execute(
                    "INSERT INTO multipart_uploads (upload_id, model_id, upload_seq, "
                    "created_at, touched_at) VALUES (?, ?, 0, 'x', ?)",
                    (upload_id, model.id, touched),
                )
        storage = _Listed([])
        assert abort_stale_s3_uploads(db, storage, stale_after=3600) == 1  # type: ignore[arg-type]
        assert sorted(storage.aborted) == ["gone", "idle"]
        left = [row[0] for row in db.query("SELECT upload_id FROM multipart_uploads")]
        assert left == ["busy"]
    finally:
        db.close()


def test_stale_multipart_uploads_are_aborted_safely_by_two_replicas_at_once(
    s3_bucket, tmp_path, monkeypatch
):
    for name, value in s3_bucket.env().items():
        monkeypatch.setenv(name, value)
    storage = S3Storage(parse_storage_url(s3_bucket.storage_url))
    live = storage.create_multipart("model-live")
    stale = [storage.create_multipart(f"model-{n}") for n in range(3)]
    storage.upload_part("model-0", stale[0], 1, b"x" * 1000)
    db = open_database(tmp_path / "registry.db")
    try:
        # The live upload's row was touched just now; the others are unknown to this
        # database (another replica's, or their rows are gone).
        with db.transaction() as conn:
            conn.execute(
                "INSERT INTO repositories (id, uid, name, created_at) VALUES (1, 'r', 'r', 'x')"
            )
            conn.execute(
                "INSERT INTO models (id, uid, repository_id, version, manifest, build_at, "
                "created_at) VALUES (1, 'model-live', 1, 'v1', '{}', 'x', 'x')"
            )
            conn.execute(
                "INSERT INTO multipart_uploads (upload_id, model_id, upload_seq, created_at, "
                "touched_at) VALUES (?, 1, 0, 'x', ?)",
                (live, time.time()),
            )
        # Two replicas' reapers at the same moment: both list the same uploads before
        # either aborts one, so every abort is tried twice.
        both_listed = threading.Barrier(2)

        class Replica(S3Storage):
            def pending_uploads(self) -> list[PendingUpload]:
                found = super().pending_uploads()
                both_listed.wait(timeout=30)
                return found

        replicas = [Replica(storage.location, storage.client) for _ in range(2)]
        with ThreadPoolExecutor(2) as pool:
            counts = list(pool.map(lambda r: abort_stale_s3_uploads(db, r, 60.0), replicas))
        assert sum(counts) == 3  # each stale upload aborted once, NoSuchUpload tolerated
        left = pending_uploads(s3_bucket)
        assert [u["UploadId"] for u in left] == [live]  # its row was touched just now
        assert abort_stale_s3_uploads(db, storage, 60.0) == 0  # idempotent
        # A second abort of an id that is gone is harmless, as another replica's would be.
        assert storage.abort_multipart("model-0", stale[0]) is False
    finally:
        db.close()


def test_the_reaper_aborts_an_abandoned_multipart_upload(registry_factory, s3_bucket):
    server = registry_factory(strategy="multipart", s3=s3_bucket, extra_args=["--stale-after", "2"])
    api = Api(server)
    files = model_files("demo", "v1")
    upload_id = start_multipart(api, "demo", "v1", files)
    assert put_part(api, "demo", "v1", upload_id, 1, b"x" * 1000).status_code == 200
    assert [u["UploadId"] for u in pending_uploads(s3_bucket)] == [upload_id]
    deadline = time.monotonic() + 15
    while pending_uploads(s3_bucket) and time.monotonic() < deadline:
        time.sleep(0.25)
    assert pending_uploads(s3_bucket) == []
    assert f"Aborted abandoned multipart upload of {s3_bucket.prefix}/models/" in server.log_text()
    response = api.patch(
        api.model("demo", "v1", "presign_multipart_upload_url"),
        json={"upload_id": upload_id, "part_number": 2},
    )
    assert response.status_code == 404  # its row went with it


def test_start_upload_aborts_the_previous_multipart_upload(registry_factory, s3_bucket):
    api = Api(registry_factory(strategy="multipart", s3=s3_bucket))
    files = model_files("demo", "v1")
    first = start_multipart(api, "demo", "v1", files)
    second = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    assert second != first
    assert [u["UploadId"] for u in pending_uploads(s3_bucket)] == [second]
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert pending_uploads(s3_bucket) == []


def test_recorded_times_are_aware(s3_bucket, monkeypatch):
    """The store's Last-Modified compares with the record's start time (written_for)."""
    for name, value in s3_bucket.env().items():
        monkeypatch.setenv(name, value)
    storage = S3Storage(parse_storage_url(s3_bucket.storage_url))
    storage.put("uid-1", b"data")
    info = storage.head("uid-1")
    assert info is not None and info.size == 4
    assert abs((info.last_modified - datetime.now(timezone.utc)).total_seconds()) < 60


@pytest.mark.parametrize(
    ("url", "bucket", "prefix"),
    [
        ("s3://models", "models", ""),
        ("s3://models/", "models", ""),
        ("s3://models/team/registry", "models", "team/registry/"),
        ("s3://models//team/", "models", "team/"),
    ],
)
def test_storage_urls(url, bucket, prefix):
    location = parse_storage_url(url)
    assert (location.bucket, location.prefix) == (bucket, prefix)


@pytest.mark.parametrize("url", ["http://models", "s3://", "models/team", "s3://b/p?x=1"])
def test_a_bad_storage_url_is_a_usage_error(url):
    done = subprocess.run(
        [sys.executable, "-m", "bentosync", "registry", "serve", "--storage", url],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "s3://bucket/prefix" in done.stderr and "Traceback" not in done.stderr


def test_finish_during_a_slow_read_back_completes_in_the_background(
    s3_bucket, tmp_path, monkeypatch
):
    """finish_upload's contract holds with storage: it answers within finish_wait (the
    official client waits 60 s), and the check still running sets success itself."""
    for name, value in s3_bucket.env().items():
        monkeypatch.setenv(name, value)
    config = RegistryConfig(data_dir=tmp_path, finish_wait=0.2, storage_url=s3_bucket.storage_url)
    db = open_database(tmp_path / "registry.db")
    blobs = BlobStore(tmp_path)
    catalog = Catalog(db)
    uploads = Uploads(db, catalog, blobs, config)
    storage = S3Storage(parse_storage_url(s3_bucket.storage_url))
    uploads.storage = storage
    release = threading.Event()
    reading = storage.open_reader

    def slow_reader(uid, etag=None):
        release.wait(10)
        return reading(uid, etag)

    monkeypatch.setattr(storage, "open_reader", slow_reader)
    services = SimpleNamespace(storage=storage, uploads=uploads)
    try:
        repository = catalog.create_repository("demo", "", [])
        files = model_files("demo", "v1")
        model = catalog.create_model(
            repository,
            "v1",
            description="",
            labels=[],
            manifest=create_body("v1", files, with_list=False)["manifest"],
            build_at=datetime.now(timezone.utc),
            list_from_client=False,
        )
        model = uploads.start_upload(model)
        storage.put(model.uid, make_tar(files))  # a presigned PUT's result
        start_check(services, model)  # type: ignore[arg-type]
        started = time.monotonic()
        answered = uploads.finish(model, "success", "")
        assert time.monotonic() - started < 5
        assert answered.upload_status == "uploading" and answered.finish_requested
        release.set()
        wait_for(lambda: not uploads.job_running(model.id))
        done = catalog.get_model_by_id(model.id)
        assert done is not None and done.upload_status == "success"
        assert stored_list(done.manifest) == file_list(files)
        assert done.object_etag == storage.head(model.uid).etag
    finally:
        release.set()
        uploads.close()
        db.close()
        blobs.close()


def test_bentocloud_flavour_stores_what_arrives_and_needs_an_object_to_finish(
    registry_factory, s3_bucket
):
    """Nothing is checked (FLAVORS.md 3), but success needs an object (FLAVORS.md 4)."""
    api = Api(registry_factory(strategy="presigned", flavor="bentocloud", s3=s3_bucket))
    create_model(api, "demo", "v1")
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    missing = finish(api, "demo", "v1")
    assert missing.status_code == 400 and "no object" in missing.json()["error"]
    garbage = b"not a tar at all" * 1000
    create_model(api, "demo", "v2")
    api.ok(api.patch(api.model("demo", "v2", "start_upload")))
    response = api.put(api.model("demo", "v2", "upload"), data=garbage)
    assert response.status_code == 200
    assert status_of(api, "demo", "v2")["upload_status"] == "success"
    assert api.get(api.model("demo", "v2", "download")).content == garbage
