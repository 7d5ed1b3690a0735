"""The explore page's data: the same filters as the API, counts with and without coordinates."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import AttackFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def at(day: int) -> dt.datetime:
    return dt.datetime(2025, 4, day, 3, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def attacks():
    kyiv = PlaceFactory(name="Kyiv", latitude=50.45, longitude=30.52)
    lviv = PlaceFactory(name="Lviv", latitude=49.84, longitude=24.03)
    return {
        "kyiv": AttackFactory(place=kyiv, occurred_at=at(24), killed_best=12, injured_best=87, disputed=True),
        "lviv": AttackFactory(place=lviv, occurred_at=at(10), killed_best=1),
        "nowhere": AttackFactory(place=None, latitude=None, longitude=None, occurred_at=at(24)),
        "draft": AttackFactory(place=kyiv, occurred_at=at(24), status="draft"),
    }


def test_counts_include_attacks_without_coordinates(client, attacks):
    body = client.get(reverse("explore-data")).json()
    assert (body["count"], body["located"], body["unlocated"]) == (3, 2, 1)
    assert sorted(p[0] for p in body["points"]) == sorted([attacks["kyiv"].pk, attacks["lviv"].pk])


def test_points_carry_position_precision_and_disputed_flag(client, attacks):
    body = client.get(reverse("explore-data"), {"occurred_after": "2025-04-24"}).json()
    [point] = body["points"]
    assert point[0] == attacks["kyiv"].pk
    assert point[1:3] == [50.45, 30.52]
    assert point[4] is True


def test_the_date_range_filters_like_the_api(client, attacks):
    body = client.get(reverse("explore-data"), {"occurred_after": "2025-04-01", "occurred_before": "2025-04-10"}).json()
    assert body["count"] == 1
    assert body["points"][0][0] == attacks["lviv"].pk


def test_a_malformed_filter_is_a_400_naming_it(client, attacks):
    response = client.get(reverse("explore-data"), {"occurred_after": "24/04/2025"})
    assert response.status_code == 400
    assert "occurred_after" in response.json()["errors"]


def test_an_unknown_filter_is_a_400(client, attacks):
    response = client.get(reverse("explore-data"), {"killed_atleast": "3"})
    assert response.status_code == 400
    assert "killed_atleast" in response.json()["errors"]


def test_the_page_shows_a_bad_filter_next_to_its_field(client, attacks):
    response = client.get(reverse("explore"), {"killed_min": "lots"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_killed_min_error"' in html


def test_the_page_keeps_the_filters_in_its_links_to_the_api(client, attacks):
    html = client.get(reverse("explore"), {"oblast": "", "killed_min": "5"}).content.decode()
    assert 'href="/api/v1/attacks/?format=csv&amp;killed_min=5"' in html
    assert 'href="/api/v1/attacks/?killed_min=5"' in html


def test_the_list_shows_matching_published_attacks_only(client, attacks):
    html = client.get(reverse("explore-list"), {"killed_min": "5"}).content.decode()
    assert f'data-attack="{attacks["kyiv"].pk}"' in html
    assert f'data-attack="{attacks["lviv"].pk}"' not in html
    assert f'data-attack="{attacks["draft"].pk}"' not in html
    assert "disputed" in html


def test_staff_see_published_by_default_and_drafts_when_they_ask(as_user, analyst, attacks):
    c = as_user(analyst)
    assert c.get(reverse("explore-data")).json()["count"] == 3
    assert c.get(reverse("explore-data"), {"status": "draft"}).json()["count"] == 1


def test_the_public_cannot_ask_for_drafts(client, attacks):
    assert client.get(reverse("explore-data"), {"status": "draft"}).status_code == 400


def test_the_list_is_paged(client):
    place = PlaceFactory()
    for day in range(1, 29):
        AttackFactory(place=place, occurred_at=at(day))
    first = client.get(reverse("explore-list")).content.decode()
    second = client.get(reverse("explore-list"), {"page": 2}).content.decode()
    assert first.count("data-attack=") == 25
    assert second.count("data-attack=") == 3
    assert "Page 2 of 2" in second


def test_above_the_points_limit_the_map_is_told_to_use_server_clusters(client, settings, monkeypatch):
    monkeypatch.setattr("strikes.views.explore.EXPLORE_POINTS_MAX", 2)
    place = PlaceFactory()
    for day in (1, 2, 3):
        AttackFactory(place=place, occurred_at=at(day))
    body = client.get(reverse("explore-data")).json()
    assert body["count"] == 3
    assert body["points"] is None


def test_the_popup_shows_place_figures_and_link(client, attacks):
    from casualties.models import PublishedFigure

    attack = attacks["kyiv"]
    PublishedFigure.objects.create(attack=attack, category="injured", status="disputed", best=None, low=87, high=None)
    PublishedFigure.objects.create(attack=attack, category="killed", status="consensus", best=12, low=12, high=12)
    html = client.get(reverse("attack-popup", args=[attack.pk])).content.decode()
    assert "Kyiv" in html
    assert "disputed" in html
    assert reverse("attack-detail", args=[attack.pk]) in html


def test_a_drafts_popup_is_not_found_for_the_public(client, attacks):
    assert client.get(reverse("attack-popup", args=[attacks["draft"].pk])).status_code == 404
