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
here, so the same record never reads two ways in one window.
"""

from __future__ import annotations

import enum
import logging
import textwrap
from collections.abc import Mapping

from bentosync.application.formatting import format_size
from bentosync.core.cloud_records import CloudModel
from bentosync.core.transfer.pull import describe_huggingface

logger = logging.getLogger(__name__)

#: What the Sync column of the Cloud pane says for a Hugging Face reference.
REFERENCE_LABEL = "Hugging Face reference"
TOOLTIP_WIDTH = 90  # characters: Qt shows a plain-text tooltip as one line


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
    return f"{count:,} file" if count == 1 else f"{count:,} files"


def file_count(record: CloudModel) -> int | None:
    """How many files the record says the model has; None when it does not say."""
    return None if record.checksums is None else record.checksums.count


def file_count_text(record: CloudModel) -> str:
    """ "3,000 files", or why the number is not known."""
    if record.is_huggingface:
        return "no files (a Hugging Face reference)"
    count = file_count(record)
    return "number of files not recorded" if count is None else _files(count)


def checksums_short(record: CloudModel) -> str:
    """A few words for a dialog line or a tooltip: which kind of checksums."""
    if record.is_huggingface:
        return "no files to check"
    kind = coverage(record)
    if kind is Coverage.LISTED:
        return "sha256 of each file"
    if kind is Coverage.WHOLE:
        return "one sha256 for the whole model, single files cannot be compared"
    return "no checksums, files unverified"


def checksums_text(record: CloudModel) -> str:
    """What the record's checksums vouch for and what follows, for the details panel's row."""
    if record.is_huggingface:
        return "None: a Hugging Face reference has no files in the cloud."
    checksums = record.checksums
    if checksums is None:
        return (
            "None: the server keeps no checksums for this version, so its files are "
            "unverified. A pull can only check that their sizes add up."
        )
    if checksums.listed:
        how = (
            "checked by the server against the uploaded archive"
            if record.archive_checked
            else "recorded when it was pushed (this server does not check uploads; "
            "every pull checks them)"
        )
        return f"The sha256 of each of its {_files(checksums.count)}, {how}."
    return (
        f"One sha256 over all {_files(checksums.count)}, which are too many to list one "
        "by one. A pull or Verify checks the model as a whole; single files cannot be "
        "compared."
    )


def checksums_sentence(record: CloudModel) -> str:
    """:func:`checksums_text` as a sentence that stands alone (tooltips, dialog details)."""
    text = checksums_text(record)
    if text.startswith("None: "):
        return "No checksums: " + text[len("None: ") :]
    return f"Checksums: {text[0].lower()}{text[1:]}"


def huggingface_source(record: CloudModel) -> tuple[str, str]:
    """(model id, revision) of a Hugging Face reference; "" where the manifest has none."""
    metadata = record.manifest.get("metadata")
    if not isinstance(metadata, Mapping):
        return "", ""
    return str(metadata.get("model_id") or ""), str(metadata.get("revision") or "")


def huggingface_sentence(record: CloudModel) -> str:
    """ "name:version is a reference to org/model at revision …; there are no files to pull." """
    return f"{record.tag} {describe_huggingface(record)}"


def pull_refusal(record: CloudModel | None) -> str:
    """Why this version cannot be pulled, or "" when it can (or is not known here)."""
    if record is None:
        return ""
    if record.is_huggingface:
        return f"Cannot pull {record.tag}: it {describe_huggingface(record)}"
    if not record.is_uploaded:
        status = record.upload_status or "unfinished"
        why = f" ({record.upload_finished_reason})" if record.upload_finished_reason else ""
        return f"Cannot pull {record.tag}: its upload is {status}{why}. Push it again first."
    return ""


def size_tooltip(record: CloudModel) -> str:
    """The Size cell's tooltip: bytes, files, and what the checksums cover."""
    if record.is_huggingface:
        return "No files in the cloud: a reference to a model on the Hugging Face Hub."
    size = f"{record.size_bytes:,} bytes" if record.size_bytes else "Size not stated by the server"
    return f"{size}, {file_count_text(record)}\n{wrap(checksums_sentence(record))}"


def summary_line(record: CloudModel) -> str:
    """ "48.0 MiB, 3 files, sha256 of each file": one line for a dialog's detail text."""
    if record.is_huggingface:
        model_id, revision = huggingface_source(record)
        at = f" at revision {revision}" if revision else ""
        return f"a Hugging Face reference to {model_id or 'a model'}{at}, no files"
    size = format_size(record.size_bytes) if record.size_bytes else "size unknown"
    return f"{size}, {file_count_text(record)}, {checksums_short(record)}"


def local_comparison_text(cloud: CloudModel | None) -> str:
    """What a local copy's files are compared with, given the cloud record of its version."""
    if cloud is None:
        return "The sha256 of each file, computed here (no cloud copy to compare with)."
    if cloud.is_huggingface:
        return "Computed here; the cloud entry is a Hugging Face reference with no files."
    kind = coverage(cloud)
    if kind is Coverage.LISTED:
        return "Computed here and compared file by file with the cloud's sha256 of each file."
    if kind is Coverage.WHOLE:
        return (
            "Computed here and compared as a whole with the cloud's one sha256 over all "
            f"{_files(file_count(cloud) or 0)}; single files cannot be compared."
        )
    return "Computed here; the cloud copy has no checksums, so only sizes can be compared."
