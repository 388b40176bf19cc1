"""Everything one transfer needs, opened once: the cloud client, store, journal, cache.

The CLI, the Python API and the window's workers all open a ``Session`` the same
way, so credentials resolve in one order everywhere (DESIGN.md) and the journal
and hash cache are the same files whichever face started the job.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bentosync.core.cloud import CloudClient
from bentosync.core.hashcache import HashCache
from bentosync.core.store import LocalStore
from bentosync.core.tags import Tag
from bentosync.core.timeouts import Timeouts, effective_timeouts
from bentosync.core.transfer.journal import Journal
from bentosync.core.transfer.pull import Puller
from bentosync.core.transfer.push import Pusher
from bentosync.core.transfer.verify import Verifier
from bentosync.core.yatai_hint import Notice

logger = logging.getLogger(__name__)

# One socket per part thread, plus room for the API calls between them.
POOL_SIZE = 16


@dataclass
class Session:
    client: CloudClient
    store: LocalStore = field(default_factory=LocalStore)
    journal: Journal = field(default_factory=Journal)
    hash_cache: HashCache = field(default_factory=HashCache)

    def pusher(self, tag: Tag | str, **options: Any) -> Pusher:
        """A push job wired to this session's journal (resume) and hash cache."""
        return Pusher(
            self.client,
            self.store,
            tag,
            journal=self.journal,
            hash_cache=self.hash_cache,
            **options,
        )

    def puller(self, tag: Tag | str, **options: Any) -> Puller:
        """A pull job wired to this session's journal (resume) and hash cache."""
        return Puller(
            self.client,
            self.store,
            tag,
            journal=self.journal,
            hash_cache=self.hash_cache,
            **options,
        )

    def verifier(self, tag: Tag | str, **options: Any) -> Verifier:
        """A verify job that records the hashes it computes in this session's cache."""
        return Verifier(self.client, self.store, tag, hash_cache=self.hash_cache, **options)

    def close(self) -> None:
        self.client.close()
        self.journal.close()
        self.hash_cache.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_session(
    endpoint: str | None = None,
    token: str | None = None,
    *,
    home: Path | None = None,
    hash_cache: HashCache | None = None,
    context: str | None = None,
    timeout: float | Timeouts | None = None,
    notice: Notice | None = None,
) -> Session:
    """A session for explicit credentials, else those ``resolve_credentials`` picks.

    Args:
        context: the saved login to use (``--context``); None means
            ``BENTOML_CLOUD_CONTEXT`` or the current one. Ignored with explicit
            credentials.
        timeout: seconds a request may stall (``--timeout``); None means
            ``BENTOSYNC_TIMEOUT`` or the defaults.
        notice: how to say the one-time ``.yatai.yaml`` hint (default: log it).
    """
    timeouts = timeout if isinstance(timeout, Timeouts) else effective_timeouts(timeout)
    if endpoint is None or token is None:
        from bentosync.core.credentials import resolve_credentials

        credentials = resolve_credentials(context, notice=notice)
        endpoint, token = credentials.endpoint, credentials.token
    client = CloudClient(endpoint, token, timeout=timeouts, pool_size=POOL_SIZE)
    cache = hash_cache if hash_cache is not None else HashCache()
    return Session(client=client, store=LocalStore(home), hash_cache=cache)
