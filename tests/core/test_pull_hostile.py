"""A hostile server: each bad archive is refused, nothing lands outside staging.

The server is scripted (unit level): it answers the model record and serves a
crafted archive through the proxy download, so the real Puller, extractor and
store run exactly as they would against a compromised or broken registry.
"""

from __future__ import annotations

import hashlib
import tarfile
from pathlib import Path

import pytest

from bentosync.core.cloud import CloudClient
from bentosync.core.errors import UnsafeArchive
from bentosync.core.filelist import METADATA_KEY, Checksums, FileEntry
from bentosync.core.store import LocalStore
from bentosync.core.transfer.expectations import IncompleteArchive
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.pull import Puller
from support.fake_cloud import Reply, model_json, running_fake_cloud
from support.hostile import (
    CASES,
    GOOD_FILES,
    MODEL_YAML,
    NAME,
    VERSION,
    WEIGHTS,
    archive,
    good_members,
    member,
)


def file_list(files: dict[str, bytes]) -> dict:
    return Checksums.of(
        FileEntry(p, len(d), hashlib.sha256(d).hexdigest()) for p, d in files.items()
    ).to_metadata_value()


def serve(fake, body: bytes, manifest_files=GOOD_FILES, size=None):
    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": size if size is not None else sum(len(d) for d in GOOD_FILES.values()),
        "metadata": {} if manifest_files is None else {METADATA_KEY: file_list(manifest_files)},
    }
    record = model_json(NAME, VERSION, manifest=manifest)
    base = f"/api/v1/model_repositories/{NAME}/models/{VERSION}"
    fake.route("GET", base, Reply(200, record))
    fake.route("PATCH", f"{base}/presign_download_url", Reply(200, record))
    fake.route("GET", f"{base}/download", Reply(200, body))


@pytest.fixture
def env(tmp_path):
    home = tmp_path / "home"
    store = LocalStore(home)
    store.models_dir.mkdir(parents=True)
    journal = Journal(tmp_path / "journal.sqlite")
    with running_fake_cloud() as fake:
        yield fake, store, journal, tmp_path


def run_pull(fake, store, journal):
    client = CloudClient(fake.endpoint, "token")
    try:
        return Puller(client, store, f"{NAME}:{VERSION}", journal=journal).run()
    finally:
        client.close()


