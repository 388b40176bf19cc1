"""Words and numbers for the transfers list and the status bar.

Kept apart from the model so the texts can be tested without Qt, and so the
status bar summary and the rows always say the same thing the same way.
Every word is translated here (context ``TransferFormat``). A job's ``message`` is
said in the window's language when the engine gave it as a phrase (its fixed
sentences: phases, results, skips; see ``engine_words``). What the server and
the engine say on a failure (a job's ``error``, a mismatch's reason) is shown as
it came, in English: it names files, servers and the CLI's words.
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
from bentosync.gui.engine_words import file_reason, number, phrase_text
from bentosync.gui.i18n import QT_TRANSLATE_NOOP, TranslationContext

logger = logging.getLogger(__name__)


class TransferFormat(TranslationContext):
    """The words of the transfers list and the status bar line."""


#: The transfers panel's action for a push refused by ``RecordConflict`` (English source).
REPLACE_ACTION = QT_TRANSLATE_NOOP("TransferFormat", "Delete from Cloud and Push Again…")


def replace_action_text() -> str:
    """:data:`REPLACE_ACTION` in the current language."""
    return TransferFormat.tr(REPLACE_ACTION)


def kind_label(kind: str) -> str:
    """A job's kind as a noun in its title ("Push sentiment:v1")."""
    if kind == KIND_PUSH:
        return TransferFormat.tr("Push")
    if kind == KIND_PULL:
        return TransferFormat.tr("Pull")
    if kind == KIND_VERIFY:
        return TransferFormat.tr("Verify")
    return kind


def kind_word(kind: str) -> str:
    """A job's kind inside a sentence ("job #3 (push m:v1) is running"), as the CLI names it."""
    if kind == KIND_PUSH:
        return TransferFormat.tr("push", "a job's kind inside a sentence")
    if kind == KIND_PULL:
        return TransferFormat.tr("pull", "a job's kind inside a sentence")
    if kind == KIND_VERIFY:
        return TransferFormat.tr("verify", "a job's kind inside a sentence")
    return kind


def phase_label(phase: Phase) -> str:
    """The engine's phase (``core.transfer.progress.Phase``) in words."""
    labels = {
        Phase.QUEUED: TransferFormat.tr("Queued"),
        Phase.PREPARING: TransferFormat.tr("Preparing"),
        Phase.HASHING: TransferFormat.tr("Hashing"),
        Phase.UPLOADING: TransferFormat.tr("Uploading"),
        Phase.DOWNLOADING: TransferFormat.tr("Downloading"),
        Phase.VERIFYING: TransferFormat.tr("Verifying"),
        Phase.INSTALLING: TransferFormat.tr("Installing"),
        Phase.DONE: TransferFormat.tr("Done"),
        Phase.SKIPPED: TransferFormat.tr("Skipped"),
        Phase.FAILED: TransferFormat.tr("Failed"),
        Phase.CANCELLED: TransferFormat.tr("Cancelled"),
    }
    return labels.get(phase, phase.value)


def status_label(status: JobStatus) -> str:
    """A job's status (``application.jobs.JobStatus``) in words; ``label`` is the CLI's."""
    labels = {
        JobStatus.QUEUED: TransferFormat.tr("Queued"),
        JobStatus.RUNNING: TransferFormat.tr("Running"),
        JobStatus.DONE: TransferFormat.tr("Done"),
        JobStatus.SKIPPED: TransferFormat.tr("Skipped"),
        JobStatus.FAILED: TransferFormat.tr("Failed"),
        JobStatus.CANCELLED: TransferFormat.tr("Cancelled"),
        JobStatus.INTERRUPTED: TransferFormat.tr("Interrupted"),
    }
    return labels.get(status, status.label)


def format_eta(seconds: float | None) -> str:
    """ "3 minutes", "20 seconds": coarse, for a narrow column; empty while unknown.

    humanize speaks the window's language (``i18n`` activates its catalogue).
    """
    if seconds is None:
        return ""
    return humanize.naturaldelta(timedelta(seconds=max(1.0, seconds)))


def format_eta_exact(seconds: float | None) -> str:
    """ "1 minute and 20 seconds", for the tooltip."""
    if seconds is None:
        return TransferFormat.tr("Unknown until data moves")
    delta = timedelta(seconds=round(max(1.0, seconds)))
    precise = humanize.precisedelta(delta, minimum_unit="seconds", format="%0.0f")
    return TransferFormat.tr("{eta} left").format(eta=precise)


def format_percent(fraction: float) -> str:
    """Whole percent, floored, so a bar never says 100% before it is complete."""
    return f"{int(fraction * 100)}%"


