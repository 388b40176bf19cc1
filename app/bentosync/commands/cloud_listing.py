"""``bentosync list --cloud`` and ``bentosync list``: the cloud side and both sides."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import textwrap
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import humanize

from bentosync.application.formatting import format_labels, format_size
from bentosync.commands.cloud_options import open_cloud_session
from bentosync.commands.output import can_encode
from bentosync.commands.table import print_table
from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import FileEntry
from bentosync.core.hashcache import HashCache
from bentosync.core.manifest import scan_files
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncEntry, compute_sync_states

logger = logging.getLogger(__name__)

# Bigger pages than the GUI's: a script wants all of them, and fewer requests
# mean fewer index walks to the page's offset on the server.
CLI_PAGE_SIZE = 500


def cloud_json(model: CloudModel) -> dict[str, Any]:
    """The ``list --json`` record of a cloud version (DESIGN.md contract)."""
    return {
        "tag": model.tag,
        "name": model.name,
        "version": model.version,
        "size_bytes": model.size_bytes,
        "build_at": model.build_at.isoformat() if model.build_at else None,
        "upload_status": model.upload_status,
        "labels": dict(model.labels),
        "checksums": model.checksums is not None,
        "huggingface": model.is_huggingface,
    }


def entry_json(entry: SyncEntry) -> dict[str, Any]:
    """One tag of the two-sided listing: both records merged, plus the verdict."""
    item: dict[str, Any] = {"tag": entry.tag, "name": entry.name, "version": entry.version}
    if entry.cloud is not None:
        item.update(cloud_json(entry.cloud))
    if entry.local is not None:
        item.update(entry.local.to_json())  # local size and labels win: they are on disk
    item.update(
        local=entry.local is not None,
        cloud=entry.cloud is not None,
        state=entry.state.value,
        verified=entry.verified,
        reason=entry.reason,
    )
    return item


def cached_file_lists(
    local_models: Iterable[LocalModel], cloud_tags: set[str], cache: HashCache
) -> dict[str, list[FileEntry]]:
    """File lists of local models whose every file is in the hash cache.

    A listing must not read gigabytes; where a hash is missing, the comparison
    falls back to size and file count, and ``verify`` does the full check.
    """
    lists: dict[str, list[FileEntry]] = {}
    for model in local_models:
        if str(model.tag) not in cloud_tags:
            continue
        entries = []
        for local_file in scan_files(model.path):
            digest = cache.get(local_file)
            if digest is None:
                break
            entries.append(FileEntry(local_file.path, local_file.size, digest))
        else:
            lists[str(model.tag)] = sorted(entries)
    return lists


def list_cloud_or_both(args: argparse.Namespace, *, cloud_only: bool, as_json: bool) -> int:
    with open_cloud_session(args) as session:
        if cloud_only:
            pages = session.client.iter_model_pages(page_size=CLI_PAGE_SIZE)
            _stream_cloud((page.items for page in pages), as_json)
            return 0
        # Both sides: every cloud version is needed for the "cloud only" verdicts.
        clouds = list(session.client.iter_all_models(page_size=CLI_PAGE_SIZE))
        listing = session.store.list()
        for problem in listing.problems:
            print(f"bentosync: skipped {problem.path}: {problem.reason}", file=sys.stderr)
        file_lists = cached_file_lists(listing.models, {c.tag for c in clouds}, session.hash_cache)
        entries = sorted(
            compute_sync_states(listing.models, clouds, file_lists).values(), key=lambda e: e.tag
        )
        endpoint = session.client.endpoint
    if as_json:
        print(json.dumps([entry_json(e) for e in entries], indent=2))
        return 0
    if not entries:
        print(f"No models here or on {endpoint}.")
        return 0
    verified_mark = " ✓" if can_encode(sys.stdout, "✓") else " (verified)"
    rows = [
        (
            e.tag,
            e.state.label + (verified_mark if e.verified else ""),
            format_size(e.local.size_bytes if e.local else e.cloud.size_bytes if e.cloud else 0),
            format_labels(e.local.labels if e.local else e.cloud.labels if e.cloud else {}),
        )
        for e in entries
    ]
    print_table(("TAG", "STATE", "SIZE", "LABELS"), rows)
    return 0


def _stream_cloud(pages: Iterable[Sequence[CloudModel]], as_json: bool) -> None:
    """Print each page as it arrives, in the server's order (newest first).

    A registry of 100,000 versions is a thousand requests: the first rows show
    at once and memory holds one page, not the whole registry. JSON comes out
    exactly as ``json.dumps(list, indent=2)`` would print it; the table's
    columns are as wide as the first page needs (a wider cell later overflows
    its column rather than holding everything back).
    """
    out = sys.stdout
    now = datetime.now(timezone.utc)
    widths: list[int] | None = None
    count = 0
    for page in pages:
        for model in page:
            if as_json:
                item = textwrap.indent(json.dumps(cloud_json(model), indent=2), "  ")
                out.write(("[\n" if count == 0 else ",\n") + item)
            count += 1
        if not as_json and page:
            rows = [_cloud_row(model, now) for model in page]
            if widths is None:
                widths = _widths([CLOUD_HEADER, *rows])
                _write_rows([CLOUD_HEADER], widths)
            _write_rows(rows, widths)
        out.flush()
    if as_json:
        out.write("\n]\n" if count else "[]\n")
    elif not count:
        out.write("No models in the cloud registry yet. Push one with `bentosync push NAME`.\n")
    logger.debug("Listed %d cloud versions", count)


CLOUD_HEADER = ("TAG", "SIZE", "BUILT", "STATUS", "LABELS")


def _cloud_row(model: CloudModel, now: datetime) -> tuple[str, ...]:
    return (
        model.tag,
        format_size(model.size_bytes),
        humanize.naturaltime(now - model.build_at) if model.build_at else "",
        model.upload_status,
        format_labels(model.labels),
    )


def _widths(rows: Sequence[Sequence[str]]) -> list[int]:
    return [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]


def _write_rows(rows: Iterable[Sequence[str]], widths: Sequence[int]) -> None:
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        sys.stdout.write("  ".join(cells).rstrip() + "\n")
