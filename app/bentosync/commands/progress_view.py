"""Per-file progress on a terminal; plain, append-only lines everywhere else.

A thread polls the job's ``TransferProgress`` a few times a second (the engine
never prints). On a TTY the block of lines is redrawn in place; in a pipe or a
CI log each file is reported once, when its checksum state settles, so logs
stay short and greppable.
"""

from __future__ import annotations

import logging
import shutil
import sys
import threading
from typing import TextIO

import humanize

from bentosync.application.formatting import format_size
from bentosync.commands.output import can_encode
from bentosync.core.transfer.progress import (
    ChecksumState,
    FileSnapshot,
    Phase,
    ProgressSnapshot,
    TransferProgress,
)

logger = logging.getLogger(__name__)

MAX_FILE_LINES = 12
LOG_FILE_LINES = 200  # files named one by one in a log (not a terminal)
SYMBOLS = {
    ChecksumState.PENDING: "·",
    ChecksumState.HASHING: "…",
    ChecksumState.VERIFIED: "✓",
    ChecksumState.MISMATCH: "✗",
    ChecksumState.UNVERIFIED: "?",
}
# For a stream whose encoding cannot carry the symbols above (a Windows code page,
# PYTHONIOENCODING=ascii): the same meaning in ASCII, rather than a crash.
ASCII_SYMBOLS = {
    ChecksumState.PENDING: ".",
    ChecksumState.HASHING: "~",
    ChecksumState.VERIFIED: "v",
    ChecksumState.MISMATCH: "x",
    ChecksumState.UNVERIFIED: "?",
}
SETTLED = (ChecksumState.VERIFIED, ChecksumState.MISMATCH, ChecksumState.UNVERIFIED)


def _bar(fraction: float, width: int = 20) -> str:
    filled = round(fraction * width)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def summary_line(snap: ProgressSnapshot) -> str:
    speed = f"{format_size(int(snap.bytes_per_second))}/s" if snap.bytes_per_second > 0 else ""
    eta = snap.eta_seconds
    eta_text = f"ETA {humanize.naturaldelta(eta)}" if eta is not None and speed else ""
    parts = [
        f"{snap.kind} {snap.tag}",
        snap.phase.value,
        f"{format_size(snap.done_bytes)}/{format_size(snap.total_bytes)}",
        speed,
        eta_text,
    ]
    return "  ".join(p for p in parts if p)


def file_line(f: FileSnapshot, width: int, symbols: dict[ChecksumState, str] = SYMBOLS) -> str:
    text = f"  {symbols[f.checksum]} {_bar(f.fraction)} {f.fraction * 100:5.1f}%  {f.path}"
    if f.reason and f.checksum is ChecksumState.MISMATCH:
        text += f"  ({f.reason})"
    return text[:width]


class ProgressView:
    """Shows one job's progress until ``stop()``; use as a context manager."""

    def __init__(
        self,
        progress: TransferProgress,
        stream: TextIO | None = None,
        interval: float = 0.25,
        interactive: bool | None = None,
    ) -> None:
        self.progress = progress
        self.stream = stream or sys.stderr
        self.interval = interval
        self.interactive = self.stream.isatty() if interactive is None else interactive
        unicode = can_encode(self.stream, "".join(SYMBOLS.values()))
        self._symbols = SYMBOLS if unicode else ASCII_SYMBOLS
        self._more = "…" if unicode else "..."
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="bentosync-progress", daemon=True)
        self._drawn = 0
        self._reported: set[str] = set()
        self._last_phase: Phase | None = None
        self._seen: int | None = None  # the revision the log has written out
        self._unlisted: dict[ChecksumState, int] = {}  # settled past LOG_FILE_LINES

    def __enter__(self) -> ProgressView:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._render(final=True)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self._render(final=False)

    def _render(self, *, final: bool) -> None:
        # Only the log needs what changed; a redraw shows the first files whatever they are.
        snap = self.progress.snapshot(since=None if self.interactive else self._seen)
        self._seen = snap.revision
        if self.interactive:
            self._redraw(snap)
        else:
            self._append(snap, final=final)
        self.stream.flush()

    def _redraw(self, snap: ProgressSnapshot) -> None:
        width = shutil.get_terminal_size((100, 20)).columns - 1
        active: list[FileSnapshot] = []
        done: list[FileSnapshot] = []
        for f in snap.files:  # one pass: 20,000 files must not cost 20,000² comparisons
            (active if f.checksum not in SETTLED or f.fraction < 1 else done).append(f)
        shown = (active + done)[:MAX_FILE_LINES]
        lines = [summary_line(snap)[:width]]
        lines += [file_line(f, width, self._symbols) for f in shown]
        hidden = len(snap.files) - len(shown)
        if hidden > 0:
            lines.append(f"  {self._more} and {hidden} more files")
        if self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F")
        for line in lines:
            self.stream.write("\x1b[2K" + line + "\n")
        self._drawn = len(lines)

    def _append(self, snap: ProgressSnapshot, *, final: bool = False) -> None:
        """A log: each settled file once, up to ``LOG_FILE_LINES`` of them; a mismatch always.

        A model of 20,000 files would otherwise write 20,000 lines that say
        "verified"; past the limit they are counted, and said in one line at the end.
        """
        if snap.phase is not self._last_phase:
            self._last_phase = snap.phase
            self.stream.write(summary_line(snap) + "\n")
        # The files changed since the last look, when the snapshot can say: 20,000 files
        # are not read four times a second to find the few that settled.
        files = snap.files if snap.changed is None else (snap.files[i] for i in snap.changed)
        for f in files:
            if f.checksum in SETTLED and f.path not in self._reported:
                self._reported.add(f.path)
                if (
                    len(self._reported) > LOG_FILE_LINES
                    and f.checksum is not ChecksumState.MISMATCH
                ):
                    self._unlisted[f.checksum] = self._unlisted.get(f.checksum, 0) + 1
                    continue
                reason = f" ({f.reason})" if f.reason else ""
                self.stream.write(
                    f"  {f.checksum.value:<10} {format_size(f.size):>10}  {f.path}{reason}\n"
                )
        if final:
            for state, count in self._unlisted.items():
                files_word = "file" if count == 1 else "files"
                self.stream.write(f"  {self._more} and {count:,} more {files_word} {state.value}\n")
            self._unlisted.clear()
