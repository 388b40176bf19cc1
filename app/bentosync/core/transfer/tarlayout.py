"""The push archive as a "virtual tar": any byte range, produced on demand from the files.

The archive is laid out exactly like the official client's (PROTOCOL.md 7):
an uncompressed tar as ``tarfile.open(mode="w:")`` + ``tar.add(dir, arcname="./")``
writes it, PAX format, ``./`` first, each directory's names sorted, depth
first, two zero blocks at the end and the total padded to a multiple of
``tarfile.RECORDSIZE``. Every header is made by ``TarInfo.tobuf`` in PAX
format, so Python's tarfile and GNU tar read it like any other archive.

Headers are stable, so that the same files always give the same bytes, on any
machine, and a resumed multipart upload can prove that the parts it already
sent still belong to the archive (``TarLayout.fingerprint``):

* name: ``./`` for the folder, ``./<relative path>`` (``/`` appended for dirs).
* mode: the permission bits (``st_mode & 0o777``); setuid, setgid and sticky
  bits are dropped, since they mean nothing in a model and no puller should
  restore them.
* mtime: whole seconds. The official client writes a float, which costs every
  member an extra PAX record; bentoml's pull restores the mtime and nothing
  else, and sub-second precision buys a model nothing.
* uid and gid 0, uname and gname empty: the archive goes to a shared registry,
  and the local account name would both leak and make two colleagues' pushes
  of the same files differ. Pullers write files as themselves anyway.
* Symlinks inside the folder are symlink members (size 0), as in the official
  archive; anything else is refused by ``manifest.walk_tree``, the same walk
  the file list comes from. Hard links are regular members with their own
  bytes (the official archive makes them tar hard links; pullers copy them).

Only headers live in memory. File bytes are read from disk when a range asks
for them, and a file whose size, mtime or inode differs from the layout's
raises ``FileChanged`` rather than sending a corrupt archive.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tarfile
import threading
from bisect import bisect_right
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from bentosync.core.errors import BentoSyncError, Cancelled
from bentosync.core.manifest import (
    EntryKind,
    FileChanged,
    LocalFile,
    TreeEntry,
    advise_sequential,
    walk_tree,
)

logger = logging.getLogger(__name__)

BLOCKSIZE = tarfile.BLOCKSIZE  # 512
RECORDSIZE = tarfile.RECORDSIZE  # 10240
CHUNK_SIZE = 1024 * 1024
ENCODING = "utf-8"  # fixed, not the machine's filesystem encoding: same bytes everywhere
MODE_MASK = 0o777

_ZEROS = bytes(RECORDSIZE)
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_HEADER, _DATA, _ZERO = 0, 1, 2


def _padded(size: int) -> int:
    return -(-size // BLOCKSIZE) * BLOCKSIZE


class TarMember(NamedTuple):
    """One archive member and where its header and data sit in the archive.

    A named tuple (see ``LocalFile``): a layout makes one per file.
    """

    name: str  # the arcname tar.add uses: "./", "./model.yaml", "./sub" (read back as ".")
    path: str  # POSIX, relative to the folder; "" for the folder itself
    kind: EntryKind
    source: str  # the absolute path on disk
    header_offset: int
    data_offset: int
    size: int  # data bytes: 0 for folders and symlinks
    file: LocalFile | None = None  # regular files: the identity checked when read
    header: bytes = b""

    @property
    def end(self) -> int:
        """Offset just past this member's data padding."""
        return self.data_offset + _padded(self.size)

    def __repr__(self) -> str:  # without the 512 header bytes
        return f"TarMember(name={self.name!r}, kind={self.kind}, size={self.size})"


@dataclass(frozen=True)
class FileSpan:
    """``length`` bytes of the file ``path``, starting at ``offset`` within the file."""

    path: str
    offset: int
    length: int


def _tarinfo(entry: TreeEntry) -> tarfile.TarInfo:
    info = tarfile.TarInfo("./" + entry.path)
    info.mode = entry.st.st_mode & MODE_MASK
    info.mtime = entry.st.st_mtime_ns // 1_000_000_000
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if entry.kind is EntryKind.DIR:
        info.type = tarfile.DIRTYPE
    elif entry.kind is EntryKind.SYMLINK:
        info.type = tarfile.SYMTYPE
        info.linkname = entry.link_target or ""
    else:
        info.type = tarfile.REGTYPE
        info.size = entry.st.st_size
    return info


