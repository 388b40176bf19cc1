"""The JSON API: auth, schemas (PROTOCOL.md 0 and 2), listing, and bad input changing nothing."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone

import pytest
import requests
from registry_helpers import Api, create_body, create_model, model_files, push_proxy, stored_list

from bentosync.registry.databases import open_database
from support.registry import server_python

# Every route, on each backend: the SQL is written once for both (db.py).
pytestmark = pytest.mark.both_databases

MODEL_KEYS = {
    "uid", "created_at", "updated_at", "deleted_at", "name", "resource_type", "labels",
    "description", "version", "image_build_status", "upload_status", "upload_finished_reason",
    "presigned_upload_url", "presigned_download_url", "manifest", "transmission_strategy",
    "upload_id", "upload_started_at", "upload_finished_at", "build_at",
}  # fmt: skip
STRING_KEYS = {
    "uid", "name", "resource_type", "description", "version", "image_build_status",
    "upload_status", "upload_finished_reason", "presigned_upload_url", "presigned_download_url",
}  # fmt: skip


@pytest.fixture
def api(registry) -> Api:
    return Api(registry)


def assert_model_schema(data: dict) -> None:
    assert data.keys() >= MODEL_KEYS
    for key in STRING_KEYS:
        assert isinstance(data[key], str), key
    assert isinstance(data["labels"], list)
    manifest = data["manifest"]
    for key in ("module", "api_version", "bentoml_version"):
        assert isinstance(manifest[key], str)
    assert isinstance(manifest["size_bytes"], int)
    for key in ("metadata", "context", "options"):
        assert isinstance(manifest[key], dict)
    for key in ("created_at", "build_at"):
        assert datetime.fromisoformat(data[key]).tzinfo is not None, key


# ---- auth -------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
def test_every_api_route_needs_a_valid_token(registry, token):
    headers = {} if token is None else {"X-YATAI-API-TOKEN": token}
    for method, path in [
        ("GET", "/auth/current"),
        ("GET", "/models"),
        ("POST", "/model_repositories"),
        ("GET", "/no/such/route"),
        ("PUT", "/model_repositories/x/models/v/upload"),
    ]:
        response = requests.request(method, registry.api + path, headers=headers, timeout=10)
        assert response.status_code == 401, (method, path)
        assert "error" in response.json()


def test_current_user_and_org(api, registry):
    user = api.ok(api.get("/auth/current"))
    assert {"name", "email", "first_name", "last_name"} <= user.keys()
    assert user["name"] == "default"
    assert all(isinstance(user[k], str) for k in ("name", "email", "first_name", "last_name"))
    org = api.ok(api.get("/current_org"))
    assert org["resource_type"] == "organization"
    assert org["labels"] == [] and isinstance(org["description"], str)
    assert {"uid", "created_at", "updated_at", "deleted_at", "name"} <= org.keys()


def test_token_create_prints_a_working_token_once(registry):
    database = ["--database", registry.database] if registry.database else []
    proc = subprocess.run(
        [server_python(), "-m", "bentosync", "registry", "token", "create",
         "--data", str(registry.data_dir), *database, "--name", "ci-bot"],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    token = proc.stdout.strip()
    assert token and token not in proc.stderr
    assert Api(registry, token).ok(Api(registry, token).get("/auth/current"))["name"] == "ci-bot"
    if registry.database:
        db = open_database(registry.database)
        try:
            stored = repr([tuple(row) for row in db.query("SELECT * FROM tokens")])
        finally:
            db.close()
        assert "ci-bot" in stored and token not in stored
    else:
        assert token not in (registry.data_dir / "registry.db").read_bytes().decode("latin-1")


# ---- repositories and models ------------------------------------------------------


def test_missing_records_are_404_record_not_found(api):
    for path in ["/model_repositories/nope", "/model_repositories/nope/models/v1"]:
        response = api.get(path)
        assert response.status_code == 404
        assert "record not found" in response.text
    api.ok(api.post("/model_repositories", json={"name": "here", "description": ""}))
    response = api.get("/model_repositories/here/models/v9")
    assert response.status_code == 404 and "record not found" in response.text
    response = api.post("/model_repositories/nope/models", json=create_body("v1", {}))
    assert response.status_code == 404 and "record not found" in response.text


def test_repository_schema_and_idempotent_create(api):
    first = api.ok(api.post("/model_repositories", json={"name": "demo", "description": "d"}))
    again = api.ok(api.post("/model_repositories", json={"name": "demo", "description": ""}))
    assert first["uid"] == again["uid"]
    repo = api.ok(api.get("/model_repositories/demo"))
    assert repo["resource_type"] == "model_repository"
    assert repo["labels"] == [] and repo["latest_model"] is None
    assert "updated_at" in repo and "deleted_at" in repo


def test_create_model_schema(api):
    created = create_model(api, "demo", "v1", labels={"stage": "dev"})
    assert_model_schema(created)
    assert created["upload_status"] == "pending"
    assert created["presigned_upload_url"] == "" and created["upload_finished_reason"] == ""
    assert created["transmission_strategy"] == "proxy"
    assert created["labels"] == [{"key": "stage", "value": "dev"}]
    assert created["manifest"]["metadata"]["owner"] == "tests"
    assert stored_list(created["manifest"])["files"][0][0] == "model.yaml"
    assert api.ok(api.get(api.model("demo", "v1")))["uid"] == created["uid"]


def test_build_at_without_zone_means_utc(api):
    when = datetime(2026, 11, 23, 21, 4, 3, 582043, tzinfo=timezone.utc)
    created = create_model(api, "demo", "v1", build_at=when)
    assert datetime.fromisoformat(created["build_at"]) == when


@pytest.mark.parametrize(
    ("name", "version", "status"),
    [
        ("demo", "latest", 400),
        ("demo", "bad version", 400),
        ("demo", "-v1", 400),
        ("demo", "v" * 64, 400),
    ],
)
def test_invalid_versions_are_refused(api, name, version, status):
    api.ok(api.post("/model_repositories", json={"name": name, "description": ""}))
    response = api.post(f"/model_repositories/{name}/models", json=create_body(version, {}))
    assert response.status_code == status
    assert "error" in response.json()
    assert api.ok(api.get(f"/model_repositories/{name}/models"))["total"] == 0


@pytest.mark.parametrize("name", ["Bad Name", "-x", "a" * 64, "x_"])
def test_invalid_repository_names_are_refused(api, name):
    response = api.post("/model_repositories", json={"name": name, "description": ""})
    assert response.status_code == 400
    assert "error" in response.json()
    assert api.ok(api.get("/models"))["total"] == 0


def test_second_create_of_a_version_is_refused_and_changes_nothing(api):
    first = create_model(api, "demo", "v1", labels={"a": "1"})
    response = api.post(
        "/model_repositories/demo/models", json=create_body("v1", {}, labels={"b": "2"})
    )
    assert response.status_code == 409
    assert "already exists" in response.json()["error"]
    assert api.ok(api.get(api.model("demo", "v1"))) == first


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"version": "v1"}',
        b'{"version": "v1", "manifest": {"module": null, "api_version": "v1", '
        b'"bentoml_version": "1", "size_bytes": 1}}',
        b'{"version": "v1", "manifest": {"module": "", "api_version": "v1", '
        b'"bentoml_version": "1", "size_bytes": 1, "bentosync": {"format": 1, "digest": "md5"}}}',
        b'{"version": "v1", "manifest": {"module": "", "api_version": "v1", '
        b'"bentoml_version": "1", "size_bytes": 1}, "build_at": "yesterday"}',
        b'{"version": "v1", "manifest": {"module": "", "api_version": "v1", '
        b'"bentoml_version": "1", "size_bytes": 1}, "labels": [{"key": "k"}]}',
    ],
)
def test_malformed_json_gets_a_clear_error_and_changes_nothing(api, body):
    api.ok(api.post("/model_repositories", json={"name": "demo", "description": ""}))
    response = api.post(
        "/model_repositories/demo/models",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]
    assert api.ok(api.get("/model_repositories/demo/models"))["total"] == 0


def test_oversized_json_is_refused(registry_factory):
    server = registry_factory(extra_args=["--max-json-bytes", "4096"])
    api = Api(server)
    api.ok(api.post("/model_repositories", json={"name": "demo", "description": ""}))
    body = create_body("v1", {f"f{i}.bin": b"x" for i in range(200)})
    response = api.post("/model_repositories/demo/models", json=body)
    assert response.status_code == 413
    assert "limit" in response.json()["error"]

    def chunks():  # no Content-Length: counted as it arrives
        yield b'{"version": "v2", "manifest": {"module": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'", "api_version": "v1", "bentoml_version": "1", "size_bytes": 1}}'

    response = api.post(
        "/model_repositories/demo/models",
        data=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert api.ok(api.get("/model_repositories/demo/models"))["total"] == 0


def test_unknown_route_and_method_get_json_errors(api):
    response = api.get("/nothing/here")
    assert response.status_code == 404 and "error" in response.json()
    response = api.request("PATCH", "/models")
    assert response.status_code == 405 and "error" in response.json()


# ---- listing ----------------------------------------------------------------------


def test_listing_is_newest_first_with_successful_uploads_first(api):
    base = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert push_proxy(api, "demo", "old", build_at=base).status_code == 200
    assert push_proxy(api, "demo", "mid", build_at=base + timedelta(days=1)).status_code == 200
    create_model(api, "demo", "newest-pending", build_at=base + timedelta(days=3))
    listing = api.ok(
        api.get("/model_repositories/demo/models", params={"start": "0", "count": "10"})
    )
    assert [m["version"] for m in listing["items"]] == ["mid", "old", "newest-pending"]
    assert listing["total"] == 3 and listing["start"] == 0 and listing["count"] == 3
    repo = api.ok(api.get("/model_repositories/demo"))
    assert repo["latest_model"]["version"] == "mid"
    page = api.ok(api.get("/model_repositories/demo/models", params={"start": "1", "count": "1"}))
    assert [m["version"] for m in page["items"]] == ["old"]
    assert page["total"] == 3


def test_listing_filters_by_keyword_and_labels(api):
    create_model(api, "alpha", "v1", labels={"stage": "prod", "team": "a"})
    create_model(api, "alpha", "v2", labels={"stage": "dev"})
    create_model(api, "beta", "v1", labels={"team": "b"})

    def versions(path, q):
        items = api.ok(api.get(path, params={"q": q}))["items"]
        return sorted(f"{m['repository']['name']}:{m['version']}" if "repository" in m
                      else m["version"] for m in items)  # fmt: skip

    assert versions("/models", "alpha") == ["alpha:v1", "alpha:v2"]
    assert versions("/models", "label:stage=prod") == ["alpha:v1"]
    assert versions("/models", "label:stage") == ["alpha:v1", "alpha:v2"]
    assert versions("/models", "label:stage=dev,team=b") == ["alpha:v2", "beta:v1"]
    assert versions("/models", "label:team -label:stage") == ["beta:v1"]
    assert versions("/models", "alpha label:team=a") == ["alpha:v1"]
    assert versions("/model_repositories/alpha/models", "label:stage=dev") == ["v2"]
    assert versions("/models", "sort:created_at-desc") == ["alpha:v1", "alpha:v2", "beta:v1"]


def test_models_list_returns_everything_without_count_and_pages_with_it(api):
    for i in range(25):
        create_model(api, f"m{i:02d}", "v1")
    everything = api.ok(api.get("/models"))
    assert everything["total"] == 25 and len(everything["items"]) == 25
    item = everything["items"][0]
    assert_model_schema(item)
    assert item["repository"]["resource_type"] == "model_repository"
    assert "latest_model" in item["repository"]
    page = api.ok(api.get("/models", params={"start": "20", "count": "10"}))
    assert page["start"] == 20 and len(page["items"]) == 5 and page["total"] == 25
    for bad in ({"start": "x"}, {"count": "-1"}):
        response = api.get("/models", params=bad)
        assert response.status_code == 400 and "error" in response.json()


def test_repository_list_of_a_missing_repository_is_404(api):
    response = api.get("/model_repositories/ghost/models", params={"start": "0", "count": "10"})
    assert response.status_code == 404


def test_delete_removes_the_record_and_its_archive(api, registry):
    registry.expect_deletes()
    assert push_proxy(api, "demo", "v1").status_code == 200
    uid = api.ok(api.get(api.model("demo", "v1")))["uid"]
    assert (registry.data_dir / "blobs" / uid).is_file()
    deleted = api.ok(api.delete(api.model("demo", "v1")))
    assert deleted["version"] == "v1"
    assert api.get(api.model("demo", "v1")).status_code == 404
    assert not (registry.data_dir / "blobs" / uid).exists()
    assert api.delete(api.model("demo", "v1")).status_code == 404
    create_model(api, "demo", "v1", model_files("demo", "v1"))  # the version is free again
