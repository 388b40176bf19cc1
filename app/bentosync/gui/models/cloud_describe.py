"""Words for what a cloud record can vouch for, shared by every place that shows one.

A record's checksums come in three kinds, and a person deciding whether to
trust, pull or delete a version needs to know which one they are looking at:

* ``LISTED``: the sha256 of each file, so a difference can be pinned to a file;
* ``WHOLE``: one sha256 over the whole model, kept when the list of a model
  with thousands of files would not fit in the record (``core.filelist``): a
  pull or Verify still checks the model as a whole, but no single file can be
  compared;
* ``NONE``: no checksums at all (the official client's pushes to BentoCloud),
  so the files are unverified and a pull only checks that their sizes add up.

A Hugging Face reference is none of these: it is a record without an archive
whose upload stays ``pending`` for good, because the official client uploads
nothing for it. It must never read as a broken upload, and it cannot be pulled.

The Cloud pane, the details panel and the dialogs all take their wording from
here, so the same record never reads two ways in one window. Every sentence is
translated here (context ``CloudDescribe``), a Hugging Face reference's too (the
CLI's English is ``core.transfer.pull.describe_huggingface``); the server's own
upload reasons stay as the server wrote them.
"""

from __future__ import annotations

import enum
import logging
import textwrap
from collections.abc import Mapping

from bentosync.application.formatting import format_size
from bentosync.core.cloud_records import CloudModel
from bentosync.gui.i18n import TranslationContext

logger = logging.getLogger(__name__)


class CloudDescribe(TranslationContext):
    """What a cloud record can vouch for, in words."""


TOOLTIP_WIDTH = 90  # characters: Qt shows a plain-text tooltip as one line


def reference_label() -> str:
    """What the Sync column of the Cloud pane says for a Hugging Face reference."""
    return CloudDescribe.tr("Hugging Face reference")


def wrap(text: str, width: int = TOOLTIP_WIDTH) -> str:
    """Break each paragraph of ``text`` into lines a tooltip can show."""
    return "\n".join(textwrap.fill(line, width) if line else "" for line in text.split("\n"))


class Coverage(enum.Enum):
    """How far a record's checksums reach (see the module docstring)."""

    LISTED = "listed"
    WHOLE = "whole"
    NONE = "none"


def coverage(record: CloudModel) -> Coverage:
    checksums = record.checksums
    if checksums is None:
        return Coverage.NONE
    return Coverage.LISTED if checksums.listed else Coverage.WHOLE


def _files(count: int) -> str:
    return CloudDescribe.tr("{count} file(s)", "", count).format(count=f"{count:,}")


def file_count(record: CloudModel) -> int | None:
    """How many files the record says the model has; None when it does not say."""
    return None if record.checksums is None else record.checksums.count


def file_count_text(record: CloudModel) -> str:
    """ "3,000 files", or why the number is not known."""
    if record.is_huggingface:
        return CloudDescribe.tr("no files (a Hugging Face reference)")
    count = file_count(record)
    if count is None:
        return CloudDescribe.tr("number of files not recorded")
    return _files(count)


def checksums_short(record: CloudModel) -> str:
    """A few words for a dialog line or a tooltip: which kind of checksums."""
    if record.is_huggingface:
        return CloudDescribe.tr("no files to check")
    kind = coverage(record)
    if kind is Coverage.LISTED:
        return CloudDescribe.tr("sha256 of each file")
    if kind is Coverage.WHOLE:
        return CloudDescribe.tr("one sha256 for the whole model, single files cannot be compared")
    return CloudDescribe.tr("no checksums, files unverified")


def _none_reason(record: CloudModel) -> str:
    """Why a record has no checksums (it has none), as the rest of a sentence."""
    if record.is_huggingface:
        return CloudDescribe.tr("a Hugging Face reference has no files in the cloud.")
    return CloudDescribe.tr(
        "the server keeps no checksums for this version, so its files are unverified. "
        "A pull can only check that their sizes add up.",
    )


def checksums_text(record: CloudModel) -> str:
    """What the record's checksums vouch for and what follows, for the details panel's row."""
    if record.is_huggingface or record.checksums is None:
        return CloudDescribe.tr("None: {reason}").format(reason=_none_reason(record))
    count = record.checksums.count
    if record.checksums.listed:
        if record.archive_checked:
            text = CloudDescribe.tr(
                "The sha256 of each of its {count} file(s), checked by the server against "
                "the uploaded archive.",
                "",
                count,
            )
        else:
            text = CloudDescribe.tr(
                "The sha256 of each of its {count} file(s), recorded when it was pushed "
                "(this server does not check uploads; every pull checks them).",
                "",
                count,
            )
    else:
        text = CloudDescribe.tr(
            "One sha256 over all {count} file(s), which are too many to list one by one. "
            "A pull or Verify checks the model as a whole; single files cannot be compared.",
            "",
            count,
        )
    return text.format(count=f"{count:,}")


