"""One icon, tooltip and severity per checksum state, for the transfers list.

The icons are preloaded once and handed out from a dict, never loaded per
``data()`` call (qBittorrent ``loadUIThemeResources``); :meth:`ChecksumIcons.reload`
picks the light or dark variant again after a palette change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from PySide6.QtGui import QIcon

from bentosync.core.transfer.progress import ChecksumState, FileSnapshot
from bentosync.gui import icons
from bentosync.gui.engine_words import file_reason
from bentosync.gui.i18n import QT_TRANSLATE_NOOP, TranslationContext

logger = logging.getLogger(__name__)


class ChecksumWords(TranslationContext):
    """The words of checksum states (``core.transfer.progress.ChecksumState``): core has no Qt."""


#: Icon IDs (``resources/icons/{light,dark}/<id>.svg``).
CHECKSUM_ICON_NAMES: dict[ChecksumState, str] = {
    state: f"checksum-{state.value}" for state in ChecksumState
}

#: What a job row shows when its files disagree: the worst state wins.
SEVERITY: dict[ChecksumState, int] = {
    ChecksumState.VERIFIED: 0,
    ChecksumState.UNVERIFIED: 1,
    ChecksumState.PENDING: 2,
    ChecksumState.HASHING: 3,
    ChecksumState.MISMATCH: 4,
}


# The words of each state, marked for lupdate and translated when looked up.
_WORDS: dict[ChecksumState, str] = {
    ChecksumState.PENDING: QT_TRANSLATE_NOOP("ChecksumWords", "pending"),
    ChecksumState.HASHING: QT_TRANSLATE_NOOP("ChecksumWords", "hashing"),
    ChecksumState.VERIFIED: QT_TRANSLATE_NOOP("ChecksumWords", "verified"),
    ChecksumState.MISMATCH: QT_TRANSLATE_NOOP("ChecksumWords", "mismatch"),
    ChecksumState.UNVERIFIED: QT_TRANSLATE_NOOP("ChecksumWords", "unverified"),
}
_LABELS: dict[ChecksumState, str] = {
    ChecksumState.PENDING: QT_TRANSLATE_NOOP("ChecksumWords", "Pending"),
    ChecksumState.HASHING: QT_TRANSLATE_NOOP("ChecksumWords", "Hashing"),
    ChecksumState.VERIFIED: QT_TRANSLATE_NOOP("ChecksumWords", "Verified"),
    ChecksumState.MISMATCH: QT_TRANSLATE_NOOP("ChecksumWords", "Mismatch"),
    ChecksumState.UNVERIFIED: QT_TRANSLATE_NOOP("ChecksumWords", "Unverified"),
}
_DEFAULT_REASONS: dict[ChecksumState, str] = {
    ChecksumState.PENDING: QT_TRANSLATE_NOOP("ChecksumWords", "Pending: not checked yet"),
    ChecksumState.HASHING: QT_TRANSLATE_NOOP("ChecksumWords", "Hashing: computing its sha256…"),
    ChecksumState.VERIFIED: QT_TRANSLATE_NOOP(
        "ChecksumWords", "Verified: its sha256 matches the server's file list"
    ),
    ChecksumState.MISMATCH: QT_TRANSLATE_NOOP(
        "ChecksumWords", "Mismatch: its sha256 differs from the server's file list"
    ),
    ChecksumState.UNVERIFIED: QT_TRANSLATE_NOOP(
        "ChecksumWords", "Unverified: the server keeps no checksum to compare with"
    ),
}


def state_word(state: ChecksumState) -> str:
    """A checksum state in a sentence ("3 files verified"), translated: ``core`` has no Qt."""
    return ChecksumWords.tr(_WORDS[state])


def state_label(state: ChecksumState) -> str:
    """A checksum state on its own, capitalised ("Verified")."""
    return ChecksumWords.tr(_LABELS[state])


def default_reason(state: ChecksumState) -> str:
    """Why a file has its icon when the engine gave no reason of its own."""
    return ChecksumWords.tr(_DEFAULT_REASONS[state])


def file_tooltip(file: FileSnapshot) -> str:
    """Why the file has its icon, in the engine's words when it gave a reason.

    The engine's fixed reasons are translated (``engine_words.file_reason``); one
    that quotes the server stays as the server said it.
    """
    if file.reason:
        return ChecksumWords.tr("{state}: {reason}").format(
            state=state_label(file.checksum), reason=file_reason(file.reason)
        )
    return default_reason(file.checksum)


def aggregate(files: Iterable[FileSnapshot]) -> ChecksumState | None:
    """The state a job row shows: the most severe of its files (None without files)."""
    worst: ChecksumState | None = None
    for file in files:
        if worst is None or SEVERITY[file.checksum] > SEVERITY[worst]:
            worst = file.checksum
    return worst


def reasons(files: Iterable[FileSnapshot]) -> list[tuple[ChecksumState, str, int]]:
    """(state, the engine's reason, how many files) per distinct pair, worst state first.

    The reason is what tells apart outcomes that share an icon: "unverified"
    because the server keeps no checksums, or because it recorded them for
    pulls without checking the upload.
    """
    counts: dict[tuple[ChecksumState, str], int] = {}
    for file in files:
        key = (file.checksum, file.reason)
        counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts.items(), key=lambda item: -SEVERITY[item[0][0]])
    return [(state, reason, n) for (state, reason), n in ordered]


def job_tooltip(files: tuple[FileSnapshot, ...]) -> str:
    """ "3 of 5 files verified, 1 mismatch, 1 pending", then the engine's reasons.

    When every file ended the same way for the same reason, one line says it:
    "All 3 files unverified: the server keeps no checksums".
    """
    return grouped_tooltip(reasons(files))


def grouped_tooltip(grouped: list[tuple[ChecksumState, str, int]]) -> str:
    """``job_tooltip`` from ``reasons()`` already counted (the model keeps them up to date,
    so a 20 000-file job is not counted again on every hover)."""
    if not grouped:
        return ChecksumWords.tr("No files yet")
    if len(grouped) == 1 and grouped[0][1]:
        state, reason, count = grouped[0]
        return ChecksumWords.tr("All {count} file(s) {state}: {reason}", "", count).format(
            count=f"{count:,}", state=state_word(state), reason=file_reason(reason)
        )
    counts: dict[ChecksumState, int] = {}
    for state, _, n in grouped:
        counts[state] = counts.get(state, 0) + n
    total = sum(counts.values())
    verified = counts.pop(ChecksumState.VERIFIED, 0)
    parts = [
        ChecksumWords.tr("{verified} of %n file(s) verified", "", total).format(verified=verified)
    ]
    parts += [
        ChecksumWords.tr("{count} {state}").format(count=n, state=state_word(state))
        for state, n in sorted(counts.items(), key=_by_severity)
    ]
    lines = [", ".join(parts)]
    lines += [
        ChecksumWords.tr("{count} {state}: {reason}").format(
            count=n, state=state_word(state), reason=file_reason(reason)
        )
        for state, reason, n in grouped
        if reason
    ]
    return "\n".join(lines)


def _by_severity(item: tuple[ChecksumState, int]) -> int:
    return -SEVERITY[item[0]]


class ChecksumIcons:
    """The five checksum icons in the current palette's variant."""

    def __init__(self) -> None:
        self._icons: dict[ChecksumState, QIcon] = {}
        self.reload()

    def reload(self) -> None:
        """Load the variant for the current palette (after a PaletteChange/ThemeChange)."""
        self._icons = {state: icons.icon(name) for state, name in CHECKSUM_ICON_NAMES.items()}

    def icon(self, state: ChecksumState) -> QIcon:
        return self._icons[state]
