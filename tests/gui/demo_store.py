"""A realistic local store for GUI tests and screenshots.

Six models with the names, labels, modules and ages an ML engineer's store
has, one of them a sparse file past 2 GiB so the size column and sorting meet
real multi-GB values without writing gigabytes to disk.

Run ``python tests/gui/demo_store.py DIR`` to build one in DIR (a BENTOML_HOME).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

from bentosync.core.modelinfo import MODEL_YAML, write_model_document
from bentosync.core.store import LocalModel, LocalStore

logger = logging.getLogger(__name__)

KIB, MIB, GIB = 1024, 1024**2, 1024**3


@dataclass(frozen=True)
class DemoModel:
    name: str
    size: int
    age: timedelta
    module: str = ""
    labels: dict[str, str] = field(default_factory=dict)


DEMO_MODELS = (
    DemoModel(
        "llama-tokenizer",
        2 * MIB + 310 * KIB,
        timedelta(days=12),
        "bentoml.transformers",
        {"team": "llm", "stage": "prod"},
    ),
    DemoModel(
        "llama-3-8b-instruct",
        int(15.2 * GIB),
        timedelta(days=9),
        "bentoml.transformers",
        {"team": "llm", "quant": "bf16"},
    ),
    DemoModel(
        "sentiment-clf",
        48 * MIB,
        timedelta(hours=5),
        "bentoml.sklearn",
        {"team": "nlp", "stage": "staging"},
    ),
    DemoModel(
        "sentiment-clf",
        47 * MIB + 512 * KIB,
        timedelta(days=3),
        "bentoml.sklearn",
        {"team": "nlp", "stage": "prod"},
    ),
    DemoModel("resnet50-imagenet", int(97.8 * MIB), timedelta(days=40), "bentoml.pytorch"),
    DemoModel(
        "whisper-small-int8",
        int(2.6 * GIB),
        timedelta(minutes=25),
        "",
        {"team": "speech", "owner": "dana"},
    ),
)


def add_model(store: LocalStore, demo: DemoModel, scratch: Path) -> LocalModel:
    """Create ``demo`` in ``store``; the weights file is made sparse after install."""
    source = scratch / demo.name
    source.mkdir(parents=True, exist_ok=True)
    (source / "weights.bin").write_bytes(b"\0")
    (source / "config.json").write_text('{"demo": true}\n', encoding="utf-8")
    model = store.create_from_folder(source, demo.name, labels=demo.labels)
    weights = model.path / "weights.bin"
    os.truncate(weights, max(1, demo.size - (model.size_bytes - 1)))  # sparse: no disk used
    document = yaml.safe_load((model.path / MODEL_YAML).read_text(encoding="utf-8"))
    document["module"] = demo.module
    created = datetime.now(timezone.utc) - demo.age
    document["creation_time"] = created.isoformat()
    write_model_document(model.path, document)
    return store.load(model.path)


def make_demo_store(home: Path) -> list[LocalModel]:
    """Fill ``home`` (a BENTOML_HOME) with :data:`DEMO_MODELS`."""
    store = LocalStore(home)
    # Oldest first, so each name's ``latest`` file ends at its newest version.
    ordered = sorted(DEMO_MODELS, key=lambda demo: demo.age, reverse=True)
    with tempfile.TemporaryDirectory(prefix="bentosync-demo-") as scratch:
        return [add_model(store, demo, Path(scratch)) for demo in ordered]


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for made in make_demo_store(target):
        print(f"{made.tag}  {made.size_bytes:>14,}  {made.path}")
