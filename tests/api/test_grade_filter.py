"""grade= and the evidence grade through the API (issue 15): a discounted attack is kept but left
out of the list, its exports, the map, the timeline and the facets' total unless grade= names it.

The attacks, written out (Kyiv dates; every grade reached through the services):

| key        | day (Kyiv)  | place   | sources                                  | killed | grade         |
|------------|-------------|---------|------------------------------------------|--------|---------------|
| confirmed  | 1 May 2025  | Kharkiv | AFP and Reuters, agreeing                | 1      | confirmed     |
| fair       | 2 May 2025  | Kharkiv | AFP and Reuters, figures disputed        | 2      | fair          |
| single     | 3 May 2025  | Odesa   | Suspilne alone                           | 4      | single_source |
| discounted | 4 May 2025  | Odesa   | AFP and Reuters; an editor discounted it | 8      | discounted    |

The killed figures are powers of two so that every sum names the attacks in it.
"""

import csv
import io
import json

import pytest
from django.urls import reverse

from casualties.services import grade_override, grade_refresh
from tests.api.conftest import client_for, kyiv, result_ids, results, set_figure
from tests.factories import ArticleFactory, AttackFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.django_db
LIST = reverse("api-attack-list")
MAY = {"occurred_after": "2025-05-01", "occurred_before": "2025-05-31"}


@pytest.fixture
def graded(db, editor):
    kharkiv = PlaceFactory(name="Kharkiv", latitude=49.99, longitude=36.23)
    odesa = PlaceFactory(name="Odesa", latitude=46.48, longitude=30.73)
    afp, reuters, suspilne = (OutletFactory(name=n) for n in ("AFP", "Reuters", "Suspilne"))
    rows = [
        ("confirmed", 1, kharkiv, [afp, reuters], "consensus"),
        ("fair", 2, kharkiv, [afp, reuters], "disputed"),
        ("single", 3, odesa, [suspilne], "consensus"),
        ("discounted", 4, odesa, [afp, reuters], "consensus"),
    ]
    attacks = {}
    for key, day, place, outlets, status in rows:
        attack = AttackFactory(place=place, occurred_at=kyiv(2025, 5, day, 3, 0))
        for outlet in outlets:
            ArticleFactory(attack=attack, outlet=outlet)
        set_figure(attack, "killed", 2 ** (day - 1), status=status)
        grade_refresh(attack=attack)
        attacks[key] = attack
    grade_override(
        attack=attacks["discounted"],
        grade="discounted",
        reason="The footage is from 2022.",
        by=editor,
        expected_version=0,
    )
    for attack in attacks.values():
        attack.refresh_from_db()
    assert {k: a.grade for k, a in attacks.items()} == {
        "confirmed": "confirmed",
        "fair": "fair",
        "single": "single_source",
        "discounted": "discounted",
    }
    return attacks


def ids(graded, *keys) -> set[int]:
    return {graded[k].pk for k in keys}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, body(response)
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


def geojson_features(response) -> list[dict]:
    assert response.status_code == 200, body(response)
    return json.loads(body(response))["features"]


# --- The list and its exports ---


def test_the_list_leaves_the_discounted_attack_out_and_shows_each_grade(anon, graded):
    rows = results(anon.get(LIST))
    assert {row["id"]: row["grade"] for row in rows} == {
        graded["confirmed"].pk: "confirmed",
        graded["fair"].pk: "fair",
        graded["single"].pk: "single_source",
    }


def test_the_discounted_attack_is_there_when_asked_for(anon, graded):
    (row,) = results(anon.get(LIST, {"grade": "discounted"}))
    assert (row["id"], row["grade"]) == (graded["discounted"].pk, "discounted")
    # Kept and shown as such on its own: the detail is not a filtered list.
    detail = anon.get(reverse("api-attack-detail", args=[graded["discounted"].pk]))
    assert detail.status_code == 200 and detail.json()["grade"] == "discounted"


@pytest.mark.parametrize(
    ("grade", "expected"),
    [
        ("confirmed,fair", ("confirmed", "fair")),
        ("fair", ("fair",)),
        ("single_source,discounted", ("single", "discounted")),
        ("contested", ()),
        ("confirmed,fair,single_source,contested,discounted", ("confirmed", "fair", "single", "discounted")),
    ],
)
def test_grade_selects_the_grades_named(anon, graded, grade, expected):
    assert result_ids(anon.get(LIST, {"grade": grade})) == ids(graded, *expected)


def test_staff_do_not_see_discounted_attacks_by_default_either(graded, editor):
    assert result_ids(client_for(editor).get(LIST)) == ids(graded, "confirmed", "fair", "single")


def test_csv_leaves_the_discounted_attack_out_and_has_a_grade_column(anon, graded):
    rows = csv_rows(anon.get(LIST, {"format": "csv"}))
    assert {int(r["id"]): r["grade"] for r in rows} == {
        graded["confirmed"].pk: "confirmed",
        graded["fair"].pk: "fair",
        graded["single"].pk: "single_source",
    }
    rows = csv_rows(anon.get(LIST, {"format": "csv", "grade": "discounted", "fields": "id,grade"}))
    assert rows == [{"id": str(graded["discounted"].pk), "grade": "discounted"}]


