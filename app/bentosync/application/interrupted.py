"""Transfers that were running when the app quit or crashed, kept for its next start.

A 15 GB pull interrupted by a quit, a logout or a crash should not be lost
from sight: the engine can resume it (its journal keeps the parts and files
already done), but only if someone asks. So the window keeps the list of its
running pushes and pulls in ``transfers.json`` in the user state folder, with
how far each had come, rewritten when a job starts or ends and every few
seconds while they run (so a crash leaves the list as of seconds before).
On the next start they are listed again, and resume on one click, or at once
when the user chose that in Settings.

Only what names the job is kept: its kind, tag and force flag, and its
progress in numbers. No token, no endpoint: the job resumes against the
current login, as any new job would.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from bentosync.core.appdirs import state_dir
from bentosync.core.atomicfile import replace_text

logger = logging.getLogger(__name__)

FILE_NAME = "transfers.json"
FORMAT = 1


@dataclass(frozen=True)
class InterruptedTransfer:
    """One push or pull and how far it had come."""

    kind: str
    tag: str
    force: bool = False
    done_bytes: int = 0
    total_bytes: int = 0
    done_files: int = 0
    total_files: int = 0

    def short(self) -> str:
        """The status cell: "Interrupted · 3 of 7 files done"."""
        if self.total_files:
            return f"Interrupted · {self.done_files:,} of {self.total_files:,} files done"
        return "Interrupted"

    def describe(self) -> str:
        """What had been done, in words, for the job's status line."""
        if self.total_files:
            return f"{self.done_files:,} of {self.total_files:,} files were done"
        return "it had not started moving files"


class InterruptedTransfers:
    """The file that lists them. Never a reason to fail: a bad file is an empty list.

    Args:
        path: the JSON file (``transfers.json`` in the user state folder by default).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / FILE_NAME
        self._last: list[InterruptedTransfer] | None = None

    def load(self) -> list[InterruptedTransfer]:
        try:
            document = json.loads(self.path.read_text(encoding="utf-8"))
            if document.get("format") != FORMAT:
                raise ValueError(f"format {document.get('format')!r}")
            return [InterruptedTransfer(**item) for item in document["transfers"]]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            logger.warning("Ignoring the list of interrupted transfers %s: %s", self.path, exc)
            return []

    def save(self, transfers: list[InterruptedTransfer]) -> None:
        """Replace the list (atomically); an unchanged list is not written again."""
        if transfers == self._last:
            return
        self._last = list(transfers)
        try:
            if not transfers:
                self.path.unlink(missing_ok=True)
                return
            document = {"format": FORMAT, "transfers": [asdict(t) for t in transfers]}
            replace_text(self.path, lambda handle: json.dump(document, handle, indent=1))
        except OSError as exc:
            logger.warning("Cannot keep the list of running transfers in %s: %s", self.path, exc)
