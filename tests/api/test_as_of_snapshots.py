"""Stored snapshots of the summaries (strikes.asof_snapshots): an ``as_of`` answer corrected from
the nearest snapshot is the live answer at that moment, for moments before, at, between and
after the snapshots; a write that would make a snapshot disagree deletes it.

The oracle is the same as in test_as_of_history: the live answers recorded at each moment of
its history, before the later writes.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strikes.asof_snapshots import snapshot_take, snapshots_prune
from strikes.models import Attack
from tests.api.conftest import client_for
from tests.api.test_as_of_history import answers, history  # noqa: F401 -- the fixture

NO_LAG = dt.timedelta(0)  # the history's moments are seconds old; nothing writes meanwhile


def stored() -> list[dt.datetime]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT taken_at FROM strikes_asof_snapshot ORDER BY taken_at")
        return [row[0] for row in cursor.fetchall()]


def at(recorded, number: int) -> dt.datetime:
    return dt.datetime.fromisoformat(recorded["moments"][number][0])


@pytest.fixture
def snapshots(history):  # noqa: F811 -- the fixture imported above
    """Snapshots at moments 1 and 3 of the history (taken after all of it was written)."""
    snapshot_take(at=at(history, 3), lag=NO_LAG)
    snapshot_take(at=at(history, 1), lag=NO_LAG)
    assert stored() == [at(history, 1), at(history, 3)]
    return history


def test_every_answer_from_a_snapshot_is_the_live_answer_then(snapshots):
    """Moment 0 is before both snapshots, 1 and 3 are theirs, 2 between, 4 after the last."""
    staff, oblast = snapshots["staff"], snapshots["oblast"]
    public = client_for(None)
    for number, (stamp, seen) in enumerate(snapshots["moments"]):
        for who, client in (("staff", staff), ("public", public)):
            now = answers(client, oblast.pk, snapshots["ids"], as_of=stamp)
            for name in seen[who]:
                assert now[name] == seen[who][name], (number, who, name)


def test_the_summaries_start_from_the_nearest_snapshot(snapshots):
    """At moments 0, 1 and 2 the map and the timeline read a snapshot's rows (fewer attacks
    differ from it than changed since those moments); at 4 nothing changed since, so today's
    tables answer."""
    staff = snapshots["staff"]

    def reads_a_snapshot(number: int) -> bool:
        with CaptureQueriesContext(connection) as queries:
            staff.get(reverse("api-map"), {"zoom": 6, "as_of": snapshots["moments"][number][0]})
            staff.get(reverse("api-timeline"), {"bucket": "day", "as_of": snapshots["moments"][number][0]})
        return any("strikes_asof_snapshot_cell" in q["sql"] for q in queries.captured_queries) and any(
            "strikes_asof_snapshot_daily_total" in q["sql"] for q in queries.captured_queries
        )

    assert [reads_a_snapshot(n) for n in range(5)] == [True, True, True, True, False]


def test_the_totals_worked_out_by_hand_from_snapshots(snapshots):
    staff, moments = snapshots["staff"], snapshots["moments"]

    def totals(stamp):
        rows = staff.get(reverse("api-timeline"), {"bucket": "month", "as_of": stamp}).json()["results"]
        return sum(r["attacks"] for r in rows), sum(r["killed"] for r in rows), sum(r["injured"] for r in rows)

    # As in test_as_of_history: 1: a, b, c, d and three near (killed 2, injured 7); 2: a's
    # figure 5; 3: d deleted, e added, c retracted; 4: b discounted, f and g added.
    assert [totals(stamp) for stamp, _ in moments] == [(0, 0, 0), (7, 2, 7), (7, 5, 7), (7, 5, 7), (8, 5, 7)]
    public = client_for(None)
    assert [public.get(reverse("api-map"), {"zoom": 6, "as_of": s}).json()["total"] for s, _ in moments] == [
        0,
        6,
        6,
        6,
        7,
    ]
    # At 3 (a snapshot's own moment) and at 2 (corrected from one): the Kharkiv cluster's bounds.
    clusters = public.get(reverse("api-map"), {"zoom": 6, "as_of": moments[3][0]}).json()["clusters"]
    assert [(c["count"], c["bounds"]) for c in clusters] == [(4, [36.21, 49.96, 36.28, 50.0])]
    clusters = public.get(reverse("api-map"), {"zoom": 6, "as_of": moments[2][0]}).json()["clusters"]
    assert [(c["count"], c["bounds"]) for c in clusters] == [(5, [36.21, 49.96, 36.28, 50.0])]


def test_a_back_dated_write_deletes_the_snapshots_it_makes_wrong(snapshots):
    """A row written with an ``updated_at`` older than LAG (an import, the generator, a long
    transaction) could change what ``as_of`` computes for the moments after it: the snapshots
    from that time on go, an earlier one stays, and the answers are still the live ones then."""
    staff, oblast = snapshots["staff"], snapshots["oblast"]
    early = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    snapshot_take(at=early, lag=NO_LAG)
    Attack.objects.filter(pk=snapshots["b"].pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert stored() == [early]
    # b's history still dates its changes: at 3 (and 2) it is what it was then.
    for number in (2, 3):
        stamp, seen = snapshots["moments"][number]
        now = answers(staff, oblast.pk, [], as_of=stamp)
        for name in ("timeline_day", "timeline_oblast", "map_country", "map_box", "list"):
            assert now[name] == seen["staff"][name], (number, name)


def test_recent_writes_leave_the_snapshots(snapshots):
    """A write made now (its history event and updated_at after every snapshot's moment) is
    among the attacks changed since them: nothing to delete."""
    Attack.objects.filter(pk=snapshots["e"].pk).update(killed_best=9, updated_at=timezone.now())
    assert stored() == [at(snapshots, 1), at(snapshots, 3)]


def test_pruning_keeps_the_latest(snapshots):
    assert snapshots_prune(keep=1) == 1
    assert stored() == [at(snapshots, 3)]


def test_the_command_takes_a_snapshot_at_a_past_moment_not_a_recent_one(history):  # noqa: F811
    with pytest.raises(CommandError, match="at least"):
        call_command("asof_snapshot", "--at", timezone.now().isoformat())
    assert stored() == []
    call_command("asof_snapshot", "--at", "2025-01-01T00:00:00Z")
    assert stored() == [dt.datetime(2025, 1, 1, tzinfo=dt.UTC)]


def test_an_answer_built_without_the_figures_cannot_read_todays(history):  # noqa: F811
    """The map and the decided timeline skip deriving the published figures: a statement of
    theirs reading them fails instead of showing today's figures as the past's."""
    from django.db import DataError, transaction

    from casualties.models import PublishedFigure
    from strikes.api import asof

    stamp = at(history, 1)
    with asof.snapshot(stamp, figures=False):
        with pytest.raises(DataError, match="without the published figures"), transaction.atomic():
            list(PublishedFigure.objects.values_list("best", flat=True))
        assert Attack.objects.count() == 7  # a, b, c, d (a draft) and three near: as then
    with asof.snapshot(stamp):
        # a's killed 2 (decided), c's injured 7 (a claim): derived as then.
        assert sorted(PublishedFigure.objects.values_list("best", flat=True)) == [2, 7]


def test_the_attacks_are_rebuilt_when_asked_and_not_read_before(history):  # noqa: F811
    """The decided timeline's snapshot rebuilds the attacks only when they are read
    (asof.attacks()); a read before that fails instead of showing today's attacks."""
    from django.db import DataError, transaction

    from strikes.api import asof

    with asof.snapshot(at(history, 1), figures=False, attacks=False):
        with pytest.raises(DataError, match="not rebuilt"), transaction.atomic():
            Attack.objects.count()
        asof.attacks()
        asof.attacks()  # once
        assert Attack.objects.count() == 7  # as then: e, f and g came later, d is back


def test_beat_takes_a_snapshot_and_keeps_the_configured_number(history, settings):  # noqa: F811
    """The beat schedule runs the snapshot task every ASOF_SNAPSHOT_HOURS; each run stores one of
    the moment LAG (five minutes) ago and keeps the ASOF_SNAPSHOT_KEEP latest."""
    from config.celery import app
    from strikes import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["asof-snapshot"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] == dt.timedelta(hours=24)
    snapshot_take(at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC), lag=NO_LAG)
    settings.ASOF_SNAPSHOT_KEEP = 1
    before = timezone.now()
    tasks.asof_snapshot_take.apply().get()
    kept = stored()
    assert len(kept) == 1
    assert before - dt.timedelta(minutes=5, seconds=5) < kept[0] < before - dt.timedelta(minutes=4, seconds=55)
