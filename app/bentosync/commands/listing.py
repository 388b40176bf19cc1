"""``bentosync list``: what is local, what is in the cloud, and how they compare."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from datetime import datetime, timezone

from humanize import naturaltime

from bentosync.application.formatting import format_labels, format_size
from bentosync.commands.cloud_options import add_cloud_options, given_cloud_options
from bentosync.commands.table import print_table
from bentosync.core.store import LocalStore

logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "list",
        help="list models in the local store and the cloud",
        description="List models. Without --local or --cloud, both sides and their sync state.",
    )
    side = parser.add_mutually_exclusive_group()
    side.add_argument("--local", action="store_true", help="only the local store")
    side.add_argument("--cloud", action="store_true", help="only the cloud registry")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    add_cloud_options(parser)
    parser.set_defaults(handler=_run_list, parser=parser)


def _run_list(args: argparse.Namespace) -> int:
    if args.local:
        given = given_cloud_options(args)
        if given:
            verb = "apply" if len(given) > 1 else "applies"
            args.parser.error(f"{' and '.join(given)} {verb} to the cloud side; drop --local")
        return _list_local(as_json=args.json)
    from bentosync.commands.cloud_listing import list_cloud_or_both
    from bentosync.core.credentials import NotLoggedIn

    try:
        return list_cloud_or_both(args, cloud_only=args.cloud, as_json=args.json)
    except NotLoggedIn as exc:
        if args.cloud or args.context:
            raise  # the cloud was asked for by name: not having it is the answer
        # As `bentoml models list` works on a fresh machine, so does this: the local
        # side, and how to add the cloud side.
        print(f"bentosync: showing the local store only. {exc}", file=sys.stderr)
        return _list_local(as_json=args.json)


def _list_local(*, as_json: bool) -> int:
    store = LocalStore()
    listing = store.list()
    for problem in listing.problems:
        print(f"bentosync: skipped {problem.path}: {problem.reason}", file=sys.stderr)
    if as_json:
        print(json.dumps([m.to_json() for m in listing.models], indent=2))
        return 0
    if not listing.models:
        print(
            f"No models in {store.models_dir}. Create one with bentoml.models.create(...) "
            "or pull one with `bentosync pull NAME`."
        )
        return 0
    now = datetime.now(timezone.utc)
    rows = [
        (
            str(m.tag),
            format_size(m.size_bytes),
            naturaltime(now - m.creation_time),
            format_labels(m.labels),
        )
        for m in listing.models
    ]
    print_table(("TAG", "SIZE", "CREATED", "LABELS"), rows)
    return 0
