"""The official ``bentoml`` CLI (1.4.39, its own venv) against our registry, every strategy,
and against the bentocloud flavour (FLAVORS.md) in the proxy and multipart strategies."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from registry_helpers import Api, stored_list

from support.official import OfficialClient
from support.registry import RegistryServer

pytestmark = pytest.mark.interop

CREATE_MODEL = """
import json, os, random
from pathlib import Path
import bentoml

size_mb = int(os.environ["MODEL_MB"])
with bentoml.models.create(os.environ["MODEL_NAME"], labels={"stage": "test"},
                           metadata={"mb": size_mb}) as model:
    root = Path(model.path)
    (root / "config").mkdir()
    (root / "config" / "tokenizer.json").write_text('{"vocab": [1, 2, 3]}')
    (root / "weights" / "layer1" / "deep").mkdir(parents=True)
    (root / "weights" / "layer1" / "deep" / "w.bin").write_bytes(os.urandom(70_001))
    (root / "weights" / "empty.txt").write_bytes(b"")
    (root / "emptydir").mkdir()
    os.symlink("config/tokenizer.json", root / "tokenizer-link.json")
    if size_mb:
        block = random.Random(1).randbytes(1 << 20)
        with open(root / "weights" / "big.bin", "wb") as handle:
            for index in range(size_mb):
                handle.write(index.to_bytes(8, "little") + block[8:])
print(json.dumps({"tag": str(model.tag)}))
"""

LOAD_MODEL = """
import json, os
import bentoml
model = bentoml.models.get(os.environ["MODEL_TAG"])
print(json.dumps({"tag": str(model.tag), "labels": model.info.labels,
                  "path": model.path}))
"""


def tree_digest(root: Path) -> dict[str, str]:
    """sha256 of every regular file (symlinks as their target text), by relative path."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
            out[rel] = digest.hexdigest()
    return out


def make_model(official: OfficialClient, home: Path, name: str, size_mb: int) -> tuple[str, Path]:
    result = official.run_python(CREATE_MODEL, home, {"MODEL_NAME": name, "MODEL_MB": str(size_mb)})
    assert isinstance(result, dict)
    name, version = result["tag"].split(":")
    return result["tag"], home / "models" / name / version


def cloud_env(server: RegistryServer) -> dict[str, str]:
    return {"BENTO_CLOUD_API_KEY": server.token, "BENTO_CLOUD_API_ENDPOINT": server.endpoint}


def push_and_pull(
    official: OfficialClient,
    server: RegistryServer,
    source_home: Path,
    tag: str,
    source_dir: Path,
    pull_home: Path,
    pull_arg: str,
) -> None:
    env = cloud_env(server)
    official.run_cli(["models", "push", tag], source_home, env)
    name, version = tag.split(":")
    api = Api(server)
    model = api.ok(api.get(api.model(name, version)))
    assert model["upload_status"] == "success"
    if server.flavor == "bentocloud":
        # Stored as it came: BentoCloud computes no file list.
        assert stored_list(model["manifest"]) is None
    else:
        # The official client sent no file list: the registry computed it from the archive.
        listed = {path: sha for path, _, sha in stored_list(model["manifest"])["files"]}
        regular = {k: v for k, v in tree_digest(source_dir).items() if not v.startswith("link:")}
        assert listed == regular

    official.run_cli(["models", "pull", pull_arg], pull_home, env)
    pulled_dir = pull_home / "models" / name / version
    assert tree_digest(pulled_dir) == tree_digest(source_dir)
    loaded = official.run_python(LOAD_MODEL, pull_home, {"MODEL_TAG": tag})
    assert isinstance(loaded, dict)
    assert loaded["tag"] == tag and loaded["labels"] == {"stage": "test"}


@pytest.fixture(scope="module")
def small_model(official, tmp_path_factory) -> tuple[Path, str, Path]:
    home = tmp_path_factory.mktemp("official-src")
    tag, path = make_model(official, home, "nested_model", 0)
    return home, tag, path


def test_login_checks_the_token(official, registry, tmp_path):
    ok = official.run_cli(
        ["cloud", "login", "--endpoint", registry.endpoint, "--api-token", registry.token],
        tmp_path,
    )
    assert ok.returncode == 0
    config = (tmp_path / ".yatai.yaml").read_text()
    assert registry.endpoint in config
    bad = official.run_cli(
        ["cloud", "login", "--endpoint", registry.endpoint, "--api-token", "not-a-token"],
        tmp_path / "other",
        check=False,
    )
    assert bad.returncode != 0
    assert "Bad credentials" in bad.stdout + bad.stderr


