"""The window's actions: one QAction each, shared by toolbar, menus, context menus and keys.

Every way to do something (a toolbar button, a menu item, a context menu, a
shortcut, and for push/pull a drag) triggers the same QAction, so they cannot
drift apart, and enabling an action enables all its faces at once. What each
action *does* is wired by the window; this module owns their text, icons,
shortcuts and when they are enabled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QToolBar, QWidget

from bentosync.gui import icons
from bentosync.gui.models.cloud_describe import wrap

logger = logging.getLogger(__name__)

# Shortcuts beyond the platform's standard keys; each is also in the tooltip.
PUSH_KEY = "Ctrl+U"  # "up"
PULL_KEY = "Ctrl+D"  # "down"
VERIFY_KEY = "Ctrl+I"  # "integrity"
CANCEL_KEY = "Ctrl+."  # the macOS convention for "stop"
LOGIN_KEY = "Ctrl+L"


@dataclass(frozen=True)
class ActionState:
    """What the actions depend on; the window builds one after every change."""

    local_selected: int = 0
    cloud_selected: int = 0
    active_side: str = "local"  # the pane that had the focus last
    cloud_ready: bool = False  # a registry is connected
    local_with_cloud_copy: int = 0  # selected local versions that are also in the cloud
    cancellable: bool = False  # a transfer is running or queued
    one_local: bool = False  # exactly one local row selected (show in folder)
    # Why the selected cloud versions cannot be pulled (Hugging Face references,
    # unfinished uploads); Pull is disabled and says this when none can be.
    pull_refusals: tuple[str, ...] = ()


def _tip(text: str, key: QKeySequence | str | None) -> str:
    if key is None:
        return text
    seq = key if isinstance(key, QKeySequence) else QKeySequence(key)
    shown = seq.toString(QKeySequence.SequenceFormat.NativeText)
    return f"{text} ({shown})" if shown else text


class WindowActions(QObject):
    """Every action of the main window; ``update`` enables them from an ``ActionState``."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)

        def make(text: str, tip: str, key: QKeySequence | str | None = None) -> QAction:
            action = QAction(text, parent)
            if key is not None:
                action.setShortcut(key if isinstance(key, QKeySequence) else QKeySequence(key))
            action.setToolTip(_tip(tip, key))
            action.setStatusTip(tip)
            parent.addAction(action)  # shortcuts work even when the menu bar is hidden
            return action

        refresh_tip = self.tr("List the local store and the cloud again")
        self.refresh = make(self.tr("&Refresh"), refresh_tip)
        # Ctrl+R is Retry in the Transfers panel; two actions on one key fire neither.
        keys = [
            seq
            for seq in QKeySequence.keyBindings(QKeySequence.StandardKey.Refresh)
            if not seq.matches(QKeySequence("Ctrl+R"))
        ]
        if not any(seq.matches(QKeySequence("F5")) for seq in keys):
            keys.append(QKeySequence("F5"))
        self.refresh.setShortcuts(keys)
        self.refresh.setToolTip(_tip(refresh_tip, keys[0]))

        self.push = make(
            self.tr("&Push"), self.tr("Upload the selected local models to the cloud"), PUSH_KEY
        )
        self.pull = make(self.tr("P&ull"), self._pull_tip(), PULL_KEY)
        self.verify = make(
            self.tr("&Verify"),
            self.tr(
                "Re-read the selected local models and compare every file with the cloud's sha256"
            ),
            VERIFY_KEY,
        )
        self.delete = make(
            self.tr("&Delete…"),
            self.tr("Delete the selected models"),
            QKeySequence(QKeySequence.StandardKey.Delete),
        )
        self.cancel = make(
            self.tr("&Cancel Transfers"),
            self.tr("Cancel the selected or all transfers"),
            CANCEL_KEY,
        )
        self.import_folder = make(
            self.tr("&Import Folder…"),
            self.tr("Make a new local model from a folder of files"),
            QKeySequence(QKeySequence.StandardKey.Open),
        )
        self.copy_tags = make(
            self.tr("&Copy Tag(s)", "", 1),
            self.tr("Copy the selected tags"),
            QKeySequence(QKeySequence.StandardKey.Copy),
        )
        self.show_in_folder = make(
            self.tr("Show in &File Manager"), self.tr("Open the model's folder")
        )
        self.find = make(
            self.tr("&Filter Models"),
            self.tr("Filter the current pane"),
            QKeySequence(QKeySequence.StandardKey.Find),
        )
        self.login = make(
            self.tr("&Log In…"), self.tr("Log in to BentoCloud or a compatible registry"), LOGIN_KEY
        )
        self.accounts = make(
            self.tr("&Accounts…"), self.tr("Switch, add or log out of BentoCloud logins")
        )
        self.transfer_settings = make(
            self.tr("Transfer &Settings…"),
            self.tr("Concurrent transfers, threads and part size"),
            QKeySequence(QKeySequence.StandardKey.Preferences),
        )
        self.quit = make(
            self.tr("&Quit"), self.tr("Quit BentoSync"), QKeySequence(QKeySequence.StandardKey.Quit)
        )
        self.about = QAction(self.tr("&About BentoSync"), parent)
        self.open_log_folder = QAction(self.tr("Open &Log Folder"), parent)
        self.open_log_folder.setStatusTip(self.tr("The app's log files, to send with a bug report"))
        self.apply_icons()
        self.update(ActionState())

    def scope_to_panes(self, panes: list[QWidget]) -> None:
        """Del and Ctrl+C act on the model panes only.

        Elsewhere the same keys mean something else (Del cancels the selected
        transfer in the Transfers panel), and a key bound by two active actions
        triggers neither, so these two are bound to the panes instead of the window.
        """
        window = self.parent()
        for action in (self.delete, self.copy_tags):
            if isinstance(window, QWidget):
                window.removeAction(action)
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            for pane in panes:
                pane.addAction(action)

    # ---- presentation --------------------------------------------------------------

    def apply_icons(self) -> None:
        """(Re)load icons for the current palette (after a light/dark switch)."""
        for action, name in (
            (self.refresh, "refresh"),
            (self.push, "push"),
            (self.pull, "pull"),
            (self.verify, "verify"),
            (self.delete, "delete"),
            (self.cancel, "cancel"),
            (self.import_folder, "import"),
            (self.copy_tags, "copy"),
            (self.show_in_folder, "folder"),
            (self.find, "search"),
            (self.login, "login"),
            (self.accounts, "account"),
        ):
            action.setIcon(icons.icon(name))

    def fill_toolbar(self, toolbar: QToolBar) -> None:
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for group in (
            (self.refresh,),
            (self.push, self.pull, self.verify),
            (self.delete, self.cancel),
            (self.import_folder,),
        ):
            for action in group:
                toolbar.addAction(action)
            toolbar.addSeparator()

    def fill_menus(self, bar: QMenuBar) -> dict[str, QMenu]:
        menus: dict[str, QMenu] = {}
        file_menu = menus["file"] = bar.addMenu(self.tr("&File"))
        file_menu.addAction(self.import_folder)
        file_menu.addAction(self.refresh)
        file_menu.addAction(self.find)
        file_menu.addSeparator()
        file_menu.addAction(self.login)
        file_menu.addSeparator()
        file_menu.addAction(self.accounts)
        file_menu.addAction(self.transfer_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.quit)
        model_menu = menus["model"] = bar.addMenu(self.tr("&Model"))
        for action in (self.push, self.pull, self.verify):
            model_menu.addAction(action)
        model_menu.addSeparator()
        model_menu.addAction(self.copy_tags)
        model_menu.addAction(self.show_in_folder)
        model_menu.addSeparator()
        model_menu.addAction(self.delete)
        transfers_menu = menus["transfers"] = bar.addMenu(self.tr("&Transfers"))
        transfers_menu.addAction(self.cancel)
        help_menu = menus["help"] = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.open_log_folder)
        help_menu.addSeparator()
        help_menu.addAction(self.about)
        return menus

    def context_menu(self, side: str, parent: QWidget) -> QMenu:
        """The right-click menu of a pane: the same actions, filtered to that side.

        Tooltips show, so a disabled Pull says why (a Hugging Face reference).
        """
        menu = QMenu(parent)
        menu.setToolTipsVisible(True)
        if side == "local":
            menu.addAction(self.push)
            menu.addAction(self.verify)
            menu.addSeparator()
            menu.addAction(self.copy_tags)
            menu.addAction(self.show_in_folder)
        else:
            menu.addAction(self.pull)
            menu.addSeparator()
            menu.addAction(self.copy_tags)
        menu.addSeparator()
        menu.addAction(self.delete)
        menu.addSeparator()
        menu.addAction(self.import_folder)
        menu.addAction(self.refresh)
        return menu

    # ---- enablement ----------------------------------------------------------------

    def update(self, state: ActionState) -> None:
        """Enable what makes sense now, and say in the text what Delete will delete."""
        self.push.setEnabled(state.cloud_ready and state.local_selected > 0)
        self._update_pull(state)
        self.verify.setEnabled(state.cloud_ready and state.local_with_cloud_copy > 0)
        self.cancel.setEnabled(state.cancellable)
        self.show_in_folder.setEnabled(state.active_side == "local" and state.one_local)
        if state.active_side == "cloud":
            selected = state.cloud_selected
            self.delete.setText(self.tr("&Delete from Cloud…"))
            self.delete.setEnabled(state.cloud_ready and selected > 0)
        else:
            selected = state.local_selected
            self.delete.setText(self.tr("&Delete from This Computer…"))
            self.delete.setEnabled(selected > 0)
        self.copy_tags.setEnabled(selected > 0)
        self.copy_tags.setText(self.tr("&Copy Tag(s)", "", max(selected, 1)))

    def _update_pull(self, state: ActionState) -> None:
        """Pull needs a pullable selection; when nothing selected can be pulled, it says why."""
        pullable = state.cloud_selected - len(state.pull_refusals)
        self.pull.setEnabled(state.cloud_ready and pullable > 0)
        if state.cloud_selected and pullable <= 0:
            why = state.pull_refusals[0]
            more = len(state.pull_refusals) - 1
            if more:
                why = self.tr("{reason} (and %n more that cannot be pulled)", "", more).format(
                    reason=why
                )
            self.pull.setToolTip(wrap(why))
            self.pull.setStatusTip(why)
        else:
            self.pull.setToolTip(_tip(self._pull_tip(), PULL_KEY))
            self.pull.setStatusTip(self._pull_tip())

    def _pull_tip(self) -> str:
        return self.tr("Download the selected cloud models to this computer")
