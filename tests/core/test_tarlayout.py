"""The virtual tar: the bytes tarfile would write, any range on demand, readable by every tar."""

from __future__ import annotations

import io
import itertools
import os
import random
import shutil
import subprocess
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from bentosync.core.errors import BentoSyncError, Cancelled
from bentosync.core.manifest import (
    EntryKind,
    FileChanged,
    UnsupportedEntry,
    compute_file_list,
    scan_files,
)
from bentosync.core.store import LocalStore
from bentosync.core.transfer.rangereader import RangeReader
from bentosync.core.transfer.tarlayout import RECORDSIZE, TarLayout, header_bytes
from support.trees import LONG_DIR, LONG_NAME, UNICODE_DIR, UNICODE_NAME, make_tree, write


def tarfile_archive(folder: Path, stable_headers: bool = False) -> bytes:
    """What the official client writes (PROTOCOL.md 7), optionally with our stable headers."""

    def stable(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        info.mtime = int(info.mtime)
        info.mode &= 0o777
        return info

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:") as tar:
        tar.add(folder, arcname="./", filter=stable if stable_headers else None)
    return buf.getvalue()


def read_archive(data: bytes) -> list[tuple[tarfile.TarInfo, bytes | None]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        out = []
        for member in tar.getmembers():
            f = tar.extractfile(member) if member.isreg() else None
            out.append((member, f.read() if f else None))
        return out


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    root = tmp_path / "model"
    return root, make_tree(root)


@pytest.fixture
def built(tree: tuple[Path, dict[str, bytes]]) -> tuple[TarLayout, bytes, dict[str, bytes]]:
    root, files = tree
    layout = TarLayout.from_folder(root)
    return layout, layout.read_range(), files


# ---- the archive as a whole ---------------------------------------------------------------


def test_full_archive_holds_exactly_the_files(built):
    layout, full, files = built
    assert len(full) == layout.total_size
    members = read_archive(full)
    assert members[0][0].name == "." and members[0][0].isdir()
    regular = {m.name[2:]: data for m, data in members if m.isreg()}
    assert regular == files
    links = {m.name[2:]: m.linkname for m, _ in members if m.issym()}
    assert links == {"alias.bin": "weights.bin", "a/subalias": "../sub"}
    dirs = {m.name for m, _ in members if m.isdir()}
    assert {".", "./emptydir", f"./{LONG_DIR}", f"./{UNICODE_DIR}", "./sub/deeper/x/y"} <= dirs
    assert f"./{LONG_DIR}/{LONG_NAME}" in {m.name for m, _ in members}  # needed a PAX path
    assert f"./{UNICODE_DIR}/{UNICODE_NAME}" in {m.name for m, _ in members}
    by_name = {m.name: m for m, _ in members}
    assert by_name["./run.sh"].mode == 0o755
    assert {(m.uid, m.gid, m.uname, m.gname) for m, _ in members} == {(0, 0, "", "")}


def test_member_order_is_the_official_clients(tree):
    root, _ = tree
    ours = [m.name for m, _ in read_archive(TarLayout.from_folder(root).read_range())]
    official = [m.name for m, _ in read_archive(tarfile_archive(root))]
    assert ours == official
    # Per-folder sort, depth first: "./a/b" comes before "./a-c" although "-" < "/".
    assert ours.index("./a/b") < ours.index("./a-c")


def test_bytes_equal_tarfile_with_the_same_stable_headers(tree):
    root, _ = tree
    assert TarLayout.from_folder(root).read_range() == tarfile_archive(root, stable_headers=True)


def test_size_is_a_record_multiple_and_two_builds_give_the_same_bytes(tree):
    root, _ = tree
    first, second = TarLayout.from_folder(root), TarLayout.from_folder(root)
    assert first.total_size % RECORDSIZE == 0
    assert first.read_range() == second.read_range()
    assert first.fingerprint == second.fingerprint
    st = os.stat(root / "model.yaml")
    os.utime(root / "model.yaml", ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    assert TarLayout.from_folder(root).fingerprint != first.fingerprint


def test_empty_model_folder(tmp_path):
    layout = TarLayout.from_folder(tmp_path)
    full = layout.read_range()
    assert layout.total_size == len(full) == RECORDSIZE
    assert [m.name for m, _ in read_archive(full)] == ["."]
    assert layout.local_files() == [] and layout.file_spans() == []


def test_layout_files_are_the_manifest_files(tree):
    root, files = tree
    layout = TarLayout.from_folder(root)
    assert layout.local_files() == scan_files(root)
    assert sorted(m.path for m in layout.files) == sorted(files)
    alias = next(m for m in layout.members if m.path == "alias.bin")
    assert alias.kind is EntryKind.SYMLINK and alias.size == 0


def test_hard_links_are_regular_members_with_their_own_bytes(tree):
    root, files = tree
    os.link(root / "weights.bin", root / "weights-hard.bin")
    members = read_archive(TarLayout.from_folder(root).read_range())
    data = {m.name: (m.type, d) for m, d in members}
    assert data["./weights-hard.bin"] == (tarfile.REGTYPE, files["weights.bin"])
    assert data["./weights.bin"] == (tarfile.REGTYPE, files["weights.bin"])


def test_symlink_leaving_the_folder_is_refused(tree):
    root, _ = tree
    write(root.parent / "outside.txt", b"secret")
    os.symlink("../outside.txt", root / "leak")
    with pytest.raises(
        UnsupportedEntry, match=r"leak -> \.\./outside\.txt .*outside the model folder"
    ):
        TarLayout.from_folder(root)


@pytest.mark.skipif(shutil.which("tar") is None, reason="GNU tar not installed")
def test_gnu_tar_extracts_it(built, tmp_path):
    _, full, files = built
    out = tmp_path / "out"
    out.mkdir()
    subprocess.run(["tar", "-xf", "-", "-C", str(out)], input=full, check=True)
    for rel, data in files.items():
        assert (out / rel).read_bytes() == data
    assert os.readlink(out / "alias.bin") == "weights.bin"


# ---- ranges -------------------------------------------------------------------------------


def interesting_offsets(layout: TarLayout) -> list[int]:
    """Offsets that cut headers, data, padding and the end-of-archive blocks."""
    points = {0, layout.data_end, layout.data_end + 1, layout.total_size - 1, layout.total_size}
    for m in layout.members:
        for p in (m.header_offset, m.data_offset, m.data_offset + m.size, m.end):
            points.update({p - 1, p, p + 1, p + 100})
    return sorted(p for p in points if 0 <= p <= layout.total_size)


def test_random_ranges_equal_slices_of_the_full_archive(built):
    layout, full, _ = built
    rng = random.Random(42)
    offsets = interesting_offsets(layout)
    for _ in range(600):
        a = rng.choice(offsets) if rng.random() < 0.7 else rng.randrange(layout.total_size + 1)
        b = rng.choice(offsets) if rng.random() < 0.7 else rng.randrange(layout.total_size + 1)
        start, end = min(a, b), max(a, b)
        tiny = end - start < 20_000  # 1-byte chunks over the whole archive would be slow
        chunk = rng.choice([1, 7, 511] if tiny else [512, 1000, 4096, 65536, 1 << 20])
        chunks = list(layout.iter_range(start, end, chunk_size=chunk))
        assert b"".join(chunks) == full[start:end], (start, end, chunk)
        assert all(0 < len(c) <= chunk for c in chunks)


def test_bad_ranges_are_refused(built):
    layout, _, _ = built
    for start, end in ((-1, 10), (10, 5), (0, layout.total_size + 1)):
        with pytest.raises(ValueError):
            layout.read_range(start, end)


def file_bytes_in(layout: TarLayout, start: int, end: int) -> int:
    return sum(
        max(0, min(end, m.data_offset + m.size) - max(start, m.data_offset)) for m in layout.files
    )


def test_file_spans_map_ranges_back_to_file_bytes(built):
    layout, full, files = built
    rng = random.Random(3)
    offsets = interesting_offsets(layout)
    data_offset = {m.path: m.data_offset for m in layout.files}
    for _ in range(300):
        start, end = sorted((rng.choice(offsets), rng.choice(offsets)))
        spans = layout.file_spans(start, end)
        assert sum(s.length for s in spans) == file_bytes_in(layout, start, end)
        for span in spans:
            at = data_offset[span.path] + span.offset
            assert full[at : at + span.length] == files[span.path][span.offset :][: span.length]


def test_file_spans_over_parts_cover_every_file_once(built):
    layout, _, files = built
    seen: dict[str, int] = {}
    mentions: dict[str, int] = {}
    for start in range(0, layout.total_size, 50_000):
        for span in layout.file_spans(start, min(start + 50_000, layout.total_size)):
            seen[span.path] = seen.get(span.path, 0) + span.length
            mentions[span.path] = mentions.get(span.path, 0) + 1
    assert seen == {path: len(data) for path, data in files.items()}
    assert mentions["empty.txt"] == 1


# ---- files that change under us -----------------------------------------------------------


def _grow(path: Path) -> None:
    with open(path, "ab") as f:
        f.write(b"more")


def _same_size_new_mtime(path: Path) -> None:
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 3_000_000_000))


def _replace(path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(path.read_bytes())
    os.utime(tmp, ns=(os.stat(path).st_atime_ns, os.stat(path).st_mtime_ns))
    os.replace(tmp, path)


@pytest.mark.parametrize(
    "change",
    [_grow, lambda p: p.write_bytes(b"short"), _same_size_new_mtime, _replace, Path.unlink],
    ids=["grown", "shrunk", "touched", "replaced", "deleted"],
)
def test_a_file_changed_after_layout_raises(built, tree, change):
    layout, _, _ = built
    root, _ = tree
    change(root / "weights.bin")
    member = next(m for m in layout.members if m.path == "weights.bin")
    with pytest.raises(FileChanged, match=r"file changed while pushing: weights\.bin"):
        layout.read_range()
    with pytest.raises(FileChanged):
        layout.read_range(member.data_offset + 10, member.data_offset + 20)
    # Ranges that do not reach the file are still served.
    assert layout.read_range(0, member.header_offset)


def test_a_file_growing_while_read_raises(built, tree):
    layout, _, _ = built
    root, _ = tree
    member = next(m for m in layout.members if m.path == "weights.bin")
    chunks = layout.iter_range(member.data_offset, member.data_offset + member.size, 4096)
    next(chunks)
    _grow(root / "weights.bin")
    with pytest.raises(FileChanged):
        list(chunks)


def test_unreadable_file_is_a_clear_error(built, monkeypatch):
    layout, _, _ = built

    def denied(path: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    real_os_open = os.open

    def os_open_denied(path: object, *args: Any, **kwargs: Any) -> int:
        if "model" in str(path):
            denied(path)
        return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    # Module globals shadow builtins: this works even when the tests run as root. Small
    # files are read with os.open, large ones with open: both are refused.
    monkeypatch.setattr("bentosync.core.transfer.tarlayout.open", denied, raising=False)
    monkeypatch.setattr(os, "open", os_open_denied)
    with pytest.raises(BentoSyncError, match=r"Cannot read .*model/a/b: Permission denied"):
        layout.read_range()


def test_iter_range_checks_cancel_per_chunk(built):
    layout, _, _ = built
    cancel = threading.Event()
    chunks = layout.iter_range(chunk_size=4096, cancel=cancel)
    next(chunks)
    cancel.set()
    with pytest.raises(Cancelled):
        list(chunks)


# ---- RangeReader --------------------------------------------------------------------------


def test_range_reader_reads_any_sizes_and_reports_offsets(built):
    layout, full, _ = built
    start, end = 700, layout.total_size - 333
    seen: list[tuple[int, int]] = []
    reader = RangeReader(
        layout, start, end, chunk_size=8192, on_read=lambda o, n: seen.append((o, n))
    )
    assert len(reader) == end - start and reader.tell() == 0
    rng = random.Random(5)
    parts = []
    while data := reader.read(rng.choice([1, 100, 512, 16384, 70000])):
        parts.append(data)
        assert reader.tell() == sum(map(len, parts))
    assert b"".join(parts) == full[start:end]
    assert reader.read() == b""
    assert seen[0][0] == start and sum(n for _, n in seen) == end - start
    assert all(a + n == b for (a, n), (b, _) in itertools.pairwise(seen))


def test_range_reader_read1_hands_out_file_data_as_read_from_the_file(built):
    layout, full, _ = built
    chunk = 8192
    big = [m for m in layout.members if m.size >= 3 * chunk]
    assert big, "the test tree needs a file of several chunks"
    seen: list[tuple[int, int]] = []
    reader = RangeReader(layout, chunk_size=chunk, on_read=lambda o, n: seen.append((o, n)))
    pieces = []
    while data := reader.read1(chunk):
        assert isinstance(data, bytes) and 0 < len(data) <= chunk
        pieces.append(data)
    assert b"".join(pieces) == full
    # Cut where the file's own reads were, not on a grid from the archive start
    # (file data starts 512 bytes past a header, so read() cuts every chunk in two).
    starts = {offset for offset, _ in seen}
    for member in big:
        wanted = range(member.data_offset, member.data_offset + member.size, chunk)
        assert set(wanted) <= starts, member.path
    # read() cuts on a grid from the archive start instead, so the check above can fail.
    grid = {offset for offset, _ in _offsets(RangeReader(layout, chunk_size=chunk), chunk)}
    assert any(member.data_offset not in grid for member in big)


def _offsets(reader: RangeReader, size: int) -> list[tuple[int, int]]:
    """(offset, length) of each ``read(size)`` until the end."""
    out = []
    while data := reader.read(size):
        out.append((reader.tell() - len(data), len(data)))
    return out


def test_range_reader_iterates_in_chunks(built):
    layout, full, _ = built
    chunks = list(RangeReader(layout, 10, 300_000, chunk_size=65536))
    assert b"".join(chunks) == full[10:300_000]
    assert {len(c) for c in chunks[:-1]} == {65536}


def test_range_reader_seek_restarts_from_disk(built):
    layout, full, _ = built
    reader = RangeReader(layout, 100, 200_000)
    first = reader.read()
    assert reader.seek(0) == 0
    assert reader.read(-1) == first == full[100:200_000]
    reader.seek(-10, os.SEEK_END)
    assert reader.read() == full[199_990:200_000]
    reader.close()
    with pytest.raises(ValueError):
        reader.read()


def test_range_reader_cancel(built):
    layout, _, _ = built
    cancel = threading.Event()
    reader = RangeReader(layout, cancel=cancel)
    reader.read(1000)
    cancel.set()
    with pytest.raises(Cancelled):
        reader.read(1000)


class _Sink(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_range_reader_is_a_requests_body_with_exact_content_length(built):
    layout, full, _ = built
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        start, end = 1234, layout.total_size - 4321
        url = f"http://127.0.0.1:{server.server_address[1]}/part"
        resp = requests.put(url, data=RangeReader(layout, start, end), timeout=30)
        assert resp.status_code == 200
    finally:
        server.shutdown()
        server.server_close()
    headers, body = _Sink.received[-1]
    assert headers["Content-Length"] == str(end - start)
    assert "Transfer-Encoding" not in headers
    assert body == full[start:end]


# ---- interop with the official client -----------------------------------------------------


@pytest.mark.interop
def test_official_client_imports_and_loads_our_archive(official, tmp_path):
    source = tmp_path / "source"
    files = make_tree(source, symlinks=False)
    (source / "model.yaml").unlink()  # the store writes the model's own
    del files["model.yaml"]
    model = LocalStore(tmp_path / "ours").create_from_folder(
        source, "tar_demo", labels={"team": "sync"}
    )
    os.symlink("weights.bin", model.path / "alias.bin")  # a symlink member, too
    layout = TarLayout.from_folder(model.path)
    archive = tmp_path / "export" / "model.tar"
    archive.parent.mkdir()
    with open(archive, "wb") as f:
        for chunk in layout.iter_range():
            f.write(chunk)
    theirs = tmp_path / "theirs"
    official.run_cli(["models", "import", str(archive.resolve())], theirs)
    loaded = official.run_python(
        f"""
        import hashlib, json, os, bentoml
        m = bentoml.models.get({str(model.tag)!r})
        root = m.path
        out = {{}}
        for d, _, names in os.walk(root):
            for n in names:
                p = os.path.join(d, n)
                rel = os.path.relpath(p, root).replace(os.sep, "/")
                out[rel] = hashlib.sha256(open(p, "rb").read()).hexdigest()
        print(json.dumps({{"tag": str(m.tag), "labels": m.info.labels, "files": out}}))
        """,
        theirs,
    )
    assert loaded["tag"] == str(model.tag)
    assert loaded["labels"] == {"team": "sync"}
    ours = {e.path: e.sha256 for e in compute_file_list(model.path)}
    # bentoml's import copies symlinks as the files they point to.
    ours["alias.bin"] = ours["weights.bin"]
    assert loaded["files"] == ours
    assert set(files) <= set(loaded["files"])


@pytest.mark.parametrize(
    "name",
    ["./", "./a.bin", "./d", "./" + "x" * 98, "./" + "x" * 99, "./ü.txt", "./" + "n/" * 60],
)
@pytest.mark.parametrize("kind", [tarfile.REGTYPE, tarfile.DIRTYPE, tarfile.SYMTYPE])
@pytest.mark.parametrize(
    ("size", "mtime", "mode"),
    [(0, 0, 0o644), (4097, 1_700_000_000, 0o755), (8**11, 8**11, 0o7777), (5, 1.5, 0o600)],
)
def test_fast_header_is_tobuf_byte_for_byte(name, kind, size, mtime, mode):
    """The layout's own header maker writes what tarfile writes, or lets tarfile write it."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = size if kind == tarfile.REGTYPE else 0
    info.mtime = mtime
    info.mode = mode
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if kind == tarfile.SYMTYPE:
        info.linkname = name[2:] or "target"
    assert header_bytes(info) == info.tobuf(tarfile.PAX_FORMAT, "utf-8", "surrogateescape")
