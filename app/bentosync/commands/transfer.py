"""``bentosync push``, ``pull`` and ``verify``: the application's jobs with a terminal face.

Each command builds a ``JobSpec`` and runs it with ``application.jobs.perform``,
the same definition of a job the window's Transfers panel runs, and shows its
progress with a ``ProgressView``. Defaults (threads, part size) come from the
engine's one home (``core.transfer.parts``), so the CLI, the API and the window
start from the same numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import re
import sys
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from bentosync.commands.cloud_options import add_cloud_options, open_cloud_session
from bentosync.commands.output import IntegrityFailure, print_json
from bentosync.core.transfer.parts import DEFAULT_PART_SIZE, DEFAULT_THREADS

if TYPE_CHECKING:
    from bentosync.application.jobs import JobOutcome, JobSpec
    from bentosync.core.session import Session
    from bentosync.core.transfer.progress import TransferProgress

logger = logging.getLogger(__name__)

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "kib": 1024,
    "m": 1000**2,
    "mb": 1000**2,
    "mib": 1024**2,
    "g": 1000**3,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_size(text: str) -> int:
    """``104857600``, ``100MiB``, ``64MB`` → bytes (argparse type)."""
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    unit = match.group(2).lower() if match else None
    if match is None or unit not in _UNITS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size; use bytes or a unit such as 64MiB or 1GiB"
        )
    return int(match.group(1)) * _UNITS[unit]


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    push = subparsers.add_parser("push", help="upload a local model to the cloud")
    push.add_argument("tag", metavar="TAG", help="name, name:version or name:latest")
    push.add_argument("-f", "--force", action="store_true", help="push even if it is there")
    push.add_argument(
        "-t",
        "--threads",
        type=positive_int,
        default=DEFAULT_THREADS,
        help=f"parallel parts (default {DEFAULT_THREADS})",
    )
    push.add_argument(
        "--part-size",
        type=parse_size,
        default=DEFAULT_PART_SIZE,
        metavar="BYTES",
        help="multipart part size (default 100MiB; larger when a model needs more than "
        "10,000 parts)",
    )
    push.add_argument(
        "--recreate",
        action="store_true",
        help="delete the cloud version first, then push it again: for a cloud record made "
        "for other files, which a push never changes by itself. Bentos and deployments "
        "that use the version lose it",
    )
    add_json_option(push)
    add_cloud_options(push)
    push.set_defaults(handler=_run_push)

    pull = subparsers.add_parser("pull", help="download a cloud model into the local store")
    pull.add_argument("tag", metavar="TAG", help="name (newest), name:latest or name:version")
    pull.add_argument("-f", "--force", action="store_true", help="replace the local copy")
    add_json_option(pull)
    add_cloud_options(pull)
    pull.set_defaults(handler=_run_pull)

    verify = subparsers.add_parser(
        "verify", help="re-hash a local model against the cloud's file list"
    )
    verify.add_argument("tag", metavar="TAG")
    add_json_option(verify)
    add_cloud_options(verify)
    verify.set_defaults(handler=_run_verify)


def add_json_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object on stdout: the result, or an error with its kind "
        "(auth, not_found, network, integrity, usage, cancelled, failure)",
    )


def _progress_view(
    args: argparse.Namespace, progress: TransferProgress
) -> AbstractContextManager[Any]:
    """The terminal progress, unless ``-q`` asked for errors only."""
    if getattr(args, "quiet", False):
        return contextlib.nullcontext()
    from bentosync.commands.progress_view import ProgressView

    return ProgressView(progress)


def _perform(args: argparse.Namespace, spec: JobSpec) -> tuple[JobOutcome, str]:
    """Run one pull or verify job with its terminal progress; its outcome and the endpoint."""
    from bentosync.application.jobs import perform
    from bentosync.core.transfer.progress import TransferProgress

    progress = TransferProgress(spec.kind, spec.tag)
    with open_cloud_session(args) as session:
        with _progress_view(args, progress):
            outcome = perform(session, spec, progress)
        return outcome, session.client.endpoint


def _report(args: argparse.Namespace, message: str, result: dict[str, Any]) -> None:
    """The outcome: a sentence for a person, or with ``--json`` the result object."""
    if args.json:
        print_json({"ok": True, **result, "message": message})
    elif not getattr(args, "quiet", False):
        print(message)


def _run_push(args: argparse.Namespace) -> int:
    from bentosync.core.gc_pause import bulk_work

    with bulk_work():  # from the first hash on, not only from ``perform``'s start
        return _push(args)


def _push(args: argparse.Namespace) -> int:
    # Hashing first, before the cloud client loads: see core.transfer.prehash.
    from bentosync.core.hashcache import HashCache
    from bentosync.core.transfer.prehash import start_prehash

    cache = HashCache()
    prehash = start_prehash(args.tag, cache)
    try:
        from bentosync.application.jobs import KIND_PUSH, JobId, JobSpec, perform
        from bentosync.core.transfer.progress import TransferProgress
        from bentosync.core.transfer.push import PushResult

        spec = JobSpec(JobId(0), KIND_PUSH, args.tag, args.force, args.threads, args.part_size)
        progress = TransferProgress(spec.kind, spec.tag)
        with open_cloud_session(args, hash_cache=cache) as session:
            if args.recreate:
                _delete_to_recreate(session, args.tag)
            with _progress_view(args, progress):
                outcome = perform(session, spec, progress, prehash=prehash)
            endpoint = session.client.endpoint
    finally:
        if prehash is not None:
            prehash.stop()  # the push stops it; this covers a push that never began
        cache.close()
    result = outcome.result
    assert isinstance(result, PushResult)
    _report(
        args,
        outcome.message,
        {
            "command": "push",
            "tag": str(result.tag),
            "endpoint": endpoint,
            "skipped": result.skipped,
            "verified": result.verified,
            "strategy": result.strategy,
        },
    )
    return 0


def _delete_to_recreate(session: Session, tag: str) -> None:
    """``push --recreate``: the user's explicit request to delete the cloud version first."""
    from bentosync.core.cloud_errors import NotFound

    model = session.store.get(tag)
    name, version = model.name, model.version
    try:
        session.client.get_model(name, version)
    except NotFound:
        print(
            f"{model.tag} is not on {session.client.endpoint}; nothing to delete.", file=sys.stderr
        )
        return
    session.client.delete_model(name, version)
    logger.info("Deleted %s from %s to push it again", model.tag, session.client.endpoint)
    print(f"Deleted {model.tag} from {session.client.endpoint}; pushing it again.", file=sys.stderr)


