"""``bentosync login``, ``logout`` and ``whoami``: the parsers.

What they do lives in ``account_actions``, imported when one of them runs:
it needs requests and keyring, and building the parser for any other command
(``--help``, ``list``, ``registry serve``, a push with credentials in the
environment) should not pay for them.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

from bentosync.commands.cloud_options import add_cloud_options


def _action(name: str) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        from bentosync.commands import account_actions

        return int(getattr(account_actions, name)(args))

    return run


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    login = subparsers.add_parser(
        "login",
        help="log in to a BentoCloud-compatible registry",
        description="Check an API token against the registry, then keep it in the system "
        "keyring. The token is read from a hidden prompt, or from stdin with --token-stdin; "
        "it is never accepted as an argument.",
    )
    login.add_argument(
        "--endpoint", metavar="URL", help="registry URL, e.g. https://cloud.bentoml.com"
    )
    login.add_argument("--context", metavar="NAME", help="name for this login (default: current)")
    login.add_argument("--token-stdin", action="store_true", help="read the token from stdin")
    login.add_argument(
        "--import-yatai",
        action="store_true",
        help="import the logins of the bentoml CLI ($BENTOML_HOME/.yatai.yaml) into the keyring",
    )
    login.set_defaults(handler=_action("run_login"), parser=login)

    logout = subparsers.add_parser(
        "logout", help="forget a login", description="Delete a login's token from the keyring."
    )
    logout.add_argument("--context", metavar="NAME", help="the login to forget (default: current)")
    logout.set_defaults(handler=_action("run_logout"))

    whoami = subparsers.add_parser(
        "whoami",
        help="show the endpoint, user and where the credentials come from",
        description="Ask the registry whose token is in use, and say where it came from.",
    )
    whoami.add_argument(
        "--json", action="store_true", help="print one JSON object: the login, or an error"
    )
    add_cloud_options(whoami)
    whoami.set_defaults(handler=_action("run_whoami"))
