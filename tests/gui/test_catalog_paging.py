"""The sync catalog when the Cloud pane holds only some pages of the registry.

A cloud row's verdict is exact from the start (the local listing is
complete); a local row's verdict needs every cloud version of its name, so
until that name is looked up it has none (never a guessed "local only").
Pages and looked-up names only recompute the tags they touch.
"""

from __future__ import annotations

import pytest
from gui_records import NOW, make_model

from bentosync.core.cloud_records import CloudModel
from bentosync.core.sync_state import SyncState
from bentosync.gui.catalog import SyncCatalog
from bentosync.gui.models.cloud_models import CloudModelTableModel
from bentosync.gui.models.local_models import LocalModelTableModel


def cloud(name: str, version: str, size: int = 1000) -> CloudModel:
    return CloudModel(
        name=name,
        version=version,
        upload_status="success",
        build_at=NOW,
        manifest={"size_bytes": size},
        size_bytes=size,
    )


@pytest.fixture
def catalog(qapp):
    local, remote = LocalModelTableModel(now=lambda: NOW), CloudModelTableModel(now=lambda: NOW)
    local.set_models([make_model("a", "v1"), make_model("a", "v2"), make_model("b", "v1")])
    yield SyncCatalog(local, remote), local, remote
    local.deleteLater()
    remote.deleteLater()


def state(catalog: SyncCatalog, tag: str) -> SyncState | None:
    entry = catalog.sync(tag)
    return None if entry is None else entry.state


def test_local_rows_wait_for_their_name_cloud_rows_do_not(catalog):
    cat, _local, _remote = catalog
    cat.update()
    cat.set_cloud([cloud("a", "v2"), cloud("z", "v9")])  # the first page
    assert state(cat, "a:v2") is SyncState.IN_SYNC  # on the page: compared at once
    assert state(cat, "z:v9") is SyncState.CLOUD_ONLY
    assert state(cat, "a:v1") is None and state(cat, "b:v1") is None  # not looked up yet
    assert cat.names_to_look_up() == {"a", "b"}

    cat.set_name_versions({"a": [cloud("a", "v1", size=5), cloud("a", "v2")], "b": []})
    assert state(cat, "a:v1") is SyncState.DIFFERS
    assert state(cat, "b:v1") is SyncState.LOCAL_ONLY
    assert cat.cloud("a:v1") is not None and cat.cloud("a:v1").size_bytes == 5
    assert cat.names_to_look_up() == set()


def test_a_further_page_is_compared_as_it_lands(catalog):
    cat, _local, remote = catalog
    cat.update()
    cat.set_cloud([cloud("z", "v9")])
    cat.add_cloud_page([cloud("z", "v8"), cloud("b", "v1")])
    assert remote.rowCount() == 3
    assert state(cat, "z:v8") is SyncState.CLOUD_ONLY
    assert state(cat, "b:v1") is SyncState.IN_SYNC  # its local row learns it from the page


def test_a_version_gone_from_the_cloud_loses_its_verdict(catalog):
    cat, _local, _remote = catalog
    cat.update()
    cat.set_cloud([])
    cat.set_name_versions({"a": [cloud("a", "v1"), cloud("a", "v7")]})
    assert state(cat, "a:v7") is SyncState.CLOUD_ONLY
    cat.set_name_versions({"a": [cloud("a", "v1")]})  # a:v7 was deleted meanwhile
    assert state(cat, "a:v7") is None and cat.cloud("a:v7") is None
    assert state(cat, "a:v2") is SyncState.LOCAL_ONLY


def test_losing_the_cloud_forgets_the_looked_up_names(catalog):
    cat, _local, _remote = catalog
    cat.update()
    cat.set_cloud([])
    cat.set_name_versions({"a": [cloud("a", "v1")]})
    cat.set_cloud(None)
    assert cat.sync("a:v1") is None and cat.cloud("a:v1") is None
    assert not cat.looked_up("a")
