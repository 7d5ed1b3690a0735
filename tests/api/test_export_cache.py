"""A server's files of the stored days (strikes.api.export_cache; migration 0020): a date-range
GeoJSON download reads each whole day's pieces from files named by their digest, written by the
first download that needed them, and its bytes stay the live export's after a day changes, on
every host, with a file damaged or missing, and with no usable directory at all."""

import os
from pathlib import Path

import pytest
from django.db import connection

from strikes import tasks
from strikes.api import export_cache
from strikes.models import Attack
from tests.api.test_export_days import RANGES, build_days, download, expected

WHOLE_DAY = "occurred_after=2025-04-24&occurred_before=2025-04-25"  # two whole days, no edge rows


def files(root: Path) -> dict[str, list[Path]]:
    """{head directory: its piece files}, temporary files left out."""
    if not root.exists():
        return {}
    heads = (d for d in sorted(root.iterdir()) if d.is_dir())
    return {d.name: sorted(p for p in d.iterdir() if not p.name.startswith(".")) for d in heads}


def digests(*days: str) -> set[str]:
    """The digests of the stored pieces (of ``days`` only, when given)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")  # this transaction's writes first
        cursor.execute(
            "SELECT encode(digest, 'hex') FROM strikes_attackexport_day"
            " WHERE %s::date[] = '{}' OR day = ANY (%s::date[])",
            [list(days), list(days)],
        )
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def root(settings) -> Path:
    return Path(settings.EXPORT_CACHE_DIR)


def test_the_first_download_writes_the_pieces_and_the_next_reads_them(anon, world, root):
    build_days()
    assert files(root) == {}
    first = download(anon, WHOLE_DAY, "testserver")
    assert first == expected(WHOLE_DAY, "testserver")
    (written,) = files(root).values()
    # One file per stored piece of the range's days, named by its digest.
    assert {p.name for p in written} == digests("2025-04-24", "2025-04-25")
    # What the next download sends is the file: a byte changed in it (same size) is seen.
    for path in written:
        text = path.read_bytes()
        path.write_bytes(text.replace(b"Kharkiv", b"KHARKIV"))
    assert b"KHARKIV" in download(anon, WHOLE_DAY, "testserver")


def test_every_range_and_host_is_the_live_export_read_cold_then_warm(anon, world, root):
    build_days()
    for _ in range(2):
        for host in ("testserver", "localhost:8301"):
            for query in RANGES:
                assert download(anon, query, host) == expected(query, host), (query, host)
    assert len(files(root)) == 2  # one directory per url head


def test_a_day_changed_is_read_from_its_new_piece_not_the_old_file(anon, world, root):
    build_days()
    download(anon, WHOLE_DAY, "testserver")
    before = digests()
    Attack.objects.filter(pk=world.attacks["a2"].pk).update(description="Rebuilt at commit, with a comma")
    assert digests() != before
    body = download(anon, WHOLE_DAY, "testserver")
    assert b"Rebuilt at commit, with a comma" in body
    assert body == expected(WHOLE_DAY, "testserver")


def test_a_file_of_the_wrong_size_is_not_read_and_is_written_again(anon, world, root):
    build_days()
    download(anon, WHOLE_DAY, "testserver")
    (written,) = files(root).values()
    damaged = written[0]
    whole = damaged.read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2])
    assert download(anon, WHOLE_DAY, "testserver") == expected(WHOLE_DAY, "testserver")
    assert damaged.read_bytes() == whole


def test_a_file_removed_after_it_was_opened_is_still_read_whole(anon, world, root, monkeypatch):
    """A download opens its files before its statement: a prune (or another server's) removing
    one meanwhile does not cut the download short."""
    build_days()
    download(anon, WHOLE_DAY, "testserver")
    hold = export_cache.hold

    def hold_then_remove(cursor, statement):
        held = hold(cursor, statement)
        for path in files(root)[os.path.basename(held.directory)]:
            path.unlink()
        return held

    monkeypatch.setattr(export_cache, "hold", hold_then_remove)
    assert download(anon, WHOLE_DAY, "testserver") == expected(WHOLE_DAY, "testserver")


def test_no_more_than_max_heads_directories(anon, world, root, monkeypatch):
    monkeypatch.setattr(export_cache, "MAX_HEADS", 2)
    build_days()
    for i in range(4):
        host = f"localhost:800{i}"
        assert download(anon, WHOLE_DAY, host) == expected(WHOLE_DAY, host)
    assert len(files(root)) == 2


@pytest.mark.parametrize("where", ["", "a file"])
def test_without_a_usable_directory_the_database_answers(anon, world, settings, tmp_path, where):
    if where:
        blocker = tmp_path / "not-a-directory"
        blocker.write_text("x")
        settings.EXPORT_CACHE_DIR = str(blocker / "cache")
    else:
        settings.EXPORT_CACHE_DIR = ""
    build_days()
    for query in RANGES:
        assert download(anon, query, "testserver") == expected(query, "testserver")


def test_prune_removes_the_files_of_pieces_no_longer_stored(anon, world, root):
    build_days()
    download(anon, WHOLE_DAY, "testserver")
    (head,) = files(root)
    old = set(digests())
    Attack.objects.filter(pk=world.attacks["a2"].pk).update(description="Day rebuilt")
    download(anon, WHOLE_DAY, "testserver")
    leftover = root / head / f"{export_cache._TEMPORARY}x-1-1"
    leftover.write_bytes(b"half")
    os.utime(leftover, (0, 0))  # left by a process that stopped long ago
    fresh = root / head / f"{export_cache._TEMPORARY}y-1-1"
    fresh.write_bytes(b"being written")
    gone = old - digests()
    assert gone and gone <= {p.name for p in files(root)[head]}
    tasks.export_days_build()  # the beat task prunes too
    assert {p.name for p in files(root)[head]} == digests() & {p.name for p in files(root)[head]}
    assert not gone & {p.name for p in files(root)[head]}
    assert not leftover.exists() and fresh.exists()
    assert download(anon, WHOLE_DAY, "testserver") == expected(WHOLE_DAY, "testserver")
