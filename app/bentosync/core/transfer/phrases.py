"""The engine's fixed sentences on its normal paths, as data beside their English.

A push, pull or verify reports what it is doing (a progress phase's text) and
how it ended ("Pushed m:v1 (3 files, every file verified)", "m:v1 is already
on …, identical file by file."). The CLI prints those sentences in English; the
window says them in its own language, and ``core`` has no Qt to translate with.
So each sentence is a :class:`Phrase`: a :class:`PhraseKey` and the numbers and
names it needs. :meth:`Phrase.english` makes the engine's English sentence from
it (the only place that sentence is written); ``gui.engine_words`` makes the
window's.

Failures are not phrases: their text is ``str(exc)``, often the server's own
words, and stays as it came (see ``gui.error_words``).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from bentosync.core.filelist import Difference, plural

__all__ = ["FileReason", "Phrase", "PhraseArgs", "PhraseKey"]

#: The numbers and names of a phrase, by the names :class:`PhraseKey` lists.
PhraseArgs = Mapping[str, "int | str"]


class PhraseKey(str, enum.Enum):
    """Which sentence; the arguments each needs are noted beside it."""

    # -- what a running job is doing (progress phases) -----------------------------
    #: ``tag``: a pull resolving the version.
    LOOKING_UP = "looking_up"
    #: ``tag``
    DOWNLOADING = "downloading"
    CHECKING_MODEL_YAML = "checking_model_yaml"
    INSTALLING = "installing"
    #: ``tag``: the tag as asked for (a push reading the local model).
    READING = "reading"
    HASHING = "hashing"
    #: ``tag``, ``strategy`` (``proxy``, ``presigned``, ``multipart``: protocol words).
    UPLOADING = "uploading"
    #: ``tag``: a multipart upload the server forgot, sent from the first part.
    UPLOADING_AGAIN = "uploading_again"
    SERVER_CHECKING = "server_checking"
    #: ``tag``: a verify fetching the record.
    FETCHING_CHECKSUMS = "fetching_checksums"
    READING_AGAIN = "reading_again"
    CANCELLED = "cancelled"
    #: a queued job (``application.jobs``)
    WAITING = "waiting"
    CANCELLED_BEFORE_START = "cancelled_before_start"
    # -- how a push ended: ``tag``, ``count`` (files) ------------------------------
    PUSHED_VERIFIED = "pushed_verified"
    PUSHED_VERIFIED_WHOLE = "pushed_verified_whole"
    PUSHED_RECORDED = "pushed_recorded"
    PUSHED_UNVERIFIED = "pushed_unverified"
    # -- a push with nothing to do: ``tag``, ``endpoint`` ---------------------------
    ALREADY_THERE_IDENTICAL = "already_there_identical"
    ALREADY_THERE_IDENTICAL_WHOLE = "already_there_identical_whole"
    ALREADY_THERE_UNVERIFIED = "already_there_unverified"
    #: also ``cloud_size``, ``local_size`` (bytes)
    ALREADY_THERE_OTHER_SIZE = "already_there_other_size"
    #: also ``Phrase.difference``
    ALREADY_THERE_OTHER_FILES = "already_there_other_files"
    # -- how a pull ended: ``tag``, ``count`` (files) ------------------------------
    PULLED_VERIFIED = "pulled_verified"
    PULLED_VERIFIED_WHOLE = "pulled_verified_whole"
    PULLED_UNVERIFIED = "pulled_unverified"
    #: ``tag``: a pull with nothing to do.
    ALREADY_LOCAL = "already_local"
    # -- how a verify ended ---------------------------------------------------------
    #: ``tag``, ``count``
    VERIFY_MATCHES = "verify_matches"


class FileReason(str, enum.Enum):
    """Why a file has its checksum state, where the engine's reason is a fixed one.

    A member *is* its English text (a ``str`` enum), so ``FileSnapshot.reason``
    stays a plain string for the CLI, and the window recognises the fixed reasons
    by ``FileReason(reason)`` to say them in its language. Reasons that quote
    the server stay free text.
    """

    HASHED_SERVER_CHECKS = "hashed; the server checks it"
    CLOUD_COPY_DIFFERS = "the cloud copy differs"
    NOT_IN_CLOUD = "not in the cloud"
    OTHER_SHA256 = "the cloud lists another sha256"
    SAME_IN_CLOUD = "same in the cloud"
    OTHER_SIZE = "the cloud copy has another size"
    NO_CHECKSUMS = "the server keeps no checksums"
    SERVER_LISTS_OTHER_FILES = "the server lists other files"
    SERVER_CHECKED = "the server checked it"
    RECORDED_FOR_PULLS = (
        "recorded in the cloud for pulls to check; this server does not check uploads"
    )
    WHOLE_MATCHES = "the whole model matches"
    WHOLE_DIFFERS = "the whole model differs"
    NOT_IN_FILE_LIST = "not in the cloud's file list"
    DIFFERS_FROM_SHA256 = "differs from the cloud's sha256"
    WHOLE_MATCHES_CHECKSUM = "the whole model matches its checksum"
    DIFFER_FROM_CHECKSUM = "the files differ from the model's checksum"
    NAMES_ANOTHER_MODEL = "names another model"

    def __str__(self) -> str:
        """The English reason itself (Python 3.10's ``str`` enums print their name)."""
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


@dataclass(frozen=True)
class Phrase:
    """One of the engine's sentences, as data; ``english()`` is the sentence itself."""

    key: PhraseKey
    args: PhraseArgs = field(default_factory=dict)
    difference: Difference | None = None

    def english(self) -> str:
        """The sentence the CLI prints (and the job's ``message``)."""
        return _english(self.key, self.args, self.difference)


def _files(count: int) -> str:
    return f"{count} {plural(count, 'file', 'files')}"


def _english(key: PhraseKey, args: PhraseArgs, difference: Difference | None) -> str:
    tag = args.get("tag", "")
    count = int(args.get("count", 0))
    where = f"{tag} is already on {args.get('endpoint', '')}"
    simple = {
        PhraseKey.LOOKING_UP: f"Looking up {tag}",
        PhraseKey.DOWNLOADING: f"Downloading {tag}",
        PhraseKey.CHECKING_MODEL_YAML: "Checking model.yaml",
        PhraseKey.INSTALLING: "Installing",
        PhraseKey.READING: f"Reading {tag}",
        PhraseKey.HASHING: "Computing sha256 of every file",
        PhraseKey.UPLOADING: f"Uploading {tag} ({args.get('strategy', '')})",
        PhraseKey.UPLOADING_AGAIN: f"Uploading {tag} again from the start",
        PhraseKey.SERVER_CHECKING: "The server is checking every file",
        PhraseKey.FETCHING_CHECKSUMS: f"Fetching the checksums of {tag}",
        PhraseKey.READING_AGAIN: "Reading every file again",
        PhraseKey.CANCELLED: "Cancelled",
        PhraseKey.WAITING: "Waiting for a free slot",
        PhraseKey.CANCELLED_BEFORE_START: "Cancelled before it started",
        PhraseKey.PUSHED_VERIFIED: f"Pushed {tag} ({_files(count)}, every file verified by the "
        "server)",
        PhraseKey.PUSHED_VERIFIED_WHOLE: f"Pushed {tag} ({_files(count)}, verified as a whole "
        "by the server)",
        PhraseKey.PUSHED_RECORDED: f"Pushed {tag} ({_files(count)}, checksums recorded for "
        "every pull to check; the server does not check uploads)",
        PhraseKey.PUSHED_UNVERIFIED: f"Pushed {tag} ({_files(count)}, unverified: the server "
        "keeps no checksums of this version)",
        PhraseKey.ALREADY_THERE_IDENTICAL: f"{where}, identical file by file.",
        PhraseKey.ALREADY_THERE_IDENTICAL_WHOLE: f"{where}, identical as a whole.",
        PhraseKey.ALREADY_THERE_UNVERIFIED: f"{where}; the server keeps no checksums of it, so "
        "its files are unverified. Use --force to upload it again.",
        PhraseKey.PULLED_VERIFIED: f"Pulled {tag} ({_files(count)}, every file verified)",
        PhraseKey.PULLED_VERIFIED_WHOLE: f"Pulled {tag} ({_files(count)}, verified as a whole)",
        PhraseKey.PULLED_UNVERIFIED: f"Pulled {tag} ({_files(count)}, unverified: the server "
        "keeps no checksums; their total size was checked)",
        PhraseKey.ALREADY_LOCAL: f"{tag} is already in the local store; use --force to pull it "
        "again.",
    }
    if key in simple:
        return simple[key]
    if key is PhraseKey.ALREADY_THERE_OTHER_SIZE:
        cloud_size, local_size = int(args["cloud_size"]), int(args["local_size"])
        return (
            f"{where} with {cloud_size:,} bytes of files, not {local_size:,}; "
            f"run `bentosync push {tag} --recreate` to replace it."
        )
    if key is PhraseKey.ALREADY_THERE_OTHER_FILES:
        assert difference is not None, "ALREADY_THERE_OTHER_FILES needs the difference"
        return (
            f"{where} with different files ({difference.english()}); "
            f"run `bentosync push {tag} --recreate` to replace it."
        )
    assert key is PhraseKey.VERIFY_MATCHES, key
    every = plural(count, "the only file matches", f"all {count} files match")
    return f"{tag}: {every} the cloud."
