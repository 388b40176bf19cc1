"""Archives in and out: the three strategies, the archive check, Range downloads, signatures."""

from __future__ import annotations

import io
import tarfile
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from registry_helpers import (
    Api,
    create_body,
    create_model,
    file_list,
    files_in,
    make_tar,
    model_files,
    model_yaml,
    push_proxy,
    put_part,
    split,
    start_multipart,
    stored_list,
)

# The transfer matrix on each backend: every strategy's state changes (db.py).
pytestmark = pytest.mark.both_databases


@pytest.fixture(params=["local", "s3"])
def api(request, registry_factory) -> Api:
    """A proxy-strategy registry keeping archives in its data dir, or in a moto S3 bucket
    (``--storage``): the proxy PUT's archive check and the downloads must not differ."""
    s3 = request.getfixturevalue("s3_bucket") if request.param == "s3" else None
    return Api(registry_factory(s3=s3))


def status_of(api: Api, name: str, version: str) -> dict:
    return api.ok(api.get(api.model(name, version)))


def download(api: Api, name: str, version: str, **kwargs) -> requests.Response:
    return api.get(api.model(name, version, "download"), **kwargs)


# ---- proxy and the archive check ----------------------------------------------------


def test_proxy_push_sets_success_and_downloads_byte_identical(api):
    files = model_files("demo", "v1", {"weights.bin": bytes(range(256)) * 999, "a/b/c.txt": b"c"})
    response = push_proxy(api, "demo", "v1", files)
    assert response.status_code == 200, response.text
    model = status_of(api, "demo", "v1")
    assert model["upload_status"] == "success"
    assert model["upload_finished_at"] and model["upload_started_at"]
    got = download(api, "demo", "v1")
    assert got.status_code == 200
    assert got.headers["Content-Length"] == str(len(got.content))
    assert got.headers["Accept-Ranges"] == "bytes"
    assert got.content == make_tar(files)
    assert files_in(got.content) == files


def test_a_push_without_file_list_gets_one_computed(api):
    files = model_files("demo", "v1")
    created = create_model(api, "demo", "v1", files, with_list=False)
    assert stored_list(created["manifest"]) is None
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert api.put(api.model("demo", "v1", "upload"), data=make_tar(files)).status_code == 200
    manifest = status_of(api, "demo", "v1")["manifest"]
    assert stored_list(manifest) == file_list(files)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda f: f.update({"weights.bin": b"W" * 5000}), "weights.bin"),
        (lambda f: f.update({"weights.bin": b"w" * 4999}), "weights.bin"),
        (lambda f: f.pop("sub/cfg.json"), "sub/cfg.json"),
        (lambda f: f.update({"stowaway.bin": b"!"}), "stowaway.bin"),
    ],
)
def test_archive_not_matching_the_file_list_fails_naming_the_file(api, change, named):
    listed = model_files("demo", "v1")
    create_model(api, "demo", "v1", listed)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    sent = dict(listed)
    change(sent)
    response = api.put(api.model("demo", "v1", "upload"), data=make_tar(sent))
    assert response.status_code == 400
    assert named in response.json()["error"]
    model = status_of(api, "demo", "v1")
    assert model["upload_status"] == "failed"
    assert named in model["upload_finished_reason"]
    assert download(api, "demo", "v1").status_code == 409
    assert api.patch(api.model("demo", "v1", "presign_download_url")).status_code == 409


def unsafe(kind: str) -> bytes:
    files = model_files("demo", "v1")
    info = tarfile.TarInfo({"evil": "../evil", "abs": "/tmp/evil"}.get(kind, f"./{kind}"))
    data: bytes | None = b"x"
    if kind == "hardlink":
        info.type, info.linkname, data = tarfile.LNKTYPE, "./missing.bin", None
    elif kind == "device":
        info.type, data = tarfile.CHRTYPE, None
    elif kind == "fifo":
        info.type, data = tarfile.FIFOTYPE, None
    elif kind == "outlink":
        info.type, info.linkname, data = tarfile.SYMTYPE, "../../etc/passwd", None
    elif kind == "dup":
        info.name = "./weights.bin"
    if data is not None:
        info.size = len(data)
    return make_tar(files, extra=[(info, data)])


