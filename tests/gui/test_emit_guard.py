"""The PySide6 6.12.0 emit() refcount defect is detected and cannot abort the app."""

from __future__ import annotations

import sys

import PySide6
from PySide6.QtCore import QObject, Signal

from bentosync.gui.workers import emit_guard


class Hub(QObject):
    ping = Signal(object)


def test_many_emits_cannot_free_true(qapp):
    found = emit_guard.install()
    assert emit_guard.install() is found  # idempotent
    if sys.version_info < (3, 12) and PySide6.__version__ == "6.12.0":
        assert found  # the known bad release on a Python whose True is mortal
    hub = Hub()
    for _ in range(20_000):  # more emits than a fresh window holds references to True
        hub.ping.emit(1)
    assert sys.getrefcount(True) > 20_000 if found else sys.getrefcount(True) > 0
