"""Two registry replicas on one PostgreSQL database and one S3 bucket behave as one registry.

Every part is real and started by the tests: a throwaway PostgreSQL cluster, a
moto S3 server process, ``bentosync registry serve`` processes, and for the
recipe's own path the real nginx with ``packaging/registry/config/nginx.conf``.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from registry_helpers import (
    Api,
    create_model,
    make_tar,
    model_files,
    put_part,
    split,
    start_multipart,
    stored_list,
    wait_for,
)

from bentosync.core.errors import BentoSyncError
from bentosync.core.store import LocalStore
from support.engine import make_model, pull, push, tree_snapshot
from support.faulty_proxy import FaultyProxy
from support.nginx import start_nginx
from support.official import OfficialClient
from support.processes import free_port
from support.registry import RegistryServer
from support.s3 import S3Bucket

pytestmark = pytest.mark.interop

MIB = 1024 * 1024


@dataclass
class Team:
    """Replicas of one registry, and what they share."""

    replicas: list[RegistryServer]
    bucket: S3Bucket
    database: str

    @property
    def token(self) -> str:
        return self.replicas[0].token


@pytest.fixture
def team_factory(registry_factory, postgres_database, s3_bucket):
    """``make(strategy, flavor, count=2, ports=None, env=None)`` -> a Team of started replicas."""

    def make(
        strategy: str = "multipart",
        flavor: str = "bentosync",
        count: int = 2,
        ports: list[int] | None = None,
        env: dict[str, str] | None = None,
    ) -> Team:
        token = "team-" + secrets.token_urlsafe(18)
        replicas = [
            registry_factory(
                strategy=strategy,
                flavor=flavor,
                token=token,
                s3=s3_bucket,
                database=postgres_database,
                port=ports[index] if ports else 0,
                env=env,
            )
            for index in range(count)
        ]
        return Team(replicas, s3_bucket, postgres_database)

    return make


@pytest.fixture
def homes(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "home-a", tmp_path / "home-b"
    a.mkdir()
    b.mkdir()
    return a, b


@pytest.mark.parametrize(
    ("strategy", "flavor"),
    [
        ("proxy", "bentosync"),
        ("presigned", "bentosync"),
        ("multipart", "bentosync"),
        ("multipart", "bentocloud"),
    ],
)
def test_push_through_one_replica_and_pull_through_the_other(team_factory, homes, strategy, flavor):
    team = team_factory(strategy, flavor)
    first, second = team.replicas
    home_a, home_b = homes
    model = make_model(home_a, f"team-{strategy}", big_bytes=12 * MIB)
    result, _ = push(first.endpoint, team.token, home_a, str(model.tag))
    assert result.strategy == strategy and not result.skipped
    assert result.verified is (flavor == "bentosync")

    pulled, _ = pull(second.endpoint, team.token, home_b, str(model.tag))
    assert pulled.verified
    assert tree_snapshot(pulled.model.path) == tree_snapshot(model.path)
    # One record and one object, whichever replica is asked.
    for replica in team.replicas:
        api = Api(replica)
        assert api.ok(api.get(api.model(model.name, model.version)))["upload_status"] == "success"
    assert len(team.bucket.object_keys()) == 1


@pytest.mark.parametrize(
    ("strategy", "flavor"),
    [
        ("proxy", "bentosync"),
        ("presigned", "bentosync"),
        ("multipart", "bentosync"),
        ("proxy", "bentocloud"),
        ("multipart", "bentocloud"),
    ],
)
def test_official_client_pushes_through_one_replica_and_pulls_through_the_other(
    official: OfficialClient, team_factory, tmp_path, strategy, flavor
):
    team = team_factory(strategy, flavor)
    first, second = team.replicas
    home = tmp_path / "official-src"
    model = make_model(home, "team-official", big_bytes=6 * MIB)
    official.run_cli(
        ["models", "push", str(model.tag)],
        home,
        {"BENTO_CLOUD_API_KEY": team.token, "BENTO_CLOUD_API_ENDPOINT": first.endpoint},
    )
    pull_home = tmp_path / "official-dst"
    official.run_cli(
        ["models", "pull", str(model.tag)],
        pull_home,
        {"BENTO_CLOUD_API_KEY": team.token, "BENTO_CLOUD_API_ENDPOINT": second.endpoint},
    )
    pulled = pull_home / "models" / model.name / model.version
    assert tree_snapshot(pulled) == tree_snapshot(model.path)
    record = Api(second).ok(Api(second).get(Api(second).model(model.name, model.version)))
    assert record["upload_status"] == "success"
    # The bentosync flavour listed the files of what the official client sent.
    assert (stored_list(record["manifest"]) is not None) is (flavor == "bentosync")


def test_a_replica_killed_mid_upload_loses_nothing_and_the_other_completes_it(team_factory):
    team = team_factory("multipart")
    first, second = team.replicas
    via_first, via_second = Api(first), Api(second)
    # Committed before the kill: must survive it.
    done = model_files("kept", "v1", {"weights.bin": os.urandom(MIB)})
    create_model(via_first, "kept", "v1", done)
    via_first.ok(via_first.patch(via_first.model("kept", "v1", "start_upload")))
    assert via_first.put(via_first.model("kept", "v1", "upload"), data=make_tar(done)).ok

    files = model_files("moving", "v1", {"weights.bin": os.urandom(12 * MIB)})
    archive = make_tar(files)
    chunks = split(archive, 2)  # S3: every part but the last at least 5 MiB
    upload_id = start_multipart(via_first, "moving", "v1", files)
    first_part = put_part(via_first, "moving", "v1", upload_id, 1, chunks[0])
    assert first_part.status_code == 200
    etags = [first_part.headers["ETag"]]

    assert first.kill() == -signal.SIGKILL
    # The client's retries reach the other replica; the parts in the bucket carry over.
    second_part = put_part(via_second, "moving", "v1", upload_id, 2, chunks[1])
    assert second_part.status_code == 200
    etags.append(second_part.headers["ETag"])
    parts = [{"part_number": n, "etag": etag} for n, etag in enumerate(etags, start=1)]
    via_second.ok(
        via_second.patch(
            via_second.model("moving", "v1", "complete_multipart_upload"),
            json={"upload_id": upload_id, "parts": parts},
        )
    )
    finished = via_second.ok(
        via_second.patch(
            via_second.model("moving", "v1", "finish_upload"),
            json={"status": "success", "reason": ""},
        )
    )
    assert finished["upload_status"] == "success"
    for name, expected in (("moving", archive), ("kept", make_tar(done))):
        got = via_second.get(via_second.model(name, "v1", "download"))
        assert got.status_code == 200 and got.content == expected


def test_a_replica_killed_mid_push_the_engine_goes_on_through_the_proxy(
    team_factory, homes, tmp_path, s3_bucket
):
    """The recipe's nginx in front of both; SIGKILL the replica receiving the archive.

    The client reaches nginx through a throttle, so the upload is still running
    when the replica that took it dies."""
    ports = [free_port(), free_port()]
    proxy = start_nginx(
        tmp_path / "nginx",
        {
            "registry-1": f"127.0.0.1:{ports[0]}",
            "registry-2": f"127.0.0.1:{ports[1]}",
            "minio": s3_bucket.server.endpoint.removeprefix("http://"),
        },
    )
    throttle = FaultyProxy(proxy.api_port, bytes_per_second=12 * MIB).start()
    try:
        # The replicas reach the bucket through the proxy's S3 port, as in the recipe.
        team = team_factory("proxy", ports=ports, env={"AWS_ENDPOINT_URL": proxy.s3_endpoint})
        home_a, home_b = homes
        model = make_model(home_a, "survivor", big_bytes=40 * MIB)
        killed: list[int] = []

        def kill_the_busy_one() -> None:
            wait_for(lambda: _receiving(team) is not None, timeout=60)
            busy = _receiving(team)
            assert busy is not None
            killed.append(busy.port)
            busy.kill()

        killer = threading.Thread(target=kill_the_busy_one, daemon=True)
        killer.start()
        result, _ = push(throttle.endpoint, team.token, home_a, str(model.tag))
        killer.join(60)
        assert killed and result.verified
        pulled, _ = pull(proxy.endpoint, team.token, home_b, str(model.tag))
        assert tree_snapshot(pulled.model.path) == tree_snapshot(model.path)
        survivor = next(r for r in team.replicas if r.port not in killed)
        used = {int(address.rsplit(":", 1)[1]) for address in proxy.upstreams_used()}
        assert survivor.port in used
        assert int(team.bucket.server.endpoint.rsplit(":", 1)[1]) in used  # S3 via nginx
    finally:
        throttle.stop()
        proxy.stop()


def _receiving(team: Team) -> RegistryServer | None:
    """The live replica with an archive upload in flight (its own /metrics says so)."""
    for replica in team.replicas:
        if replica.process is None or replica.process.poll() is not None:
            continue
        try:
            text = requests.get(replica.endpoint + "/metrics", timeout=2).text
        except requests.RequestException:
            continue
        for line in text.splitlines():
            upload = line.startswith("bentosync_registry_received_bytes_total{") and (
                "/upload" in line
            )
            if upload and float(line.rsplit(" ", 1)[1]) > 0:
                return replica
    return None


def test_two_concurrent_pushes_of_one_version_end_with_one_success(team_factory, tmp_path):
    """Two people push different bytes under one tag, each through its own replica."""
    team = team_factory("multipart")
    homes = [tmp_path / "a", tmp_path / "b"]
    for home in homes:
        home.mkdir()
    source = tmp_path / "src"
    source.mkdir()
    (source / "weights.bin").write_bytes(os.urandom(10 * MIB))
    first = LocalStore(homes[0]).create_from_folder(source, "contested")
    twin = homes[1] / "models" / first.name / first.version
    shutil.copytree(first.path, twin)
    (twin / "weights.bin").write_bytes(os.urandom(10 * MIB))
    models = [first, LocalStore(homes[1]).get(str(first.tag))]
    tag = str(first.tag)

    outcomes: list[object] = [None, None]

    def run(index: int) -> None:
        replica = team.replicas[index]
        try:
            outcomes[index] = push(replica.endpoint, team.token, homes[index], tag)[0]
        except BentoSyncError as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    failures = [o for o in outcomes if isinstance(o, BentoSyncError)]
    successes = [o for o in outcomes if o is not None and not isinstance(o, BentoSyncError)]
    assert len(successes) == 1 and len(failures) == 1, outcomes
    assert str(failures[0]) and "Traceback" not in str(failures[0])
    # Never a mixed record: what is served is one push's files, checked against its list.
    pulled, _ = pull(team.replicas[0].endpoint, team.token, tmp_path / "c", tag)
    assert pulled.verified
    winner = 0 if tree_snapshot(pulled.model.path) == tree_snapshot(models[0].path) else 1
    assert tree_snapshot(pulled.model.path) == tree_snapshot(models[winner].path)


def test_metrics_of_each_replica_show_the_shared_records(team_factory):
    team = team_factory("proxy")
    api = Api(team.replicas[0])
    files = model_files("counted", "v1")
    create_model(api, "counted", "v1", files)
    api.ok(api.patch(api.model("counted", "v1", "start_upload")))
    assert api.put(api.model("counted", "v1", "upload"), data=make_tar(files)).ok
    for replica in team.replicas:
        text = requests.get(replica.endpoint + "/metrics", timeout=10).text
        assert 'bentosync_registry_models{status="success"} 1.0' in text
        assert requests.get(replica.endpoint + "/readyz", timeout=10).status_code == 200
