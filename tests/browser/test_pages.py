"""Roles, the analyst's form, the editor's buttons, small screens and the keyboard, in a browser."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casualties.models import Claim
from strikes.models import Attack
from tests.browser.fixtures import overflow, wait_keys_ready, wait_map_ready
from tests.factories import ArticleFactory, AttackFactory, MunitionFactory, PlaceFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def kyiv(transactional_db):
    oblast = PlaceFactory(name="Kyiv City", kind="oblast", latitude=50.45, longitude=30.52)
    return PlaceFactory(name="Kyiv", kind="city", latitude=50.45, longitude=30.52, population=2_900_000, oblast=oblast)


def test_a_researcher_cannot_see_the_analyst_or_editor_pages(browse, researcher, kyiv):
    draft = AttackFactory(place=kyiv, status="draft")
    published = AttackFactory(place=kyiv)
    article = ArticleFactory(attack=draft)
    page = browse.new_page(user=researcher)
    page.goto(reverse("explore"))
    nav = page.text_content("header nav")
    for hidden in ("New attack", "Drafts", "Ingest", "Conflicts"):
        assert hidden not in nav
    assert "API token" in nav
    forbidden = [
        reverse("attack-create"),
        reverse("attack-edit", args=[published.pk]),
        reverse("drafts"),
        reverse("ingest"),
        reverse("article-detail", args=[article.pk]),
        reverse("article-review", args=[article.pk]),
        reverse("conflicts"),
        reverse("decision", args=[published.pk, "killed"]),
        reverse("attack-retract", args=[published.pk]),
    ]
    for url in forbidden:
        response = page.goto(url)
        assert response.status == 403, f"{url} answered {response.status}"
    assert page.goto(reverse("attack-detail", args=[draft.pk])).status == 404
    # The published attack is visible, without the editors' buttons or the change log.
    page.goto(reverse("attack-detail", args=[published.pk]))
    assert page.locator("text=Retract…").count() == 0
    assert page.locator("a:has-text('Edit')").count() == 0
    assert page.locator("#log-title").count() == 0


def test_an_analyst_logs_an_attack_with_place_suggestion_map_click_and_a_claim(browse, analyst, kyiv):
    MunitionFactory(name="KN-23", category="ballistic_missile", origin_country="North Korea")
    MunitionFactory(name="Shahed-136", category="attack_drone", origin_country="Iran")
    page = browse.new_page(user=analyst)
    page.goto(reverse("explore"))
    wait_keys_ready(page)
    page.keyboard.press("g")
    page.keyboard.press("n")  # the documented shortcut for "New attack"
    page.wait_for_url(f"**{reverse('attack-create')}")

    page.fill("#id_place_search", "Kyi")
    page.wait_for_selector("#place-suggestions button.suggestion")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.input_value("#id_place") == str(kyiv.pk)
    assert "Kyiv" in page.text_content("#place-chosen")
    page.wait_for_selector("#form-map.leaflet-container")
    box = page.locator("#form-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 20, box["y"] + box["height"] / 2)
    assert page.input_value("#id_latitude") != "" and page.input_value("#id_longitude") != ""
    # Clicked at zoom 11 (the map zoomed to the chosen town): a click there is "City or town", never exact.
    assert page.input_value("#id_geo_precision") == "4"

    page.fill("#id_occurred_at", "2025-04-24T01:40")
    page.select_option("#id_time_precision", "hour")
    page.select_option("#id_target_type", "residential")
    page.select_option("#id_munitions", label="KN-23 (North Korea)")
    page.select_option("#id_claims-0-category", "killed")
    page.fill("#id_claims-0-value", "12")
    page.fill("#id_claims-0-quote", "Twelve residents died when the missile hit.")
    page.fill("#id_claims-0-source_label", "Kyiv City Military Administration")
    page.click("#add-claim")
    page.select_option("#id_claims-2-category", "injured")
    page.select_option("#id_claims-2-qualifier", "more_than")
    page.fill("#id_claims-2-value", "100")
    page.fill("#id_claims-2-source_label", "President's office")
    page.click("button[name=draft]")
    page.wait_for_url("**/attacks/*/")

    attack = Attack.objects.get()
    assert (attack.status, attack.place, attack.time_precision, attack.geo_precision) == ("draft", kyiv, "hour", 4)
    assert attack.latitude != kyiv.latitude or attack.longitude != kyiv.longitude  # the clicked point
    assert [m.name for m in attack.munitions.all()] == ["KN-23"]
    assert sorted(Claim.objects.values_list("category", "value", "qualifier")) == [
        ("injured", 100, "more_than"),
        ("killed", 12, "exact"),
    ]
    assert "Twelve residents died" in page.text_content("#figure-killed")
    assert "Saved as draft" in page.text_content(".messages")


def test_form_errors_appear_next_to_their_fields(browse, analyst, kyiv):
    page = browse.new_page(user=analyst)
    page.goto(reverse("attack-create"))
    page.fill("#id_place_search", "Atlantis")
    page.select_option("#id_claims-0-category", "killed")
    page.click("button[name=draft]")
    place = page.locator(".field.invalid:has(#id_place_search)")
    assert "Choose one of the suggestions" in place.text_content()
    assert "Give the number." in page.locator(".field.invalid:has(#id_claims-0-value)").text_content()
    assert "This field is required." in page.locator(".field.invalid:has(#id_occurred_at)").text_content()
    assert Attack.objects.count() == 0


def test_an_editor_publishes_then_retracts_with_a_required_reason(browse, editor, kyiv):
    attack = AttackFactory(place=kyiv, status="draft")
    ArticleFactory(attack=attack)  # publishing needs a source
    page = browse.new_page(user=editor)
    page.goto(reverse("attack-detail", args=[attack.pk]))
    wait_keys_ready(page)
    page.keyboard.press("p")  # documented shortcut: publish
    page.wait_for_selector(".status-published")
    wait_keys_ready(page)
    page.keyboard.press("r")  # documented shortcut: retract
    page.wait_for_url(f"**{reverse('attack-retract', args=[attack.pk])}")
    page.click("button:has-text('Retract')")
    assert "This field is required." in page.locator(".field.invalid:has(#id_reason)").text_content()
    page.fill("#id_reason", "Same strike as the one logged for Bucha.")
    page.click("button:has-text('Retract')")
    page.wait_for_selector(".callout.retracted")
    assert "Same strike as the one logged for Bucha." in page.text_content(".callout.retracted")
    attack.refresh_from_db()
    assert attack.status == "retracted"
    log = page.text_content("table.log")
    assert "retracted" in log and "eddie" in log  # the service in words (the staff log names the editor)


@pytest.mark.parametrize("name", ["explore", "attack-detail", "attack-create", "drafts", "profile", "login"])
def test_pages_fit_a_360_pixel_screen(browse, analyst, kyiv, name):
    attack = AttackFactory(place=kyiv, occurred_at=timezone.now() - dt.timedelta(days=2), killed_best=3)
    page = browse.new_page(width=360, height=740, user=None if name == "login" else analyst)
    url = reverse(name, args=[attack.pk]) if name == "attack-detail" else reverse(name)
    page.goto(url)
    if name == "explore":
        wait_map_ready(page)
        page.wait_for_selector("#timeline[data-ready='1']", state="attached")
    wider = overflow(page)
    assert wider <= 0, f"{name} is {wider}px wider than the screen"


def test_keyboard_shortcuts_are_listed_and_focus_is_visible(browse, analyst, kyiv):
    page = browse.new_page(user=analyst)
    page.goto(reverse("explore"))
    wait_map_ready(page)
    wait_keys_ready(page)
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts")
    dialog.wait_for(state="visible")
    listed = dialog.text_content()
    for label in ("Copy this view as an API link", "Show or hide the filters", "Clear the period", "New attack"):
        assert label in listed
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "id_q"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused control has no visible outline"
