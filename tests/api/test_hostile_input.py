"""Hostile and careless input: every request below is a clear 400 naming what is wrong (never
a 500, never a 200 that quietly answers something else), and a refused write changes nothing."""

import base64
import csv
import io
import json

import pytest
from django.urls import reverse

from strikes.models import Attack
from tests.api.conftest import client_for
from tests.factories import AttackFactory, PlaceFactory

pytestmark = pytest.mark.django_db

FAR_OFFSET = "2025-01-01T00:00:00+16:00"  # PostgreSQL takes offsets below 16 hours


def hand_made_cursor(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def refused(response, parameter=None):
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if parameter is not None:
        assert body.get("parameter") == parameter or parameter in body, body
    return body


# --- Cursors: only the server's own are read back ---


@pytest.mark.parametrize(
    "cursor",
    [
        hand_made_cursor({"o": "-sort_key,-id", "k": ["x", 1]}),
        hand_made_cursor({"o": "-sort_key,-id", "k": [1e308, 2**70]}),
        hand_made_cursor({"o": "-id", "k": [1]}),
        "not-a-cursor",
        "",
    ],
    ids=["text-key", "huge-numbers", "plausible", "garbage", "empty"],
)
def test_hand_made_cursors_are_refused(anon, world, cursor):
    refused(anon.get(reverse("api-attack-list"), {"cursor": cursor}), "cursor")
    refused(anon.get(reverse("api-outlet-list"), {"cursor": cursor}), "cursor")


def test_a_cursor_the_server_wrote_still_pages(anon, world):
    first = anon.get(reverse("api-attack-list"), {"page_size": 2, "fields": "id"}).json()
    second = anon.get(first["next"]).json()
    assert second["results"] and not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


# --- Bodies ---


def deep(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deeply_nested_json_body_is_a_400_for_anyone(anon, analyst, world):
    response = anon.post(reverse("api-token"), deep(50_000), content_type="application/json")
    assert response.status_code == 400 and "nested" in response.json()["detail"]
    before = Attack.objects.count()
    response = client_for(analyst).post(reverse("api-attack-list"), deep(50_000), content_type="application/json")
    assert response.status_code == 400
    assert Attack.objects.count() == before


def test_read_only_and_unknown_fields_in_a_write_are_named_and_nothing_changes(analyst, world):
    a2 = world.attacks["a2"]
    before = Attack.objects.values().get(pk=a2.pk)
    response = client_for(analyst).patch(
        reverse("api-attack-detail", args=[a2.pk]),
        {"description": "Changed", "status": "published", "created_by": 1, "colour": "red"},
        format="json",
    )
    body = refused(response)
    assert set(body) == {"status", "created_by", "colour"}
    assert body["colour"] == ["Unknown field."]
    assert Attack.objects.values().get(pk=a2.pk) == before


def test_an_unknown_field_in_a_new_attack_creates_nothing(analyst, world):
    count = Attack.objects.count()
    response = client_for(analyst).post(
        reverse("api-attack-list"),
        {"occurred_at": "2025-04-24T01:00:00+03:00", "target_type": "energy", "origin": "import"},
        format="json",
    )
    assert refused(response)["origin"] == ["Unknown field."]
    assert Attack.objects.count() == count


# --- Time zones PostgreSQL cannot take ---


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("api-attack-list", {"updated_since": FAR_OFFSET}),
        ("api-attack-list", {"occurred_after": "2025-01-01T00:00:00-16:30"}),
        ("api-timeline", {"occurred_before": FAR_OFFSET}),
        ("api-map", {"occurred_after": FAR_OFFSET}),
        ("api-wave-list", {"started_after": FAR_OFFSET}),
        ("api-changes", {"since": FAR_OFFSET}),
        ("api-claim-list", {"updated_since": FAR_OFFSET}),
        ("api-decision-list", {"updated_since": FAR_OFFSET}),
        ("api-article-list", {"updated_since": FAR_OFFSET}),
    ],
)
def test_offsets_of_sixteen_hours_or_more_are_a_400(anon, world, name, params):
    refused(anon.get(reverse(name), params), next(iter(params)))


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_exports_are_validated_before_the_first_byte(anon, world, fmt):
    response = anon.get(reverse("api-attack-list"), {"format": fmt, "updated_since": FAR_OFFSET})
    assert not response.streaming
    refused(response, "updated_since")


