"""Who we talk to and with which token: contexts, the keyring, the environment.

A *context* is a named login (endpoint and email) kept in
``<user config dir>/bentosync/contexts.json`` together with the name of the
current one. The file never holds a token: tokens live in the OS keyring under
service ``bentosync`` and the context's name (``keyring_store``). The file is
written atomically with mode 0600 anyway, since endpoints and emails are
nobody else's business.

Resolution order (DESIGN.md, "Command line"; the official client's, PROTOCOL.md
1.1): ``BENTO_CLOUD_API_KEY`` (+ ``BENTO_CLOUD_API_ENDPOINT``), the official
client's names, so CI that already works with ``bentoml`` works with us; then
``BENTOCLOUD_API_TOKEN`` (+ ``BENTOCLOUD_ENDPOINT``). Otherwise the context name
is ``--context``, else ``BENTOML_CLOUD_CONTEXT``, else the current one, and its
token comes from the keyring. When BentoSync has no context to use (none saved,
or none of the name asked for), the official client's ``.yatai.yaml`` is the
last resort: read only, its token used in memory and never copied, with a hint
shown once that ``login --import-yatai`` would move it into the keyring.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bentosync.core import appdirs
from bentosync.core.cloud_http import DEFAULT_ENDPOINT, normalize_endpoint
from bentosync.core.errors import BentoSyncError
from bentosync.core.keyring_store import CredentialStorage, KeyringUnavailable
from bentosync.core.redaction import remember_secret
from bentosync.core.yatai_config import (
    YataiConfig,
    YataiContext,
    read_yatai_config,
    yatai_config_path,
)
from bentosync.core.yatai_hint import Notice, show_once

logger = logging.getLogger(__name__)

__all__ = [
    "Context",
    "ContextsFile",
    "CredentialStorage",
    "Credentials",
    "KeyringUnavailable",
    "NotLoggedIn",
    "forget_login",
    "requested_context",
    "resolve_credentials",
    "save_login",
    "validate_token",
]

ENV_CONTEXT = "__env__"
SOURCE_KEYRING = "keyring"
SOURCE_SESSION = "session"
SOURCE_YATAI = "yatai:"  # + the path of the .yatai.yaml the token was read from
# The official client's variable naming the context to use (bentoml_cli/utils.py).
CONTEXT_ENV = "BENTOML_CLOUD_CONTEXT"
# (token variable, endpoint variable), in the order they win.
ENV_PAIRS = (
    ("BENTO_CLOUD_API_KEY", "BENTO_CLOUD_API_ENDPOINT"),
    ("BENTOCLOUD_API_TOKEN", "BENTOCLOUD_ENDPOINT"),
)
LOGIN_HINT = (
    "Run `bentosync login --endpoint URL` (the token is asked for, or read with "
    "--token-stdin), `bentosync login --import-yatai` to reuse the logins of the "
    "bentoml CLI, or set BENTO_CLOUD_API_KEY and BENTO_CLOUD_API_ENDPOINT."
)


class NotLoggedIn(BentoSyncError):
    """No credentials anywhere: no environment token, no context, or no stored token."""


@dataclass(frozen=True)
class Credentials:
    """An endpoint and the token for it, and where they came from.

    ``source`` is ``env:<VARIABLE>``, ``keyring``, ``session`` or
    ``yatai:<path>``. The token is left out of ``repr`` so a logged or printed
    object never shows it.
    """

    endpoint: str
    token: str = field(repr=False)
    context_name: str
    source: str

    def __repr__(self) -> str:
        return (
            f"Credentials(endpoint={self.endpoint!r}, context_name={self.context_name!r}, "
            f"source={self.source!r}, token=<hidden>)"
        )

    def __post_init__(self) -> None:
        remember_secret(self.token)  # masked in logs and bug reports from now on

    def __reduce__(self) -> tuple[Any, ...]:  # pickling would write the token somewhere
        raise TypeError("Credentials cannot be pickled")

    @property
    def from_environment(self) -> bool:
        return self.source.startswith("env:")

    @property
    def yatai_path(self) -> Path | None:
        """The official client's file the token was read from, if it was."""
        if self.source.startswith(SOURCE_YATAI):
            return Path(self.source[len(SOURCE_YATAI) :])
        return None

    @property
    def is_saved_login(self) -> bool:
        """Whether this is one of BentoSync's own contexts (one ``logout`` can forget)."""
        return self.source in (SOURCE_KEYRING, SOURCE_SESSION)

    def describe_source(self) -> str:
        """Where the credentials came from, in words for whoami and the window."""
        if self.from_environment:
            return f"environment variable {self.source[4:]}"
        if self.source == SOURCE_SESSION:
            return "this session only (not saved)"
        yatai = self.yatai_path
        if yatai is not None:
            return (
                f"the bentoml CLI's plaintext file {yatai} (context {self.context_name!r}); "
                "`bentosync login --import-yatai` moves it into the system keyring"
            )
        return f"system keyring (context {self.context_name!r})"


