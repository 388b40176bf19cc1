"""The terminal's progress: every settled file logged once, and a redraw of what is active."""

from __future__ import annotations

import io

from bentosync.commands.progress_view import LOG_FILE_LINES, ProgressView
from bentosync.core.transfer.progress import ChecksumState, Phase, TransferProgress


def _job(count: int) -> TransferProgress:
    progress = TransferProgress("pull", "m:v")
    progress.set_files((f"f{n:05d}", 10) for n in range(count))
    progress.set_phase(Phase.DOWNLOADING, "Downloading")
    return progress


def test_the_log_names_settled_files_once_and_counts_the_rest():
    progress = _job(3000)
    out = io.StringIO()
    view = ProgressView(progress, stream=out, interactive=False)
    for start in range(0, 3000, 1000):
        for n in range(start, start + 1000):
            progress.set_done(f"f{n:05d}", 10)
            progress.set_checksum(f"f{n:05d}", ChecksumState.VERIFIED)
        view._render(final=False)
        view._render(final=False)  # nothing changed: nothing new to say
    view._render(final=True)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("  ")]
    assert len(lines) == LOG_FILE_LINES + 1  # the rest in one line, at the end
    assert len({line.split()[-1] for line in lines[:-1]}) == LOG_FILE_LINES
    assert lines[-1] == f"  … and {3000 - LOG_FILE_LINES:,} more files verified"


def test_a_mismatch_is_always_named():
    progress = _job(LOG_FILE_LINES + 50)
    out = io.StringIO()
    view = ProgressView(progress, stream=out, interactive=False)
    for n in range(LOG_FILE_LINES + 50):
        progress.set_done(f"f{n:05d}", 10)
        bad = n == LOG_FILE_LINES + 10
        state = ChecksumState.MISMATCH if bad else ChecksumState.VERIFIED
        progress.set_checksum(f"f{n:05d}", state, "sha256 differs" if bad else "")
    view._render(final=True)
    assert f"f{LOG_FILE_LINES + 10:05d} (sha256 differs)" in out.getvalue()
    assert "… and 49 more files verified" in out.getvalue()


def test_a_redraw_shows_active_files_before_finished_ones():
    progress = _job(50)
    for n in range(0, 50, 2):
        progress.set_done(f"f{n:05d}", 10)
        progress.set_checksum(f"f{n:05d}", ChecksumState.VERIFIED)
    out = io.StringIO()
    ProgressView(progress, stream=out, interactive=True)._render(final=False)
    shown = [line for line in out.getvalue().split("\n") if "f000" in line]
    assert shown and all(line.rstrip().endswith(tuple("13579")) for line in shown[:10])
