"""Replacing a small state file whole, so that a reader never sees half of it.

The parse cache of a store and the list of interrupted transfers are both
rewritten whole and read at the next start; a crash mid-write must leave the
old file, not a torn one. Written to a temporary file beside it, then renamed
over it (atomic on one filesystem); the temporary file never outlives a failure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TextIO


def replace_text(path: Path, write: Callable[[TextIO], None]) -> None:
    """Make ``path`` hold what ``write`` writes to the handle it is given (UTF-8 text).

    Raises OSError as the file system does; the caller decides whether it matters.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
