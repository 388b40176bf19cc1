"""Which registry to talk to, and whose login it is: the target every face resolves.

Why here: this used to live in ``bentosync.launcher`` beside the process
supervisor of the embedded registry, so the window imported the launcher
(and, through its lazy imports, could reach ``registry``) just to name a
value type. The value type and the login lookup are plain application
logic; the launcher now only starts and stops a process, and hands the
window a ``Resolver`` that returns a :class:`CloudTarget`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from bentosync.core.cloud import CloudClient, CloudUser, NotFound
from bentosync.core.credentials import ContextsFile, Credentials, resolve_credentials
from bentosync.core.errors import BentoSyncError
from bentosync.core.redaction import remember_secret

logger = logging.getLogger(__name__)

EMBEDDED_LABEL = "Local registry (this computer)"


@dataclass(frozen=True)
class CloudTarget:
    """An endpoint and token for the Cloud pane, and how to describe them.

    Attributes:
        endpoint: the registry's base URL.
        token: the API token; left out of ``repr``.
        label: the pane header, e.g. "alice@example.com on https://…".
        embedded: True for the registry this app started itself.
        context_name: the saved login it came from ("" for env, .yatai.yaml or embedded).
        source: where the credentials came from, in words (for a tooltip).
    """

    endpoint: str
    token: str = field(repr=False)
    label: str
    embedded: bool = False
    context_name: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        remember_secret(self.token)  # masked in logs and bug reports from now on

    def __repr__(self) -> str:
        return (
            f"CloudTarget(endpoint={self.endpoint!r}, label={self.label!r}, "
            f"embedded={self.embedded}, token=<hidden>)"
        )


#: What the window calls (on a worker) to learn its target: the launcher's ``resolve``.
Resolver = Callable[[], CloudTarget]


class NotARegistry(BentoSyncError):
    """The endpoint answered, but not as a BentoCloud-compatible registry would."""


def describe_login(credentials: Credentials, email: str = "") -> str:
    """ "alice@example.com on https://cloud.example" (or the context name without an email)."""
    who = email or (credentials.context_name if not credentials.from_environment else "API token")
    return f"{who} on {credentials.endpoint}"


def logged_in_target(contexts: ContextsFile | None = None) -> CloudTarget:
    """The target of the current login; raises ``NotLoggedIn`` when there is none.

    Reads the keyring, so call it on a worker thread, never the GUI thread.
    """
    credentials = resolve_credentials(contexts=contexts)
    email = ""
    if credentials.is_saved_login:
        saved = (contexts or ContextsFile()).get(credentials.context_name)
        email = saved.email if saved is not None else ""
    return CloudTarget(
        endpoint=credentials.endpoint,
        token=credentials.token,
        label=describe_login(credentials, email),
        # A .yatai.yaml context is not ours: nothing to switch to or log out of.
        context_name=credentials.context_name if credentials.is_saved_login else "",
        source=credentials.describe_source(),
    )


def check_token(endpoint: str, token: str) -> CloudUser:
    """Whose token this is (GET /auth/current). Blocking: call it on a worker.

    Raises:
        NotARegistry: the endpoint knows no ``/auth/current`` for this token.
        CloudError: the other failures of the request, as the client raises them.
    """
    with CloudClient(endpoint, token) as client:
        try:
            return client.current_user()
        except NotFound as exc:
            raise NotARegistry(
                f"{endpoint} answered, but knows no user for this token ({exc}). Is it a "
                "BentoCloud-compatible registry?"
            ) from exc
