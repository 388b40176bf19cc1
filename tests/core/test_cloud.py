"""The BentoCloud client against a scripted in-process HTTP server.

These pin the wire rules of PROTOCOL.md 0 (headers, prefix, exactly-200, no
redirects), the defensive decoding, and the error mapping: every error must say
what to do and must never carry the token or a presigned signature.
"""

from __future__ import annotations

import io
import logging
import socket
from datetime import datetime, timezone

import pytest

from bentosync.core.cloud import (
    BENTOML_PROTOCOL_VERSION,
    AuthError,
    BodyLengthMismatch,
    CloudClient,
    CloudModel,
    CloudModelNotFound,
    ConnectionFailed,
    InvalidEndpoint,
    NotFound,
    ProtocolError,
    RangeNotSatisfiable,
    RequestRejected,
    ServerError,
    URLRejected,
    iter_body,
    mask_url,
    with_retries,
)
from bentosync.core.errors import BentoSyncError, ModelNotFound
from support.fake_cloud import DROP, FakeCloud, Reply, model_json, running_fake_cloud

TOKEN = "tok-SECRET-1234567890"
USER = {"name": "ada", "email": "ada@example.com", "first_name": "Ada", "last_name": "L"}
M = "/api/v1/model_repositories/demo/models"


@pytest.fixture
def fake_cloud():
    with running_fake_cloud() as fake:
        yield fake


@pytest.fixture
def client(fake_cloud: FakeCloud):
    with CloudClient(fake_cloud.endpoint, TOKEN) as c:
        yield c


def no_sleep(_: float) -> None:
    pass


def assert_clean(err: BaseException) -> None:
    assert isinstance(err, BentoSyncError)
    assert TOKEN not in str(err)
    assert "SIGNATURE" not in str(err)


# -- what goes on the wire -------------------------------------------------------------


def test_headers_on_every_api_call(fake_cloud, client):
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(200, USER))
    fake_cloud.route("PATCH", f"{M}/v1/start_upload", Reply(200, model_json()))
    fake_cloud.route("POST", "/api/v1/model_repositories", Reply(200, {"name": "demo"}))

    assert client.current_user().name == "ada"
    client.start_upload("demo", "v1")
    client.create_repository("demo")

    get, patch, post = fake_cloud.requests
    for seen in (get, patch, post):
        assert seen.headers["X-YATAI-API-TOKEN"] == TOKEN
        assert seen.headers["X-Bentoml-Version"] == BENTOML_PROTOCOL_VERSION
        assert "Authorization" not in seen.headers
    assert patch.headers["Content-Length"] == "0"
    assert post.headers["Content-Type"] == "application/json"
    assert post.body == b'{"name": "demo", "description": ""}'


def test_endpoint_path_prefix_is_kept(fake_cloud):
    fake_cloud.route("GET", "/prefix/api/v1/auth/current", Reply(200, USER))
    with CloudClient(fake_cloud.endpoint + "/prefix/", TOKEN) as client:
        assert client.endpoint == fake_cloud.endpoint + "/prefix"
        assert client.current_user().email == "ada@example.com"
    assert fake_cloud.paths() == ["/prefix/api/v1/auth/current"]


@pytest.mark.parametrize(
    "bad", ["", "cloud.bentoml.com", "ftp://h", "http://u:p@h", "http://h?x=1"]
)
def test_bad_endpoints_are_refused(bad):
    with pytest.raises(InvalidEndpoint):
        CloudClient(bad, TOKEN)


def test_list_sends_paging_and_filter(fake_cloud, client):
    page = {"start": 0, "count": 10, "total": 1, "items": [model_json()]}
    fake_cloud.route("GET", f"{M}?start=0&count=10&q=label%3Astage%3Ddev", Reply(200, page))
    result = client.list_models("demo", q="label:stage=dev")
    assert [m.tag for m in result.items] == ["demo:v1"]
    assert not result.has_more


def test_iter_all_models_pages_until_total(fake_cloud, client):
    def page(start, versions, total=3):
        items = [dict(model_json(version=v), repository={"name": "demo"}) for v in versions]
        return Reply(200, {"start": start, "count": 2, "total": total, "items": items})

    fake_cloud.route("GET", "/api/v1/models?start=0&count=2", page(0, ["a", "b"]))
    fake_cloud.route("GET", "/api/v1/models?start=2&count=2", page(2, ["c"]))
    assert [m.tag for m in client.iter_all_models(page_size=2)] == ["demo:a", "demo:b", "demo:c"]


