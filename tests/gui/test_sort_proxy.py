"""Sorting on Python values (sizes past 2 GiB) and case-insensitive filtering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_records import GIB, NOW, make_model
from PySide6.QtCore import Qt

from bentosync.gui.models.local_models import (
    COL_CREATED,
    COL_NAME,
    COL_SIZE,
    LocalModelTableModel,
)
from bentosync.gui.models.sort_proxy import ModelSortFilterProxy

SIZES = {
    "tiny": 10,
    "just-under-2g": 2**31 - 1,
    "just-over-2g": 2**31 + 1,
    "four-g": 4 * GIB,  # wraps to 0 in a 32-bit int
    "llama-70b": 140 * GIB,
    "medium": 300 * 1024**2,
}


@pytest.fixture
def proxy(qapp):
    source = LocalModelTableModel(now=lambda: NOW)
    source.set_models(
        [
            make_model(name, f"v{i}", size=size, age=timedelta(days=i))
            for i, (name, size) in enumerate(SIZES.items())
        ]
        + [
            make_model("sentiment-clf", "abc123", labels={"team": "NLP", "stage": "prod"}),
            make_model("Sentiment-tokenizer".lower(), "zzz999", labels={"team": "speech"}),
        ]
    )
    proxy = ModelSortFilterProxy()
    proxy.setSourceModel(source)
    yield proxy
    proxy.deleteLater()
    source.deleteLater()


def names(proxy: ModelSortFilterProxy) -> list[str]:
    return [proxy.index(row, COL_NAME).data() for row in range(proxy.rowCount())]


def test_proxy_passes_qt_model_tester(proxy, qtmodeltester):
    proxy.sort(COL_SIZE)
    proxy.set_filter_text("sentiment")
    qtmodeltester.check(proxy)
    proxy.set_filter_text("")
    proxy.sort(COL_CREATED, Qt.SortOrder.DescendingOrder)


def test_sizes_past_2_gib_sort_in_true_order(proxy):
    proxy.set_filter_text("v")  # only the sized ones (versions v0..v5)
    proxy.sort(COL_SIZE, Qt.SortOrder.AscendingOrder)
    expected = sorted(SIZES, key=SIZES.__getitem__)
    assert names(proxy) == expected
    proxy.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
    assert names(proxy) == list(reversed(expected))


def test_created_sorts_by_datetime(proxy):
    proxy.set_filter_text("v")
    proxy.sort(COL_CREATED, Qt.SortOrder.DescendingOrder)  # newest first
    assert names(proxy) == list(SIZES)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sentiment", {"sentiment-clf", "sentiment-tokenizer"}),
        ("SENTIMENT clf", {"sentiment-clf"}),  # every term must match
        ("team=nlp", {"sentiment-clf"}),  # labels, case-insensitively
        ("speech", {"sentiment-tokenizer"}),
        ("abc1", {"sentiment-clf"}),  # version
        ("  ", set(SIZES) | {"sentiment-clf", "sentiment-tokenizer"}),
        ("no-such-model", set()),
        ("clf sentiment", {"sentiment-clf"}),  # terms in any order
        ("-clf", {"sentiment-clf"}),
        ("sentiment.clf", set()),  # "." is a dot, not any character
        ("(", set()),  # regex syntax in a term is only text
        ("[a-z]+", set()),
    ],
)
def test_filter_matches_name_version_and_labels(proxy, text, expected):
    proxy.set_filter_text(text)
    assert set(names(proxy)) == expected


def test_clearing_the_filter_shows_every_row_again(proxy):
    proxy.set_filter_text("speech")
    assert proxy.rowCount() == 1
    proxy.set_filter_text("")
    assert proxy.rowCount() == len(SIZES) + 2


def test_no_python_filter_runs_per_row(proxy):
    """Qt's C++ filter decides (see the class docstring): no Python override per row."""
    assert "filterAcceptsRow" not in vars(ModelSortFilterProxy)


def test_filter_does_not_search_other_columns(proxy):
    proxy.set_filter_text("GiB")  # size text is not searched
    assert names(proxy) == []


def test_name_sorts_alphabetically_then_by_age(qapp):
    source = LocalModelTableModel(now=lambda: NOW)
    source.set_models(
        [
            make_model("beta", "new", age=timedelta(days=1)),
            make_model("alpha", "x"),
            make_model("beta", "old", age=timedelta(days=9)),
        ]
    )
    proxy = ModelSortFilterProxy()
    proxy.setSourceModel(source)
    proxy.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
    versions = [proxy.index(row, 1).data() for row in range(proxy.rowCount())]
    assert versions == ["x", "old", "new"]
