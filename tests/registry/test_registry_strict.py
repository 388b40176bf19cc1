"""The bentocloud flavour's API: BentoCloud's manifest, archives stored unchecked, Yatai's statuses.

The storage endpoint's S3 rules are in ``test_registry_storage.py``.
"""

from __future__ import annotations

import io
import os
import tarfile
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from registry_helpers import (
    Api,
    begin_upload,
    create_body,
    cut_short,
    make_tar,
    model_files,
    model_yaml,
    push_proxy,
    put_part,
    stored_list,
    wait_for,
)

from bentosync.core.filelist import METADATA_KEY
from bentosync.registry.config import RegistryConfig
from bentosync.registry.flavor import MANIFEST_KEYS
from bentosync.registry.server import RegistryThread
from support.registry import RegistryServer, stored_archive

MiB = 1024 * 1024


@pytest.fixture
def api(strict_registry: RegistryServer) -> Api:
    return Api(strict_registry)


def status_of(api: Api, name: str, version: str) -> dict:
    return api.ok(api.get(api.model(name, version)))


def presign(api: Api, name: str, version: str, which: str) -> str:
    model = api.ok(api.patch(api.model(name, version, f"presign_{which}_url")))
    return str(model[f"presigned_{which}_url"])


def finish(api: Api, name: str, version: str, status: str, reason: str = "") -> requests.Response:
    return api.patch(
        api.model(name, version, "finish_upload"), json={"status": status, "reason": reason}
    )


# ---- the manifest and the record ----------------------------------------------------


def test_the_manifest_keeps_bentoclouds_keys_only_and_metadata_whole(api):
    files = model_files("demo", "v1")
    body = create_body("v1", files)
    manifest = body["manifest"]
    manifest["bentosync"] = {"files": [["model.yaml", 1, "0" * 64]]}  # the legacy place
    manifest["size_on_disk"] = 123
    manifest["metadata"]["nested"] = {"list": [1, {"b": None}], "flag": True}
    # Not valid BentoSync checksums: the default flavour refuses them, BentoCloud keeps
    # metadata as it is, and so must this flavour.
    manifest["metadata"][METADATA_KEY] = {"format": 99, "junk": "yes"}
    api.ok(api.post("/model_repositories", json={"name": "demo", "description": ""}))
    created = api.ok(api.post("/model_repositories/demo/models", json=body))
    for record in (created, status_of(api, "demo", "v1")):
        assert sorted(record["manifest"]) == sorted(MANIFEST_KEYS)
        assert record["manifest"]["metadata"] == manifest["metadata"]
        assert record["manifest"]["size_bytes"] == manifest["size_bytes"]


def test_the_default_flavour_refuses_what_the_strict_one_keeps(registry):
    """The contrast that makes the test above mean something."""
    api = Api(registry)
    body = create_body("v1", model_files("demo", "v1"))
    body["manifest"]["metadata"][METADATA_KEY] = {"format": 99, "junk": "yes"}
    api.ok(api.post("/model_repositories", json={"name": "demo", "description": ""}))
    refused = api.post("/model_repositories/demo/models", json=body)
    assert refused.status_code == 400 and METADATA_KEY in refused.text


def test_records_carry_none_of_bentosyncs_extensions(api):
    assert push_proxy(api, "demo", "v1").status_code == 200
    record = status_of(api, "demo", "v1")
    assert record["upload_status"] == "success"
    assert "archive_checked" not in record and "archive_size_bytes" not in record
    listed = api.ok(api.get("/model_repositories/demo/models"))["items"][0]
    assert "archive_checked" not in listed
    latest = api.ok(api.get("/model_repositories/demo"))["latest_model"]
    assert latest["version"] == "v1" and "archive_checked" not in latest


def test_the_default_flavour_says_which_archives_it_checked(registry):
    api = Api(registry)
    files = model_files("demo", "v1")
    assert begin_upload(api, "demo", "v1", files)["archive_checked"] is False
    api.ok(api.put(api.model("demo", "v1", "upload"), data=make_tar(files)))
    record = status_of(api, "demo", "v1")
    assert record["upload_status"] == "success" and record["archive_checked"] is True
    latest = api.ok(api.get("/model_repositories/demo"))["latest_model"]
    assert latest["archive_checked"] is True


def test_an_official_style_push_gets_no_file_list(api):
    files = model_files("demo", "v1")
    assert push_proxy(api, "demo", "v1", files, with_list=False).status_code == 200
    record = status_of(api, "demo", "v1")
    assert record["upload_status"] == "success"
    assert stored_list(record["manifest"]) is None
    assert record["manifest"]["metadata"] == {"owner": "tests"}


# ---- archives are stored as they arrive ---------------------------------------------


def _escaping_archive() -> bytes:
    """Members that leave the folder, and a model.yaml naming another model."""
    files = {"model.yaml": model_yaml("other", "v9"), "weights.bin": b"w" * 100}
    outside = tarfile.TarInfo("../outside.txt")
    outside.size = 4
    link = tarfile.TarInfo("./passwd")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    return make_tar(files, extra=[(outside, b"evil"), (link, None)])


