"""``bentosync gui`` (and bare ``bentosync``): open the window, with a cloud to show.

The launcher lives here, outside ``gui``: it may start the embedded registry
(a child process), which the window must never import (DESIGN.md). The window
gets a plain callable that it runs on a worker whenever it needs to know which
registry to talk to; the registry child is stopped when the window is gone,
whatever way the event loop ended.
"""

from __future__ import annotations

import argparse
import logging

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("gui", help="open the window (the default)")
    parser.set_defaults(handler=_run_gui)


def _run_gui(args: argparse.Namespace) -> int:
    from bentosync.gui.app import run  # Qt only when the window is wanted
    from bentosync.launcher import Launcher

    launcher = Launcher()
    try:
        return run(resolver=launcher.resolve)
    finally:
        launcher.stop()
