"""The official client's contexts file, ``$BENTOML_HOME/.yatai.yaml``, read only.

Two things read it: ``login --import-yatai`` (which copies its tokens into the
keyring) and credential resolution (which uses one of its contexts when
BentoSync has no login of its own). Both import this module and neither
imports the other, so the file is parsed in one way and the credential code
stays free of an import cycle.

The official client *creates* the file when it reads a missing or empty one
(PROTOCOL.md 1.1); this module only ever opens it for reading and never
creates, rewrites or chmods it: the user may still run ``bentoml`` with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bentosync.core.cloud_http import normalize_endpoint
from bentosync.core.errors import BentoSyncError
from bentosync.core.store import bentoml_home

logger = logging.getLogger(__name__)

__all__ = [
    "YATAI_FILE",
    "YataiConfig",
    "YataiContext",
    "read_yatai_config",
    "yatai_config_path",
]

YATAI_FILE = ".yatai.yaml"
# The official client's default when the key is missing (cloud/config.py).
DEFAULT_CURRENT = "default"


def yatai_config_path() -> Path:
    """Where the official client keeps its contexts: ``$BENTOML_HOME/.yatai.yaml``."""
    return bentoml_home() / YATAI_FILE


@dataclass(frozen=True)
class YataiContext:
    """One usable context of the file; the token is left out of ``repr``."""

    name: str
    endpoint: str
    api_token: str = field(repr=False)
    email: str = ""


@dataclass
class YataiConfig:
    """What the file holds: usable contexts in file order, and why others were skipped.

    ``skipped`` pairs a label (the context's name, or ``#N`` when it has none)
    with the reason; it never holds a token.
    """

    path: Path
    contexts: dict[str, YataiContext] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    current_context_name: str = DEFAULT_CURRENT

    def get(self, name: str) -> YataiContext | None:
        return self.contexts.get(name)

    @property
    def current(self) -> YataiContext | None:
        return self.contexts.get(self.current_context_name)


def _load_yaml(path: Path) -> object:
    try:
        with path.open("r", encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        # The parser's own message quotes the offending line, which may be a token.
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark is not None else ""
        raise BentoSyncError(f"{path} is not valid YAML{where}.") from None
    except UnicodeDecodeError:
        raise BentoSyncError(f"{path} is not UTF-8 text.") from None


def _parse_context(index: int, item: object) -> tuple[str, YataiContext | str]:
    """(label, the context) or (label, why it cannot be used)."""
    if not isinstance(item, dict):
        return f"#{index + 1}", "not a mapping"
    name = item.get("name")
    label = name if isinstance(name, str) and name else f"#{index + 1}"
    if not isinstance(name, str) or not name or name.startswith("__"):
        # "__env__" is the official client's name for the environment, never a saved one.
        return label, "no usable name"
    token, endpoint = item.get("api_token"), item.get("endpoint")
    if not isinstance(token, str) or not token.strip() or not isinstance(endpoint, str):
        return label, "no api_token or endpoint"
    try:
        endpoint = normalize_endpoint(endpoint)
    except BentoSyncError as exc:
        return label, str(exc)
    return label, YataiContext(name, endpoint, token, str(item.get("email") or ""))


def read_yatai_config(path: Path | None = None) -> YataiConfig | None:
    """The parsed file, or None when it does not exist (nothing is created).

    An empty file reads as a config without contexts, as the official client
    treats it. Tokens are passed on as found; the caller validates them.

    Raises:
        BentoSyncError: the file exists but cannot be read or parsed; the
            message never quotes its content.
    """
    path = path or yatai_config_path()
    if not path.is_file():
        return None
    data = _load_yaml(path)
    config = YataiConfig(path=path)
    if not isinstance(data, dict):
        return config
    current = data.get("current_context_name")
    if isinstance(current, str) and current:
        config.current_context_name = current
    items = data.get("contexts")
    for index, item in enumerate(items if isinstance(items, list) else []):
        label, parsed = _parse_context(index, item)
        if isinstance(parsed, YataiContext):
            config.contexts[parsed.name] = parsed
        else:
            config.skipped.append((label, parsed))
    logger.debug("Read %d context(s) from %s", len(config.contexts), path)
    return config
