"""Settings of one registry server, shared by the CLI, the app factory and tests.

Plain data with no FastAPI import, so ``bentosync registry --help`` and the
desktop launcher can build a config without loading the web stack.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from bentosync.core import appdirs

logger = logging.getLogger(__name__)

STRATEGIES = ("proxy", "presigned", "multipart")
# BentoSync's own registry, and one that behaves as BentoCloud does (FLAVORS.md).
FLAVORS = ("bentosync", "bentocloud")
TOKEN_ENV = "BENTOSYNC_REGISTRY_TOKEN"
DB_NAME = "registry.db"
DATABASE_SCHEMES = ("postgresql://", "postgres://")


def endpoint_for(host: str, port: int) -> str:
    """``http://host:port`` (IPv6 hosts in brackets). Here, not in ``server``, because the
    routes' services need it too, and ``server`` imports the app that imports them."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def default_data_dir() -> Path:
    """``appdirs.data_dir()/registry``: the embedded registry's home."""
    return appdirs.data_dir() / "registry"


@dataclass(frozen=True)
class RegistryConfig:
    """Everything ``create_app`` and ``run_server`` need.

    ``strategy`` only changes what the server *advertises* (PROTOCOL.md 6); every
    upload and download route works in every mode, so a client may fall back.
    ``flavor`` changes what the server promises (FLAVORS.md): ``bentocloud``
    stores archives unchecked and serves presigned URLs from a storage endpoint
    of its own, on ``storage_port``, with S3's rules.
    """

    data_dir: Path
    host: str = "127.0.0.1"
    port: int = 3000
    seed_token: str | None = None
    strategy: str = "proxy"
    flavor: str = "bentosync"
    # The bentocloud flavour's storage endpoint, on the same host; 0 picks a free
    # port. The server replaces 0 with the port it bound before building the app.
    storage_port: int = 0
    # Presigned URLs live this long (Yatai uses one hour).
    presign_expiry: float = 3600.0
    # JSON bodies above this are refused with 413; a manifest's file list of
    # 100k files is about 13 MB.
    max_json_bytes: int = 16 * 1024 * 1024
    # Multipart uploads untouched this long, and stray temp files, are removed.
    stale_after: float = 24 * 3600.0
    # finish_upload waits this long for an archive check still running, staying
    # under the official client's 60 s read timeout; after that the check ends
    # in the background and sets the status itself.
    finish_wait: float = 45.0
    # Base for presigned URLs when clients reach the server through a proxy;
    # None means "as the client addressed us" (the request's base URL).
    public_url: str | None = None
    # The same for the bentocloud flavour's storage endpoint, when clients
    # reach it through a proxy or a load balancer (as they reach S3 by name).
    public_storage_url: str | None = None
    # Seconds uvicorn waits for running requests on SIGINT/SIGTERM.
    shutdown_grace: float = 10.0
    # Multipart uploads assembled and checked while their parts arrive (one
    # thread each), so completion is nearly instant; 0 turns it off. Others
    # are assembled at completion, as are uploads whose parts stop coming for
    # pipeline_idle seconds (or half of stale_after, if that is shorter).
    max_pipelines: int = 4
    pipeline_idle: float = 600.0
    # Where archives live: None is the data dir; ``s3://bucket/prefix`` an
    # S3-compatible bucket (storage.py). The database stays in the data dir.
    storage_url: str | None = None
    # Where the records live: None is SQLite in data_dir (DB_NAME); a
    # ``postgresql://`` URL lets several registry processes share them (db.py).
    # Out of repr: the URL may carry a password, and configs end up in logs.
    database_url: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}")
        if self.flavor not in FLAVORS:
            raise ValueError(f"flavor must be one of {', '.join(FLAVORS)}")
        object.__setattr__(self, "data_dir", Path(self.data_dir))
        if self.storage_url is not None:
            from bentosync.registry.storage import parse_storage_url  # no boto3 import

            parse_storage_url(self.storage_url)  # ValueError naming the problem
        if self.database_url is not None and not self.database_url.startswith(DATABASE_SCHEMES):
            # Not the value itself in the message: it may hold a password.
            raise ValueError("database must be a postgresql://USER@HOST:PORT/DBNAME URL")

    @property
    def object_storage(self) -> bool:
        """Archives in an object store: presigned URLs are the store's own, no storage port."""
        return self.storage_url is not None

    @property
    def database(self) -> str | Path:
        """What ``databases.open_database`` opens: the URL, else the SQLite file in data_dir."""
        return self.database_url or self.data_dir / DB_NAME

    @classmethod
    def from_env_token(
        cls, data_dir: Path, token: str | None = None, **kwargs: object
    ) -> RegistryConfig:
        """A config whose seed token comes from the argument, else the environment."""
        seed = token or os.environ.get(TOKEN_ENV) or None
        return cls(data_dir=data_dir, seed_token=seed, **kwargs)  # type: ignore[arg-type]
