"""Plain aligned tables for ``bentosync list``: readable on a terminal, easy to grep.

Why a module of its own: the local listing and the cloud listing both print
tables, and the cloud one is imported only when the cloud is asked for; with
the printer here, neither listing module imports the other's internals.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

logger = logging.getLogger(__name__)


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell, two spaces apart, no trailing blanks."""
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