def job_title(snapshot: JobSnapshot) -> str:
    return TransferFormat.tr("{kind} {tag}").format(
        kind=kind_label(snapshot.kind), tag=snapshot.tag
    )


def interrupted_text(snapshot: JobSnapshot) -> str:
    """The status cell of a job the last run left: "Interrupted · 3 of 7 files done"."""
    interrupted = snapshot.interrupted
    if interrupted is None or not interrupted.total_files:
        return status_label(JobStatus.INTERRUPTED)
    return interrupted_files(interrupted.done_files, interrupted.total_files)


def interrupted_files(done: int, total: int) -> str:
    """ "Interrupted · 3 of 7 files done" (also the Status column's yardstick)."""
    return TransferFormat.tr(
        "Interrupted · {done} of {total} file(s) done",
        "",
        total,
    ).format(done=f"{done:,}", total=f"{total:,}")


Grouped = list[tuple[ChecksumState, str, int]]


def job_status_text(snapshot: JobSnapshot, grouped: Grouped | None = None) -> str:
    """The status cell: the phase while running, the outcome (and why) once finished.

    ``grouped`` is ``checksum_icons.reasons(snapshot.files)`` when the caller keeps
    it counted already (the transfers model does); otherwise it is counted here.
    """
    status = snapshot.status
    cancelling = TransferFormat.tr("Cancelling…")
    if status is JobStatus.QUEUED:
        return cancelling if snapshot.cancel_requested else status_label(status)
    if status is JobStatus.RUNNING:
        if snapshot.cancel_requested:
            return cancelling
        return phase_label(snapshot.progress.phase)
    if status is JobStatus.FAILED:
        if snapshot.error:
            return TransferFormat.tr("Failed: {error}").format(error=snapshot.error)
        return status_label(status)
    if status is JobStatus.SKIPPED:
        if snapshot.message:
            return TransferFormat.tr("Skipped: {reason}").format(reason=job_message(snapshot))
        return status_label(status)
    if status is JobStatus.DONE:
        return done_text(snapshot, grouped)
    if status is JobStatus.INTERRUPTED:
        return interrupted_text(snapshot)
    return status_label(status)


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
        return TransferFormat.tr("Done, verified")
    if len(grouped) == 1 and grouped[0][0] is ChecksumState.UNVERIFIED and grouped[0][1]:
        return TransferFormat.tr("Done, unverified: {reason}").format(
            reason=file_reason(grouped[0][1])
        )
    return TransferFormat.tr("Done")


def job_message(snapshot: JobSnapshot) -> str:
    """The job's message in the window's language where the engine gave it as a phrase;
    else as it came (free text, such as a failure's sentence)."""
    if snapshot.phrase is not None:
        return phrase_text(snapshot.phrase)
    if snapshot.status is JobStatus.INTERRUPTED and snapshot.interrupted is not None:
        record = snapshot.interrupted
        if record.total_files:
            return TransferFormat.tr(
                "Interrupted when BentoSync last closed; {done} of %Ln file(s) were done. "
                "Retry resumes it from there.",
                "",
                record.total_files,
            ).format(done=number(record.done_files))
        return TransferFormat.tr(
            "Interrupted when BentoSync last closed; it had not started moving files. "
            "Retry resumes it from there."
        )
    return snapshot.message


def progress_message(snapshot: JobSnapshot) -> str:
    """What a running job's engine is doing, in the window's language where it can be."""
    if snapshot.progress.phrase is not None:
        return phrase_text(snapshot.progress.phrase)
    return snapshot.progress.message


def replace_hint(snapshot: JobSnapshot) -> str:
    """What the window offers for a push refused because the cloud record lists other files."""
    return TransferFormat.tr(
        "To replace the cloud version with this computer's copy, choose “{action}” "
        "in this transfer's context menu or the Transfers toolbar: it asks before deleting "
        "{tag} from the cloud.",
    ).format(action=replace_action_text(), tag=snapshot.tag)


def job_status_tooltip(snapshot: JobSnapshot) -> str:
    if snapshot.record_conflict:
        return f"{snapshot.error or job_message(snapshot)}\n\n{replace_hint(snapshot)}"
    if snapshot.status.finished:
        return snapshot.error or job_message(snapshot)
    return progress_message(snapshot) or job_status_text(snapshot)


def file_status_text(file: FileSnapshot, job: JobSnapshot) -> str:
    if (file.size and file.done >= file.size) or (not file.size and job.status is JobStatus.DONE):
        return TransferFormat.tr("Done")
    if job.status.finished:
        if job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
            return TransferFormat.tr("Stopped")
        return ""
    if file.done:
        return TransferFormat.tr("Transferring")
    return TransferFormat.tr("Waiting")


