"""File list, sha256 per file, and the hash cache that makes a second look free."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

import platformdirs
import pytest

from bentosync.core import manifest
from bentosync.core.errors import Cancelled
from bentosync.core.filelist import FileEntry
from bentosync.core.manifest import (
    FileChanged,
    HashCache,
    UnsupportedEntry,
    compute_file_list,
    hash_files,
    scan_files,
    sha256_file,
    walk_tree,
)
from support.trees import LONG_DIR, LONG_NAME, UNICODE_DIR, UNICODE_NAME, make_tree, write

EMPTY_SHA = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ABC_SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path / "model"
    return root, make_tree(root)


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every file the hasher opens: proof that a cache hit reads nothing."""
    opened: list[str] = []
    real = manifest._open_raw
    real_fd = manifest._open_fd

    def counting(path: Path | str):  # type: ignore[no-untyped-def]
        opened.append(Path(path).name)
        return real(path)

    def counting_fd(path: Path | str) -> int:  # small files are read whole
        opened.append(Path(path).name)
        return real_fd(path)

    monkeypatch.setattr(manifest, "_open_raw", counting)
    monkeypatch.setattr(manifest, "_open_fd", counting_fd)
    return opened


def expected(files: dict[str, bytes]) -> list[FileEntry]:
    return sorted(FileEntry(p, len(d), hashlib.sha256(d).hexdigest()) for p, d in files.items())


# ---- listing ------------------------------------------------------------------------------


def test_known_sha256_values(tmp_path):
    write(tmp_path / "empty", b"")
    write(tmp_path / "abc", b"abc")
    assert compute_file_list(tmp_path) == [
        FileEntry("abc", 3, ABC_SHA),
        FileEntry("empty", 0, EMPTY_SHA),
    ]
    assert sha256_file(tmp_path / "abc") == ABC_SHA


def test_empty_folder_has_an_empty_file_list(tmp_path):
    assert scan_files(tmp_path) == [] and compute_file_list(tmp_path) == []


def test_scan_lists_regular_files_with_relative_posix_paths(tree):
    root, files = tree
    scanned = scan_files(root)
    assert [f.path for f in scanned] == sorted(files)
    assert {f.path: f.size for f in scanned} == {p: len(d) for p, d in files.items()}
    assert f"{LONG_DIR}/{LONG_NAME}" in files and f"{UNICODE_DIR}/{UNICODE_NAME}" in files
    assert all(Path(f.abspath) == root / f.path for f in scanned)  # symlinks, folders left out


def test_a_symlinked_model_folder_gives_the_real_paths(tree, tmp_path):
    root, _ = tree
    os.symlink(root, tmp_path / "via-link")
    assert scan_files(tmp_path / "via-link") == scan_files(root)


def test_file_list_matches_hashlib_serial_and_parallel(tree):
    root, files = tree
    big = os.urandom(3 * 1024 * 1024 + 17)
    write(root / "big.bin", big)
    files["big.bin"] = big
    serial = compute_file_list(root, workers=1, buf_size=64 * 1024)
    parallel = compute_file_list(root, workers=4, buf_size=64 * 1024)
    assert serial == parallel == expected(files)


