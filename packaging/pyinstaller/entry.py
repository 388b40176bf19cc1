"""The frozen app's first Python: ``bentosync`` as one executable, window and CLI alike.

Why ``freeze_support()`` comes first, before anything else is imported: the
window runs each transfer in a child spawned with ``multiprocessing``, and a
frozen app has no ``python`` to spawn, so the child is this executable started
with ``--multiprocessing-fork``. PyInstaller's runtime hook makes
``freeze_support()`` recognise those arguments on every platform and run the
child's work instead of the CLI; without it the child would parse them as a
command and fail. Nothing else is needed for the embedded registry: the
launcher starts ``<this executable> registry serve`` (``launcher.server_command``).
"""

from __future__ import annotations

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from bentosync.cli import main

    sys.exit(main())
