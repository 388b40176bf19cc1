"""A painted cell enters Python once (``multiData``, ``FlatTableModel.index``), and gets
exactly ``data()``'s answers."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import timedelta

import pytest
from gui_records import NOW, make_model
from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    Qt,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QAbstractItemView, QTableView, QTreeView
from test_transfers_model import files, job

from bentosync.core.filelist import FileEntry
from bentosync.core.transfer.progress import ChecksumState
from bentosync.gui.models.files_model import FileListModel, compare_lists
from bentosync.gui.models.local_models import LocalModelTableModel
from bentosync.gui.models.role_batch import RolesInOneCall
from bentosync.gui.models.sort_proxy import ModelSortFilterProxy
from bentosync.gui.models.table_index import FlatTableModel
from bentosync.gui.models.transfers_model import TransfersModel

ROLES = [int(role) for role in Qt.ItemDataRole] + [
    int(Qt.ItemDataRole.UserRole) + n for n in range(1, 12)
]


def local_models(cls: type[LocalModelTableModel] = LocalModelTableModel) -> LocalModelTableModel:
    model = cls(now=lambda: NOW)
    model.set_models(
        [
            make_model(f"model-{n}", f"v{n}", labels={"team": "nlp"}, age=timedelta(days=n))
            for n in range(30)
        ]
    )
    return model


def file_list(cls: type[FileListModel] = FileListModel) -> FileListModel:
    model = cls()
    entries = [FileEntry(f"dir/file-{n}.bin", 100 + n, f"{n:064x}") for n in range(30)]
    model.set_rows(compare_lists(entries, entries[:20], local=True))
    return model


def transfers(cls: type[TransfersModel] = TransfersModel) -> TransfersModel:
    model = cls()
    state = ChecksumState.VERIFIED
    model.update_job(job(1, files(*((f"f{n}", 10, n % 11, state) for n in range(30)))))
    return model


ONE_CALL = RolesInOneCall.multiData.__code__
BUILDERS = {LocalModelTableModel: local_models, FileListModel: file_list, TransfersModel: transfers}


def as_shown(model: QAbstractItemModel, parent: QObject | None = None) -> QAbstractItemModel:
    """The model as the window shows it: the Local table behind the sort proxy."""
    if not isinstance(model, LocalModelTableModel):
        return model
    proxy = ModelSortFilterProxy(parent)
    proxy.setSourceModel(model)
    return proxy


def shown_in_view(qtbot, model: QAbstractItemModel) -> QAbstractItemView:
    """A view of ``model`` as the window has one, shown and painted once."""
    view: QAbstractItemView
    if isinstance(model, TransfersModel):
        view = QTreeView()
        view.setUniformRowHeights(True)  # as the Transfers panel: no per-row SizeHintRole
        view.setModel(model)
        view.expandAll()
    else:
        view = QTableView()
        view.setModel(as_shown(model, view))
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    return view


def one_role(model: QAbstractItemModel, index: QModelIndex, role: int) -> object:
    answer = QModelRoleData(role)
    model.multiData(index, QModelRoleDataSpan(answer))
    return answer.data()


def same(a: object, b: object) -> bool:
    """Equal answers; an icon is the same icon when its cache key is (QIcon has no ==)."""
    if isinstance(a, QIcon) and isinstance(b, QIcon):
        return a.cacheKey() == b.cacheKey()
    return a == b


def cells(model: QAbstractItemModel, parent: QModelIndex | None = None) -> Iterator[QModelIndex]:
    parent = parent or QModelIndex()
    for row in range(model.rowCount(parent)):
        for column in range(model.columnCount(parent)):
            index = model.index(row, column, parent)
            yield index
            if column == 0 and model.rowCount(index):
                yield from cells(model, index)


@pytest.mark.parametrize("model_type", list(BUILDERS))
def test_multi_data_answers_what_data_answers(qapp, model_type) -> None:
    model = BUILDERS[model_type]()
    shown = as_shown(model)
    checked = 0
    for index in cells(shown):
        for role in ROLES:
            expected = shown.data(index, role)
            got = one_role(shown, index, role)
            assert same(got, expected), (index, role)
            checked += 1
    assert checked > 30 * len(ROLES)


def counting(model_type: type[RolesInOneCall]) -> type:
    """The model type, counting its ``data()`` calls and those not made by its own
    ``RolesInOneCall.multiData``: those came from C++ (Qt's per-role default, or the
    proxy's), one call into Python each."""

    class Counting(model_type):  # type: ignore[valid-type,misc]
        counts = {"data": 0, "from_cpp": 0}

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            Counting.counts["data"] += 1
            if sys._getframe(1).f_code is not ONE_CALL:
                Counting.counts["from_cpp"] += 1
            return super().data(index, role)

    return Counting


@pytest.mark.parametrize("model_type", list(BUILDERS))
def test_a_paint_asks_each_cell_in_one_call(qtbot, model_type) -> None:
    model = BUILDERS[model_type](counting(model_type))
    view = shown_in_view(qtbot, model)
    counts = type(model).counts
    counts.update(data=0, from_cpp=0)
    view.viewport().grab()
    assert counts["data"] >= 30 * 5  # every visible cell's roles, through the proxy too
    assert counts["from_cpp"] == 0


@pytest.mark.parametrize("model_type", [LocalModelTableModel, FileListModel])
def test_a_table_paint_makes_its_indexes_in_python(qtbot, model_type) -> None:
    """``FlatTableModel.index``: without it, each painted cell's index cost a
    ``rowCount()`` and a ``columnCount()`` call from C++ (``hasIndex``)."""
    counts = {"cells": 0, "sizes_from_cpp": 0}

    class Counting(model_type):  # type: ignore[valid-type,misc]
        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            if sys._getframe(1).f_code is not FlatTableModel.index.__code__:
                counts["sizes_from_cpp"] += 1
            return super().rowCount(parent)

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                counts["cells"] += 1
            return super().data(index, role)

    view = shown_in_view(qtbot, BUILDERS[model_type](Counting))
    counts.update(cells=0, sizes_from_cpp=0)
    view.viewport().grab()
    assert counts["cells"] >= 30
    assert counts["sizes_from_cpp"] < counts["cells"] // 4  # a few per paint, not per cell
