"""``bentosync.push`` / ``bentosync.pull`` / ``list_*``: the Python API a script uses."""

from __future__ import annotations

import pytest

import bentosync
from bentosync.core.credentials import save_login
from interop.test_transfer_roundtrip import make_model, tree_snapshot
from support.keyrings import MemoryKeyring, use_keyring


def test_push_pull_and_listings_through_the_public_api(cloud, tmp_path, monkeypatch):
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    model = make_model(home_a, "api-model", big_bytes=2 * 1024 * 1024)
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", cloud.token)
    monkeypatch.setenv("BENTO_CLOUD_API_ENDPOINT", cloud.endpoint)

    monkeypatch.setenv("BENTOML_HOME", str(home_a))
    assert bentosync.push("api-model") is None
    assert bentosync.push(str(model.tag)) is None  # already there: quietly nothing
    assert [str(m.tag) for m in bentosync.list_local()] == [str(model.tag)]
    assert [m.tag for m in bentosync.list_cloud()] == [str(model.tag)]

    monkeypatch.setenv("BENTOML_HOME", str(home_b))
    pulled = bentosync.pull("api-model")
    assert pulled is not None and str(pulled.tag) == str(model.tag)
    assert tree_snapshot(pulled.path) == tree_snapshot(model.path)
    assert bentosync.pull(str(model.tag)).path == pulled.path  # already local

    with pytest.raises(bentosync.ModelNotFound):
        bentosync.pull("no-such-model")
    monkeypatch.setenv("BENTO_CLOUD_API_KEY", "wrong")
    with pytest.raises(bentosync.BentoSyncError, match="bentosync login"):
        bentosync.pull("api-model:latest", force=True)


def test_public_api_follows_bentoml_cloud_context(registry_factory, tmp_path, monkeypatch):
    """bentosync.push/pull/list_cloud resolve like the CLI: the variable picks the login."""
    first, second = registry_factory(), registry_factory()
    home_a, home_b = tmp_path / "a", tmp_path / "b"
    model = make_model(home_a, "ctx-api", big_bytes=100_000)
    with use_keyring(MemoryKeyring()):
        save_login("first", first.endpoint, first.token)
        save_login("second", second.endpoint, second.token)  # current
        monkeypatch.setenv("BENTOML_HOME", str(home_a))
        monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "first")
        bentosync.push(str(model.tag))
        assert [m.tag for m in bentosync.list_cloud()] == [str(model.tag)]
        monkeypatch.delenv("BENTOML_CLOUD_CONTEXT")
        assert bentosync.list_cloud() == []  # the current login's registry
        with pytest.raises(bentosync.ModelNotFound):
            bentosync.pull("ctx-api")
        monkeypatch.setenv("BENTOML_HOME", str(home_b))
        monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "first")
        pulled = bentosync.pull("ctx-api")
        assert pulled is not None and tree_snapshot(pulled.path) == tree_snapshot(model.path)
        monkeypatch.setenv("BENTOML_CLOUD_CONTEXT", "third")
        with pytest.raises(bentosync.BentoSyncError, match="no saved login named 'third'"):
            bentosync.list_cloud()
