"""Keeping secrets out of text that is written down: log files, bug-report details.

Two nets. Patterns catch what looks like a secret wherever it comes from:
token headers and fields, bearer tokens, and the signature and credential
parts of presigned URLs (S3's ``X-Amz-*``, GCS's ``X-Goog-*``). Known values
catch what no pattern can: a server that quotes the token it refused in free
text. Every token the program holds is remembered here when it is loaded
(``Credentials`` and ``CloudTarget`` do it), in memory only, and replaced
wherever it appears.
"""

from __future__ import annotations

import re
import threading

MASK = "***"
_MIN_SECRET = 8  # shorter values would mask ordinary words

_PATTERNS = (
    re.compile(
        r"(?i)(x-yatai-api-token|authorization|api[_-]?token|api[_-]?key)(\W{1,4})"
        r"((?:bearer\s+)?)([^\s'\",&]+)"
    ),
    re.compile(r"(?i)(bearer\s+)([^\s'\",]+)"),
    re.compile(
        r"(?i)([?&](?:x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature"
        r"|x-goog-credential|signature|sig|token)=)([^&\s'\"]+)"
    ),
)

_lock = threading.Lock()
_known: set[str] = set()


def remember_secret(value: str) -> None:
    """From now on, ``redact`` masks ``value`` wherever it appears."""
    if len(value) >= _MIN_SECRET:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """``text`` with every known secret, token and URL signature replaced by ``***``."""
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}{m.group(3)}{MASK}", text)
    text = _PATTERNS[1].sub(lambda m: f"{m.group(1)}{MASK}", text)
    return _PATTERNS[2].sub(lambda m: f"{m.group(1)}{MASK}", text)
