"""The sync verdict shared by the window and ``bentosync list``: pure, no disk, no Qt."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

import pytest

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import Checksums, FileEntry
from bentosync.core.modelinfo import ModelInfo
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncState, compare, compute_sync_states
from bentosync.core.tags import Tag

WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)
FILES = [
    FileEntry("model.yaml", 300, "a" * 64),
    FileEntry("weights.bin", 700, "b" * 64),
]


def local(name: str, version: str = "v1", size: int = 1000, files: int = 2) -> LocalModel:
    info = ModelInfo(
        tag=Tag(name, version),
        module="",
        labels={},
        options={},
        metadata={},
        context={},
        api_version="v1",
        creation_time=WHEN,
        raw={},
    )
    return LocalModel(info, f"/store/{name}/{version}", size, files)


def cloud(
    name: str,
    version: str = "v1",
    size: int = 1000,
    files: list[FileEntry] | None = FILES,
    status: str = "success",
    reason: str = "",
) -> CloudModel:
    return CloudModel(
        name=name,
        version=version,
        upload_status=status,
        upload_finished_reason=reason,
        size_bytes=size,
        checksums=None if files is None else Checksums.of(files),
        build_at=WHEN,
    )


def test_one_entry_per_tag_on_either_side():
    states = compute_sync_states(
        [local("a"), local("b"), local("b", "v2")],
        [cloud("b"), cloud("c")],
    )
    assert {tag: e.state for tag, e in states.items()} == {
        "a:v1": SyncState.LOCAL_ONLY,
        "b:v1": SyncState.IN_SYNC,
        "b:v2": SyncState.LOCAL_ONLY,
        "c:v1": SyncState.CLOUD_ONLY,
    }
    assert states["a:v1"].cloud is None and states["a:v1"].local is not None
    assert states["c:v1"].local is None and states["c:v1"].cloud is not None
    assert states["b:v1"].name == "b" and states["b:v1"].version == "v1"


def test_nothing_anywhere_is_an_empty_mapping():
    assert compute_sync_states([], []) == {}


@pytest.mark.parametrize("status", ["pending", "uploading", "failed", ""])
def test_in_sync_needs_a_successful_upload(status):
    entry = compare(local("a"), cloud("a", status=status, reason="disk full"))
    assert entry.state is SyncState.DIFFERS
    assert "not usable" in entry.reason


def test_a_failed_upload_alone_is_cloud_only_and_says_it_cannot_be_pulled():
    entry = compute_sync_states([], [cloud("a", status="failed")])["a:v1"]
    assert entry.state is SyncState.CLOUD_ONLY
    assert "cannot be pulled" in entry.reason


def test_sizes_that_disagree_differ():
    entry = compare(local("a", size=1000), cloud("a", size=999))
    assert entry.state is SyncState.DIFFERS
    assert "1,000 bytes here" in entry.reason


def test_an_unstated_cloud_size_is_not_a_difference():
    assert compare(local("a"), cloud("a", size=0)).state is SyncState.IN_SYNC


def test_file_counts_that_disagree_differ_without_hashing():
    entry = compare(local("a", files=3), cloud("a"))
    assert entry.state is SyncState.DIFFERS
    assert "3 files here, 2 in the cloud" in entry.reason


def test_equal_file_lists_are_verified():
    entry = compare(local("a"), cloud("a"), list(reversed(FILES)))
    assert entry.state is SyncState.IN_SYNC
    assert entry.verified


def test_a_checksum_difference_names_the_file():
    changed = [FILES[0], FileEntry("weights.bin", 700, "c" * 64)]
    entry = compare(local("a"), cloud("a"), changed)
    assert entry.state is SyncState.DIFFERS
    assert "weights.bin" in entry.reason and not entry.verified


def test_extra_and_missing_files_are_named():
    mine = [FILES[0], FileEntry("extra.txt", 0, "d" * 64)]
    entry = compare(local("a"), cloud("a", size=1000), mine)
    assert entry.state is SyncState.DIFFERS
    assert "only here (extra.txt)" in entry.reason
    assert "only in the cloud (weights.bin)" in entry.reason


def test_without_a_server_list_same_size_is_in_sync_but_unverified():
    entry = compare(local("a"), cloud("a", files=None), FILES)
    assert entry.state is SyncState.IN_SYNC
    assert not entry.verified
    assert "unverified" in entry.reason


def test_without_hashes_a_count_match_is_in_sync_but_not_verified():
    entry = compare(local("a"), cloud("a"))
    assert entry.state is SyncState.IN_SYNC
    assert not entry.verified


def test_file_lists_are_used_per_tag():
    changed = [FILES[0], FileEntry("weights.bin", 700, "c" * 64)]
    states = compute_sync_states(
        [local("a"), local("b")],
        [cloud("a"), cloud("b")],
        {"a:v1": changed},
    )
    assert states["a:v1"].state is SyncState.DIFFERS
    assert states["b:v1"].state is SyncState.IN_SYNC


def test_a_duplicate_cloud_listing_prefers_the_uploaded_record():
    states = compute_sync_states([local("a")], [cloud("a", status="failed"), cloud("a")])
    assert states["a:v1"].state is SyncState.IN_SYNC


def test_state_values_are_the_cli_json_words():
    assert [s.value for s in SyncState] == ["in_sync", "local_only", "cloud_only", "differs"]
    assert SyncState.DIFFERS.label == "Differs"


def unlisted(files: list[FileEntry]) -> Checksums:
    whole = Checksums.of(files)
    return Checksums(whole.digest, whole.count, whole.size)


def test_a_whole_model_digest_verifies_the_local_files_as_a_whole():
    record = replace(cloud("a"), checksums=unlisted(FILES))
    entry = compare(local("a"), record, list(FILES))
    assert entry.state is SyncState.IN_SYNC and entry.verified
    assert "whole-model sha256" in entry.reason
    changed = [FILES[0], FileEntry(FILES[1].path, FILES[1].size, "f" * 64)]
    differs = compare(local("a"), record, changed)
    assert differs.state is SyncState.DIFFERS and not differs.verified
    assert "cannot be named" in differs.reason


def test_a_hugging_face_reference_is_never_in_sync_with_local_files():
    record = replace(
        cloud("a", status="pending", files=None),
        manifest={"metadata": {"registry": "huggingface", "model_id": "org/m"}},
    )
    entry = compare(local("a"), record)
    assert entry.state is SyncState.DIFFERS
    assert "Hugging Face" in entry.reason