def everything_under(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def assert_untouched(store: LocalStore, tmp_path: Path, before: set[Path]):
    assert list(store.models_dir.iterdir()) == []
    assert not store.tmp_dir.exists() or list(store.tmp_dir.iterdir()) == []
    new = everything_under(tmp_path) - before
    assert all(p.name.startswith("journal.sqlite") or p == store.tmp_dir for p in new), new
    assert not (tmp_path / "escape.txt").exists()


def test_a_good_archive_from_the_scripted_server_installs(env):
    fake, store, journal, _ = env
    serve(fake, archive(*good_members()))
    result = run_pull(fake, store, journal)
    assert result.verified
    assert (result.model.path / "weights.bin").read_bytes() == WEIGHTS


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_archive_is_refused(env, case):
    fake, store, journal, tmp_path = env
    body, error = CASES[case]
    serve(fake, body)
    before = everything_under(tmp_path)
    with pytest.raises(error) as excinfo:
        run_pull(fake, store, journal)
    assert str(excinfo.value)  # a message a person can read
    assert_untouched(store, tmp_path, before)


def test_unannounced_extra_data_without_a_file_list(env):
    fake, store, journal, tmp_path = env
    body = archive(*good_members(), member("./extra.bin", b"x" * 100_000))
    serve(fake, body, manifest_files=None)
    before = everything_under(tmp_path)
    with pytest.raises(UnsafeArchive, match="more data than"):
        run_pull(fake, store, journal)
    assert_untouched(store, tmp_path, before)


def test_archive_cut_inside_a_file_is_not_installed(env):
    fake, store, journal, tmp_path = env
    body = archive(*good_members())
    serve(fake, body[: body.index(WEIGHTS) + 1000])
    before = everything_under(tmp_path)
    with pytest.raises(IncompleteArchive, match=r"cut short|ended"):
        run_pull(fake, store, journal)
    assert_untouched(store, tmp_path, before)


def test_truncated_at_a_member_boundary_is_caught(env):
    """A valid but shorter tar (PROTOCOL.md 10.2): the file list notices the loss."""
    fake, store, journal, tmp_path = env
    short = archive(member("./model.yaml", MODEL_YAML))
    serve(fake, short)
    before = everything_under(tmp_path)
    with pytest.raises(IncompleteArchive, match=r"weights\.bin"):
        run_pull(fake, store, journal)
    assert_untouched(store, tmp_path, before)


def test_without_checksums_an_archive_lacking_whole_files_is_not_installed(env):
    """The record announces its size; a shorter, well-formed tar falls short of it."""
    fake, store, journal, tmp_path = env
    serve(fake, archive(member("./model.yaml", MODEL_YAML)), manifest_files=None)
    before = everything_under(tmp_path)
    with pytest.raises(IncompleteArchive, match="files are missing") as excinfo:
        run_pull(fake, store, journal)
    assert f"{len(MODEL_YAML):,} bytes" in str(excinfo.value)
    assert_untouched(store, tmp_path, before)


def test_without_checksums_a_complete_archive_installs_unverified(env):
    fake, store, journal, _ = env
    serve(fake, archive(*good_members()), manifest_files=None)
    result = run_pull(fake, store, journal)
    assert not result.verified and "unverified" in result.message
    assert (result.model.path / "weights.bin").read_bytes() == WEIGHTS


def test_a_hard_link_to_an_earlier_member_installs_as_a_copy(env):
    fake, store, journal, _ = env
    link = member("./again.bin", type=tarfile.LNKTYPE, linkname="./weights.bin")
    files = {**GOOD_FILES, "again.bin": WEIGHTS}
    size = sum(len(data) for data in files.values())  # bentoml counts each path
    serve(fake, archive(*good_members(), link), manifest_files=files, size=size)
    result = run_pull(fake, store, journal)
    assert result.verified
    assert (result.model.path / "again.bin").read_bytes() == WEIGHTS
    assert not (result.model.path / "again.bin").samefile(result.model.path / "weights.bin")


def test_a_hugging_face_reference_gives_no_model_and_says_what_it_is(env):
    """Its record stays pending forever (the official push uploads nothing): not an error."""
    fake, store, journal, _ = env
    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": 0,
        "metadata": {
            "registry": "huggingface",
            "model_id": "meta-llama/Llama-3-8B",
            "revision": "abc123",
        },
    }
    record = model_json(NAME, VERSION, manifest=manifest, upload_status="pending")
    base = f"/api/v1/model_repositories/{NAME}/models"
    fake.route("GET", f"{base}/{VERSION}", Reply(200, record))
    fake.route("GET", base, Reply(200, {"start": 0, "count": 1, "total": 1, "items": [record]}))
    for tag in (f"{NAME}:{VERSION}", NAME):
        client = CloudClient(fake.endpoint, "token")
        try:
            result = Puller(client, store, tag, journal=journal).run()
        finally:
            client.close()
        assert result.model is None and result.skipped
        assert "meta-llama/Llama-3-8B at revision abc123" in result.message
        assert "Hugging Face" in result.message
    assert not any("download" in path for path in fake.paths())
    assert list(store.models_dir.iterdir()) == []


def test_a_version_already_local_is_returned_without_a_network_call(env, tmp_path):
    fake, store, journal, _ = env
    source = tmp_path / "src"
    source.mkdir()
    (source / "weights.bin").write_bytes(WEIGHTS)
    model = store.create_from_folder(source, NAME)
    for tag in (str(model.tag), f"{NAME}:{model.version[:6]}"):
        client = CloudClient(fake.endpoint, "token")
        try:
            result = Puller(client, store, tag, journal=journal).run()
        finally:
            client.close()
        assert result.skipped and result.model.path == model.path
    assert fake.requests == []
