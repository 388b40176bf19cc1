"""The table models sort themselves: big listings land sorted, in one insert, and stay so.

A Qt proxy sort calls a Python ``lessThan`` n·log n times on the GUI thread;
the record table sorts with Python's ``sorted`` instead and the proxy keeps
its order (``sort_proxy``). These tests hold that order through inserts,
changes, pages and sync verdicts, with selections following their records.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from gui_records import NOW, make_model
from PySide6.QtCore import QItemSelectionModel, Qt

from bentosync.core.sync_state import SyncEntry, SyncState
from bentosync.gui.models.local_models import (
    COL_NAME,
    COL_SIZE,
    COL_SYNC,
    LocalModelTableModel,
)
from bentosync.gui.models.roles import ItemRole
from bentosync.gui.models.sort_proxy import ModelSortFilterProxy


@pytest.fixture
def table(qapp):
    model = LocalModelTableModel(now=lambda: NOW)
    proxy = ModelSortFilterProxy()
    proxy.setSourceModel(model)
    yield model, proxy
    proxy.deleteLater()
    model.deleteLater()


def shown(proxy) -> list[str]:
    return [proxy.index(row, COL_NAME).data() for row in range(proxy.rowCount())]


def test_ten_thousand_rows_arrive_sorted_in_one_insert(table):
    model, proxy = table
    proxy.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    inserts: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _p, a, b: inserts.append((a, b)))
    layouts: list[bool] = []
    model.layoutChanged.connect(lambda *_: layouts.append(True))
    rows = [make_model(f"m{i:05d}", size=(i * 7919) % 10_007) for i in range(10_000)]
    model.set_models({str(m.tag): m for m in rows})
    assert inserts == [(0, 9_999)] and layouts == []
    sizes = [proxy.index(r, 0).data(ItemRole).size_bytes for r in range(proxy.rowCount())]
    assert sizes == sorted(sizes, reverse=True)
    assert model.record("m00042:v1") is rows[42]


def test_added_and_changed_rows_take_their_place(table, qtmodeltester):
    model, proxy = table
    proxy.sort(COL_NAME)
    rows = [make_model(name) for name in ("b", "d", "f")]
    model.set_models(rows)
    qtmodeltester.check(model)
    model.set_models([*rows, make_model("a"), make_model("e")])
    assert shown(proxy) == ["a", "b", "d", "e", "f"]
    proxy.sort(COL_SIZE)
    bigger = replace(rows[0], size_bytes=10_000)
    model.set_models([bigger, rows[1], rows[2], make_model("a"), make_model("e")])
    assert shown(proxy)[-1] == "b"


def test_the_selection_follows_its_record_through_a_resort(table, qtbot):
    from PySide6.QtWidgets import QTableView

    model, proxy = table
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
    model.set_models([make_model(name, size=size) for name, size in (("a", 3), ("b", 1))])
    view.selectionModel().select(
        proxy.index(0, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    view.sortByColumn(COL_SIZE, Qt.SortOrder.AscendingOrder)
    assert shown(proxy) == ["b", "a"]
    selected = view.selectionModel().selectedRows()
    assert [proxy.index(i.row(), COL_NAME).data() for i in selected] == ["a"]
    model.set_models([make_model(name, size=size) for name, size in (("a", 3), ("b", 1))])
    model.set_models([make_model(n, size=s) for n, s in (("a", 3), ("b", 1), ("c", 2), ("0", 0))])
    assert shown(proxy) == ["0", "b", "c", "a"]
    selected = view.selectionModel().selectedRows()
    assert [proxy.index(i.row(), COL_NAME).data() for i in selected] == ["a"]


def test_a_further_page_adds_only_new_rows(table):
    model, proxy = table
    proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
    first = [make_model(name) for name in "abc"]
    model.set_models(first)
    added = model.add_records([first[2], make_model("z"), make_model("d")])
    assert added == 2
    assert shown(proxy) == ["z", "d", "c", "b", "a"]
    assert model.record("z:v1") is not None


def test_verdicts_resort_the_sync_column(table):
    model, proxy = table
    rows = [make_model(name) for name in "abc"]
    model.set_models(rows)
    proxy.sort(COL_SYNC)

    def entry(model_, state):
        return SyncEntry(str(model_.tag), state, model_, None, "")

    model.set_sync_states(
        {
            "a:v1": entry(rows[0], SyncState.IN_SYNC),
            "b:v1": entry(rows[1], SyncState.DIFFERS),
            "c:v1": entry(rows[2], SyncState.LOCAL_ONLY),
        }
    )
    assert shown(proxy) == ["b", "c", "a"]


def test_rows_without_a_verdict_tie_and_keep_their_order(table):
    model, proxy = table
    rows = [make_model("b", age=timedelta(days=1)), make_model("a")]
    model.set_models(rows)
    proxy.sort(COL_SYNC)  # no verdicts yet: every value ties, order is stable
    assert sorted(shown(proxy)) == ["a", "b"]


def test_batches_compute_each_row_sort_key_once(table, monkeypatch):
    """A first listing lands in batches, each re-sorting the rows so far: the rows
    already in place keep the sort keys they had."""
    model, proxy = table
    proxy.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    asked: list[str] = []
    sort_value = LocalModelTableModel._sort_value

    def counting(self, item, column):
        asked.append(str(item.tag))
        return sort_value(self, item, column)

    monkeypatch.setattr(LocalModelTableModel, "_sort_value", counting)
    rows = [make_model(f"m{i:03d}", size=(i * 37) % 101) for i in range(300)]
    for start in range(0, 300, 100):
        model.add_records({str(m.tag): m for m in rows[start : start + 100]})
    assert sorted(asked) == sorted(str(m.tag) for m in rows)
    sizes = [proxy.index(r, 0).data(ItemRole).size_bytes for r in range(proxy.rowCount())]
    assert sizes == sorted(sizes, reverse=True)


def test_remembered_sort_keys_follow_changes(table):
    """A row that changes, goes and comes back, or gets a new verdict sorts by its new value."""
    model, proxy = table
    proxy.sort(COL_SIZE)
    a, b, c = (make_model(name, size=size) for name, size in (("a", 1), ("b", 2), ("c", 3)))
    model.set_models([a, b, c])
    model.set_models([b, c])
    model.set_models([replace(a, size_bytes=9), b, c])
    assert shown(proxy) == ["b", "c", "a"]
    model.set_models([replace(a, size_bytes=9), replace(b, size_bytes=10), c])
    assert shown(proxy) == ["c", "a", "b"]

    proxy.sort(COL_SYNC)

    def verdicts(**states: SyncState) -> dict[str, SyncEntry]:
        return {f"{n}:v1": SyncEntry(f"{n}:v1", s, None, None, "") for n, s in states.items()}

    model.set_sync_states(
        verdicts(a=SyncState.IN_SYNC, b=SyncState.DIFFERS, c=SyncState.LOCAL_ONLY)
    )
    assert shown(proxy) == ["b", "c", "a"]
    model.set_sync_states(
        verdicts(a=SyncState.DIFFERS, b=SyncState.IN_SYNC, c=SyncState.LOCAL_ONLY), ["a:v1", "b:v1"]
    )
    assert shown(proxy) == ["a", "c", "b"]
