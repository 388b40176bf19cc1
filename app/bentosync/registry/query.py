"""The ``q`` filter of the list endpoints, in BentoCloud's filter syntax (PROTOCOL.md 3.1).

Space-separated tokens: a bare word matches the name or version; ``label:k=v``
or ``label:k`` requires a label (comma-separated items are OR'ed, separate
tokens AND'ed); ``-label:...`` requires its absence; ``module:x`` matches the
manifest's module. Other ``key:value`` tokens (``sort:``, ``creator:``, ``in:``)
are accepted and ignored, since the listing order is fixed for "latest" to work.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bentosync.registry.catalog import ModelRecord

logger = logging.getLogger(__name__)

LabelItem = tuple[str, str | None]


@dataclass
class ModelFilter:
    keywords: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    # (negated, items OR'ed)
    label_groups: list[tuple[bool, list[LabelItem]]] = field(default_factory=list)

    def matches(self, model: ModelRecord) -> bool:
        names = (model.repository_name.lower(), model.version.lower())
        for word in self.keywords:
            if not any(word in name for name in names):
                return False
        module = str(model.manifest.get("module") or "")
        if self.modules and module not in self.modules:
            return False
        labels = {item["key"]: item["value"] for item in model.labels}
        for negated, items in self.label_groups:
            hit = any(
                key in labels and (value is None or labels[key] == value) for key, value in items
            )
            if hit == negated:
                return False
        return True


def parse_query(q: str | None, search: str | None = None) -> ModelFilter:
    parsed = ModelFilter()
    if search:
        parsed.keywords.append(search.strip().lower())
    for token in (q or "").split():
        negated = token.startswith("-")
        key, sep, value = token.lstrip("-").partition(":")
        if not sep:
            parsed.keywords.append(token.lower())
        elif key == "label":
            items: list[LabelItem] = []
            for item in value.split(","):
                if item:
                    label_key, has_value, label_value = item.partition("=")
                    items.append((label_key, label_value if has_value else None))
            if items:
                parsed.label_groups.append((negated, items))
        elif key == "module" and value:
            parsed.modules.append(value)
        else:
            logger.debug("Ignoring filter token %r", token)
    return parsed
