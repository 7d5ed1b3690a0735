"""Reviewing an article's extracted figures with the keyboard only (issues 15, 18), on a desktop
and a phone: correct a figure, move a launched count to the night's wave, delete a figure from
another place, drop a munition; then an editor publishes the draft wave the article proposed.

The session is opened with a cookie (no mouse, no typing into the login form): from the review
page on, every step is a key press: Tab, typing, arrows, Enter.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from casualties.models import Claim
from linking.services import article_process
from strikes.models import AttackMunition, Wave, WaveMunition
from tests.browser.fixtures import fits_the_width
from tests.factories import ArticleFactory

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
KHARKIV = (
    "Russia attacked Kharkiv with two Iskander-M ballistic missiles on 3 April, the mayor said. "
    "Four people were killed and 12 injured. In Sumy, two people were injured by a drone."
)


@pytest.fixture
def article(transactional_db):
    import datetime as dt

    from django.utils import timezone

    from tests.reference_rows import reference_rows

    reference_rows()
    made = ArticleFactory(
        text=KHARKIV,
        title="",
        status="fetched",
        published_at=timezone.make_aware(dt.datetime(2025, 4, 24, 9, 0)),
    )
    article_process(article_id=made.pk)
    made.refresh_from_db()
    return made


def keyboard_page(browse, user, viewport):
    width, height = VIEWPORTS[viewport]
    page = browse.new_page(width=width, height=height)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": browse.base_url}])
    return page


def tab_to(page, selector: str, limit: int = 250):
    """Press Tab until ``selector`` has the focus (fails after ``limit`` presses)."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def submit(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_selector("html[data-review='ready']", state="attached")


def open_review(page, article):
    page.goto(reverse("article-review", args=[article.pk]))
    page.wait_for_selector("html[data-review='ready']", state="attached")


def index_of(article, quote):
    return next(n for n, f in enumerate(article.report["figures"]) if f["quote"] == quote)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_reviewing_an_article_with_the_keyboard_only(browse, analyst, editor, article, viewport):
    killed = index_of(article, "Four people were killed")
    launched = index_of(article, "attacked Kharkiv with two Iskander-M ballistic missiles")
    sumy = index_of(article, "two people were injured")
    page = keyboard_page(browse, analyst, viewport)
    open_review(page, article)
    assert fits_the_width(page)

    # 1. Correct the killed figure: Tab to its value, type 5, Enter.
    tab_to(page, f"#figure-{killed} input[name=value]")
    if viewport == "desktop":
        # The text stays beside the list: the figure's words are marked and in view.
        assert page.locator(f"#mark-{killed}.active").is_visible()
        assert page.locator(f"#mark-{killed}").bounding_box()["y"] < 900
    page.keyboard.press("Control+A")
    page.keyboard.type("5")
    submit(page)
    assert "changed by ana" in page.locator(f"#figure-{killed}").inner_text()
    assert page.evaluate("() => document.activeElement.id") == f"figure-{killed}"  # back on the figure
    assert Claim.objects.get(article=article, category="killed", withdrawn_at__isnull=True).value == 5

    # 2. The launched count belongs to the night: its scope one up (to "The night's wave"), then Save.
    tab_to(page, f"#figure-{launched} select[name=scope]")
    page.keyboard.press("ArrowUp")
    tab_to(page, f"#figure-{launched} button[value=save]")
    submit(page)
    assert "Counted on the night's wave" in page.locator(f"#figure-{launched}").inner_text()
    night = page.locator("#night-wave").inner_text()
    assert "Proposed wave (draft), from this article" in night and "Iskander-M: 2 launched" in night
    assert "An editor publishes or discards" in night

    # 3. Sumy's injured are another place's: delete the figure.
    tab_to(page, f"#figure-{sumy} button[value=delete]")
    submit(page)
    assert "Deleted" in page.locator(f"#figure-{sumy}").inner_text()
    assert page.locator(f"#mark-{sumy}.deleted").count() == 1  # still in the text, greyed

    # 4. Drop the munition.
    tab_to(page, "#munition-0 button[value=drop]")
    submit(page)
    assert "Dropped by ana" in page.locator("#munition-0").inner_text()
    assert fits_the_width(page)

    live = {c.category: c.value for c in Claim.objects.filter(article=article, withdrawn_at__isnull=True)}
    assert live == {"killed": 5, "injured": 12}
    assert not AttackMunition.objects.filter(attack_id=article.attack_id).exists()

    # 5. An editor publishes the proposed wave.
    desk = keyboard_page(browse, editor, viewport)
    open_review(desk, article)
    tab_to(desk, "#wave-publish")
    submit(desk)
    assert "Published from this article by eddie" in desk.locator("#night-wave").inner_text()
    wave = Wave.objects.get()
    assert not wave.is_draft
    assert list(WaveMunition.objects.filter(wave=wave).values_list("label", "launched")) == [("Iskander-M", 2)]
