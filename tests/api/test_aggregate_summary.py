"""The map and the timeline from the summary tables (migration 0006) answer exactly what the
computation over the attacks answers, before and after every kind of write."""

import datetime as dt
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strikes.api import map as map_api
from strikes.api import timeline as timeline_api
from strikes.models import Attack
from strikes.services import attack_publish, attack_retract, attack_update
from tests.api.conftest import client_for, kyiv
from tests.factories import AttackFactory, MunitionFactory, PlaceFactory

pytestmark = pytest.mark.django_db

FINE = 90.0 / 2**11  # a level-11 cell side: points on its multiples sit on cell boundaries
TABLES = {
    "strikes_attack_daily": "day, status, place_id, oblast_id",
    "strikes_attack_daily_total": "day, status",
    "strikes_attack_cell": "level, gx, gy, status, place_id, oblast_id",
}


@pytest.fixture(autouse=True)
def _no_cache(settings):
    settings.API_AGGREGATE_CACHE_SECONDS = 0


@pytest.fixture
def places():
    kyiv_city = PlaceFactory(name="Kyiv City", kind="oblast", latitude=50.45, longitude=30.52)
    kyiv_town = PlaceFactory(
        name="Kyiv", kind="city", parent=kyiv_city, oblast=kyiv_city, latitude=50.45, longitude=30.52
    )
    district = PlaceFactory(name="Podil", kind="district", parent=kyiv_town, oblast=kyiv_city, latitude=50.47)
    kharkiv_oblast = PlaceFactory(name="Kharkiv Oblast", kind="oblast", latitude=49.9, longitude=36.3)
    kharkiv = PlaceFactory(
        name="Kharkiv", kind="city", parent=kharkiv_oblast, oblast=kharkiv_oblast, latitude=49.99, longitude=36.23
    )
    brovary = PlaceFactory(
        name="Brovary", kind="city", parent=kyiv_city, oblast=kyiv_city, latitude=50.51, longitude=30.79
    )
    return {p.name: p for p in (kyiv_city, kyiv_town, district, kharkiv_oblast, kharkiv, brovary)}


def random_attack(rng: random.Random, places: dict) -> Attack:
    place = rng.choice([*places.values(), None])
    base = place or places["Kyiv"]
    shape = rng.random()
    if shape < 0.1:
        lon = lat = None
    elif shape < 0.3:  # on level-11 cell boundaries, and on the test boxes' edges
        lon = rng.choice([round(base.longitude / FINE) * FINE, 30.2, 30.8, 36.2])
        lat = rng.choice([round(base.latitude / FINE) * FINE, 50.3, 50.6, 49.9])
    elif shape < 0.5:  # many attacks on the place's point
        lon, lat = base.longitude, base.latitude
    else:
        lon = round(base.longitude + rng.uniform(-0.4, 0.4), 6)
        lat = round(base.latitude + rng.uniform(-0.3, 0.3), 6)
    # Two years across both DST changes, often close to Kyiv midnight.
    day = dt.date(2024, 3, 1) + dt.timedelta(days=rng.randrange(730))
    minute = rng.choice([0, 1, 30, 23 * 60 + 59, rng.randrange(24 * 60)])
    occurred = kyiv(day.year, day.month, day.day) + dt.timedelta(minutes=minute)
    status = rng.choice(["published"] * 6 + ["draft", "retracted"])
    return Attack(
        occurred_at=occurred,
        place=place,
        longitude=lon,
        latitude=lat,
        status=status,
        retraction_reason="Duplicate." if status == "retracted" else "",
        killed_best=rng.choice([None, 0, 1, 2, 7, 40]),
        injured_best=rng.choice([None, 0, 3, 11]),
    )


# Either side of the bounds with a time in TIMELINE_CASES (Kyiv wall clock).
AT_BOUNDS = [
    (2024, 10, 27, 0, 10),
    (2024, 10, 27, 0, 45),
    (2025, 3, 30, 2, 50),
    (2025, 3, 30, 4, 40),
    (2024, 5, 2, 23, 58),
    (2024, 5, 2, 23, 59, 30),
    (2024, 12, 31, 23, 59),
    (2025, 1, 1, 0, 0),
    (2025, 12, 31, 11, 0),
    (2025, 12, 31, 13, 0),
]


