"""The server process: crashes and restarts, shutdown, concurrency, and what reaches its log."""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from registry_helpers import (
    Api,
    begin_upload,
    create_model,
    cut_short,
    make_tar,
    model_files,
    push_proxy,
    slow_put,
    wait_for,
)

from bentosync.registry.config import DB_NAME
from bentosync.registry.databases import open_database
from bentosync.registry.db import SCHEMA_VERSION
from bentosync.registry.multipart import this_boot
from support.registry import RegistryServer


def tmp_bytes(server: RegistryServer) -> int:
    return sum(p.stat().st_size for p in (server.data_dir / "tmp").iterdir() if p.is_file())


def test_sigkill_during_an_upload_leaves_a_consistent_state(registry):
    api = Api(registry)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(6 * 1024 * 1024)})
    archive = make_tar(files)
    create_model(api, "demo", "v1", files)
    uid = api.ok(api.patch(api.model("demo", "v1", "start_upload")))["uid"]
    release = threading.Event()
    putter = slow_put(
        api.url(api.model("demo", "v1", "upload")), archive, release, api.session.headers
    )
    wait_for(lambda: tmp_bytes(registry) >= len(archive) // 2 - 2 * 1024 * 1024)
    registry.kill()
    release.set()
    putter.join(30)
    assert "error" in putter.result  # type: ignore[attr-defined]

    registry.restart()
    model = api.ok(api.get(api.model("demo", "v1")))
    assert model["upload_status"] == "uploading"
    assert api.get(api.model("demo", "v1", "download")).status_code == 409
    assert not list((registry.data_dir / "tmp").iterdir())
    assert not (registry.data_dir / "blobs" / uid).exists()
    # The upload can simply be done again.
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert api.put(api.model("demo", "v1", "upload"), data=archive).status_code == 200
    assert api.get(api.model("demo", "v1", "download")).content == archive


NAMED_BOOTS = pytest.mark.skipif(
    not this_boot(),
    reason="unsynced parts outlive a server restart only where the OS names its boot "
    "(/proc/sys/kernel/random/boot_id, Linux); elsewhere they are sent again",
)


@NAMED_BOOTS
def test_multipart_upload_survives_a_crash_and_resumes(registry_factory):
    server = registry_factory(strategy="multipart")
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(300_000)})
    archive = make_tar(files)
    halves = [archive[: len(archive) // 2], archive[len(archive) // 2 :]]
    create_model(api, "demo", "v1", files)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    upload_id = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    urls = [
        api.ok(
            api.patch(
                api.model("demo", "v1", "presign_multipart_upload_url"),
                json={"upload_id": upload_id, "part_number": n},
            )
        )["presigned_upload_url"]
        for n in (1, 2)
    ]
    etag1 = requests.put(urls[0], data=halves[0], timeout=30).headers["ETag"]
    server.kill()
    server.restart()
    # URLs signed before the crash still work (same port, key kept in the database).
    etag2 = requests.put(urls[1], data=halves[1], timeout=30).headers["ETag"]
    parts = [{"part_number": 1, "etag": etag1}, {"part_number": 2, "etag": etag2}]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    done = api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )
    assert done["upload_status"] == "success"
    assert api.get(api.model("demo", "v1", "download")).content == archive


def test_restart_repairs_what_it_finds(registry):
    api = Api(registry)
    assert push_proxy(api, "kept", "v1").status_code == 200
    assert push_proxy(api, "lost", "v1").status_code == 200
    lost_uid = api.ok(api.get(api.model("lost", "v1")))["uid"]
    registry.stop()
    (registry.data_dir / "blobs" / lost_uid).unlink()
    (registry.data_dir / "blobs" / "orphan-uid").write_bytes(b"x")
    (registry.data_dir / "blobs" / "orphan-parts.parts").mkdir()  # a multipart archive's form
    (registry.data_dir / "blobs" / "orphan-parts.parts" / "000001").write_bytes(b"x")
    (registry.data_dir / "tmp" / "upload-stale").write_bytes(b"x" * 100)
    (registry.data_dir / "parts" / "stray-upload").mkdir()
    registry.start()
    lost = api.ok(api.get(api.model("lost", "v1")))
    assert lost["upload_status"] == "failed" and "missing" in lost["upload_finished_reason"]
    assert api.ok(api.get(api.model("kept", "v1")))["upload_status"] == "success"
    assert api.get(api.model("kept", "v1", "download")).status_code == 200
    assert not (registry.data_dir / "blobs" / "orphan-uid").exists()
    assert not (registry.data_dir / "blobs" / "orphan-parts.parts").exists()
    assert not list((registry.data_dir / "tmp").iterdir())
    assert not (registry.data_dir / "parts" / "stray-upload").exists()
    listing = api.ok(api.get("/model_repositories/lost/models"))
    assert listing["items"][0]["upload_status"] == "failed"
    assert api.ok(api.get("/model_repositories/lost"))["latest_model"] is None


def test_a_newer_start_upload_voids_a_running_upload(registry):
    api = Api(registry)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(3 * 1024 * 1024)})
    archive = make_tar(files)
    create_model(api, "demo", "v1", files)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    release = threading.Event()
    putter = slow_put(
        api.url(api.model("demo", "v1", "upload")), archive, release, api.session.headers
    )
    wait_for(lambda: tmp_bytes(registry) > 0)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))  # someone else restarts it
    release.set()
    putter.join(30)
    stale = putter.result["response"]  # type: ignore[attr-defined]
    assert stale.status_code == 409 and "meanwhile" in stale.text
    assert api.ok(api.get(api.model("demo", "v1")))["upload_status"] == "uploading"
    assert api.put(api.model("demo", "v1", "upload"), data=archive).status_code == 200


