"""Which registry the window talks to, and the embedded one for machines with no login.

With a login (environment variables or a keyring context) the window uses it.
With none at all, it starts the project's own registry as a child process on
127.0.0.1 with a port the kernel picks, data in the user data dir, and a token
made fresh for this start (DESIGN.md, "The desktop app"), so pushing and
pulling work on a fresh machine before anyone has an account anywhere.

Why a child process and not a thread: the registry's database, uvicorn's event
loop and its signal handling stay out of the window's process, a registry
crash cannot take the window down, and closing the window stops it the way a
service manager would (SIGTERM, then SIGKILL if it hangs).

The token goes to the child in its environment (never argv, which other users
can read in ``ps``), the registry keeps only its sha256, and the window holds
it in memory; nothing writes it to a file. This module is Qt-free and only
supervises the process: the value it hands out (``CloudTarget``) and the login
lookup live in ``application.cloud_target``, so the window never imports this
module (or, through it, the registry): ``commands/gui.py`` passes it
``Launcher.resolve`` as a plain ``Resolver``.
"""

from __future__ import annotations

import logging
import os
import secrets
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bentosync.application.cloud_target import (
    EMBEDDED_LABEL,
    CloudTarget,
    Resolver,
    logged_in_target,
)
from bentosync.application.errors import RegistryStartFailed
from bentosync.core import appdirs
from bentosync.core.credentials import NotLoggedIn

logger = logging.getLogger(__name__)

START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
LOG_TAIL_CHARS = 1500
PID_FILE = "embedded.pid"  # in the data dir: "<registry pid> <window pid>"


def default_data_dir() -> Path:
    """``appdirs.data_dir()/registry``, as the registry defines it."""
    from bentosync.registry.config import default_data_dir as registry_default

    return registry_default()


def default_log_path() -> Path:
    return appdirs.log_dir() / "embedded-registry.log"


def _parent_of(pid: int) -> int | None:
    """The parent pid of ``pid`` from /proc (Linux), or None if unknown or gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid ...": comm may hold spaces, so split after the ")".
    fields = stat.rsplit(")", 1)[-1].split()
    return int(fields[1]) if len(fields) > 1 else None


def _is_registry_of(pid: int, data_dir: Path) -> bool:
    """Whether ``pid`` is a ``registry serve`` on ``data_dir`` (Linux /proc), never a guess."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"serve" in argv and str(data_dir).encode() in argv


def server_command(data_dir: Path) -> list[str]:
    """``python -m bentosync registry serve`` on 127.0.0.1 and a free port.

    A frozen build (PyInstaller) is itself the ``bentosync`` command, so it is
    run with the subcommand directly.
    """
    if getattr(sys, "frozen", False):
        base = [sys.executable]
    else:
        base = [sys.executable, "-m", "bentosync"]
    return [
        *base,
        "registry",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        "0",
        "--data",
        str(data_dir),
        "--background",  # the window keeps its core while uploads are checked
    ]