def test_sha256_file_reports_chunks(tmp_path):
    data = os.urandom(1_000_000)
    write(tmp_path / "f", data)
    seen: list[int] = []
    assert sha256_file(tmp_path / "f", 65536, on_chunk=seen.append) == (
        hashlib.sha256(data).hexdigest()
    )
    assert seen[-1] == len(data) and len(seen) == -(-len(data) // 65536)


def test_progress_is_per_file_and_ends_at_the_size(tree, tmp_path):
    root, files = tree
    calls: list[tuple[str, int, int]] = []
    lock = threading.Lock()

    def progress(path: str, done: int, size: int) -> None:
        with lock:
            calls.append((path, done, size))

    cache = HashCache(tmp_path / "c.sqlite")
    compute_file_list(root, cache=cache, workers=2, progress=progress, buf_size=4096)
    for path, data in files.items():
        mine = [(d, s) for p, d, s in calls if p == path]
        if len(data) > manifest.SMALL_FILE:  # started, then chunk by chunk
            assert mine[0] == (0, len(data)) and mine[-1] == (len(data), len(data))
            assert [d for d, _ in mine] == sorted(d for d, _ in mine)
        else:  # read whole: once, when done
            assert mine == [(len(data), len(data))]
    assert any(len(data) > manifest.SMALL_FILE for data in files.values())
    calls.clear()
    compute_file_list(root, cache=cache, progress=progress)  # all cached: one report each
    assert sorted(calls) == sorted((p, len(d), len(d)) for p, d in files.items())


# ---- what cannot travel -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/etc/hostname", "absolute path"),
        ("../outside", "outside the model folder"),
        ("sub/../../outside", "outside the model folder"),
        ("missing.bin", "points to nothing"),
        (".", "contains it"),
        ("..", "contains it"),
    ],
)
def test_unsafe_symlinks_are_refused(tree, target, message):
    root, _ = tree
    (root.parent / "outside").write_text("x")
    link = root / "sub" / "link" if target == ".." else root / "link"
    os.symlink(target, link)
    with pytest.raises(UnsupportedEntry, match=message):
        scan_files(root)


def test_symlinks_inside_are_kept_but_not_listed(tree):
    root, _ = tree
    entries = {e.path: e for e in walk_tree(root)}
    assert entries["alias.bin"].link_target == "weights.bin"
    assert entries["a/subalias"].link_target == "../sub"
    assert "a/subalias/cfg.json" not in entries  # never followed
    assert "alias.bin" not in {f.path for f in scan_files(root)}


def test_fifo_is_refused(tree):
    root, _ = tree
    os.mkfifo(root / "pipe")
    with pytest.raises(UnsupportedEntry, match="FIFO"):
        scan_files(root)


def test_name_that_is_not_utf8_is_refused(tree):
    root, _ = tree
    try:
        open(os.path.join(os.fsencode(root), b"bad-\xff.bin"), "wb").close()
    except OSError:
        pytest.skip("this filesystem refuses non-UTF-8 names")
    with pytest.raises(UnsupportedEntry, match="not valid UTF-8"):
        scan_files(root)


# ---- the cache ----------------------------------------------------------------------------


def test_second_look_is_served_from_the_cache_without_reading(tree, tmp_path, opens):
    root, files = tree
    first = compute_file_list(root, cache=HashCache(tmp_path / "c.sqlite"))
    assert len(opens) == len(files)
    opens.clear()
    cache = HashCache(tmp_path / "c.sqlite")  # a new process, the same file
    assert compute_file_list(root, cache=cache) == first == expected(files)
    assert opens == [] and cache.hits == len(files) and cache.misses == 0


