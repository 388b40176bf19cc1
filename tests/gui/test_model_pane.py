"""The pane: table set-up, default sort, filter box, and what the empty states say."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_records import NOW, make_model
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from bentosync.gui.models.local_models import COL_CREATED, COL_NAME, LocalModelTableModel
from bentosync.gui.widgets.model_pane import ModelPane

EMPTY_TITLE = "No models in ~/bentoml/models yet"
EMPTY_BODY = "Save one with bentoml.models.create(...) or pull one with bentosync pull NAME."


@pytest.fixture
def source(qapp):
    return LocalModelTableModel(now=lambda: NOW)


@pytest.fixture
def pane(qtbot, source):
    widget = ModelPane(
        "Local", source, sort_column=COL_CREATED, sort_order=Qt.SortOrder.DescendingOrder
    )
    widget.set_empty_message(EMPTY_TITLE, EMPTY_BODY)
    qtbot.addWidget(widget)
    widget.resize(900, 400)
    widget.show()
    return widget


def shown_names(pane: ModelPane) -> list[str]:
    model = pane.view.model()
    return [model.index(row, COL_NAME).data() for row in range(model.rowCount())]


def test_table_is_set_up_for_reading_not_editing(pane):
    view = pane.view
    assert view.isSortingEnabled()
    assert view.alternatingRowColors()
    assert view.verticalHeader().isHidden()
    assert view.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert view.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert pane.filter_edit.isClearButtonEnabled()
    assert pane.filter_edit.placeholderText() == "Filter models"


def test_default_sort_is_newest_first(pane, source):
    source.set_models(
        [
            make_model("old", age=timedelta(days=30)),
            make_model("newest", age=timedelta(minutes=1)),
            make_model("middle", age=timedelta(days=2)),
        ]
    )
    assert shown_names(pane) == ["newest", "middle", "old"]
    header = pane.view.horizontalHeader()
    assert header.sortIndicatorSection() == COL_CREATED
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder


def test_empty_store_says_how_to_get_models(pane):
    pane.set_loading(False)
    assert not pane.is_showing_table()
    assert pane.message_title.text() == EMPTY_TITLE
    assert "bentoml.models.create" in pane.message_body.text()
    assert "bentosync pull" in pane.message_body.text()


def test_loading_state_replaces_the_empty_message(pane):
    pane.set_loading(True)
    assert not pane.is_showing_table()
    assert pane.message_title.text() == "Loading models…"
    pane.set_loading(False)
    assert pane.message_title.text() == EMPTY_TITLE


def test_filter_hiding_everything_has_its_own_message(pane, source, qtbot):
    source.set_models([make_model("sentiment-clf"), make_model("llama-tokenizer")])
    assert pane.is_showing_table()
    qtbot.keyClicks(pane.filter_edit, "zzz")
    assert not pane.is_showing_table()
    assert pane.message_title.text() == "No models match “zzz”"
    assert "all 2 models" in pane.message_body.text()
    assert pane.message_title.text() != EMPTY_TITLE
    assert pane.count_label.text() == "0 of 2 models"

    qtbot.keyClick(pane.filter_edit, Qt.Key.Key_Escape)
    assert pane.filter_edit.text() == ""
    assert pane.is_showing_table()
    assert pane.count_label.text() == "2 models"


def test_filter_narrows_rows_by_name_and_label(pane, source, qtbot):
    source.set_models(
        [
            make_model("sentiment-clf", labels={"team": "nlp"}),
            make_model("llama-tokenizer", labels={"team": "llm"}),
            make_model("resnet50"),
        ]
    )
    qtbot.keyClicks(pane.filter_edit, "LLAMA")
    assert shown_names(pane) == ["llama-tokenizer"]
    pane.filter_edit.setText("team=nlp")
    assert shown_names(pane) == ["sentiment-clf"]
    assert pane.count_label.text() == "1 of 3 models"


def test_error_is_shown_when_there_is_nothing_else_to_show(pane, source):
    pane.set_loading(True)
    pane.set_error("Cannot read ~/bentoml/models", "Permission denied (/x/models)")
    assert pane.message_title.text() == "Cannot read ~/bentoml/models"
    assert pane.message_body.text() == "Permission denied (/x/models)"
    source.set_models([make_model("kept")])
    assert pane.is_showing_table()  # rows win over a stale error


def test_header_state_round_trips(pane, source, qtbot):
    source.set_models([make_model("a")])
    pane.view.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    pane.view.horizontalHeader().resizeSection(COL_NAME, 333)
    saved = pane.save_state()

    other = ModelPane("Local", LocalModelTableModel())
    qtbot.addWidget(other)
    assert other.restore_state(saved)
    header = other.view.horizontalHeader()
    assert header.sectionSize(COL_NAME) == 333
    assert header.sortIndicatorSection() == COL_NAME
    assert not other.restore_state(None)


def test_a_pane_that_never_showed_rows_saves_no_widths(pane, source, qtbot):
    """Quit while the Cloud pane was still empty: its default widths were saved, taken
    for the user's at the next start, and the columns never fitted their rows
    ("2 minutes a…"), seen under Xvfb."""
    pane.show()
    qtbot.waitExposed(pane)
    pane.resize(pane.width() + 120, pane.height())  # the last column stretches: not a choice
    qtbot.wait(20)
    saved = pane.save_state()
    assert saved.isEmpty()

    other_source = LocalModelTableModel()
    other = ModelPane("Local", other_source)
    qtbot.addWidget(other)
    other.show()
    assert not other.restore_state(saved)
    header = other.view.horizontalHeader()
    default_width = header.sectionSize(COL_NAME)
    other_source.set_models([make_model("a-model-name-wider-than-the-default-column")])
    qtbot.waitUntil(lambda: header.sectionSize(COL_NAME) > default_width)


def test_message_labels_get_the_width_their_text_needs(pane):
    """A word-wrapped label squeezed by its layout cut the message to "Save one with"."""
    pane.set_loading(False)
    body = pane.message_body
    assert body.width() >= body.fontMetrics().horizontalAdvance(EMPTY_BODY)
    assert pane.message_title.width() >= pane.message_title.fontMetrics().horizontalAdvance(
        EMPTY_TITLE
    )
