"""Suite-wide settings: Qt offscreen, no user state touched, shared fixtures."""

from __future__ import annotations

import os
from pathlib import Path

# Before any Qt import: no display needed, and the user's own keyring, config and
# BentoML home are never touched by a test.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from support.faulty_proxy import faulty_proxy  # noqa: F401  (fixture)
from support.official import official  # noqa: F401  (fixture)
from support.postgres import postgres_cluster, postgres_database  # noqa: F401  (fixtures)
from support.registry import (  # noqa: F401  (fixtures)
    DATABASES,
    _shared_registries,
    registry,
    registry_database,
    registry_factory,
    shared_registry,
    shared_strict_registry,
    strict_registry,
)
from support.s3 import s3_bucket, s3_server  # noqa: F401  (fixtures)
from support.secret_service import secret_service  # noqa: F401  (fixture)

# A test is an integration test when it starts something outside pytest's process,
# or talks to it: a registry server, the official client, the Secret Service, a
# proxy. The fixtures say so; tests/interop/ is integration whole. Everything else
# is a unit test (``make test-unit``: seconds). A module may say either itself with
# ``pytestmark``, e.g. when it starts subprocesses without these fixtures.
INTEGRATION_FIXTURES = frozenset(
    {
        "registry",
        "registry_factory",
        "strict_registry",
        "shared_registry",
        "shared_strict_registry",
        "official",
        "secret_service",
        "faulty_proxy",
        "window",
        "s3_server",
        "s3_bucket",
        "postgres_cluster",
    }
)
INTEGRATION_FOLDERS = frozenset({"interop"})


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``@pytest.mark.both_databases``: the test's registries run on SQLite, then PostgreSQL."""
    if "registry_database" in metafunc.fixturenames and metafunc.definition.get_closest_marker(
        "both_databases"
    ):
        metafunc.parametrize("registry_database", DATABASES, indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test ``unit`` or ``integration`` (see INTEGRATION_FIXTURES)."""
    root = Path(__file__).parent
    xdist = config.pluginmanager.hasplugin("xdist")
    for item in items:
        names = getattr(item, "fixturenames", ())
        if xdist and (item.get_closest_marker("keyring") or "secret_service" in names):
            # One Secret Service serves the whole run: its tests take turns on one worker.
            item.add_marker(pytest.mark.xdist_group("secret-service"))
        if item.get_closest_marker("integration") or item.get_closest_marker("unit"):
            continue
        folders = set(item.path.relative_to(root).parts[:-1])
        uses = INTEGRATION_FIXTURES.intersection(names)
        kind = "integration" if uses or folders & INTEGRATION_FOLDERS else "unit"
        item.add_marker(getattr(pytest.mark, kind))


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
