"""Every page a visitor, researcher, analyst or editor can reach passes axe-core (issue 18) on a
desktop (1366 x 900) and a phone (390 x 844): a violation of impact "serious" or "critical" fails the
test, named with its rule, impact, the elements (CSS selectors) and the page.

A full-page screenshot of each page at each size is saved to test-artifacts/ as
``a11y-<page>-<desktop|phone>.png``, so a reviewer can look at the pages without running the suite.

axe-core is a test-only npm package (package.json's devDependencies): it is read from
node_modules/ and injected into each page after it loaded; the site never serves it.

One test per size, the data made once for it; one browser context per role, logged in once.
"""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from casualties.models import Claim, Proposal
from datasets.demo import DEMO_EVENTS, demo_external_id, demo_load
from linking.services import article_process
from sources.models import Article
from strikes.models import Attack, Place
from strikes.services import attack_retract
from tests.browser.fixtures import ARTIFACTS
from tests.factories import ArticleFactory, AttackFactory, ClaimFactory, FeedFactory, MunitionFactory, PlaceFactory
from watch.services import search_save

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": (1366, 900), "phone": (390, 844)}
ROLES = ("visitor", "researcher", "analyst", "editor")
FAILING_IMPACTS = {"serious", "critical"}

# What axe checks: the WCAG 2.0/2.1/2.2 A and AA rules and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
# Third-party markup the site cannot change, exempt from one rule each (never ours):
EXEMPT = {
    # Swagger UI (/api/docs/) puts each operation's deep link inside the <button> that opens the
    # operation: a link nested in a button. The button works with the keyboard; the link only
    # repeats the address bar's anchor. Fixing it means forking Swagger UI.
    "nested-interactive": ".swagger-ui .opblock-summary-control",
}

KHARKIV = (
    "Russia attacked Kharkiv with two Iskander-M ballistic missiles on 3 April, the mayor said. "
    "Four people were killed and 12 injured. In Sumy, two people were injured by a drone."
)


@pytest.fixture
def scene(transactional_db, researcher, analyst, editor):
    """The demo's five attacks (sources, figures, a conflict) plus a draft, a retracted attack,
    an article read by the extractor, a feed, a saved search and an API token."""
    # The demo's places and munitions only, not the whole gazetteer (reference_load takes seconds).
    names = {"district:kyiv:sviatoshynskyi": "Kyiv", "district:kyiv:shevchenkivskyi": "Kyiv"}
    for event in DEMO_EVENTS:
        if not Place.objects.filter(ref_key=event.place_ref).exists():
            PlaceFactory(ref_key=event.place_ref, name=names.get(event.place_ref, event.key.split("-")[0].title()))
        for munition, _count in event.munitions:
            MunitionFactory(name=munition, category="ballistic_missile")
    kharkiv = PlaceFactory(name="Kharkiv", kind="oblast", latitude=49.99, longitude=36.23)
    PlaceFactory(name="Kharkiv", kind="city", latitude=49.99, longitude=36.23, oblast=kharkiv, population=1_400_000)
    PlaceFactory(name="Sumy", kind="city", latitude=50.91, longitude=34.8, population=260_000)
    demo_load()
    attack = Attack.objects.get(external_id=demo_external_id(DEMO_EVENTS[0]))
    other = Attack.objects.get(external_id=demo_external_id(DEMO_EVENTS[1]))
    retracted = AttackFactory(place=attack.place)
    ArticleFactory(attack=retracted)
    attack_retract(attack=retracted, by=editor, reason="Same strike as the one logged in Kyiv.")
    draft = AttackFactory(place=attack.place, status="draft")
    read = ArticleFactory(
        text=KHARKIV, title="", status="fetched", published_at=dt.datetime(2025, 4, 24, 9, 0, tzinfo=dt.UTC)
    )
    article_process(article_id=read.pk)
    FeedFactory()
    search_save(user=researcher, name="Kyiv at night", query="q=Kyiv", email="rosa@example.org")
    Token.objects.create(user=researcher)
    # The editor's queue with something in each list: a new source waiting, a proposed change.
    ClaimFactory(attack=attack, article=ArticleFactory(attack=attack), value=13, pending_review=True)
    Proposal.objects.create(
        attack=other, kind="attack_edit", changes={"description": "A substation."}, proposed_by=analyst
    )
    # The decision page of the demo's disputed figure (two outlets disagree on the injured).
    categories = set(Claim.objects.filter(attack=attack).values_list("category", flat=True))
    category = "injured" if "injured" in categories else min(categories)
    source = Article.objects.filter(attack=attack).first()
    return {
        "attack": attack,
        "other": other,
        "retracted": retracted,
        "draft": draft,
        "read": read,
        "category": category,
        "source": source,
        "users": {"researcher": researcher, "analyst": analyst, "editor": editor},
    }