# --- Inconsistent or empty values ---


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"occurred_after": "2025-05-02", "occurred_before": "2025-05-01"}, "occurred_after"),
        ({"occurred_after": "2025-05-01T12:00:00+03:00", "occurred_before": "2025-05-01T11:00:00+03:00"}, None),
        ({"killed_min": 10, "killed_max": 2}, "killed_min"),
        ({"bbox": "31,50,30,49"}, "bbox"),
        ({"q": ""}, "q"),
        ({"killed_min": ""}, "killed_min"),
        ({"ordering": ""}, "ordering"),
        ({"ordering": "colour"}, "ordering"),
        ({"count": "on", "page_size": 5}, "page_size"),
        ({"fields": ""}, "fields"),
    ],
)
def test_inverted_empty_or_unknown_attack_filters_are_a_400(anon, world, params, parameter):
    refused(anon.get(reverse("api-attack-list"), params), parameter or "occurred_after")


def test_a_range_of_one_day_is_not_inverted(anon, world):
    response = anon.get(reverse("api-attack-list"), {"occurred_after": "2025-04-24", "occurred_before": "2025-04-24"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("api-claim-list", {"withdrawn": "maybe"}, "withdrawn"),
        ("api-claim-list", {"ordering": "foo"}, "ordering"),
        ("api-claim-list", {"attack": "1,x"}, "attack"),
        ("api-decision-list", {"current": "maybe"}, "current"),
        ("api-outlet-list", {"grade": ""}, "grade"),
        ("api-changes", {"since": "2999-01-01"}, "since"),
        ("api-article-list", {"figures": "range"}, "figures"),
    ],
)
def test_other_resources_refuse_the_same_kinds_of_value(anon, world, name, params, parameter):
    refused(anon.get(reverse(name), params), parameter)


def test_claims_take_a_list_of_attacks(anon, world):
    ids = world.ids("a1", "a2")
    response = anon.get(reverse("api-claim-list"), {"attack": ",".join(map(str, ids))})
    assert response.status_code == 200
    assert {c["attack"] for c in response.json()["results"]} <= set(ids)


def test_the_detail_takes_no_filter(anon, world):
    url = reverse("api-attack-detail", args=[world.attacks["a1"].pk])
    body = refused(anon.get(url, {"killed_min": 100}), "killed_min")
    assert "fields" in body["valid_parameters"]
    assert anon.get(url, {"fields": "id"}).json() == {"id": world.attacks["a1"].pk}


def test_the_detail_has_no_csv(anon, world):
    refused(anon.get(reverse("api-attack-detail", args=[world.attacks["a1"].pk]), {"format": "csv"}), "format")


# --- CSV cells a spreadsheet would run ---


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ('=HYPERLINK("http://evil.example","click")', '\'=HYPERLINK("http://evil.example","click")'),
        ("+1 drone", "'+1 drone"),
        ("-2 shot down", "'-2 shot down"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain text = fine", "Plain text = fine"),
    ],
)
def test_csv_text_that_would_start_a_formula_is_neutralised(anon, db, text, cell):
    place = PlaceFactory(name=text, kind="city", latitude=46.5, longitude=-3.25)
    AttackFactory(place=place, description=text, latitude=46.5, longitude=-3.25)
    response = anon.get(reverse("api-attack-list"), {"format": "csv", "fields": "notes,location,longitude"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row == {"notes": cell, "location": cell, "longitude": "-3.25"}  # numbers keep their sign
