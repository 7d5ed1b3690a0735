"""The decision page in a browser at 360 px, used with the keyboard only."""

import pytest
from django.urls import reverse

from casualties.models import PublishedFigure
from tests.browser.fixtures import overflow

pytestmark = pytest.mark.browser


def test_editor_decides_the_kyiv_conflict_at_360px_with_the_keyboard(browse, kyiv, editor):
    page = browse.new_page(width=360, height=740, user=editor)
    page.goto(reverse("conflicts"))
    assert overflow(page) <= 0

    # The most severe conflict is the first link in the queue; open it from the keyboard.
    link = page.locator("table.queue a").first
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{reverse('decision', kwargs={'pk': kyiv.pk, 'category': 'injured'})}")
    assert overflow(page) <= 0

    # "Use these figures" on the widest-range suggestion, by keyboard.
    page.get_by_role("button", name="Use these figures").nth(1).focus()
    page.keyboard.press("Enter")
    assert page.input_value("#id_best") == "87"
    assert page.input_value("#id_high") == ""  # "more than 100" has no upper bound: the range stays open
    assert page.evaluate("document.activeElement.id") == "id_best"

    page.focus("#id_rationale")
    page.keyboard.press("Control+A")
    page.keyboard.type("Range of the two counts; hospital figure as best.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Save as version 1"
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Saved version 1")

    figure = PublishedFigure.objects.get(attack=kyiv, category="injured")
    assert (figure.status, figure.best, figure.low, figure.high) == ("decided", 87, 87, None)
    assert overflow(page) <= 0
