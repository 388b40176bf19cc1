"""The cloud registry as a table: one row per model version the server lists.

Rows are ``CloudModel`` records, fetched a page at a time on a worker by the
window (``cloud_connection``); this model renders them and, through Qt's
``canFetchMore``/``fetchMore``, asks for the next page when a view scrolls
to the end (``more_requested``), never fetching by itself on the GUI thread. "Created" is the
model's ``build_at`` (when it was made, which a push keeps from the local
creation_time), falling back to the server's ``created_at``. A version whose
upload is not ``success`` says so in the Sync column, since it cannot be
pulled whatever the comparison with the local side says; a Hugging Face
reference, whose upload stays ``pending`` for good, says what it is instead.
What a record's checksums cover is in the Size tooltip (``cloud_describe``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal

from bentosync.application.formatting import format_labels, format_size
from bentosync.core.cloud_records import CloudModel
from bentosync.core.sync_state import SyncEntry, SyncState
from bentosync.gui.i18n import QT_TRANSLATE_NOOP
from bentosync.gui.models import cloud_describe, mime, sync_display
from bentosync.gui.models.local_models import (
    format_age,
    format_exact_time,
)
from bentosync.gui.models.record_table import RecordTableModel

logger = logging.getLogger(__name__)

COL_NAME, COL_VERSION, COL_SIZE, COL_CREATED, COL_SYNC, COL_LABELS = range(6)
HEADERS = (
    QT_TRANSLATE_NOOP("TableHeader", "Name"),
    QT_TRANSLATE_NOOP("TableHeader", "Version"),
    QT_TRANSLATE_NOOP("TableHeader", "Size"),
    QT_TRANSLATE_NOOP("TableHeader", "Created"),
    QT_TRANSLATE_NOOP("TableHeader", "Sync"),
    QT_TRANSLATE_NOOP("TableHeader", "Labels"),
)


def upload_status_words(status: str) -> str:
    """The Sync column's words for an unfinished upload (the server's status word)."""
    if status == "pending":
        return QCoreApplication.translate("CloudSync", "Upload pending")
    if status == "uploading":
        return QCoreApplication.translate("CloudSync", "Uploading")
    if status == "failed":
        return QCoreApplication.translate("CloudSync", "Upload failed")
    return QCoreApplication.translate("CloudSync", "Upload {status}").format(status=status or "?")


def widest_sync_text() -> str:
    """The widest words the Sync column shows, in the current language (its minimum width)."""
    return upload_status_words("failed")


def created_of(item: CloudModel) -> datetime | None:
    return item.build_at or item.created_at


def sync_cell(item: CloudModel, entry: SyncEntry | None) -> sync_display.SyncCell:
    """The Sync cell of a cloud version; the details panel shows the same words.

    A version that cannot be pulled says why instead of the comparison: a
    Hugging Face reference is what it is, an unfinished upload is not usable.
    """
    if item.is_huggingface:
        return sync_display.SyncCell(
            cloud_describe.reference_label(),
            "sync-reference",
            cloud_describe.wrap(cloud_describe.huggingface_sentence(item)),
        )
    if not item.is_uploaded:
        words = upload_status_words(item.upload_status)
        # The server's own reason, as it wrote it; ours when it gave none.
        why = item.upload_finished_reason or QCoreApplication.translate(
            "CloudSync", "It cannot be pulled until a push completes."
        )
        icon_name = "error" if item.upload_status == "failed" else "warning"
        return sync_display.SyncCell(words, icon_name, why)
    return sync_display.cell_for(entry)


def _sync_rank(item: CloudModel, entry: SyncEntry | None) -> float:
    """Broken uploads first (they need attention), references beside "cloud only"."""
    if item.is_huggingface:
        return sync_display.SORT_ORDER[SyncState.CLOUD_ONLY] + 0.5
    return sync_display.sort_key(entry) if item.is_uploaded else -1


class CloudModelTableModel(RecordTableModel[CloudModel]):
    """Cloud models for the table view; local rows dropped here ask for a push.

    ``set_paging`` says how many versions match on the server and whether
    more pages exist; while they do, ``canFetchMore`` is true and ``fetchMore``
    emits ``more_requested`` once, until ``set_paging`` reports the page landed
    (or ``fetch_failed`` that it did not).
    """

    HEADERS = HEADERS
    SIZE_COLUMN = COL_SIZE
    CREATED_COLUMN = COL_CREATED
    SYNC_COLUMN = COL_SYNC
    SIDE = mime.CLOUD

    #: A view reached the last row and the server has more: fetch the next page.
    more_requested = Signal()

    def __init__(self, parent: Any = None, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._total = 0
        self._more = False
        self._fetching = False

    def set_paging(self, total: int, more: bool) -> None:
        """``total`` versions match on the server; ``more`` pages remain to fetch."""
        self._total = max(total, self.rowCount())
        self._more = more
        self._fetching = False

    def fetch_failed(self) -> None:
        """The requested page did not come; scrolling to the end asks again."""
        self._fetching = False

    def total_count(self) -> int:
        """Versions matching on the server, loaded or not (at least the rows loaded)."""
        return max(self._total, self.rowCount())

    def canFetchMore(self, parent: Any = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Any = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more or self._fetching:
            return
        self._fetching = True
        logger.debug("Cloud table: next page wanted after %d rows", self.rowCount())
        self.more_requested.emit()

    def row_key(self, item: CloudModel) -> str:
        return item.tag

    def models(self) -> list[CloudModel]:
        return self.records()

    def set_models(self, models: Sequence[CloudModel]) -> None:
        self.set_records(models)

    def _sync_cell(self, item: CloudModel, entry: SyncEntry | None) -> sync_display.SyncCell:
        return sync_cell(item, entry)

    # ---- per-role values -----------------------------------------------------------

    def _display(self, item: CloudModel, column: int) -> str | None:
        if column == COL_NAME:
            return item.name
        if column == COL_VERSION:
            return item.version
        if column == COL_SIZE:
            return format_size(item.size_bytes) if item.size_bytes else "—"  # no words
        if column == COL_CREATED:
            created = created_of(item)
            return format_age(created, self._now()) if created else ""
        if column == COL_LABELS:
            return format_labels(item.labels)
        return None

    def _sort_value(self, item: CloudModel, column: int) -> Any:
        created = created_of(item)
        if column == COL_NAME:
            return (item.name, created.timestamp() if created else 0.0)
        if column == COL_VERSION:
            return item.version
        if column == COL_SIZE:
            return item.size_bytes
        if column == COL_CREATED:
            return created.timestamp() if created else 0.0
        if column == COL_SYNC:
            return (_sync_rank(item, self.sync_entry(item)), item.name)
        if column == COL_LABELS:
            return format_labels(item.labels).casefold()
        return None

    def _tooltip(self, item: CloudModel, column: int) -> str | None:
        if column in (COL_NAME, COL_VERSION):
            if item.is_huggingface:
                sentence = cloud_describe.wrap(cloud_describe.huggingface_sentence(item))
                return "\n".join(filter(None, [item.description, sentence]))
            return item.description or item.tag
        if column == COL_SIZE:
            return cloud_describe.size_tooltip(item)
        if column == COL_CREATED:
            created = created_of(item)
            return format_exact_time(created) if created else None
        if column == COL_LABELS:
            return format_labels(item.labels, "\n") or None
        return None

    def _filter_parts(self, item: CloudModel) -> list[str]:
        parts = [item.name, item.version, format_labels(item.labels, " ")]
        if item.is_huggingface:
            parts.append(cloud_describe.reference_label())
        return parts
