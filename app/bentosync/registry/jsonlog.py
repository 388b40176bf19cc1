"""One JSON object per log line, for ``registry serve --log-format json``.

A team's log pipeline (Loki, Elasticsearch, CloudWatch) indexes fields, not
sentences: an access line becomes ``{"http": {"method": ..., "status": ...}}``
that can be filtered by status or summed by bytes without a regular
expression. Every message still goes through ``redact`` first, so a secret
that reached a message by mistake is masked here as in the text format.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone
from typing import Any

from bentosync.core.redaction import redact

logger = logging.getLogger(__name__)

# ``extra=`` keys a log call may set that become fields of their own.
STRUCTURED_KEYS = ("http",)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in STRUCTURED_KEYS:
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def use_json_logs() -> None:
    """Give every handler of the root logger the JSON format (the CLI made them)."""
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
