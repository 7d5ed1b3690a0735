"""The API docs page leads back to the site and runs with no inline script; the token page's
Copy button puts the token on the clipboard (issue 18)."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_page_links_home_and_to_the_token_page(browse):
    page = browse.new_page()
    page.goto(reverse("api-docs"))
    page.wait_for_selector(".swagger-ui .information-container", timeout=20_000)  # Swagger UI started
    assert page.get_attribute(".api-docs-bar a >> nth=0", "href") == reverse("explore")
    assert page.get_attribute(".api-docs-bar a >> nth=1", "href") == reverse("profile")
    assert page.locator("script:not([src])").count() == 0
    assert not browse.errors


def test_the_copy_button_copies_the_token(browse, researcher):
    page = browse.new_page(user=researcher)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=browse.base_url)
    page.goto(reverse("profile"))
    # The form posts and the page comes back with the token: wait for it (and its scripts).
    with page.expect_navigation():
        page.click("button:has-text('Create a token')")
    token = Token.objects.get(user=researcher).key
    page.click("button[data-copy=token]")
    page.wait_for_selector("#copy-status:has-text('Copied.')")
    assert page.evaluate("navigator.clipboard.readText()") == token
    # At 390 px the token and its button fit: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390)"
        ".map(e => e.tagName + '.' + e.className + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right))"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, wide
    assert not browse.errors