@pytest.mark.parametrize("kind", ["evil", "abs", "hardlink", "device", "fifo", "outlink", "dup"])
def test_unsafe_archives_are_refused(api, kind):
    create_model(api, "demo", "v1", with_list=False)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    response = api.put(api.model("demo", "v1", "upload"), data=unsafe(kind))
    assert response.status_code == 400
    model = status_of(api, "demo", "v1")
    assert model["upload_status"] == "failed"
    assert model["upload_finished_reason"]
    assert stored_list(model["manifest"]) is None


def test_a_hard_link_to_an_earlier_file_is_listed_as_a_copy(api):
    """The official client's ``tar.add`` stores a second path to one inode as a hard link."""
    files = model_files("demo", "v1")
    link = tarfile.TarInfo("./again.bin")
    link.type, link.linkname = tarfile.LNKTYPE, "./weights.bin"
    counted = {**files, "again.bin": files["weights.bin"]}  # bentoml sizes each path
    create_model(api, "demo", "v1", counted, with_list=False)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    response = api.put(
        api.model("demo", "v1", "upload"), data=make_tar(files, extra=[(link, None)])
    )
    assert response.status_code == 200, response.text
    listed = stored_list(status_of(api, "demo", "v1")["manifest"])
    assert listed is not None
    by_path = {path: (size, sha) for path, size, sha in listed["files"]}
    assert by_path["again.bin"] == by_path["weights.bin"]


@pytest.mark.parametrize(
    ("archive", "words"),
    [
        (lambda: make_tar({"model.yaml": model_yaml("other", "v1")}), "other:v1"),
        (lambda: make_tar({"weights.bin": b"x"}), "no model.yaml"),
        (lambda: make_tar({"model.yaml": b"{not: [yaml"}), "not valid"),
        (lambda: b"garbage" * 3000, "tar archive"),
        (lambda: make_tar(model_files("demo", "v1"))[:7000], "'weights.bin' is truncated"),
    ],
)
def test_archives_for_another_model_or_broken_ones_fail(api, archive, words):
    create_model(api, "demo", "v1", with_list=False)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    response = api.put(api.model("demo", "v1", "upload"), data=archive())
    assert response.status_code == 400
    assert words in status_of(api, "demo", "v1")["upload_finished_reason"]


@pytest.mark.parametrize("mode", ["w:gz", "w:xz"])
def test_compressed_archives_are_accepted_like_tarfile_r_star(api, mode):
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    archive = make_tar(files, mode=mode)
    assert api.put(api.model("demo", "v1", "upload"), data=archive).status_code == 200
    assert download(api, "demo", "v1").content == archive


def test_upload_needs_start_upload_and_a_failed_upload_can_be_redone(api):
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files)
    response = api.put(api.model("demo", "v1", "upload"), data=make_tar(files))
    assert response.status_code == 409 and "start_upload" in response.json()["error"]
    assert download(api, "demo", "v1").status_code == 409  # pending
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert download(api, "demo", "v1").status_code == 409  # uploading
    bad = dict(files, **{"weights.bin": b"nope"})
    assert api.put(api.model("demo", "v1", "upload"), data=make_tar(bad)).status_code == 400
    started = api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert started["upload_status"] == "uploading" and started["upload_finished_reason"] == ""
    assert api.put(api.model("demo", "v1", "upload"), data=make_tar(files)).status_code == 200
    assert status_of(api, "demo", "v1")["upload_status"] == "success"


# ---- Range ------------------------------------------------------------------------


