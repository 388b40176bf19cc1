"""A reader for the plain block YAML that ``yaml.safe_dump`` writes, for model.yaml.

Listing a store of 10,000 versions for the first time spent about 3 s in
PyYAML, even with libyaml: its parser is C, but every node and every scalar
still goes through Python objects and the constructor's generators, about
0.25 ms per model.yaml. BentoML writes model.yaml with ``safe_dump``: block
mappings indented by two spaces, sequences under their key, scalars on one
line, ``{}`` and ``[]`` for empty collections. Reading just that shape line by
line costs a tenth of it.

It is an optimisation that must never change a result. So it reads only what
it fully understands and declines everything else (returns ``None``) so that
the caller parses with PyYAML: anchors, tags, flow collections that are not
empty, block scalars, scalars that continue on the next line, escapes in
double quotes, comments, documents markers, complex keys. A plain scalar gets
the type PyYAML's safe resolver gives it (``yes`` is a bool, ``1.0`` a float,
an unquoted date a datetime), through PyYAML's own resolver and constructors.
The tests compare both readers on thousands of generated documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_STR_TAG = "tag:yaml.org,2002:str"
_KEY_VALUE = re.compile(r"((?:'(?:[^']|'')*')|(?:\"[^\"\\]*\")|(?:[^'\"#:\s][^:#]*?)):(?: (.*))?$")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
# A plain scalar's first character may not be one of these (YAML 1.1 indicators),
# and ": " or " #" inside would end it early.
_PLAIN_START_FORBIDDEN = frozenset("-?:,[]{}#&*!|>'\"%@`")
# What PyYAML refuses (non-printable characters), or reads as a line break, a
# tab or a carriage return: all rare in model.yaml, all left to PyYAML.
_UNUSUAL = re.compile(
    "[^\x0a\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]"
)


class _Decline(Exception):
    """The text is outside the subset; PyYAML must read it."""


class _Scalars:
    """Plain scalars typed by PyYAML's safe resolver and constructors, remembered by text.

    Most plain scalars in a store repeat (``v1``, ``1.4.39``, label values), and
    what they construct to is immutable, so one resolve each is enough.
    """

    def __init__(self) -> None:
        self._resolver = yaml.resolver.Resolver()
        self._loader = yaml.SafeLoader("")
        self._known: dict[str, Any] = {}

    def plain(self, text: str) -> Any:
        try:
            return self._known[text]
        except KeyError:
            pass
        if (
            (text[0] in _PLAIN_START_FORBIDDEN and not _dash_or_colon_ok(text))
            or ": " in text
            or " #" in text
            or text.endswith(":")
            or text != text.strip()
        ):
            raise _Decline
        tag = self._resolver.resolve(yaml.ScalarNode, text, (True, False))
        if tag == _STR_TAG:
            value: Any = text
        else:
            constructor = yaml.SafeLoader.yaml_constructors.get(tag)
            if constructor is None or tag.endswith((":merge", ":value")):
                raise _Decline
            value = constructor(self._loader, yaml.ScalarNode(tag, text))
        if len(self._known) < 100_000:
            self._known[text] = value
        return value


def _dash_or_colon_ok(text: str) -> bool:
    """``-1`` and ``-x`` are plain scalars; ``- x`` and ``-`` are not (nor ``:x``, ``?x``)."""
    return text[0] == "-" and len(text) > 1 and text[1] != " "


_SCALARS = _Scalars()

# A line, tokenised: (kind, indent, key, value). Kind is _KEY ("key: value" or
# "key:") or _ITEM ("- value", or "-" opening a compact collection). A value of
# _NONE means that nothing follows on the line; _EMPTY_MAP and _EMPTY_LIST stand
# for "{}" and "[]", so that the tokens of a line can be shared between documents.
Token = tuple[str, int, Any, Any]
_KEY = "k"
_ITEM = "i"
_NONE = object()
_EMPTY_MAP = object()
_EMPTY_LIST = object()
# Most lines of model.yaml files repeat from one file to the next ("options: {}",
# "  bentoml_version: 1.4.39"); their tokens are remembered, up to a bound.
_MAX_REMEMBERED_LINES = 50_000
_remembered_lines: dict[str, tuple[Token, ...]] = {}


def load(text: str) -> Any | None:
    """The document ``text`` holds, or None when it is outside the subset this reads."""
    if text.startswith("\ufeff") or _UNUSUAL.search(text) is not None:
        return None
    tokens: list[Token] = []
    remembered = _remembered_lines
    try:
        for raw in text.split("\n"):
            line_tokens = remembered.get(raw)
            if line_tokens is None:
                line_tokens = _tokenise(raw)
                if len(remembered) >= _MAX_REMEMBERED_LINES:
                    remembered.clear()
                remembered[raw] = line_tokens
            tokens.extend(line_tokens)
        if not tokens:
            return None
        value, end = _node(tokens, 0, tokens[0][1])
    except _Decline:
        return None
    return value if end == len(tokens) else None


def _tokenise(raw: str) -> tuple[Token, ...]:
    content = raw.lstrip(" ")
    if not content:
        if raw:
            raise _Decline  # a line of spaces: inside a block scalar or a folded string
        return ()
    if content[0] == "#" or content.startswith(("---", "...", "%")):
        raise _Decline
    indent = len(raw) - len(content)
    tokens: list[Token] = []
    while content.startswith("- ") or content == "-":
        rest = content[2:].lstrip(" ")
        if not rest:
            raise _Decline  # an item on the next lines, or an empty item: rare in safe_dump
        item_indent = indent + len(content) - len(rest)
        if rest.startswith("- ") or rest == "-" or _KEY_VALUE.match(rest) is not None:
            # A compact collection: the item's first line continues after "- ".
            tokens.append((_ITEM, indent, None, _NONE))
            indent, content = item_indent, rest
            continue
        tokens.append((_ITEM, indent, None, _inline(rest)))
        return tuple(tokens)
    match = _KEY_VALUE.match(content)
    if match is None:
        raise _Decline
    key = _scalar(match.group(1))
    if not isinstance(key, str):
        raise _Decline  # PyYAML's keys of other types are rare; keep it simple
    rest = match.group(2)
    tokens.append((_KEY, indent, key, _inline(rest) if rest else _NONE))
    return tuple(tokens)


def _node(tokens: list[Token], index: int, indent: int) -> tuple[Any, int]:
    """The collection whose first token is ``tokens[index]``, at ``indent``."""
    if tokens[index][0] == _ITEM:
        return _sequence(tokens, index, indent)
    return _mapping(tokens, index, indent)


def _mapping(tokens: list[Token], index: int, indent: int) -> tuple[Any, int]:
    result: dict[str, Any] = {}
    end = len(tokens)
    while index < end:
        kind, token_indent, key, value = tokens[index]
        if token_indent < indent:
            break
        if token_indent > indent or kind != _KEY:
            raise _Decline
        index += 1
        result[key], index = _value(tokens, index, indent, value)
    return result, index


def _sequence(tokens: list[Token], index: int, indent: int) -> tuple[Any, int]:
    result: list[Any] = []
    end = len(tokens)
    while index < end:
        kind, token_indent, _, value = tokens[index]
        if token_indent < indent or (token_indent == indent and kind != _ITEM):
            break
        if token_indent > indent:
            raise _Decline
        index += 1
        item, index = _value(tokens, index, indent, value)
        result.append(item)
    return result, index


def _value(tokens: list[Token], index: int, indent: int, value: Any) -> tuple[Any, int]:
    """The value of a key or item at ``indent``: on its line, or the collection below it."""
    end = len(tokens)
    if value is _NONE:
        if index < end:
            next_kind, next_indent = tokens[index][0], tokens[index][1]
            # Deeper, or an indentless sequence under a key ("key:" then "- x").
            if next_indent > indent or (next_indent == indent and next_kind == _ITEM):
                return _node(tokens, index, next_indent)
        return None, index
    if index < end and tokens[index][1] > indent:
        raise _Decline  # a scalar continued on the next line
    if value is _EMPTY_MAP:
        return {}, index
    if value is _EMPTY_LIST:
        return [], index
    return value, index


def _inline(text: str) -> Any:
    if text == "{}":
        return _EMPTY_MAP
    if text == "[]":
        return _EMPTY_LIST
    return _scalar(text)


def _scalar(text: str) -> Any:
    first = text[0]
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(text)
        if match is None:
            raise _Decline
        return match.group(1).replace("''", "'")
    if first == '"':
        match = _DOUBLE_QUOTED.fullmatch(text)
        if match is None:
            raise _Decline
        return match.group(1)
    return _SCALARS.plain(text)
