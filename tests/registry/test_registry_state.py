"""The upload state machine in-process: the paths HTTP tests cannot time reliably."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timezone

import pytest
from registry_helpers import make_tar, model_files, stored_list

from bentosync.core.archive import scan_tar_stream
from bentosync.registry.blobs import BlobStore
from bentosync.registry.catalog import Catalog, ModelRecord
from bentosync.registry.config import RegistryConfig
from bentosync.registry.errors import BadRequest, Conflict
from bentosync.registry.uploads import Uploads
from support.postgres import DATABASE_PARAMS, open_test_database


@pytest.fixture(params=DATABASE_PARAMS)
def parts(request, tmp_path):
    config = RegistryConfig(data_dir=tmp_path, finish_wait=0.2)
    db = open_test_database(request, tmp_path / "registry.db")
    blobs = BlobStore(tmp_path)
    catalog = Catalog(db)
    uploads = Uploads(db, catalog, blobs, config)
    yield db, blobs, catalog, uploads
    uploads.close()
    db.close()
    blobs.close()


def new_model(catalog: Catalog, version: str = "v1") -> ModelRecord:
    repository = catalog.create_repository("demo", "", [])
    return catalog.create_model(
        repository,
        version,
        description="",
        labels=[],
        manifest={"module": "", "api_version": "v1", "bentoml_version": "1", "size_bytes": 0},
        build_at=datetime.now(timezone.utc),
        list_from_client=False,
    )


def stage(blobs: BlobStore, archive: bytes):
    tmp = blobs.new_tmp("test")
    tmp.write_bytes(archive)
    return tmp, scan_tar_stream(io.BytesIO(archive), capture=("model.yaml",))


def test_finish_during_a_slow_check_completes_in_the_background(parts):
    _db, blobs, catalog, uploads = parts
    model = uploads.start_upload(new_model(catalog))
    archive = make_tar(model_files("demo", "v1"))
    release = threading.Event()

    def slow_job() -> None:
        release.wait(10)
        tmp, scan = stage(blobs, archive)
        uploads.accept(model, model.upload_seq, tmp, scan, finalize=False)

    uploads.submit_job(model, slow_job)
    with pytest.raises(Conflict):
        uploads.submit_job(model, slow_job)  # one job per model
    answered = uploads.finish(model, "success", "")
    assert answered.upload_status == "uploading" and answered.finish_requested
    release.set()
    for _ in range(100):
        if not uploads.job_running(model.id):
            break
        threading.Event().wait(0.05)
    done = catalog.get_model_by_id(model.id)
    assert done is not None and done.upload_status == "success"
    assert blobs.blob_path(model.uid).read_bytes() == archive
    assert stored_list(done.manifest)["files"]


def test_a_superseded_archive_is_dropped(parts):
    _db, blobs, catalog, uploads = parts
    first = uploads.start_upload(new_model(catalog))
    second = uploads.start_upload(first)
    tmp, scan = stage(blobs, make_tar(model_files("demo", "v1")))
    record, verdict = uploads.accept(first, first.upload_seq, tmp, scan, finalize=True)
    assert verdict.ok and record is None
    assert not tmp.exists() and not blobs.blob_path(first.uid).exists()
    current = catalog.get_model_by_id(second.id)
    assert current is not None and current.upload_status == "uploading"


def test_finish_rules(parts):
    _db, blobs, catalog, uploads = parts
    model = new_model(catalog)
    with pytest.raises(Conflict):
        uploads.finish(model, "success", "")  # still pending
    with pytest.raises(BadRequest):
        uploads.finish(model, "maybe", "")
    model = uploads.start_upload(model)
    tmp, scan = stage(blobs, make_tar(model_files("demo", "v1")))
    model, _ = uploads.accept(model, model.upload_seq, tmp, scan, finalize=False)
    assert model is not None and model.blob_ready and model.upload_status == "uploading"
    done = uploads.finish(model, "success", "")
    assert done.upload_status == "success"
    assert uploads.finish(done, "success", "").upload_status == "success"  # idempotent
    with pytest.raises(Conflict):
        uploads.finish(done, "failed", "client changed its mind")
    failed = uploads.finish(uploads.start_upload(done), "failed", "network down")
    assert failed.upload_status == "failed" and failed.upload_finished_reason == "network down"
