"""Registry processes forked from one that has imported the server already.

The suite starts a few hundred ``bentosync registry serve`` processes, and each
fresh interpreter spent about 0.9 CPU-s importing FastAPI, pydantic and uvicorn
before serving: about half of the suite's CPU. Here one helper process per
pytest process imports all of that once (and starts no thread); every registry
is then a fork of it that runs ``bentosync.cli.main(argv)`` with the test's
environment, working directory, stdout pipe and log file. It is the same CLI,
start-up repair, sockets and signal handling, in a process of its own that a
test can SIGKILL, only without the imports.

A test whose environment changes the interpreter itself (``PYTHON*`` variables,
e.g. a ``sitecustomize`` on PYTHONPATH) gets a fresh interpreter as before
(``usable``). ``BENTOSYNC_TEST_FORK=0`` turns the fork server off.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]
# Variables that shape the interpreter at start-up: a fork cannot honour a change.
_INTERPRETER_VARS = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONNOUSERSITE")
# Their values as pytest started, before any test's monkeypatch: the fork server's.
_INTERPRETER = {name: os.environ.get(name) for name in _INTERPRETER_VARS}

_lock = threading.Lock()
_server: _ForkServer | None = None


class ForkedProcess:
    """The part of ``subprocess.Popen`` that RegistryServer uses, for a forked registry.

    The fork server is its parent, so exit codes come from there.
    """

    def __init__(self, server: _ForkServer, pid: int, stdout: IO[str]) -> None:
        self._server = server
        self.pid = pid
        self.stdout: IO[str] | None = stdout
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self._server.status(self.pid)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(["bentosync", "registry"], timeout or 0)
            time.sleep(0.01)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, sig)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def usable(env: dict[str, str]) -> bool:
    """Whether a registry with ``env`` may be forked (see the module)."""
    if os.environ.get("BENTOSYNC_TEST_FORK", "1") == "0" or not hasattr(socket, "send_fds"):
        return False
    return all(env.get(name) == value for name, value in _INTERPRETER.items())


def spawn(args: list[str], env: dict[str, str], log_path: Path) -> ForkedProcess:
    """``bentosync *args`` as a fork; its stdout is a pipe, its stderr appends to ``log_path``."""
    global _server
    with _lock:
        if _server is None or not _server.alive():
            _server = _ForkServer()
        server = _server
    return server.spawn(args, env, log_path)


class _ForkServer:
    """The helper process and the socket to it; requests are one JSON line each."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        python = ROOT / ".venv" / "bin" / "python"
        env = {k: v for k, v in os.environ.items() if k not in _INTERPRETER}
        env.update({k: v for k, v in _INTERPRETER.items() if v is not None})
        self._process = subprocess.Popen(
            [str(python) if python.exists() else sys.executable, __file__, str(theirs.fileno())],
            cwd=ROOT,
            env=env,
            pass_fds=[theirs.fileno()],
            preexec_fn=_die_with_parent,
        )
        theirs.close()
        self._sock = ours
        self._reader = ours.makefile("r", encoding="utf-8")
        self._lock = threading.Lock()
        atexit.register(self.close)
        if self._call({"op": "ping"}).get("ok") is not True:
            raise RuntimeError("The registry fork server did not start.")

    def alive(self) -> bool:
        return self._process.poll() is None

    def _call(self, request: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
        with self._lock:
            data = (json.dumps(request) + "\n").encode()
            if fds:
                socket.send_fds(self._sock, [data], fds)
            else:
                self._sock.sendall(data)
            line = self._reader.readline()
        if not line:
            raise RuntimeError("The registry fork server went away.")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"The registry fork server failed: {answer['error']}")
        return answer

    def spawn(self, args: list[str], env: dict[str, str], log_path: Path) -> ForkedProcess:
        read_end, write_end = os.pipe()
        try:
            request = {"op": "spawn", "args": args, "env": env, "cwd": str(ROOT)}
            request["log"] = str(log_path)
            pid = int(self._call(request, [write_end])["pid"])
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        return ForkedProcess(self, pid, open(read_end, encoding="utf-8"))

    def status(self, pid: int) -> int | None:
        code = self._call({"op": "status", "pid": pid})["code"]
        return None if code is None else int(code)

    def close(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._sock.close()


def _die_with_parent() -> None:
    """In a child: SIGTERM when the parent dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


# ---- the fork server's own side (run as a script) ------------------------------------


def _serve(fd: int) -> None:
    """Import the registry, then fork a registry per request until the socket closes."""
    import uvicorn.lifespan.on
    import uvicorn.protocols.http.auto
    import uvicorn.protocols.websockets.auto

    import bentosync.cli
    import bentosync.registry.app
    import bentosync.registry.commands
    import bentosync.registry.db_postgres  # psycopg: --database tests (about 0.1 CPU-s each)
    import bentosync.registry.server

    bentosync.registry.server.http_protocol()  # rawbody and its uvicorn internals
    with contextlib.suppress(ImportError):
        import uvicorn.loops.uvloop  # noqa: F401
    sock = socket.socket(fileno=fd)
    exits: dict[int, int] = {}
    buffer = b""
    fds: list[int] = []
    while True:
        message, received, _, _ = socket.recv_fds(sock, 1 << 20, 4)
        if not message:
            return
        buffer += message
        fds += received  # they come with a request's first bytes
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            request = json.loads(line)
            try:
                answer = _handle(request, fds, exits, bentosync.cli.main)
            except Exception as exc:  # told to the test, which fails with it
                answer = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                for extra in fds:
                    os.close(extra)
                fds = []
            sock.sendall((json.dumps(answer) + "\n").encode())


def _handle(request: dict[str, Any], fds: list[int], exits: dict[int, int], main: Any) -> dict:
    while True:  # reap every registry that ended, keeping its exit code
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            break
        exits[pid] = os.waitstatus_to_exitcode(status)
    if request["op"] == "ping":
        return {"ok": True}
    if request["op"] == "status":
        return {"code": exits.get(request["pid"])}
    if threading.active_count() != 1:
        raise RuntimeError("a thread is running: forking now is not safe")
    pid = os.fork()
    if pid == 0:
        _child(request, fds[0], main)
    return {"pid": pid}


def _child(request: dict[str, Any], stdout_fd: int, main: Any) -> None:
    """In the fork: become ``bentosync *args`` as a fresh process would, then exit."""
    code = 1
    try:
        _die_with_parent()
        log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(stdout_fd, 1)
        os.dup2(log, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX") if hasattr(os, "sysconf") else 1024)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = ["bentosync", *request["args"]]
        code = int(main(request["args"]) or 0)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
