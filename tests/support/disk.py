"""What the disk under a benchmark is, where that changes what a benchmark measures."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def ext4_without_journal(path: Path) -> str | None:
    """The device ``path`` is on when that is ext4 mounted without a journal, else None.

    Such a filesystem skips, when it allocates an inode, every inode freed in the
    last minutes (ext4's ``recently_deleted``, checked only without a journal),
    one lookup each. Right after tens of thousands of files were deleted, as a
    benchmark does between runs and the official client does with its temp
    folder, creating a file took 400-750 µs on the benchmark VM instead of 13 µs
    (``perf``: ``find_inode_bit`` -> ``recently_deleted``): a pull's time then
    depends on what ran in the minutes before it. A journaled ext4 (the default
    of every distribution) and other filesystems do not do this.
    """
    if not sys.platform.startswith("linux"):
        return None
    device = os.stat(path).st_dev
    wanted = f"{os.major(device)}:{os.minor(device)}"
    try:
        mounts = Path("/proc/self/mountinfo").read_text().splitlines()
        journals = os.listdir("/proc/fs/jbd2") if os.path.isdir("/proc/fs/jbd2") else []
    except OSError:
        return None
    for line in mounts:
        fields = line.split()
        if len(fields) < 3 or fields[2] != wanted or "-" not in fields:
            continue
        after = fields[fields.index("-") + 1 :]
        if len(after) < 2 or after[0] != "ext4":
            return None
        source = after[1]
        name = os.path.basename(source)
        return None if any(j.startswith(name + "-") for j in journals) else source
    return None
