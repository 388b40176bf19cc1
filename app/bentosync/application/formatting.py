"""How numbers and labels read, the same in the terminal and in the window."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import humanize

logger = logging.getLogger(__name__)


def format_size(nbytes: float) -> str:
    """Binary units ("3.4 GiB"), which is how file managers and ``du -h`` count."""
    return humanize.naturalsize(nbytes, binary=True)


def format_speed(bytes_per_second: float) -> str:
    """ "12.0 MiB/s"; "" when nothing moves (a stalled job shows no made-up rate)."""
    return f"{format_size(bytes_per_second)}/s" if bytes_per_second else ""


def format_labels(labels: Mapping[str, str], sep: str = ", ") -> str:
    """``key=value`` pairs sorted by key, so one model reads the same everywhere."""
    return sep.join(f"{key}={value}" for key, value in sorted(labels.items()))
