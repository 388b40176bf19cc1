"""One home for the transfer defaults: the engine, the CLI, the API and the window agree."""

from __future__ import annotations

import inspect

from bentosync.application.jobs import JobId, JobSpec
from bentosync.application.settings import PART_SIZE, THREADS_PER_JOB
from bentosync.cli import build_parser
from bentosync.core.transfer.parts import DEFAULT_PART_SIZE, DEFAULT_THREADS
from bentosync.core.transfer.push import Pusher


def test_every_face_starts_from_the_engine_defaults():
    args = build_parser().parse_args(["push", "m:v1"])
    spec = JobSpec(JobId(1), "push", "m:v1")
    engine = inspect.signature(Pusher).parameters
    threads = {
        args.threads,
        spec.threads,
        THREADS_PER_JOB.default,
        engine["threads"].default,
    }
    part_sizes = {args.part_size, spec.part_size, PART_SIZE.default, engine["part_size"].default}
    assert threads == {DEFAULT_THREADS}
    assert part_sizes == {DEFAULT_PART_SIZE}
