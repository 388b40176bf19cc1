"""The block-YAML reader gives exactly what PyYAML gives, or declines.

Thousands of documents are generated (nested mappings and sequences of
strings chosen to look like other types, numbers, booleans, nulls, dates,
long and odd strings), written by ``yaml.safe_dump`` in block style the way
BentoML writes model.yaml, and also by hand in shapes safe_dump never writes;
both readers must agree whenever the fast one answers.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timezone
from typing import Any

import pytest
import yaml

from bentosync.core import blockyaml
from bentosync.core.modelinfo import new_model_document
from bentosync.core.tags import Tag

# libyaml where PyYAML has it: the same safe rules as the pure-Python reader, faster.
LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

TRICKY_STRINGS = [
    "",
    " ",
    "yes",
    "No",
    "on",
    "~",
    "null",
    "1",
    "-1",
    "0x1F",
    "0o17",
    "1_000",
    "1:30",
    "1.5",
    "1e3",
    "1.0e+3",
    ".inf",
    ".NaN",
    "1.4.39",
    "3.12.3",
    "v1",
    "2025-01-01",
    "2025-01-01T00:27:00+00:00",
    "2025-01-01 00:27:00",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#x",
    "- x",
    "-x",
    "? x",
    "?x",
    ":x",
    "x:",
    "'quoted'",
    '"double"',
    "it's",
    "a, b",
    "[x]",
    "{x}",
    "&anchor",
    "*alias",
    "!tag",
    "|",
    ">",
    "%x",
    "@x",
    "`x",
    "=",
    "<<",
    "tab\there",
    "line\nbreak",
    "trailing ",
    " leading",
    "café",
    "naïve ünïcode ✓",
    "\x85",
    "\u2028",
    "back\\slash",
    "x" * 120,
    "word " * 30,
    "bentoml.sklearn",
    "s3://bucket/key",
    "http://host:8080/path",
]


def random_scalar(rng: random.Random) -> Any:
    kind = rng.randrange(8)
    if kind == 0:
        return rng.choice(TRICKY_STRINGS)
    if kind == 1:
        return rng.randint(-(10**12), 10**12)
    if kind == 2:
        return rng.choice([1.5, -0.25, 1e300, float("inf"), 0.1])
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return rng.choice([date(2024, 2, 29), datetime(2025, 1, 1, 12, 30, tzinfo=timezone.utc)])
    return "".join(rng.choice("abcxyz-_.:/ 0123456789#'\"") for _ in range(rng.randrange(1, 12)))


def random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth > 0 and roll < 0.25:
        return {random_key(rng): random_value(rng, depth - 1) for _ in range(rng.randrange(4))}
    if depth > 0 and roll < 0.4:
        return [random_value(rng, depth - 1) for _ in range(rng.randrange(4))]
    return random_scalar(rng)


def random_key(rng: random.Random) -> Any:
    if rng.random() < 0.1:
        return rng.choice([1, True, None, 2.5])
    if rng.random() < 0.3:
        return rng.choice(TRICKY_STRINGS)
    return "".join(rng.choice("abcdefgh_-. ") for _ in range(rng.randrange(1, 10))).strip() or "k"


def both(text: str) -> tuple[Any, Any]:
    try:
        expected: Any = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        expected = exc
    return blockyaml.load(text), expected


def same(fast: Any, expected: Any) -> bool:
    """Equal, with NaN equal to itself and types compared too (1 is not True)."""
    if isinstance(expected, float) and expected != expected:
        return isinstance(fast, float) and fast != fast
    if type(fast) is not type(expected):
        return False
    if isinstance(expected, dict):
        return list(fast) == list(expected) and all(same(fast[k], expected[k]) for k in expected)
    if isinstance(expected, list):
        return len(fast) == len(expected) and all(map(same, fast, expected))
    return bool(fast == expected)


DOCUMENTS = 500


@pytest.mark.parametrize("seed", range(4))
def test_agrees_with_pyyaml_on_generated_documents(seed: int) -> None:
    rng = random.Random(seed)
    answered = 0
    for _ in range(DOCUMENTS):
        document = {random_key(rng): random_value(rng, 3) for _ in range(rng.randrange(1, 8))}
        for options in ({}, {"allow_unicode": True}, {"width": 40}, {"indent": 4}):
            text = yaml.dump(document, Dumper=DUMPER, sort_keys=False, **options)
            fast, expected = both(text)
            if fast is not None:
                answered += 1
                assert not isinstance(expected, Exception), text
                assert same(fast, expected), text
    # The reader must answer most documents, or it is no faster than PyYAML.
    assert answered > DOCUMENTS * 4 * 0.3


HAND_WRITTEN = [
    "a: 1\nb:\n  c: d\n",
    "a:\n- 1\n- b: 2\n  c: 3\n- - x\n  - y\nd: e\n",
    "a:\n  - 1\n  - 2\n",
    "- a\n- b\n",
    "a: b\n  c\n",
    "a: 'b\n  c'\n",
    "a: b # comment\n",
    "# comment\na: b\n",
    "---\na: b\n",
    "a: &x b\nc: *x\n",
    "a: !!str 1\n",
    "a: |\n  text\n",
    "a: {b: c}\n",
    "a: [b]\n",
    "a: b:\n",
    "a:\n  b: c\n d: e\n",
    "a: b\n   \nc: d\n",
    "a: b\n\nc: d\n",
    "a:\n",
    "a:\nb:\n",
    "just a scalar\n",
    "a: 'it''s'\n",
    'a: "x"\n',
    'a: "x\\ty"\n',
    "key with spaces: v\n",
    "key : v\n",
    "a:\r\nb: c\r\n",
    "\ufeffa: b\n",
    "a: b\x85c: d\n",
    "<<: {a: 1}\n",
    "a: 1\na: 2\n",
    "-\n",
    "- \n",
    "a:\n-\n",
    "a:\n  -  spaced\n",
    "a: -1\nb: -x\nc: - x\n",
    "? a\n: b\n",
    "a: 2025-01-01\nb: 2025-01-01T10:00:00Z\n",
    "a:\tb\n",
    "",
    "\n\n",
]


@pytest.mark.parametrize("text", HAND_WRITTEN)
def test_agrees_with_pyyaml_on_hand_written_shapes(text: str) -> None:
    fast, expected = both(text)
    if fast is not None:
        assert not isinstance(expected, Exception)
        assert same(fast, expected)


def test_reads_the_model_yaml_bentoml_writes() -> None:
    """The point of it: a model.yaml as BentoML writes it is read without PyYAML."""
    document = new_model_document(
        Tag("resnet50", "kvihlnho6o46oax4"),
        labels={"team": "vision", "stage": "prod"},
        metadata={"accuracy": 0.93, "epochs": 12, "notes": "trained on 2025-01-01"},
    )
    document["signatures"] = {"predict": {"batchable": True, "batch_dim": [0, 0]}}
    text = yaml.safe_dump(document, sort_keys=False)
    fast, expected = both(text)
    assert fast is not None
    assert same(fast, expected)


def test_declines_the_shapes_it_does_not_read() -> None:
    for text in ("a: &x b\n", "a: {b: c}\n", "a: |\n  t\n", "a: b\n  c\n", 'a: "x\\ty"\n'):
        assert blockyaml.load(text) is None, text
