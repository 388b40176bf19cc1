"""The Cloud pane's link to a registry: which one, whose account, and what it lists.

Everything here that can block runs on the cloud pool: resolving the target
(may read the keyring, or start the embedded registry, which takes a second),
asking the server who we are, and listing models. Results come back as
signals on the GUI thread. Each connection has a generation number, so a
listing that arrives after a switch (a login, a logout) is dropped instead of
filling the pane with the old registry's models.

A registry may hold 100,000 versions, so nothing lists them all: the pane
gets the first page (``PAGE_SIZE``), then one page more each time the user
scrolls to the end (``fetch_more``), filtered on the server by ``q``
(``set_query``). Each listing (a connect, a refresh, a new query) has a
number of its own, and a page of an older one is dropped. Separately, the
window asks for the cloud versions of the names the local store holds
(``lookup_names``, one per-repository list each): that is what the Local
pane's Sync column needs, and it is bounded by the local store, not the
registry. Those look-ups queue behind the pages at a lower priority, so a
scroll never waits for them.

The window never imports the registry or the launcher: it gets a ``Resolver``
(``application.cloud_target``) that ``commands/gui.py`` takes from the
launcher, and only ever sees a ``CloudTarget``. Failures reach the window as
``ErrorReport`` (``application.errors``), the same reading every face uses.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal

from bentosync.application.cloud_target import CloudTarget, Resolver, logged_in_target
from bentosync.application.errors import ErrorReport
from bentosync.core.cloud import CloudClient, NotFound, ProtocolError
from bentosync.core.cloud_records import CloudModel
from bentosync.core.credentials import NotLoggedIn
from bentosync.core.session import Session, open_session
from bentosync.gui.error_words import present
from bentosync.gui.workers.runnable import run_in_pool

logger = logging.getLogger(__name__)

PAGE_SIZE = 100  # rows per request: a screenful several times over, and a quick answer
REFRESH_MAX_ROWS = 1_000  # a refresh reloads what was shown, up to this many rows
NAMES_PER_LOOKUP = 8  # names per queued look-up task: small, so pages can pass in between
PRIORITY_PAGE, PRIORITY_LOOKUP = 1, -1

CONNECT, REFRESH, QUERY, MORE = "connect", "refresh", "query", "more"


@dataclass(frozen=True)
class CloudListing:
    """Rows for the Cloud pane: ``items`` from ``start`` of ``total`` matching ``query``.

    ``reason`` says what asked for them: ``connect``, ``refresh`` and ``query``
    replace the pane's rows, ``more`` adds a further page.
    """

    reason: str
    query: str
    start: int
    items: list[CloudModel]
    total: int

    @property
    def replaces(self) -> bool:
        return self.reason != MORE

    @property
    def end(self) -> int:
        return self.start + len(self.items)

    @property
    def has_more(self) -> bool:
        return bool(self.items) and self.end < self.total


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
    #: ``CloudListing``: a first page (replaces the rows) or a further one.
    listing_loaded = Signal(object)
    #: ``dict[str, list[CloudModel]]``: every cloud version of each of these names.
    names_looked_up = Signal(object)
    #: ``ErrorReport``: why there is no listing.
    failed = Signal(object)
    #: ``ErrorReport``: a further page could not be had (the rows so far stay).
    more_failed = Signal(object)
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
        self._problem: ErrorReport | None = None
        self._query = ""
        self._listing = 0  # number of the current listing; older pages are dropped
        self._shown = 0  # rows of the current listing received so far (its next start)
        self._has_more = False
        self._fetching_more = False
        self._lookups = 0  # name look-up tasks queued or running
        self._queued_names: set[str] = set()

    # ---- state ---------------------------------------------------------------------

    @property
    def target(self) -> CloudTarget | None:
        return self._target

    @property
    def problem(self) -> ErrorReport | None:
        return self._problem

    def where(self) -> str:
        """The registry in words, for the middle of a sentence in a dialog."""
        if self._target is None:
            return self.tr("the cloud")
        if self._target.embedded:
            return self.tr("the local registry on this computer")
        return self._target.endpoint

    def is_busy(self) -> bool:
        return self._busy > 0

    @property
    def query(self) -> str:
        return self._query

    def lookups_pending(self) -> int:
        """Name look-ups queued or running; the window waits for none before "finished"."""
        return self._lookups

    def session_factory(self) -> Session:
        """A session for one transfer job on the current target (called on a pool thread).

        Explicit endpoint and token: no keyring read. Raises ``NotLoggedIn`` when
        there is no target yet, which the job reports as its failure.
        """
        target = self._target
        if target is None:
            raise NotLoggedIn(
                QCoreApplication.translate(
                    "CloudConnection", "There is no registry to transfer to yet; log in first."
                )
            )
        return open_session(target.endpoint, target.token, home=self._store_home)

    def client(self) -> CloudClient | None:
        """The current client (for workers: deletes, record lookups)."""
        return self._client

    # ---- actions -------------------------------------------------------------------

    def connect_target(self) -> None:
        """Ask the resolver which registry to use, then list it. Call again after a login."""
        self._generation += 1
        self._queued_names.clear()
        generation = self._generation
        listing = self._new_listing()
        query = self._query
        self._set_busy(+1)
        run_in_pool(
            self._pool,
            lambda: self._resolve_and_probe(query),
            self,
            lambda result: self._on_resolved(generation, listing, result),
            lambda exc: self._on_failed(generation, exc),
            PRIORITY_PAGE,
        )

    def refresh(self) -> None:
        """List again: the rows shown so far (up to ``REFRESH_MAX_ROWS``), as they are now.

        Connects first if there is no target yet.
        """
        if self._target is None or self._client is None:
            self.connect_target()
            return
        rows = min(max(self._shown, PAGE_SIZE), REFRESH_MAX_ROWS)
        self._list(REFRESH, self._query, rows)

    def set_query(self, query: str) -> None:
        """Filter on the server (``q``): the first page of the new answer replaces the rows."""
        query = " ".join(query.split())
        if query == self._query:
            return
        self._query = query
        if self._target is not None and self._client is not None:
            self._list(QUERY, query, PAGE_SIZE)

    def fetch_more(self) -> None:
        """The next page of the current listing, unless one is on its way or there is none."""
        client = self._client
        if client is None or self._fetching_more or not self._has_more:
            return
        self._fetching_more = True
        generation, listing, query, start = (
            self._generation,
            self._listing,
            self._query,
            self._shown,
        )

        def fetch() -> CloudListing:
            page = client.list_all_models(start, PAGE_SIZE, query or None)
            return CloudListing(MORE, query, start, page.items, page.total)

        run_in_pool(
            self._pool,
            fetch,
            self,
            lambda result: self._on_listed(generation, listing, result),
            lambda exc: self._on_more_failed(generation, listing, exc),
            PRIORITY_PAGE,
        )

    def lookup_names(self, names: Iterable[str]) -> None:
        """Find every cloud version of each name (for the Local pane's verdicts).

        Queued in small tasks below the pages' priority; each task's answer
        comes as ``names_looked_up``. A name the registry does not have comes
        back with no versions.
        """
        client = self._client
        # A name already queued is left there: that look-up has not run yet, so it
        # answers as of now too.
        wanted = sorted(set(names) - self._queued_names)
        if client is None or not wanted:
            return
        generation = self._generation
        self._queued_names.update(wanted)
        for first in range(0, len(wanted), NAMES_PER_LOOKUP):
            chunk = wanted[first : first + NAMES_PER_LOOKUP]
            self._lookups += 1
            run_in_pool(
                self._pool,
                partial(self._look_up, client, chunk),
                self,
                partial(self._on_looked_up, generation, chunk),
                partial(self._on_lookup_failed, generation, chunk),
                PRIORITY_LOOKUP,
            )

    def close(self) -> None:
        """Forget the target and close the client's sockets (at window close)."""
        self._generation += 1
        self._queued_names.clear()
        if self._client is not None:
            self._client.close()
        self._client = None

    def _new_listing(self) -> int:
        self._listing += 1
        self._fetching_more = False
        return self._listing

    def _list(self, reason: str, query: str, rows: int) -> None:
        """Replace the listing with its first ``rows`` rows (in pages), on the pool."""
        client = self._client
        assert client is not None
        generation, listing = self._generation, self._new_listing()
        self._set_busy(+1)

        def fetch() -> CloudListing:
            return _first_rows(client, reason, query, rows)

        run_in_pool(
            self._pool,
            fetch,
            self,
            lambda result: self._on_listed(generation, listing, result, busy=True),
            lambda exc: self._on_failed(generation, exc, listing),
            PRIORITY_PAGE,
        )

    # ---- worker side ---------------------------------------------------------------

    @staticmethod
    def _look_up(client: CloudClient, names: list[str]) -> dict[str, list[CloudModel]]:
        """On the pool: every cloud version of each name, by name."""
        return {name: list(client.iter_repository_models(name)) for name in names}

    def _resolve_and_probe(self, query: str) -> tuple[CloudTarget, CloudClient, str, CloudListing]:
        """On the pool: resolve, ask who we are (not for the embedded one), first page."""
        target = self._resolver()
        client = CloudClient(target.endpoint, target.token)
        try:
            label = target.label
            if not target.embedded:
                label = self._account_label(client, target)
            listing = _first_rows(client, CONNECT, query, PAGE_SIZE)
        except BaseException:
            client.close()
            raise
        return target, client, label, listing

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
        if not who:
            return target.label
        return QCoreApplication.translate("CloudConnection", "{who} on {endpoint}").format(
            who=who, endpoint=target.endpoint
        )

    # ---- GUI side ------------------------------------------------------------------

    def _on_resolved(
        self,
        generation: int,
        listing: int,
        result: tuple[CloudTarget, CloudClient, str, CloudListing],
    ) -> None:
        target, client, label, rows = result
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
        self._accept(listing, rows)

    def _on_listed(
        self, generation: int, listing: int, rows: CloudListing, busy: bool = False
    ) -> None:
        if busy:
            self._set_busy(-1)
        if generation != self._generation:
            return
        self._accept(listing, rows)

    def _accept(self, listing: int, rows: CloudListing) -> None:
        if listing != self._listing or rows.query != self._query:
            logger.debug("Dropped a page of an older listing (%s %r)", rows.reason, rows.query)
            return
        if rows.replaces:
            self._problem = None
            self._shown = rows.end
        else:
            self._fetching_more = False
            self._shown = max(self._shown, rows.end)
        self._has_more = rows.has_more
        self.listing_loaded.emit(rows)

    def _on_more_failed(self, generation: int, listing: int, exc: BaseException) -> None:
        if generation != self._generation or listing != self._listing:
            return
        self._fetching_more = False
        problem = present(exc, self._target.endpoint if self._target else "")
        logger.warning("Cloud pane: no further page: %s: %s", problem.title, exc)
        self.more_failed.emit(problem)

    def _on_looked_up(
        self, generation: int, chunk: list[str], found: dict[str, list[CloudModel]]
    ) -> None:
        self._lookups -= 1
        if generation == self._generation:
            self._queued_names.difference_update(chunk)
            self.names_looked_up.emit(found)

    def _on_lookup_failed(self, generation: int, chunk: list[str], exc: BaseException) -> None:
        self._lookups -= 1
        if generation == self._generation:
            self._queued_names.difference_update(chunk)
            # The Local pane's verdicts for those names stay unknown; the pane works on.
            logger.warning("Looking up local names in the cloud failed: %s", exc)
            self.names_looked_up.emit({})

    def _on_failed(self, generation: int, exc: BaseException, listing: int | None = None) -> None:
        self._set_busy(-1)
        if generation != self._generation or (listing is not None and listing != self._listing):
            return
        self._problem = present(exc, self._target.endpoint if self._target else "")
        logger.warning("Cloud pane: %s: %s", self._problem.title, exc)
        self.failed.emit(self._problem)

    def _set_busy(self, delta: int) -> None:
        was = self._busy > 0
        self._busy = max(0, self._busy + delta)
        if (self._busy > 0) != was:
            self.busy_changed.emit(self._busy > 0)


def _first_rows(client: CloudClient, reason: str, query: str, rows: int) -> CloudListing:
    """The first ``rows`` rows of GET /models for ``query``, in pages of ``PAGE_SIZE``."""
    items: list[CloudModel] = []
    total = 0
    for page in client.iter_model_pages(query or None, PAGE_SIZE):
        items.extend(page.items)
        total = page.total
        if len(items) >= rows:
            break
    return CloudListing(reason, query, 0, items, max(total, len(items)))
