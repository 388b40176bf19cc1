"""StreamingExtractor: hostile archives are refused, good ones verified and resumable."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import threading
import time
from pathlib import Path

import pytest

from bentosync.core.errors import Cancelled, UnsafeArchive
from bentosync.core.filelist import Checksums, FileEntry
from bentosync.core.transfer import extract as extract_module
from bentosync.core.transfer.expectations import ChecksumMismatch, IncompleteArchive
from bentosync.core.transfer.extract import CheckpointUpdate, StreamingExtractor
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
    extractor = StreamingExtractor(
        staging, checksums=Checksums.of(expected_list()), progress=progress
    )
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
    StreamingExtractor(staging, checksums=None, progress=progress).run(opener_for(good_archive()))
    snap = progress.snapshot()
    assert {f.path for f in snap.files} == set(FILES)
    assert {f.checksum for f in snap.files} == {ChecksumState.UNVERIFIED}


@pytest.mark.parametrize("compression", ["gz", "xz"])
def test_compressed_archives_are_read(staging, compression):
    extractor = StreamingExtractor(staging, checksums=Checksums.of(expected_list()))
    assert extractor.run(opener_for(good_archive(compression))) == sorted(expected_list())
    assert not extractor.resumable


def test_flipped_byte_names_the_file(staging):
    data = bytearray(good_archive())
    big = FILES["weights/big.bin"]
    data[bytes(data).index(big[:64]) + 1000] ^= 0xFF
    progress = TransferProgress("pull", "m:v")
    progress.set_files((e.path, e.size) for e in expected_list())
    with pytest.raises(ChecksumMismatch, match=r"weights/big\.bin"):
        StreamingExtractor(staging, checksums=Checksums.of(expected_list()), progress=progress).run(
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
        StreamingExtractor(staging, checksums=None).run(opener_for(build_tar(HOSTILE[case])))
    after = set(tmp_path.rglob("*"))
    assert all(staging in p.parents or p == staging for p in after - before)
    assert not (tmp_path / "evil.txt").exists()


def test_member_larger_than_announced(staging):
    data = build_tar([reg("./model.yaml", b"name: m\n" + b"x" * 100)])
    with pytest.raises(UnsafeArchive, match="bytes in the archive"):
        StreamingExtractor(
            staging, checksums=Checksums.of([entry("model.yaml", b"name: m\n")])
        ).run(opener_for(data))


def test_file_not_in_list_is_refused(staging):
    data = build_tar([reg("./model.yaml", FILES["model.yaml"]), reg("./extra.bin", b"x")])
    with pytest.raises(UnsafeArchive, match=r"extra\.bin"):
        StreamingExtractor(
            staging, checksums=Checksums.of([entry("model.yaml", FILES["model.yaml"])])
        ).run(opener_for(data))


def test_size_limit_without_list(staging):
    data = build_tar([reg("./a", b"x" * 5000)])
    with pytest.raises(UnsafeArchive, match="announced"):
        StreamingExtractor(staging, checksums=None, announced_size=4000).run(opener_for(data))


def test_truncated_at_member_boundary_is_caught_by_the_list(staging):
    data = good_archive()
    cut = data.index(FILES["weights/small.json"]) - 1024  # drops the last member whole
    with pytest.raises(IncompleteArchive):
        StreamingExtractor(staging, checksums=Checksums.of(expected_list())).run(
            opener_for(data[:cut])
        )


def test_truncated_inside_a_file(staging):
    data = good_archive()
    cut = data.index(FILES["weights/big.bin"][:64]) + 5000
    with pytest.raises(IncompleteArchive):
        StreamingExtractor(staging, checksums=Checksums.of(expected_list())).run(
            opener_for(data[:cut])
        )


def replayed(updates: list[CheckpointUpdate]) -> list[dict]:
    """The whole state after each update, as a keeper of the updates (the journal) has it."""
    states: list[dict] = []
    for update in updates:
        states.append(update.applied_to(states[-1] if states else None))
    return states


def interrupted_in_big_file(staging: Path, into: int) -> dict:
    """The checkpoint of a run whose stream broke ``into`` bytes into weights/big.bin."""
    data = good_archive()
    cut = data.index(FILES["weights/big.bin"][:64]) + into
    saved: list[CheckpointUpdate] = []
    first = StreamingExtractor(
        staging, checksums=Checksums.of(expected_list()), on_checkpoint=saved.append
    )
    with pytest.raises(IncompleteArchive):
        first.run(opener_for(data, cut_at=cut))
    first.save_checkpoint()  # what a pull does when the stream breaks
    return replayed(saved)[-1]


def test_resume_mid_file_asks_for_the_rest_only(staging):
    data = good_archive()
    checkpoint = interrupted_in_big_file(staging, 2 * (1 << 20) + 17)
    assert checkpoint["current"]["path"] == "weights/big.bin"
    assert checkpoint["current"]["written"] > 0
    # A new process: only the checkpoint survives.
    log: list[tuple[int, int | None]] = []
    progress = TransferProgress("pull", "m:v")
    progress.set_files((e.path, e.size) for e in expected_list())
    second = StreamingExtractor(
        staging, checksums=Checksums.of(expected_list()), progress=progress, checkpoint=checkpoint
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
    checkpoint = interrupted_in_big_file(staging, (1 << 20) + 5)
    (staging / "weights/big.bin").write_bytes(b"short")
    log: list[tuple[int, int | None]] = []
    second = StreamingExtractor(
        staging, checksums=Checksums.of(expected_list()), checkpoint=checkpoint
    )
    assert second.run(opener_for(data, log)) == sorted(expected_list())
    assert log == [(checkpoint["current"]["header_offset"], None)]


def test_cancel_stops_between_chunks(staging):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        StreamingExtractor(staging, checksums=Checksums.of(expected_list()), cancel=cancel).run(
            opener_for(good_archive())
        )


@pytest.mark.parametrize("killed", ["at the checkpoint", "later"])
def test_checkpoints_from_a_killed_run_resume_cleanly(staging, killed):
    """Whatever checkpoint was saved last, a new extractor finishes the job.

    "later": the run went on past its last checkpoint and wrote more files
    before it was killed; the resumed run overwrites them.
    """
    data = good_archive()
    saved: list[CheckpointUpdate] = []
    first = StreamingExtractor(
        staging,
        checksums=Checksums.of(expected_list()),
        on_checkpoint=saved.append,
        checkpoint_every=1 << 20,
        checkpoint_interval=0,  # at every member: every resume point gets tried
        checkpoint_share=0,
    )
    first.run(opener_for(data))
    assert len(saved) >= 5
    states = replayed(saved)  # what a keeper of the updates (the journal) has after each
    for index, checkpoint in enumerate(states):
        folder = staging.parent / f"again-{killed.replace(' ', '-')}-{index}"
        folder.mkdir()
        # Reproduce what was on disk at that checkpoint, then resume from it.
        written = list(FILES) if killed == "later" else [d["path"] for d in checkpoint["done"]]
        for path in written:
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(FILES[path])
        if checkpoint["current"]:
            current = checkpoint["current"]
            target = folder / current["path"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(FILES[current["path"]][: current["written"]])
        resumed = StreamingExtractor(
            folder, checksums=Checksums.of(expected_list()), checkpoint=checkpoint
        )
        assert resumed.run(opener_for(data)) == sorted(expected_list())
        for path, content in FILES.items():
            assert (folder / path).read_bytes() == content


def test_a_checkpoint_hands_over_only_what_finished_since_the_last(staging):
    """Each update carries the files since the one before, never the whole list again:
    encoding every finished file per checkpoint cost the square of the file count."""
    members = [reg(f"./shards/{n:05d}.txt", str(n).encode()) for n in range(3000)]
    saved: list[CheckpointUpdate] = []
    extractor = StreamingExtractor(
        staging, checksums=None, on_checkpoint=saved.append, checkpoint_every=2000
    )
    extractor.run(opener_for(build_tar(members)))
    assert len(saved) >= 5
    handed = 0
    for update in saved:
        assert update.done_from == handed  # appended right after what was handed before
        handed += len(update.done)
    assert handed <= 3000 and sum(len(u.seen) for u in saved) <= 3001
    assert max(len(update.done) for update in saved) < 1000
    extractor.save_checkpoint()  # what a stopped pull does last
    final = replayed(saved)[-1]
    assert [d["path"] for d in final["done"]] == [f"shards/{n:05d}.txt" for n in range(3000)]
    assert final["seen"] == [d["path"] for d in final["done"]]
    assert (final["next_offset"], final["current"]) == (extractor.next_offset, None)


def test_a_resumed_run_hands_over_what_it_restored_first(staging):
    """A resumed extractor's first update starts the lists over, so whoever keeps them
    (the journal, perhaps written by an older version) ends up with the whole list."""
    restored = interrupted_in_big_file(staging, (1 << 20) + 5)
    assert restored["done"]
    saved: list[CheckpointUpdate] = []
    second = StreamingExtractor(
        staging,
        checksums=Checksums.of(expected_list()),
        checkpoint=restored,
        on_checkpoint=saved.append,
    )
    second.save_checkpoint()
    assert (saved[0].done_from, saved[0].seen_from) == (0, 0)
    assert saved[0].applied_to(None) == restored


def test_checkpoints_are_bounded_by_time_and_bytes_not_one_per_file(staging):
    """A checkpoint holds every finished file: one per file would cost n squared."""
    members = [reg(f"./shards/{n:05d}.txt", str(n).encode()) for n in range(3000)]
    data = build_tar(members)
    saved: list[CheckpointUpdate] = []
    StreamingExtractor(staging, checksums=None, on_checkpoint=saved.append).run(opener_for(data))
    assert len(saved) < 30  # 3,000 files, one checkpoint a second at most
    by_bytes: list[CheckpointUpdate] = []
    (staging.parent / "by-bytes").mkdir()
    StreamingExtractor(
        staging.parent / "by-bytes",
        checksums=None,
        on_checkpoint=by_bytes.append,
        checkpoint_every=1000,
        checkpoint_interval=3600,
    ).run(opener_for(data))
    assert 5 <= len(by_bytes) < 3000  # every ~1000 bytes of files, not every file


def test_folders_are_resolved_once_not_once_per_file(staging, monkeypatch):
    """Resolving each member's folder cost an lstat per path component per file."""
    members = [reg(f"./d{n % 10}/sub/{n:05d}.txt", b"x") for n in range(2000)]
    members += [reg(f"./top-{n}.txt", b"y") for n in range(100)]
    resolved: list[str] = []
    real = extract_module.os.path.realpath

    def counting(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        resolved.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(extract_module.os.path, "realpath", counting)
    StreamingExtractor(staging, checksums=None).run(opener_for(build_tar(members)))
    assert len(resolved) <= 25  # the root, and each folder once


def test_slow_checkpoints_are_spaced_by_what_they_cost(staging):
    """Writing 100,000 finished files takes time: checkpoints never take over the pull."""
    members = [reg(f"./shards/{n:05d}.txt", str(n).encode()) for n in range(3000)]
    saved: list[CheckpointUpdate] = []

    def slow_save(checkpoint: CheckpointUpdate) -> None:
        time.sleep(0.02)
        saved.append(checkpoint)

    StreamingExtractor(
        staging,
        checksums=None,
        on_checkpoint=slow_save,
        checkpoint_interval=0,  # alone, it would ask for one after every member
    ).run(opener_for(build_tar(members)))
    assert 1 <= len(saved) <= 10  # each one waits 20 times the last one's cost


# ---- without a file list: the announced size, the whole-model digest ---------------


def valid_but_shorter(data: bytes) -> bytes:
    """The archive cut at a member boundary, then closed: a well-formed, shorter tar."""
    buf = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(data)) as source,
        tarfile.open(fileobj=buf, mode="w:", format=tarfile.PAX_FORMAT) as out,
    ):
        for info in source.getmembers():
            if info.name == "./weights/big.bin":
                continue
            out.addfile(info, source.extractfile(info) if info.isfile() else None)
    return buf.getvalue()


