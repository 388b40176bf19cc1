"""Window commands that need a widget but no state: clipboard, file manager, dialogs.

Each is a plain function of what it needs (a parent, a pool, a callback), so
the main window only connects an action to one of them, and none of them
reaches back into the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

from bentosync.application.settings import TransferSettings
from bentosync.core.store import LocalModel
from bentosync.core.version import __version__
from bentosync.gui.dialogs.accounts_dialog import AccountsDialog
from bentosync.gui.dialogs.login_dialog import LoginDialog
from bentosync.gui.dialogs.settings_dialog import SettingsDialog

logger = logging.getLogger(__name__)

translate = QCoreApplication.translate


def copy_tags(tags: list[str], status_bar: QStatusBar) -> None:
    """Tags to the clipboard, one per line (what ``bentosync pull`` takes)."""
    if tags:
        QGuiApplication.clipboard().setText("\n".join(tags))
        status_bar.showMessage(
            translate("WindowCommands", "Copied {tags}").format(tags=", ".join(tags)), 4000
        )


def open_folder(folder: Path, parent: QWidget | None = None) -> QMessageBox | None:
    """Show ``folder`` in the file manager (asynchronous: the desktop opens it).

    Where the desktop has no way to open a folder (no file manager, no
    ``xdg-open``), Qt only prints a warning on stderr: the user saw nothing
    happen. Then a message says so and gives the folder's path to copy; it is
    returned (None when the desktop took the folder).
    """
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return None
    logger.warning("No file manager could open %s", folder)
    box = QMessageBox(
        QMessageBox.Icon.Information,
        translate("WindowCommands", "Cannot Open Folder"),
        translate("WindowCommands", "No file manager could open the folder. It is here:"),
        QMessageBox.StandardButton.Ok,
        parent,
    )
    box.setObjectName("open_folder_failed")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setInformativeText(str(folder))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box


def show_in_folder(models: list[LocalModel], parent: QWidget | None = None) -> None:
    """Open the model's folder in the file manager (a message if there is none)."""
    if len(models) == 1:
        open_folder(models[0].path, parent)


def choose_folder(parent: QWidget, chosen: Callable[[Path], None]) -> QFileDialog:
    """A folder picker opened with ``open()`` (no nested event loop); calls ``chosen``."""
    dialog = QFileDialog(parent, translate("WindowCommands", "Import a folder as a model"))
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda path: chosen(Path(path)))
    dialog.open()
    return dialog


PROJECT_URL = "https://github.com/bentosync/bentosync"
LICENCE = "Apache License 2.0"


def about_text() -> str:
    """The About box: what the app is, and every version a bug report needs."""
    import PySide6
    from PySide6.QtCore import qVersion

    from bentosync.application.diagnostics import python_version

    blurb = translate(
        "WindowCommands",
        "Push and pull BentoML models between this computer and BentoCloud, "
        "with per-file checksums and resumable transfers.",
    )
    licence = translate("WindowCommands", "Licence: {licence}").format(licence=LICENCE)
    return (
        f"<b>BentoSync {__version__}</b><br>{blurb}<br><br>"
        f"Qt {qVersion()} · PySide6 {PySide6.__version__} · {python_version()}<br>"
        f"{licence}<br>"
        f'<a href="{PROJECT_URL}">{PROJECT_URL}</a>'
    )


def show_about(parent: QWidget) -> QMessageBox:
    box = QMessageBox(parent)
    box.setObjectName("about_box")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setWindowTitle(translate("WindowCommands", "About BentoSync"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
    box.setText(about_text())
    box.setIconPixmap(parent.windowIcon().pixmap(64, 64))
    box.open()
    return box


def open_log_folder(folder: Path, parent: QWidget | None = None) -> QMessageBox | None:
    """Show the log folder in the file manager (made first, so there is one to show);
    where none can open it, a message with its path (see ``open_folder``)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("Cannot make the log folder %s: %s", folder, exc)
    return open_folder(folder, parent)


def open_login(pool: QThreadPool, parent: QWidget, saved: Callable[[], None]) -> LoginDialog:
    """The login dialog (keyring and HTTP on ``pool``); ``saved`` runs after a saved login."""
    dialog = LoginDialog(pool, parent)
    dialog.login_saved.connect(lambda _context: saved())
    dialog.open()
    return dialog


def open_accounts(
    pool: QThreadPool, parent: QWidget, switched: Callable[[], None]
) -> AccountsDialog:
    """The accounts dialog; ``switched`` runs when the current login changed."""
    dialog = AccountsDialog(pool, parent)
    dialog.current_changed.connect(lambda _context: switched())
    dialog.open()
    return dialog


def open_settings(
    settings: TransferSettings, parent: QWidget, applied: Callable[[], None]
) -> SettingsDialog:
    """The transfer settings dialog; ``applied`` runs once the user accepted new values."""
    dialog = SettingsDialog(settings, parent)
    dialog.accepted.connect(applied)
    dialog.open()
    return dialog
