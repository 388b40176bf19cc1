"""The checksums BentoSync records in ``manifest.metadata``: format, budget, old records."""

from __future__ import annotations

import hashlib
import json

import pytest

from bentosync.core.filelist import (
    LIST_BUDGET,
    METADATA_KEY,
    Checksums,
    FileEntry,
    checksums_from_manifest,
    describe_difference,
    encode_files,
    legacy_manifest_value,
    metadata_with_checksums,
)


def entry(path: str, data: bytes) -> FileEntry:
    return FileEntry(path, len(data), hashlib.sha256(data).hexdigest())


FILES = [entry("weights/b.bin", b"b" * 10), entry("model.yaml", b"name: m\n")]


def manifest_with(value: object, **extra: object) -> dict[str, object]:
    return {"module": "", "size_bytes": 18, "metadata": {METADATA_KEY: value}, **extra}


def many_files(count: int) -> list[FileEntry]:
    return [entry(f"shards/part-{n:06d}.bin", str(n).encode()) for n in range(count)]


def test_round_trip_through_the_metadata_of_a_fixed_schema():
    checksums = Checksums.of(FILES)
    metadata = metadata_with_checksums({"owner": "ml"}, checksums)
    # What BentoCloud keeps of a manifest: the fixed keys, metadata whole.
    stored = json.loads(json.dumps({"metadata": metadata, "size_bytes": 18}))
    read = checksums_from_manifest(stored)
    assert read == checksums
    assert read.listed and list(read.files) == sorted(FILES)
    assert metadata["owner"] == "ml"


def test_the_value_is_compact_and_versioned():
    value = Checksums.of(FILES).to_metadata_value()
    assert value["format"] == 2 and value["algorithm"] == "sha256"
    assert value["count"] == 2 and value["size"] == 18
    assert value["files"] == [
        ["model.yaml", 8, FILES[1].sha256],
        ["weights/b.bin", 10, FILES[0].sha256],
    ]
    assert value["digest"] == hashlib.sha256(encode_files(FILES)).hexdigest()


def test_the_digest_does_not_depend_on_the_order_given():
    assert Checksums.of(FILES).digest == Checksums.of(reversed(FILES)).digest
    assert Checksums.of(FILES).digest != Checksums.of(FILES[:1]).digest


def test_over_the_budget_the_list_is_left_out_and_the_digest_still_verifies():
    files = many_files(20_000)
    value = Checksums.of(files).to_metadata_value()
    assert "files" not in value
    assert len(json.dumps(value)) < 400
    read = checksums_from_manifest(manifest_with(value))
    assert read is not None and not read.listed
    assert read.count == 20_000 and read.matches(files)
    changed = [*files[:-1], entry(files[-1].path, b"other")]
    assert not read.matches(changed)


def test_the_budget_is_what_the_encoding_takes():
    files = many_files(200)
    assert len(encode_files(files)) < LIST_BUDGET
    assert "files" in Checksums.of(files).to_metadata_value()
    assert "files" not in Checksums.of(files).to_metadata_value(budget=len(encode_files(files)) - 1)
    assert "files" in Checksums.of(files).to_metadata_value(budget=len(encode_files(files)))


def test_the_shortest_possible_files_fit_exactly_at_the_budget():
    """The quick "cannot fit" check must never drop a list that fits: one-letter
    paths of empty files are as short as a triple gets."""
    for count in (1, 2, 7, 50):
        files = [
            FileEntry(chr(ord("a") + i % 26) * (1 + i // 26), 0, "0" * 64) for i in range(count)
        ]
        exact = len(encode_files(files))
        assert "files" in Checksums.of(files).to_metadata_value(budget=exact)
        assert "files" not in Checksums.of(files).to_metadata_value(budget=exact - 1)


def test_a_model_pushed_before_the_change_still_verifies():
    manifest = {"size_bytes": 18, "metadata": {}, "bentosync": legacy_manifest_value(FILES)}
    read = checksums_from_manifest(manifest)
    assert read == Checksums.of(FILES)


def test_the_metadata_key_wins_over_the_old_one():
    other = [entry("model.yaml", b"else")]
    manifest = manifest_with(
        Checksums.of(FILES).to_metadata_value(), bentosync=legacy_manifest_value(other)
    )
    assert checksums_from_manifest(manifest) == Checksums.of(FILES)


@pytest.mark.parametrize(
    "value",
    [
        "not an object",
        {"format": 3, "algorithm": "sha256"},
        {"format": 2, "algorithm": "md5", "count": 0, "size": 0, "digest": "0" * 64},
        {"format": 2, "algorithm": "sha256", "count": 1, "size": 1, "digest": "xyz"},
        {"format": 2, "algorithm": "sha256", "count": -1, "size": 1, "digest": "0" * 64},
        {"format": 2, "algorithm": "sha256", "count": 1, "size": 1, "digest": "0" * 64, "files": 5},
        {
            "format": 2,
            "algorithm": "sha256",
            "count": 1,
            "size": 1,
            "digest": "0" * 64,
            "files": [["a", 1]],
        },
    ],
)
def test_malformed_checksums_are_unverified_never_verified(value):
    assert checksums_from_manifest(manifest_with(value)) is None


def test_a_list_that_disagrees_with_its_own_digest_vouches_for_nothing():
    value = Checksums.of(FILES).to_metadata_value()
    value["files"][0][2] = "f" * 64
    assert checksums_from_manifest(manifest_with(value)) is None


def test_no_checksums_at_all():
    assert checksums_from_manifest(None) is None
    assert checksums_from_manifest({"metadata": {"owner": "x"}, "size_bytes": 3}) is None


def test_differences_name_files_where_both_sides_list_them():
    here = Checksums.of([entry("a", b"1"), entry("b", b"2")])
    there = Checksums.of([entry("a", b"x"), entry("c", b"3")])
    words = describe_difference(here, there)
    assert "1 file differs (a)" in words
    assert "1 only here (b)" in words and "1 only in the cloud (c)" in words


def test_differences_against_a_digest_say_what_can_be_said():
    here = Checksums.of([entry("a", b"1")])
    unlisted = Checksums(digest="0" * 64, count=1, size=1)
    assert "cannot be named" in describe_difference(here, unlisted)
    bigger = Checksums(digest="0" * 64, count=2, size=9)
    assert "2 files of 9 bytes in the cloud" in describe_difference(here, bigger)
