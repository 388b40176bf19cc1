"""Guard against PySide6 6.12.0 dropping a reference to ``True`` on every Python ``emit()``.

In PySide6-Essentials 6.12.0 (6.11.3 is fine), ``SignalInstance.emit()`` returns
``True`` without the reference it owes, so each emit made from Python lowers
``True``'s reference count by one. On CPython 3.11, where ``True`` is not yet
immortal, the count reaches zero after a few thousand emits (the window starts
with about 3 000) and the interpreter aborts with "Fatal Python error:
bool_dealloc". A transfer emits several signals per progress tick, so without
this guard the app dies minutes into a long push.

:func:`install` probes for the defect once per process and, only if it is
there, gives ``True`` a reserve of references no process will use up. On
CPython 3.12+ booleans are immortal and nothing is done. The real fix is to
avoid 6.12.0 (``PySide6-Essentials!=6.12.0``); this keeps a machine that has
it from crashing.
"""

from __future__ import annotations

import ctypes
import logging
import sys

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)

PROBE_EMITS = 16
RESERVE = 1 << 40  # a million emits a second would take 35 years to use it up

_state: bool | None = None


class _Probe(QObject):
    ping = Signal()


def leaks_true_per_emit() -> bool:
    """Whether a Python-side ``emit()`` takes a reference from ``True`` (costs 16 if so)."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(PROBE_EMITS):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    probe.deleteLater()
    return lost >= PROBE_EMITS


def install() -> bool:
    """Detect the defect and compensate; idempotent. True if the defect was found."""
    global _state
    if _state is not None:
        return _state
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        _state = False  # immortal booleans: emits cannot free True
        return _state
    _state = leaks_true_per_emit()
    if _state:
        _reserve_references(True)
        logger.warning(
            "PySide6 drops a reference to True on every emit(); compensated. "
            "Install a PySide6 other than 6.12.0 to fix it for good."
        )
    return _state


def _reserve_references(obj: object) -> None:
    if hasattr(sys, "gettotalrefcount"):  # debug build: refcount is not the first field
        incref = ctypes.pythonapi.Py_IncRef
        incref.argtypes = [ctypes.py_object]
        for _ in range(1_000_000):
            incref(obj)
        return
    ctypes.c_ssize_t.from_address(id(obj)).value += RESERVE