def _truncated_archive() -> bytes:
    archive = make_tar(model_files("demo", "v1", {"weights.bin": os.urandom(50_000)}))
    return archive[: len(archive) // 2]


@pytest.mark.parametrize(
    "archive",
    [
        pytest.param(_escaping_archive(), id="escaping-members"),
        pytest.param(_truncated_archive(), id="truncated"),
        pytest.param(b"not a tar at all", id="garbage"),
        pytest.param(make_tar({"model.yaml": model_yaml("demo", "v1")}), id="not-the-listed-files"),
    ],
)
def test_a_hostile_or_broken_archive_is_stored_as_it_came(api, strict_registry, archive):
    """BentoCloud stores what it is sent; refusing it is the pulling client's job."""
    files = model_files("demo", "v1")
    created = begin_upload(api, "demo", "v1", files)  # with a file list the archive breaks
    assert api.put(api.model("demo", "v1", "upload"), data=archive).status_code == 200
    assert status_of(api, "demo", "v1")["upload_status"] == "success"
    assert stored_archive(strict_registry.data_dir, created["uid"]) == archive
    assert api.get(api.model("demo", "v1", "download")).content == archive


def test_a_proxy_upload_cut_short_fails(api, strict_registry):
    files = model_files("demo", "v1", {"weights.bin": os.urandom(4 * MiB)})
    archive = make_tar(files)
    begin_upload(api, "demo", "v1", files)
    path = "/api/v1" + api.model("demo", "v1", "upload")
    with cut_short(
        strict_registry.port, path, archive, {"X-YATAI-API-TOKEN": strict_registry.token}
    ):
        pass
    wait_for(lambda: status_of(api, "demo", "v1")["upload_status"] == "failed")
    assert "interrupted" in status_of(api, "demo", "v1")["upload_finished_reason"]


# ---- finish_upload: what the client reports -------------------------------------------


def test_finish_upload_records_what_the_client_reports(registry_factory):
    server = registry_factory(strategy="presigned", flavor="bentocloud")
    api = Api(server)
    files = model_files("demo", "v1")
    begin_upload(api, "demo", "v1", files)

    failed = api.ok(finish(api, "demo", "v1", "failed", "the disk caught fire"))
    assert failed["upload_status"] == "failed"
    assert failed["upload_finished_reason"] == "the disk caught fire"
    assert failed["upload_finished_at"]

    # success with nothing in storage: refused, and the upload is over.
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    refused = finish(api, "demo", "v1", "success")
    assert refused.status_code == 400 and "no object" in refused.json()["error"]
    assert status_of(api, "demo", "v1")["upload_status"] == "failed"

    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    archive = b"anything at all"  # no archive check on this flavour
    assert requests.put(presign(api, "demo", "v1", "upload"), data=archive).status_code == 200
    assert status_of(api, "demo", "v1")["upload_status"] == "uploading"  # until finish_upload
    done = api.ok(finish(api, "demo", "v1", "success"))
    assert done["upload_status"] == "success" and done["upload_finished_reason"] == ""
    assert requests.get(presign(api, "demo", "v1", "download"), timeout=30).content == archive

    # Yatai copies the status whatever the record held before.
    assert api.ok(finish(api, "demo", "v1", "failed", "changed my mind"))["upload_status"] == (
        "failed"
    )
    assert finish(api, "demo", "v1", "uploaded").status_code == 400


# ---- presigned URLs lead to the storage endpoint --------------------------------------


@pytest.mark.parametrize("strategy", ["presigned", "multipart"])
def test_presigned_urls_lead_to_the_storage_port_in_s3s_shape(registry_factory, strategy):
    server = registry_factory(strategy=strategy, flavor="bentocloud")
    assert server.storage_port and server.storage_port != server.port
    api = Api(server)
    files = model_files("demo", "v1")
    begin_upload(api, "demo", "v1", files)
    if strategy == "presigned":
        url = presign(api, "demo", "v1", "upload")
        response = requests.put(url, data=make_tar(files), timeout=30)
    else:
        upload_id = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))[
            "upload_id"
        ]
        url = api.ok(
            api.patch(
                api.model("demo", "v1", "presign_multipart_upload_url"),
                json={"upload_id": upload_id, "part_number": 1},
            )
        )["presigned_upload_url"]
        response = requests.put(url, data=make_tar(files), timeout=30)
        api.ok(
            api.patch(
                api.model("demo", "v1", "complete_multipart_upload"),
                json={
                    "upload_id": upload_id,
                    "parts": [{"part_number": 1, "etag": response.headers["ETag"]}],
                },
            )
        )
    assert response.status_code == 200
    api.ok(finish(api, "demo", "v1", "success"))
    download = presign(api, "demo", "v1", "download")
    for each in (url, download):
        parts = urlsplit(each)
        assert (parts.scheme, parts.hostname, parts.port) == (
            "http",
            "127.0.0.1",
            server.storage_port,
        )
        assert parts.path == "/bentosync-models/models/default/demo/v1.tar"
        query = parse_qs(parts.query)
        for param in ("X-Amz-Date", "X-Amz-Expires", "X-Amz-Signature"):
            assert len(query[param]) == 1
    if strategy == "multipart":
        query = parse_qs(urlsplit(url).query)
        assert query["partNumber"] == ["1"] and query["uploadId"] == [upload_id]
    assert requests.get(download, timeout=30).content == make_tar(files)
    # The API's port serves no archive to a signature: there is no /blobs there.
    blobs = server.endpoint + urlsplit(download).path.replace("/bentosync-models", "/blobs")
    assert requests.get(blobs, timeout=10).status_code == 404


