"""The engine's sentences in the window's language.

``core`` has no Qt, and its English sentences are what the CLI prints and
``list --json`` carries, so it keeps them. Beside each sentence it hands over
what the sentence is made of: a key (``SyncReason``, ``PhraseKey``) and the
numbers and names it needs (``reason_args``, ``Phrase.args``, a ``Difference``).
This module is the one place that turns those back into a sentence, through
``tr`` (context ``EngineWords``), with ``%n`` plural forms wherever a count is
involved. In English the sentence is the core's, word for word (a test holds
the two together, so they cannot drift).

What stays English: the server's own words (an upload's failure reason, a
status like ``failed``) that a sentence quotes, file names, tags and URLs, and
the engine's messages on failure paths (``str(exc)``), as ``error_words``
explains.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QLocale

from bentosync.core.filelist import Difference, DifferenceKind
from bentosync.core.sync_state import ReasonArgs, SyncEntry, SyncReason
from bentosync.core.transfer.phrases import FileReason, Phrase, PhraseKey
from bentosync.gui.i18n import QT_TRANSLATE_NOOP, TranslationContext

logger = logging.getLogger(__name__)


class EngineWords(TranslationContext):
    """The sentences ``core`` writes in English, said again in the window's language."""


def number(value: int) -> str:
    """A count or a size with the locale's digit grouping ("1,234" / "1.234")."""
    return QLocale().toString(value)


def byte_count(value: int) -> str:
    """ "1,234 bytes": an exact size, as the engine's sentences state it. Not a ``%n``
    message: Qt's count is a C ``int``, and a model can be larger than 2 GiB."""
    return EngineWords.tr("{size} bytes").format(size=number(value))


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names)


def difference_text(difference: Difference) -> str:
    """``Difference.english`` in the window's language."""
    if difference.kind is DifferenceKind.FILES:
        parts = []
        if difference.changed:
            parts.append(
                EngineWords.tr("%n file(s) differ ({names})", "", difference.changed).format(
                    names=_names(difference.changed_names)
                )
            )
        if difference.only_here:
            parts.append(
                EngineWords.tr("%n only here ({names})", "", difference.only_here).format(
                    names=_names(difference.only_here_names)
                )
            )
        if difference.only_there:
            parts.append(
                EngineWords.tr("%n only in the cloud ({names})", "", difference.only_there).format(
                    names=_names(difference.only_there_names)
                )
            )
        return "; ".join(parts)
    if difference.kind is DifferenceKind.TOTALS:
        here = EngineWords.tr("%n file(s) of {size} here", "", difference.local_count).format(
            size=byte_count(difference.local_size)
        )
        there = EngineWords.tr(
            "%n file(s) of {size} in the cloud", "", difference.cloud_count
        ).format(size=byte_count(difference.cloud_size))
        return EngineWords.tr("{here}, {there}", "two halves of a difference").format(
            here=here, there=there
        )
    return EngineWords.tr(
        "the same %n file(s) by count and size, with other contents (the cloud keeps one "
        "checksum for the whole model, so the file cannot be named)",
        "",
        difference.local_count,
    )


def reason_text(key: SyncReason, args: ReasonArgs, difference: Difference | None = None) -> str:
    """``core.sync_state.reason_text`` in the window's language."""
    if key is SyncReason.LOCAL_ONLY:
        return EngineWords.tr("Only on this computer; push it to share it.")
    if key is SyncReason.CLOUD_ONLY:
        return EngineWords.tr("Only in the cloud; pull it to use it here.")
    if key is SyncReason.CLOUD_ONLY_UNUSABLE:
        return EngineWords.tr(
            "Only in the cloud, and its upload is {status}: it cannot be pulled."
        ).format(status=args["status"])
    if key is SyncReason.HUGGINGFACE:
        return EngineWords.tr(
            "The cloud record is a reference to a Hugging Face model, not an archive of "
            "these files."
        )
    if key is SyncReason.NOT_UPLOADED:
        if args["why"]:
            return EngineWords.tr(
                "The cloud copy is not usable (upload {status}: {why}); push it again."
            ).format(status=args["status"], why=args["why"])
        return EngineWords.tr(
            "The cloud copy is not usable (upload {status}); push it again."
        ).format(status=args["status"])
    if key is SyncReason.SIZES_DIFFER:
        return EngineWords.tr("Sizes differ: {here} here, {there} in the cloud.").format(
            here=byte_count(int(args["local_size"])), there=byte_count(int(args["cloud_size"]))
        )
    if key is SyncReason.SAME_SIZE_NO_CHECKSUMS:
        return EngineWords.tr(
            "Same size on both sides; the server keeps no checksums, so the files are unverified."
        )
    if key is SyncReason.FILES_DIFFER:
        if difference is None:
            logger.warning("A FILES_DIFFER reason without its difference")
            return ""
        return difference_text(difference)
    if key is SyncReason.SAME_FILES:
        return EngineWords.tr(
            "All %n file(s) have the same sha256 on both sides.", "", int(args["count"])
        )
    if key is SyncReason.SAME_WHOLE:
        return EngineWords.tr(
            "All %n file(s) match the cloud's whole-model sha256 on both sides.",
            "",
            int(args["count"]),
        )
    if key is SyncReason.COUNTS_DIFFER:
        return EngineWords.tr(
            "%n file(s) here, {cloud} in the cloud.", "", int(args["local_count"])
        ).format(cloud=number(int(args["cloud_count"])))
    return EngineWords.tr(
        "Same size and file count; checksums are compared when the model is verified "
        "or its files are shown."
    )