def _run_pull(args: argparse.Namespace) -> int:
    from bentosync.application.jobs import KIND_PULL, JobId, JobSpec
    from bentosync.core.transfer.pull import PullResult

    outcome, endpoint = _perform(args, JobSpec(JobId(0), KIND_PULL, args.tag, args.force))
    result = outcome.result
    assert isinstance(result, PullResult)
    model = result.model
    _report(
        args,
        outcome.message,
        {
            "command": "pull",
            "tag": str(result.tag),
            "endpoint": endpoint,
            "skipped": result.skipped,
            "verified": result.verified,
            "path": str(model.path) if model is not None else None,
            "size_bytes": model.size_bytes if model is not None else 0,
            "file_count": model.file_count if model is not None else 0,
        },
    )
    return 0


def _run_verify(args: argparse.Namespace) -> int:
    from bentosync.application.jobs import KIND_VERIFY, JobId, JobSpec
    from bentosync.core.transfer.verify import VerifyResult

    outcome, endpoint = _perform(args, JobSpec(JobId(0), KIND_VERIFY, args.tag))
    result = outcome.result
    assert isinstance(result, VerifyResult)
    details = {
        "command": "verify",
        "tag": str(result.tag),
        "endpoint": endpoint,
        "verified_files": len(result.verified),
        "mismatched": result.mismatched,
        "missing": result.missing,
        "extra": result.extra,
        "whole": result.whole,
    }
    if not result.ok:
        for path in result.mismatched:
            print(f"differs: {path}", file=sys.stderr)
        for path in result.missing:
            print(f"missing locally: {path}", file=sys.stderr)
        for path in result.extra:
            print(f"not in the cloud: {path}", file=sys.stderr)
        if result.whole:
            print(f"differs as a whole: {result.whole}", file=sys.stderr)
        raise IntegrityFailure(f"{result.tag} does not match the cloud copy.", details)
    _report(args, outcome.message, details)
    return 0
