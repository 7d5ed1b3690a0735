"""Stored days (strikes.api.export_days; migration 0018): a GeoJSON download whose only
filter is a date range reads each whole day's Features stored together, and its bytes are
always the live export's, on any host, after every kind of write: a day changed, an attack
moved to another day, a retraction, a bulk write that leaves days stale, a day of more than
one piece, moments at the edges that cut days."""

import datetime as dt
import importlib
import json

import pytest
from django.db import connection

from strikes import tasks
from strikes.api import export_lines
from strikes.api.formats import geojson_stream
from strikes.api.representation import FIELD_NAMES, Shape
from strikes.choices import EvidenceGrade
from strikes.models import Attack
from strikes.services import attack_retract
from tests.api.conftest import client_for, kyiv
from tests.factories import AttackFactory

RANGES = (
    "occurred_after=2025-01-01&occurred_before=2025-12-31",
    "occurred_after=2025-04-24&occurred_before=2025-04-25",
    "occurred_after=2025-04-24T12:00&occurred_before=2025-04-25T00:30",
    "occurred_after=2025-04-24T01:30",
    "occurred_before=2025-04-24",
    "occurred_after=2025-03-10&occurred_before=2025-03-10",
)


def build_days():
    """Every day built from the lines, as the rebuild after ``migrate`` leaves them (the test's
    world is written in one transaction, which marks more days than a commit rebuilds)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        cursor.execute("SELECT strikes_attackexport_days_build(NULL)")


def day_state() -> tuple[int, int]:
    """(days stored, marks of stale days) as the database has them now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        cursor.execute(
            "SELECT (SELECT count(DISTINCT day) FROM strikes_attackexport_day),"
            " (SELECT count(*) FROM strikes_attackexport_stale)"
        )
        return cursor.fetchone()


def stored_days() -> bytes:
    """Every stored day's Features, as stored."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(features, ',' ORDER BY day, piece) FROM strikes_attackexport_day")
        return (cursor.fetchone()[0] or "").encode()


def expected(query: str, host: str) -> bytes:
    """The live export (the declaration's SQL, no stored line or day) of the public attacks the
    query's moments select, found here without the code under test: newest first, ties by id."""
    params = dict(p.split("=") for p in query.split("&"))
    rows = Attack.objects.filter(status="published").exclude(grade=EvidenceGrade.DISCOUNTED)

    def moment(value: str, end: bool) -> dt.datetime:
        if "T" in value:
            return dt.datetime.fromisoformat(value).replace(tzinfo=kyiv(2025, 1, 1).tzinfo)
        day = dt.date.fromisoformat(value) + dt.timedelta(days=1 if end else 0)
        return kyiv(day.year, day.month, day.day)

    if "occurred_after" in params:
        rows = rows.filter(occurred_at__gte=moment(params["occurred_after"], False))
    if "occurred_before" in params:
        value = params["occurred_before"]
        rows = (
            rows.filter(occurred_at__lte=moment(value, True))
            if "T" in value
            else rows.filter(occurred_at__lt=moment(value, True))
        )
    shape = Shape("decided", FIELD_NAMES, (f"http://{host}/api/v1/attacks/", "/"), None)
    return b"".join(geojson_stream(rows.order_by("-occurred_at", "-id"), shape))


def download(client, query: str, host: str) -> bytes:
    response = client.get(f"/api/v1/attacks/?format=geojson&{query}", HTTP_HOST=host)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def assert_served_as_live(client, hosts=("testserver", "localhost:8301")):
    for host in hosts:
        for query in RANGES:
            body = download(client, query, host)
            assert body == expected(query, host), (query, host)


@pytest.fixture
def days_read(monkeypatch):
    """The date ranges ``features_sql`` answered from the stored days."""
    calls = []
    days_sql = export_lines._days_sql

    def spy(bounds, *args):
        calls.append(bounds)
        return days_sql(bounds, *args)

    monkeypatch.setattr(export_lines, "_days_sql", spy)
    return calls


def test_whole_days_are_read_from_the_stored_days_on_any_host(anon, world, days_read):
    build_days()
    assert day_state() == (4, 0)  # 1 Feb, 10 Mar, 24 and 25 Apr (Kyiv): the published ones
    assert_served_as_live(anon)
    assert len(days_read) == 2 * len(RANGES)


def test_what_is_served_is_the_stored_day(anon, world, days_read):
    """Not the lines, read again: a stored day changed by hand is what the download says."""
    build_days()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE strikes_attackexport_day SET features = replace(features, 'Kharkiv', 'Stored day')"
            " WHERE day = '2025-04-25'"
        )
    whole = download(anon, "occurred_after=2025-04-25&occurred_before=2025-04-25", "testserver")
    assert b"Stored day" in whole
    # A range that cuts the day reads its rows from the lines.
    cut = download(anon, "occurred_after=2025-04-25T00:00:01&occurred_before=2025-04-25", "testserver")
    assert b"Stored day" not in cut and json.loads(cut)["features"][0]["id"] == json.loads(whole)["features"][0]["id"]


