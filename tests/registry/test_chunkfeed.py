"""ChunkFeed: the check reads an arriving body from memory, as if from a growing file."""

from __future__ import annotations

import io
import os
import tarfile
import threading
import time

import pytest

from bentosync.core.archive import scan_tar_stream
from bentosync.core.errors import UnsafeArchive
from bentosync.registry.chunkfeed import ChunkFeed


def feed_later(feed: ChunkFeed, chunks: list[bytes], *, close: bool = True) -> threading.Thread:
    def run() -> None:
        for chunk in chunks:
            time.sleep(0.001)
            feed.feed([chunk])
        if close:
            feed.close_writer()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_reads_wait_for_bytes_and_span_chunks() -> None:
    data = os.urandom(10_000)
    feed = ChunkFeed()
    writer = feed_later(feed, [data[i : i + 777] for i in range(0, len(data), 777)])
    assert feed.read(3000) == data[:3000]  # waits, then joins four chunks
    assert feed.read(-1) == data[3000:]  # everything else, once the writer is done
    assert feed.read(10) == b""
    writer.join()


def test_a_buffer_is_given_back_one_chunk_after_the_reader_passed_it() -> None:
    """The reader may still hold a view of the chunk it just finished (a header that
    spans two chunks), so its buffer is reused only once the next one is read too."""
    released: list[str] = []
    feed = ChunkFeed()
    for name in ("a", "b", "c"):
        feed.feed([name.encode() * 100], lambda name=name: released.append(name))
    feed.close_writer()
    assert bytes(feed.read_view(100)) == b"a" * 100 and released == []
    assert bytes(feed.read_view(150)) == b"b" * 100 and released == ["a"]
    assert feed.read(50) == b"c" * 50 and released == ["a"]
    feed.close()  # the rest goes back too
    assert sorted(released) == ["a", "b", "c"]


def test_the_writer_waits_while_the_reader_is_far_behind() -> None:
    feed = ChunkFeed(ahead_limit=1000)
    feed.feed([b"a" * 1500])  # over the limit now
    blocked = threading.Thread(target=feed.feed, args=([b"b" * 10],), daemon=True)
    blocked.start()
    blocked.join(0.2)
    assert blocked.is_alive()  # held back
    assert feed.read(1000) == b"a" * 1000
    blocked.join(5)
    assert not blocked.is_alive()  # room again


def test_a_closed_reader_never_holds_the_writer() -> None:
    feed = ChunkFeed(ahead_limit=10)
    feed.feed([b"x" * 100])
    feed.close()  # the check is over (refused the archive, say)
    feed.feed([b"y" * 100])  # returns at once; the bytes are dropped
    with pytest.raises(ValueError, match="closed"):
        feed.read(10)


def test_an_aborted_upload_fails_the_reader() -> None:
    feed = ChunkFeed()
    feed.feed([b"x" * 100])
    threading.Timer(0.05, feed.abort).start()
    with pytest.raises(UnsafeArchive, match="stopped before"):
        feed.read(1000)


def test_the_archive_check_reads_a_tar_from_it() -> None:
    files = {f"weights/{n}.bin": os.urandom(300_000 + n) for n in range(5)}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    archive = buffer.getvalue()
    feed = ChunkFeed()
    feed_later(feed, [archive[i : i + 65_536] for i in range(0, len(archive), 65_536)])
    scan = scan_tar_stream(feed)  # type: ignore[arg-type]
    assert {entry.path: entry.size for entry in scan.files} == {
        name: len(content) for name, content in files.items()
    }


def test_read_view_hands_out_the_received_bytes_themselves() -> None:
    """The check hashes file data in place: a view into the chunk, never a copy."""
    first, second = os.urandom(1000), os.urandom(1000)
    feed = ChunkFeed()
    feed.feed([first, second])
    feed.close_writer()
    assert feed.read(900) == first[:900]
    views = [feed.read_view(500), feed.read_view(500), feed.read_view(5000), feed.read_view(10)]
    assert [view.obj for view in views[:3]] == [first, second, second]
    assert b"".join(views) == first[900:] + second
    assert len(views[-1]) == 0  # the end


def test_the_check_hashes_through_views_and_names_a_truncated_file(monkeypatch) -> None:
    content = os.urandom(200_000)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("weights.bin")
        info.size = len(content)
        tar.addfile(info, io.BytesIO(content))
    archive = buffer.getvalue()
    viewed = []
    real = ChunkFeed.read_view
    monkeypatch.setattr(
        ChunkFeed, "read_view", lambda self, size: viewed.append(size) or real(self, size)
    )
    feed = ChunkFeed()
    feed_later(feed, [archive[i : i + 65_536] for i in range(0, len(archive), 65_536)])
    scan = scan_tar_stream(feed)  # type: ignore[arg-type]
    assert [(e.path, e.size) for e in scan.files] == [("weights.bin", len(content))]
    assert sum(viewed) >= len(content)

    cut = ChunkFeed()
    feed_later(cut, [archive[:100_000]])
    with pytest.raises(UnsafeArchive, match=r"'weights\.bin' is truncated"):
        scan_tar_stream(cut)  # type: ignore[arg-type]
