"""Start the window: the QApplication, its thread pools, and an orderly exit.

Pools follow picard's ``_init_threads``: a 1-thread pool for quick lookups
(listing the store) so they queue instead of racing; the bounded transfer pool
joins later. On exit queued work is dropped and running work is waited for,
so no pool thread still runs Python while the interpreter shuts down.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication

from bentosync.application.diagnostics import Diagnostics
from bentosync.core import gc_pause
from bentosync.core.version import __version__
from bentosync.gui import i18n, icons
from bentosync.gui.exception_dialog import ExceptionReporter
from bentosync.gui.file_open import install_folder_open
from bentosync.gui.main_window import MainWindow
from bentosync.gui.single_instance import SingleInstance
from bentosync.gui.window_state import bring_to_front

if TYPE_CHECKING:
    from bentosync.application.cloud_target import CloudTarget

logger = logging.getLogger(__name__)

APP_NAME = "BentoSync"
ORGANIZATION = "BentoSync"
DESKTOP_FILE_NAME = "io.bentosync.BentoSync"
POOL_SHUTDOWN_TIMEOUT_MS = 10_000
# How long a thread waiting for the GIL waits before asking the holder to let go.
GUI_SWITCH_INTERVAL_S = 0.0002


def configure_application(app: QCoreApplication) -> None:
    """Names the desktop entry (Wayland app id), dialogs and the window icon use.

    Settings do not depend on these names: they live in ``appdirs.settings_file()``
    (``gui.settings``).
    """
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    if isinstance(app, QApplication):
        app.setApplicationDisplayName(APP_NAME)
        app.setDesktopFileName(DESKTOP_FILE_NAME)
        app.setWindowIcon(icons.app_icon())


def favour_the_gui_thread() -> float:
    """Shorten the interpreter's switch interval; returns the one it replaces.

    Every Python call Qt makes on the GUI thread (each ``data()`` of each cell a
    table paints, each slot) first takes the GIL. While a pool thread runs
    Python (a listing parsing 10,000 model.yaml files, a transfer's per-file
    work), the GUI thread waits up to the switch interval for it, 5 ms by
    default, once per call: a paint of a few hundred calls stalled for
    hundreds of milliseconds (perf showed the GUI thread's off-CPU time almost
    all in ``take_gil``). At 0.2 ms a call waits a twenty-fifth as long; the
    interval only matters when a thread is waiting, so a busy pool thread pays
    for the extra switches only while the GUI has work.
    """
    previous = sys.getswitchinterval()
    sys.setswitchinterval(GUI_SWITCH_INTERVAL_S)
    return previous


def make_lookup_pool(parent: QCoreApplication | None = None) -> QThreadPool:
    """One thread: lookups are quick, and queueing them keeps their order."""
    pool = QThreadPool(parent)
    pool.setObjectName("lookup_pool")
    pool.setMaxThreadCount(1)
    return pool


def shutdown_pool(pool: QThreadPool, timeout_ms: int = POOL_SHUTDOWN_TIMEOUT_MS) -> bool:
    """Drop queued work and wait for running work; False if it did not finish in time."""
    pool.clear()
    done = pool.waitForDone(timeout_ms)
    if not done:
        logger.warning("%s still busy after %d ms at exit", pool.objectName(), timeout_ms)
    return done


def _quit_on_sigint(app: QCoreApplication) -> QTimer:
    """Ctrl+C in the terminal, or SIGTERM (logout, ``kill``), quits cleanly.

    Python runs signal handlers only between bytecodes, and the Qt event loop is
    C++, so a cheap timer gives the interpreter a turn four times a second.
    SIGTERM matters as much as SIGINT: Python's default would end the process
    on the spot, skipping the ``finally`` that stops the embedded registry.
    """
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, lambda *_: app.quit())
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)
    return timer


def run(
    argv: Sequence[str] | None = None,
    *,
    resolver: Callable[[], CloudTarget] | None = None,
) -> int:
    """Open the main window and run the event loop; returns the exit status.

    Args:
        argv: extra Qt arguments (e.g. ``-platform xcb``); the subcommand's own
            arguments never reach Qt.
        resolver: says which registry the Cloud pane shows; called on a worker
            at start and after a login. The launcher (``commands/gui.py``)
            passes one that starts the embedded registry when there is no
            login; without one, only an existing login is used.
    """
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        app = existing
    else:
        app = QApplication([sys.argv[0] if sys.argv else "bentosync", *(argv or ())])
    configure_application(app)
    translators = i18n.install_translators(app)  # before any widget writes a text
    instance = SingleInstance(parent=app)
    if not instance.claim():
        i18n.remove_translators(app, translators)
        return 0  # the running window was asked to show itself
    diagnostics = Diagnostics().install()  # the log file and crash record, first of all
    lookup_pool = make_lookup_pool(app)
    sigint_timer = _quit_on_sigint(app)

    window = MainWindow(lookup_pool, resolver=resolver)
    instance.activated.connect(lambda: bring_to_front(window))
    reporter = ExceptionReporter(diagnostics, lambda: window).install()
    folder_open = install_folder_open(app, window.operations.import_folders)
    switch_interval = favour_the_gui_thread()
    gc_pause.freeze_startup()  # imports and widgets: never traversed again (core.gc_pause)
    window.show()
    window.refresh()
    window.restore_interrupted_transfers()
    try:
        status = app.exec()
    finally:
        instance.release()
        reporter.uninstall()
        sigint_timer.stop()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if hasattr(signal, "SIGTERM"):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if folder_open is not None:
            app.removeEventFilter(folder_open)
            folder_open.deleteLater()
        window.shutdown()  # closing already did, unless the loop ended another way
        shutdown_pool(lookup_pool)
        sys.setswitchinterval(switch_interval)
        gc_pause.thaw()
        window.deleteLater()
        # Quitting closes the window, and closing the last window posts a second
        # Quit. Left queued, it would end the next event loop the moment it
        # starts (a host application's, or the next test's), so drop it.
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
    i18n.remove_translators(app, translators)
    logger.info("Event loop finished with %d", status)
    diagnostics.uninstall()
    return int(status)
