"""Multipart uploads checked while their parts arrive, through a real server process.

The server log says which way an archive was checked ("while its parts
arrived" or "from its parts" at completion), so these tests can tell that the
fast path was really taken, and that what it produced is what the old path
would have: the same bytes, the same file list, the same failure reasons.
"""

from __future__ import annotations

import hashlib
import os
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from registry_helpers import (
    Api,
    complete_and_finish,
    file_list,
    make_tar,
    model_files,
    put_part,
    split,
    start_multipart,
    stored_list,
    wait_for,
)

from support.registry import RegistryServer, stored_archive

FAST = "was checked while its parts arrived"
SLOW = "Checking the archive of"


pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="watches the server's open files in /proc"
)


@pytest.fixture
def server(registry_factory) -> RegistryServer:
    return registry_factory(strategy="multipart")


def big_files(name: str = "demo", seed: int = 1) -> dict[str, bytes]:
    rng = random.Random(seed)
    return model_files(
        name, "v1", {"weights.bin": rng.randbytes(3 * 1024 * 1024), "sub/cfg.json": b'{"a": 1}'}
    )


def pipeline_bytes(server: RegistryServer, upload_id: str) -> int:
    """How far the pipeline got: the bytes of the parts it holds open (it reads them
    in place, keeping each consumed part open until it ends)."""
    assert server.process is not None
    folder = str((server.data_dir / "parts" / upload_id).resolve()) + os.sep
    held = set()
    fd_dir = Path(f"/proc/{server.process.pid}/fd")
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue  # closed meanwhile
        if target.startswith(folder):
            held.add(target)
    return sum(os.stat(path).st_size for path in held if os.path.exists(path))


def send(api: Api, upload_id: str, chunks: list[bytes], order: list[int]) -> dict[int, str]:
    etags = {}
    for number in order:
        response = put_part(api, "demo", "v1", upload_id, number, chunks[number - 1])
        assert response.status_code == 200, response.text
        etags[number] = response.headers["ETag"]
    return etags


def download(api: Api) -> bytes:
    response = api.get(api.model("demo", "v1", "download"))
    assert response.status_code == 200, response.text
    return response.content


def begin(api: Api, parts: int) -> tuple[bytes, list[bytes], str]:
    """A multipart upload of ``big_files`` under way: (archive, its parts, upload id)."""
    files = big_files()
    archive = make_tar(files)
    upload_id = start_multipart(api, "demo", "v1", files)
    return archive, split(archive, parts), upload_id


def assert_stored(api: Api, upload_id: str, etags: dict[int, str], archive: bytes) -> None:
    """complete + finish succeed, and a download gives back exactly ``archive``."""
    finished = complete_and_finish(api, "demo", "v1", upload_id, etags)
    assert finished.status_code == 200 and finished.json()["upload_status"] == "success"
    assert download(api) == archive


def assert_clean(server: RegistryServer) -> None:
    """No parts and, once the pipeline thread is gone, no temp files are left."""
    wait_for(lambda: not list((server.data_dir / "tmp").iterdir()))
    assert not list((server.data_dir / "parts").iterdir())


@pytest.mark.parametrize("order", [[1, 2, 3, 4], [3, 1, 2, 4], [4, 3, 2, 1]])
def test_parts_in_any_order_are_assembled_as_they_arrive(server, order):
    api = Api(server)
    archive, chunks, upload_id = begin(api, 4)
    etags = send(api, upload_id, chunks, order)
    assert_stored(api, upload_id, etags, archive)
    assert FAST in server.log_text() and SLOW not in server.log_text()
    assert_clean(server)


def test_a_part_replaced_after_it_was_consumed_restarts_the_assembly(server):
    api = Api(server)
    archive, chunks, upload_id = begin(api, 3)
    etags = send(api, upload_id, chunks, [1, 2])
    wait_for(lambda: pipeline_bytes(server, upload_id) >= len(chunks[0]) + len(chunks[1]))
    garbled = chunks[0][:-4096] + os.urandom(4096)  # inside weights.bin
    assert put_part(api, "demo", "v1", upload_id, 1, garbled).status_code == 200
    etags.update(send(api, upload_id, chunks, [1, 3]))  # put right again, then the last part
    assert_stored(api, upload_id, etags, archive)
    log = server.log_text()
    assert "changed; restarting" in log and FAST in log and SLOW not in log


def test_a_part_replaced_for_good_is_what_gets_checked(server):
    """The new bytes (listed with their new ETag) change weights.bin: the upload fails."""
    api = Api(server)
    files = big_files()
    chunks = split(make_tar(files), 3)
    upload_id = start_multipart(api, "demo", "v1", files)
    etags = send(api, upload_id, chunks, [1, 2])
    wait_for(lambda: pipeline_bytes(server, upload_id) >= len(chunks[0]) + len(chunks[1]))
    garbled = chunks[0][:-4096] + os.urandom(4096)
    etags[1] = put_part(api, "demo", "v1", upload_id, 1, garbled).headers["ETag"]
    etags.update(send(api, upload_id, chunks, [3]))
    finished = complete_and_finish(api, "demo", "v1", upload_id, etags)
    assert finished.status_code == 400 and "weights.bin" in finished.text
    model = api.ok(api.get(api.model("demo", "v1")))
    assert model["upload_status"] == "failed" and "weights.bin" in model["upload_finished_reason"]
    assert api.get(api.model("demo", "v1", "download")).status_code == 409
    assert FAST in server.log_text()


