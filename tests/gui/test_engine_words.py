"""The engine's sentences as the window says them (``gui.engine_words``).

``core`` keeps its English (the CLI prints it) and hands over keys and numbers
beside it; the window builds its own sentence from those. In English the two
must read the same, word for word, for every key, or they would drift apart
unseen; in German the window must not show the engine's English on its normal
paths (sync reasons, push and pull results, skips, phases).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from cloud_records import LISTED_FILES, bare, listed, many_files, reference
from cloud_records import whole as whole_record
from gui_records import NOW
from gui_records import make_model as make_local
from PySide6.QtCore import QLocale
from window_support import TIMEOUT_MS, add_model, load_both, push, select

from bentosync.application.cloud_target import CloudTarget
from bentosync.application.interrupted import InterruptedTransfer
from bentosync.application.jobs import JobId, JobSpec, JobStatus, TransferJob
from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import Checksums, DifferenceKind, FileEntry, difference
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import (
    SyncEntry,
    SyncReason,
    SyncState,
    compare,
    compute_sync_states,
    reason_text,
)
from bentosync.core.transfer.phrases import FileReason, Phrase, PhraseKey
from bentosync.gui import engine_words, i18n
from bentosync.gui.main_window import MainWindow
from bentosync.gui.models import transfer_format

BIG = 5_123_456_789  # over 2 GiB: Qt's %n count is a C int, sizes must not go through it


@pytest.fixture(autouse=True)
def english_numbers() -> Iterator[None]:
    """Digit grouping as the core writes it ("1,234"), whatever the machine's locale."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    yield
    QLocale.setDefault(before)


@pytest.fixture
def german(qapp) -> Iterator[None]:
    translators = i18n.install_translators(
        qapp, QLocale(QLocale.Language.German, QLocale.Country.Germany)
    )
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    yield
    i18n.remove_translators(qapp, translators)


def _cloud(name: str, status: str, why: str = "") -> CloudModel:
    data = {
        "version": "v1",
        "upload_status": status,
        "upload_finished_reason": why,
        "build_at": NOW.isoformat(),
        "manifest": {"size_bytes": 1014},
    }
    return CloudModel.from_json(data, name)


def _local(name: str, files: list[FileEntry], count: int | None = None) -> LocalModel:
    model = make_local(name, size=sum(e.size for e in files))
    return dataclasses.replace(model, file_count=len(files) if count is None else count)


def sync_entries() -> dict[str, SyncEntry]:
    """One entry per reason (and per plural form where a count is involved)."""
    one = [LISTED_FILES[0]]
    changed = [
        LISTED_FILES[0],
        FileEntry("model.yaml", 300, "9" * 64),
        FileEntry("new", 1, "8" * 64),
    ]
    shards = many_files(600)
    other_shards = [*shards[:-1], FileEntry(shards[-1].path, 10, "f" * 64)]
    found = {
        "local only": compute_sync_states([make_local("a")], [])["a:v1"],
        "cloud only": compute_sync_states([], [listed("c")])["c:v1"],
        "cloud only, failed": compute_sync_states([], [listed("c", status="failed")])["c:v1"],
        "hugging face": compare(make_local("llama-hf"), reference()),
        "not uploaded, why": compare(make_local("f"), _cloud("f", "failed", "connection lost")),
        "not uploaded": compare(make_local("p"), _cloud("p", "pending")),
        "sizes differ": compare(make_local("listed", size=BIG), listed()),
        "no checksums": compare(make_local("bare", size=1014), bare()),
        "same files": compare(_local("listed", LISTED_FILES), listed(), LISTED_FILES),
        "the only file": compare(_local("one", one), listed("one", one), one),
        "same whole": compare(_local("whole", shards), whole_record("whole", shards), shards),
        "whole, one file": compare(_local("w1", one), whole_record("w1", one), one),
        "files differ": compare(_local("listed", changed), listed(size=0), changed),
        "totals differ": compare(
            _local("whole", shards[:5]), whole_record("whole", shards, size=0), shards[:5]
        ),
        "contents differ": compare(
            _local("whole", other_shards), whole_record("whole", shards), other_shards
        ),
        "counts differ": compare(_local("listed", LISTED_FILES, count=2), listed()),
        "count of one": compare(_local("listed", LISTED_FILES, count=1), listed()),
        "size and count": compare(_local("listed", LISTED_FILES), listed()),
    }
    return found


