"""Registry throughput on loopback: proxy and multipart, up and down, next to a plain copy.

Run with ``make bench``. One ~1 GiB model archive is uploaded and downloaded
through a real ``bentosync registry serve`` process, and every figure is set
beside a plain copy of the same file on the same disk measured in the same run
(read, write, fsync: what the server must do at least; the mean of one copy
before and one after the registry runs), so the ratio is what
matters, not the machine's absolute MB/s. Uploads are timed until the server
has answered, i.e. including its archive check and fsync. Downloads are
written to a file and fsynced, like a client would, and once more into
nothing, which shows the server's own speed apart from the client's disk.

Multipart uploads also report their tail: the seconds from the moment the last
part's PUT was answered until finish_upload answered ``success`` (complete +
finish), which is all the waiting a client sees after its last byte. It is
measured for a push with a file list (ours, ``PART_THREADS`` threads) and one
without (the official client: 10 threads, the server computes the list).

The client side uses ``http.client`` with 1 MiB blocks (requests sends 8 KiB
at a time and would measure itself). Size: ``BENTOSYNC_BENCH_MB`` (default 1024).
"""

from __future__ import annotations

import http.client
import json
import os
import tarfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bentosync.core.archive import hash_tar_stream
from bentosync.core.filelist import METADATA_KEY, Checksums
from bentosync.core.modelinfo import new_model_document
from bentosync.core.tags import Tag
from support.registry import RegistryServer
from support.trees import make_big_folder

MIB = 1024 * 1024
TOTAL_MB = int(os.environ.get("BENTOSYNC_BENCH_MB", "1024"))
BLOCK = MIB
PART_SIZE = 100 * MIB  # the official client's FILE_CHUNK_SIZE
PART_THREADS = 4
OFFICIAL_THREADS = 10


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A model archive laid out like the official client's, and its file list."""
    root = tmp_path_factory.mktemp("bench-registry")
    model = root / "model"
    make_big_folder(model, TOTAL_MB * MIB, 128 * MIB if TOTAL_MB >= 256 else 16 * MIB)
    document = new_model_document(Tag("bench", "v1"))
    (model / "model.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    path = root / "model.tar"
    with tarfile.open(path, "w:") as tar:
        tar.add(model, arcname="./")
    with open(path, "rb") as handle:
        files = hash_tar_stream(handle)
        os.fsync(handle.fileno())
    return path, Checksums.of(files).to_metadata_value(budget=1 << 40)


def timed(work: Callable[..., object], *args: object) -> float:
    os.sync()  # start each run with no one else's dirty pages still going to disk
    started = time.perf_counter()
    work(*args)
    return time.perf_counter() - started


def plain_copy(source: Path, target: Path) -> None:
    with open(source, "rb") as src, open(target, "wb") as dst:
        while chunk := src.read(8 * MIB):
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())


class Client:
    """Minimal HTTP against one server: JSON calls and streamed bodies, 1 MiB blocks."""

    def __init__(self, server: RegistryServer) -> None:
        self.server = server
        self.host, self.port = "127.0.0.1", server.port

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=600, blocksize=BLOCK)

    def call(self, method: str, path: str, body: object = None, auth: bool = True) -> dict:
        conn = self.connection()
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["X-YATAI-API-TOKEN"] = self.server.token
        payload = json.dumps(body) if body is not None else None
        conn.request(method, "/api/v1" + path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        assert response.status == 200, f"{method} {path}: {response.status} {data[:300]!r}"
        return json.loads(data)

    def put_file(self, url_path: str, source: Path, start: int, length: int, auth: bool) -> str:
        conn = self.connection()
        headers = {"Content-Length": str(length)}
        if auth:
            headers["X-YATAI-API-TOKEN"] = self.server.token
        conn.putrequest("PUT", url_path, skip_accept_encoding=True)
        for key, value in headers.items():
            conn.putheader(key, value)
        conn.endheaders()
        with open(source, "rb") as handle:
            handle.seek(start)
            left = length
            while left:
                chunk = handle.read(min(BLOCK, left))
                conn.send(chunk)
                left -= len(chunk)
        response = conn.getresponse()
        body = response.read()
        conn.close()
        assert response.status == 200, body[:300]
        return response.getheader("ETag") or ""

    def get_file(self, url_path: str, target: Path | None, auth: bool) -> int:
        """Stream a GET into ``target`` (fsynced), or nowhere when it is None."""
        conn = self.connection()
        headers = {"X-YATAI-API-TOKEN": self.server.token} if auth else {}
        conn.request("GET", url_path, headers=headers)
        response = conn.getresponse()
        assert response.status == 200
        total = 0
        if target is None:
            while chunk := response.read(BLOCK):
                total += len(chunk)
        else:
            with open(target, "wb") as out:
                while chunk := response.read(BLOCK):
                    out.write(chunk)
                    total += len(chunk)
                out.flush()
                os.fsync(out.fileno())
        conn.close()
        return total


def create(client: Client, manifest_files: dict | None, version: str) -> str:
    path = f"/model_repositories/bench/models/{version}"
    client.call("POST", "/model_repositories", {"name": "bench", "description": ""})
    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": 0,
    }
    if manifest_files is not None:
        manifest["metadata"] = {METADATA_KEY: manifest_files}
    client.call(
        "POST", "/model_repositories/bench/models", {"version": version, "manifest": manifest}
    )
    client.call("PATCH", path + "/start_upload")
    return path