def test_without_checksums_a_shorter_archive_does_not_match_the_announced_size(staging):
    total = sum(len(d) for d in FILES.values())
    short = valid_but_shorter(good_archive())
    extractor = StreamingExtractor(staging, checksums=None, announced_size=total)
    with pytest.raises(IncompleteArchive, match=f"announces {total:,} bytes: files are missing"):
        extractor.run(opener_for(short))


def test_without_checksums_the_announced_size_passes_and_files_stay_unverified(staging):
    progress = TransferProgress("pull", "m:v")
    total = sum(len(d) for d in FILES.values())
    StreamingExtractor(staging, checksums=None, announced_size=total, progress=progress).run(
        opener_for(good_archive())
    )
    assert {f.checksum for f in progress.snapshot().files} == {ChecksumState.UNVERIFIED}


def test_without_checksums_bentomls_size_with_file_symlinks_is_accepted(staging):
    """bentoml's size_bytes counts a file symlink's target again (Path.is_file follows it)."""
    data = build_tar(
        [
            reg("./model.yaml", FILES["model.yaml"]),
            reg("./weights.bin", b"w" * 1000),
            ({"name": "./alias.bin", "type": tarfile.SYMTYPE, "linkname": "weights.bin"}, None),
        ]
    )
    regular = len(FILES["model.yaml"]) + 1000
    StreamingExtractor(staging, checksums=None, announced_size=regular + 1000).run(opener_for(data))
    assert (staging / "alias.bin").is_symlink()


