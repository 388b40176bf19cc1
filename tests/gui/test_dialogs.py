"""Conflict, delete and import dialogs, answered programmatically (no modal loops)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget

from bentosync.gui.dialogs.conflict_dialog import (
    PULL,
    PUSH,
    Choice,
    ConflictDialog,
    ConflictResolver,
    PlannedTransfer,
    plan_transfers,
)
from bentosync.gui.dialogs.delete_dialog import (
    CLOUD,
    LOCAL,
    DeleteDialog,
    DeletionItem,
    describe_deletion,
)
from bentosync.gui.dialogs.import_dialog import ImportDialog, parse_labels, suggest_name

MIB = 1024 * 1024


@pytest.fixture
def parent(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def run_resolver(qtbot, parent, tags, conflicts, answers):
    """Answer each question with the next (choice, apply_all); returns the plan."""
    resolver = ConflictResolver(PUSH, tags, conflicts, "https://cloud.example", parent)
    asked: list[str] = []
    queue = list(answers)

    def answer(dialog: ConflictDialog) -> None:
        asked.append(dialog.tag)
        choice, apply_all = queue.pop(0)
        dialog.choose(choice, apply_all)

    resolver.question_opened.connect(answer)
    with qtbot.waitSignal(resolver.finished, timeout=5000) as done:
        resolver.start()
    return done.args[0], asked


def test_no_conflicts_means_no_questions(qtbot, parent):
    plan, asked = run_resolver(qtbot, parent, ["a:1", "b:1"], {}, [])
    assert plan == [PlannedTransfer("a:1"), PlannedTransfer("b:1")]
    assert asked == []


def test_each_conflict_is_asked_in_turn(qtbot, parent):
    plan, asked = run_resolver(
        qtbot,
        parent,
        ["a:1", "b:1", "c:1", "d:1"],
        {"a:1": "", "c:1": "", "d:1": ""},
        [(Choice.SKIP, False), (Choice.OVERWRITE, False), (Choice.SKIP, False)],
    )
    assert asked == ["a:1", "c:1", "d:1"]
    assert plan == [PlannedTransfer("b:1"), PlannedTransfer("c:1", force=True)]


def test_apply_to_all_answers_the_rest(qtbot, parent):
    plan, asked = run_resolver(
        qtbot,
        parent,
        ["a:1", "b:1", "c:1"],
        {"a:1": "", "b:1": "", "c:1": ""},
        [(Choice.OVERWRITE, True)],
    )
    assert asked == ["a:1"]
    assert plan == [PlannedTransfer(t, force=True) for t in ("a:1", "b:1", "c:1")]


def test_escape_skips_and_skip_is_the_default_button(qtbot, parent):
    dialog = ConflictDialog(PULL, "a:1", "Here: 1 MiB", 0, "the cloud", parent)
    qtbot.addWidget(dialog)
    assert dialog.skip_button.isDefault()
    dialog.choose(Choice.OVERWRITE)
    dialog.reject()
    assert dialog.choice() is Choice.SKIP
    assert "already on this computer" in dialog.title_label.text()
    assert "Here: 1 MiB" in dialog.body_label.text()


def test_plan_keeps_order_and_forces_only_overwrites():
    answers = {"b": Choice.SKIP, "c": Choice.OVERWRITE}
    assert plan_transfers(["a", "b", "c"], answers) == [
        PlannedTransfer("a"),
        PlannedTransfer("c", force=True),
    ]


# ---- delete ---------------------------------------------------------------------------


def test_deleting_one_local_version_names_everything():
    item = DeletionItem(
        "sentiment-clf:abc", 48 * MIB, 3, "/home/me/bentoml/models/sentiment-clf/abc"
    )
    text = describe_deletion(LOCAL, [item], "this computer")
    assert text.title == "Delete from this computer"
    assert text.text == "Delete sentiment-clf:abc (48.0 MiB, 3 files) from this computer?"
    assert "cannot be undone" in text.informative
    assert "Copies in the cloud are not touched" in text.informative
    assert "/home/me/bentoml/models/sentiment-clf/abc" in text.details


def test_deleting_several_cloud_versions_sums_them_and_lists_them():
    items = [DeletionItem(f"m:{i}", 10 * MIB, 2, "https://c (upload success)") for i in range(10)]
    items.append(DeletionItem("legacy:1", 0, None, "https://c (upload success)"))
    text = describe_deletion(CLOUD, items, "https://c")
    assert text.text.startswith("Delete 11 model versions (100.0 MiB, at least 20 files)")
    assert "• m:0 (10.0 MiB, 2 files)" in text.text
    assert "…and 3 more (see details)" in text.text
    assert "for everyone" in text.informative
    assert len(text.details.splitlines()) == 22  # every version, and where it is


def test_delete_dialog_defaults_to_cancel_and_confirms_on_request(qtbot, parent):
    items = [DeletionItem("a:1", MIB, 1, "/x/a/1"), DeletionItem("b:1", MIB, 1, "/x/b/1")]
    dialog = DeleteDialog(LOCAL, items, "this computer", parent)
    qtbot.addWidget(dialog)
    assert dialog.defaultButton() is dialog.cancel_button
    assert dialog.detailedText().count("/x/") == 2
    with qtbot.waitSignal(dialog.confirmed) as confirmed:
        dialog.confirm()
    assert confirmed.args == [["a:1", "b:1"]]


def test_clicking_cancel_deletes_nothing(qtbot, parent):
    dialog = DeleteDialog(LOCAL, [DeletionItem("a:1", 1, 1, "/x")], "this computer", parent)
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.assertNotEmitted(dialog.confirmed):
        dialog.cancel_button.click()


# ---- import ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "name"),
    [
        ("My Model v2", "my-model-v2"),
        ("__weights__", "weights"),
        ("BERT.base_uncased", "bert.base_uncased"),
        ("???", "model"),
    ],
)
def test_suggested_names_are_valid_tags(folder, name):
    assert suggest_name(Path("/data") / folder) == name


def test_labels_one_per_line_or_comma_separated():
    assert parse_labels("team=nlp, stage = dev\n\nowner=dana") == {
        "team": "nlp",
        "stage": "dev",
        "owner": "dana",
    }
    with pytest.raises(ValueError, match="not key=value"):
        parse_labels("team")


def test_import_dialog_validates_as_you_type(qtbot, parent, tmp_path):
    dialog = ImportDialog(tmp_path / "Weights", parent=parent)
    qtbot.addWidget(dialog)
    assert dialog.ok_button.isEnabled()
    dialog.set_values("", "")
    assert not dialog.ok_button.isEnabled() and dialog.problem() == "Give the model a name."
    dialog.set_values("UPPER")
    assert "lowercase" in dialog.problem()
    dialog.set_values("ok-name", "broken label")
    assert dialog.problem().startswith("Labels:")
    with qtbot.assertNotEmitted(dialog.import_requested):
        dialog.accept()
    dialog.set_values("ok-name", "a=b", push=True)
    with qtbot.waitSignal(dialog.import_requested) as requested:
        dialog.accept()
    request = requested.args[0]
    assert (request.name, request.labels, request.push) == ("ok-name", {"a": "b"}, True)
