"""The archive check that stands between "bytes received" and ``success``.

One streamed pass over the archive (``core.archive.scan_tar_stream``) gives the
safety verdict and every file's sha256. Then: model.yaml must name the record's
own tag (else a pull would install a different model than the one asked for,
PROTOCOL.md 10.3), and the files must match the list sent with create-model
exactly. An archive pushed without a list (the official client) gets the
computed list stored, so every successful model on this registry has checksums.

For uploads that arrive as one request body the check runs *while* the bytes
arrive, on the chunks the writer has just written (``chunkfeed``): the
official client waits only 60 s for the answer after its last byte, too short
to re-read a large model afterwards.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import yaml

from bentosync.core.archive import ArchiveScan, adds_up, scan_tar_stream
from bentosync.core.errors import BentoSyncError, UnsafeArchive
from bentosync.core.filelist import Checksums, FileEntry, checksums_from_manifest
from bentosync.core.modelinfo import MODEL_YAML, parse_model_info
from bentosync.registry.blobs import StagedArchive
from bentosync.registry.catalog import ModelRecord
from bentosync.registry.chunkfeed import ChunkFeed
from bentosync.registry.segments import SegmentReader

logger = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 5


@dataclass(frozen=True)
class Verdict:
    """Either ``files`` (the checked list) or ``reason`` (why the upload failed)."""

    files: list[FileEntry] | None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.files is not None


def judge(scan: ArchiveScan, model: ModelRecord) -> Verdict:
    """Compare one scan with the record: model.yaml's tag, then the file list."""
    raw = scan.captured.get(MODEL_YAML)
    if raw is None:
        return Verdict(None, f"The archive has no {MODEL_YAML} at its root.")
    try:
        info = parse_model_info(yaml.safe_load(raw.decode("utf-8")), MODEL_YAML)
    except (BentoSyncError, yaml.YAMLError, UnicodeDecodeError) as exc:
        return Verdict(None, f"The archive's {MODEL_YAML} is not valid: {exc}")
    if (info.name, info.version) != (model.repository_name, model.version):
        return Verdict(None, f"The archive's {MODEL_YAML} describes {info.tag}, not {model.tag}.")
    expected = checksums_from_manifest(model.manifest) if model.list_from_client else None
    if expected is None:
        return _judge_size(scan, model)
    if expected.files is None:
        if expected.matches(scan.files):
            return Verdict(scan.files)
        found = Checksums.of(scan.files)
        return Verdict(
            None,
            "The archive does not match the whole-model checksum: it holds "
            f"{found.count} files of {found.size} bytes, the checksums were made for "
            f"{expected.count} files of {expected.size} bytes.",
        )
    problems = compare(list(expected.files), scan.files)
    if problems:
        shown = "; ".join(problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        suffix = f"; and {more} more" if more > 0 else ""
        return Verdict(None, f"The archive does not match the file list: {shown}{suffix}.")
    return Verdict(scan.files)


def _judge_size(scan: ArchiveScan, model: ModelRecord) -> Verdict:
    """Without checksums from the client, the files must add up to ``size_bytes``.

    The checksums computed here become what every pull trusts, so an archive
    that lacks whole files (a tar cut at a member boundary is still a valid
    tar) must not get them.
    """
    announced = int(model.manifest.get("size_bytes") or 0)
    regular = sum(entry.size for entry in scan.files)
    if adds_up(regular, scan.linked_bytes, announced):
        return Verdict(scan.files)
    return Verdict(
        None,
        f"The archive holds {len(scan.files)} files of {regular:,} bytes, but the manifest "
        f"announces {announced:,} bytes: files are missing.",
    )


def compare(expected: list[FileEntry], actual: list[FileEntry]) -> list[str]:
    """One message per file that differs, naming it; empty when they agree."""
    want = {entry.path: entry for entry in expected}
    have = {entry.path: entry for entry in actual}
    problems = []
    for path in sorted(want.keys() | have.keys()):
        wanted, got = want.get(path), have.get(path)
        if got is None:
            problems.append(f"file {path} is missing from the archive")
        elif wanted is None:
            problems.append(f"file {path} is in the archive but not in the file list")
        elif wanted.size != got.size:
            problems.append(f"file {path} has {got.size} bytes, the list says {wanted.size}")
        elif wanted.sha256 != got.sha256:
            problems.append(
                f"file {path} has sha256 {got.sha256[:12]}…, the list says {wanted.sha256[:12]}…"
            )
    return problems


def scan_staged(staged: StagedArchive) -> ArchiveScan | UnsafeArchive:
    """The verdict on a staged archive (one file or its parts), never raising UnsafeArchive."""
    joined = staged.open()
    try:
        return scan_tar_stream(SegmentReader(joined), capture=(MODEL_YAML,))  # type: ignore[arg-type]
    except UnsafeArchive as exc:
        return exc
    finally:
        joined.close()


class StreamVerifier:
    """Runs the scan in its own thread on the chunks of a body as they arrive."""

    def __init__(self) -> None:
        self.reader = ChunkFeed()
        self._scan: ArchiveScan | None = None
        self._error: UnsafeArchive | None = None
        self._thread = threading.Thread(target=self._run, name="archive-check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._scan = scan_tar_stream(self.reader, capture=(MODEL_YAML,))  # type: ignore[arg-type]
        except UnsafeArchive as exc:
            self._error = exc
        except Exception as exc:  # pragma: no cover - a bug, reported as a failed check
            logger.exception("Archive check crashed")
            self._error = UnsafeArchive(f"The archive check failed: {exc}")
        finally:
            self.reader.close()

    @property
    def failed(self) -> bool:
        """True once the scan has already refused the archive (the rest can be skipped)."""
        return self._error is not None

    def finish(self) -> ArchiveScan:
        """Wait for the scan after the last byte; raises UnsafeArchive on a bad archive."""
        self.reader.close_writer()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._scan is not None
        return self._scan

    def abort(self) -> None:
        self.reader.abort()
        self._thread.join()
