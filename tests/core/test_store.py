"""LocalStore against the rules of PROTOCOL.md 8 (layout, latest, resolution)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from bentosync.core.errors import InvalidModel, InvalidTag, ModelExists, ModelNotFound
from bentosync.core.modelinfo import new_model_document, write_model_document
from bentosync.core.store import LocalStore
from bentosync.core.tags import Tag

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def stage(store: LocalStore, name: str, version: str, when: datetime, payload: bytes = b"w"):
    """A staged model folder with one weights file, as pull would leave it."""
    staged = store.new_staging_dir()
    (staged / "weights.bin").write_bytes(payload)
    write_model_document(staged, new_model_document(Tag(name, version), creation_time=when))
    return staged


@pytest.fixture
def store(bentoml_home):
    return LocalStore()


def test_home_follows_env_with_expansion(monkeypatch, tmp_path):
    monkeypatch.setenv("SOMEWHERE", str(tmp_path))
    monkeypatch.setenv("BENTOML_HOME", "$SOMEWHERE/bh")
    assert LocalStore().models_dir == tmp_path / "bh" / "models"


def test_empty_store_lists_nothing(store):
    listing = store.list()
    assert listing.models == [] and listing.problems == []


def test_install_sets_latest_by_creation_time(store):
    store.install(stage(store, "m", "v2", T0 + timedelta(hours=2)))
    assert store.read_latest("m") == "v2"
    # An older version arriving later (e.g. a pull) leaves latest alone.
    store.install(stage(store, "m", "v1", T0))
    assert store.read_latest("m") == "v2"
    # A newer one moves it; an equal creation_time moves it too (bentoml uses >=).
    store.install(stage(store, "m", "v3", T0 + timedelta(hours=2)))
    assert store.read_latest("m") == "v3"
    latest_file = store.models_dir / "m" / "latest"
    assert latest_file.read_bytes() == b"v3"  # no trailing newline
    assert store.get("m").version == "v3"


def test_install_is_one_rename_and_leaves_no_staging(store):
    staged = stage(store, "m", "v1", T0)
    model = store.install(staged)
    assert not staged.exists()
    assert model.path == store.models_dir / "m" / "v1"
    assert (model.path / "weights.bin").read_bytes() == b"w"
    assert list(store.tmp_dir.iterdir()) == []


def test_install_refuses_to_overwrite_unless_replace(store):
    store.install(stage(store, "m", "v1", T0, b"old"))
    second = stage(store, "m", "v1", T0, b"new")
    with pytest.raises(ModelExists):
        store.install(second)
    assert (store.models_dir / "m" / "v1" / "weights.bin").read_bytes() == b"old"
    store.install(second, replace=True)
    assert (store.models_dir / "m" / "v1" / "weights.bin").read_bytes() == b"new"
    assert list(store.tmp_dir.iterdir()) == []


def test_install_rejects_a_folder_without_model_yaml(store):
    staged = store.new_staging_dir()
    (staged / "x").write_text("x")
    with pytest.raises(InvalidModel, match=r"no model\.yaml"):
        store.install(staged)
    assert not store.models_dir.exists() or list(store.models_dir.iterdir()) == []


def test_delete_moves_latest_to_newest_remaining(store):
    for version, hours in (("a", 0), ("b", 1), ("c", 2)):
        store.install(stage(store, "m", version, T0 + timedelta(hours=hours)))
    assert store.read_latest("m") == "c"
    store.delete("m:c")
    assert store.read_latest("m") == "b"
    store.delete("m:a")
    assert store.read_latest("m") == "b"
    store.delete("m")  # latest
    assert not (store.models_dir / "m").exists()
    with pytest.raises(ModelNotFound):
        store.get("m")


def test_stale_or_missing_latest_heals(store):
    store.install(stage(store, "m", "old", T0))
    store.install(stage(store, "m", "new", T0 + timedelta(days=1)))
    (store.models_dir / "m" / "latest").write_text("gone")
    assert store.get("m:latest").version == "new"
    assert store.read_latest("m") == "new"
    (store.models_dir / "m" / "latest").unlink()
    assert store.get("m").version == "new"


def test_prefix_resolution(store):
    store.install(stage(store, "m", "abc1", T0))
    store.install(stage(store, "m", "abd2", T0))
    assert store.get("m:abc").version == "abc1"
    with pytest.raises(InvalidTag, match="several local versions"):
        store.get("m:ab")
    with pytest.raises(ModelNotFound):
        store.get("m:zz")
    with pytest.raises(ModelNotFound):
        store.get("other")


def test_listed_model_path_is_made_from_its_folder_text(store):
    store.install(stage(store, "m", "v1", T0))
    (listed,) = store.list().models
    assert listed.folder == os.fspath(store.models_dir / "m" / "v1")
    assert listed.path == store.models_dir / "m" / "v1"
    assert listed.path is listed.path  # made once
    # The Path made on first use is not a field: a model asked for it equals one not asked.
    again = store.get("m:v1")
    assert again == listed and "path" not in vars(again)
    assert listed.to_json()["path"] == str(store.models_dir / "m" / "v1")


def test_broken_entries_are_reported_not_fatal(store):
    store.install(stage(store, "good", "v1", T0))
    (store.models_dir / ".partial").mkdir()
    (store.models_dir / "Upper").mkdir()
    (store.models_dir / "good" / "noyaml").mkdir()
    bad_yaml = store.models_dir / "good" / "badyaml"
    bad_yaml.mkdir()
    (bad_yaml / "model.yaml").write_text("name: [unclosed")
    mismatched = store.models_dir / "good" / "v9"
    mismatched.mkdir()
    doc = new_model_document(Tag("good", "v8"), creation_time=T0)
    (mismatched / "model.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    (store.models_dir / "README.txt").write_text("plain files are harmless")
    listing = store.list()
    assert [str(m.tag) for m in listing.models] == ["good:v1"]
    reasons = {p.path.name: p.reason for p in listing.problems}
    assert set(reasons) == {".partial", "Upper", "noyaml", "badyaml", "v9"}
    assert "no model.yaml" in reasons["noyaml"]
    assert "not valid YAML" in reasons["badyaml"]
    assert "says good:v8" in reasons["v9"]
    assert "lowercase" in reasons["Upper"]


def test_size_counts_regular_files_not_symlinks(store, tmp_path):
    src = tmp_path / "src"
    (src / "nested" / "deeper").mkdir(parents=True)
    (src / "a.bin").write_bytes(b"x" * 1000)
    (src / "nested" / "deeper" / "b.bin").write_bytes(b"y" * 24)
    model = store.create_from_folder(src, "sized")
    yaml_size = (model.path / "model.yaml").stat().st_size
    assert model.size_bytes == 1024 + yaml_size
    assert model.file_count == 3


def test_create_from_folder_copies_and_dereferences(store, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    outside = tmp_path / "outside.bin"
    outside.write_bytes(b"real data")
    (src / "link.bin").symlink_to(outside)
    model = store.create_from_folder(src, "Linked", labels={"stage": "dev"}, metadata={"acc": 0.9})
    assert model.name == "linked"
    copied = model.path / "link.bin"
    assert not copied.is_symlink() and copied.read_bytes() == b"real data"
    assert model.labels == {"stage": "dev"}
    assert model.metadata == {"acc": 0.9}
    assert model.creation_time.tzinfo is not None
    assert os.stat(model.path).st_mode & 0o777 == 0o700
    assert (src / "link.bin").is_symlink()  # the source is untouched


def test_create_from_folder_refuses_bad_input(store, tmp_path):
    with pytest.raises(InvalidModel, match="not a folder"):
        store.create_from_folder(tmp_path / "missing", "x")
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "model.yaml").write_text("name: x")
    with pytest.raises(InvalidModel, match="already holds"):
        store.create_from_folder(folder, "x")
    with pytest.raises(InvalidTag):
        store.create_from_folder(tmp_path, "bad name")
    assert not store.tmp_dir.exists() or list(store.tmp_dir.iterdir()) == []


def test_naive_creation_time_is_read_as_utc(store):
    staged = store.new_staging_dir()
    doc = new_model_document(Tag("m", "v1"), creation_time=T0)
    doc["creation_time"] = "2026-01-01T00:00:00"
    write_model_document(staged, doc)
    model = store.install(staged)
    assert model.creation_time == T0


def test_staging_is_under_bentoml_tmp_not_models(store):
    staged = store.new_staging_dir()
    assert staged.parent == store.home / "tmp"
    assert Path(store.models_dir) not in staged.parents
