"""Details of the selected model: what it is, its labels and metadata, and every file.

For a cloud model the files and checksums are the server's list (the one its
archive was checked against). For a local model they have to be computed:
the panel asks for that with ``hash_requested`` and the window hashes on a
worker with the persistent hash cache, then hands the list back. When both
sides have the version, each local file is marked verified or mismatched
against the cloud's sha256.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import FileEntry
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncEntry
from bentosync.gui import icons
from bentosync.gui.models import files_model
from bentosync.gui.models.cloud_models import created_of
from bentosync.gui.models.files_model import FileListModel, compare_lists
from bentosync.gui.models.local_models import format_exact_time, format_labels, format_size
from bentosync.gui.models.sync_display import cell_for
from bentosync.gui.workers.file_hashing import HashProgress

logger = logging.getLogger(__name__)

PAGE_EMPTY, PAGE_DETAILS = 0, 1
METADATA_CHARS = 240
ICON_SIZE = 16


def _files_text(count: int) -> str:
    return f"{count:,} file" if count == 1 else f"{count:,} files"


def _metadata_text(metadata: dict[str, Any]) -> str:
    if not metadata:
        return "—"
    text = json.dumps(metadata, default=str, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= METADATA_CHARS else text[: METADATA_CHARS - 1] + "…"


def _framework(context: dict[str, Any]) -> str:
    name = str(context.get("framework_name") or "")
    versions = context.get("framework_versions") or {}
    if isinstance(versions, dict) and versions:
        pinned = ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
        return f"{name} ({pinned})" if name else pinned
    return name or "—"


class DetailsPanel(QWidget):
    """Metadata, labels and files of one model version; empty when nothing is selected."""

    #: ``LocalModel`` whose file list (with sha256) the panel wants computed.
    hash_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._local: LocalModel | None = None
        self._cloud: CloudModel | None = None
        self._side = ""

        self.title_label = QLabel()
        font = self.title_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where_icon = QLabel()
        self.where_label = QLabel()
        self.where_label.setEnabled(False)

        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(3)
        for key in ("Sync", "Size", "Created", "Framework", "Labels", "Metadata", "Where"):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(f"{key}:", label)

        self.files_status = QLabel()
        self.files_status.setWordWrap(True)
        self.files_model = FileListModel(self)
        self.files_view = QTableView()
        self.files_view.setModel(self.files_model)
        self.files_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.files_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.files_view.setShowGrid(False)
        self.files_view.setAlternatingRowColors(True)
        self.files_view.setWordWrap(False)
        self.files_view.verticalHeader().hide()
        self.files_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(files_model.COL_PATH, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(files_model.COL_SIZE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(files_model.COL_SHA256, QHeaderView.ResizeMode.ResizeToContents)
        header.setHighlightSections(False)

        details = QWidget()
        column = QVBoxLayout(details)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title_label)
        where_row = QFormLayout()
        where_row.setContentsMargins(0, 0, 0, 0)
        where_row.addRow(self.where_icon, self.where_label)
        column.addLayout(where_row)
        column.addLayout(form)
        column.addWidget(self.files_status)
        column.addWidget(self.files_view, 1)

        self.empty_label = QLabel("Select a model to see its labels, metadata and files.")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(details)
        heading = QLabel("Details")
        heading_font = heading.font()
        heading_font.setBold(True)
        heading.setFont(heading_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.stack, 1)

    # ---- what to show --------------------------------------------------------------

    def shown_tag(self) -> str | None:
        if self._local is not None and self._side == "local":
            return str(self._local.tag)
        if self._cloud is not None and self._side == "cloud":
            return self._cloud.tag
        return None

    def show_nothing(self, message: str = "") -> None:
        self._local = self._cloud = None
        self._side = ""
        if message:
            self.empty_label.setText(message)
        self.files_model.set_rows([])
        self.stack.setCurrentIndex(PAGE_EMPTY)

    def show_local(
        self, model: LocalModel, cloud: CloudModel | None, sync: SyncEntry | None
    ) -> None:
        """A local version; its files are hashed on request (``hash_requested``)."""
        same = self._side == "local" and self._local == model and self._cloud == cloud
        self._local, self._cloud, self._side = model, cloud, "local"
        self._header(str(model.tag), "computer", "On this computer", sync)
        self.fields["Size"].setText(
            f"{format_size(model.size_bytes)} ({model.size_bytes:,} bytes, "
            f"{_files_text(model.file_count)})"
        )
        self.fields["Created"].setText(format_exact_time(model.creation_time))
        framework = _framework(model.context)
        if model.module:
            framework = f"{model.module} · {framework}" if framework != "—" else model.module
        self.fields["Framework"].setText(framework)
        self._labels_and_metadata(model.labels, model.metadata)
        self.fields["Where"].setText(str(model.path))
        if not same:
            self.files_model.set_rows([])
            self.files_status.setText(f"Computing the sha256 of {_files_text(model.file_count)}…")
            self.hash_requested.emit(model)
        self.stack.setCurrentIndex(PAGE_DETAILS)

    def show_cloud(
        self,
        model: CloudModel,
        local: LocalModel | None,
        sync: SyncEntry | None,
        where: str = "the cloud",
    ) -> None:
        """A cloud version; its files are the server's list, when it keeps one."""
        self._local, self._cloud, self._side = local, model, "cloud"
        self._header(model.tag, "cloud", "In the cloud", sync)
        size = (
            f"{format_size(model.size_bytes)} ({model.size_bytes:,} bytes"
            if model.size_bytes
            else "unknown ("
        )
        count = _files_text(len(model.file_list)) if model.file_list is not None else "no file list"
        self.fields["Size"].setText(f"{size}, {count})")
        created = created_of(model)
        self.fields["Created"].setText(format_exact_time(created) if created else "—")
        module = str(model.manifest.get("module") or "")
        context = model.manifest.get("context")
        framework = _framework(context if isinstance(context, dict) else {})
        if module:
            framework = f"{module} · {framework}" if framework != "—" else module
        self.fields["Framework"].setText(framework)
        metadata = model.manifest.get("metadata")
        self._labels_and_metadata(model.labels, metadata if isinstance(metadata, dict) else {})
        status = model.upload_status or "unknown"
        reason = f" ({model.upload_finished_reason})" if model.upload_finished_reason else ""
        self.fields["Where"].setText(f"{where} (upload {status}{reason})")
        if model.file_list is None:
            self.files_model.set_rows([])
            self.files_status.setText(
                "The server keeps no file list for this version, so its files are unverified."
            )
        else:
            self.files_model.set_rows(compare_lists(model.file_list, None, local=False))
            self.files_status.setText(
                f"{_files_text(len(model.file_list))}, sha256 as the server checked them"
            )
        self.stack.setCurrentIndex(PAGE_DETAILS)

    # ---- results from the window's workers ------------------------------------------

    def set_local_files(self, model: LocalModel, files: list[FileEntry]) -> None:
        """The hashed list of ``model``; ignored if another model is shown by now."""
        if self._side != "local" or self._local != model:
            return
        reference = self._cloud.file_list if self._cloud is not None else None
        rows = compare_lists(files, reference, local=True)
        self.files_model.set_rows(rows)
        if reference is None:
            where = "no cloud copy" if self._cloud is None else "the server keeps no file list"
            self.files_status.setText(f"{_files_text(len(files))} hashed here ({where})")
        else:
            bad = sum(1 for row in rows if row.checksum.value == "mismatch")
            missing = {e.path for e in reference} - {e.path for e in files}
            if bad or missing:
                self.files_status.setText(
                    f"{bad + len(missing)} of {len(reference)} files differ from the cloud copy"
                )
            else:
                self.files_status.setText(
                    f"All {_files_text(len(files))} match the cloud copy, sha256 by sha256"
                )

    def set_hash_failed(self, model: LocalModel, message: str) -> None:
        if self._side == "local" and self._local == model:
            self.files_status.setText(f"Could not hash the files: {message}")

    def set_hash_progress(self, progress: HashProgress) -> None:
        if self._side == "local" and self._local == progress.model:
            self.files_status.setText(
                f"Computing sha256… {format_size(progress.done)} of {format_size(progress.total)}"
            )

    def reload_icons(self) -> None:
        if self._side:
            self.where_icon.setPixmap(
                icons.icon("computer" if self._side == "local" else "cloud").pixmap(
                    ICON_SIZE, ICON_SIZE
                )
            )

    # ---- helpers -------------------------------------------------------------------

    def _header(self, tag: str, icon_name: str, where: str, sync: SyncEntry | None) -> None:
        self.title_label.setText(tag)
        self.where_icon.setPixmap(icons.icon(icon_name).pixmap(ICON_SIZE, ICON_SIZE))
        self.where_label.setText(where)
        cell = cell_for(sync)
        self.fields["Sync"].setText(f"{cell.text}: {cell.tooltip}" if cell.text else cell.tooltip)

    def _labels_and_metadata(self, labels: dict[str, str], metadata: dict[str, Any]) -> None:
        self.fields["Labels"].setText(format_labels(labels, "\n") or "—")
        text = _metadata_text(metadata)
        self.fields["Metadata"].setText(text)
        self.fields["Metadata"].setToolTip(
            json.dumps(metadata, default=str, indent=2, ensure_ascii=False) if metadata else ""
        )