def test_create_model_and_complete_multipart_bodies(fake_cloud, client):
    import json

    fake_cloud.route("POST", M, Reply(200, model_json(upload_status="pending")))
    fake_cloud.route("PATCH", f"{M}/v1/complete_multipart_upload", Reply(200, model_json()))
    build_at = datetime(2026, 11, 23, 21, 4, 3, 582043, tzinfo=timezone.utc)
    client.create_model("demo", "v1", {"size_bytes": 5}, labels={"a": "1"}, build_at=build_at)
    client.complete_multipart_upload("demo", "v1", "up-1", [(2, '"e2"'), (1, '"e1"')])
    create, complete = (json.loads(r.body) for r in fake_cloud.requests)
    assert create["build_at"] == "2026-11-23 21:04:03.582043"
    assert create["labels"] == [{"key": "a", "value": "1"}]
    assert complete == {
        "parts": [{"part_number": 1, "etag": '"e1"'}, {"part_number": 2, "etag": '"e2"'}],
        "upload_id": "up-1",
    }


# -- decoding ------------------------------------------------------------------------------


def test_null_strings_decode_as_empty(fake_cloud, client):
    nulls = model_json(
        presigned_upload_url=None,
        presigned_download_url=None,
        upload_finished_reason=None,
        description=None,
        labels=None,
        transmission_strategy=None,
        build_at="2026-01-02 03:04:05.5",
    )
    nulls["manifest"]["metadata"] = None
    fake_cloud.route("GET", f"{M}/v1", Reply(200, nulls))
    model = client.get_model("demo", "v1")
    assert model.presigned_upload_url == "" and model.presigned_download_url == ""
    assert model.upload_finished_reason == "" and model.description == ""
    assert model.labels == {} and model.transmission_strategy is None
    assert model.build_at == datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=timezone.utc)
    assert model.created_at is not None and model.created_at.tzinfo is not None
    assert model.size_bytes == 1234 and model.file_list is None


def test_model_fields_and_file_list(fake_cloud, client):
    data = model_json(upload_id="up-9", transmission_strategy="presigned_url")
    data["manifest"]["bentosync"] = {
        "format": 1,
        "digest": "sha256",
        "files": [{"path": "model.yaml", "size": 3, "sha256": "a" * 64}],
    }
    fake_cloud.route("GET", f"{M}/v1", Reply(200, data))
    model = client.get_model("demo", "v1")
    assert model.tag == "demo:v1" and model.labels == {"stage": "dev"}
    assert model.upload_id == "up-9" and model.is_uploaded and not model.is_proxy
    assert [(f.path, f.size) for f in model.file_list or []] == [("model.yaml", 3)]


@pytest.mark.parametrize(
    "reply", [Reply(200, "<html>login</html>"), Reply(200, [1, 2]), Reply(200, {"name": "x"})]
)
def test_unexpected_json_is_a_protocol_error(fake_cloud, client, reply):
    fake_cloud.route("GET", f"{M}/v1", reply)
    with pytest.raises(ProtocolError) as info:
        client.get_model("demo", "v1")
    assert_clean(info.value)


def test_latest_skips_unfinished_uploads(fake_cloud, client):
    items = [model_json(version="new", upload_status="uploading"), model_json(version="old")]
    page = {"start": 0, "count": 10, "total": 2, "items": items}
    fake_cloud.route("GET", f"{M}?start=0&count=10", Reply(200, page))
    assert client.latest_model("demo").version == "old"
    fake_cloud.route("GET", f"{M}?start=0&count=10", Reply(200, dict(page, items=items[:1])))
    with pytest.raises(CloudModelNotFound):
        client.latest_model("demo")


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 403])
def test_refused_token_says_login_and_hides_token(fake_cloud, client, status):
    body = {"message": f"bad token {TOKEN}"}  # a careless server echoing the token
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(status, body))
    with pytest.raises(AuthError) as info:
        client.current_user()
    message = str(info.value)
    assert fake_cloud.endpoint in message and "bentosync login" in message
    assert info.value.status == status
    assert_clean(info.value)


