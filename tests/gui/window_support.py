"""Helpers for window tests: models on disk, pushes to the test registry, dialog catching."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from bentosync.core.session import open_session
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.transfer.push import Pusher
from bentosync.gui.main_window import MainWindow
from bentosync.gui.models.roles import ItemRole

TIMEOUT_MS = 20_000


def add_model(
    home: Path, name: str, payload: bytes = b"w" * 100, labels: dict[str, str] | None = None
) -> LocalModel:
    """A model made from a folder with one weights file, in the store at ``home``."""
    source = home.parent / "src" / f"{name}-{os.urandom(4).hex()}"
    source.mkdir(parents=True)
    (source / "weights.bin").write_bytes(payload)
    (source / "config.json").write_text('{"layers": 2}\n', encoding="utf-8")
    return LocalStore(home).create_from_folder(source, name, labels=labels)


def push(registry: Any, home: Path, tag: str) -> None:
    """Push ``tag`` from the store at ``home`` with the real engine (not the window)."""
    with open_session(registry.endpoint, registry.token, home=home) as session:
        Pusher(session.client, session.store, tag).run()


def push_altered(registry: Any, model: LocalModel, scratch: Path) -> None:
    """Push ``model``'s tag with other bytes: a copy in a scratch store, one file changed."""
    home = scratch / "altered-home"
    target = home / "models" / model.name / model.version
    shutil.copytree(model.path, target)
    with open(target / "weights.bin", "ab") as handle:
        handle.write(b"retrained")
    push(registry, home, str(model.tag))


def fail_upload(registry: Any, model: LocalModel) -> None:
    """A cloud record for ``model`` whose upload ended ``failed``."""
    from bentosync.core.manifest import compute_file_list
    from bentosync.core.transfer.push import build_manifest

    with open_session(registry.endpoint, registry.token) as session:
        client = session.client
        client.create_repository(model.name)
        manifest = build_manifest(model, compute_file_list(model.path))
        client.create_model(model.name, model.version, manifest, build_at=model.creation_time)
        client.start_upload(model.name, model.version)
        client.finish_upload(model.name, model.version, "failed", "connection lost")


def add_reference(registry: Any, name: str, model_id: str, revision: str) -> str:
    """A Hugging Face reference as the official client records one: no archive, pending."""
    from datetime import datetime, timezone

    manifest = {
        "module": "",
        "api_version": "v1",
        "bentoml_version": "1.4.39",
        "size_bytes": 0,
        "metadata": {"registry": "huggingface", "model_id": model_id, "revision": revision},
    }
    with open_session(registry.endpoint, registry.token) as session:
        session.client.create_repository(name)
        record = session.client.create_model(
            name, "v1", manifest, build_at=datetime.now(timezone.utc)
        )
    return record.tag


def rows(pane: Any) -> dict[str, Any]:
    """The pane's records by tag, in view order."""
    proxy = pane.proxy
    found = {}
    for row in range(proxy.rowCount()):
        record = proxy.index(row, 0).data(ItemRole)
        found[str(record.tag)] = record
    return found


def select(pane: Any, tags: set[str]) -> None:
    pane.select_tags(tags, lambda record: str(record.tag))


def sync_texts(window: MainWindow, side: str) -> dict[str, str]:
    """What the Sync column says per tag on ``side``."""
    model = window.local_model if side == "local" else window.cloud_model
    column = model.SYNC_COLUMN
    return {
        model.row_key(model.index(r, 0).data(ItemRole)): model.index(r, column).data()
        for r in range(model.rowCount())
    }


def load_both(qtbot: Any, window: MainWindow) -> None:
    """Refresh both sides and wait until both listings have landed."""
    with qtbot.waitSignals(
        [window.refresh_finished, window.cloud_refresh_finished], timeout=TIMEOUT_MS
    ):
        window.refresh()


class DialogCatcher:
    """Every dialog the window's operations open, in order."""

    def __init__(self, window: MainWindow) -> None:
        self.dialogs: list[Any] = []
        window.operations.dialog_opened.connect(self.dialogs.append)

    def wait(self, qtbot: Any, kind: type, count: int = 1) -> Any:
        qtbot.waitUntil(
            lambda: sum(isinstance(d, kind) for d in self.dialogs) >= count, timeout=TIMEOUT_MS
        )
        return [d for d in self.dialogs if isinstance(d, kind)][count - 1]


class Requests:
    """Every transfer the window handed to the transfer layer: (kind, tag, force)."""

    def __init__(self, window: MainWindow) -> None:
        self.items: list[tuple[str, str, bool]] = []
        window.operations.transfer_requested.connect(
            lambda kind, tag, force: self.items.append((kind, tag, force))
        )