def test_geojson_leaves_the_discounted_attack_out_and_carries_the_grade(anon, graded):
    features = geojson_features(anon.get(LIST, {"format": "geojson"}))
    assert {f["properties"]["id"]: f["properties"]["grade"] for f in features} == {
        graded["confirmed"].pk: "confirmed",
        graded["fair"].pk: "fair",
        graded["single"].pk: "single_source",
    }
    features = geojson_features(anon.get(LIST, {"format": "geojson", "grade": "discounted"}))
    assert [f["properties"]["id"] for f in features] == [graded["discounted"].pk]


# --- Counts: map, timeline, facets ---


def test_the_map_does_not_count_the_discounted_attack(anon, graded):
    whole = anon.get(reverse("api-map"), {"zoom": 5}).json()
    assert whole["total"] == 3
    assert {a["id"] for a in whole["attacks"]} <= ids(graded, "confirmed", "fair", "single")
    # Every located attack is either sent alone or counted in a cluster.
    assert len(whole["attacks"]) + sum(c["count"] for c in whole["clusters"]) == 3
    asked = anon.get(reverse("api-map"), {"zoom": 5, "grade": "discounted"}).json()
    assert asked["total"] == 1
    assert [(a["id"], a["grade"]) for a in asked["attacks"]] == [(graded["discounted"].pk, "discounted")]


def test_timeline_totals_leave_the_discounted_attack_out(anon, graded):
    # From the daily summary table (the filters are only dates): 1 + 2 + 4 killed.
    month = anon.get(reverse("api-timeline"), {"bucket": "month", **MAY}).json()["results"]
    assert [(p["period"], p["attacks"], p["killed"]) for p in month] == [("2025-05-01", 3, 7)]
    days = anon.get(reverse("api-timeline"), {"bucket": "day", "occurred_after": "2025-05-01"}).json()
    assert [(p["period"], p["attacks"], p["killed"]) for p in days["results"]] == [
        ("2025-05-01", 1, 1),
        ("2025-05-02", 1, 2),
        ("2025-05-03", 1, 4),
    ]


@pytest.mark.parametrize(
    ("grade", "attacks", "killed"),
    [
        ("discounted", 1, 8),
        ("confirmed,fair,single_source,contested,discounted", 4, 15),
        ("confirmed,fair", 2, 3),
    ],
)
def test_timeline_totals_follow_grade_when_asked(anon, graded, grade, attacks, killed):
    month = anon.get(reverse("api-timeline"), {"bucket": "month", "grade": grade, **MAY}).json()["results"]
    assert [(p["period"], p["attacks"], p["killed"]) for p in month] == [("2025-05-01", attacks, killed)]


def test_facets_total_leaves_the_discounted_attack_out_but_its_box_counts_it(anon, graded):
    facets = anon.get(reverse("api-facets")).json()
    assert facets["count"] == 3
    assert {b["value"]: b["count"] for b in facets["grade"]} == {
        "confirmed": 1,
        "fair": 1,
        "single_source": 1,
        "discounted": 1,
    }
    assert anon.get(reverse("api-facets"), {"grade": "discounted"}).json()["count"] == 1


def test_clearing_the_override_brings_the_attack_back_into_the_counts(anon, graded, editor):
    grade_override(
        attack=graded["discounted"], grade="", reason="The footage was misdated.", by=editor, expected_version=1
    )
    assert result_ids(anon.get(LIST)) == ids(graded, "confirmed", "fair", "single", "discounted")
    month = anon.get(reverse("api-timeline"), {"bucket": "month", **MAY}).json()["results"]
    assert [(p["attacks"], p["killed"]) for p in month] == [(4, 15)]


# --- A grade that does not exist ---


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (LIST, {}),
        (LIST, {"format": "csv"}),
        (LIST, {"format": "geojson"}),
        (reverse("api-map"), {}),
        (reverse("api-timeline"), {}),
        (reverse("api-facets"), {}),
    ],
)
@pytest.mark.parametrize(
    ("grade", "unknown"),
    [("bogus", "bogus"), ("confirmed,bogus", "bogus"), ("Confirmed", "Confirmed")],  # values are lower case
)
def test_an_unknown_grade_is_a_400_naming_grade_and_nothing_else(anon, graded, url, params, grade, unknown):
    response = anon.get(url, {**params, "grade": grade})
    assert response.status_code == 400, body(response)
    answer = json.loads(body(response))
    assert answer["parameter"] == "grade"
    assert (
        f"Unknown value(s) {unknown}; valid: confirmed, fair, single_source, contested, discounted." in answer["detail"]
    )
    # No rows, clusters or periods beside the error.
    assert set(answer) <= {"parameter", "detail", "valid_parameters"}
