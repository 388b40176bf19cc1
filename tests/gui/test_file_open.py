"""A folder the desktop asks the app to open (macOS Dock, "Open With") goes to the importer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QUrl
from PySide6.QtGui import QFileOpenEvent

from bentosync.gui import file_open
from bentosync.gui.file_open import FolderOpenFilter, install_folder_open


def test_a_file_open_event_offers_the_folder_for_import(qapp, tmp_path):
    asked: list[list[Path]] = []
    target = QObject()
    folder_filter = FolderOpenFilter(lambda folders: asked.append(list(folders)))
    target.installEventFilter(folder_filter)
    folder = tmp_path / "my-model"
    folder.mkdir()

    assert QCoreApplication.sendEvent(target, QFileOpenEvent(str(folder)))
    assert asked == [[folder]]


def test_other_events_and_remote_urls_are_not_imported(qapp):
    asked: list[list[Path]] = []
    target = QObject()
    folder_filter = FolderOpenFilter(lambda folders: asked.append(list(folders)))
    target.installEventFilter(folder_filter)

    QCoreApplication.sendEvent(target, QEvent(QEvent.Type.User))
    QCoreApplication.sendEvent(target, QFileOpenEvent(QUrl("https://example.com/model")))
    assert asked == []


def test_the_application_filter_is_installed_only_where_qt_sends_file_open(
    qapp, tmp_path, monkeypatch
):
    """Elsewhere it would only cost a call into Python for every event in the app."""
    asked: list[list[Path]] = []
    folder = tmp_path / "my-model"
    folder.mkdir()

    monkeypatch.setattr(file_open, "DELIVERS_FILE_OPEN", False)
    assert install_folder_open(qapp, lambda folders: asked.append(list(folders))) is None

    monkeypatch.setattr(file_open, "DELIVERS_FILE_OPEN", True)
    installed = install_folder_open(qapp, lambda folders: asked.append(list(folders)))
    assert installed is not None
    try:
        assert QCoreApplication.sendEvent(qapp, QFileOpenEvent(str(folder)))
    finally:
        qapp.removeEventFilter(installed)
        installed.deleteLater()
    assert asked == [[folder]]
