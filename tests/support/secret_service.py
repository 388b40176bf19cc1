"""The real Secret Service (gnome-keyring over a private D-Bus) for ``keyring`` tests.

``make test`` runs pytest inside ``.ci/with-session-bus.sh``, a private session
bus with an unlocked gnome-keyring, so the user's own keyring is never touched.
Outside it the fixture skips, and under CI it fails: a keyring test that
silently did not run would prove nothing.
"""

from __future__ import annotations

import os

import pytest

SERVICE = "bentosync"
BACKEND = "keyring.backends.SecretService.Keyring"
HOW = (
    "run it under .ci/with-session-bus.sh, e.g. "
    "`bash .ci/with-session-bus.sh .venv/bin/python -m pytest -m keyring` (or `make test`)"
)


def _unusable_reason() -> str | None:
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        return "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)"
    if not os.environ.get("BENTOSYNC_IN_SESSION_BUS"):
        # A desktop session has a bus too, but its keyring is the user's own.
        return "not inside the private session of .ci/with-session-bus.sh"
    return None


@pytest.fixture
def secret_service():
    """keyring's SecretService backend, checked to answer; skip (or fail in CI) if not."""
    reason = _unusable_reason()
    if reason:
        message = f"The Secret Service test cannot run: {reason}; {HOW}."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        backend.get_password(SERVICE, "probe")
    except Exception as exc:
        message = f"The Secret Service does not answer ({type(exc).__name__}: {exc}); {HOW}."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return backend


__all__ = ["BACKEND", "SERVICE", "secret_service"]