def test_404_model_is_model_not_found(fake_cloud, client):
    fake_cloud.route("GET", f"{M}/v9", Reply(404, {"error": "model: record not found"}))
    with pytest.raises(CloudModelNotFound) as info:
        client.get_model("demo", "v9")
    assert isinstance(info.value, ModelNotFound) and isinstance(info.value, NotFound)
    assert "demo:v9" in str(info.value) and fake_cloud.endpoint in str(info.value)


def test_400_record_not_found_is_not_found(fake_cloud, client):
    fake_cloud.route("GET", "/api/v1/current_org", Reply(400, {"error": "org: record not found"}))
    with pytest.raises(NotFound):
        client.current_org()
    fake_cloud.route("GET", "/api/v1/current_org", Reply(400, {"error": "bad name"}))
    with pytest.raises(RequestRejected) as info:
        client.current_org()
    assert "bad name" in str(info.value) and "400" in str(info.value)


def test_500_carries_server_message_and_trace_id(fake_cloud, client):
    fake_cloud.route(
        "GET",
        f"{M}/v1",
        Reply(500, {"error": "database is down"}, {"x-trace-id": "trace-abc"}),
    )
    with pytest.raises(ServerError) as info:
        client.get_model("demo", "v1")
    assert info.value.trace_id == "trace-abc" and info.value.status == 500
    assert "database is down" in str(info.value) and "trace-abc" in str(info.value)
    assert_clean(info.value)


def test_success_is_exactly_200(fake_cloud, client):
    fake_cloud.route("PATCH", f"{M}/v1/start_upload", Reply(201, model_json()))
    with pytest.raises(RequestRejected):
        client.start_upload("demo", "v1")


def test_connection_refused(fake_cloud):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        CloudClient(f"http://127.0.0.1:{port}", TOKEN) as client,
        pytest.raises(ConnectionFailed) as info,
    ):
        client.current_user()
    assert "refused" in str(info.value) and f"127.0.0.1:{port}" in str(info.value)
    assert_clean(info.value)


def test_redirects_are_not_followed(fake_cloud, client):
    target = "http://elsewhere.invalid/blob?X-Amz-Signature=SIGNATURE"
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(302, "", {"Location": target}))
    with pytest.raises(ProtocolError) as info:
        client.current_user()
    assert "redirect" in str(info.value) and "elsewhere.invalid/blob" in str(info.value)
    assert len(fake_cloud.requests) == 1
    assert_clean(info.value)


# -- streams ---------------------------------------------------------------------------------


def test_ranged_download_sends_range_and_streams(fake_cloud, client):
    fake_cloud.route("GET", f"{M}/v1/download", Reply(206, b"rest-of-file"))
    resp = client.download("demo", "v1", start_offset=100)
    assert resp.status_code == 206
    assert b"".join(iter_body(resp, 4)) == b"rest-of-file"
    seen = fake_cloud.requests[0]
    assert seen.headers["Range"] == "bytes=100-"
    assert seen.headers["X-YATAI-API-TOKEN"] == TOKEN

    fake_cloud.route("GET", f"{M}/v1/download", Reply(416, ""))
    with pytest.raises(RangeNotSatisfiable):
        client.download("demo", "v1", start_offset=10**9)


def test_presigned_get_has_no_auth_and_no_range_without_offset(fake_cloud, client):
    fake_cloud.route("GET", "/blob/x", Reply(200, b"tar bytes"))
    resp = client.get_stream(fake_cloud.endpoint + "/blob/x?sig=SIGNATURE", auth=False)
    assert b"".join(iter_body(resp)) == b"tar bytes"
    seen = fake_cloud.requests[0]
    assert "X-YATAI-API-TOKEN" not in seen.headers and "Range" not in seen.headers


def test_presigned_put_streams_a_file_with_content_length(fake_cloud, client):
    fake_cloud.route("PUT", "/blob/part1", Reply(200, "", {"ETag": '"abc123"'}))
    payload = b"x" * 100_000
    url = fake_cloud.endpoint + "/blob/part1?X-Amz-Signature=SIGNATURE"
    resp = client.put_stream(url, io.BytesIO(payload), len(payload), auth=False)
    assert resp.headers["ETag"] == '"abc123"'
    seen = fake_cloud.requests[0]
    assert seen.body == payload and seen.headers["Content-Length"] == str(len(payload))
    assert "Transfer-Encoding" not in seen.headers
    assert "X-YATAI-API-TOKEN" not in seen.headers and "X-Bentoml-Version" not in seen.headers
    assert "Content-Type" not in seen.headers


