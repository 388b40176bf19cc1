"""``bentosync list --cloud`` and the two-sided ``bentosync list`` against a live registry."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bentosync.core.session import open_session
from bentosync.core.store import LocalStore
from bentosync.core.transfer.push import Pusher
from interop.test_transfer_roundtrip import make_model


def run_list(args, home, server):
    env = {
        **os.environ,
        "BENTOML_HOME": str(home),
        "BENTO_CLOUD_API_KEY": server.token,
        "BENTO_CLOUD_API_ENDPOINT": server.endpoint,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "bentosync", "list", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_states_of_both_sides(cloud, tmp_path):
    home, other = tmp_path / "home", tmp_path / "other"
    home.mkdir()
    other.mkdir()
    synced = make_model(home, "synced", big_bytes=1000)
    changed = make_model(home, "changed", big_bytes=1000)
    local_only = make_model(home, "local-only", big_bytes=10)
    cloud_only = make_model(other, "cloud-only", big_bytes=10)
    with open_session(cloud.endpoint, cloud.token, home=home) as session:
        for model in (synced, changed):
            Pusher(
                session.client, session.store, str(model.tag), hash_cache=session.hash_cache
            ).run()
    with open_session(cloud.endpoint, cloud.token, home=other) as session:
        Pusher(session.client, session.store, str(cloud_only.tag)).run()
    (changed.path / "weights" / "big.bin").write_bytes(b"y" * 999)  # same count, new size

    items = {i["tag"]: i for i in json.loads(run_list(["--json"], home, cloud))}
    assert {t: i["state"] for t, i in items.items()} == {
        str(synced.tag): "in_sync",
        str(changed.tag): "differs",
        str(local_only.tag): "local_only",
        str(cloud_only.tag): "cloud_only",
    }
    assert items[str(synced.tag)]["verified"] is True  # hashes were cached by the push
    assert (items[str(synced.tag)]["local"], items[str(synced.tag)]["cloud"]) == (True, True)
    assert items[str(cloud_only.tag)]["local"] is False
    assert items[str(cloud_only.tag)]["upload_status"] == "success"
    assert items[str(local_only.tag)]["creation_time"]
    for item in items.values():
        assert {"tag", "name", "version", "size_bytes", "labels", "state"} <= set(item)

    listed = json.loads(run_list(["--cloud", "--json"], home, cloud))
    assert {c["tag"] for c in listed} == {str(synced.tag), str(changed.tag), str(cloud_only.tag)}
    for item in listed:
        assert item["upload_status"] == "success" and item["build_at"]
        assert item["checksums"] is True

    table = run_list([], home, cloud)
    assert table.splitlines()[0].split() == ["TAG", "STATE", "SIZE", "LABELS"]
    assert "In sync ✓" in table and "Local only" in table and "Cloud only" in table
    assert "BUILT" in run_list(["--cloud"], home, cloud)
    assert LocalStore(home).get(str(synced.tag))
