"""Every transfer test runs on both flavours of the project's registry.

``bentosync`` is our own registry: it checks each archive against the
checksums before ``success``. ``bentocloud`` behaves as the real service does:
a fixed manifest schema, bytes stored as they arrive, S3's rules behind
presigned URLs on a storage endpoint of its own. Whatever passes only on the
first is not done (DESIGN.md, "The cloud side").

``promises`` says, per flavour, what a user sees as verified (the README's
table); tests assert against it instead of hard-coding one server's answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bentosync.core.transfer.progress import ChecksumState
from support.faulty_proxy import FaultyProxy
from support.processes import free_port
from support.registry import RegistryServer

FLAVORS = ("bentosync", "bentocloud")


@pytest.fixture(params=FLAVORS)
def flavor(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@dataclass(frozen=True)
class Promises:
    """What one flavour vouches for, as a user of BentoSync sees it."""

    flavor: str

    @property
    def checks_uploads(self) -> bool:
        """The server reads each archive and refuses bad ones before ``success``."""
        return self.flavor == "bentosync"

    @property
    def push_checksum(self) -> ChecksumState:
        """Each file's state after a BentoSync push: checked by the server, or only recorded."""
        return ChecksumState.VERIFIED if self.checks_uploads else ChecksumState.UNVERIFIED

    @property
    def push_words(self) -> str:
        return (
            "every file verified by the server"
            if self.checks_uploads
            else "checksums recorded for every pull to check"
        )

    @property
    def storage_path(self) -> str:
        """Where presigned URLs point: the API's ``/blobs``, or the storage endpoint's bucket."""
        return "/blobs/" if self.flavor == "bentosync" else "/bentosync-models/"

    @property
    def official_pull_verified(self) -> bool:
        """A pull of what the official client pushed: our registry computed checksums."""
        return self.checks_uploads


@pytest.fixture
def promises(flavor: str) -> Promises:
    return Promises(flavor)


@pytest.fixture
def cloud(registry_factory: Callable[..., RegistryServer], flavor: str) -> RegistryServer:
    """A proxy-strategy registry of the test's flavour."""
    return registry_factory(flavor=flavor)


@dataclass(frozen=True)
class FlakyCloud:
    """A registry behind test proxies: ``api`` for API calls, ``storage`` for presigned URLs.

    On the default flavour presigned URLs are on the API's port, so both names
    are the same proxy; on ``bentocloud`` the storage endpoint has a proxy of
    its own, which the presigned URLs name (``--public-storage-url``).
    """

    server: RegistryServer
    api: FaultyProxy
    storage: FaultyProxy

    @property
    def proxies(self) -> tuple[FaultyProxy, ...]:
        return (self.api,) if self.api is self.storage else (self.api, self.storage)


@pytest.fixture
def flaky_cloud(
    registry_factory: Callable[..., RegistryServer], faulty_proxy, flavor: str
) -> Callable[..., FlakyCloud]:
    """``flaky_cloud(strategy, extra_args=(), **knobs)``: the flavour's registry behind proxies.

    ``knobs`` (fail rates, throttles, ...) go to both proxies; change either
    proxy's knobs during the test as needed.
    """

    def make(strategy: str, extra_args: tuple[str, ...] = (), **knobs: object) -> FlakyCloud:
        if flavor != "bentocloud":
            server = registry_factory(strategy=strategy, flavor=flavor, extra_args=extra_args)
            api = faulty_proxy(server, **knobs)
            return FlakyCloud(server, api, api)
        port = free_port()
        storage = faulty_proxy(port, **knobs)
        server = registry_factory(
            strategy=strategy,
            flavor=flavor,
            extra_args=[
                *extra_args,
                "--storage-port",
                str(port),
                "--public-storage-url",
                storage.endpoint,
            ],
        )
        return FlakyCloud(server, faulty_proxy(server, **knobs), storage)

    return make