def test_range_downloads(api):
    files = model_files("demo", "v1", {"weights.bin": bytes(range(256)) * 400})
    assert push_proxy(api, "demo", "v1", files).status_code == 200
    whole = make_tar(files)
    size = len(whole)
    etag = download(api, "demo", "v1").headers["ETag"]

    def ranged(value: str, **headers: str) -> requests.Response:
        return download(api, "demo", "v1", headers={"Range": value, **headers})

    part = ranged("bytes=100-199")
    assert part.status_code == 206
    assert part.content == whole[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{size}"
    assert part.headers["Content-Length"] == "100"
    tail = ranged("bytes=-300")
    assert tail.status_code == 206 and tail.content == whole[-300:]
    assert tail.headers["Content-Range"] == f"bytes {size - 300}-{size - 1}/{size}"
    rest = ranged(f"bytes={size - 10}-")
    assert rest.status_code == 206 and rest.content == whole[-10:]
    clipped = ranged(f"bytes={size - 5}-{size + 100}")
    assert clipped.status_code == 206 and clipped.content == whole[-5:]
    assert ranged("bytes=-999999999").content == whole
    for unsatisfiable in (f"bytes={size}-", f"bytes={size + 10}-{size + 20}", "bytes=-0"):
        refused = ranged(unsatisfiable)
        assert refused.status_code == 416
        assert refused.headers["Content-Range"] == f"bytes */{size}"
    for ignored in ("bytes=0-1,5-6", "pages=1-2", "bytes=9-3"):
        full = ranged(ignored)
        assert full.status_code == 200 and full.content == whole
    assert ranged("bytes=0-9", **{"If-Range": etag}).status_code == 206
    stale = ranged("bytes=0-9", **{"If-Range": '"something-else"'})
    assert stale.status_code == 200 and stale.content == whole


# ---- single presigned PUT/GET ---------------------------------------------------------


def test_presigned_strategy_round_trip_without_token(registry_factory):
    server = registry_factory(strategy="presigned")
    api = Api(server)
    files = model_files("demo", "v1")
    created = create_model(api, "demo", "v1", files)
    assert created["transmission_strategy"] is None
    url = api.ok(api.patch(api.model("demo", "v1", "presign_upload_url")))["presigned_upload_url"]
    assert url.startswith(server.endpoint + "/") and "signature=" in url
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    assert requests.put(url, data=make_tar(files), timeout=30).status_code == 200
    assert status_of(api, "demo", "v1")["upload_status"] == "uploading"
    finished = api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )
    assert finished["upload_status"] == "success" and finished["upload_finished_at"]
    got = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))
    fetched = requests.get(got["presigned_download_url"], timeout=30)
    assert fetched.status_code == 200 and fetched.content == make_tar(files)
    ranged = requests.get(got["presigned_download_url"], headers={"Range": "bytes=0-9"}, timeout=30)
    assert ranged.status_code == 206 and ranged.content == make_tar(files)[:10]


def tamper(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    path = changes.pop("path", parts.path)
    query.update(changes)
    return f"{parts.scheme}://{parts.netloc}{path}?{urlencode(query)}"


def test_tampered_presigned_urls_are_refused(registry_factory):
    server = registry_factory(strategy="presigned")
    api = Api(server)
    files = model_files("demo", "v1")
    assert push_proxy(api, "demo", "v1", files).status_code == 200
    other = create_model(api, "demo", "v2")
    url = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))[
        "presigned_download_url"
    ]
    signature = parse_qs(urlsplit(url).query)["signature"][0]
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    expires = parse_qs(urlsplit(url).query)["expires"][0]
    bad_urls = [
        tamper(url, signature=flipped),
        tamper(url, expires=str(int(expires) + 3600)),
        tamper(
            url, path=urlsplit(url).path.replace(urlsplit(url).path.rsplit("/", 1)[1], other["uid"])
        ),
        url.split("?")[0],
        tamper(url, signature=""),
        tamper(url, expires="soon"),
    ]
    for bad in bad_urls:
        response = requests.get(bad, timeout=10)
        assert response.status_code == 403, bad
        assert signature not in response.text
    # A GET URL does not allow a PUT to the same object.
    assert requests.put(url, data=make_tar(files), timeout=10).status_code == 403
    assert requests.get(url, timeout=10).status_code == 200


def test_expired_presigned_urls_are_refused(registry_factory):
    server = registry_factory(strategy="presigned", extra_args=["--presign-expiry", "1"])
    api = Api(server)
    assert push_proxy(api, "demo", "v1").status_code == 200
    url = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))[
        "presigned_download_url"
    ]
    time.sleep(2.2)
    response = requests.get(url, timeout=10)
    assert response.status_code == 403
    assert "expired" in response.json()["error"]


def test_finish_success_without_an_archive_fails_the_upload(registry_factory):
    api = Api(registry_factory(strategy="presigned"))
    create_model(api, "demo", "v1")
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    response = api.patch(
        api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
    )
    assert response.status_code == 400
    model = status_of(api, "demo", "v1")
    assert (
        model["upload_status"] == "failed"
        and "no complete archive" in model["upload_finished_reason"]
    )
    bad = api.patch(api.model("demo", "v1", "finish_upload"), json={"status": "done"})
    assert bad.status_code == 400


