"""A map click on the attack form is only as precise as the zoom it was made at."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.browser


def test_a_click_on_the_whole_country_map_is_an_oblast_and_zooming_in_makes_it_exact(browse, analyst):
    page = browse.new_page(user=analyst)
    page.goto(reverse("attack-create"))
    page.wait_for_selector("#form-map.leaflet-container")
    box = page.locator("#form-map").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    # No place chosen: the map shows all of Ukraine (zoom below 9), so a click says "Oblast" (5).
    page.mouse.click(*centre)
    assert page.input_value("#id_latitude") != ""
    assert page.input_value("#id_geo_precision") == "5"

    # Zoomed all the way in (the tiles' maximum, 16 or more) with the map's own "+" button:
    # the same click is "Exact location" (1).
    for _ in range(20):
        if page.locator(".leaflet-control-zoom-in.leaflet-disabled").count():
            break
        page.click(".leaflet-control-zoom-in")
        page.wait_for_timeout(300)
    page.mouse.click(*centre)
    assert page.input_value("#id_geo_precision") == "1"