def test_a_file_not_matching_the_list_fails_naming_it_exactly_as_before(server):
    api = Api(server)
    listed = big_files()
    sent = dict(listed, **{"sub/cfg.json": b'{"a": 2}'})
    chunks = split(make_tar(sent), 3)
    upload_id = start_multipart(api, "demo", "v1", listed)
    etags = send(api, upload_id, chunks, [1, 2, 3])
    # complete itself succeeds: the status only changes at finish_upload (PROTOCOL.md 4.1).
    parts = [{"part_number": n, "etag": e} for n, e in sorted(etags.items())]
    completed = api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    assert completed["upload_status"] == "uploading"
    finished = api.patch(
        api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
    )
    assert finished.status_code == 400
    got, wanted = (hashlib.sha256(files["sub/cfg.json"]).hexdigest() for files in (sent, listed))
    reason = api.ok(api.get(api.model("demo", "v1")))["upload_finished_reason"]
    assert reason == (
        "The archive does not match the file list: file sub/cfg.json has sha256 "
        f"{got[:12]}…, the list says {wanted[:12]}…."
    )
    assert reason in finished.text
    assert FAST in server.log_text()
    assert_clean(server)


def test_an_official_client_push_gets_its_file_list_computed(server):
    """No file list, ten threads at once (the official client's way): the list is computed."""
    api = Api(server)
    files = big_files()
    files.update({f"shard-{i}.bin": os.urandom(200_000 + i) for i in range(5)})
    archive = make_tar(files)
    chunks = split(archive, 12)
    upload_id = start_multipart(api, "demo", "v1", files, with_list=False)

    def one(number: int) -> tuple[int, str]:
        response = put_part(api, "demo", "v1", upload_id, number, chunks[number - 1])
        assert response.status_code == 200
        return number, response.headers["ETag"]

    with ThreadPoolExecutor(10) as pool:
        etags = dict(pool.map(one, range(1, len(chunks) + 1)))
    finished = complete_and_finish(api, "demo", "v1", upload_id, etags)
    assert finished.status_code == 200 and finished.json()["upload_status"] == "success"
    assert stored_list(finished.json()["manifest"]) == file_list(files)
    assert download(api) == archive
    assert FAST in server.log_text()


def test_start_upload_mid_pipeline_discards_it(server):
    api = Api(server)
    archive, chunks, upload_id = begin(api, 3)
    send(api, upload_id, chunks, [1, 2])
    wait_for(lambda: pipeline_bytes(server, upload_id) >= len(chunks[0]) + len(chunks[1]))
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))  # the client starts over
    wait_for(lambda: pipeline_bytes(server, upload_id) == 0)
    assert not (server.data_dir / "parts" / upload_id).exists()
    late = api.patch(
        api.model("demo", "v1", "presign_multipart_upload_url"),
        json={"upload_id": upload_id, "part_number": 3},
    )
    assert late.status_code == 404 and "Unknown upload_id" in late.text
    again = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    etags = send(api, again, chunks, [1, 2, 3])
    assert_stored(api, again, etags, archive)
    assert "Stopped assembling upload" in server.log_text()
    assert_clean(server)


def test_sigkill_mid_pipeline_then_restart_resumes_consistently(server):
    api = Api(server)
    archive, chunks, upload_id = begin(api, 3)
    etags = send(api, upload_id, chunks, [1, 2])
    wait_for(lambda: pipeline_bytes(server, upload_id) >= len(chunks[0]) + len(chunks[1]))
    server.kill()
    server.restart()
    assert not list((server.data_dir / "tmp").iterdir())  # swept at start
    model = api.ok(api.get(api.model("demo", "v1")))
    assert model["upload_status"] == "uploading" and not model["upload_finished_reason"]
    assert api.get(api.model("demo", "v1", "download")).status_code == 409
    # The client resumes with the last part; the new pipeline starts from the parts on disk.
    etags.update(send(api, upload_id, chunks, [3]))
    assert_stored(api, upload_id, etags, archive)
    after_restart = server.log_text().rsplit("Recovered:", 1)[1]
    assert FAST in after_restart
    assert_clean(server)


def test_a_crash_after_complete_leaves_no_half_state(server):
    """Killed right after complete: on restart the upload is not success, and can be redone."""
    api = Api(server)
    archive, chunks, upload_id = begin(api, 3)
    etags = send(api, upload_id, chunks, [1, 2, 3])
    parts = [{"part_number": n, "etag": e} for n, e in sorted(etags.items())]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    server.kill()
    server.restart()
    model = api.ok(api.get(api.model("demo", "v1")))
    assert model["upload_status"] == "uploading"  # no finish_upload came
    assert stored_archive(server.data_dir, model["uid"]) in (None, archive)
    assert_stored(api, upload_id, etags, archive)


def test_parts_of_two_uploads_at_once_do_not_mix(registry_factory):
    server = registry_factory(strategy="multipart")
    first, second = Api(server), Api(server)
    files = {name: big_files(name, seed) for seed, name in enumerate(("one", "two"))}
    archives = {name: make_tar(f) for name, f in files.items()}
    uploads = {name: start_multipart(first, name, "v1", files[name]) for name in files}

    def push(name: str, api: Api) -> None:
        chunks = split(archives[name], 4)
        etags = {}
        for number in (2, 1, 4, 3):
            response = put_part(api, name, "v1", uploads[name], number, chunks[number - 1])
            etags[number] = response.headers["ETag"]
        finished = complete_and_finish(api, name, "v1", uploads[name], etags)
        assert finished.status_code == 200, finished.text

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(push, ("one", "two"), (first, second)))
    for name, archive in archives.items():
        got = requests.get(
            first.url(first.model(name, "v1", "download")), headers=server.headers, timeout=30
        )
        assert got.content == archive
    assert server.log_text().count(FAST) == 2
