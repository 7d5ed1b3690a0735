"""Cursor paging (every row exactly once, even while rows are inserted), count=on, and
400s for unknown and malformed parameters (never a 500)."""

import datetime as dt
import urllib.parse

import pytest
from django.urls import reverse

from tests.api.conftest import kyiv
from tests.factories import AttackFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def walk(client, url, params, *, between_pages=None):
    """Follow next links to the end; returns the ids in the order seen."""
    seen, pages = [], 0
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        data = response.json()
        seen += [r["id"] for r in data["results"]]
        pages += 1
        if between_pages:
            between_pages(pages)
        if not data["next"]:
            return seen
        assert pages < 100, "paging does not end"
        response = client.get(data["next"])


@pytest.fixture
def many(db):
    place = PlaceFactory(name="Zaporizhzhia", latitude=47.84, longitude=35.14)
    start = kyiv(2025, 1, 1, 0, 0)
    # Several share an occurrence time and a toll, so paging must break ties by id.
    attacks = [
        AttackFactory(place=place, occurred_at=start + dt.timedelta(hours=i // 3), killed_best=(i % 4) or None)
        for i in range(23)
    ]
    return attacks


@pytest.mark.parametrize("ordering", [None, "occurred_at", "-killed_best", "killed_best", "updated_at", "-updated_at"])
def test_paging_reads_every_row_exactly_once(anon, many, ordering):
    params = {"page_size": 4, "fields": "id"}
    if ordering:
        params["ordering"] = ordering
    seen = walk(anon, reverse("api-attack-list"), params)
    assert sorted(seen) == sorted(a.pk for a in many)
    assert len(seen) == len(set(seen))


def test_paging_is_stable_while_rows_are_inserted(anon, many):
    """New attacks arriving between pages (newest first) do not shift or repeat rows."""
    place = many[0].place

    def insert(page):
        AttackFactory(place=place, occurred_at=kyiv(2025, 6, 1, page, 0))  # newer than everything paged
        AttackFactory(place=place, occurred_at=kyiv(2024, 6, 1, page, 0))  # older: still ahead of the cursor

    seen = walk(anon, reverse("api-attack-list"), {"page_size": 5, "fields": "id"}, between_pages=insert)
    assert len(seen) == len(set(seen))
    assert set(seen) >= {a.pk for a in many}


def test_previous_link_returns_the_previous_page(anon, many):
    url = reverse("api-attack-list")
    first = anon.get(url, {"page_size": 5, "fields": "id"}).json()
    assert first["previous"] is None
    second = anon.get(first["next"]).json()
    back = anon.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
    assert anon.get(back["next"]).json()["results"] == second["results"]


def test_query_search_pages_by_rank(anon, many):
    from strikes.models import Attack
    from strikes.services import attack_search_refresh

    Attack.objects.filter(pk__in=[a.pk for a in many[:7]]).update(description="Glide bomb on a school")
    attack_search_refresh(attack_ids=[a.pk for a in many])
    seen = walk(anon, reverse("api-attack-list"), {"q": "school", "page_size": 3, "fields": "id"})
    assert sorted(seen) == sorted(a.pk for a in many[:7])


def test_count_on(anon, many):
    url = reverse("api-attack-list")
    assert anon.get(url, {"count": "on"}).json() == {"count": 23}
    assert anon.get(url, {"count": "on", "killed_min": 3}).json() == {"count": 5}  # i % 4 == 3


def test_page_size_bounds(anon, many):
    url = reverse("api-attack-list")
    assert len(anon.get(url, {"page_size": 1000}).json()["results"]) == 23
    for bad in ("0", "1001", "ten", "-1"):
        response = anon.get(url, {"page_size": bad})
        assert response.status_code == 400
        assert response.json()["parameter"] == "page_size"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"colour": "red"}, "colour"),
        ({"occurred_after": "yesterday"}, "occurred_after"),
        ({"occurred_after": "2025-13-01"}, "occurred_after"),
        ({"occurred_before": "0001-01-01T00:00:00+05:00"}, "occurred_before"),
        ({"updated_since": "2025-04-24T25:00"}, "updated_since"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "a,b,c,d"}, "bbox"),
        ({"bbox": "30,50,20,51"}, "bbox"),  # min_lon > max_lon
        ({"bbox": "30,50,31,50"}, "bbox"),  # min_lat == max_lat
        ({"bbox": "-200,0,10,10"}, "bbox"),
        ({"bbox": "0,-95,10,10"}, "bbox"),
        ({"bbox": "nan,0,10,10"}, "bbox"),
        ({"oblast": "Atlantis"}, "oblast"),
        ({"place": "999999"}, "place"),
        ({"munition": "Death Star"}, "munition"),
        ({"munition_category": "catapult"}, "munition_category"),
        ({"target_type": "moon"}, "target_type"),
        ({"killed_min": "-1"}, "killed_min"),
        ({"killed_max": "1.5"}, "killed_max"),
        ({"injured_min": "99999999999999"}, "injured_min"),
        ({"geo_precision_max": "7"}, "geo_precision_max"),
        ({"disputed": "maybe"}, "disputed"),
        ({"status": "gone"}, "status"),
        ({"ordering": "description"}, "ordering"),
        ({"q": "x" * 501}, "q"),
        ({"q": "bad\x00byte"}, "q"),
        ({"place": "Kyiv\x00"}, "place"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "eyJvIjoiLWlkIiwiayI6WzFdfQ"}, "cursor"),  # a cursor for another ordering
        ({"figures": "optimistic"}, "figures"),
        ({"fields": "id,colour"}, "fields"),
        ({"omit": "colour"}, "omit"),
        ({"count": "yes please"}, "count"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_400s_naming_the_parameter(anon, many, params, parameter):
    response = anon.get(reverse("api-attack-list"), params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["parameter"] == parameter
    assert body["detail"]


def test_unknown_parameter_lists_the_valid_ones(anon, many):
    body = anon.get(reverse("api-attack-list"), {"colour": "red"}).json()
    assert {"occurred_after", "bbox", "munition", "q", "updated_since", "cursor", "fields"} <= set(
        body["valid_parameters"]
    )


def test_repeated_parameter_is_400(anon, many):
    response = anon.get(reverse("api-attack-list") + "?killed_min=1&killed_min=2")
    assert response.status_code == 400
    assert response.json()["parameter"] == "killed_min"


@pytest.mark.parametrize(
    ("name", "params", "parameter"),
    [
        ("api-timeline", {"bucket": "year"}, "bucket"),
        ("api-timeline", {"ordering": "occurred_at"}, "ordering"),
        ("api-timeline", {"oblast": "Atlantis"}, "oblast"),
        ("api-map", {"zoom": "23"}, "zoom"),
        ("api-map", {"zoom": "far"}, "zoom"),
        ("api-map", {"bbox": "1,2"}, "bbox"),
        ("api-map", {"page_size": "10"}, "page_size"),
        ("api-changes", {}, "since"),
        ("api-changes", {"since": "soon"}, "since"),
        ("api-changes", {"since": "2025-01-01", "until": "2026-01-01"}, "until"),
        ("api-place-list", {"kind": "planet"}, "kind"),
        ("api-place-list", {"figures": "decided"}, "figures"),
        ("api-munition-list", {"category": "sling"}, "category"),
        ("api-wave-list", {"started_after": "dawn"}, "started_after"),
        ("api-wave-list", {"munition": "Nothing"}, "munition"),
    ],
)
def test_other_endpoints_refuse_bad_parameters(anon, many, name, params, parameter):
    response = anon.get(reverse(name), params)
    assert response.status_code == 400, response.content
    assert response.json()["parameter"] == parameter


def test_the_same_page_links_to_the_same_next_page_at_any_time(anon, many):
    """A next link is a pure function of the page: asked again later it is the same bytes (a
    timestamp in the signature made two requests a second apart disagree)."""
    from unittest import mock

    url, params = reverse("api-attack-list"), {"page_size": 5, "fields": "id"}
    with mock.patch("time.time", return_value=1_800_000_000.0):
        early = anon.get(url, params).json()["next"]
    with mock.patch("time.time", return_value=1_800_000_007.0):
        later = anon.get(url, params).json()["next"]
    assert early == later
    assert [r["id"] for r in anon.get(later).json()["results"]] == [a.pk for a in many[::-1][5:10]]


def test_a_cursor_signed_before_the_change_still_pages(anon, many):
    """Links handed out by the previous version (timestamped signatures) still work."""
    from django.core import signing

    from config.paging import _CURSOR_SALT

    url, params = reverse("api-attack-list"), {"page_size": 5, "fields": "id"}
    today = anon.get(url, params).json()["next"].split("cursor=")[1].split("&")[0]
    data = signing.Signer(salt=_CURSOR_SALT).unsign_object(urllib.parse.unquote(today))
    old = signing.dumps(data, salt=_CURSOR_SALT)  # how the previous version signed the same page
    assert old.count(":") == 2
    response = anon.get(url, {**params, "cursor": old})
    assert response.status_code == 200, response.content
    assert [r["id"] for r in response.json()["results"]] == [a.pk for a in many[::-1][5:10]]
