"""The ``q`` filter of the list endpoints, in BentoCloud's filter syntax (PROTOCOL.md 3.1).

Space-separated tokens: a bare word matches the name or version; ``label:k=v``
or ``label:k`` requires a label (comma-separated items are OR'ed, separate
tokens AND'ed); ``-label:...`` requires its absence; ``module:x`` matches the
manifest's module. Other ``key:value`` tokens (``sort:``, ``creator:``, ``in:``)
are accepted and ignored, since the listing order is fixed for "latest" to work.

The filter runs in SQL (:meth:`ModelFilter.where`): labels through the
``model_labels`` index, the module through its JSON expression index, and
words as substring tests on the name and version while the listing index is
walked (a substring has no index, but the listing index carries the version
and repository id, so no row is read to test one; a page stops at its LIMIT,
only the total walks every entry). :meth:`ModelFilter.matches` is the same rule in Python, kept
as its specification: a test holds the two to the same answers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bentosync.registry.catalog import ModelRecord, Where
from bentosync.registry.db import SQLITE, Dialect

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

    def where(self, dialect: Dialect = SQLITE) -> Where:
        """The same rule as :meth:`matches`, as SQL conditions over ``models m``.

        ``dialect`` spells the module's JSON look-up and the substring test the
        way the database's indexes hold them (``db.Database.dialect``).
        """
        clauses: list[str] = []
        params: list[Any] = []
        for word in self.keywords:
            # The names come from the small repositories table, once per query.
            clauses.append(
                "(m.repository_id IN (SELECT id FROM repositories WHERE "
                f"{dialect.contains('lower(name)')}) OR {dialect.contains('lower(m.version)')})"
            )
            params += [word, word]
        if self.modules:
            marks = ",".join("?" * len(self.modules))
            clauses.append(f"{dialect.json_text('m.manifest', 'module')} IN ({marks})")
            params += self.modules
        for negated, items in self.label_groups:
            # One SELECT per item, UNIONed: each is a look-up in (key, value); an OR
            # inside one WHERE would make SQLite scan the whole label table.
            selects = []
            for key, value in items:
                if value is None:
                    selects.append("SELECT model_id FROM model_labels WHERE key = ?")
                    params.append(key)
                else:
                    selects.append("SELECT model_id FROM model_labels WHERE key = ? AND value = ?")
                    params += [key, value]
            inside = "NOT IN" if negated else "IN"
            clauses.append(f"m.id {inside} ({' UNION '.join(selects)})")
        return Where(tuple(clauses), tuple(params))


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
