"""Reading a tar archive as it streams in, one member at a time, at a constant cost per member.

``tarfile``'s stream mode (``r|``) copies its whole read buffer on every small
read: with the 1 MiB buffer a download needs, each 512-byte header costs a
megabyte of ``memcpy``, and a model of 20,000 small files spent more time there
than on the network. Its random-access mode needs a seekable file, which a
download is not. This reader parses the same formats (ustar, PAX, GNU long
names) with ``TarInfo.frombuf`` for the header block itself, hands out member
bytes as views of the chunks it received (no copy), and never holds more than
one chunk, whatever the member count.

Members come out as ``tarfile.TarInfo`` objects with ``offset`` (the first
header block, PAX or GNU blocks included) and ``offset_data`` set relative to
the start of the stream, as tarfile sets them, so the archive rules in
``core/archive.py`` apply to them unchanged.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import tarfile
import zlib
from collections.abc import Iterator
from typing import IO, Protocol, cast

BLOCK = tarfile.BLOCKSIZE
CHUNK = 1 << 20
ENCODING = "utf-8"
ERRORS = "surrogateescape"
# Types whose size field counts data blocks; tarfile skips data for the rest.
_DATA_TYPES = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.CONTTYPE)
_PAX_TYPES = (tarfile.XHDTYPE, tarfile.SOLARIS_XHDTYPE)
_GNU_NAME_TYPES = (tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)
# Meta members are small; anything bigger is a damaged or hostile archive.
MAX_META_SIZE = 1 << 20


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class TarFormatError(Exception):
    """The bytes are not a tar archive, or not a whole one."""


class TruncatedArchive(TarFormatError):
    """The stream ended inside a member (a header or its data)."""

    def __init__(self, message: str, member: str | None = None) -> None:
        super().__init__(message)
        self.member = member


def _padded(size: int) -> int:
    return -(-size // BLOCK) * BLOCK


def parse_pax(data: bytes) -> dict[str, str]:
    """The records of a PAX extended header (``"<len> <key>=<value>\\n"`` each)."""
    records: dict[str, str] = {}
    pos = 0
    while pos < len(data) and data[pos] != 0:
        space = data.find(b" ", pos)
        try:
            length = int(data[pos:space]) if space > pos else 0
        except ValueError:
            length = 0
        end = pos + length
        if length <= 0 or end > len(data) or data[end - 1 : end] != b"\n":
            raise TarFormatError("The archive holds a damaged PAX header.")
        key, equals, value = data[space + 1 : end - 1].partition(b"=")
        if not equals:
            raise TarFormatError("The archive holds a damaged PAX header.")
        records[key.decode(ENCODING, ERRORS)] = value.decode(ENCODING, ERRORS)
        pos = end
    return records


_MAGICS = (tarfile.POSIX_MAGIC, tarfile.GNU_MAGIC)  # b"ustar\x0000", b"ustar  \x00"
_BASE256 = (0o200, 0o377)  # the first byte of a GNU base-256 number field


def _octal(field: bytes) -> int:
    digits = field.split(b"\0", 1)[0].strip()
    return int(digits, 8) if digits else 0


def _text(field: bytes) -> str:
    return field.split(b"\0", 1)[0].decode(ENCODING, ERRORS)


def parse_header(block: bytes) -> tarfile.TarInfo:
    """``TarInfo.frombuf`` for the fields a model archive uses, a few times faster.

    ``frombuf`` decodes every field of every header (owner names, device numbers)
    through generic helpers; at 20,000 members that was a tenth of a pull. A
    ustar or GNU header with octal numbers and an unsigned checksum is read here;
    anything else (and every error) is left to ``frombuf``.
    """
    magic = block[257:265]
    if (
        len(block) != BLOCK
        or magic not in _MAGICS
        or block[124] in _BASE256
        or block[136] in _BASE256
    ):
        return tarfile.TarInfo.frombuf(block, ENCODING, ERRORS)
    try:
        checksum = _octal(block[148:156])
        size = _octal(block[124:136])
        mtime = _octal(block[136:148])
        mode = _octal(block[100:108])
    except ValueError:
        return tarfile.TarInfo.frombuf(block, ENCODING, ERRORS)  # it says what is wrong
    if checksum != 256 + sum(block[:148]) + sum(block[156:]):
        return tarfile.TarInfo.frombuf(block, ENCODING, ERRORS)  # signed sums, or an error
    info = tarfile.TarInfo(_text(block[0:100]))
    info.mode = mode
    info.size = size
    info.mtime = mtime
    info.chksum = checksum
    info.type = block[156:157]
    info.linkname = _text(block[157:257])
    if info.type == tarfile.AREGTYPE and info.name.endswith("/"):
        info.type = tarfile.DIRTYPE  # the old V7 way to store a folder
    if info.type == tarfile.GNUTYPE_SPARSE:
        return tarfile.TarInfo.frombuf(block, ENCODING, ERRORS)  # for its map of holes
    if info.isdir():
        info.name = info.name.rstrip("/")
    prefix = _text(block[345:500])
    if prefix and info.type not in tarfile.GNU_TYPES:
        info.name = prefix + "/" + info.name
    return info


def _apply_pax(info: tarfile.TarInfo, pax: dict[str, str]) -> None:
    """What tarfile's ``_apply_pax_info`` does for the fields a model archive can use."""
    if any(key.startswith("GNU.sparse.") for key in pax):
        raise TarFormatError(f"The archive holds a sparse file ({info.name!r}).")
    if "path" in pax:
        info.name = pax["path"].rstrip("/")
    if "linkpath" in pax:
        info.linkname = pax["linkpath"]
    for key, convert in (("size", int), ("mtime", float), ("uid", int), ("gid", int)):
        if key in pax:
            try:
                setattr(info, key, convert(pax[key]))
            except ValueError:
                setattr(info, key, 0)
    info.pax_headers = dict(pax)


