"""Part planning within S3's limits, for archives from 1 byte to 2 TB and beyond."""

from __future__ import annotations

import itertools

import pytest

from bentosync.core.errors import BentoSyncError
from bentosync.core.transfer.parts import (
    DEFAULT_PART_SIZE,
    MAX_ARCHIVE_SIZE,
    MAX_PART_SIZE,
    MAX_PARTS,
    MIN_PART_SIZE,
    GiB,
    MiB,
    fits_single_put,
    plan_parts,
)

TB = 1000**4
SIZES = [
    1,
    MIN_PART_SIZE - 1,
    MIN_PART_SIZE,
    DEFAULT_PART_SIZE,
    DEFAULT_PART_SIZE + 1,
    5 * GiB,
    5 * GiB + 1,
    100 * GiB,
    976 * GiB,
    MAX_PARTS * DEFAULT_PART_SIZE,
    MAX_PARTS * DEFAULT_PART_SIZE + 1,
    1 * TB,
    1234567890123,
    2 * TB,
    2 * 1024**4,
    MAX_ARCHIVE_SIZE,
]


def assert_within_s3_limits(total: int, requested: int) -> None:
    plan = plan_parts(total, requested)
    assert 1 <= plan.count <= MAX_PARTS
    assert MIN_PART_SIZE <= plan.part_size <= MAX_PART_SIZE
    spans = [plan.span(n) for n in range(1, plan.count + 1)]
    assert spans[0][0] == 0 and spans[-1][1] == total
    for (_, end), (start, _) in itertools.pairwise(spans):
        assert end == start  # contiguous, no byte twice or never
    sizes = [end - start for start, end in spans]
    assert all(size >= MIN_PART_SIZE for size in sizes[:-1])  # all but the last
    assert all(0 < size <= MAX_PART_SIZE for size in sizes)


@pytest.mark.parametrize("total", SIZES)
@pytest.mark.parametrize("requested", [MIN_PART_SIZE, DEFAULT_PART_SIZE, MAX_PART_SIZE])
def test_every_plan_holds_s3s_limits(total, requested):
    assert_within_s3_limits(total, requested)


def test_a_sweep_from_one_byte_to_two_terabytes():
    total = 1
    while total <= 2 * TB:
        assert_within_s3_limits(total, DEFAULT_PART_SIZE)
        assert_within_s3_limits(total - 1 or 1, MIN_PART_SIZE)
        total = total * 3 + 7


def test_the_requested_size_is_kept_while_it_fits():
    plan = plan_parts(210 * MiB, DEFAULT_PART_SIZE)
    assert plan.part_size == DEFAULT_PART_SIZE and plan.count == 3  # as the official client


def test_a_two_terabyte_model_gets_larger_parts():
    plan = plan_parts(2 * TB, DEFAULT_PART_SIZE)
    assert plan.part_size > DEFAULT_PART_SIZE and plan.part_size % MiB == 0
    assert plan.count <= MAX_PARTS
    # The smallest whole MiB that fits: one MiB less would need too many parts.
    assert -(-2 * TB // (plan.part_size - MiB)) > MAX_PARTS


@pytest.mark.parametrize("requested", [MIN_PART_SIZE - 1, 0, MAX_PART_SIZE + 1])
def test_part_sizes_storage_refuses_are_refused_up_front(requested):
    with pytest.raises(BentoSyncError, match="--part-size"):
        plan_parts(10, requested)


def test_an_archive_beyond_what_s3_holds_is_refused():
    with pytest.raises(BentoSyncError, match="10,000 parts of 5 GiB"):
        plan_parts(MAX_ARCHIVE_SIZE + 1)


def test_a_single_put_holds_at_most_five_gib():
    assert fits_single_put(5 * GiB) and not fits_single_put(5 * GiB + 1)
