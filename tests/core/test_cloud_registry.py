"""The cloud client against BentoSync's real registry server over loopback HTTP.

The unit tests pin the client's rules against a scripted fake; these prove the
client and the server agree on the wire for every strategy: records decode,
errors map, proxy and presigned bodies arrive intact, Range resumes work.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from datetime import datetime, timezone

import pytest
import yaml

from bentosync.core.cloud import (
    AuthError,
    CloudClient,
    CloudModelNotFound,
    iter_body,
    with_retries,
)
from bentosync.core.filelist import Checksums, FileEntry, metadata_with_checksums
from bentosync.core.modelinfo import new_model_document
from bentosync.core.tags import Tag

BUILD_AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=timezone.utc)


def model_archive(name: str, version: str) -> tuple[bytes, dict[str, object]]:
    """A minimal model tar (PROTOCOL.md 7) and the manifest that describes it."""
    doc = new_model_document(Tag(name, version), labels={"stage": "dev"}, creation_time=BUILD_AT)
    files = {
        "model.yaml": yaml.safe_dump(doc, sort_keys=False).encode(),
        "weights.bin": bytes(range(256)) * 64,
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:") as tar:
        root = tarfile.TarInfo(".")
        root.type, root.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(root)
        for path, data in files.items():
            info = tarfile.TarInfo(f"./{path}")
            info.size, info.mode = len(data), 0o644
            tar.addfile(info, io.BytesIO(data))
    entries = [FileEntry(p, len(d), hashlib.sha256(d).hexdigest()) for p, d in files.items()]
    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": doc["context"]["bentoml_version"],
        "size_bytes": sum(len(d) for d in files.values()),
        "metadata": metadata_with_checksums({}, Checksums.of(entries)),
        "context": doc["context"],
        "options": {},
    }
    return buf.getvalue(), manifest


def create(client: CloudClient, name: str, version: str, manifest: dict[str, object]) -> None:
    with pytest.raises(CloudModelNotFound):
        client.get_repository(name)
    client.create_repository(name)
    assert client.get_repository(name).name == name
    created = client.create_model(
        name, version, manifest, labels={"stage": "dev"}, build_at=BUILD_AT
    )
    assert created.upload_status == "pending" and created.tag == f"{name}:{version}"


def test_account_and_refused_token(registry):
    with CloudClient(registry.endpoint, registry.token) as client:
        assert client.current_user().display_name
        client.current_org()
    with (
        CloudClient(registry.endpoint, "wrong-token-xyz") as client,
        pytest.raises(AuthError) as info,
    ):
        client.current_user()
    assert info.value.status == 401 and "wrong-token-xyz" not in str(info.value)
    assert "bentosync login" in str(info.value)


def test_proxy_round_trip_with_range_and_delete(registry):
    registry.expect_deletes()
    archive, manifest = model_archive("demo", "v1")
    with CloudClient(registry.endpoint, registry.token) as client:
        create(client, "demo", "v1", manifest)
        client.start_upload("demo", "v1")
        client.upload("demo", "v1", io.BytesIO(archive), len(archive))

        model = client.get_model("demo", "v1")
        assert model.upload_status == "success", model.upload_finished_reason
        assert model.is_proxy and model.labels == {"stage": "dev"}
        assert model.build_at == BUILD_AT and model.size_bytes == manifest["size_bytes"]
        assert [f.path for f in model.file_list or []] == ["model.yaml", "weights.bin"]
        assert client.latest_model("demo").version == "v1"
        assert [m.tag for m in client.list_models("demo").items] == ["demo:v1"]
        assert "demo:v1" in [m.tag for m in client.iter_all_models()]

        client.presign_download_url("demo", "v1")
        assert b"".join(iter_body(client.download("demo", "v1"))) == archive
        resumed = client.download("demo", "v1", start_offset=1000)
        assert resumed.status_code == 206
        assert b"".join(iter_body(resumed)) == archive[1000:]

        client.delete_model("demo", "v1")
        with pytest.raises(CloudModelNotFound):
            client.get_model("demo", "v1")


def test_multipart_presigned_round_trip(registry_factory):
    server = registry_factory(strategy="multipart")
    archive, manifest = model_archive("parts", "v2")
    half = len(archive) // 2
    with CloudClient(server.endpoint, server.token) as client:
        create(client, "parts", "v2", manifest)
        assert client.get_model("parts", "v2").transmission_strategy == "presigned_url"
        client.start_upload("parts", "v2")
        upload_id = client.start_multipart_upload("parts", "v2").upload_id
        assert upload_id
        etags = []
        for number, chunk in ((1, archive[:half]), (2, archive[half:])):
            url = client.presign_multipart_upload_url("parts", "v2", upload_id, number)

            def put(url: str = url, chunk: bytes = chunk) -> str:
                resp = client.put_stream(url, iter([chunk]), len(chunk), auth=False)
                return resp.headers["ETag"]

            etags.append((number, with_retries(put, attempts=3)))
        client.complete_multipart_upload("parts", "v2", upload_id, etags)
        done = client.finish_upload("parts", "v2", "success")
        assert done.upload_status == "success", done.upload_finished_reason

        url = client.presign_download_url("parts", "v2").presigned_download_url
        assert url and "?" in url
        assert b"".join(iter_body(client.get_stream(url, auth=False))) == archive