def test_no_announced_size_means_nothing_to_compare(staging):
    StreamingExtractor(staging, checksums=None, announced_size=0).run(
        opener_for(valid_but_shorter(good_archive()))
    )


def test_a_whole_model_digest_verifies_every_file_at_the_end(staging):
    progress = TransferProgress("pull", "m:v")
    whole = Checksums.of(expected_list())
    unlisted = Checksums(whole.digest, whole.count, whole.size)
    StreamingExtractor(staging, checksums=unlisted, progress=progress).run(
        opener_for(good_archive())
    )
    assert {f.checksum for f in progress.snapshot().files} == {ChecksumState.VERIFIED}


@pytest.mark.parametrize("archive", ["shorter", "flipped"])
def test_a_whole_model_digest_refuses_other_files(staging, archive):
    whole = Checksums.of(expected_list())
    unlisted = Checksums(whole.digest, whole.count, whole.size)
    data = good_archive()
    if archive == "shorter":
        data = valid_but_shorter(data)
    else:
        at = data.index(FILES["weights/big.bin"][:64]) + 100
        data = data[:at] + bytes([data[at] ^ 1]) + data[at + 1 :]
    progress = TransferProgress("pull", "m:v")
    with pytest.raises(ChecksumMismatch, match="not installed"):
        StreamingExtractor(staging, checksums=unlisted, progress=progress).run(opener_for(data))
    assert {f.checksum for f in progress.snapshot().files} == {ChecksumState.MISMATCH}


