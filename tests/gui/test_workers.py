"""run_in_pool: off-thread calls whose outcome lands on the GUI thread, big ints intact."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QObject

from bentosync.core.errors import InvalidModel
from bentosync.gui.workers.runnable import run_in_pool


class Outcome:
    def __init__(self) -> None:
        self.value: object = None
        self.error: BaseException | None = None
        self.delivered_on: threading.Thread | None = None
        self.done = False

    def on_result(self, value: object) -> None:
        self.value, self.delivered_on, self.done = value, threading.current_thread(), True

    def on_failed(self, exc: BaseException) -> None:
        self.error, self.delivered_on, self.done = exc, threading.current_thread(), True


@pytest.fixture
def owner(qapp):
    obj = QObject()
    yield obj
    obj.deleteLater()


def test_result_arrives_on_the_gui_thread(qtbot, lookup_pool, owner):
    ran_on: list[threading.Thread] = []
    big = 5 * 1024**3 + 7  # bytes counts pass 2 GiB: Signal(object), not int

    def work() -> int:
        ran_on.append(threading.current_thread())
        return big

    outcome = Outcome()
    hub = run_in_pool(lookup_pool, work, owner, outcome.on_result, outcome.on_failed)
    with qtbot.waitSignal(hub.destroyed, timeout=5000):  # the hub cleans itself up
        qtbot.waitUntil(lambda: outcome.done, timeout=5000)
    assert outcome.value == big
    assert ran_on[0] is not threading.main_thread()
    assert outcome.delivered_on is threading.main_thread()


def test_exception_is_delivered_not_raised(qtbot, lookup_pool, owner):
    def work() -> None:
        raise InvalidModel("models/x has no model.yaml.")

    outcome = Outcome()
    run_in_pool(lookup_pool, work, owner, outcome.on_result, outcome.on_failed)
    qtbot.waitUntil(lambda: outcome.done, timeout=5000)
    assert isinstance(outcome.error, InvalidModel)
    assert str(outcome.error) == "models/x has no model.yaml."
    assert outcome.delivered_on is threading.main_thread()


def test_owner_deleted_mid_call_drops_the_outcome_quietly(qtbot, lookup_pool, qapp):
    owner = QObject()
    gate = threading.Event()
    outcome = Outcome()
    hub = run_in_pool(
        lookup_pool, lambda: gate.wait(5) and 1, owner, outcome.on_result, outcome.on_failed
    )
    with qtbot.waitSignal(hub.destroyed, timeout=5000):
        owner.deleteLater()
    gate.set()
    assert lookup_pool.waitForDone(5000)
    qtbot.wait(50)  # let anything that was (wrongly) queued arrive
    assert not outcome.done
