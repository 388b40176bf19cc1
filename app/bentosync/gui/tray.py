"""The tray icon, where the desktop has a tray: Show, Quit, and how the transfers stand.

A person who started a 15 GB push and moved on wants to glance at it, and to
get the window back, without hunting for it. The icon's tooltip carries the
status bar's transfer line ("2 transfers running · 3.1 GiB of 16 GiB · …"),
its menu has Show and Quit, and a click shows the window. With "Keep running
in the tray while transfers run" (Transfer Settings), closing the window while
transfers run hides it here instead of stopping them.

GNOME shows no tray without an extension: there ``available()`` is False,
notifications go through the desktop's service (``notifier``), and closing
asks as usual.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from bentosync.gui import icons

logger = logging.getLogger(__name__)

APP_TITLE = "BentoSync"  # a name: the same in every language


class Tray(QObject):
    """The icon and its menu.

    Signals:
        show_requested(): Show, or a click on the icon.
        quit_requested(): Quit from the menu.
    """

    show_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = QSystemTrayIcon(icons.app_icon(), self)
        self.menu = QMenu()
        self.show_action = QAction(self.tr("&Show BentoSync"), self)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.show_action.triggered.connect(self.show_requested)
        self.quit_action.triggered.connect(self.quit_requested)
        self.menu.addAction(self.show_action)
        self.menu.addSeparator()
        self.menu.addAction(self.quit_action)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.set_state("")
        self.icon.show()

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    def set_state(self, transfers: str) -> None:
        """The tooltip: the app, and the transfer line when there is one."""
        self.icon.setToolTip(f"{APP_TITLE}\n{transfers}" if transfers else APP_TITLE)

    def tooltip(self) -> str:
        return self.icon.toolTip()

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.show_requested.emit()

    def close(self) -> None:
        self.icon.hide()
        self.menu.deleteLater()
