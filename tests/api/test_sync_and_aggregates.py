"""Keeping a copy in sync (updated_since + /changes/), the timeline and the map."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casualties.models import Claim, Decision
from strikes.models import Wave, WaveMunition
from strikes.services import attack_publish, attack_retract, attack_update
from tests.api.conftest import client_for, kyiv, result_ids
from tests.factories import ArticleFactory, AttackFactory

pytestmark = pytest.mark.django_db


# --- updated_since and /changes/ ---
# History rows carry their transaction's start time, so these tests commit for real
# (transactional_db) as requests do, instead of running inside one test transaction.


def changes(client, since):
    response = client.get(reverse("api-changes"), {"since": since.isoformat()})
    assert response.status_code == 200, response.content
    return response.json()


def test_sync_sees_edits_through_updated_since_and_removals_through_changes(transactional_db, anon, world, editor):
    since = timezone.now()
    a1, a2, a3, a4 = (world.attacks[k] for k in ("a1", "a2", "a3", "a4"))
    attack_update(attack=a2, by=editor, description="Drones hit a substation and a school.")
    attack_retract(attack=a3, by=editor, reason="Merged into another incident.")
    a4_id = a4.pk
    a4.delete()
    world.attacks["a6"].delete()  # was already retracted before `since`: the copy never had it

    updated = result_ids(anon.get(reverse("api-attack-list"), {"updated_since": since.isoformat()}))
    assert updated == {a2.pk}

    data = changes(anon, since)
    got = {(e["type"], e["id"], e["change"]) for e in data["results"]}
    assert got == {("attack", a3.pk, "retracted"), ("attack", a4_id, "deleted")}
    retracted = next(e for e in data["results"] if e["id"] == a3.pk)
    assert retracted["reason"] == "Merged into another incident."
    assert a1.pk not in {e["id"] for e in data["results"]}
    assert data["truncated"] is False
    assert dt.datetime.fromisoformat(data["until"]) < timezone.now() - dt.timedelta(minutes=1)


def test_changes_skip_attacks_public_again_and_drafts_never_public(transactional_db, anon, world, editor):
    since = timezone.now()
    a2, a5 = world.attacks["a2"], world.attacks["a5"]
    ArticleFactory(attack=a2)  # publishing needs a source
    attack_retract(attack=a2, by=editor, reason="Checking.")
    attack_publish(attack=a2, by=editor)  # back again: updated_since brings it, nothing to remove
    a5.delete()  # a draft, never public
    assert changes(anon, since)["results"] == []


def test_changes_before_since_are_not_listed(transactional_db, anon, world, editor):
    attack_retract(attack=world.attacks["a2"], by=editor, reason="Old news.")
    since = timezone.now()
    attack_update(attack=world.attacks["a3"], by=editor, description="Still public.")
    assert changes(anon, since)["results"] == []


def test_changes_list_withdrawn_claims_and_replaced_decisions(transactional_db, anon, world, editor):
    from casualties.services import claim_record, claim_withdraw, decision_make

    a2 = world.attacks["a2"]
    claim = claim_record(attack=a2, category="killed", value=1, qualifier="exact", reported_at=None, source_label="SES")
    first = decision_make(attack=a2, category="killed", best=1, low=1, high=1, rationale="One source.", by=editor)
    since = timezone.now()
    decision_make(attack=a2, category="killed", best=2, low=2, high=2, rationale="Update.", by=editor)
    claim_withdraw(claim=claim, by=editor, reason="Misread.")
    got = {(e["type"], e["id"], e["change"], e["attack"]) for e in changes(anon, since)["results"]}
    assert ("claim", claim.pk, "withdrawn", a2.pk) in got
    assert ("decision", first.pk, "replaced", a2.pk) in got
    assert not Decision.objects.get(pk=first.pk).is_current
    assert Claim.objects.get(pk=claim.pk).withdrawn_at is not None


# --- timeline ---


@pytest.fixture
def waves(world):
    w1 = Wave.objects.create(started_at=kyiv(2025, 4, 23, 22, 0))
    WaveMunition.objects.create(wave=w1, label="Shahed", launched=100, intercepted=80)
    WaveMunition.objects.create(wave=w1, label="KN-23", launched=2, intercepted=0)
    w2 = Wave.objects.create(started_at=kyiv(2025, 4, 24, 23, 0))
    WaveMunition.objects.create(wave=w2, label="Shahed", launched=50, intercepted=None)
    w3 = Wave.objects.create(started_at=kyiv(2025, 3, 9, 23, 0))
    WaveMunition.objects.create(wave=w3, label="Shahed", launched=30, intercepted=25)
    return w1, w2, w3


def timeline(client, **params):
    response = client.get(reverse("api-timeline"), params)
    assert response.status_code == 200, response.content
    return {row["period"]: row for row in response.json()["results"]}


def test_timeline_by_day_in_kyiv_calendar(anon, world, waves):
    rows = timeline(anon, bucket="day", occurred_after="2025-04-23", occurred_before="2025-04-25")
    assert rows["2025-04-23"] == {
        "period": "2025-04-23",
        "attacks": 0,
        "killed": 0,
        "injured": 0,
        "launched": 102,
        "intercepted": 80,
    }
    assert rows["2025-04-24"] == {
        "period": "2025-04-24",
        "attacks": 2,
        "killed": 13,
        "injured": 92,
        "launched": 50,
        "intercepted": 0,
    }
    assert rows["2025-04-25"]["attacks"] == 1  # a3: 00:30 Kyiv time
    assert list(rows) == ["2025-04-23", "2025-04-24", "2025-04-25"]


def test_timeline_by_month_fills_empty_months(anon, world, waves):
    rows = timeline(anon, bucket="month")
    assert list(rows) == ["2025-02-01", "2025-03-01", "2025-04-01"]
    assert rows["2025-02-01"]["attacks"] == 1  # a7
    assert (rows["2025-03-01"]["attacks"], rows["2025-03-01"]["killed"], rows["2025-03-01"]["launched"]) == (1, 2, 30)
    assert (rows["2025-04-01"]["attacks"], rows["2025-04-01"]["killed"], rows["2025-04-01"]["launched"]) == (3, 13, 152)


def test_timeline_by_week_starts_on_monday(anon, world):
    rows = timeline(anon, bucket="week", occurred_after="2025-04-01")
    # From the Monday of the week holding 1 April (zeros included) to the week of 24-25 April.
    assert list(rows) == ["2025-03-31", "2025-04-07", "2025-04-14", "2025-04-21"]
    assert [rows[w]["attacks"] for w in ("2025-03-31", "2025-04-07", "2025-04-14")] == [0, 0, 0]
    assert rows["2025-04-21"]["attacks"] == 3


def test_timeline_applies_every_attack_filter_but_waves_only_by_date(anon, world, waves):
    rows = timeline(anon, bucket="month", oblast="Kharkiv Oblast")
    assert list(rows) == ["2025-03-01", "2025-04-01"]  # March only for its wave
    assert rows["2025-04-01"]["attacks"] == 2 and rows["2025-04-01"]["killed"] == 1
    assert rows["2025-03-01"]["attacks"] == 0 and rows["2025-03-01"]["launched"] == 30


def test_timeline_for_staff_counts_drafts_unless_filtered(world, analyst):
    rows = timeline(client_for(analyst), bucket="month", occurred_after="2025-04-01")
    assert rows["2025-04-01"]["attacks"] == 5  # a1 a2 a3 a5 a6
    rows = timeline(client_for(analyst), bucket="month", occurred_after="2025-04-01", status="published")
    assert rows["2025-04-01"]["attacks"] == 3


# --- map ---


def get_map(client, **params):
    response = client.get(reverse("api-map"), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_map_sends_single_attacks_where_cells_hold_few(anon, world):
    data = get_map(anon, zoom=10)
    assert data["clusters"] == []
    assert {a["id"] for a in data["attacks"]} == world.ids("a1", "a2", "a3", "a4")
    assert data["without_coordinates"] == 1  # a7
    assert data["total"] == 4
    one = next(a for a in data["attacks"] if a["id"] == world.attacks["a1"].pk)
    assert (one["longitude"], one["latitude"], one["killed_best"], one["place"]["name"]) == (
        30.3602,
        50.4601,
        12,
        "Sviatoshynskyi district",
    )


@pytest.fixture
def crowded_city(world):
    """40 attacks around Kharkiv: a cluster at country zoom."""
    place = world.places["kharkiv"]
    return [
        AttackFactory(place=place, latitude=49.9 + i * 0.002, longitude=36.2 + i * 0.002, killed_best=1)
        for i in range(40)
    ]


def test_map_clusters_in_sql(anon, world, crowded_city):
    data = get_map(anon, zoom=5, bbox="22,44,41,53")
    big = max(data["clusters"], key=lambda c: c["count"])
    # The 40 plus a2 and a3, all in one cell around Kharkiv.
    assert big["count"] == 42
    min_lon, min_lat, max_lon, max_lat = big["bounds"]
    assert (min_lon, min_lat) == (36.2, 49.9)
    assert max_lon == pytest.approx(36.278) and max_lat == pytest.approx(49.99)
    assert min_lon <= big["centroid"][0] <= max_lon and min_lat <= big["centroid"][1] <= max_lat
    assert big["killed"] == 40 + 1  # 40 x 1, a2's 1, a3 unknown
    assert data["total"] == sum(c["count"] for c in data["clusters"]) + len(data["attacks"]) == 44
    assert data["without_coordinates"] == 1


def test_map_box_and_filters(anon, world, crowded_city):
    data = get_map(anon, zoom=12, bbox="30.2,50.3,30.8,50.6")
    assert data["total"] == 1 and [a["id"] for a in data["attacks"]] == [world.attacks["a1"].pk]
    assert data["without_coordinates"] == 1  # independent of the box
    data = get_map(anon, zoom=5, munition="KN-23")
    assert data["total"] == 1 and data["without_coordinates"] == 0


def test_map_at_high_zoom_separates_a_crowded_cell(anon, world, crowded_city):
    data = get_map(anon, zoom=16, bbox="36.19,49.89,36.30,50.0")
    assert data["clusters"] == [] or all(c["count"] > 3 for c in data["clusters"])
    assert data["total"] == 42


# --- The map and timeline cache (committed data, as a server sees it) ---


def test_timeline_and_map_answers_are_cached_until_any_write_to_attacks_or_waves(
    transactional_db, anon, django_assert_num_queries, settings
):
    settings.API_AGGREGATE_CACHE_SECONDS = 60
    attack = AttackFactory(occurred_at=kyiv(2025, 3, 4, 2), killed_best=3)
    timeline = reverse("api-timeline")
    params = {"occurred_after": "2025-03-01", "occurred_before": "2025-03-31"}

    def day(response):
        assert response.status_code == 200, response.content
        return next(r for r in response.json()["results"] if r["period"] == "2025-03-04")

    assert day(anon.get(timeline, params))["killed"] == 3
    with django_assert_num_queries(1):  # the data version only: the answer comes from the cache
        assert day(anon.get(timeline, params))["killed"] == 3

    # A write that bypasses the services (as importers and the generator do) still counts.
    type(attack).objects.filter(pk=attack.pk).update(killed_best=7)
    assert day(anon.get(timeline, params))["killed"] == 7

    wave = Wave.objects.create(started_at=kyiv(2025, 3, 4, 1))
    WaveMunition.objects.create(wave=wave, label="Shahed", launched=40, intercepted=31)
    assert day(anon.get(timeline, params))["launched"] == 40

    where = {"bbox": "20,40,45,55", "zoom": 4}
    before = anon.get(reverse("api-map"), where).json()["total"]
    AttackFactory(occurred_at=kyiv(2025, 3, 5, 2))
    assert anon.get(reverse("api-map"), where).json()["total"] == before + 1
