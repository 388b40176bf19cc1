"""A registry holding a realistic mix for the Cloud pane, next to the demo store.

Against the local demo store (``demo_store.py``) it leaves every sync state
on screen: versions pushed from the store (in sync), one pushed with other
bytes under the same tag (differs), versions only the cloud has (cloud only),
one whose upload failed, and the rest of the store (local only).

Run ``python tests/gui/demo_cloud.py ENDPOINT BENTOML_HOME`` with the token in
``BENTOSYNC_REGISTRY_TOKEN`` to fill a running registry.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from bentosync.core.manifest import compute_file_list
from bentosync.core.modelinfo import MODEL_YAML, write_model_document
from bentosync.core.session import open_session
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.transfer.push import Pusher, build_manifest

logger = logging.getLogger(__name__)

IN_SYNC = ("llama-tokenizer", "resnet50-imagenet")
DIFFERS = "sentiment-clf"
CLOUD_ONLY = (
    ("bert-base-ner", 3 * 1024**2, timedelta(days=2), {"team": "nlp", "stage": "prod"}),
    ("yolo-v8n", 6 * 1024**2 + 300_000, timedelta(hours=20), {"team": "vision"}),
    ("clip-vit-b32", 9 * 1024**2, timedelta(days=30), {"team": "vision", "stage": "dev"}),
)
FAILED = ("ocr-trocr", 2 * 1024**2)


def _push(endpoint: str, token: str, home: Path, tag: str) -> None:
    with open_session(endpoint, token, home=home) as session:
        Pusher(session.client, session.store, tag, hash_cache=session.hash_cache).run()


def _make(
    store: LocalStore, scratch: Path, name: str, size: int, age: timedelta, labels
) -> LocalModel:
    source = scratch / name
    source.mkdir(parents=True, exist_ok=True)
    (source / "weights.bin").write_bytes(os.urandom(size))
    (source / "config.json").write_text('{"demo": true}\n', encoding="utf-8")
    model = store.create_from_folder(source, name, labels=labels)
    document = yaml.safe_load((model.path / MODEL_YAML).read_text(encoding="utf-8"))
    document["creation_time"] = (datetime.now(timezone.utc) - age).isoformat()
    write_model_document(model.path, document)
    return store.load(model.path)


def fill_cloud(endpoint: str, token: str, local_home: Path) -> dict[str, list[str]]:
    """Push the mix; returns the tags by the state they should show."""
    local = LocalStore(local_home)
    by_name: dict[str, list[LocalModel]] = {}
    for model in local.list().models:
        by_name.setdefault(model.name, []).append(model)
    states: dict[str, list[str]] = {"in_sync": [], "differs": [], "cloud_only": [], "failed": []}
    for name in IN_SYNC:
        for model in by_name.get(name, [])[:1]:
            _push(endpoint, token, local_home, str(model.tag))
            states["in_sync"].append(str(model.tag))
    with tempfile.TemporaryDirectory(prefix="bentosync-demo-cloud-") as tmp:
        scratch = Path(tmp)
        # Same tag, other bytes: copy the oldest version and append to its config.
        if DIFFERS in by_name:
            original = by_name[DIFFERS][0]
            other_home = scratch / "other"
            target = other_home / "models" / original.name / original.version
            shutil.copytree(original.path, target)
            with open(target / "config.json", "a", encoding="utf-8") as handle:
                handle.write('{"retrained": true}\n')
            _push(endpoint, token, other_home, str(original.tag))
            states["differs"].append(str(original.tag))
        cloud_home = scratch / "cloud"
        cloud_store = LocalStore(cloud_home)
        for name, size, age, labels in CLOUD_ONLY:
            model = _make(cloud_store, scratch / "src", name, size, age, labels)
            _push(endpoint, token, cloud_home, str(model.tag))
            states["cloud_only"].append(str(model.tag))
        name, size = FAILED
        model = _make(cloud_store, scratch / "src", name, size, timedelta(hours=3), {})
        with open_session(endpoint, token, home=cloud_home) as session:
            client = session.client
            client.create_repository(name)
            manifest = build_manifest(model, compute_file_list(model.path))
            client.create_model(name, model.version, manifest, build_at=model.creation_time)
            client.start_upload(name, model.version)
            client.finish_upload(name, model.version, "failed", "connection lost at 41 %")
        states["failed"].append(str(model.tag))
    return states


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    made = fill_cloud(sys.argv[1], os.environ["BENTOSYNC_REGISTRY_TOKEN"], Path(sys.argv[2]))
    for state, tags in made.items():
        print(state, " ".join(tags))
