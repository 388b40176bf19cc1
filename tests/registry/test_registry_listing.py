"""List endpoints at scale: answered from indexes, paged in SQL, the same answers as before.

The speed itself is a benchmark (``tests/bench/test_bench_listing.py``, 100,000
versions); here are the properties that make it: every list query walks an
index (``EXPLAIN QUERY PLAN``), the SQL filter answers exactly what the Python
rule (``ModelFilter.matches``) answers, an old database gains the label index,
and paging over HTTP returns every version once, on both flavours.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from registry_helpers import Api, create_model

from bentosync.core.cloud import CloudClient
from bentosync.registry.catalog import Catalog, Where, listing_query
from bentosync.registry.databases import open_database
from bentosync.registry.db import SCHEMA_VERSION, Database, to_db
from bentosync.registry.db_sqlite import SqliteDatabase
from bentosync.registry.query import parse_query
from support.big_listing import populate_registry
from support.postgres import DATABASE_PARAMS, open_test_database

BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.fixture(params=DATABASE_PARAMS)
def catalog(request: pytest.FixtureRequest, tmp_path: Path):
    """A catalog of 60 versions in 6 repositories, with mixed labels, modules and states,
    on each backend."""
    db = open_test_database(request, tmp_path / "registry.db")
    catalog = Catalog(db)
    rng = random.Random(14)
    for n in range(6):
        repository = catalog.create_repository(f"repo-{n}", "", [])
        for i in range(10):
            labels = []
            if i % 2:
                labels.append({"key": "team", "value": rng.choice(["nlp", "vision"])})
            if i % 3 == 0:
                labels.append({"key": "stage", "value": rng.choice(["prod", "dev"])})
            model = catalog.create_model(
                repository,
                f"v{i}x{n}",
                description="",
                labels=labels,
                manifest={"module": ["", "bentoml.sklearn", "bentoml.pytorch"][i % 3]},
                build_at=BASE + timedelta(hours=rng.randrange(1000)),
                list_from_client=False,
            )
            if i % 4 == 0:
                with db.transaction() as conn:
                    conn.execute(
                        "UPDATE models SET upload_status = 'success' WHERE id = ?", (model.id,)
                    )
    yield catalog
    db.close()


QUERIES = [
    "",
    "repo-1",
    "v3",
    "REPO-2 x2",
    "label:team=nlp",
    "label:team",
    "label:stage=prod,team=vision",
    "-label:stage",
    "label:team -label:stage=dev",
    "module:bentoml.sklearn",
    "module:bentoml.sklearn module:bentoml.pytorch",
    "repo label:team=vision module:bentoml.pytorch",
    "sort:created_at-desc",
    "nothing-matches-this",
]


@pytest.mark.parametrize("q", QUERIES)
def test_the_sql_filter_answers_as_the_python_rule(catalog: Catalog, q: str) -> None:
    everything = catalog.list_models()
    wanted = parse_query(q)
    dialect = catalog.db.dialect
    expected = [m.tag for m in everything if wanted.matches(m)]
    total, page = catalog.page_models(None, wanted.where(dialect), 0, None)
    assert [m.tag for m in page] == expected and total == len(expected)
    for repository_id in {m.repository_id for m in everything}:
        mine = [m.tag for m in everything if m.repository_id == repository_id]
        total, page = catalog.page_models(repository_id, wanted.where(dialect), 0, None)
        assert [m.tag for m in page] == [t for t in expected if t in mine]
    # Pages of any size put together are the whole answer, in order.
    for size in (1, 7, 25):
        pages = [
            catalog.page_models(None, wanted.where(dialect), s, size) for s in range(0, 60, size)
        ]
        joined = [m.tag for _, p in pages for m in p]
        assert joined == expected
        assert all(t == len(expected) for t, _ in pages)


def test_successful_uploads_come_first_then_newest_build(catalog: Catalog) -> None:
    listed = catalog.list_models()
    keys = [(m.upload_status == "success", m.build_at, m.id) for m in listed]
    assert keys == sorted(keys, reverse=True)
    latest = catalog.latest_models({m.repository_id for m in listed})
    for repository_id, model in latest.items():
        first = next(m for m in listed if m.repository_id == repository_id)
        assert model.upload_status == "success" and model.tag == first.tag


def plan(db: SqliteDatabase, sql: str, params: tuple) -> str:
    return " | ".join(row[-1] for row in db.conn.execute("EXPLAIN QUERY PLAN " + sql, params))


def test_list_queries_walk_the_indexes(tmp_path: Path) -> None:
    populate_registry(tmp_path, names=20, per_name=50)
    db = SqliteDatabase(tmp_path / "registry.db")
    try:
        every = listing_query(None, Where(), 900, 100)
        text = plan(db, every.ids_sql, every.ids_params)
        assert "USING INDEX models_listing" in text and "TEMP B-TREE" not in text, text
        assert "SCAN models USING COVERING INDEX" in plan(db, every.count_sql, ())

        one = listing_query(7, Where(), 0, 10)
        text = plan(db, one.ids_sql, one.ids_params)
        assert "INDEX models_repository_listing (repository_id=?)" in text, text
        assert "TEMP B-TREE" not in text

        labelled = listing_query(None, parse_query("label:team=nlp,team=llm").where(), 0, 100)
        text = plan(db, labelled.ids_sql, labelled.ids_params)
        assert text.count("INDEX model_labels_key_value (key=? AND value=?)") == 2, text

        module = listing_query(None, parse_query("module:bentoml.sklearn").where(), 0, 100)
        assert "INDEX models_module" in plan(db, module.count_sql, module.count_params)

        latest = (
            "SELECT m.id FROM models m WHERE m.repository_id = ? ORDER BY "
            "(m.upload_status = 'success') DESC, m.build_at DESC, m.id DESC LIMIT 1"
        )
        assert "models_repository_listing" in plan(db, latest, (3,))
        assert "USING INDEX" in plan(
            db, "SELECT * FROM repositories ORDER BY name LIMIT ? OFFSET ?", (10, 0)
        )
    finally:
        db.close()


def pg_plan(db: Database, sql: str, params: tuple) -> str:
    """PostgreSQL's plan with sequential scans and sorts priced out: on a small table
    the planner would pick them anyway, so what shows here is what the indexes can
    do. A Sort that remains means no index holds the listing order."""
    with db.transaction() as conn:
        conn.execute("SET LOCAL enable_seqscan = off")
        conn.execute("SET LOCAL enable_sort = off")
        return " | ".join(row[0] for row in conn.execute("EXPLAIN " + sql, params))


def test_postgres_list_queries_walk_the_indexes(postgres_database: str) -> None:
    db = open_database(postgres_database)
    try:
        catalog = Catalog(db)
        for n in range(4):
            repository = catalog.create_repository(f"repo-{n}", "", [])
            for i in range(8):
                catalog.create_model(
                    repository,
                    f"v{i}",
                    description="",
                    labels=[{"key": "team", "value": ["nlp", "llm", "cv"][i % 3]}],
                    manifest={"module": ["bentoml.sklearn", "bentoml.pytorch"][i % 2]},
                    build_at=BASE + timedelta(hours=i * 7 % 5),
                    list_from_client=False,
                )
        db.execute("ANALYZE")
        dialect = db.dialect
        every = listing_query(None, Where(), 10, 5)
        text = pg_plan(db, every.ids_sql, every.ids_params)
        assert "models_listing" in text and "Sort" not in text, text

        one = listing_query(2, Where(), 0, 10)
        text = pg_plan(db, one.ids_sql, one.ids_params)
        assert "models_repository_listing" in text and "Sort" not in text, text

        labelled = listing_query(None, parse_query("label:team=nlp,team=llm").where(dialect), 0, 9)
        text = pg_plan(db, labelled.ids_sql, labelled.ids_params)
        assert "model_labels_key_value" in text and "Sort" not in text, text

        module = listing_query(None, parse_query("module:bentoml.sklearn").where(dialect), 0, 9)
        assert "models_module" in pg_plan(db, module.count_sql, module.count_params)

        words = listing_query(None, parse_query("repo-1 v3").where(dialect), 0, 9)
        assert "Sort" not in pg_plan(db, words.ids_sql, words.ids_params)

        latest = (
            "SELECT m.id FROM models m WHERE m.repository_id = ? ORDER BY "
            "(m.upload_status = 'success') DESC, m.build_at DESC, m.id DESC LIMIT 1"
        )
        assert "models_repository_listing" in pg_plan(db, latest, (3,))
        names = pg_plan(db, "SELECT * FROM repositories ORDER BY name LIMIT ? OFFSET ?", (10, 0))
        assert "repositories_name_key" in names and "Sort" not in names, names
    finally:
        db.close()


def test_a_schema_3_database_gains_the_label_index(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    populate_registry(tmp_path, names=3, per_name=4)
    with sqlite3.connect(path) as conn:  # as schema 3 left it: labels only as JSON
        for name in ("models_labels_insert", "models_labels_update"):
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute("DROP TABLE model_labels")
        conn.execute("DROP INDEX models_listing")
        conn.execute("PRAGMA user_version=3")
    db = SqliteDatabase(path)
    try:
        assert db.query_one("PRAGMA user_version")[0] == SCHEMA_VERSION
        rows = db.query("SELECT model_id, key, value FROM model_labels ORDER BY model_id")
        labels = db.query("SELECT id, labels FROM models ORDER BY id")
        assert [(r[0], r[1], r[2]) for r in rows] == [
            (row[0], item["key"], item["value"]) for row in labels for item in json.loads(row[1])
        ]
        total, page = Catalog(db).page_models(None, parse_query("label:team=nlp").where(), 0, 50)
        assert total == len(page) > 0
        assert db.query_one(
            "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'models_listing'"
        )
    finally:
        db.close()


def test_labels_follow_inserts_updates_and_deletes(catalog: Catalog) -> None:
    db = catalog.db
    model = catalog.list_models()[0]
    with db.transaction() as conn:
        conn.execute(
            "UPDATE models SET labels = ?, updated_at = ? WHERE id = ?",
            (json.dumps([{"key": "owner", "value": "dana"}]), to_db(BASE), model.id),
        )
    where = parse_query("label:owner=dana").where(db.dialect)
    assert [m.tag for m in catalog.page_models(None, where, 0, 10)[1]] == [model.tag]
    catalog.delete_model(model)
    assert catalog.page_models(None, where, 0, 10) == (0, [])
    assert db.query_one("SELECT COUNT(*) FROM model_labels WHERE model_id = ?", (model.id,))[0] == 0


@pytest.mark.both_databases
@pytest.mark.parametrize("flavor", ["bentosync", "bentocloud"])
def test_paging_over_http_lists_every_version_once(registry_factory, flavor: str) -> None:
    server = registry_factory(flavor=flavor)
    api = Api(server)
    made = set()
    for n in range(3):
        for i in range(45):
            when = BASE + timedelta(minutes=i)
            labels = {"team": "nlp"} if i % 2 else {}
            create_model(api, f"page-{n}", f"v{i:03d}", build_at=when, labels=labels)
            made.add(f"page-{n}:v{i:03d}")
    client = CloudClient(server.endpoint, server.token)
    try:
        whole = client.list_all_models(0, 1000)
        assert whole.total == len(made) == len(whole.items)
        paged = list(client.iter_all_models(page_size=40))
        assert [m.tag for m in paged] == [m.tag for m in whole.items]
        assert {m.tag for m in paged} == made
        nlp = list(client.iter_all_models(q="page-1 label:team=nlp", page_size=10))
        assert {m.tag for m in nlp} == {f"page-1:v{i:03d}" for i in range(1, 45, 2)}
        first = client.list_models("page-2", 0, 10)
        assert first.total == 45 and [m.version for m in first.items][:2] == ["v044", "v043"]
        item = api.ok(api.get("/models", params={"count": "1"}))["items"][0]
        assert item["repository"]["latest_model"] is None  # nothing was uploaded
    finally:
        client.close()
