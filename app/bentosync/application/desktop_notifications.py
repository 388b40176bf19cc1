"""Notifications through the desktop's own service: org.freedesktop.Notifications.

GNOME shows no system tray, so a tray balloon never reached its users; the
freedesktop notification service is what GNOME, KDE and the other Linux
desktops show, tray or not. It is one D-Bus method call on the session bus,
made here with jeepney, which keyring's Secret Service backend already brings
on Linux (no new dependency, no event loop to host). On macOS and Windows the
window's tray icon is the platform's own notification path, so this reports
itself unavailable there.

Qt-free and blocking (a round trip of a few milliseconds, or up to
``TIMEOUT_S`` when the service hangs): the window calls it off the GUI thread.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any

logger = logging.getLogger(__name__)

APP_NAME = "BentoSync"
APP_ID = "io.bentosync.BentoSync"  # the .desktop file's name: desktops find the icon by it
BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
TIMEOUT_S = 2.0
URGENCY_NORMAL, URGENCY_CRITICAL = 1, 2


def available() -> bool:
    """A freedesktop platform with a session bus, and jeepney to speak to it."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return False
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return False
    try:
        import jeepney  # noqa: F401
    except ImportError:
        return False
    return True


def notify_message(title: str, body: str, *, error: bool = False) -> Any:
    """The ``Notify`` call (app, replaces id, icon, summary, body, actions, hints, timeout)."""
    from jeepney import DBusAddress, new_method_call

    address = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=BUS_NAME)
    hints = {
        "urgency": ("y", URGENCY_CRITICAL if error else URGENCY_NORMAL),
        "desktop-entry": ("s", APP_ID),
    }
    return new_method_call(
        address,
        "Notify",
        "susssasa{sv}i",
        (APP_NAME, 0, APP_ID, title, body, [], hints, -1),
    )


def send(title: str, body: str, *, error: bool = False) -> bool:
    """Show one notification; False (and a log line) when the service cannot be reached."""
    if not available():
        return False
    from jeepney.io.blocking import open_dbus_connection

    try:
        with open_dbus_connection(bus="SESSION") as connection:
            reply = connection.send_and_get_reply(
                notify_message(title, body, error=error), timeout=TIMEOUT_S
            )
    except Exception as exc:  # no service, a refused call, a bus gone: the status bar still says it
        logger.info("No desktop notification (%s: %s)", type(exc).__name__, exc)
        return False
    if reply.header.message_type.name == "error":
        logger.info("The notification service refused: %s", reply.body)
        return False
    return True