def proxy_upload(client: Client, source: Path, files: dict | None, *_: object) -> None:
    path = create(client, files, "v1")
    client.put_file("/api/v1" + path + "/upload", source, 0, source.stat().st_size, auth=True)


def multipart_upload(
    client: Client,
    source: Path,
    files: dict | None,
    threads: int = PART_THREADS,
    tails: list[tuple[str, float]] | None = None,
) -> None:
    """Parts in parallel, then complete + finish; appends the tail's seconds to ``tails``."""
    path = create(client, files, "v1")
    upload_id = client.call("PATCH", path + "/start_multipart_upload")["upload_id"]
    size = source.stat().st_size
    count = -(-size // PART_SIZE)

    def part(number: int) -> dict:
        presigned = client.call(
            "PATCH",
            path + "/presign_multipart_upload_url",
            {"upload_id": upload_id, "part_number": number},
        )["presigned_upload_url"]
        url = urlsplit(presigned)
        start = (number - 1) * PART_SIZE
        etag = client.put_file(
            f"{url.path}?{url.query}", source, start, min(PART_SIZE, size - start), auth=False
        )
        return {"part_number": number, "etag": etag}

    with ThreadPoolExecutor(min(count, threads)) as pool:
        parts = list(pool.map(part, range(1, count + 1)))
    last_part_answered = time.perf_counter()
    body = {"upload_id": upload_id, "parts": parts}
    client.call("PATCH", path + "/complete_multipart_upload", body)
    done = client.call("PATCH", path + "/finish_upload", {"status": "success", "reason": ""})
    assert done["upload_status"] == "success"
    if tails is not None:
        listed = "with file list" if files is not None else "no file list"
        tails.append((f"{listed}, {threads} threads", time.perf_counter() - last_part_answered))


def proxy_download(client: Client, target: Path | None) -> None:
    client.get_file("/api/v1/model_repositories/bench/models/v1/download", target, auth=True)


def presigned_download(client: Client, target: Path | None) -> None:
    url = urlsplit(
        client.call("PATCH", "/model_repositories/bench/models/v1/presign_download_url")[
            "presigned_download_url"
        ]
    )
    client.get_file(f"{url.path}?{url.query}", target, auth=False)


def test_registry_throughput(archive, registry_factory, tmp_path):
    source, files = archive
    size = source.stat().st_size
    mb = size / 1e6
    rows: list[tuple[str, float]] = []

    def copy() -> float:
        seconds = timed(plain_copy, source, tmp_path / "copy.tar")
        (tmp_path / "copy.tar").unlink()
        return seconds

    copy_before = copy()
    tails: list[tuple[str, float]] = []
    for strategy, upload, download in (
        ("proxy", proxy_upload, proxy_download),
        ("multipart", multipart_upload, presigned_download),
    ):
        client = Client(registry_factory(strategy=strategy))
        seconds = timed(upload, client, source, files, PART_THREADS, tails)
        rows.append((f"{strategy} upload (until checked)", seconds))
        target = tmp_path / f"{strategy}.tar"
        rows.append((f"{strategy} download (to file)", timed(download, client, target)))
        assert target.stat().st_size == size
        target.unlink()
        rows.append((f"{strategy} download (discarded)", timed(download, client, None)))
        client.server.stop()
    # The official client sends no file list and uses 10 threads: the server computes it.
    client = Client(registry_factory(strategy="multipart"))
    seconds = timed(multipart_upload, client, source, None, OFFICIAL_THREADS, tails)
    rows.append(("multipart upload, official-style", seconds))
    client.server.stop()
    copy_after = copy()
    # The baseline is the mean of a copy before and after, so drift in the disk's
    # mood during the run does not land on one side only.
    baseline = (copy_before + copy_after) / 2
    rows[:0] = [("plain copy, before", copy_before), ("plain copy, after", copy_after)]

    print(f"\nRegistry throughput, {mb:.0f} MB archive, loopback, {os.cpu_count()} CPUs")
    print(f"{'operation':<36} {'seconds':>8} {'MB/s':>8} {'vs copy':>8}")
    for label, seconds in rows:
        print(f"{label:<36} {seconds:>8.2f} {mb / seconds:>8.0f} {baseline / seconds:>8.2f}")
    print("Multipart tail: last part answered -> finish_upload answered success")
    for label, seconds in tails:
        print(f"  {label:<34} {seconds:>8.2f} s")
