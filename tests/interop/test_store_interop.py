"""The local store as the official client writes and reads it (PROTOCOL.md 8).

The official ``bentoml`` package runs from its own venv (fixture ``official``), so
these tests prove BentoSync and bentoml agree on the same folder on disk.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bentosync.core.store import LocalStore

pytestmark = pytest.mark.interop

MAKE_OFFICIAL_STORE = r"""
import json, os, shutil, time, bentoml
made = []
def build(name, labels, metadata, files):
    with bentoml.models.create(name, labels=labels, metadata=metadata) as m:
        for rel, data in files.items():
            p = os.path.join(m.path, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)
    made.append(str(m.tag))
    time.sleep(0.01)  # distinct creation_time
files = {"weights/layer0.bin": b"\0" * 4096, "weights/nested/deep/cfg.json": b'{"a": 1}',
         "tokenizer.txt": b"hello"}
build("classifier", {"stage": "dev", "team": "nlp"}, {"acc": 0.91}, files)
build("classifier", {"stage": "prod"}, {"acc": 0.93, "nested": {"k": [1, 2]}}, files)
build("classifier", {}, {}, {"only.bin": b"1" * 10})
build("embedder", {"kind": "emb"}, {"dim": 384}, {"emb.npy": os.urandom(20000)})
models = {str(m.tag): {"size": m.file_size, "labels": m.info.labels,
                       "metadata": m.info.metadata,
                       "creation_time": m.info.creation_time.isoformat()}
          for m in bentoml.models.list()}
latest = {n: str(bentoml.models.get(n).tag) for n in ("classifier", "embedder")}
print(json.dumps({"made": made, "models": models, "latest": latest}))
"""


@pytest.fixture(scope="module")
def official_store(official, tmp_path_factory):
    home = tmp_path_factory.mktemp("official-home")
    result = official.run_python(MAKE_OFFICIAL_STORE, home)
    # Things bentoml.models.list() would choke on, which we must survive.
    (home / "models" / "classifier" / "stray-folder").mkdir()
    (home / "models" / "classifier" / "stray-folder" / "junk.bin").write_bytes(b"junk")
    (home / "models" / ".staging").mkdir()
    return home, result


def test_lists_exactly_the_official_models(official_store):
    home, expected = official_store
    listing = LocalStore(home).list()
    got = {str(m.tag): m for m in listing.models}
    assert set(got) == set(expected["made"]) == set(expected["models"])
    for tag, info in expected["models"].items():
        model = got[tag]
        assert model.size_bytes == info["size"], tag
        assert model.labels == info["labels"]
        assert model.metadata == info["metadata"]
        assert model.creation_time.isoformat() == info["creation_time"]
    assert {p.path.name for p in listing.problems} == {"stray-folder", ".staging"}


def test_latest_matches_official(official_store):
    home, expected = official_store
    store = LocalStore(home)
    for name, tag in expected["latest"].items():
        assert str(store.get(name).tag) == tag
        assert str(store.get(f"{name}:latest").tag) == tag


def test_cli_list_local_json(official_store):
    home, expected = official_store
    env = {**os.environ, "BENTOML_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "bentosync", "list", "--local", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    items = json.loads(proc.stdout)
    assert {item["tag"] for item in items} == set(expected["made"])
    for item in items:
        want = expected["models"][item["tag"]]
        assert item["size_bytes"] == want["size"]
        assert item["labels"] == want["labels"]
        assert [item["name"], item["version"]] == item["tag"].split(":")
        assert item["creation_time"] == want["creation_time"]
    assert "stray-folder" in proc.stderr  # reported, not fatal


def test_cli_list_local_table(official_store):
    home, expected = official_store
    env = {**os.environ, "BENTOML_HOME": str(home)}
    proc = subprocess.run(
        [sys.executable, "-m", "bentosync", "list", "--local"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split() == ["TAG", "SIZE", "CREATED", "LABELS"]
    assert len(lines) == 1 + len(expected["made"])
    assert "stage=dev, team=nlp" in proc.stdout


def test_created_model_loads_in_official_client(official, bentoml_home, tmp_path):
    src = tmp_path / "weights"
    (src / "sub" / "deeper").mkdir(parents=True)
    (src / "sub" / "deeper" / "w.bin").write_bytes(os.urandom(5000))
    (src / "config.json").write_text('{"layers": 2}')
    store = LocalStore()
    older = store.create_from_folder(src, "imported", labels={"owner": "me"})
    model = store.create_from_folder(src, "imported", labels={"owner": "me"}, metadata={"v": 2})
    got = official.run_python(
        f"""
        import json, bentoml
        m = bentoml.models.get("{model.tag}")
        latest = bentoml.models.get("imported")
        print(json.dumps({{"tag": str(m.tag), "labels": m.info.labels,
            "metadata": m.info.metadata, "size": m.file_size, "latest": str(latest.tag),
            "w": open(m.path_of("sub/deeper/w.bin"), "rb").read().hex()}}))
        """,
        bentoml_home,
    )
    assert got == {
        "tag": str(model.tag),
        "labels": {"owner": "me"},
        "metadata": {"v": 2},
        "size": model.size_bytes,
        "latest": str(model.tag),
        "w": (src / "sub" / "deeper" / "w.bin").read_bytes().hex(),
    }
    listed = official.run_cli(["models", "list", "-o", "json"], bentoml_home)
    tags = {item["tag"] for item in json.loads(listed.stdout)}
    assert tags == {str(older.tag), str(model.tag)}


def test_delete_keeps_latest_like_official(official, bentoml_home, tmp_path):
    src = tmp_path / "w"
    src.mkdir()
    (src / "a").write_text("a")
    store = LocalStore()
    first = store.create_from_folder(src, "deleteme")
    second = store.create_from_folder(src, "deleteme")
    store.delete(str(second.tag))
    got = official.run_python(
        'import json, bentoml; print(json.dumps(str(bentoml.models.get("deleteme").tag)))',
        bentoml_home,
    )
    assert got == str(first.tag)
    assert store.read_latest("deleteme") == first.version
