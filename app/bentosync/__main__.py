"""``python -m bentosync``: the same as the ``bentosync`` command."""

from __future__ import annotations

import sys

from bentosync.cli import main

sys.exit(main())
