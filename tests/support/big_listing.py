"""Big local stores and big registries, written fast, for listing tests and benchmarks.

Making 10,000 models through ``LocalStore.create_from_folder`` (copy, fsync,
rename, ``latest`` upkeep) takes minutes; pushing 100,000 to a registry takes
hours. The listing code only needs what is on disk and in the database, so
these helpers write exactly that directly: one folder per version with a
``model.yaml`` and a small weights file, and registry rows inserted in bulk
into the SQLite database before the server starts (the server's start-up repair
then finds an archive file for every ``success`` row, so nothing is marked lost).

Both sides use the same tags: ``model-NNNN`` names, with versions derived from
the name and version index, and the same sizes and build times. So a local
store made with ``names=100`` is a subset of a registry made with
``names=1000``, every local version "in sync" with its cloud copy.

Run ``python tests/support/big_listing.py HOME DATA`` to make both for a look
(10,000 local versions in HOME, 100,000 registry versions in DATA).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

logger = logging.getLogger(__name__)

BASE_TIME = datetime(2025, 1, 1, tzinfo=timezone.utc)
WEIGHTS = b"w" * 1000
TEAMS = ("nlp", "vision", "speech", "llm")
MODULES = ("bentoml.sklearn", "bentoml.pytorch", "bentoml.transformers", "")
DB_NAME = "registry.db"  # bentosync.registry.config.DB_NAME


@dataclass(frozen=True)
class BigVersion:
    """One synthetic model version, the same on both sides."""

    name: str
    version: str
    created: datetime
    team: str
    module: str

    @property
    def tag(self) -> str:
        return f"{self.name}:{self.version}"

    def model_yaml(self) -> str:
        """A model.yaml as bentoml writes one (every key BentoSync's loader requires)."""
        return (
            f"name: {self.name}\n"
            f"version: {self.version}\n"
            f"module: '{self.module}'\n"
            f"labels:\n  team: {self.team}\n"
            "options: {}\n"
            "metadata: {}\n"
            "context:\n"
            "  framework_name: ''\n"
            "  framework_versions: {}\n"
            "  bentoml_version: 1.4.39\n"
            "  python_version: 3.12.3\n"
            "signatures: {}\n"
            "api_version: v1\n"
            f"creation_time: '{self.created.isoformat()}'\n"
        )

    @property
    def size_bytes(self) -> int:
        return len(self.model_yaml().encode()) + len(WEIGHTS)


def version_string(name_index: int, index: int) -> str:
    """16 characters of ``[a-z2-7]``, like bentoml's, unique per (name, index)."""
    raw = name_index.to_bytes(4, "big") + index.to_bytes(6, "big")
    return base64.b32encode(raw).decode("ascii").lower()[:16]


def big_versions(names: int, per_name: int) -> Iterator[BigVersion]:
    """``names`` x ``per_name`` versions; later indexes are newer."""
    for n in range(names):
        for i in range(per_name):
            yield BigVersion(
                name=f"model-{n:04d}",
                version=version_string(n, i),
                created=BASE_TIME + timedelta(minutes=i, seconds=n),
                team=TEAMS[(n + i) % len(TEAMS)],
                module=MODULES[n % len(MODULES)],
            )


def write_big_store(home: Path, names: int = 100, per_name: int = 100) -> list[str]:
    """A BENTOML_HOME with ``names * per_name`` loadable versions; returns their tags."""
    tags = []
    models = home / "models"
    newest: dict[str, str] = {}
    for item in big_versions(names, per_name):
        folder = models / item.name / item.version
        folder.mkdir(parents=True)
        (folder / "model.yaml").write_text(item.model_yaml(), encoding="utf-8")
        (folder / "weights.bin").write_bytes(WEIGHTS)
        newest[item.name] = item.version
        tags.append(item.tag)
    for name, version in newest.items():
        (models / name / "latest").write_text(version, encoding="utf-8")
    return tags


def populate_registry(data_dir: Path, names: int = 1000, per_name: int = 100) -> int:
    """Insert ``names * per_name`` successful versions into a registry data dir.

    Opens the database through the registry's own SQLite backend (so the schema
    and its migrations are the server's), inserts in one transaction (on the
    backend's own connection, for ``executemany``), and
    writes an empty archive file per version so start-up repair keeps them
    ``success``. Run it while no server uses ``data_dir``. Returns the count.
    """
    from bentosync.registry.db import to_db
    from bentosync.registry.db_sqlite import SqliteDatabase

    data_dir.mkdir(parents=True, exist_ok=True)
    blobs = data_dir / "blobs"
    blobs.mkdir(exist_ok=True)
    db = SqliteDatabase(data_dir / DB_NAME)
    now = to_db(datetime.now(timezone.utc))
    count = 0
    try:
        with db.transaction():
            conn = db.conn
            repo_ids: dict[str, int] = {}
            for n in range(names):
                name = f"model-{n:04d}"
                cursor = conn.execute(
                    "INSERT INTO repositories (uid, name, description, labels, created_at, "
                    "updated_at) VALUES (?, ?, '', '[]', ?, ?)",
                    (str(uuid.uuid4()), name, now, now),
                )
                repo_ids[name] = int(cursor.lastrowid or 0)
            rows = []
            for item in big_versions(names, per_name):
                uid = str(uuid.uuid4())
                manifest = {
                    "module": item.module,
                    "api_version": "v1",
                    "bentoml_version": "1.4.39",
                    "size_bytes": item.size_bytes,
                    "metadata": {},
                    "context": {"framework_name": "", "framework_versions": {}},
                    "options": {},
                }
                labels = [{"key": "team", "value": item.team}]
                built = to_db(item.created)
                rows.append(
                    (
                        uid,
                        repo_ids[item.name],
                        item.version,
                        json.dumps(labels),
                        json.dumps(manifest),
                        built,
                        now,
                        now,
                        built,
                        built,
                    )
                )
                count += 1
            conn.executemany(
                "INSERT INTO models (uid, repository_id, version, description, labels, manifest, "
                "build_at, created_at, updated_at, upload_status, upload_started_at, "
                "upload_finished_at, blob_ready, blob_size) "
                "VALUES (?, ?, ?, '', ?, ?, ?, ?, ?, 'success', ?, ?, 1, 0)",
                rows,
            )
        for row in rows:
            fd = os.open(blobs / row[0], os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    finally:
        db.close()
    logger.info("Populated %s with %d versions", data_dir, count)
    return count


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    home, data = Path(sys.argv[1]), Path(sys.argv[2])
    print(f"{len(write_big_store(home)):,} local versions in {home}")
    print(f"{populate_registry(data):,} registry versions in {data}")