@dataclass(frozen=True)
class Context:
    """A saved login without its token."""

    name: str
    endpoint: str
    email: str = ""


def validate_token(token: str) -> str:
    """``token`` stripped, or an error if it cannot be a header value.

    The message never repeats the token: it may be a real one pasted wrongly.
    """
    token = token.strip()
    if not token:
        raise BentoSyncError("The API token is empty.")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in token):
        raise BentoSyncError(
            "The API token contains spaces, line breaks or control characters; "
            "copy it again (only the token itself)."
        )
    return token


def default_contexts_path() -> Path:
    return appdirs.config_dir() / "contexts.json"


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, readable by the owner only (0600).

    A crash leaves either the old file or the new one, never half of either;
    the temporary file is created 0600 (mkstemp), so no moment exists where
    another user could read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), 0o600)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:  # Windows cannot open directories; the rename is durable enough
        return
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass
class ContextsConfig:
    """The content of the contexts file: contexts by name, in file order."""

    contexts: dict[str, Context] = field(default_factory=dict)
    current: str | None = None


class ContextsFile:
    """The contexts file; every change is a read-modify-write under one lock."""

    _lock = threading.RLock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_contexts_path()

    def __repr__(self) -> str:
        return f"ContextsFile({str(self.path)!r})"

    def load(self) -> ContextsConfig:
        """The saved contexts; a missing file means none (and is not created)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return ContextsConfig()
        try:
            data = json.loads(raw)
        except ValueError:
            raise BentoSyncError(
                f"{self.path} is not valid JSON; fix it, or delete it and log in again."
            ) from None
        config = ContextsConfig()
        for item in data.get("contexts", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and item.get("name") and item.get("endpoint"):
                ctx = Context(
                    str(item["name"]), str(item["endpoint"]), str(item.get("email") or "")
                )
                config.contexts[ctx.name] = ctx
        current = data.get("current_context") if isinstance(data, dict) else None
        config.current = current if current in config.contexts else None
        return config

    def save(self, config: ContextsConfig) -> None:
        data = {
            "format": 1,
            "current_context": config.current,
            "contexts": [
                {"name": c.name, "endpoint": c.endpoint, "email": c.email}
                for c in config.contexts.values()
            ],
        }
        write_private(self.path, (json.dumps(data, indent=2) + "\n").encode())

    def get(self, name: str) -> Context | None:
        return self.load().contexts.get(name)

    def current(self) -> Context | None:
        config = self.load()
        return config.contexts.get(config.current) if config.current else None

    def upsert(self, context: Context, *, make_current: bool = True) -> None:
        with self._lock:
            config = self.load()
            config.contexts[context.name] = context
            if make_current or config.current is None:
                config.current = context.name
            self.save(config)

    def remove(self, name: str) -> Context | None:
        """Drop ``name``; if it was current, the first remaining context becomes current."""
        with self._lock:
            config = self.load()
            removed = config.contexts.pop(name, None)
            if removed is None:
                return None
            if config.current == name:
                config.current = next(iter(config.contexts), None)
            self.save(config)
            return removed


def environment_credentials(environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials from environment variables, or None when none are set."""
    env = os.environ if environ is None else environ
    for token_var, endpoint_var in ENV_PAIRS:
        token = env.get(token_var, "").strip()
        if token:
            endpoint = normalize_endpoint(env.get(endpoint_var) or DEFAULT_ENDPOINT)
            return Credentials(endpoint, token, ENV_CONTEXT, f"env:{token_var}")
    return None


def requested_context(
    context: str | None = None, environ: Mapping[str, str] | None = None
) -> tuple[str | None, str]:
    """The context name asked for, and who asked (for messages).

    ``context`` (the ``--context`` option) wins over ``BENTOML_CLOUD_CONTEXT``;
    an empty or blank value counts as not given. (None, "") means "the current one".
    """
    if context is not None and context.strip():
        return context.strip(), "--context"
    env = os.environ if environ is None else environ
    named = env.get(CONTEXT_ENV, "").strip()
    if named:
        return named, CONTEXT_ENV
    return None, ""


def _read_yatai(path: Path) -> YataiConfig | None:
    """The official client's contexts, with a broken file reported as "not logged in".

    NotLoggedIn rather than a plain error, so the window still falls back to its
    embedded registry, and the message says which file to fix.
    """
    try:
        return read_yatai_config(path)
    except BentoSyncError as exc:
        raise NotLoggedIn(
            f"Not logged in: BentoSync has no saved login to use, and the bentoml CLI's "
            f"logins cannot be read ({exc}). {LOGIN_HINT}"
        ) from None


