"""Multipart uploads: one part failing for good stops the others at once.

A scripted server (unit level) answers the API and the part PUTs, so the
timing of each part's attempts can be read back exactly.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from bentosync.core.cloud import CloudClient
from bentosync.core.cloud_errors import RequestRejected
from bentosync.core.tags import Tag
from bentosync.core.transfer.progress import TransferProgress
from bentosync.core.transfer.tarlayout import TarLayout
from bentosync.core.transfer.upload import ArchiveUploader
from support.fake_cloud import Reply, Seen, model_json, running_fake_cloud

MiB = 1024 * 1024
BASE = "/api/v1/model_repositories/demo/models/v1"


def test_a_part_refused_for_good_stops_the_parts_still_retrying(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "weights.bin").write_bytes(b"w" * (12 * MiB))  # three 5 MiB parts
    with running_fake_cloud() as fake:

        def presign(seen: Seen) -> Reply:
            number = json.loads(seen.body)["part_number"]
            url = f"{fake.endpoint}/part/{number}"
            return Reply(200, model_json(presigned_upload_url=url, upload_id="u1"))

        def refuse_late(seen: Seen) -> Reply:
            time.sleep(0.3)  # part 2 is under way, retrying, when part 1 fails
            return Reply(400, {"error": "part 1 is refused for good"})

        fake.route(
            "PATCH", f"{BASE}/start_multipart_upload", Reply(200, model_json(upload_id="u1"))
        )
        fake.route("PATCH", f"{BASE}/presign_multipart_upload_url", presign)
        fake.route("PUT", "/part/1", refuse_late)
        fake.route("PUT", "/part/2", Reply(503, {"error": "busy"}))  # retryable, forever
        fake.route("PUT", "/part/3", Reply(503, {"error": "busy"}))
        with CloudClient(fake.endpoint, "token") as client:
            uploader = ArchiveUploader(
                client,
                Tag("demo", "v1"),
                TarLayout.from_folder(folder),
                TransferProgress("push", "demo:v1"),
                threading.Event(),
                None,
                threads=2,
                part_size=5 * MiB,
            )
            began = time.monotonic()
            with pytest.raises(RequestRejected, match="refused for good"):
                uploader.send_multipart(None)
            elapsed = time.monotonic() - began
        puts = fake.paths("PUT")
    # Part 2 alone would go on for its 8 attempts, about half a minute of backoff.
    assert elapsed < 5, elapsed
    assert 1 <= puts.count("/part/2") <= 3, puts
    assert "/part/3" not in puts  # never started: the upload was already lost
