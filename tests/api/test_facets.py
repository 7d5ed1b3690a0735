"""/api/v1/facets/: counts per oblast, munition category and grade of the attacks the filters
select, in two GROUP BY queries (the grade counts with the grade filter lifted).

The attacks, written out:

| attack | place   | oblast  | status    | grade         | munitions (category)                          |
|--------|---------|---------|-----------|---------------|-----------------------------------------------|
| a1     | Kharkiv | Kharkiv | published | confirmed     | Shahed-136, Geran-2 (both attack_drone)       |
| a2     | Kharkiv | Kharkiv | published | fair          | Kalibr (cruise_missile), Shahed-136 (drone)   |
| a3     | Odesa   | Odesa   | published | confirmed     | Kalibr                                        |
| a4     | Odesa   | Odesa   | published | discounted    | Shahed-136                                    |
| a5     | Odesa   | Odesa   | draft     | confirmed     | Kalibr                                        |
| a6     | (none)  | (none)  | published | single_source | (none)                                        |
"""

import pytest

from strikes.models import AttackMunition
from tests.factories import AttackFactory, MunitionFactory, PlaceFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/facets/"


@pytest.fixture
def world(db):
    kharkiv_oblast = PlaceFactory(name="Kharkiv Oblast", kind="oblast")
    odesa_oblast = PlaceFactory(name="Odesa Oblast", kind="oblast")
    kharkiv = PlaceFactory(name="Kharkiv", oblast=kharkiv_oblast)
    odesa = PlaceFactory(name="Odesa", oblast=odesa_oblast)
    shahed = MunitionFactory(name="Shahed-136", category="attack_drone")
    geran = MunitionFactory(name="Geran-2", category="attack_drone")
    kalibr = MunitionFactory(name="Kalibr", category="cruise_missile")
    rows = [
        (kharkiv, "published", "confirmed", [shahed, geran]),
        (kharkiv, "published", "fair", [kalibr, shahed]),
        (odesa, "published", "confirmed", [kalibr]),
        (odesa, "published", "discounted", [shahed]),
        (odesa, "draft", "confirmed", [kalibr]),
        (None, "published", "single_source", []),
    ]
    for place, status, grade, munitions in rows:
        attack = AttackFactory(place=place, status=status, grade=grade, latitude=None, longitude=None)
        for munition in munitions:
            AttackMunition.objects.create(attack=attack, munition=munition)
    return {"kharkiv": kharkiv_oblast, "odesa": odesa_oblast}


def test_facets_count_each_attack_once_per_bucket(anon, world, django_assert_num_queries):
    with django_assert_num_queries(2):
        body = anon.get(URL).json()
    kharkiv, odesa = str(world["kharkiv"].pk), str(world["odesa"].pk)
    # a1, a2, a3, a6: not the draft, not the discounted one.
    assert body == {
        "count": 4,
        "oblast": [
            {"value": kharkiv, "label": "Kharkiv Oblast", "count": 2},
            {"value": odesa, "label": "Odesa Oblast", "count": 1},
        ],
        "munition_category": [
            {"value": "cruise_missile", "label": "Cruise missile", "count": 2},  # ties: by label
            {"value": "attack_drone", "label": "One-way attack drone", "count": 2},  # a1 once, with its two drones
        ],
        # Every grade, discounted too: what ticking each box would show.
        "grade": [
            {"value": "confirmed", "label": "Confirmed", "count": 2},
            {"value": "discounted", "label": "Discounted", "count": 1},
            {"value": "fair", "label": "Fair", "count": 1},
            {"value": "single_source", "label": "Single source", "count": 1},
        ],
    }


def test_facets_follow_every_filter(anon, world):
    body = anon.get(URL, {"oblast": world["odesa"].pk, "grade": "confirmed,discounted"}).json()
    assert body["count"] == 2  # a3 and a4
    assert body["oblast"] == [{"value": str(world["odesa"].pk), "label": "Odesa Oblast", "count": 2}]
    assert {b["value"]: b["count"] for b in body["munition_category"]} == {"attack_drone": 1, "cruise_missile": 1}
    assert {b["value"]: b["count"] for b in body["grade"]} == {"confirmed": 1, "discounted": 1}


def test_the_grade_counts_lift_the_grade_filter_and_the_others_keep_it(anon, world):
    body = anon.get(URL, {"grade": "fair"}).json()
    assert body["count"] == 1  # a2
    assert body["oblast"] == [{"value": str(world["kharkiv"].pk), "label": "Kharkiv Oblast", "count": 1}]
    assert {b["value"]: b["count"] for b in body["munition_category"]} == {"attack_drone": 1, "cruise_missile": 1}
    assert {b["value"]: b["count"] for b in body["grade"]} == {
        "confirmed": 2,
        "discounted": 1,
        "fair": 1,
        "single_source": 1,
    }


def test_facets_refuse_unknown_and_bad_filters(anon, world):
    assert anon.get(URL, {"colour": "red"}).status_code == 400
    assert anon.get(URL, {"grade": "excellent"}).status_code == 400