def checksums_sentence(record: CloudModel) -> str:
    """:func:`checksums_text` as a sentence that stands alone (tooltips, dialog details)."""
    if record.is_huggingface or record.checksums is None:
        return CloudDescribe.tr("No checksums: {reason}").format(reason=_none_reason(record))
    text = checksums_text(record)
    return CloudDescribe.tr("Checksums: {text}").format(text=f"{text[0].lower()}{text[1:]}")


def huggingface_source(record: CloudModel) -> tuple[str, str]:
    """(model id, revision) of a Hugging Face reference; "" where the manifest has none."""
    metadata = record.manifest.get("metadata")
    if not isinstance(metadata, Mapping):
        return "", ""
    return str(metadata.get("model_id") or ""), str(metadata.get("revision") or "")


def huggingface_reference(record: CloudModel) -> str:
    """ "a reference to org/model at revision … on the Hugging Face Hub, not an archive: …"

    The window's own words for what ``core.transfer.pull.describe_huggingface``
    tells the CLI, so they can be translated.
    """
    model_id, revision = huggingface_source(record)
    model = model_id or CloudDescribe.tr("a Hugging Face model")
    if revision:
        text = CloudDescribe.tr(
            "a reference to {model} at revision {revision} on the Hugging Face Hub, not an "
            "archive: there are no files to pull. BentoML downloads it from the Hub where a "
            "Bento uses it."
        )
    else:
        text = CloudDescribe.tr(
            "a reference to {model} on the Hugging Face Hub, not an archive: there are no "
            "files to pull. BentoML downloads it from the Hub where a Bento uses it."
        )
    return text.format(model=model, revision=revision)


def huggingface_sentence(record: CloudModel) -> str:
    """ "name:version is a reference to org/model at revision …; there are no files to pull." """
    return CloudDescribe.tr("{tag} is {reference}").format(
        tag=record.tag, reference=huggingface_reference(record)
    )


def pull_refusal(record: CloudModel | None) -> str:
    """Why this version cannot be pulled, or "" when it can (or is not known here)."""
    if record is None:
        return ""
    if record.is_huggingface:
        return CloudDescribe.tr("Cannot pull {tag}: it is {reference}").format(
            tag=record.tag, reference=huggingface_reference(record)
        )
    if not record.is_uploaded:
        status = record.upload_status or CloudDescribe.tr("unfinished")
        if record.upload_finished_reason:
            text = CloudDescribe.tr(
                "Cannot pull {tag}: its upload is {status} ({reason}). Push it again first.",
            )
        else:
            text = CloudDescribe.tr(
                "Cannot pull {tag}: its upload is {status}. Push it again first."
            )
        return text.format(tag=record.tag, status=status, reason=record.upload_finished_reason)
    return ""


def size_tooltip(record: CloudModel) -> str:
    """The Size cell's tooltip: bytes, files, and what the checksums cover."""
    if record.is_huggingface:
        return CloudDescribe.tr(
            "No files in the cloud: a reference to a model on the Hugging Face Hub.",
        )
    if record.size_bytes:
        size = CloudDescribe.tr("{bytes} bytes").format(bytes=f"{record.size_bytes:,}")
    else:
        size = CloudDescribe.tr("Size not stated by the server")
    return CloudDescribe.tr("{size}, {files}\n{checksums}").format(
        size=size, files=file_count_text(record), checksums=wrap(checksums_sentence(record))
    )


def summary_line(record: CloudModel) -> str:
    """ "48.0 MiB, 3 files, sha256 of each file": one line for a dialog's detail text."""
    if record.is_huggingface:
        model_id, revision = huggingface_source(record)
        model = model_id or CloudDescribe.tr("a model")
        if revision:
            text = CloudDescribe.tr(
                "a Hugging Face reference to {model} at revision {revision}, no files",
            )
        else:
            text = CloudDescribe.tr("a Hugging Face reference to {model}, no files")
        return text.format(model=model, revision=revision)
    size = format_size(record.size_bytes) if record.size_bytes else _size_unknown()
    return CloudDescribe.tr("{size}, {files}, {checksums}").format(
        size=size, files=file_count_text(record), checksums=checksums_short(record)
    )


def local_comparison_text(cloud: CloudModel | None) -> str:
    """What a local copy's files are compared with, given the cloud record of its version."""
    if cloud is None:
        return CloudDescribe.tr(
            "The sha256 of each file, computed here (no cloud copy to compare with).",
        )
    if cloud.is_huggingface:
        return CloudDescribe.tr(
            "Computed here; the cloud entry is a Hugging Face reference with no files.",
        )
    kind = coverage(cloud)
    if kind is Coverage.LISTED:
        return CloudDescribe.tr(
            "Computed here and compared file by file with the cloud's sha256 of each file.",
        )
    if kind is Coverage.WHOLE:
        count = file_count(cloud) or 0
        return CloudDescribe.tr(
            "Computed here and compared as a whole with the cloud's one sha256 over all "
            "{count} file(s); single files cannot be compared.",
            "",
            count,
        ).format(count=f"{count:,}")
    return CloudDescribe.tr(
        "Computed here; the cloud copy has no checksums, so only sizes can be compared.",
    )


def _size_unknown() -> str:
    return CloudDescribe.tr("size unknown")