def test_a_day_changed_is_rebuilt_at_commit(anon, world, days_read):
    build_days()
    Attack.objects.filter(pk=world.attacks["a2"].pk).update(description="Edited, with a comma")
    assert day_state() == (4, 0)
    assert_served_as_live(anon)


def test_a_draft_marks_no_day_and_its_publication_rebuilds_its_day(anon, world):
    """A draft is in no stored day: creating and editing one (what ingest does) marks and
    rebuilds nothing; publishing it rebuilds its day at commit, with it in."""
    build_days()

    def piece_of_24_april() -> str:
        day_state()  # the pending refresh (and any rebuild) first
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text || ids::text FROM strikes_attackexport_day WHERE day = '2025-04-24'")
            return cursor.fetchone()[0]

    before = piece_of_24_april()
    draft = AttackFactory(status="draft", occurred_at=kyiv(2025, 4, 24, 12, 0), latitude=50.0, longitude=30.5)
    Attack.objects.filter(pk=draft.pk).update(description="Still a draft", killed_best=3)
    with connection.cursor() as cursor:  # before the refresh at commit: no statement marked a day
        cursor.execute("SELECT count(*) FROM strikes_attackexport_stale")
        assert cursor.fetchone()[0] == 0
    assert piece_of_24_april() == before and day_state() == (4, 0)  # not written, nothing stale
    Attack.objects.filter(pk=draft.pk).update(status="published")
    after = piece_of_24_april()
    assert after != before and str(draft.pk) in after.split("{", 1)[1]
    assert day_state() == (4, 0)
    assert_served_as_live(anon)


def test_an_attack_moved_to_another_day_leaves_the_old_one(anon, world):
    build_days()
    a1 = world.attacks["a1"]
    a1.occurred_at = kyiv(2025, 3, 10, 18, 0)
    a1.save()
    assert day_state() == (4, 0)
    assert_served_as_live(anon)
    Attack.objects.filter(pk=world.attacks["a7"].pk).update(occurred_at=kyiv(2025, 6, 1, 9, 0))
    assert day_state() == (4, 0)  # 1 Feb gone empty, 1 Jun new
    assert_served_as_live(anon)


def test_a_retraction_and_a_discounted_grade(anon, world, editor):
    build_days()
    attack_retract(attack=world.attacks["a1"], by=editor, reason="A duplicate of another report.")
    assert_served_as_live(anon)
    Attack.objects.filter(pk=world.attacks["a4"].pk).update(grade=EvidenceGrade.DISCOUNTED)
    assert day_state() == (3, 0)  # 10 March now holds no public attack, 24 April still a2
    assert_served_as_live(anon)


def test_a_bulk_write_leaves_days_stale_and_read_from_the_lines(anon, world):
    build_days()
    Attack.objects.filter(status="published").update(description="Everywhere at once")
    days, stale = day_state()
    assert days == 4 and stale > 0  # more days than a commit rebuilds
    assert_served_as_live(anon)
    before = stored_days()
    # The beat task builds them again: the stored days now hold the edited descriptions.
    assert tasks.export_days_build.apply().get() == 4
    assert day_state() == (4, 0)
    after = stored_days()
    assert b"Everywhere at once" not in before and after.count(b"Everywhere at once") == 5
    assert_served_as_live(anon)
    assert tasks.export_days_build.apply().get() == 0  # nothing stale: nothing built


