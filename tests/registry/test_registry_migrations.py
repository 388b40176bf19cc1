"""Schema migrations (migrations.py): from nothing, from the previous release, racing, refusing.

The previous release's database is ``fixtures/registry_schema_4.sql``: its DDL
as that release wrote it, with rows. The race starts two processes on one
empty PostgreSQL database at the same instant, as two replicas starting.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import pytest

from bentosync.registry.catalog import Catalog
from bentosync.registry.databases import open_database
from bentosync.registry.db import SCHEMA_VERSION, Database, DatabaseError
from bentosync.registry.migrations import POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS
from bentosync.registry.query import parse_query
from support.postgres import DATABASE_PARAMS, PostgresCluster, open_test_database
from support.registry import ROOT, server_python

RELEASE_N_1 = Path(__file__).parent / "fixtures" / "registry_schema_4.sql"


def steps(db: Database) -> list[tuple[int, str]]:
    rows = db.query("SELECT version, applied_at FROM schema_migrations ORDER BY version")
    return [(int(row[0]), str(row[1])) for row in rows]


@pytest.fixture(params=DATABASE_PARAMS)
def fresh(request: pytest.FixtureRequest, tmp_path: Path):
    """An empty database of each backend, opened (so migrated) once."""
    db = open_test_database(request, tmp_path / "registry.db")
    yield db
    db.close()


def test_an_empty_database_gets_every_step_once(fresh: Database, tmp_path: Path) -> None:
    migrations = SQLITE_MIGRATIONS if fresh.dialect.name == "sqlite" else POSTGRES_MIGRATIONS
    applied = steps(fresh)
    assert [version for version, _ in applied] == [m.version for m in migrations]
    assert applied[-1][0] == SCHEMA_VERSION
    # Every table of the schema answers, and the step-5 index exists.
    for table in ("meta", "tokens", "repositories", "models", "multipart_uploads", "parts"):
        assert fresh.query_one(f"SELECT COUNT(*) FROM {table}")[0] == 0
    catalog = Catalog(fresh)
    model = catalog.create_model(
        catalog.create_repository("demo", "", []),
        "v1",
        description="",
        labels=[{"key": "team", "value": "nlp"}],
        manifest={"module": "bentoml.sklearn"},
        build_at=datetime.now(timezone.utc),
        list_from_client=False,
    )
    where = parse_query("label:team=nlp module:bentoml.sklearn").where(fresh.dialect)
    assert [m.tag for m in catalog.page_models(None, where, 0, 10)[1]] == [model.tag]
    # Opening it again applies nothing: the same steps, applied at the same times.
    if fresh.dialect.name == "sqlite":
        again = open_database(tmp_path / "registry.db")
    else:
        url = _url_of(fresh)
        fresh.close()
        again = open_database(url)
    try:
        assert steps(again) == applied
    finally:
        again.close()


def _url_of(db: Database) -> str:
    info = db.query_one("SELECT current_database(), inet_server_port()")
    return f"postgresql://bentosync@127.0.0.1:{info[1]}/{info[0]}"


def test_the_previous_release_s_sqlite_database_upgrades_with_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(RELEASE_N_1.read_text())
    before = _dump(path)
    db = open_database(path)
    try:
        assert [version for version, _ in steps(db)] == list(range(4, SCHEMA_VERSION + 1))
        assert db.query_one("PRAGMA user_version")[0] == SCHEMA_VERSION
        index = "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
        assert db.query_one(index, ("multipart_uploads_model",)) is not None
        catalog = Catalog(db)
        listed = {m.tag: m for m in catalog.list_models()}
        assert list(listed) == ["iris:v1", "llama:7b", "iris:v2"]  # success first, then newest
        assert listed["iris:v2"].upload_seq == 3 and listed["iris:v2"].upload_id is not None
        assert listed["llama:7b"].object_etag == '"0123456789abcdef0123456789abcdef-2"'
        where = parse_query("label:stage=prod").where(db.dialect)
        assert [m.tag for m in catalog.page_models(None, where, 0, 10)[1]] == ["iris:v1"]
        assert db.set_meta_once("signing_key", "new") == "c2lnbmluZy1rZXktb2YtcmVsZWFzZS1u"
    finally:
        db.close()
    after = _dump(path)
    for table, rows in before.items():
        # Nothing lost or changed, row by row; columns added since come last.
        assert len(after[table]) == len(rows), table
        assert [new[: len(old)] for new, old in zip(after[table], rows, strict=True)] == rows
    # Step 6: no check running, and the archives' owner is the one process there was.
    assert {row[-3:] for row in after["models"]} == {(None, None, None)}


def _dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("meta", "tokens", "repositories", "models", "model_labels", "parts")
        }


def test_a_database_of_a_newer_release_is_refused_unchanged(fresh: Database, tmp_path) -> None:
    fresh.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
        (SCHEMA_VERSION + 1, "from the future", "2099-01-01T00:00:00.000000+00:00"),
    )
    sqlite = fresh.dialect.name == "sqlite"
    target: str | Path = tmp_path / "registry.db" if sqlite else _url_of(fresh)
    fresh.close()
    newer = rf"schema {SCHEMA_VERSION + 1}, written by a newer BentoSync.*Upgrade"
    with pytest.raises(DatabaseError, match=newer):
        open_database(target)


def test_a_sqlite_file_of_a_newer_release_is_refused_by_user_version(tmp_path: Path) -> None:
    path = tmp_path / "registry.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 3}")
    with pytest.raises(DatabaseError, match="newer BentoSync"):
        open_database(path)
    with sqlite3.connect(path) as conn:  # refused before anything was created
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []


_OPEN_AT = """
import sys, time
from bentosync.registry.databases import open_database
start = float(sys.argv[2])
time.sleep(max(0.0, start - time.time()))
open_database(sys.argv[1]).close()
"""


@pytest.mark.parametrize("round_", [1, 2])
def test_two_replicas_migrate_one_empty_postgres_database_at_once(
    postgres_cluster: PostgresCluster, round_: int
) -> None:
    name = postgres_cluster.create_database()
    url = postgres_cluster.url(name)
    try:
        start = time.time() + 2.0  # both past their imports, then at the same instant
        processes = [
            subprocess.Popen(
                [server_python(), "-c", _OPEN_AT, url, str(start)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [process.communicate(timeout=60) for process in processes]
        for process, (_, err) in zip(processes, results, strict=True):
            assert process.returncode == 0, err
        with psycopg.connect(url) as conn:
            rows = conn.execute("SELECT version FROM schema_migrations ORDER BY version")
            assert [row[0] for row in rows] == [m.version for m in POSTGRES_MIGRATIONS]
            triggers = conn.execute(
                "SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE 'models_labels_%'"
            ).fetchone()
            assert triggers is not None and triggers[0] == 2
    finally:
        postgres_cluster.drop_database(name)


def test_the_database_password_stays_out_of_errors_and_logs(
    postgres_cluster: PostgresCluster, postgres_database: str, registry_factory, monkeypatch
) -> None:
    wrong = "wrong-" + postgres_cluster.password[:8]
    monkeypatch.delenv("PGPASSWORD")
    bad_url = postgres_database.replace("bentosync@", f"bentosync:{wrong}@")
    with pytest.raises(DatabaseError) as caught:
        open_database(bad_url)
    assert wrong not in str(caught.value) and "authentication failed" in str(caught.value)
    assert "127.0.0.1" in str(caught.value)
    # A server given the password in its URL (not the advice, but it happens)
    # never writes it to its log.
    password = postgres_cluster.password
    good_url = postgres_database.replace("bentosync@", f"bentosync:{password}@")
    server = registry_factory(database=good_url)
    assert server.log_text() and password not in server.log_text()
    server.stop()
    assert password not in server.log_text()
