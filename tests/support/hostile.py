"""Hostile and broken model archives, shared by the unit and the interoperability tests.

Each case is a complete archive for the model ``victim:v1`` and the error a
pull must end with. A pull refuses every one of them, whoever served it: a
scripted server (``tests/core``) or either flavour of the real registry,
which for the bentocloud flavour stores them as it gets them.
"""

from __future__ import annotations

import io
import tarfile

import yaml

from bentosync.core.errors import InvalidModel, UnsafeArchive
from bentosync.core.modelinfo import new_model_document
from bentosync.core.tags import Tag
from bentosync.core.transfer.expectations import ChecksumMismatch

NAME, VERSION = "victim", "v1"
MODEL_YAML = yaml.safe_dump(new_model_document(Tag(NAME, VERSION)), sort_keys=False).encode()
WEIGHTS = b"w" * 5000


def _same_length(document: bytes, like: bytes) -> bytes:
    """``document`` padded with newlines to the size of ``like``, so sizes alone tell nothing."""
    assert len(document) <= len(like)
    return document + b"\n" * (len(like) - len(document))


# Another model's model.yaml, of the same size: only reading it shows the swap.
OTHER_MODEL_YAML = _same_length(
    yaml.safe_dump(new_model_document(Tag("other", "v9")), sort_keys=False).encode(), MODEL_YAML
)


def member(name, data=None, **attrs):
    info = tarfile.TarInfo(name)
    for key, value in attrs.items():
        setattr(info, key, value)
    if data is not None:
        info.size = len(data)
    return info, data


def archive(*members) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:", format=tarfile.PAX_FORMAT) as tar:
        root = tarfile.TarInfo(".")
        root.type = tarfile.DIRTYPE
        root.mode = 0o755
        tar.addfile(root)
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def good_members():
    return [member("./model.yaml", MODEL_YAML), member("./weights.bin", WEIGHTS)]


GOOD_FILES = {"model.yaml": MODEL_YAML, "weights.bin": WEIGHTS}

CASES = {
    "path traversal": (archive(*good_members(), member("./../escape.txt", b"x")), UnsafeArchive),
    "absolute path": (archive(*good_members(), member("/tmp/escape.txt", b"x")), UnsafeArchive),
    "symlink out": (
        archive(*good_members(), member("./out", type=tarfile.SYMTYPE, linkname="../../..")),
        UnsafeArchive,
    ),
    "hard link out": (
        archive(*good_members(), member("./hl", type=tarfile.LNKTYPE, linkname="/etc/passwd")),
        UnsafeArchive,
    ),
    "device": (
        archive(*good_members(), member("./null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)),
        UnsafeArchive,
    ),
    "duplicate member": (
        archive(*good_members(), member("./weights.bin", WEIGHTS)),
        UnsafeArchive,
    ),
    "member larger than announced": (
        archive(member("./model.yaml", MODEL_YAML), member("./weights.bin", WEIGHTS + b"more")),
        UnsafeArchive,
    ),
    "model.yaml naming another model": (
        archive(member("./model.yaml", OTHER_MODEL_YAML), member("./weights.bin", WEIGHTS)),
        # A pull with checksums catches it as other bytes; without, by reading the file.
        (InvalidModel, UnsafeArchive, ChecksumMismatch),
    ),
}
