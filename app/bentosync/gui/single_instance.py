"""One window per user: starting the app again raises the running one.

Two windows would list the same store, run transfers into the same staging
folders and journal, and both start an embedded registry. So the first start
holds a ``QLockFile`` and listens on a ``QLocalServer``; a second start finds
the lock taken, tells the first over the local socket to show itself, and
exits. ``QLockFile`` notices a lock whose process died (a crash), so a crash
never locks the app out. Both work the same on Linux, macOS and Windows (a
Unix socket or a named pipe), where reading ``/proc`` would not.

The lock and the socket name derive from the user's state folder, so two
users, or two test runs with their own folders, never see each other.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from bentosync.core.appdirs import state_dir

logger = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
CONNECT_MS = 2000
READ_MS = 500  # a caller that connects and says nothing is not waited for longer


def instance_key(folder: Path | None = None) -> tuple[Path, str]:
    """The lock file and the local server name for this user's app."""
    where = folder or state_dir()
    digest = hashlib.sha256(str(where.absolute()).encode()).hexdigest()[:16]
    return where / "instance.lock", f"bentosync-{digest}"


class SingleInstance(QObject):
    """Claims the app for this process, or hands the start to the one that has it.

    Signals:
        activated(): another start asked this one to show its window.
    """

    activated = Signal()

    def __init__(self, folder: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lock_path, self.server_name = instance_key(folder)
        self._lock: QLockFile | None = None
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        """True: this process is the app (now listening). False: another one was told to show."""
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = QLockFile(str(self.lock_path))
        lock.setStaleLockTime(0)  # never stale by age; a dead owner's lock is detected by PID
        if lock.tryLock(100):
            self._lock = lock
            QLocalServer.removeServer(self.server_name)  # a socket left by a crash
            server = QLocalServer(self)
            server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
            if not server.listen(self.server_name):
                logger.warning("Cannot listen as %s: %s", self.server_name, server.errorString())
            server.newConnection.connect(self._on_connection)
            self._server = server
            return True
        self._ask_running_instance()
        return False

    def _ask_running_instance(self) -> None:
        socket = QLocalSocket()
        socket.connectToServer(self.server_name)
        if not socket.waitForConnected(CONNECT_MS):
            logger.warning(
                "BentoSync is already running (lock %s), but did not answer: %s",
                self.lock_path,
                socket.errorString(),
            )
            return
        socket.write(ACTIVATE)
        socket.flush()
        socket.waitForBytesWritten(CONNECT_MS)
        socket.disconnectFromServer()
        logger.info("BentoSync is already running; asked it to show its window")

    def _on_connection(self) -> None:
        """Read each caller's one short message at once, then let it go.

        The caller writes before it waits, so the bytes are there or due within
        milliseconds; reading here, not from a later ``readyRead``, leaves no
        signal pointing at a socket that the server may since have deleted.
        """
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            arrived = socket.bytesAvailable() or socket.waitForReadyRead(READ_MS)
            if arrived and ACTIVATE.strip() in bytes(socket.readAll().data()):
                self.activated.emit()
            socket.disconnectFromServer()
            socket.deleteLater()

    def release(self) -> None:
        """Stop answering and free the lock (at exit: the next start may be the app)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