class TarStream:
    """The members of one tar stream, in order; read each member's data before the next.

    Iterating yields ``TarInfo`` objects. ``data()`` then yields the current
    member's bytes (a regular file's); whatever is left unread is skipped when
    the next member is asked for.
    """

    def __init__(self, raw: Readable, chunk_size: int = CHUNK) -> None:
        self._raw = raw
        # A source that can lend its buffers (the registry's upload feed) is read without
        # a copy; the view is used up before the next call, as such a source requires.
        self._read_view = getattr(raw, "read_view", None)
        self._chunk_size = chunk_size
        self._view = memoryview(b"")
        self._offset = 0  # bytes consumed from the stream
        self._unread = 0  # data bytes of the current member not yet handed out
        self._padding = 0
        self._global: dict[str, str] = {}
        self._name: str | None = None  # the current member's
        self.ended = False

    @property
    def offset(self) -> int:
        return self._offset

    # ---- bytes ---------------------------------------------------------------------

    def _take(self, limit: int) -> memoryview:
        """Up to ``limit`` bytes (at least one unless the stream ended), without a copy."""
        if not self._view:
            if self._read_view is not None:
                self._view = self._read_view(self._chunk_size)
            else:
                self._view = memoryview(self._raw.read(self._chunk_size))
            if not self._view:
                return self._view
        piece = self._view[:limit]
        self._view = self._view[len(piece) :]
        self._offset += len(piece)
        return piece

    def _read_exact(self, size: int, what: str) -> bytes:
        if len(self._view) >= size:  # the usual case: the block sits in the current chunk
            data = self._view[:size].tobytes()
            self._view = self._view[size:]
            self._offset += size
            return data
        pieces = []
        wanted = size
        while wanted:
            piece = self._take(wanted)
            if not piece:
                raise TruncatedArchive(f"The archive ended in the middle of {what}.")
            pieces.append(piece)
            wanted -= len(piece)
        return b"".join(pieces)

    def _skip(self, size: int, what: str) -> None:
        while size:
            piece = self._take(size)
            if not piece:
                raise TruncatedArchive(f"The archive ended in the middle of {what}.")
            size -= len(piece)

    # ---- members -------------------------------------------------------------------

    def __iter__(self) -> Iterator[tarfile.TarInfo]:
        while True:
            info = self.next()
            if info is None:
                return
            yield info

    def next(self) -> tarfile.TarInfo | None:
        """The next member, or None at the end of the archive."""
        if self.ended:
            return None
        self._skip(self._unread + self._padding, "a file")
        self._unread = self._padding = 0
        start = self._offset
        pax: dict[str, str] = {}
        long_name: str | None = None
        long_link: str | None = None
        while True:
            block = self._read_exact_or_end(start)
            if block is None:
                self.ended = True
                return None
            try:
                info = parse_header(block)
            except tarfile.EOFHeaderError:  # type: ignore[attr-defined]  # not in typeshed
                if self._offset - BLOCK != start:  # a zero block after a PAX or GNU header
                    raise TarFormatError(
                        "The archive has an empty header after a long name."
                    ) from None
                self.ended = True
                return None
            except tarfile.HeaderError as exc:
                raise TarFormatError(f"The archive has a damaged header: {exc}.") from None
            if info.type in _PAX_TYPES or info.type == tarfile.XGLTYPE:
                records = parse_pax(self._meta(info))
                if info.type == tarfile.XGLTYPE:
                    self._global.update(records)
                else:
                    pax.update(records)
                continue
            if info.type in _GNU_NAME_TYPES:
                value = tarfile.nts(self._meta(info), ENCODING, ERRORS)  # type: ignore[attr-defined]
                if info.type == tarfile.GNUTYPE_LONGNAME:
                    long_name = value
                else:
                    long_link = value
                continue
            break
        if self._global or pax:
            _apply_pax(info, {**self._global, **pax})
        if long_name is not None:
            info.name = long_name.rstrip("/") if info.isdir() else long_name
        if long_link is not None:
            info.linkname = long_link
        if info.type == tarfile.GNUTYPE_SPARSE:
            raise TarFormatError(f"The archive holds a sparse file ({info.name!r}).")
        info.offset = start
        info.offset_data = self._offset
        self._name = info.name
        if info.type in _DATA_TYPES or info.type not in tarfile.SUPPORTED_TYPES:
            self._unread = info.size
            self._padding = _padded(info.size) - info.size
        return info

    def _read_exact_or_end(self, member_start: int) -> bytes | None:
        """One header block; None where the stream ends cleanly between members."""
        first = self._take(BLOCK)
        if not first:
            if self._offset == 0:
                raise TarFormatError("The archive is empty.")
            if self._offset == member_start:
                return None  # tarfile accepts an archive without its closing zero blocks
            raise TruncatedArchive("The archive ended in the middle of a header.")
        if len(first) == BLOCK:
            return first.tobytes()
        return first.tobytes() + self._read_exact(BLOCK - len(first), "a header")

    def _meta(self, info: tarfile.TarInfo) -> bytes:
        if info.size > MAX_META_SIZE:
            raise TarFormatError(f"The archive has an extended header of {info.size} bytes.")
        data = self._read_exact(info.size, "an extended header")
        self._skip(_padded(info.size) - info.size, "an extended header")
        return data

    def data(self, limit: int | None = None) -> Iterator[memoryview]:
        """The current member's remaining bytes, in pieces of at most ``limit`` (a chunk).

        Pieces are views of the received chunk: use them before asking for more.
        """
        step = limit or self._chunk_size
        while self._unread:
            piece = self._take(min(step, self._unread))
            if not piece:
                raise TruncatedArchive("The archive ended in the middle of a file.", self._name)
            self._unread -= len(piece)
            yield piece