def test_concurrent_pushes_of_different_models(registry_factory):
    server = registry_factory()
    api = Api(server)

    def push(index: int) -> tuple[str, bytes]:
        name = f"model-{index}"
        files = model_files(name, "v1", {"weights.bin": os.urandom(1_500_000 + index)})
        response = push_proxy(Api(server), name, "v1", files)
        assert response.status_code == 200, response.text
        return name, make_tar(files)

    with ThreadPoolExecutor(8) as pool:
        pushed = list(pool.map(push, range(8)))
    for name, archive in pushed:
        assert api.ok(api.get(api.model(name, "v1")))["upload_status"] == "success"
        assert api.get(api.model(name, "v1", "download")).content == archive
    assert api.ok(api.get("/models"))["total"] == 8


@pytest.mark.parametrize(("stop", "codes"), [("stop", (0, -15)), ("interrupt", (0, 130))])
def test_graceful_shutdown_closes_and_cleans(registry, stop, codes):
    api = Api(registry)
    assert push_proxy(api, "demo", "v1").status_code == 200
    code = getattr(registry, stop)()
    assert code in codes
    log = registry.log_text()
    assert "Registry closed" in log
    assert "Traceback" not in log
    assert not list((registry.data_dir / "tmp").iterdir())
    assert not (registry.data_dir / "registry.db-wal").exists() or (
        (registry.data_dir / "registry.db-wal").stat().st_size == 0
    )


def test_one_data_dir_one_server(registry):
    second = RegistryServer(data_dir=registry.data_dir, token="other-token")
    second.log_path = registry.data_dir.parent / "second.log"
    with pytest.raises(RuntimeError, match="did not start"):
        second.start()
    assert "Another registry is already serving" in second.log_text()
    assert "Traceback" not in second.log_text()


def test_logs_carry_no_tokens_or_signatures(registry_factory, tmp_path: Path):
    token = "secret-" + secrets.token_hex(16)
    server = registry_factory(strategy="presigned", token=token)
    api = Api(server)
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files)
    upload_url = api.ok(api.patch(api.model("demo", "v1", "presign_upload_url")))[
        "presigned_upload_url"
    ]
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert requests.put(upload_url, data=make_tar(files), timeout=30).status_code == 200
    api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )
    download_url = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))[
        "presigned_download_url"
    ]
    assert requests.get(download_url, timeout=30).status_code == 200
    requests.get(download_url.replace("signature=", "signature=0"), timeout=30)
    requests.get(
        server.api + "/auth/current", headers={"X-YATAI-API-TOKEN": token + "x"}, timeout=10
    )
    server.stop()
    log = server.log_text()
    assert "GET /blobs/models/" in log and "PUT /blobs/models/" in log
    assert token not in log
    for url in (upload_url, download_url):
        signature = parse_qs(urlsplit(url).query)["signature"][0]
        assert signature not in log
    assert "signature=" not in log and "expires=" not in log


