"""An unhandled exception becomes a dialog, and the app keeps running.

PySide hands an exception escaping a slot or an event handler to
``sys.excepthook``; Python's default prints it to a terminal that a desktop
user never sees, and the window looks as if nothing happened, or half of it.
Here it is logged (the file log, ``application.diagnostics``) and shown: the
error presenter's words, and a "Copy details" button that puts the versions,
the traceback and the last log lines on the clipboard for a bug report. The
event loop goes on: the failed handler's work is lost, the app is not.

Exceptions on other threads (``threading.excepthook``) are logged only: a
worker's failure is reported by its job, and a dialog must be made on the GUI
thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from bentosync.application.diagnostics import Diagnostics
from bentosync.core.redaction import redact
from bentosync.gui.error_words import present

logger = logging.getLogger(__name__)

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


class ExceptionDialog(QMessageBox):
    """The message of one unexpected error, with "Copy details"."""

    def __init__(self, details: str, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exception_dialog")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setIcon(QMessageBox.Icon.Critical)
        self.setWindowTitle(self.tr("BentoSync: something went wrong"))
        self.setText(self.tr("Something went wrong. BentoSync is still running."))
        # ``message`` is the error presenter's (``application.errors``), in English.
        self.setInformativeText(
            self.tr(
                "{message}\n\nIf it happens again, please report it with the details "
                "(Help ▸ Open Log Folder has the full log)."
            ).format(message=message)
        )
        self.details = details
        self.copy_button = QPushButton(self.tr("Copy Details"))
        self.copy_button.setAccessibleDescription(
            self.tr("Copy versions, the error and recent log lines")
        )
        self.addButton(self.copy_button, QMessageBox.ButtonRole.ActionRole)
        self.copy_button.clicked.disconnect()  # ActionRole buttons close the box otherwise
        self.copy_button.clicked.connect(self.copy_details)
        self.addButton(QMessageBox.StandardButton.Close)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))


class ExceptionReporter:
    """Installs the hooks; ``uninstall`` puts the previous ones back.

    Args:
        diagnostics: where the log lines and the details come from.
        parent: the window the dialog belongs to (None: a top-level dialog).
    """

    def __init__(self, diagnostics: Diagnostics, parent: Callable[[], QWidget | None]) -> None:
        self.diagnostics = diagnostics
        self._parent = parent
        self._previous: ExceptHook | None = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None
        self.shown: list[ExceptionDialog] = []  # open dialogs, newest last
        self._showing = False

    def install(self) -> ExceptionReporter:
        self._previous = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self._thread_exception
        return self

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook = self._previous
        if self._previous_thread_hook is not None:
            threading.excepthook = self._previous_thread_hook

    def handle(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            app = QApplication.instance()
            if app is not None:
                app.quit()
            return
        logger.error("Unhandled exception", exc_info=(exc_type, exc, tb))
        if self._showing or QApplication.instance() is None:
            return  # an error while showing the dialog: the log has it; no dialog storm
        self._showing = True
        try:
            import PySide6
            from PySide6.QtCore import qVersion

            details = self.diagnostics.details_text(
                exc_type, exc, tb, {"Qt": qVersion(), "PySide6": PySide6.__version__}
            )
            message = redact(present(exc).message)  # a screenshot is a bug report too
            dialog = ExceptionDialog(details, message, self._parent())
            dialog.finished.connect(lambda _result: self._forget(dialog))
            self.shown.append(dialog)
            dialog.open()
        finally:
            self._showing = False

    def _forget(self, dialog: ExceptionDialog) -> None:
        if dialog in self.shown:
            self.shown.remove(dialog)

    def _thread_exception(self, args: threading.ExceptHookArgs) -> None:
        name = args.thread.name if args.thread is not None else "a thread"
        logger.error(
            "Unhandled exception in %s",
            name,
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),  # type: ignore[arg-type]
        )
