"""Safety rules and streaming per-file hashing for model archives (PROTOCOL.md 7, 9).

The official client skips unsafe tar members with a warning (PROTOCOL.md 9); we
refuse the whole archive instead, because a model with silently missing files
is worse than no model. The registry checks every pushed archive with these
rules, and the client's pull applies the same ones, so both ends agree on what
a "safe" archive is.

Rules, per member (``safe_member_path``): no absolute paths, no ``..``, no
backslashes or drive letters (they mean something else on Windows), no devices
or FIFOs, symlinks only when their target stays inside the root, and hard
links only to a regular file stored earlier in the same archive. The official
client archives a folder with ``tar.add``, which stores a second path to the
same inode as a hard link; its own extractor turns those into copies, and so
do we: a hard link is listed as a file of its own, with its target's bytes.

Across members (``MemberGuard``): no duplicate names, no member below a
symlink or a regular file, and no symlink whose target passes through another
symlink (a lexical check can be fooled by ``a -> .`` followed by ``b -> a/..``).

Symlinks that stay inside the root are allowed, as bentoml stores them, but
they are not in the file list: the list names regular files only, the bytes a
checksum can vouch for. Directories are allowed and not listed either.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import tarfile
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import BinaryIO

from bentosync.core.errors import UnsafeArchive
from bentosync.core.filelist import FileEntry, sorted_entries
from bentosync.core.tarstream import TarFormatError, TarStream, TruncatedArchive, uncompressed

logger = logging.getLogger(__name__)

READ_SIZE = 1024 * 1024
# Captured files (model.yaml) are small; a larger one is hashed but not kept.
MAX_CAPTURE_BYTES = 4 * 1024 * 1024


def _split(path: str, what: str, shown: str) -> list[str]:
    """Path components without empty and ``.`` parts; refuses anything ambiguous."""
    if "\x00" in path:
        raise UnsafeArchive(f"{what} {shown!r} contains a NUL character.")
    if "\\" in path:
        raise UnsafeArchive(f"{what} {shown!r} contains a backslash (a separator on Windows).")
    if path.startswith("/"):
        raise UnsafeArchive(f"{what} {shown!r} is an absolute path.")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if parts and len(parts[0]) == 2 and parts[0][1] == ":" and parts[0][0].isalpha():
        raise UnsafeArchive(f"{what} {shown!r} starts with a drive letter.")
    return parts


def safe_member_path(member: tarfile.TarInfo) -> str:
    """The member's path relative to the archive root, or raise UnsafeArchive.

    ``./sub/x.bin`` becomes ``sub/x.bin``; the root entry (``.`` or ``./``)
    becomes ``""``. Only regular files, directories and inward symlinks pass.
    """
    parts = _split(member.name, "Archive member", member.name)
    if ".." in parts:
        raise UnsafeArchive(f"Archive member {member.name!r} climbs out of the model folder.")
    path = "/".join(parts)
    if member.isdir() or member.isfile():
        return path
    if member.issym():
        if not path:
            raise UnsafeArchive("The archive root is a symlink.")
        target = member.linkname
        if not target:
            raise UnsafeArchive(f"Symlink {path!r} has an empty target.")
        _split(target, f"Target of symlink {path!r}:", target)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if resolved == ".." or resolved.startswith("../"):
            raise UnsafeArchive(f"Symlink {path!r} points outside the model folder ({target!r}).")
        return path
    if member.islnk():
        if not path:
            raise UnsafeArchive("The archive root is a hard link.")
        hardlink_target(member)
        return path
    if member.ischr() or member.isblk():
        raise UnsafeArchive(f"Archive member {path!r} is a device file.")
    if member.isfifo():
        raise UnsafeArchive(f"Archive member {path!r} is a FIFO.")
    raise UnsafeArchive(f"Archive member {path!r} has an unsupported type {member.type!r}.")


def hardlink_target(member: tarfile.TarInfo) -> str:
    """The archive path a hard link member points to, or raise UnsafeArchive.

    Tar names a hard link's target from the archive root (``./weights.bin``),
    not from the link's folder.
    """
    shown = member.linkname
    parts = _split(shown, f"Target of hard link {member.name!r}:", shown)
    if not parts or ".." in parts:
        raise UnsafeArchive(
            f"Hard link {member.name!r} points outside the model folder ({shown!r})."
        )
    return "/".join(parts)


@dataclass
class MemberGuard:
    """The rules that need the whole archive: duplicates and symlink traversal.

    Feed every member to ``check`` in archive order, then call ``finish``.
    """

    _kinds: dict[str, str] = field(default_factory=dict)  # path -> "dir" | "file" | "link"
    _links: dict[str, str] = field(default_factory=dict)  # link path -> raw target

    @property
    def links(self) -> dict[str, str]:
        """Every symlink seen so far: its path and raw target."""
        return dict(self._links)

    def check(self, member: tarfile.TarInfo) -> str:
        path = safe_member_path(member)
        if not path:
            if self._kinds.get(""):
                raise UnsafeArchive("The archive has two root entries.")
            self._kinds[""] = "dir"
            return path
        kind = "dir" if member.isdir() else "link" if member.issym() else "file"
        parents = path.split("/")[:-1]
        for depth in range(1, len(parents) + 1):
            parent = "/".join(parents[:depth])
            seen = self._kinds.get(parent)
            if seen in ("file", "link"):
                raise UnsafeArchive(f"Archive member {path!r} lies below the {seen} {parent!r}.")
            self._kinds.setdefault(parent, "implied-dir")
        seen = self._kinds.get(path)
        if seen == "implied-dir" and kind == "dir":
            pass  # a directory entry after its own contents: unusual but harmless
        elif seen == "implied-dir":
            raise UnsafeArchive(f"Archive member {path!r} clashes with a folder of that name.")
        elif seen is not None:
            raise UnsafeArchive(f"The archive holds {path!r} more than once.")
        self._kinds[path] = kind
        if kind == "link":
            self._links[path] = member.linkname
        return path

    def finish(self) -> None:
        """Refuse symlinks whose target walks through another symlink."""
        for path, target in self._links.items():
            stack = path.split("/")[:-1]
            components = [c for c in target.split("/") if c not in ("", ".")]
            for index, component in enumerate(components):
                if component == "..":
                    if not stack:
                        raise UnsafeArchive(f"Symlink {path!r} points outside the model folder.")
                    stack.pop()
                    continue
                stack.append(component)
                last = index == len(components) - 1
                if not last and self._kinds.get("/".join(stack)) == "link":
                    raise UnsafeArchive(
                        f"Symlink {path!r} points through another symlink ({'/'.join(stack)!r})."
                    )


@dataclass(frozen=True)
class ArchiveScan:
    """What one pass over an archive found: the file list and a few small files.

    ``linked_bytes`` is the size of the files that the archive's symlinks point
    at, counted once per symlink: bentoml's ``size_bytes`` includes them
    (``adds_up``).
    """

    files: list[FileEntry]
    captured: dict[str, bytes]
    linked_bytes: int = 0


def adds_up(regular: int, linked: int, announced: int) -> bool:
    """Whether files of ``regular`` bytes are all a manifest's ``size_bytes`` announced.

    bentoml sums ``Path.stat()`` over ``Path.glob("**/*")`` where ``is_file()``,
    which follows a symlink to a file: its total counts such a file once more
    per symlink. Either total is accepted; 0 means "not stated".
    """
    return announced <= 0 or announced in (regular, regular + linked)


def linked_file_bytes(links: dict[str, str], sizes: dict[str, int]) -> int:
    """The bytes of the regular files that ``links`` (path -> raw target) resolve to."""
    total = 0
    for path in links:
        current = path
        for _ in range(40):  # as the kernel's own limit on symlink chains
            target = links.get(current)
            if target is None:
                total += sizes.get(current, 0)  # a folder or nothing counts nothing
                break
            current = posixpath.normpath(posixpath.join(posixpath.dirname(current), target))
    return total


def scan_tar_stream(
    fileobj: BinaryIO, *, capture: Collection[str] = (), bufsize: int = READ_SIZE
) -> ArchiveScan:
    """Read a tar stream once (plain, gzip, bz2 or xz), checking and hashing every file.

    The archive is read front to back and never held in memory: 1 MiB at a time
    goes through sha256, and the member bytes are hashed where they were read
    (``TarStream``), so the cost per member stays a header parse, even for
    archives of tens of thousands of small files. Files named in ``capture``
    (e.g. ``model.yaml``) are kept in memory too, if small. Raises UnsafeArchive
    for unsafe or unreadable archives.
    """
    guard = MemberGuard()
    current = ""
    entries: list[FileEntry] = []
    captured: dict[str, bytes] = {}
    try:
        tar = TarStream(uncompressed(fileobj)[0], bufsize)
        by_path: dict[str, FileEntry] = {}
        for member in tar:
            path = guard.check(member)
            current = path
            if member.islnk():
                entry = _hardlink_copy(member, path, by_path)
                entries.append(entry)
                by_path[path] = entry
                target = hardlink_target(member)
                if path in capture and target in captured:
                    captured[path] = captured[target]
                continue
            if not member.isfile():
                continue
            keep = path in capture and member.size <= MAX_CAPTURE_BYTES
            digest = hashlib.sha256()
            kept: list[bytes] = []
            for chunk in tar.data():
                digest.update(chunk)
                if keep:
                    kept.append(bytes(chunk))
            if keep:
                captured[path] = b"".join(kept)
            entries.append(FileEntry(path, member.size, digest.hexdigest()))
            by_path[path] = entries[-1]
        guard.finish()
    except TruncatedArchive as exc:
        if exc.member is None:
            raise UnsafeArchive(f"Not a readable tar archive: {exc}") from exc
        raise UnsafeArchive(f"Archive member {current!r} is truncated.") from exc
    except TarFormatError as exc:
        raise UnsafeArchive(f"Not a readable tar archive: {exc}") from exc
    sizes = {entry.path: entry.size for entry in entries}
    return ArchiveScan(sorted_entries(entries), captured, linked_file_bytes(guard.links, sizes))


def _hardlink_copy(member: tarfile.TarInfo, path: str, earlier: dict[str, FileEntry]) -> FileEntry:
    """The entry of a hard link, which becomes a copy of the earlier file it names."""
    target = hardlink_target(member)
    entry = earlier.get(target)
    if entry is None:
        raise UnsafeArchive(
            f"Hard link {path!r} points to {target!r}, which is not a file stored earlier "
            "in the archive."
        )
    return FileEntry(path, entry.size, entry.sha256)


def hash_tar_stream(fileobj: BinaryIO) -> list[FileEntry]:
    """The checked file list of a tar stream: regular files only, sorted by path."""
    return scan_tar_stream(fileobj).files
