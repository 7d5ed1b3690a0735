"""What a researcher asks of the aggregates and of the API itself: timeline periods with zeros
from the first to the last requested date, and OPTIONS listing each resource's filters."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.api.conftest import set_figure
from tests.factories import AttackFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_march_attack(db):
    place = PlaceFactory(name="Sumy", kind="city", latitude=50.9, longitude=34.8)
    return AttackFactory(place=place, occurred_at=dt.datetime(2025, 3, 15, 12, 0, tzinfo=dt.UTC))


def test_timeline_has_every_requested_month_zeros_included(anon, one_march_attack):
    response = anon.get(
        reverse("api-timeline"), {"bucket": "month", "occurred_after": "2025-01-01", "occurred_before": "2025-05-31"}
    )
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    assert [(r["period"], r["attacks"]) for r in rows] == [
        ("2025-01-01", 0),
        ("2025-02-01", 0),
        ("2025-03-01", 1),
        ("2025-04-01", 0),
        ("2025-05-01", 0),
    ]


def test_timeline_without_bounds_runs_from_the_first_to_the_last_period_with_data(anon, one_march_attack):
    response = anon.get(reverse("api-timeline"), {"bucket": "month"})
    rows = response.json()["results"]
    assert [(r["period"], r["attacks"]) for r in rows] == [("2025-03-01", 1)]


@pytest.mark.parametrize(
    ("name", "filters"),
    [
        ("api-attack-list", {"occurred_after", "oblast", "munition", "killed_min", "ordering", "q"}),
        ("api-claim-list", {"attack", "category", "withdrawn", "updated_since"}),
        ("api-article-list", {"status", "attack", "published_after"}),
    ],
)
def test_options_lists_the_filters(anon, db, name, filters):
    response = anon.options(reverse(name))
    assert response.status_code == 200
    data = response.json()
    assert filters <= set(data["filters"])
    assert {"cursor", "page_size", "fields", "count"} <= set(data["query_parameters"])
    assert "ordering" not in data["query_parameters"] or name == "api-attack-list"


def test_options_on_the_timeline_names_bucket_and_the_attack_filters(anon, db):
    data = anon.options(reverse("api-timeline")).json()
    assert {"bucket", "occurred_after", "oblast"} <= set(data["query_parameters"])
    assert "page_size" not in data["query_parameters"]


@pytest.fixture
def two_march_tolls(one_march_attack):
    """Killed: one attack 5 (sources say 3 to 'more than 5': open-ended), another exactly 2."""
    set_figure(one_march_attack, "killed", 5, low=3, high=None, status="disputed")
    second = AttackFactory(place=one_march_attack.place, occurred_at=dt.datetime(2025, 3, 20, 6, 0, tzinfo=dt.UTC))
    set_figure(second, "killed", 2)
    return [one_march_attack, second]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("decided", {"attacks": 2, "killed": 7, "injured": 0}),
        ("conservative", {"attacks": 2, "killed": 5, "injured": 0}),
        (
            "range",
            {
                "attacks": 2,
                "killed": 7,
                "injured": 0,
                "killed_low": 5,
                "killed_high": None,
                "injured_low": 0,
                "injured_high": 0,
            },
        ),
    ],
)
def test_timeline_sums_the_figures_mode_asked_for(anon, two_march_tolls, mode, expected):
    response = anon.get(reverse("api-timeline"), {"bucket": "month", "figures": mode})
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    assert {k: row[k] for k in expected} == expected
    assert row["period"] == "2025-03-01"


def test_timeline_refuses_an_unknown_figures_mode(anon, db):
    assert anon.get(reverse("api-timeline"), {"figures": "loudest"}).json()["parameter"] == "figures"
