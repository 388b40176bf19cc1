"""StreamingExtractor: hostile archives are refused, good ones verified and resumable."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import threading

import pytest

from bentosync.core.errors import Cancelled, UnsafeArchive
from bentosync.core.filelist import FileEntry
from bentosync.core.transfer.extract import (
    ChecksumMismatch,
    IncompleteArchive,
    StreamingExtractor,
)
from bentosync.core.transfer.progress import ChecksumState, TransferProgress


def build_tar(members, fmt=tarfile.PAX_FORMAT, compression=""):
    """members: list of (TarInfo kwargs, data or None)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=f"w:{compression}", format=fmt) as tar:
        for spec, data in members:
            info = tarfile.TarInfo(spec.pop("name"))
            for key, value in spec.items():
                setattr(info, key, value)
            if data is not None:
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def reg(name, data, mode=0o644):
    return ({"name": name, "mode": mode, "mtime": 1_700_000_000}, data)


def entry(path, data):
    return FileEntry(path, len(data), hashlib.sha256(data).hexdigest())


FILES = {
    "model.yaml": b"name: m\n",
    "weights/big.bin": os.urandom(3 * (1 << 20) + 123),
    "weights/small.json": b"{}",
    "run.sh": b"#!/bin/sh\necho hi\n",
}


def good_archive(compression=""):
    members = [({"name": ".", "type": tarfile.DIRTYPE, "mode": 0o700}, None)]
    members.append(reg("./model.yaml", FILES["model.yaml"]))
    members.append(reg("./run.sh", FILES["run.sh"], 0o755))
    members.append(({"name": "./weights", "type": tarfile.DIRTYPE, "mode": 0o755}, None))
    members.append(reg("./weights/big.bin", FILES["weights/big.bin"]))
    members.append(reg("./weights/small.json", FILES["weights/small.json"]))
    return build_tar(members, compression=compression)


def expected_list():
    return [entry(p, d) for p, d in FILES.items()]


def opener_for(data, log=None, cut_at=None):
    def open_range(start, end):
        if log is not None:
            log.append((start, end))
        chunk = data[start:end]
        if cut_at is not None and start <= cut_at < start + len(chunk):
            chunk = chunk[: cut_at - start]
        return io.BytesIO(chunk)

    return open_range


@pytest.fixture
def staging(tmp_path):
    folder = tmp_path / "staging"
    folder.mkdir()
    return folder


def test_good_archive_verified(staging):
    progress = TransferProgress("pull", "m:v")
    progress.set_files((e.path, e.size) for e in expected_list())
    extractor = StreamingExtractor(staging, expected=expected_list(), progress=progress)
    result = extractor.run(opener_for(good_archive()))
    assert result == sorted(expected_list())
    for path, data in FILES.items():
        assert (staging / path).read_bytes() == data
    assert os.stat(staging / "run.sh").st_mode & 0o111  # exec bits kept
    snap = progress.snapshot()
    assert {f.checksum for f in snap.files} == {ChecksumState.VERIFIED}
    assert snap.done_bytes == snap.total_bytes


def test_without_file_list_everything_is_unverified(staging):
    progress = TransferProgress("pull", "m:v")
    StreamingExtractor(staging, expected=None, progress=progress).run(opener_for(good_archive()))
    snap = progress.snapshot()
    assert {f.path for f in snap.files} == set(FILES)
    assert {f.checksum for f in snap.files} == {ChecksumState.UNVERIFIED}


@pytest.mark.parametrize("compression", ["gz", "xz"])
def test_compressed_archives_are_read(staging, compression):
    extractor = StreamingExtractor(staging, expected=expected_list())
    assert extractor.run(opener_for(good_archive(compression))) == sorted(expected_list())
    assert not extractor.resumable


def test_flipped_byte_names_the_file(staging):
    data = bytearray(good_archive())
    big = FILES["weights/big.bin"]
    data[bytes(data).index(big[:64]) + 1000] ^= 0xFF
    progress = TransferProgress("pull", "m:v")
    progress.set_files((e.path, e.size) for e in expected_list())
    with pytest.raises(ChecksumMismatch, match=r"weights/big\.bin"):
        StreamingExtractor(staging, expected=expected_list(), progress=progress).run(
            opener_for(bytes(data))
        )
    states = {f.path: f.checksum for f in progress.snapshot().files}
    assert states["weights/big.bin"] is ChecksumState.MISMATCH


