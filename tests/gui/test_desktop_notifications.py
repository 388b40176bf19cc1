"""Finished and failed transfers reach the desktop's notification service.

A real session bus (the suite runs under dbus-run-session): the test takes the
name org.freedesktop.Notifications itself, as a notification daemon does,
and records every Notify call that arrives, so what GNOME would show is checked
as it travels, not through a fake of the sender.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from jeepney import HeaderFields, MessageType, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from PySide6.QtWidgets import QStatusBar

from bentosync.application import desktop_notifications
from bentosync.gui.notifier import Notifier

# A real session bus, whose notification name these tests take in turn: on one
# worker, so that no other test daemon owns it meanwhile.
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("notification-daemon")]

DO_NOT_QUEUE = 4
PRIMARY_OWNER = 1


class NotificationDaemon:
    """Owns org.freedesktop.Notifications on the session bus and records Notify calls."""

    def __init__(self) -> None:
        self.received: list[tuple] = []
        self.arrived = threading.Event()
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._owner = False
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> NotificationDaemon:
        self._thread.start()
        assert self._ready.wait(10), "the test daemon did not start"
        if not self._owner:
            pytest.fail("another notification daemon owns the name on this session bus")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _serve(self) -> None:
        with open_dbus_connection(bus="SESSION") as conn:
            reply = conn.send_and_get_reply(
                message_bus.RequestName(desktop_notifications.BUS_NAME, DO_NOT_QUEUE), timeout=5
            )
            self._owner = reply.body[0] == PRIMARY_OWNER
            self._ready.set()
            while not self._stop.is_set():
                try:
                    msg = conn.receive(timeout=0.1)
                except TimeoutError:
                    continue
                header = msg.header
                if header.message_type != MessageType.method_call:
                    continue
                if header.fields.get(HeaderFields.member) == "Notify":
                    self.received.append(msg.body)
                    conn.send(new_method_return(msg, "u", (len(self.received),)))
                    self.arrived.set()


@pytest.fixture
def daemon() -> Iterator[NotificationDaemon]:
    with NotificationDaemon() as running:
        yield running


def test_a_finished_transfer_is_a_desktop_notification(qtbot, daemon):
    bar = QStatusBar()
    qtbot.addWidget(bar)
    notifier = Notifier(bar)
    assert desktop_notifications.available()
    notifier.notify("Pushed sentiment-clf:v1", "every file verified")
    notifier.notify("Pull failed", "m:v: checksum mismatch in weights.bin", error=True)
    assert all(future.result(timeout=10) for future in notifier.sent)
    notifier.close()
    # Other tests' windows may notify meanwhile: look at these two only.
    ours = [m for m in daemon.received if m[3] in ("Pushed sentiment-clf:v1", "Pull failed")]
    (app, _replaces, icon, title, body, _actions, hints, _timeout), failed = ours
    assert (app, icon) == ("BentoSync", desktop_notifications.APP_ID)
    assert (title, body) == ("Pushed sentiment-clf:v1", "every file verified")
    assert hints["urgency"] == ("y", desktop_notifications.URGENCY_NORMAL)
    assert hints["desktop-entry"] == ("s", desktop_notifications.APP_ID)
    assert failed[3] == "Pull failed"
    assert failed[6]["urgency"] == ("y", desktop_notifications.URGENCY_CRITICAL)
    assert "Pull failed" in bar.currentMessage()  # the status bar says it too


def test_without_a_notification_service_the_status_bar_still_says_it(qtbot):
    bar = QStatusBar()
    qtbot.addWidget(bar)
    notifier = Notifier(bar)
    notifier.notify("Pushed m:v", "done")
    assert [future.result(timeout=10) for future in notifier.sent] == [False]
    assert bar.currentMessage() == "Pushed m:v: done"
    notifier.close()
