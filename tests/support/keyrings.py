"""Keyring backends for tests: in memory, locked, broken, plaintext, absent.

The suite must never touch the user's real keyring (STYLE.md: mock D-Bus and
keyring or CI hangs), so credential tests install one of these with
``keyring.set_keyring`` through ``use_keyring``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail

from bentosync.core.keyring_store import CredentialStorage


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything when the test ends."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.items:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.items[(service, username)]


class RaisingKeyring(KeyringBackend):
    """Every call raises ``exc`` (a locked collection, a broken D-Bus...)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, exc: BaseException) -> None:
        super().__init__()
        self.exc = exc

    def get_password(self, service: str, username: str) -> str | None:
        raise self.exc

    def set_password(self, service: str, username: str, password: str) -> None:
        raise self.exc

    def delete_password(self, service: str, username: str) -> None:
        raise self.exc


class FakePlaintextKeyring(MemoryKeyring):
    """Looks like keyrings.alt's plaintext file backend, which we must refuse."""


FakePlaintextKeyring.__module__ = "keyrings.alt.file"


def no_keyring() -> KeyringBackend:
    """What keyring picks when the system has no backend at all."""
    return fail.Keyring()


@contextlib.contextmanager
def use_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)
        CredentialStorage.forget_session_tokens()