# What old clients' compressed archives start with.
COMPRESSED_MAGIC = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")


def uncompressed(raw: Readable) -> tuple[Readable, bool]:
    """The tar bytes of ``raw``, decompressed if it is a ``.tar.gz``, ``.bz2`` or ``.xz``.

    Returns the stream and whether it was compressed (its offsets then do not
    map to the tar's). Decompressor errors come out as ``TarFormatError``.
    """
    head = b""
    while len(head) < 6:
        more = raw.read(6 - len(head))
        if not more:
            break
        head += more
    stream = _Prefixed(head, raw)
    if head.startswith(b"\x1f\x8b"):
        return _Decompressed(gzip.GzipFile(fileobj=cast(IO[bytes], stream), mode="rb")), True
    if head.startswith(b"BZh"):
        return _Decompressed(bz2.BZ2File(cast(IO[bytes], stream), mode="rb")), True
    if head.startswith(b"\xfd7zXZ\x00"):
        return _Decompressed(lzma.LZMAFile(cast(IO[bytes], stream), mode="rb")), True
    return stream, False


class _Prefixed:
    """``head`` (read already, to sniff the format), then the rest of ``stream``."""

    def __init__(self, head: bytes, stream: Readable) -> None:
        self.head = head
        self.stream = stream

    def read(self, size: int = -1, /) -> bytes:
        if self.head:
            cut = len(self.head) if size < 0 else size
            head, self.head = self.head[:cut], self.head[cut:]
            return head
        return self.stream.read(size)

    def read_view(self, size: int) -> memoryview:
        """The source's own ``read_view`` when it has one (see ``TarStream``)."""
        read_view = getattr(self.stream, "read_view", None)
        if self.head or read_view is None:
            return memoryview(self.read(size))
        return memoryview(read_view(size))


class _Decompressed:
    """A decompressing reader whose errors say that the archive is damaged or cut short."""

    def __init__(self, reader: bz2.BZ2File | gzip.GzipFile | lzma.LZMAFile) -> None:
        self.reader = reader

    def read(self, size: int = -1, /) -> bytes:
        try:
            return bytes(self.reader.read(size))
        except EOFError as exc:
            raise TruncatedArchive(f"The compressed archive ends early ({exc}).") from exc
        except (OSError, zlib.error, lzma.LZMAError) as exc:
            raise TarFormatError(f"The compressed archive is damaged ({exc}).") from exc
