"""What a person sends with a bug report: a log file, a native crash record, the versions.

The window logs at INFO to a rotating file in the platform's user log folder
(``appdirs.log_dir()``, beside the embedded registry's log), so the second
day's "it failed yesterday" has something to read. Nothing secret may reach
it: a token can appear in an exception message quoted from a server, and a
presigned URL carries its signature in the query string, so every record
passes through ``core.redaction.redact`` before it is written, whoever logged it.

``faulthandler`` writes the Python stacks of a native crash (a segfault in
Qt) to ``crash.log`` in the same folder: without it such a crash leaves no trace.

Qt-free, so the CLI can use it too; the window's exception dialog shows
``details_text`` behind its "Copy details" button.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import platform
import sys
import traceback
from collections import deque
from pathlib import Path
from types import TracebackType
from typing import IO

from bentosync.core.appdirs import log_dir
from bentosync.core.redaction import redact
from bentosync.core.version import __version__

logger = logging.getLogger(__name__)

LOG_NAME = "bentosync.log"
CRASH_NAME = "crash.log"
LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 3  # 8 MiB at most, four files
DETAIL_LINES = 60  # log lines in "Copy details"
_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then removes secrets from the whole line, traceback included."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class RecentLines(logging.Handler):
    """The last ``DETAIL_LINES`` formatted (and redacted) lines, for "Copy details"."""

    def __init__(self, capacity: int = DETAIL_LINES) -> None:
        super().__init__(logging.INFO)
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(RedactingFormatter(_FORMAT))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a log line must never take the program down
            self.handleError(record)


class Diagnostics:
    """The file log, the recent lines and the crash file of one running app.

    Args:
        folder: where the files go (the user log folder by default).
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or log_dir()
        self.log_path = self.folder / LOG_NAME
        self.crash_path = self.folder / CRASH_NAME
        self.recent = RecentLines()
        self._file_handler: logging.Handler | None = None
        self._crash_file: IO[str] | None = None
        self._root_level: int | None = None  # put back by uninstall
        self._raised: list[logging.Handler] = []  # handlers kept at the level they had

    def install(self, level: int = logging.INFO) -> Diagnostics:
        """Start writing the log and arm faulthandler; a folder that cannot be made is logged
        and skipped (the app runs without a log file rather than not at all)."""
        root = logging.getLogger()
        before = root.getEffectiveLevel()
        self._root_level = root.level
        if before > level:
            # The terminal's handler (``-v`` sets it) keeps its level: INFO goes to the file.
            for handler in root.handlers:
                if handler.level == logging.NOTSET:
                    handler.setLevel(before)
                    self._raised.append(handler)
            root.setLevel(level)
        root.addHandler(self.recent)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handler = logging.handlers.RotatingFileHandler(
                self.log_path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
            )
            self._crash_file = open(self.crash_path, "a", encoding="utf-8")  # noqa: SIM115 (kept open for faulthandler)
        except OSError as exc:
            logger.warning("No log file in %s: %s", self.folder, exc)
            return self
        handler.setLevel(level)
        handler.setFormatter(RedactingFormatter(_FORMAT))
        root.addHandler(handler)
        self._file_handler = handler
        faulthandler.enable(self._crash_file, all_threads=True)
        logger.info("BentoSync %s started; %s", __version__, versions_line())
        return self

    def uninstall(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.recent)
        for handler in self._raised:
            handler.setLevel(logging.NOTSET)
        self._raised.clear()
        if self._root_level is not None:
            root.setLevel(self._root_level)
            self._root_level = None
        if self._file_handler is not None:
            root.removeHandler(self._file_handler)
            self._file_handler.close()
            self._file_handler = None
        if self._crash_file is not None:
            faulthandler.disable()
            self._crash_file.close()
            self._crash_file = None

    def details_text(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        extra_versions: dict[str, str] | None = None,
    ) -> str:
        """What "Copy details" puts on the clipboard: versions, platform, the error, the log."""
        lines = [f"BentoSync {__version__}", versions_line(extra_versions), f"Log: {self.log_path}"]
        if exc_type is not None:
            lines += ["", "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()]
        lines += ["", f"Last {len(self.recent.lines)} log lines:", *self.recent.lines]
        return redact("\n".join(lines))


def versions_line(extra: dict[str, str] | None = None) -> str:
    parts = {
        "Python": platform.python_version(),
        "platform": platform.platform(),
        **(extra or {}),
    }
    return ", ".join(f"{name} {value}" for name, value in parts.items())


def python_version() -> str:
    return f"{platform.python_implementation()} {sys.version.split()[0]}"
