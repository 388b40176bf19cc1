"""The Transfers panel: the job tree, its progress bars, and Cancel / Retry / Clear finished.

A view over :class:`TransfersModel` with :class:`ProgressBarDelegate` on one
column; no widget per row (maestral-qt's and OnionShare's lists do not scale,
STYLE.md). A job's files sit in their folders, fetched a page at a time as the
view scrolls, so a job of 20 000 files costs the view what it shows. It owns
no jobs: every action goes to the ``TransferManager``, and what the panel
shows comes back through the model, so the window, a context menu or a
shortcut starting a job all look the same here.

A push refused because the cloud record was made for other files gets one
more action, shown only while such a job is listed: "Delete from Cloud and
Push Again…". The panel only asks for it (``replace_requested``); the
window's operations confirm, delete and push.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from bentosync.application.jobs import JobId, JobSnapshot, JobStatus
from bentosync.core.errors import BentoSyncError
from bentosync.gui import icons
from bentosync.gui.delegates.progress_delegate import ProgressBarDelegate
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.models.transfers_model import (
    COL_CHECKSUM,
    COL_ETA,
    COL_NAME,
    COL_PROGRESS,
    COL_SIZE,
    COL_SPEED,
    COL_STATUS,
    TransfersModel,
)
from bentosync.gui.widgets.tree_fetch import PageFetcher
from bentosync.gui.workers.transfer_manager import TransferManager

logger = logging.getLogger(__name__)

AUTO_EXPAND_FILES = 12  # open a new job's folders and files when it has this few files
# Interrupted: running when the app last closed; Retry resumes it from the journal.
RETRYABLE = (JobStatus.FAILED, JobStatus.CANCELLED, JobStatus.INTERRUPTED)
NAME_DEFAULT, NAME_MIN = 280, 200  # the Name column's width, and how far it gives way
_WIDTHS = {COL_PROGRESS: 130, COL_SIZE: 80, COL_SPEED: 90, COL_ETA: 90, COL_CHECKSUM: 70}


class TransfersTree(QTreeView):
    """The Transfers tree, saying when its viewport changed size (the Name column follows).

    A scroll area's ``resizeEvent`` is the viewport's (a scroll bar coming or going
    resizes it too). An event filter on the viewport did this before, and was a call
    into Python for every event the viewport got: each paint, each mouse move.
    """

    viewport_resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.viewport_resized.emit()


class TransfersPanel(QWidget):
    """Jobs and their files, with actions on the selected jobs.

    Args:
        manager: runs the jobs; the panel only asks it to cancel, retry or clear.
        parent: the owning widget.

    Signals:
        overall_changed(str): the status-bar summary changed (at most per update tick).
        error_occurred(str): an action was refused (e.g. retrying a model that is busy).
    """

    overall_changed = Signal(str)
    error_occurred = Signal(str)
    #: ``JobSnapshot`` of a push refused by ``RecordConflict`` whose cloud version the
    #: user wants deleted and pushed again (the window asks before deleting).
    replace_requested = Signal(object)

    def __init__(self, manager: TransferManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.model = TransfersModel(manager, self)
        self._overall = ""
        self._expanded: set[int] = set()

        self.view = TransfersTree(self)
        self.view.setAccessibleName(self.tr("Transfers"))
        self.view.setAccessibleDescription(
            self.tr(
                "Pushes, pulls and verifications; expand one for its folders and files, each "
                "with its progress and checksum state"
            )
        )
        self.view.setObjectName("transfers_view")
        self.view.setModel(self.model)
        self.view.setUniformRowHeights(True)  # many file rows: no per-row measuring
        self.view.setAllColumnsShowFocus(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.page_fetcher = PageFetcher(self.view)  # folders of thousands, a page at a time
        self.progress_delegate = ProgressBarDelegate(COL_PROGRESS, self.view)
        self.view.setItemDelegateForColumn(COL_PROGRESS, self.progress_delegate)
        header = self.view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Interactive)
        self.view.setColumnWidth(COL_NAME, NAME_DEFAULT)
        for column, width in _WIDTHS.items():
            # At least the header's words, which are longer in some languages ("Prüfsumme").
            self.view.setColumnWidth(column, max(width, self._header_width(column)))
        self.view.setColumnWidth(COL_STATUS, 200)
        # The Name column gives way (down to NAME_MIN) so the Status column, the one that
        # says what happened, fits the panel without a horizontal scroll (where even that
        # is too little, as in German, its words are elided, the tooltip has them all);
        # once the user drags the Name column, it keeps the width they chose.
        self._name_auto = True
        self._sizing_name = False
        header.sectionResized.connect(self._on_section_resized)
        self.view.viewport_resized.connect(self._fit_name_column)

        self._make_actions()
        self.toolbar = QToolBar(self.tr("Transfers"), self)
        self.toolbar.setObjectName("transfers_toolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (
            self.cancel_action,
            self.retry_action,
            self.clear_action,
            self.replace_action,
        ):
            self.toolbar.addAction(action)
            self.view.addAction(action)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.view)

        self.view.selectionModel().selectionChanged.connect(self._update_actions)
        self.model.rowsInserted.connect(self._on_rows_inserted)
        # Connected after the model's own slots, so the model is up to date here.
        for signal in (
            manager.job_added,
            manager.jobs_updated,
            manager.job_finished,
            manager.jobs_removed,
        ):
            signal.connect(self._on_jobs_changed)
        manager.jobs_removed.connect(self._forget_expanded)
        self._apply_icons()
        self._update_actions()
        self._on_jobs_changed()

    # ---- construction --------------------------------------------------------------

    def _header_width(self, column: int) -> int:
        text = self.model.headerData(column, Qt.Orientation.Horizontal)
        metrics = self.view.header().fontMetrics()
        return metrics.horizontalAdvance(str(text or "")) + 3 * metrics.averageCharWidth()

    def _make_actions(self) -> None:
        self.cancel_action = QAction(self.tr("&Cancel"), self)
        self.cancel_action.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        self.cancel_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.cancel_action.setToolTip(self.tr("Stop the selected transfers (Del)"))
        self.cancel_action.triggered.connect(self.cancel_selected)

        self.retry_action = QAction(self.tr("&Retry"), self)
        self.retry_action.setShortcut(QKeySequence("Ctrl+R"))
        self.retry_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retry_action.setToolTip(
            self.tr("Run the selected failed or cancelled transfers again (Ctrl+R)")
        )
        self.retry_action.triggered.connect(self.retry_selected)

        self.clear_action = QAction(self.tr("C&lear Finished"), self)
        self.clear_action.setShortcut(QKeySequence("Ctrl+Shift+Del"))
        self.clear_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.clear_action.setToolTip(
            self.tr("Remove finished transfers from the list (Ctrl+Shift+Del)")
        )
        self.clear_action.triggered.connect(self.clear_finished)

        self.replace_action = QAction(fmt.replace_action_text(), self)
        self.replace_action.setToolTip(
            self.tr(
                "The cloud record of this version was made for other files and cannot be "
                "changed: delete the cloud version, then push the copy on this computer again "
                "(asks first)"
            )
        )
        self.replace_action.setVisible(False)
        self.replace_action.triggered.connect(self.replace_selected)

    def _apply_icons(self) -> None:
        self.cancel_action.setIcon(icons.icon("cancel"))
        self.retry_action.setIcon(icons.icon("retry"))
        self.clear_action.setIcon(icons.icon("clear"))
        self.replace_action.setIcon(icons.icon("push"))

    # ---- actions -------------------------------------------------------------------

    def selected_job_ids(self) -> list[JobId]:
        """Jobs with a selected row (a selected file row counts for its job), in order."""
        seen: dict[JobId, None] = {}
        for index in self.view.selectionModel().selectedRows(COL_NAME):
            job_id = self.model.job_id_of(index)
            if job_id is not None:
                seen[job_id] = None
        return list(seen)

    def select_job(self, job_id: JobId) -> None:
        index = self.model.job_index(job_id)
        if index.isValid():
            self.view.setCurrentIndex(index)

    def select_jobs(self, job_ids: list[JobId]) -> None:
        """Select these jobs' rows (the first becomes current), so the toolbar acts on them."""
        selection = QItemSelection()
        for job_id in job_ids:
            index = self.model.job_index(job_id)
            if index.isValid():
                selection.select(index, index)
        if selection.isEmpty():
            return
        flags = QItemSelectionModel.SelectionFlag
        model = self.view.selectionModel()
        model.setCurrentIndex(selection.indexes()[0], flags.NoUpdate)
        model.select(selection, flags.ClearAndSelect | flags.Rows)

    def cancel_selected(self) -> None:
        for job_id in self.selected_job_ids():
            self.manager.cancel(job_id)
        self._update_actions()

    def retry_selected(self) -> None:
        errors = []
        for job_id in self.selected_job_ids():
            if self.manager.snapshot(job_id).status not in RETRYABLE:
                continue
            try:
                self.select_job(self.manager.retry(job_id))
            except BentoSyncError as exc:
                errors.append(str(exc))
        if errors:
            self.error_occurred.emit("\n".join(errors))
        self._update_actions()

    def clear_finished(self) -> None:
        self.manager.clear_finished()
        self._update_actions()

    def replace_selected(self) -> None:
        """Ask to replace the cloud version of the selected push refused by a conflict.

        With nothing selected, the one such push listed is meant. One at a
        time: each replacement is its own confirmed delete.
        """
        conflicts = self._replaceable(self._selected_snapshots())
        if conflicts:
            self.replace_requested.emit(conflicts[0])

    def _selected_snapshots(self) -> list[JobSnapshot]:
        return [self.manager.snapshot(job_id) for job_id in self.selected_job_ids()]

    def _replaceable(self, selected: list[JobSnapshot]) -> list[JobSnapshot]:
        if selected:
            return [snap for snap in selected if snap.record_conflict]
        listed = [snap for snap in self.model.snapshots() if snap.record_conflict]
        return listed if len(listed) == 1 else []

    def _update_actions(self) -> None:
        selected = self._selected_snapshots()
        statuses = [snap.status for snap in selected]
        self.cancel_action.setEnabled(any(not s.finished for s in statuses))
        self.retry_action.setEnabled(any(s in RETRYABLE for s in statuses))
        self.clear_action.setEnabled(any(s.finished for s in self.model.snapshots()))
        self._update_replace(selected)

    def _update_replace(self, selected: list[JobSnapshot]) -> None:
        """Shown while a conflicting push is listed; enabled when it is clear which one."""
        self.replace_action.setVisible(any(s.record_conflict for s in self.model.snapshots()))
        self.replace_action.setEnabled(bool(self._replaceable(selected)))

    # ---- summary -------------------------------------------------------------------

    def overall_text(self) -> str:
        """One line about every listed job, for the window's status bar."""
        return fmt.overall_text(self.model.snapshots())

    def _on_jobs_changed(self, *_: object) -> None:
        text = self.overall_text()
        if text != self._overall:
            self._overall = text
            self.overall_changed.emit(text)
        self.clear_action.setEnabled(any(s.finished for s in self.model.snapshots()))
        if self.view.selectionModel().hasSelection():
            self._update_actions()
        else:
            self._update_replace([])

    def _on_rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        """Open a job, folders and all, once its (short) file list appears; long lists
        stay folded. Folders that turn up later in a job opened this way open too."""
        if not parent.isValid():  # new jobs, maybe with their files already
            for row in range(first, last + 1):
                self._maybe_expand(self.model.index(row, 0))
            return
        job_id = self.model.job_id_of(parent)
        if job_id is None:
            return
        job_index = self.model.job_index(job_id)
        if job_id not in self._expanded:
            self._maybe_expand(job_index)
        elif self.model.file_count(job_index) <= AUTO_EXPAND_FILES:
            for row in range(first, last + 1):
                self.view.expand(self.model.index(row, 0, parent))

    def _forget_expanded(self, job_ids: list[JobId]) -> None:
        self._expanded.difference_update(job_ids)

    def _maybe_expand(self, job_index: QModelIndex) -> None:
        job_id = self.model.job_id_of(job_index)
        if job_id is None or job_id in self._expanded:
            return
        if 0 < self.model.file_count(job_index) <= AUTO_EXPAND_FILES:
            self._expanded.add(job_id)
            self.view.expandRecursively(job_index)

    # ---- column widths -------------------------------------------------------------

    def status_room(self) -> int:
        """Width the Status column needs for the longest common words it shows
        ("Interrupted · 3 of 7 files done", in the language in use)."""
        metrics = self.view.fontMetrics()
        text = fmt.interrupted_files(3, 7)
        return metrics.horizontalAdvance(text) + 4 * metrics.averageCharWidth()

    def _fit_name_column(self) -> None:
        if not self._name_auto:
            return
        others = sum(self.view.columnWidth(c) for c in _WIDTHS)
        room = self.view.viewport().width() - others - self.status_room()
        width = max(NAME_MIN, min(NAME_DEFAULT, room))
        if width != self.view.columnWidth(COL_NAME):
            self._sizing_name = True
            try:
                self.view.setColumnWidth(COL_NAME, width)
            finally:
                self._sizing_name = False

    def _on_section_resized(self, column: int, _old: int, _new: int) -> None:
        if column == COL_NAME and not self._sizing_name:
            self._name_auto = False  # the user's choice from now on

    # ---- events --------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ThemeChange):
            self._apply_icons()
            self.model.reload_icons()
        super().changeEvent(event)
