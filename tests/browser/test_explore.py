"""The explore page in a browser: brushing the timeline, sharing a view, offline tiles."""

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from strikes.filtersets import AttackFilterSet
from strikes.models import Attack
from tests.browser.fixtures import map_points, shown_count, wait_map_ready
from tests.factories import AttackFactory, PlaceFactory

pytestmark = pytest.mark.browser

CITIES = [
    ("Kyiv", 50.45, 30.52),
    ("Kharkiv", 49.99, 36.23),
    ("Odesa", 46.48, 30.72),
    ("Dnipro", 48.46, 35.04),
    ("Lviv", 49.84, 24.03),
    ("Zaporizhzhia", 47.84, 35.14),
]


def expected(params: dict) -> tuple[int, int, set[int]]:
    """(count, located count, ids) the API's filterset gives for ``params``, as the public sees it."""
    request = RequestFactory().get("/", params)
    request.user = type("Anonymous", (), {"is_authenticated": False})()
    fs = AttackFilterSet(params, queryset=Attack.objects.all(), request=request)
    assert fs.is_valid(), fs.errors
    qs = fs.qs
    return qs.count(), qs.filter(latitude__isnull=False).count(), set(qs.values_list("pk", flat=True))


@pytest.fixture
def sixty_days():
    """One published attack a day for 60 days across six cities; every tenth has no coordinates."""
    tz = timezone.get_default_timezone()
    oblasts = {}
    places = []
    for name, lat, lon in CITIES:
        oblast = PlaceFactory(name=f"{name} Oblast", kind="oblast", latitude=lat, longitude=lon)
        city = PlaceFactory(name=name, kind="city", latitude=lat, longitude=lon, oblast=oblast)
        oblasts[name] = oblast
        places.append(city)
    attacks = []
    for day in range(60):
        place = places[day % len(places)]
        located = day % 10 != 7
        attacks.append(
            AttackFactory(
                place=place,
                occurred_at=dt.datetime(2025, 1, 1, 2, 0, tzinfo=tz) + dt.timedelta(days=day),
                latitude=place.latitude + (day % 5) * 0.01 if located else None,
                longitude=place.longitude if located else None,
                killed_best=day % 4,
                injured_best=day % 7,
                disputed=day % 9 == 0,
            )
        )
    AttackFactory(place=places[0], status="draft", occurred_at=dt.datetime(2025, 1, 15, tzinfo=tz))
    return {"oblasts": oblasts, "attacks": attacks}


def list_ids(page) -> list[int]:
    ids = page.eval_on_selector_all("#attack-list tr[data-attack]", "rows => rows.map(r => r.dataset.attack)")
    return [int(v) for v in ids]


def wait_count(page, count: int):
    page.wait_for_function(f"document.querySelector('#count-total').dataset.count === '{count}'")


def wait_points(page, points: int):
    page.wait_for_function(f"document.querySelector('#map').dataset.points === '{points}'")


def test_the_page_works_offline_and_counts_attacks_without_coordinates(browse, sixty_days):
    page = browse.new_page()
    page.goto(reverse("explore"))
    wait_map_ready(page)
    count, located, _ids = expected({})
    assert shown_count(page) == count == 60
    assert map_points(page) == located == 54
    assert page.text_content("#count-unlocated") == "6"
    # Tiles are unreachable (no internet in this browser): the page says so and still works.
    page.wait_for_selector("#map-note:not([hidden])")
    # ...and names the main cities so the map can still be read.
    page.wait_for_selector("#map .landmark:has-text('Kharkiv')")
    assert any("tile" in url for url in browse.offsite)
    assert not [u for u in browse.offsite if "tile" not in u], "the page asked for something offsite besides tiles"


