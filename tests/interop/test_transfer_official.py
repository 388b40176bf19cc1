"""BentoSync and the official ``bentoml`` client move models for each other.

Both directions, through both flavours of the project's registry: what
BentoSync pushes, the official client pulls and loads; what the official
client pushes (no checksums of its own), BentoSync pulls verified where the
registry computed checksums, and checked against the announced size where it
keeps none (BentoCloud).
"""

from __future__ import annotations

import io
import os
import tarfile

import pytest

from bentosync.core.session import open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.progress import ChecksumState
from bentosync.core.transfer.pull import Puller
from bentosync.core.transfer.push import Pusher
from interop.test_transfer_roundtrip import make_model, tree_snapshot
from support.registry import stored_archive

pytestmark = pytest.mark.interop


def cloud_env(server) -> dict[str, str]:
    return {"BENTO_CLOUD_API_KEY": server.token, "BENTO_CLOUD_API_ENDPOINT": server.endpoint}


@pytest.mark.parametrize("strategy", ["proxy", "multipart"])
def test_official_client_pulls_and_loads_what_bentosync_pushed(
    official, registry_factory, tmp_path, strategy, flavor, promises
):
    server = registry_factory(strategy=strategy, flavor=flavor)
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    model = make_model(ours, f"to-official-{strategy}", big_bytes=7 * 1024 * 1024)
    with open_session(server.endpoint, server.token, home=ours) as session:
        result = Pusher(
            session.client, session.store, str(model.tag), part_size=5 * 1024 * 1024
        ).run()
    assert result.verified is promises.checks_uploads and not result.skipped
    official.run_cli(["models", "pull", str(model.tag)], theirs, cloud_env(server))
    loaded = official.run_python(
        f"""
        import json, bentoml
        m = bentoml.models.get("{model.tag}")
        print(json.dumps({{"tag": str(m.tag), "labels": m.info.labels, "path": m.path,
                           "created": m.info.creation_time.isoformat()}}))
        """,
        theirs,
    )
    assert loaded["tag"] == str(model.tag)
    assert loaded["labels"] == model.labels
    assert loaded["created"] == model.creation_time.isoformat()
    ours_tree = tree_snapshot(model.path)
    theirs_tree = tree_snapshot(type(model.path)(loaded["path"]))
    # The official extractor turns in-tree symlinks into copies (copytree); bytes agree.
    assert {k: v for k, v in ours_tree.items() if isinstance(v, bytes)} == {
        k: v for k, v in theirs_tree.items() if isinstance(v, bytes)
    }


@pytest.mark.parametrize(
    ("strategy", "storage"),
    [("proxy", "local"), ("presigned", "local"), ("multipart", "local"), ("multipart", "s3")],
)
def test_bentosync_pulls_what_the_official_client_pushed(
    official, registry_factory, tmp_path, strategy, storage, flavor, promises, request
):
    # "s3": archives in a moto bucket; the official client's parts go straight to it.
    s3 = request.getfixturevalue("s3_bucket") if storage == "s3" else None
    server = registry_factory(strategy=strategy, flavor=flavor, s3=s3)
    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    theirs.mkdir()
    ours.mkdir()
    made = official.run_python(
        """
        import json, os, bentoml
        with bentoml.models.create("from-official", labels={"by": "bentoml"},
                                   metadata={"acc": 0.5}) as m:
            os.makedirs(os.path.join(m.path, "nested", "deep"))
            with open(os.path.join(m.path, "nested", "deep", "w.bin"), "wb") as f:
                f.write(os.urandom(6 * 1024 * 1024 + 7))
            with open(os.path.join(m.path, "vocab.txt"), "w") as f:
                f.write("a\\nb\\n")
        stored = bentoml.models.get(m.tag).path
        # A second path to one inode in the stored model: its push (tar.add) holds a hard link.
        os.link(os.path.join(stored, "vocab.txt"), os.path.join(stored, "vocab-copy.txt"))
        print(json.dumps({"tag": str(m.tag), "path": stored}))
        """,
        theirs,
    )
    official.run_cli(["models", "push", made["tag"]], theirs, cloud_env(server))
    with open_session(server.endpoint, server.token, home=ours) as session:
        uid = session.client.get_model(*made["tag"].split(":")).uid
        if s3 is None:
            archive = stored_archive(server.data_dir, uid)
        else:
            stored = s3.client().get_object(Bucket=s3.name, Key=s3.object_key(uid))
            archive = stored["Body"].read()
        assert archive is not None
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            assert any(member.islnk() for member in tar), "the case this test is about"
        puller = Puller(session.client, session.store, "from-official")
        result = puller.run()
    # Our registry computed checksums for the official push; BentoCloud keeps none,
    # and then the files are checked against the size the official client announced.
    assert result.verified is promises.official_pull_verified
    states = {f.checksum for f in puller.progress.snapshot().files}
    assert states == {
        ChecksumState.VERIFIED if promises.official_pull_verified else ChecksumState.UNVERIFIED
    }
    assert str(result.tag) == made["tag"]
    pulled = LocalStore(ours).get(made["tag"])
    assert pulled.labels == {"by": "bentoml"}
    assert tree_snapshot(pulled.path) == tree_snapshot(type(pulled.path)(made["path"]))
    # And the official client can load what BentoSync installed.
    loaded = official.run_python(
        f'import json, bentoml; print(json.dumps(str(bentoml.models.get("{made["tag"]}").tag)))',
        ours,
    )
    assert loaded == made["tag"]
    assert os.path.getsize(pulled.path / "nested" / "deep" / "w.bin") == 6 * 1024 * 1024 + 7
    # The hard link arrived as a copy of its own, as the official client makes it.
    copy, original = pulled.path / "vocab-copy.txt", pulled.path / "vocab.txt"
    assert copy.read_bytes() == original.read_bytes() == b"a\nb\n"
    assert not copy.samefile(original)
