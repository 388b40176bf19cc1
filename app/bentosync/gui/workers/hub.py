"""The signal hub a caller owns for one background call.

A QRunnable must not own a QObject: the runnable is deleted by the pool on its
own thread while queued signals may still be in flight, which is how
"Signal source has been deleted" crashes happen (novelWriter #2926). So the
caller, on the GUI thread, owns this hub, and the runnable only holds its bound
signals. Because the hub lives in the GUI thread, emissions from a pool thread
are queued and the connected slots run on the GUI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

logger = logging.getLogger(__name__)


class TaskSignals(QObject):
    """Result and failure of one background call, delivered on the owner's thread.

    Both carry ``object``: results are arbitrary Python values (listings, byte
    counts above 2 GiB) that must not pass through a C++ int.
    """

    result = Signal(object)
    failed = Signal(object)  # the exception instance
