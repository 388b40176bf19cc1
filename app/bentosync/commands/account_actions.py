"""What ``bentosync login``, ``logout`` and ``whoami`` do; ``account`` holds their parsers.

The token never comes from argv (it would sit in shell history and ``ps``): it
is read from stdin with ``--token-stdin`` or from a hidden prompt, checked
against the server *before* anything is stored, then kept in the keyring.
This module needs requests and keyring, so it is imported only when one of
these commands runs, not by every ``bentosync`` start.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import sys

from bentosync.commands.cloud_options import print_notice
from bentosync.core.cloud import AuthError, CloudClient, NotFound, normalize_endpoint
from bentosync.core.cloud_records import CloudUser
from bentosync.core.credentials import (
    ContextsFile,
    Credentials,
    CredentialStorage,
    KeyringUnavailable,
    NotLoggedIn,
    environment_credentials,
    forget_login,
    resolve_credentials,
    save_login,
    validate_token,
)
from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

DEFAULT_CONTEXT = "default"


def _env_override_note() -> str | None:
    creds = environment_credentials()
    if creds is None:
        return None
    return (
        f"note: {creds.source[4:]} is set, so commands use it ({creds.endpoint}) "
        "instead of saved logins."
    )


def _read_token(args: argparse.Namespace, endpoint: str) -> str:
    if args.token_stdin:
        raw = sys.stdin.read()
    elif sys.stdin.isatty():
        raw = getpass.getpass(f"API token for {endpoint} (input hidden): ")
    else:
        raise BentoSyncError(
            "No terminal to ask for the token on. Pipe it in with --token-stdin, e.g. "
            "`bentosync login --endpoint URL --token-stdin < token-file`."
        )
    return validate_token(raw)


def check_login(endpoint: str, token: str) -> CloudUser:
    """Ask ``endpoint`` who ``token`` belongs to, as ``bentoml cloud login`` does.

    GET /auth/current, then GET /current_org (PROTOCOL.md 1.2); errors say that
    nothing was saved, because login calls this before storing anything.
    """
    with CloudClient(endpoint, token) as client:
        try:
            user = client.current_user()
            client.current_org()
        except AuthError as exc:
            raise AuthError(
                f"{endpoint} refused this token (HTTP {exc.status}). Check that it is "
                "complete, not expired, and made for this endpoint. Nothing was saved.",
                status=exc.status,
            ) from None
        except NotFound as exc:
            raise NotFound(
                f"{endpoint} knows no user or organization for this token ({exc}). Is the "
                "endpoint a BentoCloud-compatible registry? Nothing was saved.",
                status=exc.status,
            ) from None
    return user


def run_login(args: argparse.Namespace) -> int:
    parser: argparse.ArgumentParser = args.parser
    if args.import_yatai:
        if args.endpoint or args.token_stdin:
            parser.error("--import-yatai takes no --endpoint or --token-stdin")
        return _import_yatai()
    endpoint_text: str | None = args.endpoint or os.environ.get("BENTO_CLOUD_API_ENDPOINT")
    if not endpoint_text:
        parser.error("--endpoint URL is required (or --import-yatai)")
    endpoint = normalize_endpoint(endpoint_text)
    storage, contexts = CredentialStorage(), ContextsFile()
    current = contexts.load().current
    name = args.context or current or DEFAULT_CONTEXT
    try:
        storage.check_backend()  # before asking for a token we could not keep
    except KeyringUnavailable as exc:
        raise KeyringUnavailable(
            f"{exc} Nothing was saved.", reason=exc.reason, backend=exc.backend
        ) from None
    token = _read_token(args, endpoint)
    user = check_login(endpoint, token)
    save_login(name, endpoint, token, email=user.email, storage=storage, contexts=contexts)
    print(f"Logged in to {endpoint} as {user.display_name} (context {name})")
    note = _env_override_note()
    if note:
        print(f"bentosync: {note}", file=sys.stderr)
    return 0


def _import_yatai() -> int:
    from bentosync.core.yatai_import import import_yatai_contexts

    report = import_yatai_contexts()
    print(f"Imported from {report.source}: {', '.join(report.imported)}")
    for name, reason in report.skipped:
        print(f"bentosync: skipped context {name}: {reason}", file=sys.stderr)
    if report.current:
        print(f"Current context: {report.current}")
    print(
        f"The tokens are now in the system keyring. {report.source} was left as it is; "
        "delete it yourself once the bentoml CLI no longer needs it."
    )
    print("Check a login with `bentosync whoami`.")
    return 0


def run_logout(args: argparse.Namespace) -> int:
    contexts = ContextsFile()
    config = contexts.load()
    name = args.context or config.current
    if name is None:
        raise NotLoggedIn("Not logged in: there is no saved login to log out of.")
    storage = CredentialStorage()
    if name not in config.contexts and not storage.is_session_only(name):
        known = ", ".join(config.contexts) or "none"
        raise NotLoggedIn(f"There is no saved login named {name!r} (saved: {known}).")
    removed, token_removed = forget_login(name, storage=storage, contexts=contexts)
    where = f"{removed.endpoint} " if removed else ""
    gone = "its token was deleted from the keyring" if token_removed else "no token was stored"
    print(f"Logged out of {where}(context {name}); {gone}.")
    remaining = contexts.load()
    if remaining.current:
        print(f"Current context is now {remaining.current}.")
    note = _env_override_note()
    if note:
        print(f"bentosync: {note}", file=sys.stderr)
    return 0


def _refused_hint(creds: Credentials) -> str:
    if creds.from_environment:
        return f"set a valid token in {creds.source[4:]}, or unset it to use a saved login"
    if creds.yatai_path is not None:
        return (
            f"log in again with `bentoml cloud login` (it rewrites {creds.yatai_path}), or "
            f"with `bentosync login --endpoint {creds.endpoint}`"
        )
    return f"run `bentosync login --endpoint {creds.endpoint} --context {creds.context_name}`"


def run_whoami(args: argparse.Namespace) -> int:
    creds = resolve_credentials(args.context, notice=print_notice)
    with CloudClient(creds.endpoint, creds.token, timeout=args.timeout) as client:
        try:
            user = client.current_user()
        except AuthError as exc:
            raise AuthError(
                f"The API token for {creds.endpoint} ({creds.describe_source()}) was refused "
                f"(HTTP {exc.status}); {_refused_hint(creds)}.",
                status=exc.status,
            ) from None
    if args.json:
        from bentosync.commands.output import print_json

        print_json(
            {
                "ok": True,
                "command": "whoami",
                "endpoint": creds.endpoint,
                "user": {"name": user.display_name, "email": user.email or ""},
                "context": creds.context_name,
                "credentials": creds.describe_source(),
            }
        )
        return 0
    shown = user.display_name
    if user.email and user.email != shown:
        shown = f"{shown} <{user.email}>"
    print(f"Endpoint:    {creds.endpoint}")
    print(f"User:        {shown}")
    print(f"Context:     {creds.context_name}")
    print(f"Credentials: {creds.describe_source()}")
    return 0
