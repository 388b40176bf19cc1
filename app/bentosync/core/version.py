"""The version of BentoSync, in the one place everything reads it from.

Why here and not in the package root: the cloud client sends it in its
User-Agent, and ``core`` imports nothing above itself, so the package root
could not be its home without an arrow pointing up (and a cycle, since the
root imports ``core``). ``pyproject.toml`` reads it from here too.
"""

from __future__ import annotations

__version__ = "0.1.0"
