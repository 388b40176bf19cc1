"""Words and numbers for the transfers list and the status bar.

Kept apart from the model so the texts can be tested without Qt, and so the
status bar summary and the rows always say the same thing the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta

import humanize

from bentosync.application.formatting import format_size, format_speed
from bentosync.application.jobs import KIND_PULL, KIND_PUSH, KIND_VERIFY, JobSnapshot, JobStatus
from bentosync.core.transfer.progress import ChecksumState, FileSnapshot, Phase
from bentosync.gui.delegates.checksum_icons import reasons

logger = logging.getLogger(__name__)

KIND_LABELS = {"push": "Push", "pull": "Pull", "verify": "Verify"}
#: The transfers panel's action for a push refused by ``RecordConflict``.
REPLACE_ACTION = "Delete from Cloud and Push Again…"
PHASE_LABELS = {
    Phase.QUEUED: "Queued",
    Phase.PREPARING: "Preparing",
    Phase.HASHING: "Hashing",
    Phase.UPLOADING: "Uploading",
    Phase.DOWNLOADING: "Downloading",
    Phase.VERIFYING: "Verifying",
    Phase.INSTALLING: "Installing",
    Phase.DONE: "Done",
    Phase.SKIPPED: "Skipped",
    Phase.FAILED: "Failed",
    Phase.CANCELLED: "Cancelled",
}


def format_eta(seconds: float | None) -> str:
    """ "3 minutes", "20 seconds": coarse, for a narrow column; empty while unknown."""
    if seconds is None:
        return ""
    return humanize.naturaldelta(timedelta(seconds=max(1.0, seconds)))


def format_eta_exact(seconds: float | None) -> str:
    """ "1 minute and 20 seconds", for the tooltip."""
    if seconds is None:
        return "Unknown until data moves"
    delta = timedelta(seconds=round(max(1.0, seconds)))
    return humanize.precisedelta(delta, minimum_unit="seconds", format="%0.0f") + " left"


def format_percent(fraction: float) -> str:
    """Whole percent, floored, so a bar never says 100% before it is complete."""
    return f"{int(fraction * 100)}%"


def job_title(snapshot: JobSnapshot) -> str:
    return f"{KIND_LABELS.get(snapshot.kind, snapshot.kind)} {snapshot.tag}"


Grouped = list[tuple[ChecksumState, str, int]]


def job_status_text(snapshot: JobSnapshot, grouped: Grouped | None = None) -> str:
    """The status cell: the phase while running, the outcome (and why) once finished.

    ``grouped`` is ``checksum_icons.reasons(snapshot.files)`` when the caller keeps
    it counted already (the transfers model does); otherwise it is counted here.
    """
    status = snapshot.status
    if status is JobStatus.QUEUED:
        return "Cancelling…" if snapshot.cancel_requested else "Queued"
    if status is JobStatus.RUNNING:
        if snapshot.cancel_requested:
            return "Cancelling…"
        return PHASE_LABELS.get(snapshot.progress.phase, snapshot.progress.phase.value)
    if status is JobStatus.FAILED:
        return f"Failed: {snapshot.error}" if snapshot.error else "Failed"
    if status is JobStatus.SKIPPED:
        return f"Skipped: {snapshot.message}" if snapshot.message else "Skipped"
    if status is JobStatus.DONE:
        return done_text(snapshot, grouped)
    if status is JobStatus.INTERRUPTED:
        return snapshot.interrupted.short() if snapshot.interrupted else status.label
    return status.label


def done_text(snapshot: JobSnapshot, grouped: Grouped | None = None) -> str:
    """ "Done, verified", or "Done, unverified: <why>" in the engine's words.

    A push to a server that records checksums without checking uploads and
    one to a server that keeps none both leave the files unverified; the
    engine's reason is what tells the two apart, so it is shown, not hidden
    behind one "unverified".
    """
    if grouped is None:
        grouped = reasons(snapshot.files)
    states = {state for state, _, _ in grouped}
    if states == {ChecksumState.VERIFIED}:
        return "Done, verified"
    if len(grouped) == 1 and grouped[0][0] is ChecksumState.UNVERIFIED and grouped[0][1]:
        return f"Done, unverified: {grouped[0][1]}"
    return "Done"


def replace_hint(snapshot: JobSnapshot) -> str:
    """What the window offers for a push refused because the cloud record lists other files."""
    return (
        f"To replace the cloud version with this computer's copy, choose “{REPLACE_ACTION}” "
        "in this transfer's context menu or the Transfers toolbar: it asks before deleting "
        f"{snapshot.tag} from the cloud."
    )


def job_status_tooltip(snapshot: JobSnapshot) -> str:
    if snapshot.record_conflict:
        return f"{snapshot.error or snapshot.message}\n\n{replace_hint(snapshot)}"
    if snapshot.status.finished:
        return snapshot.error or snapshot.message
    return snapshot.progress.message or job_status_text(snapshot)


def file_status_text(file: FileSnapshot, job: JobSnapshot) -> str:
    if (file.size and file.done >= file.size) or (not file.size and job.status is JobStatus.DONE):
        return "Done"
    if job.status.finished:
        return "Stopped" if job.status in (JobStatus.FAILED, JobStatus.CANCELLED) else ""
    return "Transferring" if file.done else "Waiting"


def overall_text(snapshots: Iterable[JobSnapshot]) -> str:
    """One line for the status bar about every listed job.

    "2 transfers · 340 MiB of 1.0 GiB · 45.1 MiB/s · 20 seconds left", or the
    outcome once everything ended ("3 transfers finished, 1 failed").
    """
    jobs = list(snapshots)
    if not jobs:
        return "No transfers"
    running = [j for j in jobs if not j.finished]
    if not running:
        failed = sum(1 for j in jobs if j.status is JobStatus.FAILED)
        interrupted = sum(1 for j in jobs if j.status is JobStatus.INTERRUPTED)
        ended = len(jobs) - interrupted
        parts = []
        if ended:
            noun = "transfer" if ended == 1 else "transfers"
            parts.append(f"{ended} {noun} finished" + (f", {failed} failed" if failed else ""))
        if interrupted:
            noun = "transfer" if interrupted == 1 else "transfers"
            parts.append(f"{interrupted} {noun} interrupted (Retry resumes)")
        return " · ".join(parts)
    total = sum(j.progress.total_bytes for j in running)
    done = sum(min(j.progress.done_bytes, j.progress.total_bytes) for j in running)
    speed = sum(j.bytes_per_second for j in running)
    noun = "transfer" if len(running) == 1 else "transfers"
    parts = [f"{len(running)} {noun} running"]
    if total:
        parts.append(f"{format_size(done)} of {format_size(total)}")
    if speed > 0:
        parts.append(format_speed(speed))
        parts.append(f"{format_eta(max(0, total - done) / speed)} left")
    return " · ".join(parts)


_VERBS = {KIND_PUSH: "Push", KIND_PULL: "Pull", KIND_VERIFY: "Verify"}


def describe_outcome(snapshot: JobSnapshot) -> tuple[str, str, bool]:
    """(title, message, is_error) for the notification of a finished job."""
    verb = _VERBS.get(snapshot.kind, snapshot.kind.capitalize())
    status = snapshot.status
    if status is JobStatus.DONE:
        return f"{verb} finished", snapshot.message or snapshot.tag, False
    if status is JobStatus.SKIPPED:
        message = snapshot.message or snapshot.tag
        if snapshot.record_conflict:
            message = f"{message} {replace_hint(snapshot)}"
        return f"{verb} skipped", message, False
    if status in (JobStatus.CANCELLED, JobStatus.INTERRUPTED):
        return f"{verb} {status.value}", snapshot.tag, False
    message = snapshot.error or snapshot.message
    if snapshot.record_conflict:
        message = f"{message} {replace_hint(snapshot)}"
    return f"{verb} of {snapshot.tag} failed", message, True