@pytest.fixture
def attacks(places):
    rng = random.Random(20261122)
    rows = [random_attack(rng, places) for _ in range(400)]
    for moment in AT_BOUNDS:
        for row in (random_attack(rng, places), random_attack(rng, places)):
            row.occurred_at, row.status = kyiv(*moment), "published"
            rows.append(row)
    # A lattice over the corners of the city box, where its edge cells, the ring of finer
    # cells and the coarse cells inside meet (a level-14 cell is 0.0055 degrees).
    for lon in (30.2, 30.8):
        for lat in (50.3, 50.6):
            for i in range(-12, 13):
                for j in range(-12, 13):
                    row = random_attack(rng, places)
                    row.longitude, row.latitude = lon + i * 0.0053, lat + j * 0.0051
                    row.status = "published"
                    rows.append(row)
    return Attack.objects.bulk_create(rows)


def assert_summary_is_exact():
    """The trigger-kept tables hold exactly what a rebuild from the attacks would."""
    with connection.cursor() as cursor:
        kept = {}
        for table, key in TABLES.items():
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            kept[table] = cursor.fetchall()
        cursor.execute("SELECT strikes_attack_summary_rebuild()")
        for table, key in TABLES.items():
            cursor.execute(f"SELECT * FROM {table} ORDER BY {key}")
            assert kept[table] == cursor.fetchall(), table
    assert kept["strikes_attack_daily_total"], "the summary is empty: nothing was compared"


def both_ways(client, monkeypatch, kind: str, params: dict):
    """(answer with the summary, answer computed from the attacks, whether the summary answered)."""
    module, name = {"timeline": (timeline_api, "summary_timeline"), "map": (map_api, "summary_grid")}[kind]
    real = getattr(module, name)
    answered = []

    def spy(*args):
        result = real(*args)
        answered.append(result is not None)
        return result

    url = reverse(f"api-{kind}")
    monkeypatch.setattr(module, name, spy)
    summary = client.get(url, params)
    monkeypatch.setattr(module, name, lambda *args: None)
    live = client.get(url, params)
    monkeypatch.setattr(module, name, real)
    assert summary.status_code == live.status_code == 200, (summary.content, live.content)
    return summary.json(), live.json(), answered == [True]


def assert_same_map(summary: dict, live: dict):
    # Centroids: the summary adds exact decimals, PostgreSQL's avg() adds floats in scan order
    # (its last bits vary with the plan); everything else is compared exactly.
    def split(data):
        centroids = [v for c in data["clusters"] for v in c["centroid"]]
        return {**data, "clusters": [{**c, "centroid": None} for c in data["clusters"]]}, centroids

    summary_rest, summary_centroids = split(summary)
    live_rest, live_centroids = split(live)
    assert summary_rest == live_rest
    assert summary_centroids == pytest.approx(live_centroids, rel=1e-12, abs=1e-12)


TIMELINE_CASES = [
    {},
    {"occurred_after": "2024-10-27"},
    {"occurred_before": "2025-03-30"},
    {"occurred_after": "2024-06-01", "occurred_before": "2025-06-30"},
    # Bounds with a time: the cut days come from the attacks, whole days from the summary.
    {"occurred_after": "2024-10-27T00:30:00+03:00", "occurred_before": "2025-03-30T03:30:00"},
    {"occurred_after": "2024-05-02T23:59:00", "occurred_before": "2025-01-01T00:00:00+02:00"},
    {"oblast": "Kyiv City"},
    {"place": "Kyiv"},  # with its district
    {"place": "Kyiv City"},  # its cities and their districts
    {"place": "Podil,Kharkiv", "occurred_after": "2024-09-01"},
    {"oblast": "Kharkiv Oblast,Kyiv City", "occurred_before": "2025-12-31T12:00:00"},
    {"status": "published"},
]
STAFF_TIMELINE_CASES = [{"status": "draft,retracted"}, {"status": "retracted", "oblast": "Kyiv City"}]
MAP_CASES = [
    {"zoom": 3},
    {"zoom": 6, "bbox": "22,44,40.5,52.5"},
    {"zoom": 11, "bbox": "30.2,50.3,30.8,50.6"},
    {"zoom": 9, "bbox": "30.2,50.3,30.8,50.6"},
    {"zoom": 12, "bbox": "30.2,50.3,30.8,50.6", "place": "Kyiv"},
    {"zoom": 14, "bbox": "30.4,50.4,30.6,50.5"},
    # Box edges exactly on fine-cell boundaries.
    {"zoom": 11, "bbox": f"{1376 * FINE},{1147 * FINE},{1400 * FINE},{1152 * FINE}"},
    {"zoom": 8, "bbox": "29,49,37,52", "oblast": "Kyiv City"},
    {"zoom": 10, "oblast": "Kharkiv Oblast,Kyiv City"},
    {"zoom": 9, "place": "Kyiv City"},
    {"zoom": 6, "bbox": "22,44,40.5,52.5", "status": "published"},
]
STAFF_MAP_CASES = [{"zoom": 6, "status": "draft,retracted"}, {"zoom": 11, "bbox": "30.2,50.3,30.8,50.6"}]


