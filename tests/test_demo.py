"""The demo a new user sees: the Kyiv running example, four more reported strikes, and demo users."""

import json
import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import HttpRequest

from casualties.models import Claim
from casualties.selectors import conflicts_queue, figures_for_attacks
from casualties.services import claim_withdraw
from datasets.demo import DEMO_EVENTS, KRAMATORSK_2022, KYIV_2025, demo_external_id, demo_load
from sources.models import Article, Outlet
from sources.services import article_submit_url
from strikes.models import Attack
from tests.reference_rows import reference_rows


@pytest.fixture
def demo(db):
    reference_rows()
    demo_load()


def _attack(event) -> Attack:
    return Attack.objects.get(external_id=demo_external_id(event))


# Loading the demo takes a few seconds (30 claims through the claims services), so the
# checks are grouped into few tests, each on a freshly loaded demo.

# --- The running example ---


def test_kyiv_running_example(demo):
    kyiv = _attack(KYIV_2025)

    # One published attack in the Sviatoshynskyi district of Kyiv, 01:00 Kyiv time.
    assert kyiv.status == "published"
    assert (kyiv.place.name, kyiv.place.parent.name) == ("Sviatoshynskyi", "Kyiv")
    assert kyiv.target_type == "residential"
    assert kyiv.occurred_at.isoformat() == "2025-04-23T22:00:00+00:00"

    # Both articles, with their outlets and dates.
    articles = kyiv.articles.select_related("outlet").order_by("published_at")
    assert [(a.outlet.name, a.published_at.date().isoformat()) for a in articles] == [
        ("Censor.NET", "2025-04-24"),
        ("HNGN (AFP)", "2025-04-25"),
    ]

    # The claims of each.
    claims = Claim.objects.filter(attack=kyiv).select_related("article__outlet")
    assert {(c.article.outlet.name, c.category): (c.qualifier, c.value) for c in claims} == {
        ("Censor.NET", "killed"): ("exact", 12),
        ("Censor.NET", "injured"): ("more_than", 100),
        ("Censor.NET", "launched"): ("more_than", 200),
        ("HNGN (AFP)", "killed"): ("exact", 12),
        ("HNGN (AFP)", "injured"): ("exact", 87),
        ("HNGN (AFP)", "launched"): ("exact", 215),
    }

    # Killed agreed; injured disputed; 215 lies within "more than 200", so launched is consistent.
    figures = figures_for_attacks([kyiv.pk])[kyiv.pk]
    assert (figures["killed"]["status"], figures["killed"]["best"]) == ("consensus", 12)
    assert figures["injured"]["status"] == "disputed"
    assert (figures["launched"]["status"], figures["launched"]["best"]) == ("consensus", 215)
    kyiv.refresh_from_db()
    assert (kyiv.killed_best, kyiv.disputed) == (12, True)

    # Only the injured figure waits for an editor.
    queued = {(f.attack_id, f.category) for f in conflicts_queue()}
    assert (kyiv.pk, "injured") in queued
    assert (kyiv.pk, "killed") not in queued
    assert (kyiv.pk, "launched") not in queued
    # ...and it is the first thing an editor sees (the demo check).
    first = next(iter(conflicts_queue()))
    assert (first.attack_id, first.category) == (kyiv.pk, "injured")

    # The North Korean missile.
    assert [(m.name, m.origin_country, m.category) for m in kyiv.munitions.all()] == [
        ("KN-23", "North Korea", "ballistic_missile")
    ]


# --- All five events ---


def test_five_reported_strikes_with_their_sources(demo):
    assert Attack.objects.count() == 5
    assert Attack.objects.published().count() == 5
    per_event = {event.key: _attack(event).articles.count() for event in DEMO_EVENTS}
    assert per_event == {
        "kyiv-2025-04-24": 2,
        "dnipro-2023-01-14": 3,
        "kramatorsk-2022-04-08": 2,
        "kyiv-okhmatdyt-2024-07-08": 2,
        "uman-2023-04-28": 2,
    }

    # Every quote is the piece of its article's text it points at.
    claims = Claim.objects.select_related("article")
    assert claims.count() == sum(len(a.claims) for e in DEMO_EVENTS for a in e.articles)
    for claim in claims:
        assert claim.article.text[claim.quote_start : claim.quote_end] == claim.quote

    # Real disagreement, on more than the running example.
    kramatorsk = _attack(KRAMATORSK_2022)
    killed = sorted(kramatorsk.claims.filter(category="killed").values_list("qualifier", "value"))
    assert killed == [("at_least", 35), ("exact", 30)]
    assert len({f.attack_id for f in conflicts_queue()}) >= 2

    # Demo articles are finished: the pipeline never fetches or extracts them again.
    assert set(Article.objects.values_list("status", flat=True)) == {"extracted"}
    assert not Article.objects.filter(attack__isnull=True).exists()


