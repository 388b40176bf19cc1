"""Import the official client's logins from ``$BENTOML_HOME/.yatai.yaml``.

That file holds every token in plain text, usually world-readable (PROTOCOL.md
1.1, 10.15). Importing moves each token into the keyring and each context into
our contexts file, so BentoSync works for someone who already ran ``bentoml
cloud login``. The file itself is only ever opened for reading: the official
client creates it on read, we must not create, rewrite or delete it (the user
may still use ``bentoml`` with it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bentosync.core.cloud_errors import CloudError
from bentosync.core.cloud_http import normalize_endpoint
from bentosync.core.credentials import (
    Context,
    ContextsFile,
    CredentialStorage,
    validate_token,
)
from bentosync.core.errors import BentoSyncError
from bentosync.core.keyring_store import KeyringUnavailable
from bentosync.core.store import bentoml_home

logger = logging.getLogger(__name__)

YATAI_FILE = ".yatai.yaml"


class NothingToImport(BentoSyncError):
    """There is no .yatai.yaml, or it holds no usable context."""


@dataclass
class ImportReport:
    """What an import did: contexts imported, skipped (with why), and the current one."""

    source: Path
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    current: str | None = None


def yatai_config_path() -> Path:
    """Where the official client keeps its contexts: ``$BENTOML_HOME/.yatai.yaml``."""
    return bentoml_home() / YATAI_FILE


def _read(path: Path) -> dict[str, object]:
    if not path.is_file():
        raise NothingToImport(
            f"There is no {path} to import (the bentoml CLI writes it on "
            "`bentoml cloud login`). Log in with `bentosync login --endpoint URL` instead."
        )
    try:
        with path.open("r", encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        # The parser's own message quotes the offending line, which may be a token.
        mark = getattr(exc, "problem_mark", None)
        where = f" near line {mark.line + 1}" if mark is not None else ""
        raise BentoSyncError(f"{path} is not valid YAML{where}; nothing was imported.") from None
    return data if isinstance(data, dict) else {}


def import_yatai_contexts(
    path: Path | None = None,
    *,
    storage: CredentialStorage | None = None,
    contexts: ContextsFile | None = None,
) -> ImportReport:
    """Copy every context of ``.yatai.yaml`` into the keyring and the contexts file.

    A context with the same name as one of ours replaces it. Ours stays current
    if we had one; otherwise the official client's current context becomes ours.

    Raises:
        NothingToImport: no file, or no context in it that could be imported.
        KeyringUnavailable: the keyring cannot take the tokens (contexts already
            imported by then are kept, so nothing is left half-done).
    """
    path = path or yatai_config_path()
    storage = storage or CredentialStorage()
    contexts = contexts or ContextsFile()
    data = _read(path)
    report = ImportReport(source=path)
    storage.check_backend()  # fail before touching anything when there is no keyring
    had_current = contexts.load().current is not None
    items = data.get("contexts")
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict):
            report.skipped.append((f"#{index + 1}", "not a mapping"))
            continue
        name = item.get("name")
        label = name if isinstance(name, str) and name else f"#{index + 1}"
        token, endpoint = item.get("api_token"), item.get("endpoint")
        if not isinstance(name, str) or not name or name.startswith("__"):
            report.skipped.append((label, "no usable name"))
            continue
        if not isinstance(token, str) or not isinstance(endpoint, str):
            report.skipped.append((label, "no api_token or endpoint"))
            continue
        try:
            token = validate_token(token)
            context = Context(name, normalize_endpoint(endpoint), str(item.get("email") or ""))
        except (BentoSyncError, CloudError) as exc:
            report.skipped.append((label, str(exc)))
            continue
        storage.store_token(name, token)  # KeyringUnavailable propagates
        contexts.upsert(context, make_current=False)
        report.imported.append(name)
    if not report.imported:
        reasons = "; ".join(f"{n}: {why}" for n, why in report.skipped) or "it lists no contexts"
        raise NothingToImport(f"Nothing to import from {path} ({reasons}).")
    config = contexts.load()
    wanted = data.get("current_context_name")
    if not had_current and isinstance(wanted, str) and wanted in report.imported:
        config.current = wanted
        contexts.save(config)
    report.current = contexts.load().current
    logger.info("Imported %d context(s) from %s", len(report.imported), path)
    return report


__all__ = ["ImportReport", "KeyringUnavailable", "NothingToImport", "import_yatai_contexts"]
