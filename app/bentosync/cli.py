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
from typing import NoReturn

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
    "bentosync.commands.completion",
    "bentosync.registry.commands",
)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors (exit 2) can also be a JSON error object.

    ``json_errors`` is set for a command line that asked for ``--json``, so that a
    script reads an object with ``kind: usage`` from stdout, as for any other failure.
    """

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if self.json_errors:
            from bentosync.commands.output import print_json, usage_error_object

            print_json(usage_error_object(message))
        super().error(message)


VERBOSE_HELP = "more log output (-vv for debug); before or after the command"
QUIET_HELP = "errors only: no progress, no log lines below errors; before or after the command"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bentosync",
        description="Sync BentoML models between the local store and BentoCloud. "
        "Without a command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"bentosync {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help=VERBOSE_HELP)
    parser.add_argument("-q", "--quiet", action="store_true", default=False, help=QUIET_HELP)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    for sub in _subparsers_below(parser):
        # SUPPRESS: a command that does not repeat them keeps the values given before it.
        sub.add_argument(
            "-v", "--verbose", action="count", default=argparse.SUPPRESS, help=VERBOSE_HELP
        )
        sub.add_argument(
            "-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=QUIET_HELP
        )
    return parser


def _subparsers_below(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every command's parser, nested ones (``registry serve``) included."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):  # aliases share a parser
                found.append(sub)
                found.extend(_subparsers_below(sub))
    return found


def _configure_logging(verbosity: int, quiet: bool) -> None:
    level = logging.ERROR if quiet and not verbosity else logging.WARNING - 10 * min(verbosity, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main(argv: Sequence[str] | None = None) -> int:
    from bentosync.commands.output import make_streams_safe

    make_streams_safe()
    arguments = list(sys.argv[1:] if argv is None else argv)
    _Parser.json_errors = "--json" in arguments
    parser = build_parser()
    args = parser.parse_args(arguments)
    _configure_logging(args.verbose, args.quiet)
    if args.command is None:
        args = parser.parse_args(["gui", *arguments])
    from bentosync.core.appdirs import migrate_legacy_dirs

    migrate_legacy_dirs()  # once, on the first run after an upgrade; nothing to do later
    try:
        return int(args.handler(args) or EXIT_OK)
    except BentoSyncError as exc:
        return _failed(args, exc, str(exc))
    except ModuleNotFoundError as exc:
        # A command of an optional part that is not installed (bentosync[gui], [registry]).
        from bentosync.commands.extras import missing_extra_message

        message = missing_extra_message(exc)
        if message is None:
            raise
        return _failed(args, exc, message)
    except KeyboardInterrupt as exc:
        _failed(args, exc, "interrupted")
        return 130
    except OSError as exc:
        # Disk full, permission denied...: say which file, never a traceback.
        from bentosync.application.errors import failure_message

        code = _failed(args, exc, failure_message(exc))
        if os.environ.get("BENTOSYNC_DEBUG"):
            raise
        return code


def _failed(args: argparse.Namespace, exc: BaseException, message: str) -> int:
    """The message on stderr; with ``--json``, also the error object on stdout."""
    print(f"bentosync: {message}", file=sys.stderr)
    if getattr(args, "json", False):
        from bentosync.commands.output import error_object, print_json

        print_json(error_object(exc, message=message))
    return EXIT_FAILURE


def gui_main() -> int:
    """The ``bentosync-gui`` entry point: the window, for launchers that run no console.

    On Windows a ``gui-scripts`` entry runs under ``pythonw``, so opening it from
    the Start menu shows no console window; elsewhere it is ``bentosync gui``.
    """
    return main(["gui"])