def test_brushing_the_timeline_reduces_the_markers_and_the_list_to_that_range(browse, sixty_days):
    page = browse.new_page()
    page.goto(reverse("explore"))
    wait_map_ready(page)
    page.wait_for_selector("#timeline[data-ready='1'][data-bucket='day']")
    before_count, before_points = shown_count(page), map_points(page)

    over = page.locator("#timeline .u-over").bounding_box()
    y = over["y"] + over["height"] / 2
    page.mouse.move(over["x"] + over["width"] * 0.30, y)
    page.mouse.down()
    page.mouse.move(over["x"] + over["width"] * 0.55, y, steps=10)
    page.mouse.up()

    page.wait_for_function("new URLSearchParams(location.search).has('occurred_before')")
    query = parse_qs(urlparse(page.url).query)
    params = {"occurred_after": query["occurred_after"][0], "occurred_before": query["occurred_before"][0]}
    count, located, ids = expected(params)
    wait_count(page, count)
    wait_points(page, located)
    assert 5 < count < before_count
    assert located < before_points
    # The list shows the same range, and the filter panel shows the chosen dates.
    page.wait_for_function(
        "ids => [...document.querySelectorAll('#attack-list tr[data-attack]')]"
        ".every(r => ids.includes(+r.dataset.attack))",
        arg=sorted(ids),
    )
    assert set(list_ids(page)) <= ids and len(list_ids(page)) == min(count, 25)
    assert page.input_value("#id_occurred_after") == params["occurred_after"]
    assert page.input_value("#id_occurred_before") == params["occurred_before"]
    # The API link answers the same question.
    api = page.get_attribute("#link-api", "href")
    assert page.request.get(api + "&count=on").json()["count"] == count


def test_a_shared_url_reproduces_the_same_view(browse, sixty_days):
    page = browse.new_page()
    page.goto(reverse("explore"))
    wait_map_ready(page)
    page.select_option("#id_oblast", str(sixty_days["oblasts"]["Kharkiv"].pk))
    page.fill("#id_killed_min", "1")
    page.press("#id_killed_min", "Enter")
    count, located, ids = expected({"oblast": str(sixty_days["oblasts"]["Kharkiv"].pk), "killed_min": "1"})
    wait_count(page, count)
    wait_points(page, located)
    page.click("#map .leaflet-control-zoom-in")
    page.wait_for_function("new URLSearchParams(location.search).has('view')")
    page.wait_for_timeout(300)
    shared = page.url
    original = {
        "count": shown_count(page),
        "points": map_points(page),
        "list": list_ids(page),
        "view": page.get_attribute("#map", "data-view"),
        "api": page.get_attribute("#link-api", "href"),
    }
    assert original["list"] and set(original["list"]) == ids

    other = browse.new_page()  # a different person, not logged in
    other.goto(shared)
    wait_map_ready(other)
    wait_count(other, count)
    assert {
        "count": shown_count(other),
        "points": map_points(other),
        "list": list_ids(other),
        "view": other.get_attribute("#map", "data-view"),
        "api": other.get_attribute("#link-api", "href"),
    } == original
    assert other.input_value("#id_killed_min") == "1"
    assert other.input_value("#id_oblast") == str(sixty_days["oblasts"]["Kharkiv"].pk)


def test_a_popup_shows_place_figures_and_links_to_the_attack(browse, sixty_days):
    attack = sixty_days["attacks"][0]
    page = browse.new_page()
    view = f"12/{attack.latitude}/{attack.longitude}"
    page.goto(reverse("explore") + f"?occurred_after=2025-01-01&occurred_before=2025-01-01&view={view}")
    wait_map_ready(page)
    wait_points(page, 1)
    # Circles are drawn on a canvas: click where the attack is, the centre of the view.
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".leaflet-popup .popup h3")
    popup = page.text_content(".leaflet-popup")
    assert "Kyiv" in popup and "1 Jan 2025" in popup
    page.click(".leaflet-popup a:has-text('Attack page')")
    page.wait_for_url(f"**{reverse('attack-detail', args=[attack.pk])}")


def test_from_after_to_says_why_and_dims_the_old_results(browse, sixty_days):
    page = browse.new_page()
    page.goto(reverse("explore"))
    wait_map_ready(page)
    wait_count(page, 60)
    assert page.text_content("#count-noun") == "attacks match"
    page.fill("#id_occurred_after", "2025-03-10")
    page.fill("#id_occurred_before", "2025-03-01")
    page.dispatch_event("#id_occurred_before", "change")
    message = page.wait_for_selector(".field.invalid .errors[data-client]")
    assert message.text_content() == (
        "“To” (2025-03-01) is before “From” (2025-03-10): choose a To date on or after the From date."
    )
    assert page.get_attribute(".viz", "class") == "viz stale"
    # The old count stays (dimmed), not a misleading 0.
    assert page.get_attribute("#count-total", "data-count") == "60"