ENTRIES = sync_entries()


def test_every_reason_and_difference_is_exercised():
    """The parametrized checks below cover every key, so a new one cannot slip past."""
    assert {e.reason_key for e in ENTRIES.values()} == set(SyncReason)
    kinds = {e.difference.kind for e in ENTRIES.values() if e.difference is not None}
    assert kinds == set(DifferenceKind)


@pytest.mark.parametrize("case", sorted(ENTRIES))
def test_english_sync_reasons_are_the_cores_word_for_word(qapp, case):
    entry = ENTRIES[case]
    assert entry.reason == reason_text(entry.reason_key, entry.reason_args, entry.difference)
    assert engine_words.sync_reason(entry) == entry.reason


PHRASE_ARGS: dict[str, int | str] = {
    "tag": "m:v1",
    "endpoint": "http://127.0.0.1:3000",
    "strategy": "multipart",
    "cloud_size": BIG,
    "local_size": 1234,
}
OTHER_FILES = difference(
    Checksums.of(LISTED_FILES), Checksums.of([*LISTED_FILES[:2], FileEntry("x", 1, "7" * 64)])
)


def phrases() -> list[Phrase]:
    made = []
    for key in PhraseKey:
        for count in (1, 2, 1234):
            made.append(Phrase(key, {**PHRASE_ARGS, "count": count}, OTHER_FILES))
    return made


@pytest.mark.parametrize("phrase", phrases(), ids=lambda p: f"{p.key.value}-{p.args['count']}")
def test_english_transfer_phrases_are_the_cores_word_for_word(qapp, phrase):
    assert engine_words.phrase_text(phrase) == phrase.english()


@pytest.mark.parametrize("reason", list(FileReason), ids=lambda r: r.name)
def test_english_file_reasons_are_the_cores_word_for_word(qapp, reason):
    assert engine_words.file_reason(reason) == reason.value
    assert engine_words.file_reason(str(reason.value)) == reason.value


def test_a_reason_quoting_the_server_stays_as_it_came(german):
    assert engine_words.file_reason("archive member x.bin: bad header") == (
        "archive member x.bin: bad header"
    )


def test_german_sync_reasons(german):
    words = {case: engine_words.sync_reason(entry) for case, entry in ENTRIES.items()}
    assert words["local only"] == "Nur auf diesem Computer; laden Sie es hoch, um es zu teilen."
    assert words["same files"] == "Alle 3 Dateien haben auf beiden Seiten dieselbe sha256."
    assert words["the only file"] == "Die einzige Datei hat auf beiden Seiten dieselbe sha256."
    assert words["sizes differ"] == (
        "Die Größen weichen ab: hier 5.123.456.789 Bytes, in der Cloud 1.014 Bytes."
    )
    assert words["files differ"] == (
        "1 Datei weicht ab (model.yaml); 1 nur hier (new); 1 nur in der Cloud (weights.bin)"
    )
    assert words["counts differ"] == "Hier 2 Dateien, in der Cloud 3."
    for case, text in words.items():
        assert text and text != ENTRIES[case].reason, case
        # The server's words may be quoted (a status, a failure's reason); ours may not.
        for english in ("files", "the cloud", "here", "push it", "differ"):
            assert english not in text, (case, text)


def test_german_transfer_phrases(german):
    words = {
        (phrase.key, phrase.args["count"]): engine_words.phrase_text(phrase) for phrase in phrases()
    }
    assert words[(PhraseKey.PUSHED_VERIFIED, 2)] == (
        "m:v1 hochgeladen (2 Dateien, jede vom Server verifiziert)"
    )
    assert words[(PhraseKey.PULLED_VERIFIED, 1)] == "m:v1 heruntergeladen (1 Datei, verifiziert)"
    for (key, count), text in words.items():
        english = Phrase(key, {**PHRASE_ARGS, "count": count}, OTHER_FILES).english()
        assert text != english, key
        for word in ("Pushed", "Pulled", "files", "already", "verified", "Cancelled"):
            assert word not in text, (key, text)


