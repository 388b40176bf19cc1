"""The ``bentosync`` command: the headless twin of the window.

Each command group lives in its own module with a ``register(subparsers)``
function that adds its parsers and sets ``handler`` on them; this module only
parses, dispatches, and turns errors into the exit codes of the contract:
0 success, 1 failure (a message on stderr, no traceback), 2 usage error.
Heavy imports (Qt, FastAPI) stay inside the handlers, so ``bentosync list`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from bentosync.core.errors import BentoSyncError
from bentosync.core.version import __version__

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2

# Modules that contribute subcommands, each with register(subparsers).
COMMAND_MODULES = (
    "bentosync.commands.listing",
    "bentosync.commands.gui",
    "bentosync.commands.account",
    "bentosync.commands.transfer",
    "bentosync.registry.commands",
)


class _Parser(argparse.ArgumentParser):
    """argparse exits 2 on usage errors already; keep its message, drop nothing."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bentosync",
        description="Sync BentoML models between the local store and BentoCloud. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"bentosync {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    if args.command is None:
        args = parser.parse_args(["gui", *(argv or [])])
    from bentosync.core.appdirs import migrate_legacy_dirs

    migrate_legacy_dirs()  # once, on the first run after an upgrade; nothing to do later
    try:
        return int(args.handler(args) or EXIT_OK)
    except BentoSyncError as exc:
        print(f"bentosync: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except ModuleNotFoundError as exc:
        # A command of an optional part that is not installed (bentosync[gui], [registry]).
        from bentosync.commands.extras import missing_extra_message

        message = missing_extra_message(exc)
        if message is None:
            raise
        print(f"bentosync: {message}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("bentosync: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        # Disk full, permission denied...: say which file, never a traceback.
        from bentosync.application.errors import failure_message

        print(f"bentosync: {failure_message(exc)}", file=sys.stderr)
        if os.environ.get("BENTOSYNC_DEBUG"):
            raise
        return EXIT_FAILURE