HOSTILE = {
    "traversal": [reg("./../evil.txt", b"x")],
    "absolute": [reg("/tmp/evil.txt", b"x")],
    "symlink-out": [({"name": "./link", "type": tarfile.SYMTYPE, "linkname": "../../etc"}, None)],
    "symlink-abs": [({"name": "./link", "type": tarfile.SYMTYPE, "linkname": "/etc/passwd"}, None)],
    "hardlink-out": [({"name": "./hl", "type": tarfile.LNKTYPE, "linkname": "/etc/passwd"}, None)],
    "device": [({"name": "./dev", "type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3}, None)],
    "fifo": [({"name": "./fifo", "type": tarfile.FIFOTYPE}, None)],
    "duplicate": [reg("./model.yaml", b"a"), reg("./model.yaml", b"b")],
    "write-through-symlink": [
        ({"name": "./d", "type": tarfile.SYMTYPE, "linkname": "."}, None),
        reg("./d/../../x", b"x"),
    ],
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_members_fail_the_job(tmp_path, case):
    staging = tmp_path / "s"
    staging.mkdir()
    before = set(tmp_path.rglob("*"))
    with pytest.raises(UnsafeArchive):
        StreamingExtractor(staging, expected=None).run(opener_for(build_tar(HOSTILE[case])))
    after = set(tmp_path.rglob("*"))
    assert all(staging in p.parents or p == staging for p in after - before)
    assert not (tmp_path / "evil.txt").exists()


def test_member_larger_than_announced(staging):
    data = build_tar([reg("./model.yaml", b"name: m\n" + b"x" * 100)])
    with pytest.raises(UnsafeArchive, match="bytes in the archive"):
        StreamingExtractor(staging, expected=[entry("model.yaml", b"name: m\n")]).run(
            opener_for(data)
        )


def test_file_not_in_list_is_refused(staging):
    data = build_tar([reg("./model.yaml", FILES["model.yaml"]), reg("./extra.bin", b"x")])
    with pytest.raises(UnsafeArchive, match=r"extra\.bin"):
        StreamingExtractor(staging, expected=[entry("model.yaml", FILES["model.yaml"])]).run(
            opener_for(data)
        )


def test_size_limit_without_list(staging):
    data = build_tar([reg("./a", b"x" * 5000)])
    with pytest.raises(UnsafeArchive, match="announced"):
        StreamingExtractor(staging, expected=None, size_limit=4000).run(opener_for(data))


def test_truncated_at_member_boundary_is_caught_by_the_list(staging):
    data = good_archive()
    cut = data.index(FILES["weights/small.json"]) - 1024  # drops the last member whole
    with pytest.raises(IncompleteArchive):
        StreamingExtractor(staging, expected=expected_list()).run(opener_for(data[:cut]))


def test_truncated_inside_a_file(staging):
    data = good_archive()
    cut = data.index(FILES["weights/big.bin"][:64]) + 5000
    with pytest.raises(IncompleteArchive):
        StreamingExtractor(staging, expected=expected_list()).run(opener_for(data[:cut]))


def test_resume_mid_file_asks_for_the_rest_only(staging):
    data = good_archive()
    big_at = data.index(FILES["weights/big.bin"][:64])
    cut = big_at + 2 * (1 << 20) + 17
    first = StreamingExtractor(staging, expected=expected_list())
    with pytest.raises(IncompleteArchive):
        first.run(opener_for(data, cut_at=cut))
    checkpoint = first.checkpoint()
    assert checkpoint["current"]["path"] == "weights/big.bin"
    assert checkpoint["current"]["written"] > 0
    # A new process: only the checkpoint survives.
    log: list[tuple[int, int | None]] = []
    progress = TransferProgress("pull", "m:v")
    progress.set_files((e.path, e.size) for e in expected_list())
    second = StreamingExtractor(
        staging, expected=expected_list(), progress=progress, checkpoint=checkpoint
    )
    assert second.run(opener_for(data, log)) == sorted(expected_list())
    written = checkpoint["current"]["written"]
    header_start = checkpoint["current"]["header_offset"]
    data_start = checkpoint["current"]["data_offset"]
    assert log == [(header_start, data_start), (data_start + written, None)]
    assert (staging / "weights/big.bin").read_bytes() == FILES["weights/big.bin"]
    assert {f.checksum for f in progress.snapshot().files} == {ChecksumState.VERIFIED}


def test_resume_with_a_damaged_partial_file_refetches_that_member(staging):
    data = good_archive()
    cut = data.index(FILES["weights/big.bin"][:64]) + (1 << 20) + 5
    first = StreamingExtractor(staging, expected=expected_list())
    with pytest.raises(IncompleteArchive):
        first.run(opener_for(data, cut_at=cut))
    checkpoint = first.checkpoint()
    (staging / "weights/big.bin").write_bytes(b"short")
    log: list[tuple[int, int | None]] = []
    second = StreamingExtractor(staging, expected=expected_list(), checkpoint=checkpoint)
    assert second.run(opener_for(data, log)) == sorted(expected_list())
    assert log == [(checkpoint["current"]["header_offset"], None)]


def test_cancel_stops_between_chunks(staging):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        StreamingExtractor(staging, expected=expected_list(), cancel=cancel).run(
            opener_for(good_archive())
        )


def test_checkpoints_from_a_killed_run_resume_cleanly(staging):
    """Whatever checkpoint was saved last, a new extractor finishes the job."""
    data = good_archive()
    saved: list[dict] = []
    first = StreamingExtractor(
        staging,
        expected=expected_list(),
        on_checkpoint=lambda c: saved.append(c),
        checkpoint_every=1 << 20,
    )
    first.run(opener_for(data))
    assert len(saved) >= 5
    for index, checkpoint in enumerate(saved):
        folder = staging.parent / f"again{index}"
        folder.mkdir()
        # Reproduce what was on disk at that checkpoint, then resume from it.
        for done in checkpoint["done"]:
            target = folder / done["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(FILES[done["path"]])
        if checkpoint["current"]:
            current = checkpoint["current"]
            target = folder / current["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(FILES[current["path"]][: current["written"]])
        resumed = StreamingExtractor(folder, expected=expected_list(), checkpoint=checkpoint)
        assert resumed.run(opener_for(data)) == sorted(expected_list())
