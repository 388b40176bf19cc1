"""core/archive.py: the member safety rules and the streamed per-file hashing."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile

import pytest

from bentosync.core.archive import (
    MemberGuard,
    hash_tar_stream,
    safe_member_path,
    scan_tar_stream,
)
from bentosync.core.errors import UnsafeArchive
from bentosync.core.filelist import FileEntry


def member(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = linkname
    return info


def tar_of(members: list[tuple[tarfile.TarInfo, bytes | None]], mode: str = "w:") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:  # type: ignore[call-overload]
        for info, data in members:
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (".", ""),
        ("./", ""),
        ("./model.yaml", "model.yaml"),
        ("model.yaml", "model.yaml"),
        ("./sub//deeper/./x.bin", "sub/deeper/x.bin"),
        ("./données/模型.bin", "données/模型.bin"),
    ],
)
def test_safe_paths_are_normalised(name, expected):
    assert safe_member_path(member(name)) == expected


@pytest.mark.parametrize(
    ("info", "words"),
    [
        (member("/etc/passwd"), "absolute"),
        (member("../x"), "climbs out"),
        (member("./a/../../x"), "climbs out"),
        (member("a\\b.bin"), "backslash"),
        (member("C:/x.bin"), "drive letter"),
        (member("./hard", tarfile.LNKTYPE, "../outside"), "Hard link.*outside"),
        (member("./hard", tarfile.LNKTYPE, "/etc/passwd"), "absolute"),
        (member(".", tarfile.LNKTYPE, "model.yaml"), "root is a hard link"),
        (member("./dev", tarfile.CHRTYPE), "device"),
        (member("./blk", tarfile.BLKTYPE), "device"),
        (member("./fifo", tarfile.FIFOTYPE), "FIFO"),
        (member("./up", tarfile.SYMTYPE, "../outside"), "outside"),
        (member("./a/up", tarfile.SYMTYPE, "../../outside"), "outside"),
        (member("./abs", tarfile.SYMTYPE, "/etc/passwd"), "absolute"),
        (member("./empty", tarfile.SYMTYPE, ""), "empty target"),
        (member(".", tarfile.SYMTYPE, "x"), "root is a symlink"),
    ],
)
def test_unsafe_members_are_refused(info, words):
    with pytest.raises(UnsafeArchive, match=words):
        safe_member_path(info)


def test_inward_symlinks_pass():
    assert safe_member_path(member("./a/alias", tarfile.SYMTYPE, "../weights.bin")) == "a/alias"
    assert safe_member_path(member("./self", tarfile.SYMTYPE, ".")) == "self"


@pytest.mark.parametrize(
    ("names", "words"),
    [
        ([member("./x"), member("./x")], "more than once"),
        ([member("./d", tarfile.DIRTYPE), member("./d")], "more than once"),
        ([member("./d/x"), member("./d")], "clashes with a folder"),
        ([member("./f"), member("./f/x")], "below the file"),
        ([member("./l", tarfile.SYMTYPE, "sub"), member("./l/x")], "below the link"),
        ([member("."), member("./")], "two root entries"),
    ],
)
def test_guard_refuses_duplicates_and_writes_through_links(names, words):
    guard = MemberGuard()
    with pytest.raises(UnsafeArchive, match=words):
        for info in names:
            guard.check(info)


def test_guard_refuses_symlink_chains_that_escape():
    # Each link alone looks inward, but following a -> . then b -> a/.. leaves the root.
    guard = MemberGuard()
    guard.check(member("./d", tarfile.DIRTYPE))
    guard.check(member("./d/a", tarfile.SYMTYPE, "."))
    guard.check(member("./d/b", tarfile.SYMTYPE, "a/../.."))
    with pytest.raises(UnsafeArchive, match="through another symlink"):
        guard.finish()


def test_guard_allows_a_directory_entry_after_its_contents_and_link_chains():
    guard = MemberGuard()
    guard.check(member("./d/x"))
    guard.check(member("./d", tarfile.DIRTYPE))
    guard.check(member("./l1", tarfile.SYMTYPE, "l2"))
    guard.check(member("./l2", tarfile.SYMTYPE, "d/x"))
    guard.finish()


FILES = {"model.yaml": b"name: m\n", "sub/w.bin": bytes(range(256)) * 4099, "empty": b""}


def official_like(mode: str = "w:") -> bytes:
    members: list[tuple[tarfile.TarInfo, bytes | None]] = [(member(".", tarfile.DIRTYPE), None)]
    members.append((member("./sub", tarfile.DIRTYPE), None))
    members += [(member(f"./{path}"), data) for path, data in sorted(FILES.items())]
    members.append((member("./alias", tarfile.SYMTYPE, "sub/w.bin"), None))
    return tar_of(members, mode)


@pytest.mark.parametrize("mode", ["w:", "w:gz", "w:xz", "w:bz2"])
def test_hash_tar_stream_lists_regular_files_only(mode):
    entries = hash_tar_stream(io.BytesIO(official_like(mode)))
    expected = sorted(
        FileEntry(path, len(data), hashlib.sha256(data).hexdigest()) for path, data in FILES.items()
    )
    assert entries == expected


def test_scan_reads_a_non_seekable_stream_and_captures_small_files():
    class OneWay(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:  # type: ignore[override]
            chunk = self._data.read(min(len(buffer), 777))  # short reads, like a socket
            buffer[: len(chunk)] = chunk
            return len(chunk)

        def seekable(self) -> bool:
            return False

    scan = scan_tar_stream(OneWay(official_like()), capture=("model.yaml",))  # type: ignore[arg-type]
    assert scan.captured == {"model.yaml": FILES["model.yaml"]}
    assert [e.path for e in scan.files] == ["empty", "model.yaml", "sub/w.bin"]


@pytest.mark.parametrize("cut", [100, 5000, 20000])
def test_truncated_or_garbage_archives_are_refused(cut):
    data = official_like()
    with pytest.raises(UnsafeArchive, match=r"Not a readable tar archive|truncated"):
        hash_tar_stream(io.BytesIO(data[:cut]))


def test_garbage_and_empty_input_are_refused():
    for data in (b"", b"not a tar at all" * 100):
        with pytest.raises(UnsafeArchive):
            hash_tar_stream(io.BytesIO(data))


def test_unsafe_member_inside_a_stream_is_refused():
    data = tar_of([(member("./ok"), b"x"), (member("../evil"), b"y")])
    with pytest.raises(UnsafeArchive, match="climbs out"):
        hash_tar_stream(io.BytesIO(data))


def test_a_folder_with_hard_links_archived_by_tar_add_lists_each_path(tmp_path):
    """``tar.add`` (the official client) stores a second path to one inode as a hard link."""
    folder = tmp_path / "model"
    (folder / "sub").mkdir(parents=True)
    (folder / "weights.bin").write_bytes(b"w" * 2000)
    os.link(folder / "weights.bin", folder / "sub" / "same.bin")
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:") as tar:
        tar.add(folder, arcname="./")
    with tarfile.open(fileobj=io.BytesIO(buffer.getvalue())) as written:
        kinds = {m.type for m in written}
    assert tarfile.LNKTYPE in kinds  # the case this test is about
    for seekable in (True, False):
        data = buffer.getvalue()
        stream = io.BytesIO(data) if seekable else NonSeekable(data)
        files = scan_tar_stream(stream).files
        digest = hashlib.sha256(b"w" * 2000).hexdigest()
        assert files == [
            FileEntry("sub/same.bin", 2000, digest),
            FileEntry("weights.bin", 2000, digest),
        ]


def test_a_hard_link_to_a_later_or_missing_member_is_refused():
    data = tar_of(
        [
            (member("./early", tarfile.LNKTYPE, "./late.bin"), None),
            (member("./late.bin"), b"x"),
        ]
    )
    with pytest.raises(UnsafeArchive, match="not a file stored earlier"):
        scan_tar_stream(io.BytesIO(data))


class NonSeekable(io.RawIOBase):
    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[override]
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)
