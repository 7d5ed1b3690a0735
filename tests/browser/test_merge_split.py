"""Merging and splitting attacks with the keyboard only (issue 18), on a desktop and a phone.

The session is opened with a cookie (no mouse, no typing into the login form): from the attack
page on, every step is a key press: the page's shortcuts, typing, arrows, Tab, Space, Enter.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from casualties.models import Claim
from casualties.services import claim_record
from sources.models import Article
from strikes.models import Attack
from tests.browser.fixtures import fits_the_width, wait_keys_ready
from tests.factories import ArticleFactory, AttackFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.browser

NIGHT = dt.datetime(2025, 4, 24, 1, 0, tzinfo=dt.UTC)
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}


def _source(attack, outlet, title, **claims):
    article = ArticleFactory(outlet=OutletFactory(name=outlet), attack=attack, title=title, status="extracted")
    for category, value in claims.items():
        claim_record(
            attack=attack, category=category, value=value, qualifier="exact", reported_at=NIGHT, article=article
        )
    return article


@pytest.fixture
def scene(transactional_db):
    kyiv = PlaceFactory(name="Kyiv", latitude=50.45, longitude=30.52)
    irpin = PlaceFactory(name="Irpin", latitude=50.52, longitude=30.25)
    first = AttackFactory(place=kyiv, occurred_at=NIGHT, status="draft")
    second = AttackFactory(place=kyiv, occurred_at=NIGHT + dt.timedelta(hours=3), status="draft")
    irpin_attack = AttackFactory(place=irpin, occurred_at=NIGHT, status="draft")
    return {
        "first": first,
        "second": second,
        "irpin": irpin_attack,
        "censor": _source(first, "Censor.NET", "Night attack on the capital", killed=12),
        "debris": _source(first, "Kyiv Post", "Drone debris in Obolon", injured=3),
        "afp": _source(second, "AFP", "Kyiv toll rises", killed=12, injured=87),
    }


def keyboard_page(browse, user, viewport):
    width, height = VIEWPORTS[viewport]
    page = browse.new_page(width=width, height=height)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": browse.base_url}])
    return page


def tab_to(page, selector: str, limit: int = 80):
    """Press Tab until ``selector`` has the focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_merging_with_the_keyboard_only(browse, analyst, scene, viewport):
    first, second, irpin = scene["first"], scene["second"], scene["irpin"]
    claims = set(Claim.objects.values_list("pk", "article_id", "value"))
    page = keyboard_page(browse, analyst, viewport)
    page.goto(reverse("attack-detail", args=[first.pk]))
    wait_keys_ready(page)

    page.keyboard.press("m")  # the attack page's shortcut to "Merge…"
    page.wait_for_url(f"**{reverse('attack-merge', args=[first.pk])}")
    wait_keys_ready(page)
    # Both nearby attacks are offered before anything is typed, with their figures and sources.
    page.wait_for_selector(f'#merge-candidates [data-attack="{irpin.pk}"]')
    assert "AFP" in page.inner_text(f'#merge-candidates [data-attack="{second.pk}"]')

    page.keyboard.press("/")  # the search field's shortcut
    page.keyboard.type("afp")
    page.wait_for_selector(f'#merge-candidates [data-attack="{irpin.pk}"]', state="detached")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.dataset.attack") == str(second.pk)
    page.keyboard.press("Enter")
    page.wait_for_selector("#merge-preview")

    # Side by side, then the preview of the merged attack: three sources, four claims.
    assert "Censor.NET" in page.inner_text("#this-title >> xpath=..")
    assert "AFP" in page.inner_text("#that-title >> xpath=..")
    after = page.inner_text("#after-title >> xpath=..")
    assert "Sources (3)" in after and "Claims (4)" in after
    assert fits_the_width(page)
    browse.screenshot(page, "-preview")

    tab_to(page, "#confirm-merge")
    assert page.locator("#confirm-merge").is_visible()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('attack-detail', args=[first.pk])}")
    assert f"Attack {second.pk} merged into attack {first.pk}" in page.inner_text(".messages")
    assert "Kyiv toll rises" in page.inner_text("#sources-title >> xpath=..")

    assert not Attack.objects.filter(pk=second.pk).exists()
    assert set(Claim.objects.values_list("pk", "article_id", "value")) == claims
    assert set(Claim.objects.values_list("attack_id", flat=True)) == {first.pk}
    assert Article.objects.filter(attack=first).count() == 3


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_splitting_with_the_keyboard_only(browse, analyst, scene, viewport):
    first, debris = scene["first"], scene["debris"]
    known = set(Attack.objects.values_list("pk", flat=True))
    page = keyboard_page(browse, analyst, viewport)
    page.goto(reverse("attack-detail", args=[first.pk]))
    wait_keys_ready(page)

    page.keyboard.press("s")  # the attack page's shortcut to "Split…"
    page.wait_for_url(f"**{reverse('attack-split', args=[first.pk])}")
    tab_to(page, f'input[name="articles"][value="{debris.pk}"]')
    page.keyboard.press("Space")
    tab_to(page, 'button[value="preview"]')
    page.keyboard.press("Enter")
    page.wait_for_selector("#split-preview")
    new_side = page.inner_text("#new-title >> xpath=..")
    assert "Drone debris in Obolon" in new_side and "Night attack on the capital" not in new_side
    assert fits_the_width(page)
    browse.screenshot(page, "-preview")
    assert set(Attack.objects.values_list("pk", flat=True)) == known  # a preview writes nothing

    tab_to(page, "#confirm-split")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    new = Attack.objects.exclude(pk__in=known).get()
    assert page.url.endswith(reverse("attack-detail", args=[new.pk]))
    assert "Drone debris in Obolon" in page.inner_text("#sources-title >> xpath=..")
    debris.refresh_from_db()
    assert debris.attack_id == new.pk
    assert set(Claim.objects.filter(attack=new).values_list("article_id", flat=True)) == {debris.pk}


def test_moving_an_article_from_the_review_page_with_the_picker(browse, analyst, scene):
    first, afp = scene["first"], scene["afp"]
    page = keyboard_page(browse, analyst, "desktop")
    page.goto(reverse("article-review", args=[afp.pk]))
    # The list of nearby attacks is there before anything is typed.
    page.wait_for_selector(f'#move-candidates [data-attack="{first.pk}"]')
    page.focus("#move-search")
    page.keyboard.type("censor")
    page.wait_for_selector(f'#move-candidates [data-attack="{scene["irpin"].pk}"]', state="detached")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector(".messages")
    assert f"Moved to attack {first.pk}" in page.inner_text(".messages")
    afp.refresh_from_db()
    assert afp.attack_id == first.pk
    # The proposed attack is now a link to it.
    assert page.get_attribute("#proposed-attack", "href") == reverse("attack-detail", args=[first.pk])


CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_the_merge_and_split_pages_keep_the_content_security_policy(browse, analyst, scene):
    first, second = scene["first"], scene["second"]
    page = browse.new_page(user=analyst, enforce_csp=True)
    page.add_init_script(CSP_WATCH)
    violations = {}
    for url in (
        reverse("attack-merge", args=[first.pk]) + f"?other={second.pk}",
        reverse("attack-split", args=[first.pk]),
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        violations[url] = page.evaluate("window.__csp")
    assert {url: v for url, v in violations.items() if v} == {}