def test_proxy_upload_sends_auth_and_octet_stream(fake_cloud, client):
    fake_cloud.route("PUT", f"{M}/v1/upload", Reply(200, ""))
    client.upload("demo", "v1", iter([b"ab", b"cd"]), 4)
    seen = fake_cloud.requests[0]
    assert seen.body == b"abcd" and seen.headers["Content-Type"] == "application/octet-stream"
    assert seen.headers["X-YATAI-API-TOKEN"] == TOKEN


def test_token_is_never_sent_to_another_origin(fake_cloud, client):
    with pytest.raises(ProtocolError) as info:
        client.get_stream("http://127.0.0.2:1/api/v1/x", auth=True)
    assert_clean(info.value)
    assert fake_cloud.requests == []


def test_presigned_403_means_url_not_login(fake_cloud, client):
    fake_cloud.route("PUT", "/blob/p", Reply(403, "<Error>Request has expired</Error>"))
    url = fake_cloud.endpoint + "/blob/p?X-Amz-Signature=SIGNATURE"
    with pytest.raises(URLRejected) as info:
        client.put_stream(url, b"abc", 3, auth=False)
    assert "expired" in str(info.value) and "bentosync login" not in str(info.value)
    assert_clean(info.value)


# -- retries -----------------------------------------------------------------------------------


def test_retries_5xx_then_succeeds(fake_cloud, client):
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(503), Reply(500), Reply(200, USER))
    delays: list[float] = []
    user = with_retries(client.current_user, attempts=4, backoff=0.1, sleep=delays.append)
    assert user.name == "ada" and len(fake_cloud.requests) == 3
    assert len(delays) == 2 and 0.05 <= delays[0] <= 0.1 and 0.1 <= delays[1] <= 0.2


def test_retries_dropped_connections(fake_cloud, client):
    fake_cloud.route("GET", "/api/v1/auth/current", DROP, Reply(200, USER))
    assert with_retries(client.current_user, attempts=3, sleep=no_sleep).name == "ada"
    assert len(fake_cloud.requests) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_never_retries_4xx(fake_cloud, client, status):
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(status, {"error": "no"}))
    with pytest.raises(BentoSyncError):
        with_retries(client.current_user, attempts=5, sleep=no_sleep)
    assert len(fake_cloud.requests) == 1


def test_gives_up_after_attempts(fake_cloud, client):
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(502))
    with pytest.raises(ServerError):
        with_retries(client.current_user, attempts=3, sleep=no_sleep)
    assert len(fake_cloud.requests) == 3


# -- masking -----------------------------------------------------------------------------------


def test_secrets_are_masked_in_repr_and_logs(fake_cloud, client, caplog):
    url = fake_cloud.endpoint + "/blob/x?X-Amz-Signature=SIGNATURE"
    assert mask_url(url) == fake_cloud.endpoint + "/blob/x?<redacted>"
    assert mask_url("https://user:pw@h/p") == "https://h/p"
    model = CloudModel.from_json(model_json(presigned_download_url=url), "demo")
    assert "SIGNATURE" not in repr(model) and "/blob/x" in repr(model)
    assert TOKEN not in repr(client)

    fake_cloud.route("GET", "/blob/x", Reply(200, b"data"))
    fake_cloud.route("GET", "/api/v1/auth/current", Reply(401))
    with caplog.at_level(logging.DEBUG):
        b"".join(iter_body(client.get_stream(url, auth=False)))
        with pytest.raises(AuthError):
            client.current_user()
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/blob/x" in logged
    assert "SIGNATURE" not in logged and TOKEN not in logged


def test_upload_body_must_match_declared_length(fake_cloud, client):
    fake_cloud.route("PUT", "/blob/p", Reply(200, "", {"ETag": '"e"'}))
    url = fake_cloud.endpoint + "/blob/p"
    with pytest.raises(BodyLengthMismatch):
        client.put_stream(url, iter([b"ab"]), 4, auth=False)
    with pytest.raises(BodyLengthMismatch):
        client.put_stream(url, b"abcdef", 4, auth=False)
    assert client.put_stream(url, io.BytesIO(b""), 0, auth=False).status_code == 200
