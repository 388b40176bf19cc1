"""``bentosync registry serve`` and ``bentosync registry token create``.

Only argparse at import time: ``bentosync`` builds every command's parser on
each run, and FastAPI/uvicorn cost a noticeable fraction of a second to import.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from bentosync.registry.config import (
    DATABASE_SCHEMES,
    DB_NAME,
    FLAVORS,
    STRATEGIES,
    TOKEN_ENV,
    RegistryConfig,
    default_data_dir,
)

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "registry",
        help="run a BentoCloud-compatible model registry",
        description="A self-hosted model registry that the official bentoml CLI and "
        "BentoSync can push to and pull from.",
    )
    commands = parser.add_subparsers(dest="registry_command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="serve the registry until interrupted")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=3000, help="port to bind; 0 picks a free one (default 3000)"
    )
    _add_data(serve)
    _add_database(serve)
    serve.add_argument(
        "--token",
        help=f"an API token to accept, e.g. for CI (prefer the {TOKEN_ENV} environment "
        "variable: arguments are visible to other users)",
    )
    serve.add_argument(
        "--strategy",
        choices=STRATEGIES,
        default="proxy",
        help="how clients are told to move archives: through the API (proxy), one "
        "presigned PUT/GET (presigned), or presigned multipart parts (multipart)",
    )
    serve.add_argument(
        "--flavor",
        choices=FLAVORS,
        default="bentosync",
        help="bentosync: check every archive and keep checksums (default); bentocloud: "
        "behave as BentoCloud does, storing archives unchecked and serving presigned URLs "
        "from a storage endpoint with S3's rules (see FLAVORS.md)",
    )
    serve.add_argument(
        "--storage",
        metavar="URL",
        type=_storage_url,
        default=None,
        help="keep archives in S3-compatible object storage, s3://bucket/prefix (AWS S3, "
        "MinIO, Ceph RGW, GCS in interoperability mode); endpoint, region and credentials "
        "come from AWS's own settings (AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID, "
        "AWS_PROFILE). Default: the data dir",
    )
    serve.add_argument(
        "--storage-port",
        type=int,
        default=0,
        metavar="PORT",
        help="port of the bentocloud flavour's storage endpoint, on the same host; 0 picks "
        "a free one (default 0)",
    )
    serve.add_argument(
        "--presign-expiry",
        type=float,
        default=3600.0,
        metavar="SECONDS",
        help="lifetime of presigned URLs (default 3600)",
    )
    serve.add_argument(
        "--public-url",
        help="base URL clients use to reach this server, for presigned URLs behind a proxy",
    )
    serve.add_argument(
        "--public-storage-url",
        help="base URL clients use to reach the storage endpoint (--flavor bentocloud), "
        "for presigned URLs behind a proxy",
    )
    serve.add_argument(
        "--max-json-bytes",
        type=int,
        default=16 * 1024 * 1024,
        metavar="BYTES",
        help="largest JSON request body accepted (default 16 MiB)",
    )
    serve.add_argument(
        "--stale-after",
        type=float,
        default=24 * 3600.0,
        metavar="SECONDS",
        help="remove multipart uploads and temp files idle this long (default 86400)",
    )
    serve.add_argument(
        "--shutdown-grace",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="on SIGTERM/SIGINT, stop accepting at once and give running requests this long "
        "to finish (default 10)",
    )
    serve.add_argument(
        "--log-format",
        choices=("text", "json"),
        default="text",
        help="text lines (default), or one JSON object per line with the access log's "
        "fields, for a log pipeline",
    )
    serve.add_argument(
        "--background",
        action="store_true",
        help="run at a lower CPU priority, as the desktop app's local registry does, so "
        "the window stays responsive while it checks uploads",
    )
    serve.set_defaults(handler=_serve)

    token = commands.add_parser("token", help="manage API tokens")
    token_commands = token.add_subparsers(dest="token_command", metavar="COMMAND", required=True)
    create = token_commands.add_parser("create", help="create an API token and print it once")
    _add_data(create)
    _add_database(create)
    create.add_argument("--name", required=True, help="who or what will use the token")
    create.set_defaults(handler=_token_create)


def _storage_url(text: str) -> str:
    """``--storage``'s URL, checked while parsing so a typo is a usage error (exit 2)."""
    from bentosync.registry.storage import parse_storage_url  # stdlib only, no boto3

    try:
        parse_storage_url(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--storage ")) from None
    return text


def _add_data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"where models and the database live (default {default_data_dir()})",
    )


def _add_database(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database",
        type=_database_url,
        default=None,
        metavar="URL",
        help="keep the records in PostgreSQL, e.g. postgresql://USER@HOST:5432/DBNAME, so "
        "several registry processes can share them (default: SQLite in --data). Give the "
        "password in PGPASSWORD or ~/.pgpass, not in the URL: arguments are visible to "
        "other users",
    )


def _database_url(value: str) -> str:
    if not value.startswith(DATABASE_SCHEMES):
        # Not the value itself in the message: it may hold a password.
        raise argparse.ArgumentTypeError("expected a postgresql://USER@HOST:PORT/DBNAME URL")
    return value


def _serve(args: argparse.Namespace) -> int:
    from bentosync.core.threadpriority import lower_process_priority
    from bentosync.registry.server import (
        READY_PREFIX,
        STORAGE_READY_PREFIX,
        Endpoints,
        run_server,
    )

    if args.background:
        lower_process_priority()

    logging.getLogger("bentosync.registry").setLevel(
        logging.DEBUG if args.verbose >= 2 else logging.INFO
    )
    if args.log_format == "json":
        from bentosync.registry.jsonlog import use_json_logs

        use_json_logs()
    config = RegistryConfig.from_env_token(
        args.data or default_data_dir(),
        args.token,
        host=args.host,
        port=args.port,
        strategy=args.strategy,
        flavor=args.flavor,
        storage_port=args.storage_port,
        presign_expiry=args.presign_expiry,
        public_url=args.public_url,
        public_storage_url=args.public_storage_url,
        max_json_bytes=args.max_json_bytes,
        stale_after=args.stale_after,
        shutdown_grace=args.shutdown_grace,
        storage_url=args.storage,
        database_url=args.database,
    )

    def announce(endpoints: Endpoints) -> None:
        # The API's line first: scripts and the desktop launcher wait for it.
        print(f"{READY_PREFIX}{endpoints.api}", flush=True)
        if endpoints.storage is not None:
            print(f"{STORAGE_READY_PREFIX}{endpoints.storage}", flush=True)

    run_server(config, announce)
    return 0


def _token_create(args: argparse.Namespace) -> int:
    from bentosync.core.errors import BentoSyncError
    from bentosync.registry.auth import TokenStore
    from bentosync.registry.databases import open_database

    data_dir: Path = args.data or default_data_dir()
    try:
        db = open_database(args.database or data_dir / DB_NAME)
    except BentoSyncError as exc:
        print(f"bentosync: {exc}", file=sys.stderr)
        return 1
    try:
        token = TokenStore(db).create(args.name)
    except ValueError as exc:
        print(f"bentosync: {exc}", file=sys.stderr)
        return 2
    finally:
        db.close()
    print(token, flush=True)
    where = db.describe() if args.database else f"the registry in {data_dir}"
    print(f"This is the only time the token is shown; {where} keeps its hash.", file=sys.stderr)
    return 0
