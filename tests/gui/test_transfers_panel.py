"""TransfersPanel actions and summary, and the progress bar delegate."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from test_transfers_model import H, M, P, V, files, job

from bentosync.application.jobs import JobStatus
from bentosync.application.settings import TransferSettings
from bentosync.core.credentials import NotLoggedIn
from bentosync.core.session import Session
from bentosync.gui import icons
from bentosync.gui.delegates.progress_delegate import ProgressBarDelegate, needs_fusion
from bentosync.gui.models.transfers_model import COL_NAME, COL_PROGRESS, COL_STATUS
from bentosync.gui.widgets.transfers_panel import NAME_DEFAULT, NAME_MIN, TransfersPanel
from bentosync.gui.workers.transfer_manager import TransferManager

STATES = ("pending", "hashing", "verified", "mismatch", "unverified")
OUR_ICONS = ("cancel", "retry", "clear", *(f"checksum-{s}" for s in STATES))


class Gate:
    """A session factory that blocks until opened, then fails: a job that runs on demand."""

    def __init__(self) -> None:
        self.event = threading.Event()
        self.calls = 0

    def __call__(self) -> Session:
        self.calls += 1
        self.event.wait(10)
        raise NotLoggedIn("Not logged in to any BentoCloud registry.")


@pytest.fixture
def gate() -> Iterator[Gate]:
    gate = Gate()
    yield gate
    gate.event.set()


@pytest.fixture
def panel(qtbot, settings, gate) -> Iterator[TransfersPanel]:
    manager = TransferManager(gate, TransferSettings(settings))
    widget = TransfersPanel(manager)
    qtbot.addWidget(widget)
    widget.resize(900, 300)
    yield widget
    gate.event.set()
    assert manager.shutdown(10_000)


def select(panel: TransfersPanel, job_id) -> None:
    panel.view.selectionModel().select(
        panel.model.job_index(job_id),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )


def wait_status(qtbot, panel, job_id, status) -> None:
    qtbot.waitUntil(lambda: panel.manager.snapshot(job_id).status is status, timeout=10_000)


def test_retry_clear_and_summary(qtbot, panel, gate):
    summaries: list[str] = []
    panel.overall_changed.connect(summaries.append)
    gate.event.set()
    first = panel.manager.push("alpha")
    wait_status(qtbot, panel, first, JobStatus.FAILED)
    assert panel.model.index(0, 0).data() == "Push alpha:latest"
    assert "Not logged in" in panel.model.index(0, 6).data()
    assert panel.overall_text() == "1 transfer finished, 1 failed"
    assert summaries[-1] == panel.overall_text()
    assert panel.clear_action.isEnabled()
    assert not panel.retry_action.isEnabled()  # nothing selected

    select(panel, first)
    assert panel.retry_action.isEnabled() and not panel.cancel_action.isEnabled()
    panel.retry_action.trigger()
    assert [s.job_id for s in panel.model.snapshots()] != [first]
    second = panel.model.snapshots()[0].job_id
    assert panel.selected_job_ids() == [second]  # the new attempt is selected
    wait_status(qtbot, panel, second, JobStatus.FAILED)

    panel.clear_action.trigger()
    assert panel.model.rowCount() == 0
    assert panel.overall_text() == "No transfers" and summaries[-1] == "No transfers"
    assert not panel.clear_action.isEnabled()


def test_refused_retry_is_reported(qtbot, panel, gate):
    gate.event.set()
    failed = panel.manager.push("beta")
    wait_status(qtbot, panel, failed, JobStatus.FAILED)
    gate.event.clear()
    holder = panel.manager.pull("beta")  # now holds the model
    errors: list[str] = []
    panel.error_occurred.connect(errors.append)
    select(panel, failed)
    panel.retry_selected()
    assert errors and f"job #{holder}" in errors[0]
    gate.event.set()


def test_delete_key_cancels_the_selected_running_job(qtbot, panel, gate):
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    qtbot.waitActive(panel)  # shortcuts reach only the active window
    running = panel.manager.push("gamma")
    qtbot.waitUntil(lambda: gate.calls == 1, timeout=10_000)
    select(panel, running)
    panel.view.setFocus()
    qtbot.waitUntil(panel.view.hasFocus, timeout=5_000)
    assert panel.cancel_action.isEnabled()
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert panel.manager.snapshot(running).cancel_requested
    qtbot.waitUntil(lambda: panel.model.index(0, 6).data() == "Cancelling…", timeout=5_000)
    gate.event.set()  # the factory fails now, but the user had asked to stop
    wait_status(qtbot, panel, running, JobStatus.CANCELLED)
    assert panel.overall_text() == "1 transfer finished"


def test_short_file_lists_are_expanded(qtbot, panel):
    panel.model.add_job(job(101, files(("a", 10, 0, P))))
    panel.model.add_job(job(102))
    panel.model.update_job(job(102, tuple(files(*[(f"f{i}", 1, 0, P) for i in range(40)]))))
    assert panel.view.isExpanded(panel.model.job_index(101))
    assert not panel.view.isExpanded(panel.model.job_index(102))


def test_progress_delegate_paints_a_horizontal_bar_and_greys_failures(qtbot, panel):
    delegate = panel.progress_delegate
    assert isinstance(delegate, ProgressBarDelegate) and delegate.column == COL_PROGRESS
    option = QStyleOptionViewItem()
    option.rect = panel.view.visualRect(panel.model.index(0, 0))
    option.rect.setSize(option.rect.size().expandedTo(option.rect.size()))
    bar = delegate.bar_option(option, 0.426, greyed=False)
    assert bar.text == "42%" and bar.progress == 426 and bar.maximum == 1000
    assert bar.state & QStyle.StateFlag.State_Horizontal
    assert bar.state & QStyle.StateFlag.State_Enabled
    grey = delegate.bar_option(option, 1.0, greyed=True)
    assert grey.text == "100%" and not grey.state & QStyle.StateFlag.State_Enabled
    assert needs_fusion("darwin") and needs_fusion("win32") and not needs_fusion("linux")

    # Painted for real: a running and a failed job, one file each.
    panel.model.add_job(job(1, files(("w.bin", 100, 50, H))))
    panel.model.add_job(job(2, files(("x.bin", 100, 20, M)), status=JobStatus.FAILED))
    panel.show()
    qtbot.waitExposed(panel)
    image = panel.view.viewport().grab().toImage()
    rect = panel.view.visualRect(panel.model.index(0, COL_PROGRESS))
    colours = {
        image.pixelColor(x, rect.center().y()).name()
        for x in range(rect.left() + 3, rect.right() - 3)
    }
    assert len(colours) > 2  # a bar with a filled part, a groove and text, not an empty cell


def test_icons_ship_in_both_variants_and_follow_the_palette(qtbot, panel, qapp):
    for name in OUR_ICONS:
        for dark in (False, True):
            path = icons.icon_path(name, dark=dark)
            assert path is not None and path.parent.name == ("dark" if dark else "light"), name
    panel.model.add_job(job(1, files(("w.bin", 1, 1, V))))
    decorations: list[list] = []
    panel.model.dataChanged.connect(lambda a, b, roles=(): decorations.append(list(roles)))
    original = qapp.palette()
    dark = QPalette(original)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202225"))
    try:
        qapp.setPalette(dark)
        qtbot.waitUntil(lambda: [Qt.ItemDataRole.DecorationRole] in decorations, timeout=5_000)
    finally:
        qapp.setPalette(original)


def test_the_status_column_fits_beside_the_details_panel(qtbot, panel):
    """At 1400 px the window gives the Transfers panel about 870-900 px: with a 280 px
    Name column the Status column ran past the edge ("Interrupted · 1 of 3 f"), seen under
    Xvfb and in restart.png. The Name column gives way; a width the user drags stays."""
    view = panel.view
    panel.resize(900, 300)
    panel.show()
    qtbot.waitExposed(panel)
    status_left = view.header().sectionViewportPosition(COL_STATUS)
    assert status_left + panel.status_room() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0  # nothing past the edge
    assert NAME_MIN <= view.columnWidth(COL_NAME) < NAME_DEFAULT

    panel.resize(1400, 300)  # room enough: the Name column is back to its width
    qtbot.waitUntil(lambda: view.columnWidth(COL_NAME) == NAME_DEFAULT)

    view.header().resizeSection(COL_NAME, 400)  # as a drag does
    panel.resize(900, 300)
    qtbot.wait(50)
    assert view.columnWidth(COL_NAME) == 400
