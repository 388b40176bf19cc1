"""The engine as the app drives it, for tests that push and pull through a real registry:
a model with every corner of a tree, and push/pull through ``open_session``."""

from __future__ import annotations

import os
from pathlib import Path

from bentosync.core.session import open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.progress import TransferProgress
from bentosync.core.transfer.pull import Puller
from bentosync.core.transfer.push import Pusher
from support.trees import make_tree

PART = 5 * 1024 * 1024


def make_model(home: Path, name: str, big_bytes: int = 12 * 1024 * 1024, seed: int = 3):
    """A model with nested folders, odd sizes, an inward symlink and one big file."""
    src = home.parent / f"src-{name}-{seed}"
    make_tree(src, seed=seed)
    (src / "model.yaml").unlink()  # create_from_folder writes the real one
    (src / "weights" / "big.bin").parent.mkdir(exist_ok=True)
    (src / "weights" / "big.bin").write_bytes(os.urandom(big_bytes))
    return LocalStore(home).create_from_folder(src, name, labels={"team": "ml"})


def tree_snapshot(folder: Path) -> dict[str, object]:
    """Every entry of a folder: file bytes, symlink targets, folders."""
    found: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = ("link", os.readlink(path))
        elif path.is_file():
            found[rel] = path.read_bytes()
        else:
            found[rel] = "dir"
    return found


def push(endpoint, token, home, tag, **kwargs):
    with open_session(endpoint, token, home=home) as session:
        pusher = Pusher(
            session.client,
            session.store,
            tag,
            journal=session.journal,
            hash_cache=session.hash_cache,
            part_size=PART,
            **kwargs,
        )
        return pusher.run(), pusher.progress.snapshot()


def pull(endpoint, token, home, tag, **kwargs):
    progress = TransferProgress("pull", tag)
    seen: list[int] = []
    original = progress.set_done

    def record(path, done, **options):
        seen.append(done)
        original(path, done, **options)

    progress.set_done = record  # type: ignore[method-assign]
    with open_session(endpoint, token, home=home) as session:
        result = Puller(
            session.client,
            session.store,
            tag,
            journal=session.journal,
            progress=progress,
            **kwargs,
        ).run()
    return result, progress.snapshot()
