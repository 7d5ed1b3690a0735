"""Every page works under the Content-Security-Policy (issue 20): no inline script, no inline
<style>, nothing from another origin. The browser reports each violation; none may occur, and
the pages still do their work (map drawn, suggestions offered)."""

import pytest
from django.urls import reverse

from casualties.models import Claim
from datasets.demo import DEMO_EVENTS, demo_external_id, demo_load
from sources.models import Article
from strikes.models import Attack
from tests.reference_rows import reference_rows

pytestmark = pytest.mark.django_db(transaction=True)

# Collected in the page: every CSP violation the browser reports, with what it blocked.
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile + ":" + e.lineNumber));
"""


@pytest.fixture
def demo(transactional_db):
    reference_rows()
    demo_load()
    return Attack.objects.get(external_id=demo_external_id(DEMO_EVENTS[0]))


def visit(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__csp")


def test_no_page_breaks_the_content_security_policy(browse, editor, demo):
    page = browse.new_page(user=editor, enforce_csp=True)
    page.add_init_script(WATCH)
    article = Article.objects.filter(attack=demo).first()
    injured = Claim.objects.filter(attack=demo, category="injured").exists()
    urls = [
        reverse("explore"),
        reverse("attack-detail", args=[demo.pk]),
        reverse("attack-create"),
        reverse("attack-edit", args=[demo.pk]),
        reverse("conflicts"),
        reverse("ingest"),
        reverse("article-detail", args=[article.pk]),
        reverse("article-review", args=[article.pk]),
        reverse("source-detail", args=[article.pk]),
        reverse("drafts"),
        reverse("profile"),
        reverse("saved-searches"),
        reverse("api-docs"),
    ]
    if injured:
        urls.append(reverse("decision", args=[demo.pk, "injured"]))
    violations = {url: visit(page, url) for url in urls}
    assert {url: v for url, v in violations.items() if v} == {}
    # The pages still work under the policy.
    page.goto(reverse("explore"))
    page.wait_for_selector("#map[data-ready='1']", state="attached")
    page.goto(reverse("attack-create"))
    page.fill("input[name=place_search]", "Kyi")
    page.wait_for_selector("#place-suggestions button.suggestion")
    assert not browse.errors


def test_the_login_page_for_a_visitor(browse):
    page = browse.new_page(enforce_csp=True)
    page.add_init_script(WATCH)
    response = page.goto(reverse("login"))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__csp") == []