_ZERO_ID = b"0000000\x00"  # uid and gid 0, as itn(0, 8) writes them
_USTAR_LIMIT = 8**11  # sizes and mtimes from here on need a PAX record
_TAIL = bytes(BLOCKSIZE - 265)  # owner names, device numbers and prefix: all empty
_FIXED_SUM = 2 * sum(_ZERO_ID) + sum(b" " * 8) + sum(tarfile.POSIX_MAGIC)


def header_bytes(info: tarfile.TarInfo) -> bytes:
    """``info.tobuf(PAX_FORMAT)``, built directly for the members that need no PAX record.

    ``tobuf`` costs about 20 µs a member, most of it in generic checks; for a model of
    20,000 small files that was a third of laying out the archive. A member with a short
    ASCII name and link target, a size and mtime that fit their octal fields, and the
    empty owner names this layout writes is one ustar block, made here the same way
    (``test_tarlayout`` compares the two byte for byte). Anything else goes to ``tobuf``.
    """
    simple = (
        isinstance(info.mtime, int)
        and info.uid == 0
        and info.gid == 0
        and not info.uname
        and not info.gname
        and not info.pax_headers
        and info.type not in (tarfile.CHRTYPE, tarfile.BLKTYPE)
    )
    header = (
        _ustar_header(info.name, info.linkname, info.mode, info.size, int(info.mtime), info.type)
        if simple
        else None
    )
    if header is None:
        return info.tobuf(tarfile.PAX_FORMAT, ENCODING, "surrogateescape")
    return header


def _ustar_header(
    name: str, link: str, mode: int, size: int, mtime: int, kind: bytes
) -> bytes | None:
    """The one ustar block of a member owned by uid and gid 0 with empty owner names,
    or None when it needs more (a long or non-ASCII name or link, a huge size or mtime)."""
    if kind == tarfile.DIRTYPE and not name.endswith("/"):
        name += "/"
    if not (
        len(name) <= tarfile.LENGTH_NAME
        and len(link) <= tarfile.LENGTH_LINK
        and name.isascii()
        and link.isascii()
        and 0 <= mtime < _USTAR_LIMIT
        and 0 <= size < _USTAR_LIMIT
    ):
        return None
    name_field = name.encode("ascii")
    link_field = link.encode("ascii")
    mode_field = b"%07o\x00" % (mode & 0o7777)
    size_field = b"%011o\x00" % size
    mtime_field = b"%011o\x00" % mtime
    # The checksum counts its own field as spaces; only these parts vary per member.
    checksum = (
        _FIXED_SUM
        + sum(name_field)
        + sum(link_field)
        + sum(mode_field)
        + sum(size_field)
        + sum(mtime_field)
        + kind[0]
    )
    return b"".join(
        (
            name_field.ljust(100, b"\x00"),
            mode_field,
            _ZERO_ID,
            _ZERO_ID,
            size_field,
            mtime_field,
            b"%06o\x00 " % checksum,
            kind,
            link_field.ljust(100, b"\x00"),
            tarfile.POSIX_MAGIC,
            _TAIL,
        )
    )


_KIND_TYPES = {
    EntryKind.DIR: tarfile.DIRTYPE,
    EntryKind.SYMLINK: tarfile.SYMTYPE,
    EntryKind.FILE: tarfile.REGTYPE,
}


def _entry_header(entry: TreeEntry) -> tuple[str, int, bytes]:
    """A walked entry's archive name, data size and header.

    Straight from the entry when one ustar block holds it (no TarInfo: making
    20,000 of them was a sixth of laying out a model of small files), else
    through ``_tarinfo`` and ``header_bytes``, which write PAX records.
    """
    name = "./" + entry.path
    size = entry.st.st_size if entry.kind is EntryKind.FILE else 0
    link = (entry.link_target or "") if entry.kind is EntryKind.SYMLINK else ""
    header = _ustar_header(
        name,
        link,
        entry.st.st_mode & MODE_MASK,
        size,
        entry.st.st_mtime_ns // 1_000_000_000,
        _KIND_TYPES[entry.kind],
    )
    if header is None:
        info = _tarinfo(entry)
        return info.name, info.size, header_bytes(info)
    return name, size, header


