"""Import Folder's dialog is the way into a sandbox: it must stay the desktop's own.

In Flatpak, drag and drop from the file manager does not reach the app, and
Qt shows the FileChooser portal only for a dialog that may be native: one set
to ``DontUseNativeDialog`` would be Qt's own widget, which sees the sandbox's
files, not the user's. The folder the portal hands back is then imported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from bentosync.gui.window_commands import choose_folder


def test_import_folder_dialog_may_be_native_and_hands_back_the_folder(qtbot, tmp_path):
    parent = QWidget()
    qtbot.addWidget(parent)
    chosen: list[Path] = []
    folder = tmp_path / "weights"
    folder.mkdir()

    dialog = choose_folder(parent, chosen.append)
    assert not dialog.testOption(QFileDialog.Option.DontUseNativeDialog)
    assert dialog.fileMode() == QFileDialog.FileMode.Directory

    dialog.setDirectory(str(tmp_path))
    dialog.selectFile(str(folder))
    dialog.accept()
    assert chosen == [folder]
