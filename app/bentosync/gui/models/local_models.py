"""The local model store as a table: one row per model version, keyed by tag."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import humanize

from bentosync.application.formatting import format_labels, format_size
from bentosync.core.store import LocalModel
from bentosync.gui.i18n import QT_TRANSLATE_NOOP
from bentosync.gui.models import mime, sync_display
from bentosync.gui.models.record_table import RecordTableModel

logger = logging.getLogger(__name__)

COL_NAME, COL_VERSION, COL_SIZE, COL_CREATED, COL_SYNC, COL_LABELS, COL_MODULE = range(7)
HEADERS = (
    QT_TRANSLATE_NOOP("TableHeader", "Name"),
    QT_TRANSLATE_NOOP("TableHeader", "Version"),
    QT_TRANSLATE_NOOP("TableHeader", "Size"),
    QT_TRANSLATE_NOOP("TableHeader", "Created"),
    QT_TRANSLATE_NOOP("TableHeader", "Sync"),
    QT_TRANSLATE_NOOP("TableHeader", "Labels"),
    QT_TRANSLATE_NOOP("TableHeader", "Module"),
)


def row_key(model: LocalModel) -> str:
    """Rows are matched across refreshes by tag: name and version name one folder."""
    return str(model.tag)


# humanize's German puts "vor" before a nominative: "vor eine Minute", "vor ein Tag".
# "vor" takes the dative: "vor einer Minute", "vor einem Tag" (English never starts so).
_GERMAN_DATIVE = (("vor eine ", "vor einer "), ("vor ein ", "vor einem "))


def format_age(created: datetime, now: datetime) -> str:
    """ "3 minutes ago"; computed from a timedelta so aware times never meet naive ones."""
    text = humanize.naturaltime(now - created)
    for nominative, dative in _GERMAN_DATIVE:
        if text.startswith(nominative):
            return dative + text[len(nominative) :]
    return text


def format_exact_time(created: datetime) -> str:
    """The creation time in the user's local zone, for the tooltip."""
    return created.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


class LocalModelTableModel(RecordTableModel[LocalModel]):
    """Local models for the table view; DisplayRole is text, SortRole the raw value.

    A refresh goes through :meth:`set_models`, which signals only the rows that
    were added, removed or changed, so selection and scroll position survive a
    refresh and views do not re-measure every row. Cloud rows dropped here ask
    for a pull; folders dropped here ask for an import.
    """

    HEADERS = HEADERS
    SIZE_COLUMN = COL_SIZE
    CREATED_COLUMN = COL_CREATED
    SYNC_COLUMN = COL_SYNC
    SIDE = mime.LOCAL

    def row_key(self, item: LocalModel) -> str:
        return row_key(item)

    def models(self) -> list[LocalModel]:
        """The rows in model order (not view order)."""
        return self.records()

    def set_models(self, models: Sequence[LocalModel] | Mapping[str, LocalModel]) -> None:
        self.set_records(models)

    # ---- per-role values -----------------------------------------------------------

    def _display(self, item: LocalModel, column: int) -> str | None:
        if column == COL_NAME:
            return item.name
        if column == COL_VERSION:
            return item.version
        if column == COL_SIZE:
            return format_size(item.size_bytes)
        if column == COL_CREATED:
            return format_age(item.creation_time, self._now())
        if column == COL_LABELS:
            return format_labels(item.labels)
        if column == COL_MODULE:
            return item.module
        return None

    def _sort_value(self, item: LocalModel, column: int) -> Any:
        """Python values: ints past 2**31 and aware datetimes compare correctly."""
        if column == COL_NAME:
            return (item.name, item.creation_time)
        if column == COL_VERSION:
            return item.version
        if column == COL_SIZE:
            return item.size_bytes
        if column == COL_CREATED:
            return item.creation_time
        if column == COL_SYNC:
            return (sync_display.sort_key(self.sync_entry(item)), item.name)
        if column == COL_LABELS:
            return format_labels(item.labels).casefold()
        if column == COL_MODULE:
            return item.module.casefold()
        return None

    def _tooltip(self, item: LocalModel, column: int) -> str | None:
        if column in (COL_NAME, COL_VERSION):
            return f"{item.tag}\n{item.path}"
        if column == COL_SIZE:
            return self.tr("{bytes} bytes in {count} file(s)", "", item.file_count).format(
                bytes=f"{item.size_bytes:,}", count=f"{item.file_count:,}"
            )
        if column == COL_CREATED:
            return format_exact_time(item.creation_time)
        if column == COL_LABELS:
            return format_labels(item.labels, "\n") or None
        if column == COL_MODULE:
            return item.module or self.tr("Generic model (no framework module)")
        return None

    def _filter_parts(self, item: LocalModel) -> list[str]:
        return [item.name, item.version, format_labels(item.labels, " ")]
