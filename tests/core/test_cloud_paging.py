"""Paging through list endpoints as servers really answer: capped counts, missing names.

``iter_model_pages`` feeds the CLI page by page and ``iter_repository_models``
feeds the window the cloud versions of the local names; both must follow
the items actually received, not the count asked for, and a name the server
does not know is simply no versions.
"""

from __future__ import annotations

import pytest

from bentosync.core.cloud import CloudClient
from support.fake_cloud import FakeCloud, Reply, model_json, running_fake_cloud

TOKEN = "tok-paging"


@pytest.fixture
def fake_cloud():
    with running_fake_cloud() as fake:
        yield fake


@pytest.fixture
def client(fake_cloud: FakeCloud):
    with CloudClient(fake_cloud.endpoint, TOKEN) as c:
        yield c


def page(start: int, versions: list[str], total: int, repository: bool = True) -> Reply:
    items = [
        dict(model_json(version=v), **({"repository": {"name": "demo"}} if repository else {}))
        for v in versions
    ]
    return Reply(200, {"start": start, "count": len(items), "total": total, "items": items})


def test_pages_follow_what_a_capping_server_sent(fake_cloud, client):
    # Asked for 100 a time, the server sends at most 2.
    fake_cloud.route("GET", "/api/v1/models?start=0&count=100", page(0, ["a", "b"], 5))
    fake_cloud.route("GET", "/api/v1/models?start=2&count=100", page(2, ["c", "d"], 5))
    fake_cloud.route("GET", "/api/v1/models?start=4&count=100", page(4, ["e"], 5))
    pages = list(client.iter_model_pages(page_size=100))
    assert [[m.version for m in p.items] for p in pages] == [["a", "b"], ["c", "d"], ["e"]]
    assert [p.total for p in pages] == [5, 5, 5]


def test_an_empty_page_ends_the_listing_whatever_the_total_says(fake_cloud, client):
    fake_cloud.route("GET", "/api/v1/models?start=0&count=10&q=x", page(0, [], 7))
    assert [p.items for p in client.iter_model_pages(q="x", page_size=10)] == [[]]


def test_a_repository_is_read_page_by_page(fake_cloud, client):
    path = "/api/v1/model_repositories/demo/models"
    fake_cloud.route("GET", f"{path}?start=0&count=2", page(0, ["v3", "v2"], 3, False))
    fake_cloud.route("GET", f"{path}?start=2&count=2", page(2, ["v1"], 3, False))
    found = [m.tag for m in client.iter_repository_models("demo", page_size=2)]
    assert found == ["demo:v3", "demo:v2", "demo:v1"]


def test_a_name_the_server_does_not_know_has_no_versions(fake_cloud, client):
    path = "/api/v1/model_repositories/ghost/models?start=0&count=100"
    fake_cloud.route("GET", path, Reply(404, {"error": 'model repository "ghost": not found'}))
    assert list(client.iter_repository_models("ghost")) == []
