"""The bentocloud flavour's storage endpoint: S3's rules and S3's errors behind presigned URLs."""

from __future__ import annotations

import calendar
import hashlib
import http.client
import os
import socket
import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree

import pytest
import requests
from registry_helpers import (
    Api,
    begin_upload,
    cut_short,
    make_tar,
    model_files,
    start_multipart,
    wait_for,
)

from support.registry import TOKEN_LEAK_MARKER, RegistryServer

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


def s3_error(response: requests.Response | tuple[int, bytes]) -> tuple[int, str, str]:
    """(status, Code, Message) of an S3 XML error answer."""
    status, body = (
        (response.status_code, response.content)
        if isinstance(response, requests.Response)
        else response
    )
    root = ElementTree.fromstring(body)
    assert root.tag == "Error", body
    return status, root.findtext("Code") or "", root.findtext("Message") or ""


def raw_put(url: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, bytes]:
    """A PUT written by hand, so the headers may promise a body that never comes."""
    parts = urlsplit(url)
    lines = [f"PUT {parts.path}?{parts.query} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode()
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(head + body)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def quoted_md5(data: bytes) -> str:
    return f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'


def strict(registry_factory, strategy: str = "multipart", *args: str) -> RegistryServer:
    return registry_factory(strategy=strategy, flavor="bentocloud", extra_args=list(args))


class Upload:
    """One multipart upload of demo:v1, driven the way a client drives it."""

    def __init__(self, server: RegistryServer, files: dict[str, bytes] | None = None) -> None:
        self.api = Api(server)
        self.upload_id = start_multipart(self.api, "demo", "v1", files or model_files("demo", "v1"))

    def part_url(self, number: int, upload_id: str | None = None) -> str:
        model = self.api.ok(
            self.api.patch(
                self.api.model("demo", "v1", "presign_multipart_upload_url"),
                json={"upload_id": upload_id or self.upload_id, "part_number": number},
            )
        )
        return str(model["presigned_upload_url"])

    def put(self, number: int, data: bytes) -> str:
        response = requests.put(self.part_url(number), data=data, timeout=60)
        assert response.status_code == 200, response.text
        return response.headers["ETag"]

    def complete(self, parts: list[tuple[int, str]]) -> requests.Response:
        body = {
            "upload_id": self.upload_id,
            "parts": [{"part_number": n, "etag": etag} for n, etag in parts],
        }
        return self.api.patch(self.api.model("demo", "v1", "complete_multipart_upload"), json=body)

    def finish_and_download(self) -> bytes:
        return finish_and_download(self.api)


def finish_and_download(api: Api) -> bytes:
    """finish_upload(success) for demo:v1, then its archive through a presigned GET."""
    api.ok(
        api.patch(
            api.model("demo", "v1", "finish_upload"), json={"status": "success", "reason": ""}
        )
    )
    response = requests.get(download_url(api), timeout=60)
    assert response.status_code == 200
    return response.content


def download_url(api: Api) -> str:
    model = api.ok(api.patch(api.model("demo", "v1", "presign_download_url")))
    return str(model["presigned_download_url"])


def single_put_url(server: RegistryServer) -> str:
    api = Api(server)
    begin_upload(api, "demo", "v1")
    return str(
        api.ok(api.patch(api.model("demo", "v1", "presign_upload_url")))["presigned_upload_url"]
    )


# ---- sizes, decided from Content-Length -----------------------------------------------


def test_a_single_put_over_5_gib_is_refused_before_its_body(registry_factory):
    url = single_put_url(strict(registry_factory, "presigned"))
    answer = raw_put(url, {"Content-Length": str(5 * GiB + 1)})
    assert s3_error(answer)[:2] == (400, "EntityTooLarge")
    # S3 needs the length up front: a chunked body has none.
    chunked = raw_put(url, {"Transfer-Encoding": "chunked"}, b"0\r\n\r\n")
    assert s3_error(chunked)[:2] == (411, "MissingContentLength")


def test_a_part_over_5_gib_is_refused_before_its_body(registry_factory):
    upload = Upload(strict(registry_factory))
    answer = raw_put(upload.part_url(1), {"Content-Length": str(5 * GiB + 1)})
    assert s3_error(answer)[:2] == (400, "EntityTooLarge")


@pytest.mark.parametrize("number", [0, 10_001])
def test_part_numbers_run_from_1_to_10000(registry_factory, number):
    upload = Upload(strict(registry_factory))
    refused = requests.put(upload.part_url(number), data=b"x", timeout=30)
    status, code, message = s3_error(refused)
    assert (status, code) == (400, "InvalidArgument") and "10000" in message
    assert requests.put(upload.part_url(10_000), data=b"x", timeout=30).status_code == 200


def test_parts_of_an_unknown_upload_are_no_such_upload(registry_factory):
    upload = Upload(strict(registry_factory))
    answer = requests.put(upload.part_url(1, upload_id="f" * 32), data=b"x", timeout=30)
    assert s3_error(answer)[:2] == (404, "NoSuchUpload")


# ---- ETags and completion ---------------------------------------------------------------


def test_etags_are_the_quoted_md5_of_the_bytes(registry_factory):
    upload = Upload(strict(registry_factory))
    data = os.urandom(1000)
    assert upload.put(1, data) == quoted_md5(data)
    single = requests.put(single_put_url(strict(registry_factory, "presigned")), data=data)
    assert single.status_code == 200 and single.headers["ETag"] == quoted_md5(data)


def test_completion_follows_s3s_rules(registry_factory):
    upload = Upload(strict(registry_factory))
    first, middle, last = os.urandom(5 * MiB), os.urandom(1 * MiB), os.urandom(10 * KiB)
    etags = {1: upload.put(1, first), 2: upload.put(2, middle), 3: upload.put(3, last)}

    def refused(parts: list[tuple[int, str]]) -> str:
        response = upload.complete(parts)
        assert response.status_code == 400, response.text
        return str(response.json()["error"])

    assert "EntityTooSmall" in refused([(1, etags[1]), (2, etags[2]), (3, etags[3])])
    assert "InvalidPartOrder" in refused([(2, etags[2]), (1, etags[1])])
    assert "InvalidPartOrder" in refused([(1, etags[1]), (1, etags[1])])
    assert "InvalidPart:" in refused([(1, etags[1].strip('"'))])  # S3 compares quotes too
    other_digit = "1" if etags[1][-2] == "0" else "0"  # an ETag that differs, whatever it is
    assert "InvalidPart:" in refused([(1, etags[1][:-2] + other_digit + '"')])
    assert "InvalidPart:" in refused([(1, etags[1]), (4, etags[3])])
    # A refused completion leaves the upload open; a valid list then completes it.
    assert upload.complete([(1, etags[1]), (2, etags[2])]).status_code == 200
    assert upload.finish_and_download() == first + middle
    again = upload.complete([(1, etags[1]), (2, etags[2])])
    assert again.status_code == 400 and "NoSuchUpload" in again.json()["error"]


def test_a_part_cut_short_is_not_stored(registry_factory):
    server = strict(registry_factory)
    upload = Upload(server)
    data = os.urandom(64 * KiB)
    url = urlsplit(upload.part_url(1))
    with cut_short(server.storage_port, f"{url.path}?{url.query}", data):
        pass
    # The storage has seen the PUT end (its access log line is written last).
    wait_for(lambda: '"PUT /bentosync-models/models/default/demo/v1.tar"' in server.log_text())
    response = upload.complete([(1, quoted_md5(data))])
    assert response.status_code == 400 and "InvalidPart" in response.json()["error"]


# ---- signatures and expiry ------------------------------------------------------------


def test_an_expired_url_is_access_denied(registry_factory):
    upload = Upload(strict(registry_factory, "multipart", "--presign-expiry", "1"))
    url = upload.part_url(1)
    query = parse_qs(urlsplit(url).query)
    signed_at = calendar.timegm(time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ"))
    expires_at = signed_at + int(query["X-Amz-Expires"][0])
    time.sleep(max(0.0, expires_at - time.time()) + 1.1)
    status, code, message = s3_error(requests.put(url, data=b"x", timeout=30))
    assert (status, code, message) == (403, "AccessDenied", "Request has expired")


@pytest.mark.parametrize(
    "change",
    [
        {"X-Amz-Signature": "0" * 64},
        {"X-Amz-Expires": "999999"},  # a longer life is a different URL
        {"partNumber": "2"},
        {"uploadId": "0" * 32},
    ],
    ids=["signature", "expires", "part-number", "upload-id"],
)
def test_an_altered_url_does_not_match_its_signature(registry_factory, change):
    upload = Upload(strict(registry_factory))
    answer = requests.put(with_query(upload.part_url(1), **change), data=b"x", timeout=30)
    assert s3_error(answer)[:2] == (403, "SignatureDoesNotMatch")


def test_a_url_is_for_one_method_one_key_and_signed_at_all(registry_factory):
    server = strict(registry_factory, "presigned")
    url = single_put_url(server)
    assert s3_error(requests.get(url, timeout=30))[:2] == (403, "SignatureDoesNotMatch")
    other_key = url.replace("/demo/v1.tar", "/demo/v2.tar")
    assert s3_error(requests.put(other_key, data=b"x", timeout=30))[:2] == (
        403,
        "SignatureDoesNotMatch",
    )
    unsigned = url.split("?")[0]
    assert s3_error(requests.put(unsigned, data=b"x", timeout=30))[:2] == (403, "AccessDenied")
    other_bucket = url.replace("/bentosync-models/", "/another-bucket/")
    assert s3_error(requests.put(other_bucket, data=b"x", timeout=30))[:2] == (
        404,
        "NoSuchBucket",
    )
    assert s3_error(requests.post(url, data=b"x", timeout=30))[:2] == (405, "MethodNotAllowed")


# ---- downloads ------------------------------------------------------------------------


def test_ranges_of_an_object(registry_factory):
    server = strict(registry_factory, "presigned")
    url = single_put_url(server)
    archive = make_tar(model_files("demo", "v1", {"weights.bin": os.urandom(100 * KiB)}))
    assert requests.put(url, data=archive, timeout=30).status_code == 200
    api = Api(server)
    assert finish_and_download(api) == archive
    download = download_url(api)

    part = requests.get(download, headers={"Range": "bytes=100-199"}, timeout=30)
    assert part.status_code == 206 and part.content == archive[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(archive)}"
    assert part.headers["ETag"] == quoted_md5(archive)
    tail = requests.get(download, headers={"Range": "bytes=-10"}, timeout=30)
    assert tail.status_code == 206 and tail.content == archive[-10:]
    beyond = requests.get(download, headers={"Range": f"bytes={len(archive)}-"}, timeout=30)
    assert s3_error(beyond)[:2] == (416, "InvalidRange")
    assert beyond.headers["Content-Range"] == f"bytes */{len(archive)}"
    # No redirects anywhere: the official client counts one as an error.
    whole = requests.get(download, timeout=30, allow_redirects=False)
    assert whole.status_code == 200 and whole.content == archive


# ---- the API token never reaches storage ----------------------------------------------


def test_the_api_token_sent_to_storage_is_refused_and_logged(registry_factory):
    server = strict(registry_factory)
    server.token_leak_expected = True  # this test leaks it on purpose
    upload = Upload(server)
    data = os.urandom(1000)
    url = upload.part_url(1)
    leaked = requests.put(url, data=data, headers={"X-YATAI-API-TOKEN": server.token}, timeout=30)
    status, code, message = s3_error(leaked)
    assert (status, code) == (403, "AccessDenied") and "API token" in message
    bearer = requests.put(url, data=data, headers={"Authorization": "Bearer xyz"}, timeout=30)
    assert s3_error(bearer)[:2] == (403, "AccessDenied")
    # Nothing was stored: the part is unknown at completion.
    assert "InvalidPart" in upload.complete([(1, quoted_md5(data))]).json()["error"]
    server.stop()
    log = server.log_text()
    assert log.count(TOKEN_LEAK_MARKER) == 2
    assert "ERROR" in next(line for line in log.splitlines() if TOKEN_LEAK_MARKER in line)
    assert server.token not in log and "Bearer xyz" not in log
    # Nor does a signature: the access log has paths, never query strings.
    assert parse_qs(urlsplit(url).query)["X-Amz-Signature"][0] not in log
    assert "X-Amz-" not in log and "PUT /bentosync-models/models/default/demo/v1.tar" in log


# ---- resuming -------------------------------------------------------------------------


def test_a_stopped_multipart_upload_resumes_with_fresh_urls(registry_factory):
    """Parts outlive their URLs and a new start_upload; only the missing ones are sent."""
    server = strict(registry_factory, "multipart", "--presign-expiry", "1")
    files = model_files("demo", "v1", {"weights.bin": os.urandom(6 * MiB)})
    archive = make_tar(files)
    first, second = archive[: 5 * MiB], archive[5 * MiB :]
    upload = Upload(server, files)
    etag_1 = upload.put(1, first)
    stale_url = upload.part_url(2)
    time.sleep(2.2)  # the client was stopped; every URL it had has expired
    assert s3_error(requests.put(stale_url, data=second, timeout=30))[2] == "Request has expired"

    # The client starts again: the record is reset, the upload and its part 1 are not.
    upload.api.ok(upload.api.patch(upload.api.model("demo", "v1", "start_upload")))
    etag_2 = upload.put(2, second)
    assert upload.complete([(1, etag_1), (2, etag_2)]).status_code == 200
    assert upload.finish_and_download() == archive