def test_touched_file_is_rehashed(tree, tmp_path, opens):
    root, files = tree
    cache = HashCache(tmp_path / "c.sqlite")
    compute_file_list(root, cache=cache)
    opens.clear()
    st = os.stat(root / "weights.bin")
    os.utime(root / "weights.bin", ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert compute_file_list(root, cache=cache) == expected(files)
    assert opens == ["weights.bin"]


def test_rewrite_that_restores_the_mtime_is_rehashed(tree, tmp_path):
    root, files = tree
    cache = HashCache(tmp_path / "c.sqlite")
    compute_file_list(root, cache=cache)
    target = root / "weights.bin"
    st = os.stat(target)
    time.sleep(0.05)  # let the coarse kernel clock move, so the rewrite gets a new ctime
    files["weights.bin"] = bytes(reversed(files["weights.bin"]))
    target.write_bytes(files["weights.bin"])  # same size, same inode
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # what cp -p / rsync -t do
    assert compute_file_list(root, cache=cache) == expected(files)


def test_file_replaced_by_rename_is_rehashed(tree, tmp_path, opens):
    root, files = tree
    cache = HashCache(tmp_path / "c.sqlite")
    compute_file_list(root, cache=cache)
    opens.clear()
    target = root / "sub" / "cfg.json"
    st = os.stat(target)
    files["sub/cfg.json"] = b'{"b": 2}\n'
    write(root / "new.tmp", files["sub/cfg.json"])
    os.utime(root / "new.tmp", ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(root / "new.tmp", target)
    assert compute_file_list(root, cache=cache) == expected(files)
    assert opens == ["cfg.json"]


def test_many_small_files_hash_in_batches_and_cache_in_few_commits(tmp_path, opens, monkeypatch):
    """Per-file costs stay constant: a few lookups and one commit for 1,200 files, not 2,400."""
    root = tmp_path / "many"
    files = {f"d{i % 7}/f{i:04d}.json": f"{i}".encode() * (1 + i % 5) for i in range(1200)}
    for rel, data in files.items():
        write(root / rel, data)
    cache = HashCache(tmp_path / "c.sqlite")
    statements: list[str] = []
    cache._conn.set_trace_callback(statements.append)
    first = compute_file_list(root, cache=cache, workers=2)
    assert first == expected(files)
    lookups = [s for s in statements if s.startswith("SELECT")]
    commits = [s for s in statements if s == "BEGIN"]
    assert len(lookups) == 3  # 500 paths a query
    assert len(commits) == 1  # 1,200 files is less than SAVE_FILES
    opens.clear()
    assert compute_file_list(root, cache=HashCache(tmp_path / "c.sqlite")) == first
    assert opens == []


def test_put_path_seeds_the_cache(tmp_path, opens):
    write(tmp_path / "m" / "abc", b"abc")
    cache = HashCache(tmp_path / "c.sqlite")
    cache.put_path(tmp_path / "m" / "abc", ABC_SHA)
    assert compute_file_list(tmp_path / "m", cache=cache) == [FileEntry("abc", 3, ABC_SHA)]
    assert opens == []


def test_corrupt_cache_file_is_recreated(tmp_path, tree):
    root, files = tree
    path = tmp_path / "c.sqlite"
    path.write_bytes(b"this is not a database\n" * 200)
    cache = HashCache(path)
    assert not cache.in_memory and len(cache) == 0
    assert compute_file_list(root, cache=cache) == expected(files)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM hashes").fetchone()[0] == len(files)


def test_cache_that_breaks_mid_session_starts_over(tmp_path, tree):
    root, files = tree
    cache = HashCache(tmp_path / "c.sqlite")
    compute_file_list(root, cache=cache)
    cache._conn.close()  # any sqlite error from here on
    assert compute_file_list(root, cache=cache) == expected(files)  # misses, no exception
    assert compute_file_list(root, cache=cache) == expected(files)
    assert cache.hits == len(files)


def test_a_closed_cache_keeps_what_it_had_when_used_late(tmp_path, tree):
    root, files = tree
    cache = HashCache(tmp_path / "c.sqlite")
    compute_file_list(root, cache=cache)
    cache.close()
    # A hashing thread that finishes one more file after its owner closed the cache.
    late = scan_files(root)[:1]
    assert hash_files(late, cache=cache) == expected(files)[:1]
    with HashCache(tmp_path / "c.sqlite") as reopened:
        compute_file_list(root, cache=reopened)
        assert (reopened.hits, reopened.misses) == (len(files), 0)


def test_unusable_cache_path_falls_back_to_memory(tmp_path, tree):
    root, files = tree
    (tmp_path / "c.sqlite").mkdir()  # a folder where the file should be
    cache = HashCache(tmp_path / "c.sqlite")
    assert cache.in_memory
    compute_file_list(root, cache=cache)
    assert compute_file_list(root, cache=cache) == expected(files)
    assert cache.hits == len(files)


def test_default_cache_lives_in_the_user_cache_dir_in_wal_mode():
    cache = HashCache()
    assert cache.path == Path(platformdirs.user_cache_dir("bentosync")) / "hashes.sqlite"
    assert str(cache.path).startswith(os.environ["XDG_CACHE_HOME"])  # conftest isolation
    with sqlite3.connect(cache.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    cache.close()


def test_cache_is_thread_safe(tmp_path):
    cache = HashCache(tmp_path / "c.sqlite")
    for i in range(64):
        write(tmp_path / "f" / str(i), b"x" * i)
    files = scan_files(tmp_path / "f")
    errors: list[BaseException] = []

    def hammer(seed: int) -> None:
        try:
            for n, lf in enumerate(files * 4):
                if (n + seed) % 2:
                    cache.put(lf, f"{lf.size:064x}")
                else:
                    got = cache.get(lf)
                    assert got in (None, f"{lf.size:064x}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(cache) == len(files)


# ---- changes and cancellation -------------------------------------------------------------


def test_file_changed_between_listing_and_hashing_raises(tree):
    root, _ = tree
    listed = scan_files(root)
    with open(root / "weights.bin", "ab") as f:
        f.write(b"!")
    with pytest.raises(FileChanged, match=r"file changed while hashing: weights\.bin"):
        hash_files(listed)


def test_cancel_before_start(tree):
    root, _ = tree
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        compute_file_list(root, cancel=cancel)


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_midway_stops_within_a_chunk(tmp_path, workers):
    for i in range(4):
        write(tmp_path / "m" / f"w{i}.bin", os.urandom(2 * 1024 * 1024))
    cancel = threading.Event()
    chunks: list[int] = []
    lock = threading.Lock()

    def progress(path: str, done: int, size: int) -> None:
        with lock:
            chunks.append(done)
        if done >= 3 * 65536:
            cancel.set()

    cache = HashCache(tmp_path / "c.sqlite")
    with pytest.raises(Cancelled):
        compute_file_list(
            tmp_path / "m",
            cache=cache,
            workers=workers,
            progress=progress,
            cancel=cancel,
            buf_size=65536,
        )
    assert max(chunks) < 2 * 1024 * 1024  # no file was hashed to the end
    assert len(cache) == 0


@pytest.mark.parametrize(
    ("small_files", "large_size", "kept"),
    [(10, 300 * 1024, "small"), (2, 4 * 1024 * 1024, "large")],
)
def test_the_heaviest_hashing_task_keeps_its_priority(
    tmp_path, monkeypatch, small_files, large_size, kept
):
    """Only the other tasks run nicer: the one that finishes last must not wait for CPU.

    For a model of many small files that is the task holding them (each small file
    costs its open and bookkeeping), not the largest single file.
    """
    (tmp_path / "big.bin").write_bytes(b"x" * large_size)
    for i in range(small_files):
        (tmp_path / f"s{i}.txt").write_bytes(b"y" * 100)
    lowered: set[int] = set()

    def lower(niceness: int) -> bool:
        lowered.add(threading.get_ident())
        return True

    monkeypatch.setattr(manifest, "lower_this_thread", lower)
    hashed_lowered: dict[str, bool] = {}
    original = manifest._hash_local_file

    def recording(lf, *args):
        hashed_lowered[lf.path] = threading.get_ident() in lowered
        return original(lf, *args)

    monkeypatch.setattr(manifest, "_hash_local_file", recording)
    manifest.hash_files(manifest.scan_files(tmp_path), workers=2)
    small = {hashed_lowered[f"s{i}.txt"] for i in range(small_files)}
    if kept == "small":
        assert small == {False} and hashed_lowered["big.bin"] is True
    else:
        assert small == {True} and hashed_lowered["big.bin"] is False