def _yatai_credentials(
    yatai: YataiConfig, found: YataiContext, notice: Notice | None
) -> Credentials:
    """Credentials of one context of ``.yatai.yaml``, used in place, never copied."""
    name = found.name
    try:
        token = validate_token(found.api_token)
    except BentoSyncError as exc:
        raise NotLoggedIn(
            f"The token of context {name!r} in {yatai.path} cannot be used: {exc} {LOGIN_HINT}"
        ) from None
    show_once(yatai.path, name, notice or _log_notice)
    logger.info("Using context %r of %s", name, yatai.path)
    return Credentials(found.endpoint, token, name, f"{SOURCE_YATAI}{yatai.path}")


def _log_notice(message: str) -> None:
    logger.warning("%s", message)


def resolve_credentials(
    context: str | None = None,
    *,
    storage: CredentialStorage | None = None,
    contexts: ContextsFile | None = None,
    environ: Mapping[str, str] | None = None,
    yatai_path: Path | None = None,
    notice: Notice | None = None,
) -> Credentials:
    """The credentials to use now, in the official client's order (module docstring).

    Args:
        context: the context to use instead of ``BENTOML_CLOUD_CONTEXT`` or the
            current one (environment tokens still win, as with the official client).
        yatai_path: the official client's file (default ``$BENTOML_HOME/.yatai.yaml``).
        notice: says the one-time ``.yatai.yaml`` hint; the CLI prints it on
            stderr, by default it is logged at WARNING.

    Raises:
        NotLoggedIn: nothing configured, an unknown context name, or a context
            without a stored token.
        KeyringUnavailable: a context exists but the keyring cannot be read.
    """
    found = environment_credentials(environ)
    if found is not None:
        return found
    contexts = contexts or ContextsFile()
    config = contexts.load()
    name, asked_by = requested_context(context, environ)
    if name is None:
        name = config.current
    if name is not None and name in config.contexts:
        return _keyring_credentials(config.contexts[name], storage or CredentialStorage())
    # No BentoSync context to use: the official client's file is the last resort.
    yatai = _read_yatai(yatai_path or yatai_config_path())
    if yatai is not None:
        theirs = yatai.current if name is None else yatai.get(name)
        if theirs is not None:
            return _yatai_credentials(yatai, theirs, notice)
    if name is None:
        raise NotLoggedIn(f"Not logged in to any BentoCloud registry. {LOGIN_HINT}")
    known = ", ".join(config.contexts) or "none"
    if yatai is not None and yatai.contexts:
        known += f"; in {yatai.path}: {', '.join(yatai.contexts)}"
    via = f"asked for with {asked_by}; " if asked_by else ""
    raise NotLoggedIn(f"There is no saved login named {name!r} ({via}saved: {known}). {LOGIN_HINT}")


def _keyring_credentials(saved: Context, storage: CredentialStorage) -> Credentials:
    name = saved.name
    session_only = storage.is_session_only(name)
    token = storage.load_token(name)
    if not token:
        raise NotLoggedIn(
            f"The token of context {name!r} ({saved.endpoint}) is not in the system keyring "
            f"any more. Run `bentosync login --endpoint {saved.endpoint} --context {name}`."
        )
    source = SOURCE_SESSION if session_only else SOURCE_KEYRING
    return Credentials(saved.endpoint, token, name, source)


def save_login(
    name: str,
    endpoint: str,
    token: str,
    *,
    email: str = "",
    session_only: bool = False,
    storage: CredentialStorage | None = None,
    contexts: ContextsFile | None = None,
) -> Context:
    """Store a checked login: the token in the keyring first, then the context.

    In that order, a failing keyring leaves no context without a token behind;
    a failing file write takes the just-stored token back out.
    """
    storage = storage or CredentialStorage()
    contexts = contexts or ContextsFile()
    context = Context(name, normalize_endpoint(endpoint), email)
    storage.store_token(name, validate_token(token), session_only=session_only)
    try:
        contexts.upsert(context, make_current=True)
    except BaseException:
        try:
            storage.delete_token(name)
        except KeyringUnavailable:
            logger.warning("Could not take the token of %r back out of the keyring", name)
        raise
    return context


def forget_login(
    name: str,
    *,
    storage: CredentialStorage | None = None,
    contexts: ContextsFile | None = None,
) -> tuple[Context | None, bool]:
    """Delete the token of ``name`` and its context: (the context, whether a token went).

    If the keyring is gone for good (no backend), the context is still removed
    (maestral #359: a vanished backend must not trap the user); if it is only
    locked, nothing changes and ``KeyringUnavailable`` says to unlock it.
    """
    storage = storage or CredentialStorage()
    contexts = contexts or ContextsFile()
    try:
        token_removed = storage.delete_token(name)
    except KeyringUnavailable as exc:
        if exc.reason != KeyringUnavailable.NO_BACKEND:
            raise
        logger.warning("No keyring to delete the token of %r from: %s", name, exc)
        token_removed = False
    return contexts.remove(name), token_removed
