"""Details of the selected model: what it is, its labels and metadata, and every file.

For a cloud model the files and checksums are the server's list, when it
keeps one. A record may instead hold one sha256 for the whole model (too many
files to list), no checksums at all, or be a Hugging Face reference with no
files: then the files area says which, in words, instead of an empty table
that would look broken. For a local model the files have to be computed: the
panel asks for that with ``hash_requested`` and the window hashes on a worker
with the persistent hash cache, then hands the list back. When both sides
have the version, each local file is marked verified or mismatched against
the cloud's sha256, or all of them together against its whole-model digest.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QFontMetrics
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

from bentosync.application.formatting import format_labels, format_size
from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import METADATA_KEY, Checksums, FileEntry
from bentosync.core.filelist import difference as differ
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncEntry
from bentosync.gui import icons
from bentosync.gui.engine_words import difference_text
from bentosync.gui.i18n import QT_TRANSLATE_NOOP, TranslationContext
from bentosync.gui.models import cloud_describe, files_model
from bentosync.gui.models.cloud_models import created_of, sync_cell
from bentosync.gui.models.files_model import (
    FileListModel,
    cloud_rows,
    compare_lists,
    compare_whole,
)
from bentosync.gui.models.local_models import format_exact_time
from bentosync.gui.models.sync_display import SyncCell, cell_for
from bentosync.gui.widgets.files_note import FilesNote
from bentosync.gui.workers.file_hashing import HashProgress

logger = logging.getLogger(__name__)


class FileCount(TranslationContext):
    """How many files a model has, in words."""


PAGE_EMPTY, PAGE_DETAILS = 0, 1
PAGE_FILES, PAGE_NOTE = 0, 1
METADATA_CHARS = 240
ICON_SIZE = 16
ICON_ROOM = ICON_SIZE + 12  # the checksum icon and the style's margins around it
SIZE_SAMPLE = "1023.9 KiB"
#: The rows, by key (``fields``); the keys are the English labels, translated when shown.
FIELDS = (
    QT_TRANSLATE_NOOP("DetailsPanel", "Sync"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Size"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Created"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Framework"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Labels"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Metadata"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Checksums"),
    QT_TRANSLATE_NOOP("DetailsPanel", "Where"),
)


def _files_text(count: int) -> str:
    return FileCount.tr("{count} file(s)", "", count).format(count=f"{count:,}")


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
        self.setAccessibleName(self.tr("Model details"))
        self.setAccessibleDescription(self.tr("Labels, metadata and files of the selected model"))
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
        for key in FIELDS:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = label
            form.addRow(self.tr("{field}:").format(field=self.tr(key)), label)

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
        # A model of 20 000 files: rows of one fixed height, and the two narrow columns
        # sized once from sample texts. ResizeToContents would measure up to 1 000 rows
        # (8 data() calls each) on every layout, and a window resize took 170 ms.
        rows = self.files_view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.files_view.horizontalHeader()
        header.setSectionResizeMode(files_model.COL_PATH, QHeaderView.ResizeMode.Stretch)
        for column in (files_model.COL_SIZE, files_model.COL_SHA256):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, self._column_width(column))
        header.setHighlightSections(False)

        details = QWidget()
        stack = QVBoxLayout(details)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.addWidget(self.title_label)
        where_row = QFormLayout()
        where_row.setContentsMargins(0, 0, 0, 0)
        where_row.addRow(self.where_icon, self.where_label)
        stack.addLayout(where_row)
        stack.addLayout(form)
        self.files_note = FilesNote()
        self.files_stack = QStackedWidget()
        self.files_stack.addWidget(self.files_view)
        self.files_stack.addWidget(self.files_note)
        stack.addWidget(self.files_status)
        stack.addWidget(self.files_stack, 1)

        self.empty_label = QLabel(self.tr("Select a model to see its labels, metadata and files."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)

        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(details)
        heading = QLabel(self.tr("Details"))
        heading_font = heading.font()
        heading_font.setBold(True)
        heading.setFont(heading_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading)
        layout.addWidget(self.stack, 1)

    def _column_width(self, column: int) -> int:
        """Room for the widest usual cell: a size like "1023.9 KiB", or a short sha256
        in the fixed font after its checksum icon."""
        padding = 3 * self.fontMetrics().averageCharWidth()
        if column == files_model.COL_SIZE:
            return self.fontMetrics().horizontalAdvance(SIZE_SAMPLE) + padding
        mono = QFontMetrics(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        return mono.horizontalAdvance("0" * files_model.SHORT_HASH + "…") + ICON_ROOM + padding

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
        self._show_files([])
        self.stack.setCurrentIndex(PAGE_EMPTY)

    def show_local(
        self, model: LocalModel, cloud: CloudModel | None, sync: SyncEntry | None
    ) -> None:
        """A local version; its files are hashed on request (``hash_requested``)."""
        same = self._side == "local" and self._local == model and self._cloud == cloud
        self._local, self._cloud, self._side = model, cloud, "local"
        self._header(str(model.tag), "computer", self.tr("On this computer"), cell_for(sync))
        self.fields["Size"].setText(
            self.tr("{size} ({bytes} bytes, {files})").format(
                size=format_size(model.size_bytes),
                bytes=f"{model.size_bytes:,}",
                files=_files_text(model.file_count),
            )
        )
        self.fields["Created"].setText(format_exact_time(model.creation_time))
        framework = _framework(model.context)
        if model.module:
            framework = f"{model.module} · {framework}" if framework != "—" else model.module
        self.fields["Framework"].setText(framework)
        self._labels_and_metadata(model.labels, model.metadata)
        self.fields["Checksums"].setText(cloud_describe.local_comparison_text(cloud))
        self.fields["Where"].setText(str(model.path))
        if not same:
            self._show_files([])
            self.files_status.setText(
                self.tr("Computing the sha256 of {files}…").format(
                    files=_files_text(model.file_count)
                )
            )
            self.hash_requested.emit(model)
        self.stack.setCurrentIndex(PAGE_DETAILS)

    def show_cloud(
        self,
        model: CloudModel,
        local: LocalModel | None,
        sync: SyncEntry | None,
        where: str = "",
    ) -> None:
        """A cloud version; its files are the server's list, when it keeps one.

        ``where``: the registry in words (``CloudConnection.where``); "the cloud" if "".
        """
        where = where or self.tr("the cloud")
        self._local, self._cloud, self._side = local, model, "cloud"
        cell = sync_cell(model, sync)
        if model.is_huggingface:  # the note below names the model; say it once
            cell = SyncCell(
                cell.text, cell.icon_name, self.tr("not an archive, so nothing to pull or compare.")
            )
        self._header(model.tag, "cloud", self.tr("In the cloud"), cell)
        files = cloud_describe.file_count_text(model)
        if model.is_huggingface:
            self.fields["Size"].setText(self.tr("None: a reference has no files in the cloud"))
        elif model.size_bytes:
            self.fields["Size"].setText(
                self.tr("{size} ({bytes} bytes, {files})").format(
                    size=format_size(model.size_bytes), bytes=f"{model.size_bytes:,}", files=files
                )
            )
        else:
            self.fields["Size"].setText(
                self.tr("Not stated by the server ({files})").format(files=files)
            )
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
        self.fields["Checksums"].setText(cloud_describe.checksums_text(model))
        self.fields["Where"].setText(self._cloud_where(model, where))
        self._cloud_files(model)
        self.stack.setCurrentIndex(PAGE_DETAILS)

    def _cloud_where(self, model: CloudModel, where: str) -> str:
        if model.is_huggingface:
            return self.tr(
                "{where}, as a reference to a model on the Hugging Face Hub (no archive)"
            ).format(where=where)
        # The upload status and its reason are the server's words.
        status = model.upload_status or self.tr("unknown")
        if model.upload_finished_reason:
            text = self.tr("{where} (upload {status} ({reason}))")
        else:
            text = self.tr("{where} (upload {status})")
        return text.format(where=where, status=status, reason=model.upload_finished_reason)

    def _cloud_files(self, model: CloudModel) -> None:
        """The server's list in the table, or a note saying why there is none."""
        checksums = model.checksums
        if model.is_huggingface:
            model_id, revision = cloud_describe.huggingface_source(model)
            self._show_note(
                "sync-reference",
                self.tr("Hugging Face reference: no files in the cloud"),
                self.tr("Model: {model}\nRevision: {revision}\n\n{sentence}").format(
                    model=model_id or self.tr("not named"),
                    revision=revision or self.tr("not pinned"),
                    sentence=cloud_describe.huggingface_sentence(model),
                ),
            )
        elif checksums is None:
            self._show_note(
                "checksum-unverified",
                self.tr("No file list in the cloud"),
                self.tr(
                    "The server keeps no checksums for this version, so there is no list of "
                    "its files to show and they are unverified. Only sizes can be compared; "
                    "a pull checks that the files add up to the size the server states."
                ),
            )
        elif checksums.files is None:
            self._show_note(
                "checksum-verified" if model.archive_checked else "checksum-unverified",
                self.tr("{count} file(s) covered by one checksum", "", checksums.count).format(
                    count=f"{checksums.count:,}"
                ),
                self.tr(
                    "The cloud keeps one sha256 over all {count} file(s) ({size}) instead of a "
                    "list: a list of this many files would not fit in its record. Single files "
                    "cannot be compared; a pull checks the whole model against it, and "
                    "selecting the local copy compares it as a whole.\n\n"
                    "sha256 of the whole model: {digest}",
                    "",
                    checksums.count,
                ).format(
                    count=f"{checksums.count:,}",
                    size=format_size(checksums.size),
                    digest=checksums.digest,
                ),
            )
        else:
            self._show_files(cloud_rows(checksums.files, checked=model.archive_checked))
            if model.archive_checked:
                text = self.tr(
                    "{count} file(s), sha256 as the server checked them", "", checksums.count
                )
            else:
                text = self.tr(
                    "{count} file(s), sha256 as recorded when it was pushed "
                    "(this server does not check uploads)",
                    "",
                    checksums.count,
                )
            self.files_status.setText(text.format(count=f"{checksums.count:,}"))

    # ---- results from the window's workers ------------------------------------------

    def set_local_files(self, model: LocalModel, files: list[FileEntry]) -> None:
        """The hashed list of ``model``; ignored if another model is shown by now."""
        if self._side != "local" or self._local != model:
            return
        cloud = self._cloud
        theirs = None if cloud is None or cloud.is_huggingface else cloud.checksums
        if theirs is None:
            self._show_files(compare_lists(files, None, local=True))
            if cloud is None:
                text = self.tr("{count} file(s) hashed here (no cloud copy)", "", len(files))
            elif cloud.is_huggingface:
                text = self.tr(
                    "{count} file(s) hashed here (the cloud entry is a Hugging Face reference)",
                    "",
                    len(files),
                )
            else:
                text = self.tr(
                    "{count} file(s) hashed here (the cloud copy has no checksums to compare with)",
                    "",
                    len(files),
                )
            self.files_status.setText(text.format(count=f"{len(files):,}"))
        elif theirs.files is None:
            self._show_files(compare_whole(files, theirs))
            if theirs.matches(files):
                self.files_status.setText(
                    self.tr(
                        "All {count} file(s) match the cloud copy as a whole "
                        "(one sha256 over the whole model)",
                        "",
                        len(files),
                    ).format(count=f"{len(files):,}")
                )
            else:
                difference = difference_text(differ(Checksums.of(files), theirs))
                self.files_status.setText(
                    self.tr("Differs from the cloud copy: {difference}").format(
                        difference=difference
                    )
                )
        else:
            reference = theirs.files
            rows = compare_lists(files, reference, local=True)
            self._show_files(rows)
            bad = sum(1 for row in rows if row.checksum.value == "mismatch")
            missing = {e.path for e in reference} - {e.path for e in files}
            if bad or missing:
                self.files_status.setText(
                    self.tr(
                        "{bad} of {count} file(s) differ from the cloud copy", "", len(reference)
                    ).format(bad=bad + len(missing), count=len(reference))
                )
            else:
                self.files_status.setText(
                    self.tr(
                        "All {count} file(s) match the cloud copy, sha256 by sha256", "", len(files)
                    ).format(count=f"{len(files):,}")
                )

    def set_hash_failed(self, model: LocalModel, message: str) -> None:
        if self._side == "local" and self._local == model:
            self.files_status.setText(
                self.tr("Could not hash the files: {message}").format(message=message)
            )

    def set_hash_progress(self, progress: HashProgress) -> None:
        if self._side == "local" and self._local == progress.model:
            self.files_status.setText(
                self.tr("Computing sha256… {done} of {total}").format(
                    done=format_size(progress.done), total=format_size(progress.total)
                )
            )

    def reload_icons(self) -> None:
        self.files_note.reload_icon()
        if self._side:
            self.where_icon.setPixmap(
                icons.icon("computer" if self._side == "local" else "cloud").pixmap(
                    ICON_SIZE, ICON_SIZE
                )
            )

    # ---- helpers -------------------------------------------------------------------

    def _header(self, tag: str, icon_name: str, where: str, cell: SyncCell) -> None:
        self.title_label.setText(tag)
        self.where_icon.setPixmap(icons.icon(icon_name).pixmap(ICON_SIZE, ICON_SIZE))
        self.where_label.setText(where)
        self.fields["Sync"].setText(f"{cell.text}: {cell.tooltip}" if cell.text else cell.tooltip)

    def _show_files(self, rows: list[files_model.FileRow]) -> None:
        self.files_model.set_rows(rows)
        self.files_status.show()
        self.files_stack.setCurrentIndex(PAGE_FILES)

    def _show_note(self, icon_name: str, title: str, body: str) -> None:
        """No list to show: the note takes the table's place, and the status line goes."""
        self.files_model.set_rows([])
        self.files_note.show_note(icon_name, title, body)
        self.files_status.hide()
        self.files_status.setText("")
        self.files_stack.setCurrentIndex(PAGE_NOTE)

    def _labels_and_metadata(self, labels: dict[str, str], metadata: dict[str, Any]) -> None:
        # BentoSync's own checksums have a row of their own, in words.
        metadata = {k: v for k, v in metadata.items() if k != METADATA_KEY}
        self.fields["Labels"].setText(format_labels(labels, "\n") or "—")
        text = _metadata_text(metadata)
        self.fields["Metadata"].setText(text)
        self.fields["Metadata"].setToolTip(
            json.dumps(metadata, default=str, indent=2, ensure_ascii=False) if metadata else ""
        )