def test_presigned_put_of_a_bad_archive_keeps_the_servers_reason(registry_factory):
    api = Api(registry_factory(strategy="presigned"))
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files)
    url = api.ok(api.patch(api.model("demo", "v1", "presign_upload_url")))["presigned_upload_url"]
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    bad = dict(files, **{"weights.bin": b"tampered"})
    response = requests.put(url, data=make_tar(bad), timeout=30)
    assert response.status_code == 400 and "weights.bin" in response.text
    finished = api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"),
            json={"status": "failed", "reason": response.text},
        )
    )
    assert finished["upload_status"] == "failed"
    assert finished["upload_finished_reason"].startswith("The archive does not match")


# ---- multipart --------------------------------------------------------------------


def test_multipart_round_trip(registry_factory):
    server = registry_factory(strategy="multipart")
    api = Api(server)
    files = model_files("demo", "v1", {f"w{i}.bin": bytes([i]) * 70_000 for i in range(6)})
    archive = make_tar(files)
    upload_id = start_multipart(api, "demo", "v1", files)
    assert status_of(api, "demo", "v1")["transmission_strategy"] == "presigned_url"
    chunks = split(archive, 4)
    with ThreadPoolExecutor(4) as pool:
        responses = list(
            pool.map(
                lambda n: put_part(api, "demo", "v1", upload_id, n, chunks[n - 1]),
                range(1, len(chunks) + 1),
            )
        )
    assert all(response.status_code == 200 for response in responses)
    etags = [response.headers["ETag"] for response in responses]
    assert all(etag.startswith('"') and etag.endswith('"') for etag in etags)
    assert len(set(etags)) == len(etags)
    # A retried part is a new stored version with an ETag of its own: the
    # client lists the ETag its last attempt got.
    retried = put_part(api, "demo", "v1", upload_id, 2, chunks[1])
    assert retried.headers["ETag"] not in etags
    responses[1] = retried
    parts = [{"part_number": n, "etag": r.headers["ETag"]} for n, r in enumerate(responses, 1)]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    finished = api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )
    assert finished["upload_status"] == "success"
    url = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))[
        "presigned_download_url"
    ]
    assert requests.get(url, timeout=30).content == archive
    assert not list((server.data_dir / "parts").iterdir())  # parts are gone once done


def test_multipart_completion_checks_parts_and_etags(registry_factory):
    api = Api(registry_factory(strategy="multipart"))
    files = model_files("demo", "v1")
    chunks = split(make_tar(files), 2)
    upload_id = start_multipart(api, "demo", "v1", files)
    etags = [
        put_part(api, "demo", "v1", upload_id, n, c).headers["ETag"]
        for n, c in enumerate(chunks, 1)
    ]

    def complete(upload: str, parts: list[tuple[int, str]]) -> requests.Response:
        body = {"upload_id": upload, "parts": [{"part_number": n, "etag": e} for n, e in parts]}
        return api.patch(api.model("demo", "v1", "complete_multipart_upload"), json=body)

    cases = [
        (complete(upload_id, [(1, etags[0]), (2, '"0000"')]), "ETag"),
        (complete(upload_id, [(1, etags[0]), (3, etags[1])]), "not uploaded"),
        (complete(upload_id, [(2, etags[1]), (1, etags[0])]), "ascending"),
        (complete(upload_id, []), "empty"),
    ]
    for response, words in cases:
        assert response.status_code == 400, response.text
        assert words in response.json()["error"]
    unknown = complete("nope", [(1, etags[0])])  # S3's NoSuchUpload is a 404 too
    assert unknown.status_code == 404 and "Unknown upload_id" in unknown.json()["error"]
    for body, status in (
        ({"upload_id": "nope", "part_number": 1}, 404),
        ({"upload_id": upload_id, "part_number": 0}, 400),
    ):
        response = api.patch(api.model("demo", "v1", "presign_multipart_upload_url"), json=body)
        assert response.status_code == status
    # A part replaced after its ETag was noted: the old ETag no longer completes.
    put_part(api, "demo", "v1", upload_id, 2, chunks[1] + b"\0" * 512)
    assert complete(upload_id, [(1, etags[0]), (2, etags[1])]).status_code == 400
    etags[1] = put_part(api, "demo", "v1", upload_id, 2, chunks[1]).headers["ETag"]
    # Unquoted ETags name the same parts.
    api.ok(complete(upload_id, [(1, etags[0].strip('"')), (2, etags[1])]))
    api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )


def test_multipart_archive_check_failure_is_reported_at_finish(registry_factory):
    api = Api(registry_factory(strategy="multipart"))
    files = model_files("demo", "v1")
    upload_id = start_multipart(api, "demo", "v1", files)
    bad = make_tar(dict(files, **{"sub/cfg.json": b"{}"}))
    etag = put_part(api, "demo", "v1", upload_id, 1, bad).headers["ETag"]
    api.ok(
        api.patch(
            api.model("demo", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": [{"part_number": 1, "etag": etag}]},
        )
    )
    response = api.patch(
        api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
    )
    assert response.status_code == 400 and "sub/cfg.json" in response.text
    assert "sub/cfg.json" in status_of(api, "demo", "v1")["upload_finished_reason"]


def test_abandoned_multipart_uploads_are_cleaned_up(registry_factory):
    server = registry_factory(strategy="multipart", extra_args=["--stale-after", "2"])
    api = Api(server)
    files = model_files("demo", "v1")
    first = start_multipart(api, "demo", "v1", files)
    assert put_part(api, "demo", "v1", first, 1, b"x" * 1000).status_code == 200
    assert (server.data_dir / "parts" / first).is_dir()
    old_url = api.ok(
        api.patch(
            api.model("demo", "v1", "presign_multipart_upload_url"),
            json={"upload_id": first, "part_number": 2},
        )
    )["presigned_upload_url"]
    # A new start_multipart_upload drops the previous session and its parts.
    second = api.ok(api.patch(api.model("demo", "v1", "start_multipart_upload")))["upload_id"]
    assert not (server.data_dir / "parts" / first).exists()
    assert requests.put(old_url, data=b"x", timeout=10).status_code == 404  # NoSuchUpload
    assert not (server.data_dir / "parts" / first).exists()
    assert put_part(api, "demo", "v1", second, 1, b"y" * 100).status_code == 200
    # Left alone longer than --stale-after, the reaper removes it.
    deadline = time.monotonic() + 10
    while (server.data_dir / "parts" / second).exists() and time.monotonic() < deadline:
        time.sleep(0.25)
    assert not (server.data_dir / "parts" / second).exists()
    response = api.patch(
        api.model("demo", "v1", "presign_multipart_upload_url"),
        json={"upload_id": second, "part_number": 1},
    )
    assert response.status_code == 404  # reaped: gone, as S3's NoSuchUpload


def test_every_route_works_in_every_strategy(registry_factory):
    """The strategy only changes what is advertised; a proxy PUT works in multipart mode."""
    api = Api(registry_factory(strategy="multipart"))
    assert push_proxy(api, "demo", "v1").status_code == 200
    assert download(api, "demo", "v1").status_code == 200
    with tarfile.open(fileobj=io.BytesIO(download(api, "demo", "v1").content)) as tar:
        assert tar.getnames()[0] == "."


def test_an_official_push_lacking_whole_files_gets_no_checksums(api):
    """A tar cut at a member boundary is valid: the announced size is what shows the loss."""
    files = model_files("demo", "v1")
    create_model(api, "demo", "v1", files, with_list=False)
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    short = {path: data for path, data in files.items() if path != "weights.bin"}
    response = api.put(api.model("demo", "v1", "upload"), data=make_tar(short))
    assert response.status_code == 400
    assert "files are missing" in response.json()["error"]
    model = status_of(api, "demo", "v1")
    assert model["upload_status"] == "failed"
    assert stored_list(model["manifest"]) is None


def test_bentomls_size_with_file_symlinks_counted_twice_is_accepted(api):
    """bentoml's size_bytes follows symlinks to files (Path.is_file); that total is right too."""
    files = model_files("demo", "v1")
    body = create_body("v1", files, with_list=False)
    body["manifest"]["size_bytes"] += len(files["weights.bin"])  # alias.bin -> weights.bin
    api.ok(api.post("/model_repositories", json={"name": "demo", "description": ""}))
    api.ok(api.post("/model_repositories/demo/models", json=body))
    api.ok(api.patch(api.model("demo", "v1", "start_upload")))
    archive = make_tar(files, symlinks={"alias.bin": "weights.bin"})
    response = api.put(api.model("demo", "v1", "upload"), data=archive)
    assert response.status_code == 200, response.text
    assert status_of(api, "demo", "v1")["upload_status"] == "success"
