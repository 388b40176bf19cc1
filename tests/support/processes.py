"""What every server a test starts needs: a free loopback port, and death with the test.

Servers bind 127.0.0.1 only. A server started by a test gets a signal when the
test process dies, even by SIGKILL (Linux's PR_SET_PDEATHSIG), so a killed
pytest run never leaves one running.
"""

from __future__ import annotations

import ctypes
import signal
import socket
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None]:
    """A ``preexec_fn`` that has the child get ``sig`` when its parent dies.

    Call it in the child after any user switch (which clears the setting), as
    ``subprocess`` runs ``preexec_fn`` after ``user=``/``group=``.
    """

    def arrange() -> None:
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)

    return arrange