def check_all(anon, staff, monkeypatch, *, expect_summary=True):
    cases = [(anon, "timeline", {**c, "bucket": b}) for c in TIMELINE_CASES for b in ("day", "week", "month")]
    cases += [(staff, "timeline", {**c, "bucket": "week"}) for c in [{}, *STAFF_TIMELINE_CASES]]
    cases += [(anon, "map", c) for c in MAP_CASES] + [(staff, "map", c) for c in STAFF_MAP_CASES]
    for client, kind, params in cases:
        summary, live, answered = both_ways(client, monkeypatch, kind, params)
        assert answered == expect_summary, (kind, params)
        if kind == "map":
            assert_same_map(summary, live)
        else:
            assert summary == live, (kind, params)


@pytest.fixture
def staff(analyst):
    return client_for(analyst)


def test_summary_answers_equal_the_computation_over_the_attacks(anon, staff, attacks, monkeypatch):
    assert_summary_is_exact()
    check_all(anon, staff, monkeypatch)
    # The cases are not vacuous: the boxes hold clusters and single attacks, periods have data.
    country = anon.get(reverse("api-map"), {"zoom": 6, "bbox": "22,44,40.5,52.5"}).json()
    city = anon.get(reverse("api-map"), {"zoom": 11, "bbox": "30.2,50.3,30.8,50.6"}).json()
    assert country["clusters"] and city["clusters"] and city["attacks"]
    assert country["total"] == Attack.objects.published().filter(longitude__isnull=False).count()


def test_summary_stays_exact_through_every_kind_of_write(anon, staff, attacks, places, editor, monkeypatch):
    rng = random.Random(7)
    # Inserts one at a time (as the services and ingest do).
    for _ in range(5):
        random_attack(rng, places).save()
    assert_summary_is_exact()
    # Edits of place, coordinates and time through the service.
    ids = list(Attack.objects.values_list("pk", flat=True))
    for pk in rng.sample(ids, 8):
        attack = Attack.objects.get(pk=pk)
        attack_update(
            attack=attack,
            by=editor,
            place=places["Brovary"],
            longitude=30.79,
            latitude=50.51,
            occurred_at=attack.occurred_at + dt.timedelta(hours=5),
        )
    for pk in rng.sample(ids, 6):
        attack = Attack.objects.get(pk=pk)
        if attack.status == "published":
            attack_retract(attack=attack, by=editor, reason="Reported twice.")
        elif attack.longitude is not None or attack.place_id:
            attack_publish(attack=attack, by=editor)
    assert_summary_is_exact()
    # Figures as figures_refresh writes them, and bulk updates that bypass the services.
    Attack.objects.filter(pk__in=rng.sample(ids, 20)).update(killed_best=3, injured_best=None)
    Attack.objects.filter(place=places["Kharkiv"]).update(status="draft")
    Attack.objects.filter(longitude__gt=30.5, longitude__lt=31).update(longitude=30.9)
    Attack.objects.filter(place=places["Podil"]).update(place=places["Kharkiv"])
    Attack.objects.filter(pk__in=rng.sample(ids, 10)).update(description="Nothing the aggregates read.")
    assert_summary_is_exact()
    # Deletes, one and many.
    Attack.objects.filter(pk=ids[0]).delete()
    Attack.objects.filter(pk__in=rng.sample(ids[1:], 40)).delete()
    assert_summary_is_exact()
    # A place moved to another oblast carries its attacks (migration 0005's trigger).
    brovary = places["Brovary"]
    brovary.oblast = places["Kharkiv Oblast"]
    brovary.save()
    assert_summary_is_exact()
    check_all(anon, staff, monkeypatch)


