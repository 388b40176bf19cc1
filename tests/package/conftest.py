"""Fixtures for the frozen-app tests; they live in ``support.frozen``."""

from __future__ import annotations

from support.frozen import frozen, frozen_registry, tarball, user  # noqa: F401  (fixtures)
