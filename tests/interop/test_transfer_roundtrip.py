"""Push and pull against the project's registry over HTTP on 127.0.0.1.

Every strategy, on both flavours: what a user sees as verified differs
between them (``promises``), what arrives on disk must not.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest

from bentosync.core.cloud_errors import AuthError
from bentosync.core.errors import ModelNotFound, RecordConflict
from bentosync.core.modelinfo import read_model_info, write_model_document
from bentosync.core.store import LocalStore, folder_size
from bentosync.core.transfer.expectations import ChecksumMismatch
from bentosync.core.transfer.progress import ChecksumState, Phase
from support.engine import make_model, pull, push, tree_snapshot


@pytest.fixture
def homes(tmp_path):
    a, b = tmp_path / "home-a", tmp_path / "home-b"
    a.mkdir()
    b.mkdir()
    return a, b


@pytest.mark.parametrize("storage", ["local", "s3"])
@pytest.mark.parametrize("strategy", ["proxy", "presigned", "multipart"])
def test_round_trip_every_file_verified(
    registry_factory, homes, strategy, flavor, promises, storage, request
):
    # "s3": archives in a bucket of a moto S3 server (--storage), presigned URLs its own.
    s3 = request.getfixturevalue("s3_bucket") if storage == "s3" else None
    server = registry_factory(strategy=strategy, flavor=flavor, s3=s3)
    home_a, home_b = homes
    model = make_model(home_a, f"rt-{strategy}")
    result, snap = push(server.endpoint, server.token, home_a, str(model.tag))
    assert result.verified is promises.checks_uploads and not result.skipped
    assert promises.push_words in result.message
    assert result.strategy == strategy
    assert snap.phase is Phase.DONE and snap.done_bytes == snap.total_bytes
    assert {f.checksum for f in snap.files} == {promises.push_checksum}

    pulled, psnap = pull(server.endpoint, server.token, home_b, f"rt-{strategy}")
    assert pulled.verified and not pulled.skipped
    assert {f.checksum for f in psnap.files} == {ChecksumState.VERIFIED}
    assert psnap.done_bytes == psnap.total_bytes == model.size_bytes
    assert tree_snapshot(pulled.model.path) == tree_snapshot(model.path)
    assert pulled.model.creation_time == model.creation_time
    # The size the pull knew from what it wrote is what the folder holds.
    assert (pulled.model.size_bytes, pulled.model.file_count) == folder_size(pulled.model.path)
    assert (pulled.model.size_bytes, pulled.model.file_count) == (
        model.size_bytes,
        model.file_count,
    )
    assert LocalStore(home_b).read_latest(model.name) == model.version
    tmp = LocalStore(home_b).tmp_dir
    assert not tmp.exists() or list(tmp.iterdir()) == []
    if s3 is not None:
        # The archive is the bucket's one object; presigned bytes went to the store directly.
        assert len(s3.object_keys()) == 1
        assert s3.client().list_multipart_uploads(Bucket=s3.name).get("Uploads", []) == []
        if strategy != "proxy":
            assert "/blobs/" not in server.log_text()
            assert " /bentosync-models/" not in server.log_text()


def test_second_push_is_skipped_as_identical_and_force_sends_again(cloud, homes, promises):
    home_a, _ = homes
    model = make_model(home_a, "twice", big_bytes=1024)
    push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    result, snap = push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    # Compared with the checksums the record keeps: on BentoCloud too.
    assert result.skipped and result.verified
    assert "identical file by file" in result.message
    assert snap.phase is Phase.SKIPPED
    forced, _ = push(cloud.endpoint, cloud.token, home_a, str(model.tag), force=True)
    assert forced.verified is promises.checks_uploads and not forced.skipped


def test_changed_local_copy_is_reported_and_never_replaced_by_itself(cloud, homes, promises):
    home_a, home_b = homes
    model = make_model(home_a, "drift", big_bytes=1024)
    push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    original = tree_snapshot(model.path)
    (model.path / "weights" / "big.bin").write_bytes(b"changed")
    result, snap = push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    assert result.skipped and not result.verified
    assert "different files" in result.message and "--recreate" in result.message
    states = {f.path: f.checksum for f in snap.files}
    assert states.pop("weights/big.bin") is ChecksumState.MISMATCH
    assert set(states.values()) == {ChecksumState.VERIFIED}  # the others agree
    # --force uploads into the same record, whose checksums cannot change: refused,
    # nothing sent, and the cloud copy is still the one pushed first.
    with pytest.raises(RecordConflict, match="--recreate") as refused:
        push(cloud.endpoint, cloud.token, home_a, str(model.tag), force=True)
    assert "weights/big.bin" in str(refused.value)
    pulled, _ = pull(cloud.endpoint, cloud.token, home_b, str(model.tag))
    assert pulled.verified and tree_snapshot(pulled.model.path) == original
    # The explicit, separately named act deletes the version and pushes it again.
    env = {
        **os.environ,
        "BENTO_CLOUD_API_KEY": cloud.token,
        "BENTO_CLOUD_API_ENDPOINT": cloud.endpoint,
        "BENTOML_HOME": str(home_a),
    }
    recreated = subprocess.run(
        [sys.executable, "-m", "bentosync", "push", str(model.tag), "--recreate"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert recreated.returncode == 0, recreated.stderr
    assert f"Deleted {model.tag}" in recreated.stderr
    assert promises.push_words in recreated.stdout
    cloud.expect_deletes()


def test_pull_name_asks_the_server_for_latest(cloud, homes):
    home_a, home_b = homes
    old = make_model(home_a, "evolving", big_bytes=100, seed=1)
    push(cloud.endpoint, cloud.token, home_a, str(old.tag))
    pulled, _ = pull(cloud.endpoint, cloud.token, home_b, "evolving")
    assert pulled.model.version == old.version
    new = make_model(home_a, "evolving", big_bytes=200, seed=2)
    info = read_model_info(new.path)
    assert info.creation_time > old.creation_time
    push(cloud.endpoint, cloud.token, home_a, str(new.tag))
    # The official client would stop here because *some* version is local (PROTOCOL.md 10.1).
    pulled, _ = pull(cloud.endpoint, cloud.token, home_b, "evolving:latest")
    assert pulled.model.version == new.version and not pulled.skipped
    assert LocalStore(home_b).read_latest("evolving") == new.version


def test_pull_skips_an_exact_local_version_unless_forced(cloud, homes):
    home_a, home_b = homes
    model = make_model(home_a, "kept", big_bytes=100)
    push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    pull(cloud.endpoint, cloud.token, home_b, str(model.tag))
    again, snap = pull(cloud.endpoint, cloud.token, home_b, str(model.tag))
    assert again.skipped and snap.phase is Phase.SKIPPED
    (LocalStore(home_b).get(str(model.tag)).path / "weights" / "big.bin").write_bytes(b"x")
    forced, _ = pull(cloud.endpoint, cloud.token, home_b, str(model.tag), force=True)
    assert not forced.skipped and forced.verified
    assert (forced.model.path / "weights" / "big.bin").read_bytes() == (
        model.path / "weights" / "big.bin"
    ).read_bytes()


def test_flipped_byte_in_the_stored_blob_fails_naming_the_file(cloud, homes):
    home_a, home_b = homes
    model = make_model(home_a, "corrupt", big_bytes=2 * 1024 * 1024)
    push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    blobs = [p for p in (cloud.data_dir / "blobs").iterdir() if p.is_file()]
    assert len(blobs) == 1
    data = bytearray(blobs[0].read_bytes())
    marker = (model.path / "weights" / "big.bin").read_bytes()[:4096]
    data[bytes(data).index(marker) + 100] ^= 0x01
    blobs[0].write_bytes(bytes(data))
    with pytest.raises(ChecksumMismatch, match=r"weights/big\.bin"):
        pull(cloud.endpoint, cloud.token, home_b, str(model.tag))
    store = LocalStore(home_b)
    assert not (store.models_dir / "corrupt").exists()
    assert not store.tmp_dir.exists() or list(store.tmp_dir.iterdir()) == []


def test_unknown_model_and_bad_token_say_what_to_do(cloud, homes):
    home_a, home_b = homes
    with pytest.raises(ModelNotFound):
        pull(cloud.endpoint, cloud.token, home_b, "nothing-here")
    model = make_model(home_a, "secret", big_bytes=10)
    with pytest.raises(AuthError, match="bentosync login") as excinfo:
        push(cloud.endpoint, "wrong-token", home_a, str(model.tag))
    assert "wrong-token" not in str(excinfo.value)


def test_flaky_network_transfers_complete(flaky_cloud, homes, promises):
    flaky = flaky_cloud("multipart", fail_rate=0.2, drop_rate=0.2, seed=11)
    home_a, home_b = homes
    model = make_model(home_a, "flaky", big_bytes=20 * 1024 * 1024)
    result, _ = push(flaky.api.endpoint, flaky.server.token, home_a, str(model.tag), threads=3)
    assert result.verified is promises.checks_uploads and not result.skipped
    for proxy in flaky.proxies:  # the API calls and the part PUTs both met faults
        assert proxy.outcomes("503") and proxy.outcomes("dropped")
    # The pull's download is cut twice mid-body; it must resume with Range each time.
    for proxy in flaky.proxies:
        proxy.fail_rate = proxy.drop_rate = 0.0
    storage = flaky.storage
    storage.fault_paths, storage.fault_methods = (promises.storage_path,), ("GET",)
    storage.drop_first = 2
    before = len(storage.seen)
    pulled, _ = pull(flaky.api.endpoint, flaky.server.token, home_b, str(model.tag))
    assert pulled.verified
    assert tree_snapshot(pulled.model.path) == tree_snapshot(model.path)
    downloads = [s for s in storage.seen[before:] if promises.storage_path in s.path]
    outcomes = [s.outcome for s in downloads]
    assert outcomes[:2] == ["dropped", "dropped"] and set(outcomes[2:]) == {"ok"}
    assert downloads[0].range is None
    # A cut before any file data is on disk starts over; later ones resume from disk.
    assert any(s.range and s.range.startswith("bytes=") for s in downloads[1:]), downloads


def test_cli_push_pull_verify_and_401(cloud, homes, tmp_path, promises):
    home_a, home_b = homes
    model = make_model(home_a, "cli-model", big_bytes=3 * 1024 * 1024)
    env = {
        **os.environ,
        "BENTO_CLOUD_API_KEY": cloud.token,
        "BENTO_CLOUD_API_ENDPOINT": cloud.endpoint,
    }

    def cli(*args, home, extra=None):
        return subprocess.run(
            [sys.executable, "-m", "bentosync", *args],
            env={**env, "BENTOML_HOME": str(home), **(extra or {})},
            capture_output=True,
            text=True,
            timeout=300,
        )

    pushed = cli("push", str(model.tag), "--part-size", "5MiB", home=home_a)
    assert pushed.returncode == 0, pushed.stderr
    assert promises.push_words in pushed.stdout
    assert promises.push_checksum.value in pushed.stderr and "weights/big.bin" in pushed.stderr
    pulled = cli("pull", "cli-model", home=home_b)
    assert pulled.returncode == 0, pulled.stderr
    assert "every file verified" in pulled.stdout
    verified = cli("verify", str(model.tag), home=home_b)
    assert verified.returncode == 0, verified.stderr
    (LocalStore(home_b).get("cli-model").path / "sub" / "cfg.json").write_text("tampered")
    tampered = cli("verify", "cli-model", home=home_b)
    assert tampered.returncode == 1
    assert "differs: sub/cfg.json" in tampered.stderr
    refused = cli("pull", "cli-model", home=home_b, extra={"BENTO_CLOUD_API_KEY": "nope"})
    assert refused.returncode == 1
    assert "bentosync login" in refused.stderr and "Traceback" not in refused.stderr
    usage = cli("push", home=home_a)
    assert usage.returncode == 2


def test_model_yaml_creation_time_survives_the_round_trip(cloud, homes):
    home_a, home_b = homes
    model = make_model(home_a, "timed", big_bytes=10)
    doc = read_model_info(model.path).raw
    earlier = model.creation_time - timedelta(days=30)
    doc["creation_time"] = earlier.isoformat()
    write_model_document(model.path, doc)
    push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    pulled, _ = pull(cloud.endpoint, cloud.token, home_b, str(model.tag))
    assert pulled.model.creation_time == earlier
