"""Run one command; write its wall seconds and peak RSS (bytes) to a file as JSON.

On Linux a child's ``ru_maxrss`` starts at the resident size of the process
that spawned it: ``exec`` keeps the high-water mark of the memory it replaces,
and ``subprocess`` spawns with ``vfork``, so that memory is the spawner's own.
Spawned from a pytest process that earlier benches grew to 300 MiB, every
client would seem to peak at 300 MiB. This launcher is a few MiB, so the figure
it reports is the client's.

Usage: python peak.py RESULT.json COMMAND [ARG ...]; exits with the command's code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> int:
    result, argv = sys.argv[1], sys.argv[2:]
    started = time.monotonic()
    proc = subprocess.Popen(argv)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    with open(result, "w", encoding="utf-8") as out:
        json.dump({"seconds": seconds, "peak_rss": usage.ru_maxrss * 1024}, out)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
