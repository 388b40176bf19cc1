"""Tag rules of PROTOCOL.md 8.3, including the quirks BentoSync refuses to copy."""

from __future__ import annotations

import re

import pytest

from bentosync.core.errors import InvalidTag
from bentosync.core.tags import Tag, make_new_version, validate_part, validate_stored_version


def test_plain_name_means_latest():
    tag = Tag.parse("my_model")
    assert tag == Tag("my_model", None)
    assert tag.is_latest
    assert str(tag) == "my_model:latest"


def test_name_and_version():
    assert Tag.parse("demo.v2-x:ng5ggmhhqgsjoax4") == Tag("demo.v2-x", "ng5ggmhhqgsjoax4")


def test_explicit_latest_is_the_same_as_no_version():
    assert Tag.parse("demo:latest") == Tag("demo", None)
    assert Tag.parse("demo:LATEST") == Tag("demo", None)


def test_uppercase_is_lowercased_like_bentoml():
    assert Tag.parse("Demo_Model:NG5GG") == Tag("demo_model", "ng5gg")


def test_63_characters_pass_and_64_fail():
    assert validate_part("a" * 63) == "a" * 63
    with pytest.raises(InvalidTag, match="64 characters"):
        validate_part("a" * 64)
    with pytest.raises(InvalidTag, match="64 characters"):
        Tag.parse("demo:" + "v" * 64)


def test_trailing_newline_is_refused_unlike_bentoml():
    with pytest.raises(InvalidTag):
        Tag.parse("demo\n")
    with pytest.raises(InvalidTag):
        Tag.parse("demo:v1\n")


def test_trailing_colon_is_an_error():
    with pytest.raises(InvalidTag, match="ends with ':'"):
        Tag.parse("demo:")


@pytest.mark.parametrize(
    "bad", ["", "-demo", "demo-", "de mo", "demo/x", "dé", ".demo", "demo..", "a:b:c"]
)
def test_invalid_names(bad):
    with pytest.raises(InvalidTag):
        Tag.parse(bad)


def test_latest_is_not_a_storable_version():
    with pytest.raises(InvalidTag, match="latest"):
        validate_stored_version("latest")
    with pytest.raises(InvalidTag, match="latest"):
        Tag.of("demo", "latest")


def test_new_versions_look_like_bentoml_ones_and_differ():
    versions = {make_new_version() for _ in range(200)}
    assert len(versions) == 200
    for version in versions:
        assert re.fullmatch(r"[a-z2-7]{16}", version)
        assert validate_stored_version(version) == version