def overall_text(snapshots: Iterable[JobSnapshot]) -> str:
    """One line for the status bar about every listed job.

    "2 transfers · 340 MiB of 1.0 GiB · 45.1 MiB/s · 20 seconds left", or the
    outcome once everything ended ("3 transfers finished, 1 failed").
    """
    jobs = list(snapshots)
    if not jobs:
        return TransferFormat.tr("No transfers")
    running = [j for j in jobs if not j.finished]
    if not running:
        failed = sum(1 for j in jobs if j.status is JobStatus.FAILED)
        interrupted = sum(1 for j in jobs if j.status is JobStatus.INTERRUPTED)
        ended = len(jobs) - interrupted
        parts = []
        if ended:
            text = TransferFormat.tr("%n transfer(s) finished", "", ended)
            if failed:
                text = TransferFormat.tr("{finished}, {failed} failed").format(
                    finished=text, failed=failed
                )
            parts.append(text)
        if interrupted:
            parts.append(
                TransferFormat.tr(
                    "%n transfer(s) interrupted (Retry resumes)",
                    "",
                    interrupted,
                )
            )
        return " · ".join(parts)
    total = sum(j.progress.total_bytes for j in running)
    done = sum(min(j.progress.done_bytes, j.progress.total_bytes) for j in running)
    speed = sum(j.bytes_per_second for j in running)
    parts = [TransferFormat.tr("%n transfer(s) running", "", len(running))]
    if total:
        parts.append(
            TransferFormat.tr("{done} of {total}").format(
                done=format_size(done), total=format_size(total)
            )
        )
    if speed > 0:
        parts.append(format_speed(speed))
        parts.append(
            TransferFormat.tr("{eta} left").format(eta=format_eta(max(0, total - done) / speed))
        )
    return " · ".join(parts)


def describe_outcome(snapshot: JobSnapshot) -> tuple[str, str, bool]:
    """(title, message, is_error) for the notification of a finished job."""
    kind, status, tag = snapshot.kind, snapshot.status, snapshot.tag
    if status is JobStatus.DONE:
        return _outcome_title(kind, "finished", tag), job_message(snapshot) or tag, False
    if status is JobStatus.SKIPPED:
        message = job_message(snapshot) or tag
        if snapshot.record_conflict:
            message = f"{message} {replace_hint(snapshot)}"
        return _outcome_title(kind, "skipped", tag), message, False
    if status in (JobStatus.CANCELLED, JobStatus.INTERRUPTED):
        return _outcome_title(kind, status.value, tag), tag, False
    message = snapshot.error or job_message(snapshot)
    if snapshot.record_conflict:
        message = f"{message} {replace_hint(snapshot)}"
    return _outcome_title(kind, "failed", tag), message, True


def _outcome_title(kind: str, outcome: str, tag: str) -> str:
    """A notification's title. One message per kind and outcome: a verb's form and
    the word order differ between languages ("Push abgeschlossen")."""
    titles = {
        (KIND_PUSH, "finished"): TransferFormat.tr("Push finished"),
        (KIND_PULL, "finished"): TransferFormat.tr("Pull finished"),
        (KIND_VERIFY, "finished"): TransferFormat.tr("Verify finished"),
        (KIND_PUSH, "skipped"): TransferFormat.tr("Push skipped"),
        (KIND_PULL, "skipped"): TransferFormat.tr("Pull skipped"),
        (KIND_VERIFY, "skipped"): TransferFormat.tr("Verify skipped"),
        (KIND_PUSH, "cancelled"): TransferFormat.tr("Push cancelled"),
        (KIND_PULL, "cancelled"): TransferFormat.tr("Pull cancelled"),
        (KIND_VERIFY, "cancelled"): TransferFormat.tr("Verify cancelled"),
        (KIND_PUSH, "interrupted"): TransferFormat.tr("Push interrupted"),
        (KIND_PULL, "interrupted"): TransferFormat.tr("Pull interrupted"),
        (KIND_VERIFY, "interrupted"): TransferFormat.tr("Verify interrupted"),
        (KIND_PUSH, "failed"): TransferFormat.tr("Push of {tag} failed"),
        (KIND_PULL, "failed"): TransferFormat.tr("Pull of {tag} failed"),
        (KIND_VERIFY, "failed"): TransferFormat.tr("Verify of {tag} failed"),
    }
    title = titles.get((kind, outcome), f"{kind.capitalize()} {outcome}")
    return title.format(tag=tag)
