"""What a server that checks nothing may hand a pull, on both flavours of the registry.

Our registry refuses bad archives at upload; BentoCloud (the ``bentocloud``
flavour) stores whatever it is sent and serves it back. Either way a pull must
end with nothing half-written in the store: hostile archives and archives that
lack whole files fail with a clear message, a Hugging Face reference gives no
model and says what it is, and a model too large to list file by file is
still verified as a whole.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bentosync.core.cloud import CloudClient
from bentosync.core.errors import BentoSyncError
from bentosync.core.filelist import METADATA_KEY
from bentosync.core.store import LocalStore
from bentosync.core.transfer.expectations import IncompleteArchive
from bentosync.core.transfer.progress import ChecksumState
from interop.test_transfer_roundtrip import pull, push, tree_snapshot
from support.hostile import CASES, GOOD_FILES, MODEL_YAML, NAME, VERSION, archive, member

pytestmark = pytest.mark.interop

FULL_SIZE = sum(len(data) for data in GOOD_FILES.values())
NOW = datetime(2026, 11, 23, 21, 4, 3, tzinfo=timezone.utc)


def official_style_upload(server, body: bytes, size_bytes: int = FULL_SIZE) -> None:
    """Create ``victim:v1`` as the official client does (no checksums) and PUT ``body``.

    The default flavour may refuse the body; that refusal is part of what is tested.
    """
    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": size_bytes,
        "metadata": {},
        "context": {"framework_name": "", "framework_versions": {}},
        "options": {},
    }
    with CloudClient(server.endpoint, server.token) as client:
        client.create_repository(NAME)
        client.create_model(NAME, VERSION, manifest, build_at=NOW)
        client.start_upload(NAME, VERSION)
        try:
            client.upload(NAME, VERSION, body, len(body))
        except BentoSyncError as exc:
            assert server.flavor == "bentosync", f"BentoCloud stores anything: {exc}"


def assert_store_untouched(home: Path) -> None:
    store = LocalStore(home)
    assert not (store.models_dir / NAME).exists()
    assert not store.tmp_dir.exists() or list(store.tmp_dir.iterdir()) == []


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_archive_never_reaches_the_store(cloud, home, case, promises):
    body, error = CASES[case]
    official_style_upload(cloud, body)
    with CloudClient(cloud.endpoint, cloud.token) as client:
        status = client.get_model(NAME, VERSION).upload_status
    if promises.checks_uploads:
        assert status == "failed"  # refused at upload: there is nothing to pull
        with pytest.raises(BentoSyncError, match="not available"):
            pull(cloud.endpoint, cloud.token, home, f"{NAME}:{VERSION}")
    else:
        assert status == "success"  # stored as sent, as BentoCloud would
        with pytest.raises(error) as refused:
            pull(cloud.endpoint, cloud.token, home, f"{NAME}:{VERSION}")
        assert str(refused.value)
    assert_store_untouched(home)
    assert not (home.parent / "escape.txt").exists()


def test_an_archive_lacking_whole_files_is_never_installed(cloud, home, promises):
    """A tar cut at a member boundary is valid; the announced size shows the loss."""
    official_style_upload(cloud, archive(member("./model.yaml", MODEL_YAML)))
    with CloudClient(cloud.endpoint, cloud.token) as client:
        record = client.get_model(NAME, VERSION)
    if promises.checks_uploads:
        assert record.upload_status == "failed"
        assert "files are missing" in record.upload_finished_reason
        with pytest.raises(BentoSyncError, match="files are missing"):
            pull(cloud.endpoint, cloud.token, home, f"{NAME}:{VERSION}")
    else:
        assert record.upload_status == "success" and record.checksums is None
        with pytest.raises(IncompleteArchive, match="files are missing"):
            pull(cloud.endpoint, cloud.token, home, f"{NAME}:{VERSION}")
    assert_store_untouched(home)


def test_a_complete_archive_without_checksums_is_installed_size_checked(cloud, home, promises):
    official_style_upload(cloud, archive(*[member(f"./{p}", d) for p, d in GOOD_FILES.items()]))
    result, snap = pull(cloud.endpoint, cloud.token, home, f"{NAME}:{VERSION}")
    assert result.verified is promises.official_pull_verified
    if not promises.official_pull_verified:
        assert "their total size was checked" in result.message
        assert {f.checksum for f in snap.files} == {ChecksumState.UNVERIFIED}
    assert (result.model.path / "weights.bin").read_bytes() == GOOD_FILES["weights.bin"]


def test_a_hugging_face_reference_gives_no_model_and_says_what_it_is(cloud, home):
    """The official push of a Hugging Face model creates the record and uploads nothing."""
    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": 0,
        "metadata": {
            "registry": "huggingface",
            "model_id": "meta-llama/Llama-3-8B",
            "revision": "8cde5ca8380496c9a6cc7ef3a8b46a0372a1d920",
            "endpoint": "https://huggingface.co",
            "include": None,
            "exclude": None,
            "url": "",
        },
    }
    with CloudClient(cloud.endpoint, cloud.token) as client:
        client.create_repository("llama")
        client.create_model("llama", "v1", manifest, build_at=NOW)
        assert client.get_model("llama", "v1").upload_status == "pending"
    for tag in ("llama:v1", "llama"):
        result, _ = pull(cloud.endpoint, cloud.token, home, tag)
        assert result.model is None and result.skipped
        assert "meta-llama/Llama-3-8B" in result.message and "Hugging Face" in result.message
    env = {
        **os.environ,
        "BENTOML_HOME": str(home),
        "BENTO_CLOUD_API_KEY": cloud.token,
        "BENTO_CLOUD_API_ENDPOINT": cloud.endpoint,
    }
    cli = subprocess.run(
        [sys.executable, "-m", "bentosync", "pull", "llama:v1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    assert "reference to meta-llama/Llama-3-8B" in cli.stdout
    assert not (LocalStore(home).models_dir / "llama").exists()
    api = subprocess.run(
        [sys.executable, "-c", "import bentosync; print(bentosync.pull('llama:v1'))"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert api.returncode == 0, api.stderr
    assert api.stdout.strip() == "None" and "Hugging Face" in api.stderr


def test_a_model_of_twenty_thousand_files_is_verified_as_a_whole(cloud, tmp_path):
    """Over the checksum list's budget: the record keeps one digest, and it verifies the pull."""
    source = tmp_path / "source"
    for n in range(20_000):
        folder = source / f"shard-{n % 40:02d}" / f"part-{n % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{n:05d}.txt").write_bytes(os.urandom(32 + n % 97))
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    model = LocalStore(home_a).create_from_folder(source, "many-files")
    result, _ = push(cloud.endpoint, cloud.token, home_a, str(model.tag))
    assert not result.skipped
    with CloudClient(cloud.endpoint, cloud.token) as client:
        record = client.get_model(model.name, model.version)
    kept = record.manifest["metadata"][METADATA_KEY]
    assert "files" not in kept and kept["count"] == model.file_count
    assert len(str(kept)) < 400  # whatever the file count
    assert record.checksums is not None and not record.checksums.listed
    pulled, snap = pull(cloud.endpoint, cloud.token, home_b, str(model.tag))
    assert pulled.verified and "verified as a whole" in pulled.message
    assert {f.checksum for f in snap.files} == {ChecksumState.VERIFIED}
    assert tree_snapshot(pulled.model.path) == tree_snapshot(model.path)
