"""Model-like folders that exercise every corner of the file list and the tar layout."""

from __future__ import annotations

import os
import random
from pathlib import Path

LONG_DIR = "d" * 70
LONG_NAME = "n" * 60 + ".bin"  # "./" + dir + "/" + name is well past tar's 100-char field
UNICODE_DIR = "données"
UNICODE_NAME = "模型-ü.bin"


def write(path: Path, data: bytes, mode: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mode is not None:
        os.chmod(path, mode)
    return path


def make_tree(root: Path, seed: int = 7, symlinks: bool = True) -> dict[str, bytes]:
    """Fill ``root`` and return {relative path: bytes} of its regular files.

    Covers: data that is and is not a multiple of 512 bytes, an empty file, nested
    and empty folders, a path that needs a PAX header, non-ASCII names, an exec bit,
    the ``a/b`` vs ``a-c`` ordering trap (per-folder sort, not whole-path sort), and
    (unless ``symlinks=False``) symlinks to a file and to a folder inside the tree.
    """
    rng = random.Random(seed)
    files = {
        "model.yaml": b"name: demo\nversion: v1\n",
        "weights.bin": rng.randbytes(300_001),
        "exact.bin": rng.randbytes(1024),
        "empty.txt": b"",
        "sub/cfg.json": b'{"a": 1}\n',
        "sub/deeper/x/y/z.txt": b"deep\n",
        "a/b": b"under a\n",
        "a-c": b"beside a\n",
        f"{LONG_DIR}/{LONG_NAME}": rng.randbytes(700),
        f"{UNICODE_DIR}/{UNICODE_NAME}": rng.randbytes(513),
        "run.sh": b"#!/bin/sh\necho hi\n",
    }
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        write(root / rel, data)
    os.chmod(root / "run.sh", 0o755)
    (root / "emptydir").mkdir()
    if symlinks:
        os.symlink("weights.bin", root / "alias.bin")
        os.symlink("../sub", root / "a" / "subalias")
    return files


def make_big_folder(root: Path, total: int, file_size: int, seed: int = 1) -> list[Path]:
    """``total`` bytes of incompressible data in files of ``file_size`` (for benchmarks)."""
    root.mkdir(parents=True, exist_ok=True)
    block = random.Random(seed).randbytes(16 * 1024 * 1024)
    paths = []
    for index in range(max(1, total // file_size)):
        path = root / f"shard-{index:04d}.bin"
        with open(path, "wb") as f:
            left = file_size
            while left:
                n = min(left, len(block))
                # Stamp each block with the shard number so no two shards hash the same.
                f.write(index.to_bytes(8, "little") + block[8:n] if n >= 8 else block[:n])
                left -= n
        paths.append(path)
    return paths


def make_many_files(root: Path, count: int, per_folder: int = 50, seed: int = 3) -> list[str]:
    """``count`` small files (64 B to 4 KiB) in folders of ``per_folder``, two levels deep.

    The shape of a tokenizer-and-shards model or a dataset bundled as a model:
    ``group-07/set-3/item-00123.json``, so 20 000 files make 400 folders under 40
    groups. Returns the relative paths in the order they were written.
    """
    rng = random.Random(seed)
    blob = rng.randbytes(4096)
    paths = []
    for index in range(count):
        folder = index // per_folder
        rel = f"group-{folder // 10:03d}/set-{folder % 10}/item-{index:05d}.json"
        size = rng.randint(64, 4096)
        write(root / rel, index.to_bytes(4, "little") + blob[4:size])
        paths.append(rel)
    return paths
