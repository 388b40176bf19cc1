"""``bentosync list --cloud`` and ``bentosync list``: the cloud side and both sides."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any

import humanize

from bentosync.commands.cloud_options import open_cloud_session
from bentosync.commands.listing import format_labels, print_table
from bentosync.core.cloud_records import CloudModel
from bentosync.core.filelist import FileEntry
from bentosync.core.hashcache import HashCache
from bentosync.core.manifest import scan_files
from bentosync.core.store import LocalModel
from bentosync.core.sync_state import SyncEntry, compute_sync_states

logger = logging.getLogger(__name__)


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
        clouds = list(session.client.iter_all_models())
        if cloud_only:
            _print_cloud(clouds, as_json)
            return 0
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
    rows = [
        (
            e.tag,
            e.state.label + (" ✓" if e.verified else ""),
            _size(e.local.size_bytes if e.local else e.cloud.size_bytes if e.cloud else 0),
            format_labels(e.local.labels if e.local else e.cloud.labels if e.cloud else {}),
        )
        for e in entries
    ]
    print_table(("TAG", "STATE", "SIZE", "LABELS"), rows)
    return 0


def _print_cloud(clouds: Sequence[CloudModel], as_json: bool) -> None:
    if as_json:
        print(json.dumps([cloud_json(m) for m in clouds], indent=2))
        return
    if not clouds:
        print("No models in the cloud registry yet. Push one with `bentosync push NAME`.")
        return
    now = datetime.now(timezone.utc)
    rows = [
        (
            m.tag,
            _size(m.size_bytes),
            humanize.naturaltime(now - m.build_at) if m.build_at else "",
            m.upload_status,
            format_labels(m.labels),
        )
        for m in sorted(clouds, key=lambda m: m.tag)
    ]
    print_table(("TAG", "SIZE", "BUILT", "STATUS", "LABELS"), rows)


def _size(n: int) -> str:
    return humanize.naturalsize(n, binary=True)
