"""The frozen app's first Python: ``bentosync`` as one executable, window and CLI alike.

Why ``freeze_support()`` comes first, before anything else is imported: a frozen
app has no ``python`` to start children with, so whatever ``multiprocessing``
spawns (a process pool, a library's worker) is this executable again, started
with ``--multiprocessing-fork``. PyInstaller's runtime hook makes
``freeze_support()`` recognise those arguments on every platform and run the
child's work instead of the CLI; without it the child would parse them as a
command and fail. The app's own transfers run on threads today, so nothing
spawns such a child yet; the call costs nothing and keeps the next one from
breaking only in the bundle. The embedded registry needs nothing of it: the
launcher starts ``<this executable> registry serve`` (``launcher.server_command``).
"""

from __future__ import annotations

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from bentosync.cli import main

    sys.exit(main())
