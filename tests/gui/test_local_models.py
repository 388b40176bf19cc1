"""The local table model: Qt's model contract, formatting, and minimal-signal updates."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from gui_records import GIB, NOW, make_model
from PySide6.QtCore import QModelIndex, Qt

from bentosync.gui.models.local_models import (
    COL_CREATED,
    COL_LABELS,
    COL_MODULE,
    COL_NAME,
    COL_SIZE,
    COL_VERSION,
    HEADERS,
    LocalModelTableModel,
)
from bentosync.gui.models.roles import FilterRole, ItemRole, SortRole

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole


def sample_models():
    return [
        make_model("sentiment-clf", "aaa", size=48 * 1024**2, labels={"team": "nlp"}),
        make_model("sentiment-clf", "bbb", size=47 * 1024**2, age=timedelta(days=3)),
        make_model("llama-tokenizer", "ccc", size=2 * 1024**2, module="bentoml.transformers"),
        make_model("whisper-small", "ddd", size=int(2.6 * GIB), age=timedelta(minutes=5)),
        make_model("resnet50", "eee", size=5 * GIB + 1, age=timedelta(days=40)),
    ]


@pytest.fixture
def model(qapp):
    table = LocalModelTableModel(now=lambda: NOW)
    yield table
    table.deleteLater()


class SignalLog:
    """Every structural signal a model emits, in order."""

    def __init__(self, table: LocalModelTableModel) -> None:
        self.events: list[tuple] = []
        table.rowsInserted.connect(lambda _p, a, b: self.events.append(("inserted", a, b)))
        table.rowsRemoved.connect(lambda _p, a, b: self.events.append(("removed", a, b)))
        table.dataChanged.connect(
            lambda tl, br, _roles=(): self.events.append(("changed", tl.row(), br.row()))
        )
        table.modelReset.connect(lambda: self.events.append(("reset",)))
        table.layoutChanged.connect(lambda *_: self.events.append(("layout",)))


@pytest.mark.parametrize("force_py", [False, True], ids=["qt-tester", "py-tester"])
def test_model_passes_qt_model_tester(model, qtmodeltester, force_py):
    model.set_models(sample_models())
    qtmodeltester.check(model, force_py=force_py)


def test_model_tester_stays_happy_through_updates(model, qtmodeltester):
    first = sample_models()
    model.set_models(first)
    qtmodeltester.check(model)  # stays attached and checks every later signal
    changed = replace(first[1], size_bytes=first[1].size_bytes + 1)
    model.set_models([first[0], changed, first[3], make_model("new-model", "fff")])
    model.set_models([])
    model.set_models(sample_models())
    model.refresh_relative_times()
    assert model.rowCount() == 5


def test_set_models_signals_only_what_changed(model):
    a, b, c = make_model("a"), make_model("b"), make_model("c")
    model.set_models([a, b, c])
    log = SignalLog(model)
    b2 = replace(b, size_bytes=b.size_bytes + 1)
    d = make_model("d")

    model.set_models([a, b2, d])

    assert log.events == [("removed", 2, 2), ("changed", 1, 1), ("inserted", 2, 2)]
    assert [m.name for m in model.models()] == ["a", "b", "d"]
    assert model.data(model.index(1, 0), ItemRole) is b2


def test_removals_in_runs_highest_first(model):
    rows = [make_model(name) for name in "abcdefg"]
    model.set_models(rows)
    log = SignalLog(model)
    model.set_models([rows[0], rows[3], rows[6]])
    assert log.events == [("removed", 4, 5), ("removed", 1, 2)]


def test_unchanged_refresh_emits_nothing(model):
    rows = sample_models()
    model.set_models(rows)
    log = SignalLog(model)
    model.set_models(list(reversed(sample_models())))  # equal records, new objects
    assert log.events == []


def test_many_changes_become_one_full_range_signal(model):
    rows = [make_model(name) for name in "abcd"]
    model.set_models(rows)
    log = SignalLog(model)
    model.set_models([replace(m, file_count=9) for m in rows[:3]] + [rows[3]])
    assert log.events == [("changed", 0, 3)]


def test_display_text_is_preformatted(model):
    model.set_models([make_model("big", size=5 * GIB, labels={"team": "nlp", "stage": "prod"})])
    cell = lambda col, role=DISPLAY: model.data(model.index(0, col), role)  # noqa: E731
    assert cell(COL_NAME) == "big"
    assert cell(COL_VERSION) == "v1"
    assert cell(COL_SIZE) == "5.0 GiB"
    assert cell(COL_CREATED) == "an hour ago"
    assert cell(COL_LABELS) == "stage=prod, team=nlp"
    assert cell(COL_MODULE) == ""
    assert "2026-05-01" in cell(COL_CREATED, TOOLTIP)
    assert cell(COL_SIZE, TOOLTIP) == f"{5 * GIB:,} bytes in 2 files"
    assert cell(COL_LABELS, TOOLTIP) == "stage=prod\nteam=nlp"
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(HEADERS))] == list(
        HEADERS
    )


def test_sort_role_holds_raw_python_values(model):
    big = make_model("big", size=5 * GIB + 1)
    model.set_models([big])
    assert model.data(model.index(0, COL_SIZE), SortRole) == 5 * GIB + 1
    assert model.data(model.index(0, COL_CREATED), SortRole) == big.creation_time
    assert model.data(model.index(0, COL_MODULE), ItemRole) is big
    assert model.data(model.index(0, COL_NAME), FilterRole) == "big v1 "


def test_out_of_range_and_child_queries_are_empty(model):
    model.set_models(sample_models())
    assert model.data(QModelIndex()) is None
    assert model.rowCount(model.index(0, 0)) == 0
    assert model.columnCount(model.index(0, 0)) == 0
    assert model.headerData(99, Qt.Orientation.Horizontal) is None
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_relative_times_refresh_touches_only_the_created_column(model):
    model.set_models(sample_models())
    seen = []
    model.dataChanged.connect(lambda tl, br, roles: seen.append((tl.column(), br.column(), roles)))
    model.refresh_relative_times()
    assert len(seen) == 1
    first, last, roles = seen[0]
    assert first == last == COL_CREATED
    assert list(roles) == [Qt.ItemDataRole.DisplayRole]
