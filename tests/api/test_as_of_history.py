"""`as_of=` over a longer history: every answer at a past moment is the answer the API gave live
at that moment.

The snapshot reads today's rows for the attacks that did not change since the moment, rebuilds
the others from the history, and corrects the timeline's and the map's summary tables by the
changed attacks only (strikes.api.asof). The oracle here is independent of all that: the live
answers (no ``as_of``) recorded at each moment, before the later writes. Between moments
attacks are created, published, moved (across map cells, onto and off their cell's bounds),
re-dated, given and changed figures, retracted, discounted and deleted. A few totals are also
checked against values worked out by hand.

These tests commit (transactional_db): history rows carry their transaction's time.
"""

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from casualties.services import claim_record, decision_make
from strikes.models import Attack
from strikes.services import attack_retract, attack_update
from tests.api.conftest import client_for
from tests.factories import AttackFactory, PlaceFactory

UTC = dt.UTC


def moment() -> str:
    """Now, between two committed writes (a little apart, so the history tells them apart)."""
    time.sleep(0.02)
    stamp = timezone.now().isoformat()
    time.sleep(0.02)
    return stamp


def day(d: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, 3, d, hour, tzinfo=UTC)


KHARKIV_OBLAST_BOX = "35.0,49.0,38.0,51.0"


def probes(oblast_id: int) -> list[tuple[str, str, list, dict]]:
    """(name, url name, url args, query) of every answer compared: the list and the timeline
    with and without filters the summary tables answer (and some they do not), the map from
    the coarse cells, with a box (edge cells read from the attacks) and zoomed in."""
    return [
        ("list", "api-attack-list", [], {"page_size": 100}),
        ("list_oblast", "api-attack-list", [], {"oblast": oblast_id, "ordering": "-killed_best"}),
        ("timeline_day", "api-timeline", [], {"bucket": "day"}),
        ("timeline_month", "api-timeline", [], {"bucket": "month"}),
        ("timeline_oblast", "api-timeline", [], {"bucket": "day", "oblast": oblast_id}),
        ("timeline_cut", "api-timeline", [], {"bucket": "day", "occurred_after": "2025-03-02T12:00:00Z"}),
        ("timeline_range", "api-timeline", [], {"bucket": "week", "figures": "range"}),
        ("timeline_grade", "api-timeline", [], {"bucket": "day", "grade": "discounted,single_source"}),
        ("map_country", "api-map", [], {"zoom": 6}),
        ("map_coarse", "api-map", [], {"zoom": 3}),
        ("map_box", "api-map", [], {"zoom": 7, "bbox": KHARKIV_OBLAST_BOX}),
        ("map_fine_box", "api-map", [], {"zoom": 10, "bbox": "36.0,49.8,36.5,50.1"}),
        ("map_oblast", "api-map", [], {"zoom": 8, "oblast": oblast_id}),
    ]


def answers(client, oblast_id: int, attack_ids, as_of: str | None = None) -> dict:
    extra = {} if as_of is None else {"as_of": as_of}
    out = {}
    for name, url, args, query in probes(oblast_id):
        response = client.get(reverse(url, args=args), {**query, **extra})
        assert response.status_code == 200, (name, response.content)
        out[name] = response.json()
    for attack_id in attack_ids:
        response = client.get(reverse("api-attack-detail", args=[attack_id]), extra)
        out[f"detail_{attack_id}"] = (response.status_code, response.json())
    return out


@pytest.fixture
def history(transactional_db, editor, settings):
    """Five moments of a small history, each with the live answers recorded at it."""
    settings.API_AGGREGATE_CACHE_SECONDS = 0  # live answers at successive moments, never a cached one
    staff = client_for(editor)
    oblast = PlaceFactory(name="Kharkiv oblast", kind="oblast", latitude=49.99, longitude=36.23)
    kharkiv = PlaceFactory(name="Kharkiv", kind="city", parent=oblast, oblast=oblast, latitude=49.99, longitude=36.23)
    odesa = PlaceFactory(name="Odesa", latitude=46.48, longitude=30.72)
    lviv = PlaceFactory(name="Lviv", latitude=49.84, longitude=24.03)
    recorded = []
    ids: list[int] = []

    def record():
        stamp = moment()
        seen = {
            "staff": answers(staff, oblast.pk, list(ids)),
            "public": answers(client_for(None), oblast.pk, list(ids)),
        }
        recorded.append((stamp, seen))

    record()  # nothing yet
    a = AttackFactory(place=kharkiv, occurred_at=day(1), latitude=49.99, longitude=36.23)
    b = AttackFactory(place=kharkiv, occurred_at=day(1, 22), latitude=49.95, longitude=36.30)  # a Kyiv-day edge
    c = AttackFactory(place=odesa, occurred_at=day(2), latitude=46.48, longitude=30.72)
    d = AttackFactory(place=kharkiv, occurred_at=day(3), latitude=50.01, longitude=36.20, status="draft")
    # Three more in a's and b's map cell, so it is a cluster whose bounds the map shows.
    near = [
        AttackFactory(place=kharkiv, occurred_at=day(1, 8), latitude=lat, longitude=lon)
        for lat, lon in ((49.97, 36.21), (49.98, 36.26), (50.00, 36.28))
    ]
    ids += [a.pk, b.pk, c.pk, d.pk, *(n.pk for n in near)]
    claim_record(attack=a, category="killed", value=2, qualifier="exact", reported_at=None, source_label="SES")
    decision_make(attack=a, category="killed", best=2, low=2, high=2, rationale="One source.", by=editor)
    claim_record(attack=c, category="injured", value=7, qualifier="exact", reported_at=None, source_label="SES")
    record()  # 1: four attacks, a killed 2, c injured 7
    decision_make(attack=a, category="killed", best=5, low=4, high=6, rationale="SES update.", by=editor)
    # b moves within its cell, off the bounds it set (its old point was the cell's max longitude).
    attack_update(attack=b, by=editor, latitude=49.96, longitude=36.24)
    record()  # 2: a killed 5
    e = AttackFactory(place=lviv, occurred_at=day(4), latitude=49.84, longitude=24.03)
    ids.append(e.pk)
    attack_retract(attack=c, by=editor, reason="Duplicate.")
    # a moves to another day and another cell; d (a draft) goes.
    attack_update(attack=a, by=editor, occurred_at=day(5), latitude=50.30, longitude=36.90)
    Attack.objects.get(pk=d.pk).delete()
    record()  # 3
    Attack.objects.filter(pk=b.pk).update(grade="discounted", updated_at=timezone.now())
    f = AttackFactory(place=kharkiv, occurred_at=day(2), latitude=49.99, longitude=36.23)
    # g stretches the cluster's bounds (north-east): read as at 3, they shrink back.
    g = AttackFactory(place=kharkiv, occurred_at=day(6), latitude=50.10, longitude=36.50)
    ids += [f.pk, g.pk]
    record()  # 4: b discounted (out of the default counts), f and g new
    return {"moments": recorded, "oblast": oblast, "staff": staff, "ids": ids, "a": a, "b": b, "c": c, "e": e}


