"""How a finished push reads in the transfers list: verified, recorded only, or no checksums.

"Unverified" covers two different outcomes: BentoCloud stores the checksums
with the record for every pull to check but never checks an upload itself,
while another server may keep none at all. The rows must tell them apart.
The pushes are real (the engine against the live registry); the clients only
answer the final look-up as those servers would.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from PySide6.QtCore import Qt
from test_transfers_model import U, V, files, job
from transfer_support import Recorder, make_model, session_factory

from bentosync.application.jobs import JobStatus
from bentosync.application.settings import TransferSettings
from bentosync.core.cloud import CloudClient
from bentosync.core.cloud_records import CloudModel
from bentosync.core.transfer.progress import FileSnapshot
from bentosync.gui.delegates.checksum_icons import job_tooltip
from bentosync.gui.models import transfer_format as fmt
from bentosync.gui.models.transfers_model import COL_CHECKSUM, COL_STATUS, TransfersModel
from bentosync.gui.workers.transfer_manager import TransferManager

TOOLTIP = Qt.ItemDataRole.ToolTipRole


class UncheckedClient(CloudClient):
    """Answers as BentoCloud does: the checksums come back, no word of a check."""

    def get_model(self, name: str, version: str) -> CloudModel:
        return dataclasses.replace(super().get_model(name, version), archive_checked=False)


class ForgetfulClient(CloudClient):
    """Answers as a server that drops the checksums from the manifest."""

    def get_model(self, name: str, version: str) -> CloudModel:
        return dataclasses.replace(
            super().get_model(name, version), checksums=None, archive_checked=False
        )


def push_with(qtbot: Any, registry: Any, tmp_path, settings, client_class: type, name: str):
    home = tmp_path / name
    home.mkdir()
    model = make_model(home, name, {"weights.bin": 3000, "config.json": 40})
    factory = session_factory(registry.endpoint, registry.token, home, client_class=client_class)
    manager = TransferManager(factory, TransferSettings(settings))
    table = TransfersModel(manager)
    try:
        done = Recorder(manager).wait(qtbot, manager.push(str(model.tag)))
    finally:
        assert manager.shutdown(30_000)
    assert done.status is JobStatus.DONE, done.error
    return done, table


@pytest.mark.parametrize(
    ("client_class", "status", "checksum"),
    [
        (CloudClient, "Done, verified", "All 3 files verified: the server checked it"),
        (
            UncheckedClient,
            "Done, unverified: recorded in the cloud for pulls to check; this server does "
            "not check uploads",
            "All 3 files unverified: recorded in the cloud for pulls to check; this server "
            "does not check uploads",
        ),
        (
            ForgetfulClient,
            "Done, unverified: the server keeps no checksums",
            "All 3 files unverified: the server keeps no checksums",
        ),
    ],
    ids=["checked", "recorded-only", "no-checksums"],
)
def test_each_outcome_reads_as_itself(
    qtbot, registry, tmp_path, settings, client_class, status, checksum
):
    done, table = push_with(qtbot, registry, tmp_path, settings, client_class, "outcome")
    row = table.job_index(done.job_id)
    status_cell, checksum_cell = row.siblingAtColumn(COL_STATUS), row.siblingAtColumn(COL_CHECKSUM)
    assert status_cell.data() == status
    assert checksum_cell.data(TOOLTIP) == checksum
    assert status_cell.data(TOOLTIP) == done.message  # the engine's whole sentence
    if client_class is UncheckedClient:
        assert "checksums recorded for every pull to check" in done.message


def test_mixed_outcomes_list_each_reason(qapp):
    mixed = (
        FileSnapshot("a", 1, 1, V, "the whole model matches its checksum"),
        FileSnapshot("b", 1, 1, U, "the server keeps no checksums"),
        FileSnapshot("c", 1, 1, U, "the server keeps no checksums"),
    )
    assert job_tooltip(mixed) == (
        "1 of 3 files verified, 2 unverified\n"
        "2 unverified: the server keeps no checksums\n"
        "1 verified: the whole model matches its checksum"
    )
    assert job_tooltip(mixed[:1]) == "1 file verified: the whole model matches its checksum"
    finished = dataclasses.replace(job(1, mixed), status=JobStatus.DONE)
    assert fmt.job_status_text(finished) == "Done"
    plain = dataclasses.replace(job(2, files(("x", 1, 1, V))), status=JobStatus.DONE)
    assert fmt.job_status_text(plain) == "Done, verified"
    assert job_tooltip(plain.files) == "1 of 1 files verified"
