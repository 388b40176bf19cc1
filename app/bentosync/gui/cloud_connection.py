"""The Cloud pane's link to a registry: which one, whose account, and what it lists.

Everything here that can block runs on the cloud pool: resolving the target
(may read the keyring, or start the embedded registry, which takes a second),
asking the server who we are, and listing every model page by page. Results
come back as signals on the GUI thread. Each connection has a generation
number, so a listing that arrives after a switch (a login, a logout) is
dropped instead of filling the pane with the old registry's models.

The window never imports the registry: it gets a ``resolver`` callable from
the launcher (``bentosync.launcher``) and only ever sees a ``CloudTarget``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from bentosync.core.cloud import (
    AuthError,
    CloudClient,
    CloudError,
    ConnectionFailed,
    NotFound,
    ProtocolError,
)
from bentosync.core.cloud_records import CloudModel
from bentosync.core.credentials import KeyringUnavailable, NotLoggedIn
from bentosync.core.errors import BentoSyncError
from bentosync.core.session import Session, open_session
from bentosync.gui.workers.runnable import run_in_pool
from bentosync.launcher import CloudTarget, RegistryStartFailed, logged_in_target

logger = logging.getLogger(__name__)

Resolver = Callable[[], CloudTarget]
EMBEDDED_IN_SENTENCE = "the local registry on this computer"


@dataclass(frozen=True)
class CloudProblem:
    """Why the Cloud pane has nothing to show, in words for its message page.

    ``kind`` lets the window offer the right way out: ``login`` (log in),
    ``retry`` (refresh), or ``registry`` (the embedded registry did not start).
    """

    title: str
    body: str
    kind: str = "retry"


def describe_problem(exc: BaseException, target: CloudTarget | None) -> CloudProblem:
    """Turn a failure into a message a person can act on."""
    where = target.endpoint if target is not None else "the registry"
    if isinstance(exc, NotLoggedIn):
        return CloudProblem(
            "Not logged in",
            "Log in to BentoCloud (or a compatible registry) to see its models here.\n" + str(exc),
            "login",
        )
    if isinstance(exc, RegistryStartFailed):
        return CloudProblem("The local registry did not start", str(exc), "registry")
    if isinstance(exc, KeyringUnavailable):
        return CloudProblem("Cannot read the saved login", str(exc), "login")
    if isinstance(exc, AuthError):
        return CloudProblem(
            f"{where} refused the login",
            f"{exc}\nLog in again with a valid API token.",
            "login",
        )
    if isinstance(exc, ConnectionFailed):
        return CloudProblem(f"Cannot reach {where}", f"{exc}\nRefresh (F5) to try again.")
    if isinstance(exc, (CloudError, BentoSyncError)):
        return CloudProblem(f"{where} did not answer as expected", str(exc))
    logger.error("Unexpected cloud failure", exc_info=exc)
    return CloudProblem("Something went wrong", f"Unexpected error: {exc}")


class CloudConnection(QObject):
    """Resolves the target, names the account, and lists the models, all on ``pool``.

    Args:
        pool: a pool of its own (1 thread): a slow server must not hold up the
            local listing.
        resolver: the launcher's ``resolve`` (login, else the embedded
            registry); by default only a login is used.
        store_home: the BENTOML_HOME transfers install into.
    """

    #: The new ``CloudTarget`` (label, endpoint) after a connect.
    target_changed = Signal(object)
    #: A better label for the header once the server said who we are (``str``).
    account_named = Signal(str)
    #: ``list[CloudModel]``: the full listing.
    listing_loaded = Signal(object)
    #: ``CloudProblem``: why there is no listing.
    failed = Signal(object)
    #: A connect or a listing started (True) or ended (False).
    busy_changed = Signal(bool)

    def __init__(
        self,
        pool: QThreadPool,
        resolver: Resolver | None = None,
        store_home: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pool = pool
        self._resolver = resolver or logged_in_target
        self._store_home = store_home
        self._target: CloudTarget | None = None
        self._client: CloudClient | None = None
        self._generation = 0
        self._busy = 0
        self._problem: CloudProblem | None = None

    # ---- state ---------------------------------------------------------------------

    @property
    def target(self) -> CloudTarget | None:
        return self._target

    @property
    def problem(self) -> CloudProblem | None:
        return self._problem

    def where(self) -> str:
        """The registry in words, for the middle of a sentence in a dialog."""
        if self._target is None:
            return "the cloud"
        return EMBEDDED_IN_SENTENCE if self._target.embedded else self._target.endpoint

    def is_busy(self) -> bool:
        return self._busy > 0

    def session_factory(self) -> Session:
        """A session for one transfer job on the current target (called on a pool thread).

        Explicit endpoint and token: no keyring read. Raises ``NotLoggedIn`` when
        there is no target yet, which the job reports as its failure.
        """
        target = self._target
        if target is None:
            raise NotLoggedIn("There is no registry to transfer to yet; log in first.")
        return open_session(target.endpoint, target.token, home=self._store_home)

    def client(self) -> CloudClient | None:
        """The current client (for workers: deletes, record lookups)."""
        return self._client

    # ---- actions -------------------------------------------------------------------

    def connect_target(self) -> None:
        """Ask the resolver which registry to use, then list it. Call again after a login."""
        self._generation += 1
        generation = self._generation
        self._set_busy(+1)
        run_in_pool(
            self._pool,
            self._resolve_and_probe,
            self,
            lambda result: self._on_resolved(generation, result),
            lambda exc: self._on_failed(generation, exc),
        )

    def refresh(self) -> None:
        """List the models again (connects first if there is no target yet)."""
        if self._target is None or self._client is None:
            self.connect_target()
            return
        generation = self._generation
        client = self._client
        self._set_busy(+1)
        run_in_pool(
            self._pool,
            lambda: list(client.iter_all_models()),
            self,
            lambda models: self._on_listed(generation, models),
            lambda exc: self._on_failed(generation, exc),
        )

    def close(self) -> None:
        """Forget the target and close the client's sockets (at window close)."""
        self._generation += 1
        if self._client is not None:
            self._client.close()
        self._client = None

    # ---- worker side ---------------------------------------------------------------

    def _resolve_and_probe(self) -> tuple[CloudTarget, CloudClient, str, list[CloudModel]]:
        """On the pool: resolve, ask who we are (not for the embedded one), list."""
        target = self._resolver()
        client = CloudClient(target.endpoint, target.token)
        try:
            label = target.label
            if not target.embedded:
                label = self._account_label(client, target)
            models = list(client.iter_all_models())
        except BaseException:
            client.close()
            raise
        return target, client, label, models

    @staticmethod
    def _account_label(client: CloudClient, target: CloudTarget) -> str:
        """ "alice@example.com on https://…" from the server; the saved label if it cannot say.

        A refused token still fails the connect (``AuthError``): the listing would too.
        """
        try:
            user = client.current_user()
        except (NotFound, ProtocolError) as exc:
            logger.info("%s does not say who we are (%s)", target.endpoint, exc)
            return target.label
        who = user.email or user.display_name
        return f"{who} on {target.endpoint}" if who else target.label

    # ---- GUI side ------------------------------------------------------------------

    def _on_resolved(
        self, generation: int, result: tuple[CloudTarget, CloudClient, str, list[CloudModel]]
    ) -> None:
        target, client, label, models = result
        self._set_busy(-1)
        if generation != self._generation:
            client.close()
            return
        if self._client is not None:
            self._client.close()
        self._target, self._client, self._problem = target, client, None
        logger.info("Cloud pane: %r", target)
        self.target_changed.emit(target)
        if label != target.label:
            self.account_named.emit(label)
        self.listing_loaded.emit(models)

    def _on_listed(self, generation: int, models: list[CloudModel]) -> None:
        self._set_busy(-1)
        if generation == self._generation:
            self._problem = None
            self.listing_loaded.emit(models)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        self._set_busy(-1)
        if generation != self._generation:
            return
        self._problem = describe_problem(exc, self._target)
        logger.warning("Cloud pane: %s: %s", self._problem.title, exc)
        self.failed.emit(self._problem)

    def _set_busy(self, delta: int) -> None:
        was = self._busy > 0
        self._busy = max(0, self._busy + delta)
        if (self._busy > 0) != was:
            self.busy_changed.emit(self._busy > 0)
