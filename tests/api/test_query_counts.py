"""Every list endpoint runs a fixed number of queries, whatever the number of rows."""

import pytest
from django.urls import reverse

from strikes.models import AttackMunition, Wave, WaveMunition
from tests.api.conftest import set_figure
from tests.factories import ArticleFactory, AttackFactory, MunitionFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def make_rows(n: int) -> None:
    oblast = PlaceFactory(name="Dnipropetrovsk Oblast", kind="oblast")
    city = PlaceFactory(name="Dnipro", oblast=oblast, parent=oblast, latitude=48.46, longitude=35.04)
    drone = MunitionFactory(name="Shahed-136", category="attack_drone")
    missile = MunitionFactory(name="Iskander-M", category="ballistic_missile")
    for i in range(n):
        # Spread out so the map sends some singles and some clusters at every size.
        attack = AttackFactory(place=city, latitude=48.0 + (i % 7), longitude=35.0 + (i % 5))
        AttackMunition.objects.create(attack=attack, munition=drone, count=i)
        AttackMunition.objects.create(attack=attack, munition=missile)
        ArticleFactory(attack=attack)
        ArticleFactory(attack=attack)
        set_figure(attack, "killed", i)
        set_figure(attack, "injured", i + 1)
        wave = Wave.objects.create(started_at=attack.occurred_at)
        WaveMunition.objects.create(wave=wave, label="Shahed", launched=10, intercepted=8).munitions.add(drone)
        WaveMunition.objects.create(wave=wave, label="Iskander", launched=2, intercepted=1).munitions.add(missile)


# (url name, params, queries). The same count must hold for 1 row and for 50.
CASES = [
    # The default shape reads each row's stored JSON in the page's statement (strikes.api.lean); in
    # a test's transaction the stored lines are brought up to date first (the flush): 1 + 1.
    ("api-attack-list", {}, 2),
    ("api-attack-list", {"oblast": "Dnipropetrovsk Oblast", "munition": "Shahed-136"}, 4),  # + 2 name lookups
    ("api-attack-list", {"figures": "range"}, 4),  # live: attacks+places, then set zone, representation, restore
    ("api-attack-list", {"fields": "id,occurred_at,killed_best"}, 1),  # nothing else needed
    ("api-attack-list", {"format": "geojson"}, 2),  # as the CSV: one COPY, between setting and restoring the zone
    ("api-attack-list", {"format": "csv"}, 2),  # session settings set and put back; the COPY itself is not counted
    ("api-attack-list", {"count": "on"}, 1),
    ("api-timeline", {"bucket": "day"}, 2),  # attacks, waves
    ("api-map", {"zoom": 6}, 3),  # grid, singles, without coordinates
    ("api-place-list", {}, 1),
    ("api-munition-list", {}, 1),
    ("api-wave-list", {}, 3),  # waves, counts, their munitions
    ("api-changes", {"since": "2020-01-01"}, 3),  # attack events, claims, decisions
]


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize(("name", "params", "queries"), CASES)
def test_list_query_count_is_constant(anon, django_assert_num_queries, rows, name, params, queries):
    make_rows(rows)
    with django_assert_num_queries(queries):
        response = anon.get(reverse(name), params)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