def sync_reason(entry: SyncEntry) -> str:
    """Why a version is in the state it is, in the window's language (an entry
    without a key carries free text, shown as it is)."""
    if entry.reason_key is None:
        return entry.reason
    return reason_text(entry.reason_key, entry.reason_args, entry.difference)


# Phrases without a count, marked for lupdate and translated when shown; those with
# one need their own ``tr(..., n)`` call (lupdate marks plurals only there).
_PLAIN_PHRASES: dict[PhraseKey, str] = {
    PhraseKey.LOOKING_UP: QT_TRANSLATE_NOOP("EngineWords", "Looking up {tag}"),
    PhraseKey.DOWNLOADING: QT_TRANSLATE_NOOP("EngineWords", "Downloading {tag}"),
    PhraseKey.CHECKING_MODEL_YAML: QT_TRANSLATE_NOOP("EngineWords", "Checking model.yaml"),
    PhraseKey.INSTALLING: QT_TRANSLATE_NOOP("EngineWords", "Installing"),
    PhraseKey.READING: QT_TRANSLATE_NOOP("EngineWords", "Reading {tag}"),
    PhraseKey.HASHING: QT_TRANSLATE_NOOP("EngineWords", "Computing sha256 of every file"),
    PhraseKey.UPLOADING: QT_TRANSLATE_NOOP("EngineWords", "Uploading {tag} ({strategy})"),
    PhraseKey.UPLOADING_AGAIN: QT_TRANSLATE_NOOP(
        "EngineWords", "Uploading {tag} again from the start"
    ),
    PhraseKey.SERVER_CHECKING: QT_TRANSLATE_NOOP(
        "EngineWords", "The server is checking every file"
    ),
    PhraseKey.FETCHING_CHECKSUMS: QT_TRANSLATE_NOOP(
        "EngineWords", "Fetching the checksums of {tag}"
    ),
    PhraseKey.READING_AGAIN: QT_TRANSLATE_NOOP("EngineWords", "Reading every file again"),
    PhraseKey.CANCELLED: QT_TRANSLATE_NOOP("EngineWords", "Cancelled"),
    PhraseKey.WAITING: QT_TRANSLATE_NOOP("EngineWords", "Waiting for a free slot"),
    PhraseKey.CANCELLED_BEFORE_START: QT_TRANSLATE_NOOP(
        "EngineWords", "Cancelled before it started"
    ),
    PhraseKey.ALREADY_LOCAL: QT_TRANSLATE_NOOP(
        "EngineWords", "{tag} is already in the local store; use --force to pull it again."
    ),
    PhraseKey.ALREADY_THERE_IDENTICAL: QT_TRANSLATE_NOOP(
        "EngineWords", "{tag} is already on {endpoint}, identical file by file."
    ),
    PhraseKey.ALREADY_THERE_IDENTICAL_WHOLE: QT_TRANSLATE_NOOP(
        "EngineWords", "{tag} is already on {endpoint}, identical as a whole."
    ),
    PhraseKey.ALREADY_THERE_UNVERIFIED: QT_TRANSLATE_NOOP(
        "EngineWords",
        "{tag} is already on {endpoint}; the server keeps no checksums of it, so its files "
        "are unverified. Use --force to upload it again.",
    ),
}


