"""``--context`` and ``--timeout``: the options every command that talks to the cloud takes.

Declared once so push, pull, verify, list and whoami spell and explain them
the same way, and handed to ``open_session`` / ``resolve_credentials`` as they
are: the precedence rules (``BENTO_CLOUD_API_KEY`` > ``--context`` >
``BENTOML_CLOUD_CONTEXT`` > current; ``--timeout`` > ``BENTOSYNC_TIMEOUT`` >
defaults) live in the core, not here. Building the parser must stay cheap, so
this module imports nothing heavy at the top.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import TYPE_CHECKING, Any

from bentosync.core.timeouts import API_TIMEOUT, STREAM_TIMEOUT, TIMEOUT_ENV, parse_timeout

if TYPE_CHECKING:
    from bentosync.core.session import Session

logger = logging.getLogger(__name__)

CONTEXT_HELP = (
    "the saved login to use (default: $BENTOML_CLOUD_CONTEXT, else the current one; "
    "a login of the bentoml CLI in $BENTOML_HOME/.yatai.yaml also counts); "
    "BENTO_CLOUD_API_KEY, when set, wins over it"
)
TIMEOUT_HELP = (
    "how many seconds a request may wait for data before it fails "
    f"(default: ${TIMEOUT_ENV}, else {API_TIMEOUT[1]:g} for API calls and "
    f"{STREAM_TIMEOUT[1]:g} for uploads and downloads)"
)


def timeout_seconds(text: str) -> float:
    """argparse type for ``--timeout``: a bad value is a usage error (exit 2)."""
    try:
        return parse_timeout(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_cloud_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--context NAME`` and ``--timeout SECONDS`` to a subcommand."""
    group = parser.add_argument_group("cloud connection")
    group.add_argument("--context", metavar="NAME", help=CONTEXT_HELP)
    group.add_argument("--timeout", metavar="SECONDS", type=timeout_seconds, help=TIMEOUT_HELP)


def given_cloud_options(args: argparse.Namespace) -> list[str]:
    """The cloud options present on the command line, for "not with --local" errors."""
    given = []
    if getattr(args, "context", None) is not None:
        given.append("--context")
    if getattr(args, "timeout", None) is not None:
        given.append("--timeout")
    return given


def print_notice(message: str) -> None:
    """The CLI's face for one-time hints: a plain line on stderr, not a log record."""
    print(f"bentosync: {message}", file=sys.stderr)


def open_cloud_session(args: argparse.Namespace, **options: Any) -> Session:
    """``open_session`` with the command line's context, timeout and hint printer."""
    from bentosync.core.session import open_session

    return open_session(context=args.context, timeout=args.timeout, notice=print_notice, **options)
