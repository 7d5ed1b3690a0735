"""Merging and splitting attacks from the attack page (issue 18), and the picker of nearby
attacks that the merge page and the article review's "Move to" share."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from pghistory.models import Events

from casualties.models import Claim, Decision
from casualties.services import claim_record, decision_make
from sources.models import Article
from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory, OutletFactory, PlaceFactory
from tests.test_role_matrix import _snapshot

pytestmark = pytest.mark.django_db

NIGHT = dt.datetime(2025, 4, 24, 1, 0, tzinfo=dt.UTC)


def _source(attack, outlet, title, **claims):
    article = ArticleFactory(outlet=OutletFactory(name=outlet), attack=attack, title=title, status="extracted")
    for category, value in claims.items():
        claim_record(
            attack=attack, category=category, value=value, qualifier="exact", reported_at=NIGHT, article=article
        )
    return article


@pytest.fixture
def scene(kyiv, editor):
    """Two reports of one Kyiv strike logged as two draft attacks, and attacks that are not near."""
    irpin = PlaceFactory(name="Irpin", latitude=50.52, longitude=30.25)  # about 21 km from Kyiv
    lviv = PlaceFactory(name="Lviv", latitude=49.84, longitude=24.03)
    first = AttackFactory(place=kyiv, occurred_at=NIGHT, status="draft")
    second = AttackFactory(place=kyiv, occurred_at=NIGHT + dt.timedelta(hours=3), status="draft")
    censor = _source(first, "Censor.NET", "Night attack on the capital", killed=12, injured=100)
    afp = _source(second, "AFP", "Kyiv toll rises", killed=12, injured=87)
    kyiv_post = _source(first, "Kyiv Post", "Drone debris in Obolon", injured=3)
    decision_make(attack=first, category="injured", best=95, low=87, high=100, rationale="Two counts.", by=editor)
    decision_make(attack=second, category="injured", best=87, low=87, high=87, rationale="AFP only.", by=editor)
    decision_make(attack=second, category="killed", best=12, low=12, high=12, rationale="Agreed.", by=editor)
    return {
        "first": first,
        "second": second,
        "irpin": AttackFactory(place=irpin, occurred_at=NIGHT + dt.timedelta(days=1), status="draft"),
        "lviv": AttackFactory(place=lviv, occurred_at=NIGHT, status="draft"),
        "earlier": AttackFactory(place=kyiv, occurred_at=NIGHT - dt.timedelta(days=3), status="draft"),
        "articles": {"censor": censor, "afp": afp, "kyiv_post": kyiv_post},
    }


def _claims():
    return {c.pk: (c.article_id, c.category, c.value, c.qualifier) for c in Claim.objects.all()}


def _candidates(client, attack, q=""):
    html = client.get(reverse("attack-merge-candidates", args=[attack.pk]), {"q": q}).content.decode()
    return {int(pk) for pk in re.findall(r'data-attack="(\d+)"', html)}, html


# --- the picker ---


def test_the_picker_lists_attacks_on_the_same_day_plus_or_minus_one_within_the_linking_distance(
    as_user, analyst, scene
):
    client = as_user(analyst)
    found, html = _candidates(client, scene["first"])
    assert found == {scene["second"].pk, scene["irpin"].pk}  # not Lviv (far), not three days earlier
    assert "AFP" in html and "killed 12" in html and "1 source" in html
    assert "20.6 km away" in html  # Irpin: the analyst sees how near it is


def test_typing_narrows_the_list_and_a_number_finds_any_attack(as_user, analyst, scene):
    client = as_user(analyst)
    assert _candidates(client, scene["first"], "irp")[0] == {scene["irpin"].pk}
    assert _candidates(client, scene["first"], "afp")[0] == {scene["second"].pk}  # a source's outlet
    found, html = _candidates(client, scene["first"], str(scene["lviv"].pk))
    assert found == {scene["lviv"].pk} and "not nearby" in html
    found, html = _candidates(client, scene["first"], "nowhere-at-all")
    assert not found and "No nearby attack matches" in html


def test_the_attack_page_links_to_merge_and_split_for_staff_only(client, as_user, analyst, scene):
    scene["first"].status = "published"
    scene["first"].save()
    url = reverse("attack-detail", args=[scene["first"].pk])
    assert reverse("attack-merge", args=[scene["first"].pk]) not in client.get(url).content.decode()
    html = as_user(analyst).get(url).content.decode()
    assert reverse("attack-merge", args=[scene["first"].pk]) in html
    assert reverse("attack-split", args=[scene["first"].pk]) in html


# --- merge ---


def test_comparing_shows_both_sides_and_the_preview_changes_nothing(as_user, analyst, scene):
    first, second = scene["first"], scene["second"]
    before = _snapshot()
    response = as_user(analyst).get(reverse("attack-merge", args=[first.pk]), {"other": second.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Censor.NET" in html and "AFP" in html and "Kyiv Post" in html
    preview = html[html.index('id="after-title"') :]
    # After the merge: all three sources and all five claims, and this attack's injured decision stands.
    assert "Sources (3)" in preview and "Claims (5)" in preview
    assert "best 95" in preview and "Killed: best 12" in preview
    assert "injured: attack" in html  # which decision stands is said, not guessed
    assert f"Merge attack {second.pk} into attack {first.pk}" in html
    assert _snapshot() == before
    assert Attack.objects.filter(pk=second.pk).exists()


def test_merging_keeps_every_claim_article_and_decision_version(as_user, analyst, scene):
    first, second = scene["first"], scene["second"]
    claims = _claims()
    decisions = {d.pk: (d.category, d.version, d.best) for d in Decision.objects.all()}
    second_injured = Decision.objects.get(attack=second, category="injured").pk
    second_killed = Decision.objects.get(attack=second, category="killed").pk

    response = as_user(analyst).post(reverse("attack-merge", args=[first.pk]), {"other": second.pk, "keep": "this"})
    assert response.status_code == 302 and response["Location"] == reverse("attack-detail", args=[first.pk])
    assert not Attack.objects.filter(pk=second.pk).exists()
    # Every claim, unchanged, now on the kept attack.
    assert _claims() == claims
    assert set(Claim.objects.values_list("attack_id", flat=True)) == {first.pk}
    # Every article linked to it, saying where it came from.
    afp = Article.objects.get(pk=scene["articles"]["afp"].pk)
    assert afp.attack_id == first.pk and f"merged from attack {second.pk}" in afp.link_explanation
    assert Article.objects.filter(attack=first).count() == 3
    # The killed decision moved; the injured one of the removed attack is in the history.
    assert Decision.objects.get(pk=second_killed).attack_id == first.pk
    assert not Decision.objects.filter(pk=second_injured).exists()
    gone = Events.objects.filter(pgh_obj_model="casualties.Decision", pgh_obj_id=str(second_injured))
    assert gone.filter(pgh_label="delete").exists() and gone.filter(pgh_label="insert").exists()
    kept = {pk: row for pk, row in decisions.items() if pk != second_injured}
    assert {d.pk: (d.category, d.version, d.best) for d in Decision.objects.all()} == kept
    assert Events.objects.filter(pgh_obj_model="strikes.Attack", pgh_obj_id=str(second.pk), pgh_label="delete")
    # The page tells the analyst what happened.
    page = as_user(analyst).get(response["Location"]).content.decode()
    assert f"Attack {second.pk} merged into attack {first.pk}" in page


def test_the_other_attack_can_be_the_one_kept(as_user, editor, scene):
    first, second = scene["first"], scene["second"]
    as_user(editor).post(reverse("attack-merge", args=[first.pk]), {"other": second.pk, "keep": "other"})
    assert not Attack.objects.filter(pk=first.pk).exists()
    assert Article.objects.filter(attack=second).count() == 3


def test_a_published_attack_is_kept_by_default(as_user, editor, scene):
    first, second = scene["first"], scene["second"]
    Attack.objects.filter(pk=second.pk).update(status="published")
    html = as_user(editor).get(reverse("attack-merge", args=[first.pk]), {"other": second.pk}).content.decode()
    assert f"Merge attack {first.pk} into attack {second.pk}" in html


def test_an_analyst_cannot_merge_a_published_attack_and_nothing_changes(as_user, analyst, scene):
    first, second = scene["first"], scene["second"]
    Attack.objects.filter(pk=second.pk).update(status="published")
    client = as_user(analyst)
    html = client.get(reverse("attack-merge", args=[first.pk]), {"other": second.pk}).content.decode()
    assert "only an editor may confirm it" in html and 'id="confirm-merge"' not in html
    before = _snapshot()
    response = client.post(reverse("attack-merge", args=[first.pk]), {"other": second.pk, "keep": "this"})
    assert response.status_code == 400 and "only an editor may merge" in response.content.decode()
    assert _snapshot() == before


def test_an_editor_merges_published_attacks(as_user, editor, scene):
    first, second = scene["first"], scene["second"]
    Attack.objects.filter(pk__in=[first.pk, second.pk]).update(status="published")
    claims = _claims()
    response = as_user(editor).post(reverse("attack-merge", args=[first.pk]), {"other": second.pk, "keep": "this"})
    assert response.status_code == 302
    assert _claims() == claims and not Attack.objects.filter(pk=second.pk).exists()


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_anonymous_and_researchers_are_refused_and_nothing_changes(client, as_user, researcher, scene, who):
    first, second = scene["first"], scene["second"]
    if who == "researcher":
        client = as_user(researcher)
    before = _snapshot()
    urls = [
        ("get", reverse("attack-merge", args=[first.pk]), {"other": second.pk}),
        ("get", reverse("attack-merge-candidates", args=[first.pk]), {}),
        ("get", reverse("attack-split", args=[first.pk]), {}),
        ("post", reverse("attack-merge", args=[first.pk]), {"other": second.pk, "keep": "this"}),
        ("post", reverse("attack-split", args=[first.pk]), {"articles": [scene["articles"]["censor"].pk]}),
    ]
    for method, url, data in urls:
        response = getattr(client, method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    assert _snapshot() == before
    assert Attack.objects.filter(pk=second.pk).exists()


def test_choosing_no_attack_or_itself_is_refused(as_user, analyst, scene):
    first = scene["first"]
    before = _snapshot()
    for data in ({}, {"other": first.pk}, {"other": "x"}, {"other": 999999}):
        response = as_user(analyst).post(reverse("attack-merge", args=[first.pk]), data)
        assert response.status_code == 400
    assert _snapshot() == before


# --- split ---


def test_the_split_preview_shows_both_attacks_and_changes_nothing(as_user, analyst, scene):
    first = scene["first"]
    kyiv_post = scene["articles"]["kyiv_post"]
    before = _snapshot()
    response = as_user(analyst).post(
        reverse("attack-split", args=[first.pk]), {"articles": [kyiv_post.pk], "action": "preview"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-split"' in html
    kept = html[html.index('id="remaining-title"') : html.index('id="new-title"')]
    new = html[html.index('id="new-title"') :]
    assert "Night attack on the capital" in kept and "Drone debris in Obolon" not in kept
    assert "Drone debris in Obolon" in new and "Claims (1)" in new
    assert _snapshot() == before


def test_splitting_moves_the_chosen_sources_with_their_claims(as_user, analyst, scene):
    first = scene["first"]
    kyiv_post = scene["articles"]["kyiv_post"]
    claims = _claims()
    decisions = set(Decision.objects.values_list("pk", "attack_id", "version"))
    known = set(Attack.objects.values_list("pk", flat=True))
    response = as_user(analyst).post(
        reverse("attack-split", args=[first.pk]), {"articles": [kyiv_post.pk], "action": "confirm"}
    )
    assert response.status_code == 302
    new = Attack.objects.exclude(pk__in=known).get()
    assert response["Location"] == reverse("attack-detail", args=[new.pk])
    assert new.status == "draft" and new.place_id == first.place_id and new.occurred_at == first.occurred_at
    assert _claims() == claims
    assert set(Claim.objects.filter(attack=new).values_list("article_id", flat=True)) == {kyiv_post.pk}
    kyiv_post.refresh_from_db()
    assert kyiv_post.attack_id == new.pk and f"split from attack {first.pk}" in kyiv_post.link_explanation
    assert Article.objects.filter(attack=first).count() == 1
    assert set(Decision.objects.values_list("pk", "attack_id", "version")) == decisions  # decisions stay


def test_a_split_needs_some_but_not_all_sources(as_user, analyst, scene):
    first = scene["first"]
    ids = [scene["articles"]["censor"].pk, scene["articles"]["kyiv_post"].pk]
    before = _snapshot()
    for chosen in ([], ids, [scene["articles"]["afp"].pk]):  # the last is another attack's source
        response = as_user(analyst).post(
            reverse("attack-split", args=[first.pk]), {"articles": chosen, "action": "confirm"}
        )
        assert response.status_code == 400
    assert _snapshot() == before


def test_an_analyst_cannot_split_a_published_attack_and_nothing_changes(as_user, analyst, editor, scene):
    first = scene["first"]
    Attack.objects.filter(pk=first.pk).update(status="published")
    chosen = {"articles": [scene["articles"]["kyiv_post"].pk]}
    client = as_user(analyst)
    html = client.post(reverse("attack-split", args=[first.pk]), {**chosen, "action": "preview"}).content.decode()
    assert "only an" in html and 'id="confirm-split"' not in html
    before = _snapshot()
    response = client.post(reverse("attack-split", args=[first.pk]), {**chosen, "action": "confirm"})
    assert response.status_code == 400 and "only an editor may split" in response.content.decode()
    assert _snapshot() == before
    response = as_user(editor).post(reverse("attack-split", args=[first.pk]), {**chosen, "action": "confirm"})
    assert response.status_code == 302


# --- the review page's "Move to" ---


def test_the_review_page_moves_an_article_with_the_picker_and_links_the_proposed_attack(as_user, analyst, scene):
    first, second = scene["first"], scene["second"]
    afp = scene["articles"]["afp"]
    client = as_user(analyst)
    html = client.get(reverse("article-review", args=[afp.pk])).content.decode()
    assert f'href="{reverse("attack-detail", args=[second.pk])}"' in html
    assert "Move to attack id" not in html and reverse("article-move-candidates", args=[afp.pk]) in html
    listed = client.get(reverse("article-move-candidates", args=[afp.pk]), {"q": "censor"}).content.decode()
    assert f'name="attack" value="{first.pk}"' in listed and f'value="{scene["lviv"].pk}"' not in listed
    client.post(reverse("article-review-move", args=[afp.pk]), {"attack": first.pk})
    afp.refresh_from_db()
    assert afp.attack_id == first.pk
