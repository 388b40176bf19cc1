"""The streaming tar reader against Python's tarfile, on every format a model archive may use."""

from __future__ import annotations

import io
import tarfile

import pytest

from bentosync.core.tarstream import (
    TarFormatError,
    TarStream,
    TruncatedArchive,
    parse_header,
    parse_pax,
)


def _archive(fmt: int, members: list[tuple[tarfile.TarInfo, bytes]]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for info, data in members:
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return buf.getvalue()


def _members() -> list[tuple[tarfile.TarInfo, bytes]]:
    def info(name: str, kind: bytes = tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
        made = tarfile.TarInfo(name)
        made.type = kind
        made.linkname = link
        made.mode = 0o640
        made.mtime = 1_700_000_000.25
        return made

    return [
        (info("./", tarfile.DIRTYPE), b""),
        (info("./empty.txt"), b""),
        (info("./a/" + "long-" * 30 + "name.bin"), b"x" * 1000),
        (info("./sub/ünïcode.json"), b'{"k": 1}'),
        (info("./exact.bin"), b"y" * 1024),
        (info("./link", tarfile.SYMTYPE, "exact.bin"), b""),
        (info("./hard", tarfile.LNKTYPE, "./exact.bin"), b""),
        (info("./deep/" + "d/" * 60 + "leaf.txt"), b"leaf"),
    ]


class _Trickle:
    """A stream that hands out ``step`` bytes per read, as a slow network does."""

    def __init__(self, data: bytes, step: int) -> None:
        self.data = memoryview(data)
        self.step = step

    def read(self, size: int = -1) -> bytes:
        piece = self.data[: min(size, self.step)].tobytes()
        self.data = self.data[len(piece) :]
        return piece


def _read_all(stream: TarStream) -> list[tuple[tarfile.TarInfo, bytes]]:
    return [(info, b"".join(bytes(p) for p in stream.data(300))) for info in stream]


@pytest.mark.parametrize("fmt", [tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT])
@pytest.mark.parametrize("step", [1 << 20, 511, 7])
def test_members_match_tarfile(fmt: int, step: int) -> None:
    members = _members()
    if fmt == tarfile.USTAR_FORMAT:  # no unicode, and long names only with a short base name
        members = [(i, d) for i, d in members if "long-" not in i.name and i.name.isascii()]
    data = _archive(fmt, members)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        expected = [
            (m.name, m.type, m.size, m.mode, m.mtime, m.linkname, m.offset, m.offset_data)
            for m in tar.getmembers()
        ]
        contents = [tar.extractfile(m).read() if m.isreg() else b"" for m in tar.getmembers()]
    got = _read_all(TarStream(_Trickle(data, step), chunk_size=4096))
    assert [
        (i.name, i.type, i.size, i.mode, i.mtime, i.linkname, i.offset, i.offset_data)
        for i, _ in got
    ] == expected
    assert [content for _, content in got] == contents


def test_unread_data_is_skipped() -> None:
    data = _archive(tarfile.PAX_FORMAT, _members())
    names = [info.name for info in TarStream(io.BytesIO(data))]
    assert names[-1].endswith("leaf.txt") and len(names) == len(_members())


def test_cut_inside_a_file_is_truncated() -> None:
    data = _archive(tarfile.PAX_FORMAT, _members())
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        cut = tar.getmember("./a/" + "long-" * 30 + "name.bin").offset_data + 10
    with pytest.raises(TruncatedArchive, match="middle of a file"):
        _read_all(TarStream(io.BytesIO(data[:cut])))


def test_cut_inside_a_header_is_truncated() -> None:
    data = _archive(tarfile.PAX_FORMAT, _members())
    with pytest.raises(TruncatedArchive, match="header"):
        _read_all(TarStream(io.BytesIO(data[:1700])))


def test_damaged_header_is_refused() -> None:
    data = bytearray(_archive(tarfile.PAX_FORMAT, _members()))
    data[1024 + 10] ^= 0xFF  # the first real header (after a PAX one): its checksum fails
    with pytest.raises(TarFormatError):
        _read_all(TarStream(io.BytesIO(bytes(data))))


def test_end_without_zero_blocks_is_an_end() -> None:
    """As tarfile reads it: the expectations, not the parser, then say what is missing."""
    data = _archive(tarfile.PAX_FORMAT, _members()[:3])
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        end = tar.getmembers()[-1].offset_data + 1024
    assert len(_read_all(TarStream(io.BytesIO(data[:end])))) == 3


def test_sparse_members_are_refused() -> None:
    info = tarfile.TarInfo("./sparse")
    info.type = tarfile.GNUTYPE_SPARSE
    block = info.tobuf(tarfile.GNU_FORMAT)
    with pytest.raises(TarFormatError, match="sparse"):
        list(TarStream(io.BytesIO(block + bytes(1024))))


def test_huge_extended_header_is_refused() -> None:
    info = tarfile.TarInfo("././@PaxHeader")
    info.type = tarfile.XHDTYPE
    info.size = 64 << 20
    with pytest.raises(TarFormatError, match="extended header"):
        list(TarStream(io.BytesIO(info.tobuf(tarfile.USTAR_FORMAT))))


def test_pax_records() -> None:
    assert parse_pax(b"18 path=a/b/c.txt\n11 size=42\n") == {"path": "a/b/c.txt", "size": "42"}
    for bad in (b"99 path=x\n", b"x path=y\n", b"10 pathx\n"):
        with pytest.raises(TarFormatError):
            parse_pax(bad)


def test_fast_header_parse_is_frombuf() -> None:
    """``parse_header`` reads what ``TarInfo.frombuf`` reads, on every format it takes."""
    for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT, tarfile.USTAR_FORMAT):
        members = [(i, d) for i, d in _members() if "long-" not in i.name and i.name.isascii()]
        data = _archive(fmt, members)
        for offset in range(0, len(data), 512):
            block = data[offset : offset + 512]
            try:
                expected = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
            except tarfile.HeaderError:
                continue  # data blocks and the end marker
            got = parse_header(block)
            fields = ("name", "type", "size", "mode", "mtime", "linkname", "chksum")
            assert [getattr(got, f) for f in fields] == [getattr(expected, f) for f in fields]