def test_a_multipart_upload_ends_only_at_finish_upload(registry_factory):
    server = registry_factory(strategy="multipart", flavor="bentocloud")
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(6 * MiB)})
    archive = make_tar(files)
    begin_upload(api, "demo", "v1", files)
    upload_id = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    first = put_part(api, "demo", "v1", upload_id, 1, archive[: 5 * MiB])
    second = put_part(api, "demo", "v1", upload_id, 2, archive[5 * MiB :])
    parts = [
        {"part_number": 1, "etag": first.headers["ETag"]},
        {"part_number": 2, "etag": second.headers["ETag"]},
    ]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    assert status_of(api, "demo", "v1")["upload_status"] == "uploading"
    api.ok(finish(api, "demo", "v1", "success"))
    got = requests.get(presign(api, "demo", "v1", "download"), timeout=30)
    assert got.content == archive
    # S3's ETag of a multipart object: the MD5 of the parts' MD5s, and their count.
    assert got.headers["ETag"].endswith('-2"')


def test_a_restart_keeps_the_storage_port_and_the_urls_it_signed(registry_factory):
    server = registry_factory(strategy="presigned", flavor="bentocloud")
    api = Api(server)
    files = model_files("demo", "v1")
    begin_upload(api, "demo", "v1", files)
    url = presign(api, "demo", "v1", "upload")
    storage_port = server.storage_port
    server.restart()  # started again with --storage-port of the first run
    assert server.storage_port == storage_port
    assert requests.put(url, data=make_tar(files), timeout=30).status_code == 200
    assert api.ok(finish(api, "demo", "v1", "success"))["upload_status"] == "success"


# ---- deleting -------------------------------------------------------------------------


def test_delete_removes_the_record_and_its_archive(registry_factory):
    server = registry_factory(strategy="presigned", flavor="bentocloud")
    server.expect_deletes()
    api = Api(server)
    assert push_proxy(api, "demo", "v1").status_code == 200
    uid = status_of(api, "demo", "v1")["uid"]
    download = presign(api, "demo", "v1", "download")
    assert stored_archive(server.data_dir, uid) is not None

    api.ok(api.delete(api.model("demo", "v1")))
    assert api.get(api.model("demo", "v1")).status_code == 404
    assert stored_archive(server.data_dir, uid) is None
    gone = requests.get(download, timeout=10)
    assert gone.status_code == 404 and "<Code>NoSuchKey</Code>" in gone.text
    # The version can be pushed again from scratch.
    assert push_proxy(api, "demo", "v1").status_code == 200


def test_a_part_list_is_refused_at_completion_not_at_presign(registry_factory):
    """S3 learns of sizes only when parts arrive; presigning never asks the storage."""
    server = registry_factory(strategy="multipart", flavor="bentocloud")
    api = Api(server)
    begin_upload(api, "demo", "v1")
    presigned = api.patch(
        api.model("demo", "v1", "presign_multipart_upload_url"),
        json={"upload_id": "no-such-upload", "part_number": 10_001},
    )
    assert presigned.status_code == 200 and presigned.json()["presigned_upload_url"]
    refused = api.patch(
        api.model("demo", "v1", "complete_multipart_upload"),
        json={"upload_id": "no-such-upload", "parts": [{"part_number": 1, "etag": '"x"'}]},
    )
    assert refused.status_code == 400 and "NoSuchUpload" in refused.json()["error"]


def test_the_truncated_archive_really_ends_inside_a_file():
    """Guard for the hostile-archive test: its "truncated" case must be unreadable."""
    archive = io.BytesIO(_truncated_archive())
    with tarfile.open(fileobj=archive) as tar, pytest.raises(tarfile.ReadError):
        for member in tar:
            handle = tar.extractfile(member)
            if handle is not None:
                handle.read()


def test_a_registry_thread_serves_the_storage_endpoint_too(tmp_path):
    """The desktop launcher's way of running a registry, with this flavour."""
    thread = RegistryThread(
        RegistryConfig(data_dir=tmp_path, port=0, seed_token="tok", flavor="bentocloud")
    )
    endpoint = thread.start()
    try:
        assert thread.storage_endpoint and thread.storage_endpoint != endpoint
        headers = {"X-YATAI-API-TOKEN": "tok"}
        assert requests.get(endpoint + "/api/v1/current_org", headers=headers).status_code == 200
        unsigned = requests.get(thread.storage_endpoint + "/bentosync-models/models/x.tar")
        assert unsigned.status_code == 403 and "<Code>AccessDenied</Code>" in unsigned.text
    finally:
        thread.stop()