def test_the_stale_days_task_is_on_the_beat_schedule(settings):
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["export-days-build"]
    assert entry["task"] == "strikes.tasks.export_days_build" and entry["task"] in app.tasks
    assert entry["schedule"] == dt.timedelta(minutes=1)


def test_a_day_of_several_pieces(anon, world):
    count = export_lines.STORED_PIECE + 3
    for i in range(count):
        AttackFactory(occurred_at=kyiv(2025, 5, 2, 10, 0, i % 7), latitude=50.0, longitude=30.0 + i / 1000)
    build_days()

    def piece_versions() -> list[str]:
        """The row version of each piece of 2 May: a piece written again has a new one."""
        day_state()  # the pending refresh (and the day's rebuild) first
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM strikes_attackexport_day WHERE day = '2025-05-02' ORDER BY piece")
            return [v for (v,) in cursor.fetchall()]

    versions = piece_versions()
    assert len(versions) == 2
    queries = ("occurred_after=2025-05-02&occurred_before=2025-05-02", "occurred_after=2025-05-02T10:00:03")
    for query in queries:
        assert download(anon, query, "testserver") == expected(query, "testserver"), query
    # An edit rewrites the piece of the attack edited; a move out of the day, every piece after it.
    first, last = (
        Attack.objects.filter(occurred_at__date=dt.date(2025, 5, 2)).order_by(*order)[0]
        for order in (("-occurred_at", "-id"), ("occurred_at", "id"))
    )
    Attack.objects.filter(pk=first.pk).update(description="Edited in the first piece")
    assert piece_versions()[0] != versions[0] and piece_versions()[1] == versions[1]
    for query in queries:
        assert download(anon, query, "localhost") == expected(query, "localhost"), query
    Attack.objects.filter(pk=first.pk).update(occurred_at=kyiv(2025, 5, 3, 9))
    assert day_state() == (6, 0)
    for query in (*queries, RANGES[0]):
        assert download(anon, query, "testserver") == expected(query, "testserver"), query
    assert last.pk in [f["id"] for f in json.loads(download(anon, queries[0], "testserver"))["features"]]


def test_other_requests_read_the_lines(anon, analyst, world, days_read):
    """Any filter but a date range, another order, or a reader who sees drafts: not a stored
    day's set of attacks, so the lines answer (their own tests say they equal the live export)."""
    build_days()
    for query in ("oblast=Kharkiv Oblast&occurred_after=2025-04-01", "ordering=occurred_at", "grade=confirmed"):
        download(anon, query, "testserver")
    download(client_for(analyst), RANGES[0], "testserver")
    assert days_read == []


def test_migrated_back_and_forth_writes_still_work_and_answers_stay_right(anon, world, days_read):
    """Back before 0018 the tables, triggers and functions of the days are gone: install() puts
    back functions that build none, a write still refreshes its lines, and the downloads are the
    live export's; forward again, the days are built and read."""
    (operation,) = importlib.import_module("strikes.migrations.0018_attackexport_days").Migration.operations
    (digests,) = importlib.import_module("strikes.migrations.0020_attackexport_day_digest").Migration.operations
    build_days()
    with connection.cursor() as cursor:
        for sql in (*digests.reverse_sql, *operation.reverse_sql):
            cursor.execute(sql)
    assert export_lines.install(verbosity=0) is True
    Attack.objects.filter(pk=world.attacks["a2"].pk).update(description="Edited while migrated back.")
    assert b"Edited while migrated back." in download(anon, RANGES[1], "testserver")
    assert_served_as_live(anon, hosts=("testserver",))
    with connection.cursor() as cursor:
        for sql in operation.sql:
            cursor.execute(sql)
    # At 0018, pieces without digests: still no day built or read (the live export answers).
    assert export_lines.install(verbosity=0) is False
    assert_served_as_live(anon, hosts=("testserver",))
    with connection.cursor() as cursor:
        for sql in digests.sql:
            cursor.execute(sql)
    assert export_lines.install(verbosity=0) is True
    assert day_state() == (4, 0)  # the rebuild after install built every day
    assert_served_as_live(anon)
    assert len(days_read) > 0
