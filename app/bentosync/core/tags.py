"""Tag rules exactly as BentoML has them (PROTOCOL.md 8.3), minus its quirks.

BentoML checks names and versions with ``re.match`` and a ``$`` anchor, so a
trailing newline slips through; we use ``fullmatch`` so such a tag is refused
here instead of producing a directory BentoML cannot find again.
"""

from __future__ import annotations

import base64
import logging
import re
import uuid
from dataclasses import dataclass

from bentosync.core.errors import InvalidTag

logger = logging.getLogger(__name__)

MAX_PART_LENGTH = 63
LATEST = "latest"
_PART_RE = re.compile(r"[a-z0-9]([-._a-z0-9]*[a-z0-9])?")


def validate_part(value: str, what: str = "name") -> str:
    """Return ``value`` lowercased if it is a valid tag name or version.

    Uppercase input is accepted and lowercased, as BentoML does (with a log line
    instead of a warning to the user, since the result is unambiguous).
    """
    if not isinstance(value, str) or value == "":
        raise InvalidTag(f"The model {what} is empty.")
    lowered = value.lower()
    if lowered != value:
        logger.info("Model %s %r lowercased to %r", what, value, lowered)
    if len(lowered) > MAX_PART_LENGTH:
        raise InvalidTag(
            f"The model {what} {value!r} is {len(lowered)} characters long; "
            f"BentoML allows at most {MAX_PART_LENGTH}."
        )
    if not _PART_RE.fullmatch(lowered):
        raise InvalidTag(
            f"The model {what} {value!r} is not valid: use lowercase letters, digits, "
            "'-', '_' and '.', starting and ending with a letter or digit."
        )
    return lowered


@dataclass(frozen=True, order=True)
class Tag:
    """A model tag: a name and, unless it means "latest", a version."""

    name: str
    version: str | None = None

    @classmethod
    def parse(cls, text: str) -> Tag:
        """Parse ``name`` or ``name:version``; ``name:latest`` means no version."""
        if not isinstance(text, str) or not text:
            raise InvalidTag("A model tag is required, e.g. 'my_model' or 'my_model:v1'.")
        name, sep, version = text.partition(":")
        if sep and not version:
            raise InvalidTag(
                f"The tag {text!r} ends with ':'; give a version after it or leave the ':' out."
            )
        name = validate_part(name, "name")
        if not sep or version.lower() == LATEST:
            return cls(name, None)
        return cls(name, validate_part(version, "version"))

    @classmethod
    def of(cls, name: str, version: str) -> Tag:
        """A fully specified tag, as stored on disk or in the registry."""
        tag = cls(validate_part(name, "name"), validate_stored_version(version))
        return tag

    @property
    def is_latest(self) -> bool:
        return self.version is None

    def __str__(self) -> str:
        return f"{self.name}:{self.version or LATEST}"


def validate_stored_version(version: str) -> str:
    """A version that can name a folder or a registry record: never ``latest``."""
    checked = validate_part(version, "version")
    if checked == LATEST:
        raise InvalidTag(
            "'latest' cannot be used as a model version: it names the newest version "
            "and the store's own 'latest' file."
        )
    return checked


def make_new_version() -> str:
    """A new version string made the way BentoML makes them.

    bentoml keeps bytes 0-6 (time_low, time_mid) and 8-12 (clock_seq and two node
    bytes) of a uuid1 and base32-encodes them: 16 characters of ``[a-z2-7]``.
    """
    raw = uuid.uuid1().bytes
    return base64.b32encode(raw[:6] + raw[8:12]).decode("ascii").lower()
