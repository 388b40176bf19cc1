"""A folder the desktop asks the app to open (macOS Dock, "Open With") goes to the importer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QUrl
from PySide6.QtGui import QFileOpenEvent

from bentosync.gui.file_open import FolderOpenFilter


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