@pytest.mark.both_databases
@pytest.mark.parametrize("strategy", ["proxy", "presigned", "multipart"])
def test_official_push_and_pull(official, registry_factory, small_model, tmp_path, strategy):
    home, tag, path = small_model
    server = registry_factory(strategy=strategy)
    # By name for proxy (exercises "latest"), by full tag otherwise.
    pull_arg = tag.split(":")[0] if strategy == "proxy" else tag
    push_and_pull(official, server, home, tag, path, tmp_path / "pulled", pull_arg)
    log = server.log_text()
    name, version = tag.split(":")
    through_api = f"/api/v1/model_repositories/{name}/models/{version}"
    expected_paths = {
        "proxy": [f"PUT {through_api}/upload", f"GET {through_api}/download"],
        "presigned": ["PUT /blobs/models/", "GET /blobs/models/"],
        "multipart": ["PUT /blobs/parts/", "GET /blobs/models/"],
    }
    for used in expected_paths[strategy]:
        assert f'"{used}' in log, used
    # A second push of a successful model is "already exists" for the official client.
    again = official.run_cli(["models", "push", tag], home, cloud_env(server))
    assert "already exists" in again.stdout + again.stderr


@pytest.mark.both_databases
@pytest.mark.parametrize("strategy", ["proxy", "multipart"])
def test_official_push_and_pull_bentocloud_flavour(
    official, registry_factory, small_model, tmp_path, strategy
):
    home, tag, path = small_model
    server = registry_factory(strategy=strategy, flavor="bentocloud")
    push_and_pull(official, server, home, tag, path, tmp_path / "pulled", tag)
    name, version = tag.split(":")
    log = server.log_text()
    if strategy == "multipart":
        # Parts and the download went to the storage endpoint, S3's way.
        obj = f"/bentosync-models/models/default/{name}/{version}.tar"
        assert f'"PUT {obj}" 200' in log and f'"GET {obj}" 200' in log
    else:
        through_api = f"/api/v1/model_repositories/{name}/models/{version}"
        assert f'"PUT {through_api}/upload" 200' in log
        assert f'"GET {through_api}/download" 200' in log
    again = official.run_cli(["models", "push", tag], home, cloud_env(server))
    assert "already exists" in again.stdout + again.stderr


@pytest.mark.parametrize("flavor", ["bentosync", "bentocloud"])
@pytest.mark.parametrize("strategy", ["proxy", "presigned", "multipart"])
def test_official_push_and_pull_on_object_storage(
    official, registry_factory, small_model, tmp_path, s3_bucket, strategy, flavor
):
    """Archives in a bucket (--storage, a moto S3 server): presigned URLs are the store's,
    the bentosync flavour still computes the file list (read back or on the proxy stream)."""
    home, tag, path = small_model
    server = registry_factory(strategy=strategy, flavor=flavor, s3=s3_bucket)
    push_and_pull(official, server, home, tag, path, tmp_path / "pulled", tag)
    name, version = tag.split(":")
    log = server.log_text()
    through_api = f"/api/v1/model_repositories/{name}/models/{version}"
    if strategy == "proxy":
        assert f'"PUT {through_api}/upload" 200' in log
        assert f'"GET {through_api}/download" 200' in log
    else:
        # Neither the registry's /blobs nor its emulated bucket: the bytes went to S3.
        assert f"{through_api}/upload" not in log and f"{through_api}/download" not in log
        assert "/blobs/" not in log and "/bentosync-models/" not in log
    if flavor == "bentosync" and strategy != "proxy":
        assert f"Reading back the archive of {tag}" in log
    uid = Api(server).ok(Api(server).get(Api(server).model(name, version)))["uid"]
    assert s3_bucket.object_keys() == [s3_bucket.object_key(uid)]
    again = official.run_cli(["models", "push", tag], home, cloud_env(server))
    assert "already exists" in again.stdout + again.stderr


@pytest.mark.slow
def test_official_multipart_push_and_pull_250_mib_bentocloud_flavour(
    official, registry_factory, tmp_path
):
    """Three 100 MiB-ish parts through the storage endpoint's S3 rules."""
    home = tmp_path / "src"
    tag, path = make_model(official, home, "big_model", 250)
    server = registry_factory(strategy="multipart", flavor="bentocloud")
    push_and_pull(official, server, home, tag, path, tmp_path / "pulled", tag)
    name, version = tag.split(":")
    obj = f"/bentosync-models/models/default/{name}/{version}.tar"
    assert server.log_text().count(f'"PUT {obj}" 200') >= 3
    assert f"Completed multipart upload of {tag}: 3 parts" in server.log_text()


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["multipart", "proxy"])
def test_official_push_and_pull_250_mib(official, registry_factory, tmp_path, strategy):
    home = tmp_path / "src"
    tag, path = make_model(official, home, "big_model", 250)
    server = registry_factory(strategy=strategy)
    push_and_pull(official, server, home, tag, path, tmp_path / "pulled", tag)
    if strategy == "multipart":
        assert "PUT /blobs/parts/" in server.log_text()
        assert server.log_text().count("PUT /blobs/parts/") >= 3
        # Its parts were checked while they arrived (pipeline.py) and are kept as
        # the archive, never copied into one file (segments.py).
        assert "was checked while its parts arrived" in server.log_text()
        stored = list((server.data_dir / "blobs").iterdir())
        assert len(stored) == 1 and stored[0].name.endswith(".parts")
        assert len(list(stored[0].iterdir())) >= 3