def test_pasting_a_demo_url_finds_the_demo_article(demo, analyst):
    url = KYIV_2025.articles[0].url
    article, created = article_submit_url(url=url.replace("https://censor.net", "https://CENSOR.net"), by=analyst)
    assert not created
    assert article.attack == _attack(KYIV_2025)
    assert article.status == "extracted"
    assert Article.objects.count() == sum(len(e.articles) for e in DEMO_EVENTS)


# --- Idempotency ---


def test_running_again_creates_nothing_and_keeps_withdrawals(demo, editor):
    before = (Attack.objects.count(), Article.objects.count(), Claim.objects.count(), Outlet.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 attacks, 0 articles and 0 claims created" in out.getvalue()
    assert (Attack.objects.count(), Article.objects.count(), Claim.objects.count(), Outlet.objects.count()) == before

    # A claim an editor withdrew is not brought back by the next load.
    claim = Claim.objects.get(attack=_attack(KYIV_2025), category="injured", value=87)
    claim_withdraw(claim=claim, by=editor, reason="Testing")
    assert demo_load() == {"attacks": 0, "articles": 0, "claims": 0}
    claim.refresh_from_db()
    assert claim.withdrawn_at is not None
    assert Claim.objects.count() == before[2]


@pytest.mark.django_db
def test_load_demo_loads_the_gazetteer_when_missing():
    call_command("load_demo", stdout=StringIO())
    assert _attack(KYIV_2025).place.ref_key == "district:kyiv:sviatoshynskyi"


# --- Demo users ---


@pytest.fixture
def fast_hashing(settings):
    # The production hasher costs about a second per password; these tests hash a dozen.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_users_one_per_role_with_working_stored_passwords(db, tmp_path, client, settings, fast_hashing):
    settings.DEBUG = True
    state = tmp_path / "demo-users.json"
    out = StringIO()
    call_command("create_demo_users", "--state-file", str(state), stdout=out)

    passwords = json.loads(state.read_text())
    assert set(passwords) == {"analyst", "editor", "researcher", "admin"}
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    User = get_user_model()
    for role in ("analyst", "editor", "researcher"):
        user = User.objects.get(username=role)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser
        assert f"{role}" in out.getvalue() and passwords[role] in out.getvalue()
    assert User.objects.get(username="admin").is_superuser
    # django-axes needs the request that logs in (the test client has none of its own).
    assert client.login(request=HttpRequest(), username="editor", password=passwords["editor"])


def test_demo_user_passwords_stay_the_same_on_later_runs(db, tmp_path, settings, fast_hashing):
    settings.DEBUG = True
    state = tmp_path / "demo-users.json"
    call_command("create_demo_users", "--state-file", str(state), stdout=StringIO())
    first = json.loads(state.read_text())
    analyst = get_user_model().objects.get(username="analyst")
    analyst.set_password("changed-elsewhere")
    analyst.save()

    out = StringIO()
    call_command("create_demo_users", "--state-file", str(state), stdout=out)

    assert json.loads(state.read_text()) == first
    assert first["analyst"] in out.getvalue()
    analyst.refresh_from_db()
    assert analyst.check_password(first["analyst"])  # the printed password works again
    assert get_user_model().objects.filter(username__in=first).count() == 4


def test_demo_users_are_refused_without_debug(db, tmp_path, settings):
    settings.DEBUG = False
    state = tmp_path / "demo-users.json"
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("create_demo_users", "--state-file", str(state), stdout=StringIO())
    assert not get_user_model().objects.filter(username__in=["analyst", "admin"]).exists()
    assert not state.exists()
