"""write_all: every byte of every chunk lands in order, whatever writev manages per call."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bentosync.registry import ingest


@pytest.mark.parametrize("per_call", [None, 1, 3, 7])
def test_write_all_survives_short_writes(tmp_path: Path, monkeypatch, per_call) -> None:
    chunks = [os.urandom(n) for n in (5, 0, 1, 64, 13, 1000)] + [b"x"] * 100
    real = ingest._writev
    calls = []

    def short(fd: int, views: list[memoryview]) -> int:
        assert len(views) <= ingest._IOV_MAX
        calls.append(len(views))
        if per_call is None:
            return real(fd, views)
        return os.write(fd, bytes(views[0])[:per_call]) if views[0] else real(fd, views[:1])

    monkeypatch.setattr(ingest, "_writev", short)
    target = tmp_path / "out"
    fd = os.open(target, os.O_WRONLY | os.O_CREAT)
    try:
        ingest.write_all(fd, chunks)
    finally:
        os.close(fd)
    assert target.read_bytes() == b"".join(chunks)
    assert calls, "nothing was written"
