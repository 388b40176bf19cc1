"""Row numbers grouped into runs, so a model signals one range per run, not one per row."""

from __future__ import annotations

import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)


def ranges(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers grouped into inclusive (first, last) runs."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
