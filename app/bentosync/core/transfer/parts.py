"""How an archive is cut for S3-compatible object storage, within S3's limits.

BentoCloud's presigned URLs point at S3-compatible storage (S3, GCS in S3
mode, MinIO; PROTOCOL.md 12), so every multipart plan must hold S3's rules:
at most 10,000 parts, every part but the last at least 5 MiB, no part above
5 GiB, and a single PUT of at most 5 GiB (``EntityTooLarge``). The official
client's fixed 100 MiB parts break the first rule above 976 GiB; here the part
size grows with the archive instead, so a 2 TB model still fits.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from bentosync.core.errors import BentoSyncError

logger = logging.getLogger(__name__)

MiB = 1024 * 1024
GiB = 1024 * MiB
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * MiB  # every part but the last
MAX_PART_SIZE = 5 * GiB
MAX_SINGLE_PUT = 5 * GiB
DEFAULT_PART_SIZE = 100 * MiB  # the official client's FILE_CHUNK_SIZE
# Parts in flight at once per push: the one default of the engine, the CLI's
# --threads, the Python API and the window's setting (application.settings).
DEFAULT_THREADS = 10
# The largest archive S3 can hold as one multipart object: 10,000 parts of 5 GiB.
MAX_ARCHIVE_SIZE = MAX_PARTS * MAX_PART_SIZE


@dataclass(frozen=True)
class PartPlan:
    """``count`` parts of ``part_size`` bytes (the last one shorter) for ``total`` bytes."""

    total: int
    part_size: int
    count: int

    def span(self, number: int) -> tuple[int, int]:
        """Byte range ``[start, end)`` of 1-based part ``number``."""
        start = (number - 1) * self.part_size
        return start, min(self.total, start + self.part_size)


def check_part_size(requested: int) -> None:
    """Refuse a requested part size that no S3-compatible store accepts."""
    if requested < MIN_PART_SIZE:
        raise BentoSyncError(
            f"--part-size must be at least {MIN_PART_SIZE} bytes (5 MiB), "
            "the smallest part object stores accept."
        )
    if requested > MAX_PART_SIZE:
        raise BentoSyncError(
            f"--part-size must be at most {MAX_PART_SIZE} bytes (5 GiB), "
            "the largest part object stores accept."
        )


def plan_parts(total: int, requested: int = DEFAULT_PART_SIZE) -> PartPlan:
    """The parts for an archive of ``total`` bytes, as close to ``requested`` as S3 allows.

    The requested size is kept unless it would need more than 10,000 parts;
    then the smallest whole number of MiB that fits is used instead.
    """
    check_part_size(requested)
    if total > MAX_ARCHIVE_SIZE:
        raise BentoSyncError(
            f"The archive is {total} bytes; S3-compatible storage holds at most "
            f"{MAX_ARCHIVE_SIZE} bytes (10,000 parts of 5 GiB) in one object."
        )
    part_size = requested
    if math.ceil(total / part_size) > MAX_PARTS:
        part_size = math.ceil(total / MAX_PARTS / MiB) * MiB
        logger.info(
            "Parts of %d bytes would be more than %d; using %d-byte parts",
            requested,
            MAX_PARTS,
            part_size,
        )
    count = max(1, math.ceil(total / part_size))
    return PartPlan(total, part_size, count)


def fits_single_put(total: int) -> bool:
    """Whether S3 takes the whole archive in one PUT (else ``EntityTooLarge``)."""
    return total <= MAX_SINGLE_PUT