def pages_of(role: str, s: dict) -> dict[str, tuple[str, int]]:
    """The pages ``role`` can reach that no lesser role can: name → (URL, expected status)."""
    a = s["attack"]
    return {
        "visitor": {
            "explore": (reverse("explore"), 200),
            "attack": (reverse("attack-detail", args=[a.pk]), 200),
            "retracted": (reverse("attack-detail", args=[s["retracted"].pk]), 410),
            "source": (reverse("source-detail", args=[s["source"].pk]), 200),
            "api-docs": (reverse("api-docs"), 200),
            "login": (reverse("login"), 200),
            "not-found": ("/no-such-page/", 404),
        },
        "researcher": {
            "saved-searches": (reverse("saved-searches"), 200),
            "profile": (reverse("profile"), 200),
            "forbidden": (reverse("drafts"), 403),
        },
        "analyst": {
            "drafts": (reverse("drafts"), 200),
            "attack-new": (reverse("attack-create"), 200),
            "attack-edit": (reverse("attack-edit", args=[a.pk]), 200),
            "ingest": (reverse("ingest"), 200),
            "article": (reverse("article-detail", args=[s["read"].pk]), 200),
            "review": (reverse("article-review", args=[s["read"].pk]), 200),
            "merge": (reverse("attack-merge", args=[a.pk]) + f"?other={s['other'].pk}", 200),
            "split": (reverse("attack-split", args=[a.pk]), 200),
        },
        "editor": {
            "conflicts": (reverse("conflicts"), 200),
            "decision": (reverse("decision", args=[a.pk, s["category"]]), 200),
            "grade": (reverse("grade-override", args=[a.pk]), 200),
            "retract": (reverse("attack-retract", args=[a.pk]), 200),
        },
    }[role]


# What each page's scripts set when they have drawn what axe should see (besides keys.js's mark,
# set on every page of the site once its deferred scripts ran).
READY = {
    "explore": ["#map[data-ready='1']", "#timeline[data-ready='1']"],
    "attack": ["#attack-map[data-ready='1']"],
    "attack-new": ["select[data-munition-picker][data-ready='1']", "#form-map.leaflet-container"],
    "attack-edit": ["select[data-munition-picker][data-ready='1']", "#form-map.leaflet-container"],
    "review": ["html[data-review='ready']"],
    "api-docs": [".swagger-ui .information-container", ".swagger-ui .opblock"],  # Swagger UI has no keys.js
}


def settle(page, name: str) -> None:
    for selector in READY.get(name, ["html[data-keys='ready']"]):
        page.wait_for_selector(selector, state="attached", timeout=20_000)


# Runs axe on the whole document; drops the exempt elements (EXEMPT) from each rule's findings.
AXE_RUN = """async ([options, exempt]) => {
  const result = await axe.run(document, options);
  const isExempt = (rule, node) => {
    const element = exempt[rule] && document.querySelector(node.target[0]);
    return Boolean(element && element.matches(exempt[rule]));
  };
  return result.violations
    .map((v) => ({ ...v, nodes: v.nodes.filter((node) => !isExempt(v.id, node)) }))
    .filter((v) => v.nodes.length);
}"""


def axe_run(page) -> list[dict]:
    # add_script_tag inserts axe as an inline <script>, which the site's Content-Security-Policy
    # forbids: this test's contexts are opened with bypass_csp (browse.new_page()'s default) so
    # that axe can run. tests/browser/test_csp.py checks the policy itself, with nothing bypassed.
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(AXE_RUN, [AXE_OPTIONS, EXEMPT])
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(where: str, url: str, violation: dict) -> str:
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
    shown = ", ".join(targets[:5]) + (f" and {len(targets) - 5} more" if len(targets) > 5 else "")
    return f"{where} ({url}): {violation['id']} [{violation['impact']}] {violation['help']}: {shown}"


def role_page(browse, scene, role: str, size: str):
    """A page in a new browser context of this size, logged in as ``role`` (a visitor: not logged in)."""
    width, height = VIEWPORTS[size]
    page = browse.new_page(width=width, height=height)
    if role != "visitor":
        # Logged in with a session cookie: quicker than the login form, which is tested elsewhere.
        client = Client()
        client.force_login(scene["users"][role])
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": browse.base_url}])
    return page


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_no_page_has_serious_accessibility_violations(browse, scene, size):
    ARTIFACTS.mkdir(exist_ok=True)
    found = []
    for role in ROLES:
        page = role_page(browse, scene, role, size)
        for name, (url, status) in pages_of(role, scene).items():
            response = page.goto(url)
            assert response.status == status, f"{name} ({url}) answered {response.status}, not {status}"
            settle(page, name)
            page.screenshot(path=str(ARTIFACTS / f"a11y-{name}-{size}.png"), full_page=True)
            found += [describe(f"{name} page as {role}, {size}", url, v) for v in axe_run(page)]
    assert not found, f"{len(found)} serious or critical accessibility violations:\n" + "\n".join(found)