def test_every_answer_at_every_moment_is_the_live_answer_then(history):
    staff, oblast = history["staff"], history["oblast"]
    public = client_for(None)
    for number, (stamp, seen) in enumerate(history["moments"]):
        for who, client in (("staff", staff), ("public", public)):
            now = answers(client, oblast.pk, history["ids"], as_of=stamp)
            for name in seen[who]:
                assert now[name] == seen[who][name], (number, who, name)


def test_the_totals_worked_out_by_hand(history):
    staff, moments = history["staff"], history["moments"]

    def totals(stamp):
        rows = staff.get(reverse("api-timeline"), {"bucket": "month", "as_of": stamp}).json()["results"]
        return sum(r["attacks"] for r in rows), sum(r["killed"] for r in rows), sum(r["injured"] for r in rows)

    # Staff see every status. 1: a, b, c, d and three near (killed 2, injured 7); 2: a's figure
    # 5; 3: d deleted, e added, c retracted (still counted for staff); 4: b discounted, f, g added.
    assert [totals(stamp) for stamp, _ in moments] == [(0, 0, 0), (7, 2, 7), (7, 5, 7), (7, 5, 7), (8, 5, 7)]
    anon_counts = []
    for stamp, _ in moments:
        the_map = client_for(None).get(reverse("api-map"), {"zoom": 6, "as_of": stamp}).json()
        anon_counts.append(the_map["total"])
    # The public: published and not discounted. 1: a, b, c, near; 2: same; 3: a, b, e, near;
    # 4: a, e, f, g, near.
    assert anon_counts == [0, 6, 6, 6, 7]
    # At 3 the cluster around Kharkiv is b and the three near ones: g's corner is not in it.
    the_map = client_for(None).get(reverse("api-map"), {"zoom": 6, "as_of": moments[3][0]}).json()
    assert [(c["count"], c["bounds"]) for c in the_map["clusters"]] == [(4, [36.21, 49.96, 36.28, 50.0])]
    a_then = staff.get(reverse("api-attack-detail", args=[history["a"].pk]), {"as_of": moments[2][0]}).json()
    assert (a_then["killed_best"], a_then["latitude"], a_then["occurred_at"][:10]) == (5, 49.99, "2025-03-01")


def test_one_attacks_detail_reads_its_past_without_the_summaries(history):
    """A detail rebuilds only its attack; the answers of the aggregates are not disturbed by it."""
    staff, moments = history["staff"], history["moments"]
    c = history["c"]
    response = staff.get(reverse("api-attack-detail", args=[c.pk]), {"as_of": moments[2][0]})
    assert response.json()["status"] == "published"
    assert (
        staff.get(reverse("api-attack-detail", args=[c.pk]), {"as_of": moments[3][0]}).json()["status"] == "retracted"
    )
    assert client_for(None).get(reverse("api-attack-detail", args=[c.pk]), {"as_of": moments[3][0]}).status_code == 410


def test_a_snapshot_rebuilds_only_the_attacks_changed_since_its_moment(history):
    """The cost of a snapshot follows the changes since its moment, not the size of the data:
    at moment 3 only b (discounted since) is rebuilt from the history; f and g, created since,
    are left out; the six others are today's rows."""
    from django.db import connection

    from strikes.api import asof

    stamp = dt.datetime.fromisoformat(history["moments"][3][0])
    b = history["b"]
    with asof.snapshot(stamp), connection.cursor() as cursor:
        cursor.execute("SELECT id FROM pg_temp.asof_attacks")
        assert [row[0] for row in cursor.fetchall()] == [b.pk]
        cursor.execute("SELECT count(*) FROM pg_temp.asof_changed")
        assert cursor.fetchone()[0] == 3
        cursor.execute("SELECT count(*), count(*) FILTER (WHERE grade = 'discounted') FROM strikes_attack")
        assert cursor.fetchone() == (7, 0)