def test_removing_the_point_on_a_cells_bounds_shrinks_them(anon, places):
    kharkiv = places["Kharkiv"]
    first, _second, third = (
        AttackFactory(place=kharkiv, longitude=lon, latitude=49.95, killed_best=1) for lon in (36.2, 36.204, 36.208)
    )
    AttackFactory.create_batch(2, place=kharkiv, longitude=36.206, latitude=49.951)  # a cluster, not singles
    params = {"zoom": 8, "bbox": "35,49,37,51"}
    (cluster,) = anon.get(reverse("api-map"), params).json()["clusters"]
    assert cluster["bounds"] == [36.2, 49.95, 36.208, 49.951]
    first.delete()  # the western bound
    Attack.objects.filter(pk=third.pk).update(longitude=36.205)  # the eastern one, within the cell
    (cluster,) = anon.get(reverse("api-map"), params).json()["clusters"]
    assert cluster["count"] == 4
    assert cluster["bounds"] == [36.204, 49.95, 36.206, 49.951]
    assert_summary_is_exact()


def test_truncating_the_attacks_empties_the_summary(attacks):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test transaction's pending checks
        cursor.execute("TRUNCATE strikes_attack CASCADE")
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            assert cursor.fetchone() == (0,)


def test_the_summary_is_read_instead_of_the_attacks(anon, attacks):
    def queries(url, params):
        with CaptureQueriesContext(connection) as captured:
            assert anon.get(reverse(url), params).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    def groups_attacks(sql):
        return 'FROM "strikes_attack"' in sql and "GROUP BY" in sql

    timeline = queries("api-timeline", {"bucket": "month", "occurred_after": "2024-06-01"})
    assert any("strikes_attack_daily_total" in q for q in timeline)
    assert not any(groups_attacks(q) for q in timeline)
    world_map = queries("api-map", {"zoom": 5})
    assert any("strikes_attack_cell" in q for q in world_map)
    assert not any(groups_attacks(q) for q in world_map)
    # A filter the summary does not hold falls back to the attacks (and stays correct).
    MunitionFactory(name="Shahed-136")
    fallback = queries("api-timeline", {"munition": "Shahed-136"})
    assert any(groups_attacks(q) for q in fallback)
    assert not any("strikes_attack_daily" in q for q in fallback)


def test_other_filters_and_zones_fall_back_to_the_attacks(anon, attacks, monkeypatch, settings):
    for kind, params in [
        ("timeline", {"killed_min": 1}),
        ("timeline", {"bbox": "30.2,50.3,30.8,50.6"}),
        ("timeline", {"occurred_after": "2024-06-01T10:00:00", "occurred_before": "2024-06-02T10:00:00"}),
        ("map", {"zoom": 11, "occurred_after": "2024-06-01"}),
        ("map", {"zoom": 17, "bbox": "30.51,50.44,30.53,50.46"}),  # finer than the finest level
    ]:
        summary, live, answered = both_ways(anon, monkeypatch, kind, params)
        assert not answered and summary == live, (kind, params)
    settings.TIME_ZONE = "UTC"  # days in another calendar than the summary's
    summary, live, answered = both_ways(anon, monkeypatch, "timeline", {"bucket": "day"})
    assert not answered and summary == live and summary["timezone"] == "UTC"


@pytest.mark.parametrize(
    ("zoom", "box"),
    [(6, (22, 44, 40.5, 52.5)), (11, (30.2, 50.3, 30.8, 50.6)), (22, (-180, -90, 180, 90)), (0, (0, 0, 1, 1))],
)
def test_cell_sides_are_90_over_a_power_of_two_and_at_most_128_across(zoom, box):
    size = map_api.cell_size(zoom, box)
    assert any(size == 90.0 / 2**n for n in range(-3, 30))
    assert size >= 90.0 / 2**zoom
    assert max(box[2] - box[0], box[3] - box[1]) / size <= map_api.MAX_CELLS_ACROSS


@pytest.mark.django_db(transaction=True)
def test_the_bulk_generator_leaves_the_summary_exact_and_its_triggers_on(places):
    from django.core.management import call_command

    from strikes.models import Munition

    Munition.objects.create(name="Shahed-136", category="attack_drone", origin_country="Russia")
    call_command("generate_data", attacks=300, seed=3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(attacks) FROM strikes_attack_daily_total")
        assert cursor.fetchone() == (300,)
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'strikes_attack_summary_%' AND tgenabled = 'O'"
        )
        assert cursor.fetchone() == (4,)
    assert_summary_is_exact()
