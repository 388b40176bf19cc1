"""Tell the user when something finished or failed, even if the window is behind others.

A 15 GB push takes long enough that people switch to other work. On Linux
the desktop's notification service says how it ended (org.freedesktop.
Notifications, which GNOME shows although it has no tray;
``application.desktop_notifications``), sent from a thread of its own so a
slow service never stalls the window. Elsewhere, where the desktop has a
system tray, a tray balloon is the platform's own notification. The window's
status bar says it too, always. The last messages are kept for tests.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QStatusBar, QSystemTrayIcon

from bentosync.application import desktop_notifications

logger = logging.getLogger(__name__)

STATUS_MS = 8000
TRAY_MS = 6000


@dataclass(frozen=True)
class Notification:
    title: str
    message: str
    error: bool = False


class Notifier(QObject):
    """Shows notifications through the desktop's service, or the tray; and in ``status_bar``."""

    def __init__(
        self,
        status_bar: QStatusBar,
        parent: QObject | None = None,
        *,
        tray: QSystemTrayIcon | None = None,
        use_desktop: bool | None = None,
    ) -> None:
        """``tray``: the window's tray icon, for balloons where the desktop service is not used."""
        super().__init__(parent)
        self._status_bar = status_bar
        self.history: list[Notification] = []
        self.sent: list[Future[bool]] = []  # the desktop notifications under way or sent
        if use_desktop is None:
            use_desktop = desktop_notifications.available()
        # One thread keeps them in order; a hung service delays notifications, nothing else.
        self._desktop = (
            ThreadPoolExecutor(1, thread_name_prefix="bentosync-notify") if use_desktop else None
        )
        self._tray = tray

    @property
    def uses_tray(self) -> bool:
        return self._desktop is None and self._tray is not None

    def notify(self, title: str, message: str, *, error: bool = False) -> None:
        note = Notification(title, message, error)
        self.history.append(note)
        del self.history[:-50]
        (logger.warning if error else logger.info)("%s: %s", title, message)
        # The status bar always gets it: the tray balloon vanishes, this stays a while.
        self._status_bar.showMessage(f"{title}: {message}", STATUS_MS)
        if self._desktop is not None:
            self.sent.append(
                self._desktop.submit(desktop_notifications.send, title, message, error=error)
            )
            del self.sent[:-50]
        elif self._tray is not None and self._tray.supportsMessages():
            kind = (
                QSystemTrayIcon.MessageIcon.Warning
                if error
                else QSystemTrayIcon.MessageIcon.Information
            )
            self._tray.showMessage(title, message, kind, TRAY_MS)

    def close(self) -> None:
        self._tray = None
        if self._desktop is not None:
            self._desktop.shutdown(wait=False, cancel_futures=True)
            self._desktop = None  # a job that ends after the window closed: status bar only