def phrase_text(phrase: Phrase) -> str:
    """``Phrase.english`` in the window's language."""
    key, args = phrase.key, phrase.args
    tag = str(args.get("tag", ""))
    count = int(args.get("count", 0))
    endpoint = str(args.get("endpoint", ""))
    plain = _PLAIN_PHRASES.get(key)
    if plain is not None:
        return EngineWords.tr(plain).format(
            tag=tag, endpoint=endpoint, strategy=args.get("strategy", "")
        )
    if key is PhraseKey.PUSHED_VERIFIED:
        text = EngineWords.tr(
            "Pushed {tag} (%n file(s), every file verified by the server)", "", count
        )
    elif key is PhraseKey.PUSHED_VERIFIED_WHOLE:
        text = EngineWords.tr(
            "Pushed {tag} (%n file(s), verified as a whole by the server)", "", count
        )
    elif key is PhraseKey.PUSHED_RECORDED:
        text = EngineWords.tr(
            "Pushed {tag} (%n file(s), checksums recorded for every pull to check; the server "
            "does not check uploads)",
            "",
            count,
        )
    elif key is PhraseKey.PUSHED_UNVERIFIED:
        text = EngineWords.tr(
            "Pushed {tag} (%n file(s), unverified: the server keeps no checksums of this version)",
            "",
            count,
        )
    elif key is PhraseKey.PULLED_VERIFIED:
        text = EngineWords.tr("Pulled {tag} (%n file(s), every file verified)", "", count)
    elif key is PhraseKey.PULLED_VERIFIED_WHOLE:
        text = EngineWords.tr("Pulled {tag} (%n file(s), verified as a whole)", "", count)
    elif key is PhraseKey.PULLED_UNVERIFIED:
        text = EngineWords.tr(
            "Pulled {tag} (%n file(s), unverified: the server keeps no checksums; their total "
            "size was checked)",
            "",
            count,
        )
    elif key is PhraseKey.VERIFY_MATCHES:
        text = EngineWords.tr("{tag}: all %n file(s) match the cloud.", "", count)
    elif key is PhraseKey.ALREADY_THERE_OTHER_SIZE:
        return EngineWords.tr(
            "{tag} is already on {endpoint} with {cloud} of files, not {local}; "
            "run `bentosync push {tag} --recreate` to replace it."
        ).format(
            tag=tag,
            endpoint=endpoint,
            cloud=byte_count(int(args["cloud_size"])),
            local=number(int(args["local_size"])),
        )
    elif key is PhraseKey.ALREADY_THERE_OTHER_FILES:
        how = difference_text(phrase.difference) if phrase.difference is not None else ""
        return EngineWords.tr(
            "{tag} is already on {endpoint} with different files ({difference}); "
            "run `bentosync push {tag} --recreate` to replace it."
        ).format(tag=tag, endpoint=endpoint, difference=how)
    else:
        logger.warning("No words for %s", key)
        return phrase.english()
    return text.format(tag=tag, endpoint=endpoint)


# The engine's fixed per-file reasons, marked for lupdate and translated when shown:
# one look-up per checksum cell painted, not every reason translated each time.
_FILE_REASONS: dict[FileReason, str] = {
    FileReason.HASHED_SERVER_CHECKS: QT_TRANSLATE_NOOP(
        "EngineWords", "hashed; the server checks it"
    ),
    FileReason.CLOUD_COPY_DIFFERS: QT_TRANSLATE_NOOP("EngineWords", "the cloud copy differs"),
    FileReason.NOT_IN_CLOUD: QT_TRANSLATE_NOOP("EngineWords", "not in the cloud"),
    FileReason.OTHER_SHA256: QT_TRANSLATE_NOOP("EngineWords", "the cloud lists another sha256"),
    FileReason.SAME_IN_CLOUD: QT_TRANSLATE_NOOP("EngineWords", "same in the cloud"),
    FileReason.OTHER_SIZE: QT_TRANSLATE_NOOP("EngineWords", "the cloud copy has another size"),
    FileReason.NO_CHECKSUMS: QT_TRANSLATE_NOOP("EngineWords", "the server keeps no checksums"),
    FileReason.SERVER_LISTS_OTHER_FILES: QT_TRANSLATE_NOOP(
        "EngineWords", "the server lists other files"
    ),
    FileReason.SERVER_CHECKED: QT_TRANSLATE_NOOP("EngineWords", "the server checked it"),
    FileReason.RECORDED_FOR_PULLS: QT_TRANSLATE_NOOP(
        "EngineWords",
        "recorded in the cloud for pulls to check; this server does not check uploads",
    ),
    FileReason.WHOLE_MATCHES: QT_TRANSLATE_NOOP("EngineWords", "the whole model matches"),
    FileReason.WHOLE_DIFFERS: QT_TRANSLATE_NOOP("EngineWords", "the whole model differs"),
    FileReason.NOT_IN_FILE_LIST: QT_TRANSLATE_NOOP("EngineWords", "not in the cloud's file list"),
    FileReason.DIFFERS_FROM_SHA256: QT_TRANSLATE_NOOP(
        "EngineWords", "differs from the cloud's sha256"
    ),
    FileReason.WHOLE_MATCHES_CHECKSUM: QT_TRANSLATE_NOOP(
        "EngineWords", "the whole model matches its checksum"
    ),
    FileReason.DIFFER_FROM_CHECKSUM: QT_TRANSLATE_NOOP(
        "EngineWords", "the files differ from the model's checksum"
    ),
    FileReason.NAMES_ANOTHER_MODEL: QT_TRANSLATE_NOOP("EngineWords", "names another model"),
}


def file_reason(reason: str) -> str:
    """A file's checksum reason in the window's language when it is one of the engine's
    fixed ones (:class:`FileReason`); a reason quoting the server stays as it came."""
    try:
        fixed = FileReason(reason)
    except ValueError:
        return reason
    return EngineWords.tr(_FILE_REASONS[fixed])