class TarLayout:
    """The member table of one model folder's archive; immutable and thread-safe to read."""

    def __init__(self, root: Path, members: list[TarMember]) -> None:
        self.root = root
        self.members: tuple[TarMember, ...] = tuple(members)
        self.data_end = members[-1].end if members else 0
        eoa = self.data_end + 2 * BLOCKSIZE
        self.total_size = -(-eoa // RECORDSIZE) * RECORDSIZE
        # Segments: (start, end, kind, member index); bisect over their starts.
        segs: list[tuple[int, int, int, int]] = []
        for i, m in enumerate(self.members):
            data_offset, data_end = m.data_offset, m.data_offset + m.size
            segs.append((m.header_offset, data_offset, _HEADER, i))
            if m.size:
                segs.append((data_offset, data_end, _DATA, i))
            end = data_offset + _padded(m.size)
            if end > data_end:
                segs.append((data_end, end, _ZERO, i))
        segs.append((self.data_end, self.total_size, _ZERO, -1))
        self._segs = segs
        self._seg_starts = [s[0] for s in segs]
        self._member_starts = [m.header_offset for m in self.members]

    @classmethod
    def from_folder(cls, folder: Path | str) -> TarLayout:
        """Walk ``folder`` once and lay out its archive (headers in memory, no file data)."""
        entries = walk_tree(folder)
        members: list[TarMember] = []
        offset = 0
        for entry in entries:
            name, size, header = _entry_header(entry)
            data_offset = offset + len(header)
            member = TarMember(
                name=name,
                path=entry.path,
                kind=entry.kind,
                source=entry.abspath,
                header_offset=offset,
                data_offset=data_offset,
                size=size,
                file=entry.local_file() if entry.kind is EntryKind.FILE else None,
                header=header,
            )
            members.append(member)
            offset = data_offset + _padded(size)
        layout = cls(Path(entries[0].abspath), members)
        logger.debug("Laid out %s: %d members, %d bytes", folder, len(members), layout.total_size)
        return layout

    # ---- what the archive holds --------------------------------------------------------

    @property
    def files(self) -> list[TarMember]:
        """The regular-file members, in archive order."""
        return [m for m in self.members if m.kind is EntryKind.FILE]

    def local_files(self) -> list[LocalFile]:
        """The regular files, sorted by path: hash these for the manifest so both agree."""
        files = [m.file for m in self.members if m.file is not None]
        return sorted(files, key=lambda f: f.path)

    @property
    def fingerprint(self) -> str:
        """sha256 over every header: equal fingerprints mean equal archives (data aside).

        Headers carry each file's size and mtime, so a resumed upload can compare
        this with the value it journaled before reusing parts already sent.
        """
        digest = hashlib.sha256(str(self.total_size).encode())
        for m in self.members:
            digest.update(m.header)
        return digest.hexdigest()

    # ---- byte ranges -------------------------------------------------------------------

    def _checked(self, start: int, end: int | None) -> tuple[int, int]:
        end = self.total_size if end is None else end
        if not 0 <= start <= end <= self.total_size:
            raise ValueError(
                f"range [{start}, {end}) is outside the archive [0, {self.total_size})"
            )
        return start, end

    def iter_range(
        self,
        start: int = 0,
        end: int | None = None,
        chunk_size: int = CHUNK_SIZE,
        cancel: threading.Event | None = None,
    ) -> Generator[bytes | memoryview, None, None]:
        """The bytes ``[start, end)`` of the archive, in chunks of at most ``chunk_size``.

        File data comes straight from ``read()`` (no copy); headers, padding and
        small files are gathered into chunks so a region of tiny files does not
        become thousands of tiny writes. Yielded chunks are never reused, so a
        caller may keep them. Memory stays at about one chunk per iterator.
        """
        start, end = self._checked(start, end)
        if chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        small = max(1, chunk_size // 4)
        pending = bytearray()
        for piece in self._pieces(start, end, chunk_size, cancel):
            if len(piece) >= small:
                if pending:
                    yield bytes(pending)
                    pending = bytearray()
                yield piece
                continue
            if len(pending) + len(piece) > chunk_size:
                yield bytes(pending)
                pending = bytearray()
            pending += piece
        if pending:
            yield bytes(pending)

    def read_range(self, start: int = 0, end: int | None = None) -> bytes:
        """The bytes ``[start, end)`` in memory: for small ranges and tests, never whole parts."""
        return b"".join(self.iter_range(start, end))

    def _pieces(
        self, start: int, end: int, max_piece: int, cancel: threading.Event | None
    ) -> Iterator[bytes | memoryview]:
        i = bisect_right(self._seg_starts, start) - 1
        pos = start
        while pos < end:
            if cancel is not None and cancel.is_set():
                raise Cancelled("The upload was cancelled.")
            seg_start, seg_end, kind, index = self._segs[i]
            hi = min(seg_end, end)
            if kind == _DATA:
                yield from self._read_file(
                    self.members[index], pos - seg_start, hi - seg_start, max_piece, cancel
                )
            else:
                data = memoryview(self.members[index].header) if kind == _HEADER else None
                at = pos
                while at < hi:
                    n = min(hi - at, max_piece, len(_ZEROS))
                    if data is None:
                        yield memoryview(_ZEROS)[:n]
                    else:
                        yield data[at - seg_start : at - seg_start + n]
                    at += n
            pos = hi
            i += 1

    def _read_file(
        self, member: TarMember, lo: int, hi: int, max_piece: int, cancel: threading.Event | None
    ) -> Iterator[bytes]:
        """Bytes ``[lo, hi)`` of one member's file, refusing a file that is not the one laid out."""
        assert member.file is not None
        if hi - lo <= max_piece:
            yield self._read_whole(member, lo, hi)
            return
        changed = f"file changed while pushing: {member.path}"
        try:
            f = open(member.source, "rb", buffering=0)  # noqa: SIM115 (closed by the with below)
        except FileNotFoundError:
            raise FileChanged(f"{changed} (it was deleted)") from None
        except OSError as exc:
            raise BentoSyncError(f"Cannot read {member.source}: {exc.strerror}.") from exc
        with f:
            if not member.file.unchanged(os.fstat(f.fileno())):
                raise FileChanged(changed)
            advise_sequential(f.fileno(), lo, hi - lo)
            if lo:
                f.seek(lo)
            pos = lo
            while pos < hi:
                if cancel is not None and cancel.is_set():
                    raise Cancelled("The upload was cancelled.")
                want = min(max_piece, hi - pos)
                data = f.read(want)
                while len(data) < want:  # short read: the file shrank, or a rare partial read
                    more = f.read(want - len(data))
                    if not more:
                        raise FileChanged(changed)
                    data += more
                pos += want
                yield data
            if not member.file.unchanged(os.fstat(f.fileno())):
                raise FileChanged(changed)

    @staticmethod
    def _read_whole(member: TarMember, lo: int, hi: int) -> bytes:
        """Bytes ``[lo, hi)`` of a small file in one ``read``: the usual case in a model of
        many small files, where a file object and readahead advice per file cost more
        than the read."""
        assert member.file is not None
        changed = f"file changed while pushing: {member.path}"
        try:
            fd = os.open(member.source, os.O_RDONLY | _O_BINARY)
        except FileNotFoundError:
            raise FileChanged(f"{changed} (it was deleted)") from None
        except OSError as exc:
            raise BentoSyncError(f"Cannot read {member.source}: {exc.strerror}.") from exc
        try:
            # Checked once, after the read: a file changed before it fails the same check.
            if lo:
                os.lseek(fd, lo, os.SEEK_SET)
            data = os.read(fd, hi - lo)
            while len(data) < hi - lo:  # a rare partial read, or a file that shrank
                more = os.read(fd, hi - lo - len(data))
                if not more:
                    raise FileChanged(changed)
                data += more
            if not member.file.unchanged(os.fstat(fd)):
                raise FileChanged(changed)
        finally:
            os.close(fd)
        return data

    def file_spans(self, start: int = 0, end: int | None = None) -> list[FileSpan]:
        """The file bytes a range of the archive carries, to drive per-file progress.

        Lengths sum to the file-data bytes in the range. An empty file appears (with
        length 0) in the range that holds the last byte of its header, so across a
        split of the archive into parts every file shows up and completes exactly once.
        """
        start, end = self._checked(start, end)
        spans: list[FileSpan] = []
        first = max(0, bisect_right(self._member_starts, start) - 1)
        for m in self.members[first:]:
            if m.header_offset >= end:
                break
            if m.kind is not EntryKind.FILE:
                continue
            if m.size == 0:
                if start < m.data_offset <= end:
                    spans.append(FileSpan(m.path, 0, 0))
                continue
            lo = max(start, m.data_offset)
            hi = min(end, m.data_offset + m.size)
            if lo < hi:
                spans.append(FileSpan(m.path, lo - m.data_offset, hi - lo))
        return spans