# ---- hard links, as the official client archives them -----------------------------


def archive_with_hardlink(linkname="./weights.bin"):
    return build_tar(
        [
            ({"name": ".", "type": tarfile.DIRTYPE, "mode": 0o700}, None),
            reg("./model.yaml", FILES["model.yaml"]),
            reg("./weights.bin", b"w" * 3000, 0o640),
            (
                {
                    "name": "./copy/weights.bin",
                    "type": tarfile.LNKTYPE,
                    "linkname": linkname,
                    "mode": 0o640,
                    "mtime": 1_700_000_000,
                },
                None,
            ),
        ]
    )


def test_a_hard_link_becomes_a_copy_and_is_listed_and_checked(staging):
    files = [
        entry("model.yaml", FILES["model.yaml"]),
        entry("weights.bin", b"w" * 3000),
        entry("copy/weights.bin", b"w" * 3000),
    ]
    done = StreamingExtractor(staging, checksums=Checksums.of(files)).run(
        opener_for(archive_with_hardlink())
    )
    assert done == sorted(files)
    copy, original = staging / "copy" / "weights.bin", staging / "weights.bin"
    assert copy.read_bytes() == original.read_bytes() == b"w" * 3000
    assert os.stat(copy).st_ino != os.stat(original).st_ino  # a copy, not a link
    assert os.stat(copy).st_mode & 0o777 == 0o640


def test_without_checksums_a_hard_link_copy_counts_toward_the_size(staging):
    total = len(FILES["model.yaml"]) + 2 * 3000  # bentoml stats each path on its own
    StreamingExtractor(staging, checksums=None, announced_size=total).run(
        opener_for(archive_with_hardlink())
    )


@pytest.mark.parametrize(
    ("linkname", "words"),
    [
        ("./missing.bin", "not a file stored earlier"),
        ("./copy", "not a file stored earlier"),
        ("../../etc/passwd", "outside"),
        ("/etc/passwd", "absolute"),
    ],
)
def test_hard_links_to_nothing_earlier_or_outside_fail(staging, linkname, words):
    with pytest.raises(UnsafeArchive, match=words):
        StreamingExtractor(staging, checksums=None).run(opener_for(archive_with_hardlink(linkname)))


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_files_get_their_archived_modes_with_a_chmod_only_where_the_umask_took_bits(
    staging, monkeypatch, umask
):
    """A file is created with its mode; ``chmod`` follows only when the umask cut into it."""
    modes = {"a.txt": 0o644, "b.sh": 0o755, "c.txt": 0o664, "d.key": 0o600, "e.txt": 0o444}
    data = build_tar([reg(f"./{name}", b"x", mode) for name, mode in modes.items()])
    monkeypatch.setattr(extract_module, "_UMASK", umask)
    previous = os.umask(umask)
    chmodded: list[object] = []
    real_chmod = os.chmod
    monkeypatch.setattr(
        os,
        "chmod",
        lambda target, mode, **kw: (chmodded.append(mode), real_chmod(target, mode, **kw)),
    )
    try:
        StreamingExtractor(staging, checksums=None).run(opener_for(data))
    finally:
        os.umask(previous)
    wanted = {name: mode | 0o600 for name, mode in modes.items()}
    assert {name: os.stat(staging / name).st_mode & 0o777 for name in modes} == wanted
    assert sorted(chmodded) == sorted(m for m in wanted.values() if m & ~umask != m)


def test_the_umask_is_read_without_changing_it():
    """Linux shows it in /proc; elsewhere it is unknown, and every file gets a chmod."""
    previous = os.umask(0o027)
    try:
        expected = 0o027 if os.path.exists("/proc/self/status") else None
        assert extract_module._read_umask() == expected
        assert os.umask(0o027) == 0o027
    finally:
        os.umask(previous)
