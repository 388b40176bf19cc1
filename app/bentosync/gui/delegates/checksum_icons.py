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

logger = logging.getLogger(__name__)

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

_DEFAULT_REASONS: dict[ChecksumState, str] = {
    ChecksumState.PENDING: "Pending: not checked yet",
    ChecksumState.HASHING: "Hashing: computing its sha256…",
    ChecksumState.VERIFIED: "Verified: its sha256 matches the server's file list",
    ChecksumState.MISMATCH: "Mismatch: its sha256 differs from the server's file list",
    ChecksumState.UNVERIFIED: "Unverified: the server keeps no checksum to compare with",
}


def file_tooltip(file: FileSnapshot) -> str:
    """Why the file has its icon, in the engine's words when it gave a reason."""
    label = file.checksum.value.capitalize()
    if file.reason:
        return f"{label}: {file.reason}"
    return _DEFAULT_REASONS[file.checksum]


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


def _files(count: int) -> str:
    return "1 file" if count == 1 else f"{count:,} files"


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
        return "No files yet"
    if len(grouped) == 1 and grouped[0][1]:
        state, reason, count = grouped[0]
        every = "All " if count > 1 else ""
        return f"{every}{_files(count)} {state.value}: {reason}"
    counts: dict[ChecksumState, int] = {}
    for state, _, n in grouped:
        counts[state] = counts.get(state, 0) + n
    total = sum(counts.values())
    verified = counts.pop(ChecksumState.VERIFIED, 0)
    parts = [f"{verified} of {total} files verified"]
    parts += [f"{n} {state.value}" for state, n in sorted(counts.items(), key=_by_severity)]
    lines = [", ".join(parts)]
    lines += [f"{n} {state.value}: {reason}" for state, reason, n in grouped if reason]
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
