"""Import the official client's logins from ``$BENTOML_HOME/.yatai.yaml``.

That file holds every token in plain text, usually world-readable (PROTOCOL.md
1.1, 10.15). Importing moves each token into the keyring and each context into
our contexts file, so BentoSync works for someone who already ran ``bentoml
cloud login``. The file is read by ``yatai_config``, which only ever opens it
for reading: the official client creates it on read, we must not create,
rewrite or delete it (the user may still use ``bentoml`` with it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bentosync.core.credentials import (
    Context,
    ContextsFile,
    CredentialStorage,
    validate_token,
)
from bentosync.core.errors import BentoSyncError
from bentosync.core.keyring_store import KeyringUnavailable
from bentosync.core.yatai_config import YATAI_FILE, read_yatai_config, yatai_config_path

logger = logging.getLogger(__name__)

__all__ = [
    "YATAI_FILE",
    "ImportReport",
    "KeyringUnavailable",
    "NothingToImport",
    "import_yatai_contexts",
    "yatai_config_path",
]


class NothingToImport(BentoSyncError):
    """There is no .yatai.yaml, or it holds no usable context."""


@dataclass
class ImportReport:
    """What an import did: contexts imported, skipped (with why), and the current one."""

    source: Path
    imported: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    current: str | None = None


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
    try:
        yatai = read_yatai_config(path)
    except BentoSyncError as exc:
        raise BentoSyncError(f"{exc} Nothing was imported.") from None
    if yatai is None:
        raise NothingToImport(
            f"There is no {path} to import (the bentoml CLI writes it on "
            "`bentoml cloud login`). Log in with `bentosync login --endpoint URL` instead."
        )
    report = ImportReport(source=path, skipped=list(yatai.skipped))
    storage.check_backend()  # fail before touching anything when there is no keyring
    had_current = contexts.load().current is not None
    for item in yatai.contexts.values():
        try:
            token = validate_token(item.api_token)
        except BentoSyncError as exc:
            report.skipped.append((item.name, str(exc)))
            continue
        storage.store_token(item.name, token)  # KeyringUnavailable propagates
        contexts.upsert(Context(item.name, item.endpoint, item.email), make_current=False)
        report.imported.append(item.name)
    if not report.imported:
        reasons = "; ".join(f"{n}: {why}" for n, why in report.skipped) or "it lists no contexts"
        raise NothingToImport(f"Nothing to import from {path} ({reasons}).")
    config = contexts.load()
    wanted = yatai.current_context_name
    if not had_current and wanted in report.imported:
        config.current = wanted
        contexts.save(config)
    report.current = contexts.load().current
    logger.info("Imported %d context(s) from %s", len(report.imported), path)
    return report