@pytest.fixture
def german_registry_window(
    german, qtbot, lookup_pool, settings, bentoml_home, registry
) -> MainWindow:
    """The main window in German (translators installed before it is built), on a registry."""
    target = CloudTarget(
        registry.endpoint, registry.token, "Local registry (this computer)", embedded=True
    )
    window = MainWindow(lookup_pool, settings=settings, resolver=lambda: target)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_german_details_panel_says_why_in_german(
    qtbot, german_registry_window, bentoml_home, registry
):
    window = german_registry_window
    shared = add_model(bentoml_home, "shared")
    push(registry, bentoml_home, str(shared.tag))
    mine = add_model(bentoml_home, "mine")
    load_both(qtbot, window)
    sync = window.details.fields["Sync"]

    select(window.local_pane, {str(mine.tag)})
    qtbot.waitUntil(lambda: "Computer" in sync.text(), timeout=TIMEOUT_MS)
    assert sync.text() == (
        "Nur lokal: Nur auf diesem Computer; laden Sie es hoch, um es zu teilen."
    )

    select(window.local_pane, {str(shared.tag)})
    # Its files are hashed on selection: then the checksums are compared too.
    qtbot.waitUntil(lambda: "sha256" in sync.text(), timeout=TIMEOUT_MS)
    assert sync.text().endswith(
        "Synchron: Verifiziert: Alle 3 Dateien haben auf beiden Seiten dieselbe sha256."
    ), sync.text()
    assert "files have the same" not in sync.text()


def test_a_push_and_a_pull_end_in_german_in_the_status_bar(
    qtbot, german_registry_window, bentoml_home, registry, tmp_path
):
    window = german_registry_window
    mine = add_model(bentoml_home, "mine")
    other = tmp_path / "elsewhere"
    theirs = add_model(other, "theirs")
    push(registry, other, str(theirs.tag))
    load_both(qtbot, window)
    manager = window.transfers

    def finished(count: int) -> None:
        """The jobs ended and the window has told of the last one (a queued signal later)."""
        qtbot.waitUntil(
            lambda: len(manager.jobs()) >= count and all(j.finished for j in manager.jobs()),
            timeout=TIMEOUT_MS,
        )
        qtbot.waitUntil(lambda: len(window.notifier.history) >= count, timeout=TIMEOUT_MS)

    window.operations.push([str(mine.tag)])
    finished(1)
    assert manager.jobs()[0].status is JobStatus.DONE
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Upload abgeschlossen: {mine.tag} hochgeladen (3 Dateien, ")
    assert "Pushed" not in message and "files" not in message

    window.operations.pull([str(theirs.tag)])
    finished(2)
    message = window.statusBar().currentMessage()
    assert message == (
        f"Download abgeschlossen: {theirs.tag} heruntergeladen (3 Dateien, jede verifiziert)"
    )

    # Nothing to do: it is there already (the manager, not the window's conflict dialog).
    manager.push(str(mine.tag))
    finished(3)
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Upload übersprungen: {mine.tag} ist bereits auf "), message
    assert message.endswith(", Datei für Datei identisch.")


@pytest.mark.parametrize(
    ("done", "total", "english"),
    [
        (0, 0, "it had not started moving files"),
        (3, 7, "3 of 7 files were done"),
        (1_000, 2_000, "1,000 of 2,000 files were done"),
    ],
)
def test_an_interrupted_job_says_how_far_it_came(qapp, done, total, english):
    """The job's English message is the application's; the window words it from the record."""
    record = InterruptedTransfer("push", "m:v1", done_files=done, total_files=total)
    job = TransferJob.interrupted(JobSpec(JobId(1), "push", "m:v1"), record)
    snapshot = job.snapshot()
    expected = f"Interrupted when BentoSync last closed; {english}. Retry resumes it from there."
    assert transfer_format.job_message(snapshot) == expected
    assert snapshot.message == expected


def test_german_interrupted_job(german):
    record = InterruptedTransfer("push", "m:v1", done_files=1, total_files=1)
    job = TransferJob.interrupted(JobSpec(JobId(1), "push", "m:v1"), record)
    assert transfer_format.job_message(job.snapshot()) == (
        "Unterbrochen, als BentoSync zuletzt geschlossen wurde; 1 von 1 Datei war fertig. "
        "„Wiederholen“ setzt dort fort."
    )


def test_an_entry_without_a_key_shows_its_own_words(german):
    entry = SyncEntry("a:v1", SyncState.DIFFERS, make_local("a"), None, "told by a plugin")
    assert engine_words.sync_reason(entry) == "told by a plugin"
