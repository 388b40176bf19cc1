"""API tokens in the OS keyring, or in this process's memory only; never in a file.

One class, one lock, every backend failure re-raised as ``KeyringUnavailable``
(maestral's ``CredentialStorage``), so callers tell "the keyring cannot be used"
apart from "the token is wrong" and can show the message as is. There is no
plaintext fallback: when no keyring works, the caller may keep a token for the
session only, which is an explicit choice (``store_token(..., session_only=True)``).

The keyring is looked up on every call (``keyring.get_keyring()``) rather than
cached, so a test or the app can switch backends with ``keyring.set_keyring``.
Calls can block on an unlock prompt: never make them on the GUI thread.

keyring itself is imported on first use: it costs a start of ``bentosync``
about 60 ms (it scans entry points), which a command whose credentials come
from the environment, or that needs none, should not pay.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, ClassVar

from bentosync.core.cloud_errors import scrub
from bentosync.core.errors import BentoSyncError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

logger = logging.getLogger(__name__)

SERVICE = "bentosync"
# Backends that keep secrets in a readable (or self-keyed) file: never ours.
_PLAINTEXT_MODULES = ("keyrings.alt",)
_LOCKED_WORDS = ("locked", "denied", "dismissed", "not allowed", "cancel", "-128", "-25293")
_MISSING_WORDS = (
    "not available",
    "notavailable",
    "serviceunknown",
    "dbus_session_bus_address",
    "no such file",
    "failed to connect",
)


class KeyringUnavailable(BentoSyncError):
    """The system keyring cannot store or give back a token right now.

    ``reason`` is ``NO_BACKEND`` (no usable keyring on this system), ``LOCKED``
    (locked, or the user or OS refused access) or ``ERROR`` (anything else).
    """

    NO_BACKEND = "no-backend"
    LOCKED = "locked"
    ERROR = "error"

    def __init__(self, message: str, *, reason: str, backend: str = "") -> None:
        super().__init__(message)
        self.reason = reason
        self.backend = backend


def backend_label(backend: KeyringBackend) -> str:
    """A readable backend name, e.g. "SecretService Keyring" or "macOS Keyring"."""
    try:
        return str(backend.name)
    except Exception:
        return type(backend).__name__


def _is_plaintext(backend: KeyringBackend) -> bool:
    return type(backend).__module__.startswith(_PLAINTEXT_MODULES)


def no_backend_error(detail: str, backend: str = "") -> KeyringUnavailable:
    return KeyringUnavailable(
        f"No usable system keyring to keep the API token in ({detail}). Start a Secret "
        "Service such as gnome-keyring or KWallet (a desktop session normally runs one), "
        "or keep the token for this session only. For scripts and CI, set "
        "BENTO_CLOUD_API_KEY and BENTO_CLOUD_API_ENDPOINT instead.",
        reason=KeyringUnavailable.NO_BACKEND,
        backend=backend,
    )


def translate_keyring_error(
    exc: BaseException, action: str, backend: KeyringBackend, token: str | None = None
) -> KeyringUnavailable:
    """One ``KeyringUnavailable`` for any backend failure while doing ``action``."""
    import keyring.errors

    label = backend_label(backend)
    detail = scrub(str(exc) or type(exc).__name__, token)
    text = f"{type(exc).__name__} {detail}".lower()
    if isinstance(exc, keyring.errors.NoKeyringError) or any(w in text for w in _MISSING_WORDS):
        return no_backend_error(f"{label}: {detail}", label)
    if isinstance(exc, keyring.errors.KeyringLocked | keyring.errors.InitError) or any(
        w in text for w in _LOCKED_WORDS
    ):
        return KeyringUnavailable(
            f"The system keyring ({label}) is locked or refused access while {action}. "
            "Unlock it (for example by logging in to the desktop session, or in your "
            "keyring manager) and try again.",
            reason=KeyringUnavailable.LOCKED,
            backend=label,
        )
    return KeyringUnavailable(
        f"The system keyring ({label}) failed while {action}: {detail}",
        reason=KeyringUnavailable.ERROR,
        backend=label,
    )


class CredentialStorage:
    """Tokens per context name: service ``bentosync``, username = context name.

    Args:
        backend: a keyring backend to use instead of keyring's own choice
            (``keyring.get_keyring()``, which honours PYTHON_KEYRING_BACKEND).
        service: the keyring service name.
    """

    _lock: ClassVar[threading.RLock] = threading.RLock()
    # Process-wide, like the keyring itself: a session-only login made by the
    # login dialog must be visible to the transfer workers of the same process.
    _session_tokens: ClassVar[dict[tuple[str, str], str]] = {}

    def __init__(self, backend: KeyringBackend | None = None, service: str = SERVICE) -> None:
        self._backend = backend
        self.service = service

    def __repr__(self) -> str:
        return f"CredentialStorage(service={self.service!r})"

    @property
    def backend(self) -> KeyringBackend:
        if self._backend is not None:
            return self._backend
        import keyring

        return keyring.get_keyring()

    def check_backend(self) -> KeyringBackend:
        """The backend to use, or ``KeyringUnavailable(NO_BACKEND)`` when there is none.

        keyring's ``fail.Keyring`` means nothing was found; a plaintext file
        backend (keyrings.alt) counts as none too, because a token must not land
        in a file. A chainer is fine as long as it chains one real keyring.
        """
        from keyring.backends import fail

        backend = self.backend
        label = backend_label(backend)
        if isinstance(backend, fail.Keyring):
            raise no_backend_error("keyring found no backend on this system", label)
        chained = getattr(backend, "backends", None)
        members = list(chained) if isinstance(chained, list | tuple) else [backend]
        if not members or all(_is_plaintext(m) or isinstance(m, fail.Keyring) for m in members):
            raise no_backend_error(f"{label} would store the token in a plain file", label)
        return backend

    @property
    def is_available(self) -> bool:
        """Whether a real keyring is configured (it may still be locked)."""
        try:
            self.check_backend()
        except KeyringUnavailable:
            return False
        return True

    @property
    def description(self) -> str:
        return backend_label(self.backend)

    def _key(self, context: str) -> tuple[str, str]:
        return (self.service, context)

    def is_session_only(self, context: str) -> bool:
        with self._lock:
            return self._key(context) in self._session_tokens

    def load_token(self, context: str) -> str | None:
        """The token of ``context``: a session-only one first, then the keyring's."""
        with self._lock:
            session = self._session_tokens.get(self._key(context))
            if session is not None:
                return session
            backend = self.check_backend()
            try:
                token = backend.get_password(self.service, context)
            except Exception as exc:
                raise translate_keyring_error(
                    exc, f"reading the token of context {context!r}", backend
                ) from None
            return token or None

    def store_token(self, context: str, token: str, *, session_only: bool = False) -> None:
        """Keep ``token`` for ``context`` in the keyring, or in memory only.

        A keyring store replaces any session-only token of that context; a
        session-only store leaves the keyring untouched (and shadows it).
        """
        if not token:
            raise ValueError("refusing to store an empty token")
        with self._lock:
            if session_only:
                self._session_tokens[self._key(context)] = token
                logger.info("Token of context %r kept for this session only", context)
                return
            backend = self.check_backend()
            try:
                backend.set_password(self.service, context, token)
            except Exception as exc:
                raise translate_keyring_error(
                    exc, f"saving the token of context {context!r}", backend, token
                ) from None
            self._session_tokens.pop(self._key(context), None)
            logger.info("Token of context %r saved in %s", context, backend_label(backend))

    def delete_token(self, context: str) -> bool:
        """Forget the token of ``context`` everywhere; True if there was one."""
        with self._lock:
            removed = self._session_tokens.pop(self._key(context), None) is not None
            try:
                backend = self.check_backend()
            except KeyringUnavailable:
                if removed:  # a session-only login on a machine without a keyring
                    return True
                raise
            import keyring.errors

            try:
                backend.delete_password(self.service, context)
            except keyring.errors.PasswordDeleteError:
                return removed
            except Exception as exc:
                raise translate_keyring_error(
                    exc, f"deleting the token of context {context!r}", backend
                ) from None
            return True

    @classmethod
    def forget_session_tokens(cls) -> None:
        """Drop every session-only token (on quit, and between tests)."""
        with cls._lock:
            cls._session_tokens.clear()
