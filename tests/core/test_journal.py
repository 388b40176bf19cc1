"""The resume journal survives restarts and damage."""

from __future__ import annotations

from bentosync.core.transfer.journal import Journal

E = "http://127.0.0.1:1"


def test_upload_parts_survive_reopen(tmp_path):
    path = tmp_path / "j.sqlite"
    journal = Journal(path)
    journal.start_upload(
        E, "m", "v", upload_id="u1", part_size=100, archive_size=250, layout_digest="d"
    )
    journal.part_done(E, "m", "v", "u1", 2, '"etag2"')
    journal.part_done(E, "m", "v", "u1", 1, '"etag1"')
    journal.close()
    record = Journal(path).upload(E, "m", "v")
    assert record is not None
    assert (record.upload_id, record.part_size, record.archive_size) == ("u1", 100, 250)
    assert record.etags == {1: '"etag1"', 2: '"etag2"'}


def test_new_upload_replaces_old_parts(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    journal.start_upload(
        E, "m", "v", upload_id="u1", part_size=1, archive_size=1, layout_digest="d"
    )
    journal.part_done(E, "m", "v", "u1", 1, "e")
    journal.start_upload(
        E, "m", "v", upload_id="u2", part_size=1, archive_size=1, layout_digest="d"
    )
    record = journal.upload(E, "m", "v")
    assert record.upload_id == "u2" and record.etags == {}
    journal.forget_upload(E, "m", "v")
    assert journal.upload(E, "m", "v") is None
    assert journal.upload("other", "m", "v") is None


def test_download_checkpoint_round_trip(tmp_path):
    journal = Journal(tmp_path / "j.sqlite")
    checkpoint = {"member_offset": 1024, "written": 5, "done": [["a", 1, "00"]]}
    journal.save_download(
        E, "m", "v", staging=tmp_path / "s", archive_size=10240, checkpoint=checkpoint
    )
    record = journal.download(E, "m", "v")
    assert record.staging == tmp_path / "s" and record.checkpoint == checkpoint
    journal.forget_download(E, "m", "v")
    assert journal.download(E, "m", "v") is None


def test_download_lists_are_appended_to_not_rewritten(tmp_path):
    """A checkpoint adds the files finished since the last one; a reopened journal
    gives every list back whole, in order."""
    path = tmp_path / "j.sqlite"
    journal = Journal(path)

    def save(start: int, items: list[str], offset: int) -> None:
        journal.save_download(
            E,
            "m",
            "v",
            staging=tmp_path / "s",
            archive_size=0,
            checkpoint={"next_offset": offset},
            appended={"done": (start, [{"path": p} for p in items]), "seen": (start, items)},
        )

    save(0, ["a", "b"], 10)
    save(2, ["c"], 20)
    save(3, [], 30)
    journal.close()
    journal = Journal(path)
    record = journal.download(E, "m", "v")
    assert record.checkpoint == {"next_offset": 30}
    assert record.lists == {"done": [{"path": p} for p in "abc"], "seen": ["a", "b", "c"]}
    save(1, ["x"], 40)  # from position 1 on: what followed is replaced
    assert journal.download(E, "m", "v").lists["seen"] == ["a", "x"]
    save(0, [], 0)  # a new download of the same version starts its lists over
    assert journal.download(E, "m", "v").lists == {}
    save(0, ["a"], 1)
    journal.forget_download(E, "m", "v")
    assert journal.download(E, "m", "v") is None
    save(0, [], 0)
    assert journal.download(E, "m", "v").lists == {}


def test_corrupt_journal_is_replaced(tmp_path):
    path = tmp_path / "j.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    journal = Journal(path)
    assert journal.upload(E, "m", "v") is None
    journal.part_done(E, "m", "v", "u", 1, "e")
