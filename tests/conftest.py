"""Suite-wide settings: Qt offscreen, no user state touched, shared fixtures."""

from __future__ import annotations

import os

# Before any Qt import: no display needed, and the user's own keyring, config and
# BentoML home are never touched by a test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from support.faulty_proxy import faulty_proxy  # noqa: F401  (fixture)
from support.official import official  # noqa: F401  (fixture)
from support.registry import (  # noqa: F401  (fixtures)
    registry,
    registry_factory,
    strict_registry,
)
from support.secret_service import secret_service  # noqa: F401  (fixture)


@pytest.fixture
def bentoml_home(tmp_path, monkeypatch):
    """A private BENTOML_HOME for one test."""
    home = tmp_path / "bentoml"
    home.mkdir()
    monkeypatch.setenv("BENTOML_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Config, state and cache dirs (platformdirs) and BENTOML_HOME point into a temp folder.

    BENTOML_HOME too, because credentials fall back to ``$BENTOML_HOME/.yatai.yaml``:
    a developer's own ``bentoml cloud login`` must not leak into a test.
    """
    base = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(base / var.lower()))
    monkeypatch.setenv("BENTOML_HOME", str(base / "bentoml-home"))
    for var in (
        "BENTO_CLOUD_API_KEY",
        "BENTO_CLOUD_API_ENDPOINT",
        "BENTOCLOUD_API_TOKEN",
        "BENTOCLOUD_ENDPOINT",
        "BENTOML_CLOUD_CONTEXT",
        "BENTOSYNC_TIMEOUT",
    ):
        monkeypatch.delenv(var, raising=False)
