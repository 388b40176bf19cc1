"""GUI-thread stalls, as the benchmarks measure them: a 10 ms timer's late firings."""

from __future__ import annotations

import itertools
import time

from PySide6.QtCore import QTimer

TICK_MS = 10


class TickRecorder:
    """A 10 ms timer on the GUI thread; its late firings are the GUI's stalls.

    Start ``timer`` before the work and stop it after; ``gaps_ms`` gives the
    gaps between firings inside a time window (``time.perf_counter`` values).
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))

    def gaps_ms(self, start: float, end: float) -> list[float]:
        """Gaps inside ``[start, end]``, smallest first."""
        inside = [t for t in self.times if start <= t <= end]
        return sorted((b - a) * 1000 for a, b in itertools.pairwise(inside))
