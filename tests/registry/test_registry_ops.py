"""What operators rely on: health and readiness probes, Prometheus metrics, JSON access
logs, and a shutdown that lets running uploads finish."""

from __future__ import annotations

import json
import os
import shutil
import signal
import threading

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from registry_helpers import (
    Api,
    begin_upload,
    make_tar,
    model_files,
    push_proxy,
    slow_put,
    wait_for,
)

from support.registry import RegistryServer

UPLOAD_ROUTE = "/api/v1/model_repositories/{name}/models/{version}/upload"


def samples(server: RegistryServer) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of ``/metrics``, by name and labels; fetched without a token."""
    response = requests.get(server.endpoint + "/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_probes_answer_without_a_token(shared_registry):
    health = requests.get(shared_registry.endpoint + "/healthz", timeout=10)
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    ready = requests.get(shared_registry.endpoint + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": ["database", "storage"]}


def test_readiness_fails_while_storage_is_gone_and_recovers(registry):
    tmp = registry.data_dir / "tmp"
    shutil.rmtree(tmp)
    try:
        ready = requests.get(registry.endpoint + "/readyz", timeout=10)
        assert ready.status_code == 503
        body = ready.json()
        assert body["status"] == "unavailable"
        assert set(body["failed"]) == {"storage"}
        assert "No such file" in body["failed"]["storage"]
        # Liveness is not readiness: the process itself is fine.
        assert requests.get(registry.endpoint + "/healthz", timeout=10).status_code == 200
    finally:
        tmp.mkdir()
    assert requests.get(registry.endpoint + "/readyz", timeout=10).status_code == 200
    assert "Not ready: storage:" in registry.log_text()


def test_metrics_count_requests_bytes_states_and_rejections(registry):
    api = Api(registry)
    files = model_files("metered", "v1", {"weights.bin": os.urandom(3 * 1024 * 1024)})
    archive_size = len(make_tar(files))
    assert push_proxy(api, "metered", "v1", files).status_code == 200

    # An archive whose bytes do not match the file list sent at create.
    begin_upload(api, "metered", "v2", model_files("metered", "v2", {"a.bin": b"promised"}))
    wrong = make_tar(model_files("metered", "v2", {"a.bin": b"delivered"}))
    refused = api.put(api.model("metered", "v2", "upload"), data=wrong)
    assert refused.status_code >= 400
    api.get(api.model("metered", "no-such-version"))

    found = samples(registry)
    assert (
        value(
            found,
            "bentosync_registry_requests_total",
            method="PUT",
            route=UPLOAD_ROUTE,
            status="200",
        )
        == 1
    )
    assert (
        value(
            found,
            "bentosync_registry_requests_total",
            method="PUT",
            route=UPLOAD_ROUTE,
            status=str(refused.status_code),
        )
        == 1
    )
    assert (
        value(
            found,
            "bentosync_registry_requests_total",
            method="GET",
            route="/api/v1/model_repositories/{name}/models/{version}",
            status="404",
        )
        == 1
    )
    # The archive body arrives past receive() (rawbody.py) and is still counted.
    received = value(found, "bentosync_registry_received_bytes_total", route=UPLOAD_ROUTE)
    assert received >= archive_size + len(wrong)
    assert value(found, "bentosync_registry_models", status="success") == 1
    assert value(found, "bentosync_registry_models", status="failed") == 1
    assert value(found, "bentosync_registry_verification_failures_total") == 1
    assert (
        value(
            found,
            "bentosync_registry_request_duration_seconds_count",
            method="PUT",
            route=UPLOAD_ROUTE,
        )
        == 2
    )
    # Labels are route templates: no model name can reach a label.
    assert not any("metered" in str(key) for key in found)


def test_json_access_log_has_fields_and_no_secrets(registry_factory):
    server = registry_factory(strategy="presigned", extra_args=["--log-format", "json"])
    api = Api(server)
    assert push_proxy(api, "logged", "v1").status_code == 200
    api.patch(api.model("logged", "v1", "presign_download_url"))
    entries = [json.loads(line) for line in server.log_text().splitlines() if line.startswith("{")]
    access = [e["http"] for e in entries if e["logger"] == "bentosync.registry.access"]
    upload = next(a for a in access if a["method"] == "PUT")
    assert upload["status"] == 200
    assert upload["path"] == "/api/v1/model_repositories/logged/models/v1/upload"
    assert upload["duration_ms"] >= 0 and upload["token_name"]
    assert all({"time", "level", "message"} <= e.keys() for e in entries)
    assert server.token not in server.log_text()
    assert "X-Amz-Signature" not in server.log_text() and "signature=" not in server.log_text()


def test_sigterm_lets_a_running_upload_finish_and_refuses_new_connections(registry_factory):
    server = registry_factory(extra_args=["--shutdown-grace", "20"])
    api = Api(server)
    files = model_files("draining", "v1", {"weights.bin": os.urandom(4 * 1024 * 1024)})
    begin_upload(api, "draining", "v1", files)
    release = threading.Event()
    putter = slow_put(
        api.url(api.model("draining", "v1", "upload")),
        make_tar(files),
        release,
        headers=server.headers,
    )
    wait_for(lambda: any((server.data_dir / "tmp").iterdir()))
    assert server.process is not None
    server.process.send_signal(signal.SIGTERM)
    # The listener closes at once, so a proxy moves new requests to another replica.
    wait_for(lambda: _refused(server.endpoint + "/healthz"))
    release.set()
    putter.join(30)
    response = putter.result.get("response")  # type: ignore[attr-defined]
    assert response is not None and response.status_code == 200, putter.result  # type: ignore[attr-defined]
    # uvicorn re-raises SIGTERM once it is done: -15 after a clean close, as systemd expects.
    assert server.process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Registry closed" in server.log_text()
    assert "Traceback" not in server.log_text()
    server.start()  # same data dir: the model it accepted while draining is there
    assert (
        Api(server).ok(Api(server).get(api.model("draining", "v1")))["upload_status"] == "success"
    )


def _refused(url: str) -> bool:
    try:
        requests.get(url, timeout=2)
    except requests.ConnectionError:
        return True
    return False


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_stay_out_of_the_api_schema(shared_registry, path):
    schema = requests.get(shared_registry.endpoint + "/openapi.json", timeout=10)
    if schema.status_code == 200:
        assert path not in schema.json()["paths"]


def test_readiness_follows_the_bucket_when_archives_live_in_object_storage(
    registry_factory, s3_bucket
):
    server = registry_factory(s3=s3_bucket)
    assert requests.get(server.endpoint + "/readyz", timeout=10).status_code == 200
    s3_bucket.client().delete_bucket(Bucket=s3_bucket.name)
    ready = requests.get(server.endpoint + "/readyz", timeout=10)
    assert ready.status_code == 503
    assert set(ready.json()["failed"]) == {"storage"}
    assert s3_bucket.name in ready.json()["failed"]["storage"]
    s3_bucket.client().create_bucket(Bucket=s3_bucket.name)
    assert requests.get(server.endpoint + "/readyz", timeout=10).status_code == 200


def test_archives_refused_on_their_way_to_object_storage_are_counted(registry_factory, s3_bucket):
    server = registry_factory(s3=s3_bucket)
    api = Api(server)
    begin_upload(api, "streamed", "v1", model_files("streamed", "v1", {"a.bin": b"promised"}))
    wrong = make_tar(model_files("streamed", "v1", {"a.bin": b"delivered"}))
    assert api.put(api.model("streamed", "v1", "upload"), data=wrong).status_code == 400
    found = samples(server)
    assert value(found, "bentosync_registry_verification_failures_total") == 1
    assert value(found, "bentosync_registry_models", status="failed") == 1
    assert s3_bucket.object_keys() == []