class EmbeddedRegistry:
    """The registry child process: start it, learn its endpoint, stop it.

    Args:
        data_dir: models and database; defaults to the user data dir.
        log_path: the child's stderr, kept for the error message if it fails.
        command: builds the argv from the data dir (tests swap in a failing one).
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        log_path: Path | None = None,
        command: Callable[[Path], list[str]] = server_command,
        start_timeout: float = START_TIMEOUT,
    ) -> None:
        self.data_dir = data_dir or default_data_dir()
        self.log_path = log_path or default_log_path()
        self.endpoint = ""
        self._command = command
        self._start_timeout = start_timeout
        self._token = ""
        self._process: subprocess.Popen[str] | None = None

    @property
    def token(self) -> str:
        return self._token

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self) -> str:
        """Start the child and return its endpoint once it accepts connections."""
        if self.is_running():
            return self.endpoint
        self._clear_stale()
        from bentosync.registry.config import TOKEN_ENV

        self._token = secrets.token_urlsafe(32)
        env = dict(os.environ)
        env[TOKEN_ENV] = self._token
        env["PYTHONUNBUFFERED"] = "1"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        args = self._command(self.data_dir)
        logger.info("Starting the embedded registry (data in %s)", self.data_dir)
        with open(self.log_path, "w", encoding="utf-8") as log:
            try:
                self._process = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=log,
                    env=env,
                    text=True,
                )
            except OSError as exc:
                raise RegistryStartFailed(
                    f"The local registry could not be started: {exc.strerror or exc}"
                ) from exc
        self.endpoint = self._wait_ready()
        self._drain_stdout()
        self._write_pid_file()
        logger.info("Embedded registry at %s (pid %d)", self.endpoint, self._process.pid)
        return self.endpoint

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM and wait (the registry finishes requests and closes its database);
        SIGKILL if it does not end in time. Returns the exit code, None if never started."""
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            logger.info("Stopping the embedded registry (pid %d)", process.pid)
            process.terminate()
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                logger.warning("The embedded registry ignored SIGTERM; killing it")
                process.kill()
                process.wait(timeout=timeout)
        self._pid_file().unlink(missing_ok=True)
        return process.returncode

    # ---- one registry per data dir ---------------------------------------------------

    def _pid_file(self) -> Path:
        return self.data_dir / PID_FILE

    def _write_pid_file(self) -> None:
        assert self._process is not None
        try:
            self._pid_file().write_text(f"{self._process.pid} {os.getpid()}\n", encoding="utf-8")
        except OSError as exc:
            logger.warning("Cannot record the registry's pid: %s", exc)

    def _clear_stale(self) -> None:
        """Deal with a registry an earlier window started on this data dir.

        If that window crashed, its registry is an orphan nobody has the token
        of; it is stopped, so two servers never share one database. If that
        window is still open, starting a second server would repair away the
        first one's uploads in progress, so this start is refused instead.
        Only Linux can tell reliably (``/proc``); elsewhere the file is ignored.
        """
        try:
            registry_pid, window_pid = map(int, self._pid_file().read_text().split())
        except (OSError, ValueError):
            return
        if not _is_registry_of(registry_pid, self.data_dir):
            self._pid_file().unlink(missing_ok=True)
            return
        if _parent_of(registry_pid) == window_pid and window_pid != os.getpid():
            raise RegistryStartFailed(
                f"Another BentoSync window (process {window_pid}) is already running the "
                f"local registry in {self.data_dir}. Use that window, or close it first."
            )
        logger.warning("Stopping an orphaned embedded registry (pid %d)", registry_pid)
        try:
            os.kill(registry_pid, signal.SIGTERM)
        except OSError:
            return
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and _is_registry_of(registry_pid, self.data_dir):
            time.sleep(0.1)
        self._pid_file().unlink(missing_ok=True)

    # ---- internals ---------------------------------------------------------------

    def _wait_ready(self) -> str:
        from bentosync.registry.server import READY_PREFIX

        process = self._process
        assert process is not None and process.stdout is not None
        deadline = time.monotonic() + self._start_timeout
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            while time.monotonic() < deadline:
                if selector.select(timeout=0.2):
                    line = process.stdout.readline()
                    if line.startswith(READY_PREFIX):
                        return line[len(READY_PREFIX) :].strip()
                    if not line and process.poll() is not None:
                        break
                elif process.poll() is not None:
                    break
        code = process.poll()
        if code is None:
            self.stop(timeout=2.0)
            why = f"it did not answer within {self._start_timeout:.0f} s"
        else:
            why = f"it exited with status {code}"
        raise RegistryStartFailed(
            f"The local registry did not start ({why}).\n{self._log_tail()}".rstrip()
        )

    def _drain_stdout(self) -> None:
        """Keep reading the child's stdout so a chatty child never blocks on a full pipe."""
        process = self._process
        assert process is not None and process.stdout is not None
        stream = process.stdout

        def drain() -> None:
            for line in stream:
                logger.debug("registry: %s", line.rstrip())
            stream.close()

        threading.Thread(target=drain, name="bentosync-registry-stdout", daemon=True).start()

    def _log_tail(self) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""
        if not text:
            return ""
        lines = [line for line in text.splitlines() if line.strip()]
        # The last line of a traceback is the exception, which is the useful part.
        tail = "\n".join(lines[-6:])
        return tail[-LOG_TAIL_CHARS:] + f"\n(Full log: {self.log_path})"


class Launcher:
    """Resolves the window's cloud: the login if any, else the embedded registry.

    ``resolve`` is what the window calls (on a worker) at start and after a
    login or logout; the embedded registry starts on the first call that
    needs it and keeps running until :meth:`stop`, so logging out later
    switches back without another start.
    """

    def __init__(
        self,
        registry: EmbeddedRegistry | None = None,
        login: Resolver = logged_in_target,
    ) -> None:
        self.registry = registry or EmbeddedRegistry()
        self._login = login
        self._lock = threading.Lock()

    def resolve(self) -> CloudTarget:
        """The target to use now. Raises ``RegistryStartFailed`` or keyring errors."""
        with self._lock:
            try:
                return self._login()
            except NotLoggedIn:
                logger.info("Not logged in anywhere: using the embedded registry")
            endpoint = self.registry.start()
            return CloudTarget(
                endpoint=endpoint,
                token=self.registry.token,
                label=EMBEDDED_LABEL,
                embedded=True,
                source=f"started by BentoSync; data in {self.registry.data_dir}",
            )

    def stop(self) -> None:
        with self._lock:
            self.registry.stop()