def test_a_client_that_hangs_up_mid_upload_fails_the_upload(registry):
    api = Api(registry)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(2 * 1024 * 1024)})
    archive = make_tar(files)
    begin_upload(api, "demo", "v1", files)
    path = "/api/v1" + api.model("demo", "v1", "upload")
    with cut_short(registry.port, path, archive, {"X-YATAI-API-TOKEN": registry.token}):
        wait_for(lambda: tmp_bytes(registry) > 0)
    wait_for(lambda: api.ok(api.get(api.model("demo", "v1")))["upload_status"] == "failed")
    model = api.ok(api.get(api.model("demo", "v1")))
    assert "interrupted" in model["upload_finished_reason"]
    wait_for(lambda: not list((registry.data_dir / "tmp").iterdir()))


@NAMED_BOOTS
def test_parts_a_crash_may_have_damaged_are_forgotten_at_start(registry_factory):
    """Parts are not fsynced: those of an earlier boot, or of the wrong size, go."""
    server = registry_factory(strategy="multipart")
    api = Api(server)
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    upload_id = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    etags = {}
    for number in (1, 2, 3):
        presigned = api.ok(
            api.patch(
                api.model("demo", "v1", "presign_multipart_upload_url"),
                json={"upload_id": upload_id, "part_number": number},
            )
        )["presigned_upload_url"]
        etags[number] = requests.put(presigned, data=b"%d" % number * 1000, timeout=10).headers[
            "ETag"
        ]
    assert len(set(etags.values())) == 3
    server.kill()
    folder = server.data_dir / "parts" / upload_id
    (folder / "2").write_bytes(b"\0" * 2000)  # cut short or grown: not what was stored
    with sqlite3.connect(server.data_dir / DB_NAME) as conn:  # as if stored before a reboot
        conn.execute("UPDATE parts SET boot = 'an-earlier-boot' WHERE part_number = 3")
    server.restart()
    assert (folder / "1").is_file()
    assert not (folder / "2").exists() and not (folder / "3").exists()
    for missing in (2, 3):
        parts = [{"part_number": n, "etag": etags[n]} for n in (1, missing)]
        response = api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
        assert response.status_code == 400 and f"Part {missing}" in response.json()["error"]


def test_a_part_sent_again_wins_over_the_older_copy_still_arriving(registry_factory):
    """A client gave up on a slow PUT and resent the part; it lists the resend's ETag."""
    server = registry_factory(strategy="multipart")
    api = Api(server)
    files = model_files("demo", "v1", {"weights.bin": os.urandom(3 * 1024 * 1024)})
    archive = make_tar(files)
    create_model(api, "demo", "v1", files)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    upload_id = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]

    def presign() -> str:
        return api.ok(
            api.patch(
                api.model("demo", "v1", "presign_multipart_upload_url"),
                json={"upload_id": upload_id, "part_number": 1},
            )
        )["presigned_upload_url"]

    release = threading.Event()
    stale = slow_put(presign(), archive, release)
    wait_for(lambda: tmp_bytes(server) > 0)
    etag = requests.put(presign(), data=archive, timeout=30).headers["ETag"]
    release.set()
    stale.join(30)
    late = stale.result["response"]  # type: ignore[attr-defined]
    assert late.status_code == 409 and "sent again" in late.json()["error"]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": [{"part_number": 1, "etag": etag}]},
        )
    )
    done = api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )
    assert done["upload_status"] == "success"
    assert api.get(api.model("demo", "v1", "download")).content == archive


def test_a_schema_1_database_gains_part_boots(tmp_path: Path):
    path = tmp_path / DB_NAME
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE parts (upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, "
            "etag TEXT NOT NULL, size INTEGER NOT NULL, PRIMARY KEY (upload_id, part_number))"
        )
        conn.execute("INSERT INTO parts VALUES ('u', 1, '\"e\"', 10)")
        conn.execute("PRAGMA user_version=1")
    db = open_database(path)
    try:
        row = db.query_one("SELECT etag, boot FROM parts WHERE upload_id = 'u'")
        assert row is not None and (row["etag"], row["boot"]) == ('"e"', "")
        assert db.query_one("PRAGMA user_version")[0] == SCHEMA_VERSION
    finally:
        db.close()
