"""What the window remembers between runs: geometry, toolbar, splitters, table columns.

Kept apart from the window so the keys live in one place. A key carries a
version suffix when what it stores changed shape (``header_v2``: the Sync
column moved the Local pane's columns), so an old value is ignored rather
than restored into the wrong columns.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QMainWindow, QSplitter, QWidget

from bentosync.gui.widgets.model_pane import ModelPane

logger = logging.getLogger(__name__)

KEYS = {
    "geometry": "main_window/geometry",
    "state": "main_window/state",
    "panes": "main_window/panes_splitter",
    "main": "main_window/main_splitter",
    "bottom": "main_window/bottom_splitter",
    "local": "local_pane/header_v2",
    "cloud": "cloud_pane/header",
}


class RestorableWindow(Protocol):
    """The parts of the main window that persist."""

    splitter: QSplitter
    main_splitter: QSplitter
    bottom_splitter: QSplitter
    local_pane: ModelPane
    cloud_pane: ModelPane


def _splitters(window: RestorableWindow) -> dict[str, QSplitter]:
    return {
        "panes": window.splitter,
        "main": window.main_splitter,
        "bottom": window.bottom_splitter,
    }


def restore(window: QMainWindow, settings: QSettings, default_size: tuple[int, int]) -> None:
    """Put back what :func:`save` stored; anything missing or unreadable keeps its default."""
    parts: RestorableWindow = window  # type: ignore[assignment]
    geometry = settings.value(KEYS["geometry"])
    if not geometry or not window.restoreGeometry(geometry):
        window.resize(*default_size)
    state = settings.value(KEYS["state"])
    if state:
        window.restoreState(state)
    for key, splitter in _splitters(parts).items():
        value = settings.value(KEYS[key])
        if isinstance(value, (QByteArray, bytes)) and value:
            splitter.restoreState(QByteArray(value))
    parts.local_pane.restore_state(settings.value(KEYS["local"]))
    parts.cloud_pane.restore_state(settings.value(KEYS["cloud"]))


def save(window: QMainWindow, settings: QSettings) -> None:
    parts: RestorableWindow = window  # type: ignore[assignment]
    settings.setValue(KEYS["geometry"], window.saveGeometry())
    settings.setValue(KEYS["state"], window.saveState())
    for key, splitter in _splitters(parts).items():
        settings.setValue(KEYS[key], splitter.saveState())
    settings.setValue(KEYS["local"], parts.local_pane.save_state())
    settings.setValue(KEYS["cloud"], parts.cloud_pane.save_state())
    settings.sync()


def bring_to_front(window: QWidget) -> None:
    """Show ``window`` above the others: un-minimised, raised, and given focus."""
    state = window.windowState() & ~Qt.WindowState.WindowMinimized
    window.setWindowState(state | Qt.WindowState.WindowActive)
    window.show()
    window.raise_()
    window.activateWindow()
