"""Pull: cloud model → verified files in staging → one rename into the store.

Differences from ``bentoml models pull`` that matter to users (PROTOCOL.md 10):
``name``/``name:latest`` always asks the server (and takes the newest
*successful* upload); the archive streams straight into a staging folder on
the store's filesystem with MiB reads and per-file sha256; the model.yaml must
name the requested model; interrupted downloads resume with HTTP Range.

As with the official client, ``name:version`` of a version the store already
has returns it without a network call (``--force`` pulls it again), and a
Hugging Face reference, a record with no archive, gives no model.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from bentosync.core.cloud import CloudClient, iter_body
from bentosync.core.cloud_errors import AuthError, ConnectionFailed, ServerError
from bentosync.core.cloud_records import CloudModel
from bentosync.core.errors import (
    BentoSyncError,
    Cancelled,
    InvalidModel,
    ModelNotFound,
    after_cancel,
    keeps_work,
)
from bentosync.core.hashcache import FileIdentity, HashCache, file_identity
from bentosync.core.modelinfo import read_model_info
from bentosync.core.store import LocalModel, LocalStore
from bentosync.core.tags import Tag
from bentosync.core.transfer.extract import CheckpointUpdate, StreamingExtractor
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.phrases import FileReason, Phrase, PhraseKey
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress
from bentosync.core.transfer.retrying import RetryPolicy

logger = logging.getLogger(__name__)

CHUNK = 4 << 20
RESUME_ATTEMPTS = 8


@dataclass(frozen=True)
class PullResult:
    """What a pull did. ``model`` is None only for models with no files (HF refs)."""

    tag: Tag
    model: LocalModel | None
    skipped: bool
    verified: bool
    message: str
    #: ``message`` as data, for the window to say in its language (None: free text).
    phrase: Phrase | None = None


class _BodyStream:
    """A streamed response as a file-like ``read()``, checking its Content-Length.

    A body that ends before its Content-Length raises ``ConnectionFailed``, so a
    cut connection is retried (and resumed) instead of read as a short archive.
    """

    def __init__(self, chunks: Iterator[bytes], expected: int | None, limit: int | None) -> None:
        self._chunks = chunks
        self._buffer = memoryview(b"")
        self._expected = expected
        self._limit = limit
        self.received = 0

    def read(self, size: int = -1) -> bytes:
        if self._limit is not None and self.received >= self._limit:
            return b""
        if not self._buffer:
            try:
                self._buffer = memoryview(next(self._chunks))
            except StopIteration:
                if self._expected is not None and self.received < self._expected:
                    raise ConnectionFailed(
                        f"the download stopped after {self.received} of {self._expected} bytes"
                    ) from None
                return b""
        if size < 0:
            size = len(self._buffer)
        if self._limit is not None:
            size = min(size, self._limit - self.received)
        data = self._buffer[:size].tobytes()
        self._buffer = self._buffer[size:]
        self.received += len(data)
        return data


class Puller:
    """One pull job. Build it, then call ``run()`` on a worker thread."""

    def __init__(
        self,
        client: CloudClient,
        store: LocalStore,
        tag: Tag | str,
        *,
        force: bool = False,
        progress: TransferProgress | None = None,
        cancel: threading.Event | None = None,
        journal: Journal | None = None,
        hash_cache: HashCache | None = None,
    ) -> None:
        self.client = client
        self.hash_cache = hash_cache
        self.store = store
        self.tag = Tag.parse(tag) if isinstance(tag, str) else tag
        self.force = force
        self.progress = progress or TransferProgress("pull", str(self.tag))
        self.cancel = cancel or threading.Event()
        self.journal = journal
        self._download_url: str | None = None
        self._identity = ""
        self.call = RetryPolicy(self.cancel).call

    # ---- entry ---------------------------------------------------------------------

    def run(self) -> PullResult:
        progress = self.progress
        try:
            local = self._already_local()
            if local is not None:
                return local
            progress.set_phase(
                Phase.PREPARING, Phrase(PhraseKey.LOOKING_UP, {"tag": str(self.tag)})
            )
            remote = self._resolve()
            return self._pull(remote)
        except Cancelled:
            progress.set_phase(Phase.CANCELLED, Phrase(PhraseKey.CANCELLED))
            raise
        except BentoSyncError as exc:
            progress.set_phase(Phase.FAILED, str(exc))
            raise

    def _already_local(self) -> PullResult | None:
        """``name:version`` already in the store: that model, without asking the server."""
        if self.force or self.tag.version is None:
            return None
        try:
            model = self.store.get(self.tag)
        except ModelNotFound:
            return None
        self.tag = model.tag
        self.progress.tag = str(self.tag)
        return self._skip_local(model)

    def _resolve(self) -> CloudModel:
        name, version = self.tag.name, self.tag.version
        if version is None:
            remote = self.call(self.client.latest_model, name)
        else:
            remote = self.call(self.client.get_model, name, version)
        if remote.is_huggingface:
            # Its record stays "pending" for good: the official push uploads nothing.
            self.tag = Tag(remote.name, remote.version)
            self.progress.tag = str(self.tag)
            return remote
        if not remote.is_uploaded:
            reason = f": {remote.upload_finished_reason}" if remote.upload_finished_reason else ""
            raise BentoSyncError(
                f"{remote.tag} is not available on {self.client.endpoint}: its upload is "
                f"{remote.upload_status or 'unknown'}{reason}. Push it again."
            )
        self.tag = Tag(remote.name, remote.version)
        self.progress.tag = str(self.tag)
        return remote

    def _pull(self, remote: CloudModel) -> PullResult:
        target = self.store.models_dir / remote.name / remote.version
        if target.is_dir() and not self.force:
            model = self.store.load(target)
            return self._skip_local(model)
        if remote.is_huggingface:
            message = f"{self.tag} {describe_huggingface(remote)}"
            self.progress.set_phase(Phase.SKIPPED, message)
            return PullResult(self.tag, None, skipped=True, verified=False, message=message)
        checksums = remote.checksums
        if checksums is not None and checksums.files is not None:
            self.progress.set_files((e.path, e.size) for e in checksums.files)
        self._identity = archive_identity(remote)
        staging, checkpoint = self._staging()
        extractor = StreamingExtractor(
            staging,
            checksums=checksums,
            progress=self.progress,
            cancel=self.cancel,
            announced_size=remote.size_bytes,
            checkpoint=checkpoint,
            on_checkpoint=lambda update: self._save_checkpoint(staging, update),
        )
        try:
            self.progress.set_phase(
                Phase.DOWNLOADING, Phrase(PhraseKey.DOWNLOADING, {"tag": str(self.tag)})
            )
            self._download(extractor)
            self.progress.set_phase(Phase.VERIFYING, Phrase(PhraseKey.CHECKING_MODEL_YAML))
            self._check_model_yaml(staging)
            self.progress.set_phase(Phase.INSTALLING, Phrase(PhraseKey.INSTALLING))
            written = extractor.done.values()
            size = (sum(entry.size for entry in written), len(written))
            model = self.store.install(staging, replace=self.force, size=size)
        except (ConnectionFailed, ServerError) as exc:
            outcome = after_cancel(exc, self.cancel, "Pull cancelled.")
            if outcome is exc or keeps_work(self.cancel):
                # Keep staging and the journal: the next pull of this tag resumes.
                self._keep_for_resume(staging, extractor)
                raise outcome from exc
            shutil.rmtree(staging, ignore_errors=True)
            self._forget()
            raise outcome from exc
        except BaseException:
            if keeps_work(self.cancel):  # the app quits: resumed at its next start
                self._keep_for_resume(staging, extractor)
                raise
            shutil.rmtree(staging, ignore_errors=True)
            self._forget()
            raise
        self._forget()
        self._remember_hashes(model, extractor)
        verified = checksums is not None
        if checksums is None:
            key = PhraseKey.PULLED_UNVERIFIED
        elif checksums.listed:
            key = PhraseKey.PULLED_VERIFIED
        else:
            key = PhraseKey.PULLED_VERIFIED_WHOLE
        phrase = Phrase(key, {"tag": str(self.tag), "count": len(extractor.done)})
        self.progress.set_phase(Phase.DONE, phrase)
        return PullResult(
            self.tag,
            model,
            skipped=False,
            verified=verified,
            message=phrase.english(),
            phrase=phrase,
        )

    def _skip_local(self, model: LocalModel) -> PullResult:
        """Nothing to do: the version is in the store already (``--force`` pulls it again)."""
        phrase = Phrase(PhraseKey.ALREADY_LOCAL, {"tag": str(self.tag)})
        self.progress.set_phase(Phase.SKIPPED, phrase)
        return PullResult(
            self.tag, model, skipped=True, verified=False, message=phrase.english(), phrase=phrase
        )

    # ---- download with resume ------------------------------------------------------

    def _download(self, extractor: StreamingExtractor) -> None:
        attempt = 0
        while True:
            try:
                extractor.run(self._open_range)
                return
            except (ConnectionFailed, ServerError) as exc:
                attempt += 1
                extractor.save_checkpoint()
                if attempt >= RESUME_ATTEMPTS:
                    raise type(exc)(
                        f"{exc}. The download stopped at {extractor.bytes_on_disk} bytes; "
                        "run the same pull again to resume from there."
                    ) from exc
                delay = min(30.0, 0.5 * 2 ** (attempt - 1))
                logger.info("Download interrupted (%s); resuming in %.1fs", exc, delay)
                self._sleep(delay)

    def _sleep(self, seconds: float) -> None:
        if self.cancel.wait(seconds):
            raise Cancelled("Pull cancelled.")

    def _open_range(self, start: int, end: int | None) -> Any:
        """Open the archive from byte ``start`` (to ``end``, exclusive) as a stream."""

        def request() -> Any:
            return self._request(start)

        resp = self.call(request)
        skip = 0
        if start and resp.status_code == 200:
            skip = start  # the server ignored Range: read past what we have
            logger.info("Server ignored Range; skipping %d bytes", start)
        length = resp.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        body = _BodyStream(iter_body(resp, CHUNK), expected, None)
        while skip:
            skipped = len(body.read(min(skip, CHUNK)))
            if not skipped:
                raise ConnectionFailed("the download ended before the resume point")
            skip -= skipped
        if end is not None:
            wanted = end - start
            parts = []
            while wanted:
                data = body.read(wanted)
                if not data:
                    break
                parts.append(data)
                wanted -= len(data)
            return _BodyStream(iter([b"".join(parts)]), end - start, end - start)
        return body

    def _request(self, start: int) -> Any:
        if self._download_url is None:
            self._download_url = self._download_source()
        offset = start or None
        if self._download_url == "":
            return self.client.download(self.tag.name, self.tag.version or "", offset)
        try:
            return self.client.get_stream(self._download_url, auth=False, start_offset=offset)
        except AuthError:
            # A presigned URL expired during a long download: ask for a fresh one.
            self._download_url = self._download_source()
            return self.client.get_stream(self._download_url, auth=False, start_offset=offset)

    def _download_source(self) -> str:
        """The presigned URL, or "" for the proxy download (PROTOCOL.md 5.5)."""
        assert self.tag.version is not None
        model = self.call(self.client.presign_download_url, self.tag.name, self.tag.version)
        if model.is_proxy or not model.presigned_download_url:
            return ""
        return model.presigned_download_url

    # ---- staging and journal -------------------------------------------------------

    def _staging(self) -> tuple[Path, dict[str, Any] | None]:
        if self.journal is not None:
            assert self.tag.version is not None
            record = self.journal.download(self.client.endpoint, self.tag.name, self.tag.version)
            tmp = self.store.tmp_dir.resolve()
            if (
                record is not None
                and record.staging.is_dir()
                and record.staging.resolve().parent == tmp
                and record.checkpoint.get("identity") == self._identity
            ):
                logger.info("Resuming the pull of %s from %s", self.tag, record.staging)
                # The lists are rows of their own; a journal from before kept them inline.
                state = cast("dict[str, Any]", record.checkpoint["extractor"])
                return record.staging, {"done": [], "seen": [], **state, **record.lists}
            if record is not None:
                # Another archive now (re-pushed with --force), or staging is gone: start over.
                self._discard(record.staging)
                self.journal.forget_download(self.client.endpoint, self.tag.name, self.tag.version)
        return self.store.new_staging_dir(), None

    def _save_checkpoint(self, staging: Path, update: CheckpointUpdate) -> None:
        if self.journal is None or self.tag.version is None:
            return
        self.journal.save_download(
            self.client.endpoint,
            self.tag.name,
            self.tag.version,
            staging=staging,
            archive_size=0,
            checkpoint={"identity": self._identity, "extractor": update.state},
            appended={
                "done": (update.done_from, update.done),
                "seen": (update.seen_from, update.seen),
            },
        )

    def _keep_for_resume(self, staging: Path, extractor: StreamingExtractor) -> None:
        """Checkpoint where the download stopped (mid-file too), so the resume starts
        there: checkpoints are spaced by time and volume, and the last one may be far
        behind, or missing, which would leave the staging folder to nobody."""
        if extractor.resumable and not extractor.finished:
            extractor.save_checkpoint()
        logger.info("Keeping the partial pull of %s in %s for a resume", self.tag, staging)

    def _discard(self, staging: Path) -> None:
        """Remove an abandoned staging folder, but only one of ours under tmp/."""
        tmp = self.store.tmp_dir.resolve()
        if staging.is_dir() and staging.resolve().parent == tmp:
            shutil.rmtree(staging, ignore_errors=True)

    def _forget(self) -> None:
        if self.journal is not None and self.tag.version is not None:
            self.journal.forget_download(self.client.endpoint, self.tag.name, self.tag.version)

    def _remember_hashes(self, model: LocalModel, extractor: StreamingExtractor) -> None:
        """We just hashed every byte: a later push or verify need not read them again."""
        if self.hash_cache is None:
            return
        root = os.path.realpath(model.path)  # files sit in plain folders: no per-file realpath
        hashed: list[tuple[FileIdentity, str]] = []
        for entry in extractor.done.values():
            path = os.path.join(root, *entry.path.split("/"))
            try:
                # As the extractor left the file: a rename into the store changes no file's
                # inode or ctime, so its stat stands, and 20,000 files need no new stat.
                hashed.append((file_identity(path, extractor.stats.get(entry.path)), entry.sha256))
            except OSError as exc:
                logger.debug("Not caching the hash of %s: %s", entry.path, exc)
        self.hash_cache.put_many(hashed)

    def _check_model_yaml(self, staging: Path) -> None:
        """The archive must be the model we asked for (PROTOCOL.md 10.3)."""
        info = read_model_info(staging)
        if (info.name, info.version) != (self.tag.name, self.tag.version):
            self.progress.set_checksum(
                "model.yaml", ChecksumState.MISMATCH, FileReason.NAMES_ANOTHER_MODEL
            )
            raise InvalidModel(
                f"The archive for {self.tag} holds a model.yaml for {info.tag}; "
                "refusing to install a different model than the one requested."
            )


def archive_identity(remote: CloudModel) -> str:
    """What makes a checkpoint valid: the same upload of the same files.

    A version re-pushed with ``--force`` gets a new upload time and possibly new
    files; resuming into its staging folder would splice two archives.
    """
    digest = remote.checksums.digest if remote.checksums is not None else ""
    finished = remote.upload_finished_at.isoformat() if remote.upload_finished_at else ""
    return f"{finished}|{remote.size_bytes}|{digest}"


def describe_huggingface(remote: CloudModel) -> str:
    """What a Hugging Face reference is, in words for the CLI and the window."""
    metadata = remote.manifest.get("metadata") or {}
    model_id = str(metadata.get("model_id") or "a Hugging Face model")
    revision = str(metadata.get("revision") or "")
    at = f" at revision {revision}" if revision else ""
    return (
        f"is a reference to {model_id}{at} on the Hugging Face Hub, not an archive: there "
        "are no files to pull. BentoML downloads it from the Hub where a Bento uses it."
    )
