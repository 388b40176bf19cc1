"""Listing a big store: parses remembered by file identity, in memory and on disk.

A listing of thousands of versions must cost stats, not YAML parses, yet never
show a stale model: a changed model.yaml is read again, a removed one leaves
the cache, a damaged cache file is a cold cache, and a document JSON cannot
hold exactly is only kept in memory. The speed itself is in
``tests/bench/test_bench_listing.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bentosync.core import store as store_module
from bentosync.core.modelinfo import MODEL_YAML
from bentosync.core.modelinfo_cache import ModelInfoCache, default_cache_path
from bentosync.core.store import LocalStore, folder_size
from support.big_listing import write_big_store


def saved_entries(store: LocalStore) -> dict[str, list]:
    """The cache file's entries by model.yaml path (the first line is its header)."""
    lines = default_cache_path(store.models_dir).read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": 1}
    return {entry[0]: entry[1:] for entry in map(json.loads, lines[1:])}


@pytest.fixture
def big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    write_big_store(home, names=4, per_name=5)
    # ctime cannot be set back: let files written this second count as settled.
    monkeypatch.setattr(store_module, "RACY_NS", -10_000_000_000)
    return home


def test_a_second_listing_parses_nothing_and_agrees(big: Path) -> None:
    store = LocalStore(big)
    first = store.list()
    assert len(first.models) == 20 and first.problems == []
    assert store.info_cache.misses == 20
    again = store.list()
    assert store.info_cache.misses == 20 and store.info_cache.hits == 20
    assert again.models == first.models


def test_a_new_store_object_reads_the_cache_file(big: Path) -> None:
    first = LocalStore(big).list()
    assert default_cache_path(LocalStore(big).models_dir).is_file()
    other = LocalStore(big)
    listed = other.list()
    assert other.info_cache.misses == 0 and other.info_cache.hits == 20
    assert listed.models == first.models
    for old, new in zip(first.models, listed.models, strict=True):
        assert (new.info.labels, new.info.context, new.creation_time, new.path) == (
            old.info.labels,
            old.info.context,
            old.creation_time,
            old.path,
        )


def test_a_changed_model_yaml_is_read_again(big: Path) -> None:
    store = LocalStore(big)
    model = store.list().models[3]
    path = model.path / MODEL_YAML
    text = path.read_text(encoding="utf-8").replace("team: ", "team: x")
    path.write_text(text, encoding="utf-8")  # in place: same inode, new size and ctime
    for reader in (store, LocalStore(big)):
        listed = {str(m.tag): m for m in reader.list().models}
        assert listed[str(model.tag)].labels["team"] == "x" + model.labels["team"]


def test_removed_models_leave_the_cache_file(big: Path) -> None:
    store = LocalStore(big)
    gone = store.list().models[0]
    store.delete(str(gone.tag))
    store.list()
    saved = saved_entries(store)
    assert len(saved) == 19
    assert str(gone.path / MODEL_YAML) not in saved


def test_a_broken_cache_file_is_a_cold_cache(big: Path) -> None:
    LocalStore(big).list()
    cache_file = default_cache_path(LocalStore(big).models_dir)
    good = cache_file.read_text(encoding="utf-8").splitlines()
    for junk in ("{not json", '{"format": 99}', "\n".join([good[0], "[1, 2]", *good[2:]])):
        cache_file.write_text(junk, encoding="utf-8")
        store = LocalStore(big)
        assert len(store.list().models) == 20
        assert store.info_cache.misses == 20
        assert len(saved_entries(store)) == 20


def test_a_document_json_cannot_hold_stays_in_memory(big: Path) -> None:
    store = LocalStore(big)
    model = store.list().models[0]
    path = model.path / MODEL_YAML
    # An unquoted YAML timestamp in metadata becomes a datetime: not JSON.
    text = path.read_text(encoding="utf-8").replace(
        "metadata: {}", "metadata: {trained: 2025-01-01 10:00:00}"
    )
    path.write_text(text, encoding="utf-8")
    listed = {str(m.tag): m for m in store.list().models}
    assert listed[str(model.tag)].metadata["trained"].year == 2025
    saved = saved_entries(store)
    assert str(path) not in saved and len(saved) == 19
    fresh = {str(m.tag): m for m in LocalStore(big).list().models}
    assert fresh[str(model.tag)].metadata == listed[str(model.tag)].metadata


def test_a_model_yaml_changed_just_now_is_not_remembered(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_big_store(home, names=1, per_name=3)
    store = LocalStore(home)
    store.list()
    store.list()
    assert store.info_cache.hits == 0  # all three were written this second


def test_broken_entries_are_still_reported(big: Path) -> None:
    store = LocalStore(big)
    model = store.list().models[0]
    (model.path / MODEL_YAML).write_text("name: [unclosed", encoding="utf-8")
    listing = store.list()
    assert len(listing.models) == 19
    assert [p.path for p in listing.problems] == [model.path]
    assert "not valid YAML" in listing.problems[0].reason


def test_memory_only_cache_writes_no_file(big: Path) -> None:
    store = LocalStore(big, info_cache=ModelInfoCache())
    store.list()
    assert not default_cache_path(store.models_dir).exists()


def test_folder_size_counts_regular_files_only(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.bin").write_bytes(b"x" * 10)
    (tmp_path / "y.bin").write_bytes(b"y" * 5)
    (tmp_path / "empty").mkdir()
    os.symlink("y.bin", tmp_path / "link")
    os.symlink("a", tmp_path / "dirlink")
    assert folder_size(tmp_path) == (15, 2)
    assert folder_size(tmp_path / "missing") == (0, 0)


def test_batches_hand_over_every_model_once_as_it_is_read(
    big: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window's first listing shows rows as they are read; none twice, none lost."""
    clock = iter(range(0, 10_000))  # one "second" per look at the clock
    monkeypatch.setattr(store_module.time, "monotonic", lambda: float(next(clock)))
    batches: list[list[str]] = []
    listing = LocalStore(big).list(
        on_batch=lambda models: batches.append([str(m.tag) for m in models]), batch_seconds=1
    )
    handed = [tag for batch in batches for tag in batch]
    assert len(handed) == len(set(handed))
    assert set(handed) <= {str(m.tag) for m in listing.models}
    # The waits double (1, 2, 4, 8 looks at the clock): fewer batches than models.
    assert 2 <= len(batches) <= 5
    assert [len(batch) for batch in batches][:2] == [1, 2]


def test_the_cache_can_be_saved_after_the_listing(big: Path) -> None:
    store = LocalStore(big)
    store.list(save_cache=False)
    assert not default_cache_path(store.models_dir).exists()
    store.save_cache()
    assert len(saved_entries(store)) == 20


def test_a_model_yaml_that_is_not_utf8_is_a_broken_entry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_big_store(home, names=1, per_name=2)
    broken = next((home / "models").glob(f"*/*/{MODEL_YAML}"))
    broken.write_bytes(b"name: \xff\xfe\n")
    listing = LocalStore(home, info_cache=ModelInfoCache(None)).list()
    assert len(listing.models) == 1
    assert [p.path for p in listing.problems] == [broken.parent]
    assert "UTF-8" in listing.problems[0].reason
