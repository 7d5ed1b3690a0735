"""The attack page: figures with their claims and decisions, sources, the public record's history,
and the change log."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from casualties.services import claim_record, decision_make
from strikes.models import Attack
from strikes.services import attack_retract, attack_update
from tests.factories import ArticleFactory, AttackFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kyiv_attack(kyiv, kn23):
    attack = AttackFactory(place=kyiv, occurred_at=dt.datetime(2025, 4, 24, 1, 0, tzinfo=dt.UTC))
    attack.attack_munitions.create(munition=kn23)
    censor = ArticleFactory(
        outlet=OutletFactory(name="Censor.NET"),
        attack=attack,
        title="Night attack on the capital",
        text="The <b>president</b> said over 100 were hurt.",
    )
    afp = ArticleFactory(outlet=OutletFactory(name="AFP"), attack=attack, title="Kyiv toll rises")
    when = timezone.now()
    claim_record(attack=attack, category="killed", value=12, qualifier="exact", reported_at=when, article=censor)
    claim_record(attack=attack, category="killed", value=12, qualifier="exact", reported_at=when, article=afp)
    claim_record(
        attack=attack,
        category="injured",
        value=100,
        qualifier="more_than",
        reported_at=when,
        article=censor,
        quote="more than 100 were hurt",
    )
    claim_record(
        attack=attack, category="injured", value=87, qualifier="exact", reported_at=when, article=afp, quote="87 hurt"
    )
    return attack


def test_the_page_shows_each_figure_with_its_claims_and_the_dispute(client, kyiv_attack):
    html = client.get(reverse("attack-detail", args=[kyiv_attack.pk])).content.decode()
    assert "KN-23" in html and "North Korea" in html
    assert "more than 100 were hurt" in html and "87 hurt" in html
    assert "Censor.NET" in html and "AFP" in html
    injured = html[html.index('id="figure-injured"') :]
    assert "disputed" in injured[: injured.index("</h3>")]


def test_archived_text_is_escaped(client, kyiv_attack):
    html = client.get(reverse("attack-detail", args=[kyiv_attack.pk])).content.decode()
    assert "&lt;b&gt;president&lt;/b&gt;" in html
    assert "<b>president</b>" not in html


def test_a_decision_and_its_history_appear_and_the_figure_is_decided(client, as_user, editor, kyiv_attack):
    decision_make(
        attack=kyiv_attack, category="injured", best=100, low=87, high=120, rationale="Official figure", by=editor
    )
    decision_make(
        attack=kyiv_attack, category="injured", best=101, low=87, high=None, rationale="Later update", by=editor
    )
    html = client.get(reverse("attack-detail", args=[kyiv_attack.pk])).content.decode()
    injured = html[html.index('id="figure-injured"') :]
    heading = injured[: injured.index("</h3>")]
    assert "101" in heading and "decided" in heading
    assert "v2 (current)" in injured and "v1" in injured and "Later update" in injured and "Official figure" in injured


def test_the_change_log_says_who_changed_what_for_staff_only(client, as_user, editor, kyiv_attack):
    attack_update(attack=kyiv_attack, by=editor, description="Strike on Sviatoshynskyi district")
    html = as_user(editor).get(reverse("attack-detail", args=[kyiv_attack.pk])).content.decode()
    log = html[html.index("Change log") :]
    assert "eddie" in log and "edited the attack" in log and "Description:" in log
    assert "attack_update" not in log and "<code>description" not in log  # words, not internal names
    client.logout()
    assert "Change log" not in client.get(reverse("attack-detail", args=[kyiv_attack.pk])).content.decode()


def test_editors_see_publish_or_retract_and_analysts_do_not(as_user, analyst, editor, kyiv_attack):
    url = reverse("attack-detail", args=[kyiv_attack.pk])
    assert "Retract…" in as_user(editor).get(url).content.decode()
    html = as_user(analyst).get(url).content.decode()
    assert "Retract…" not in html and ">Publish<" not in html and ">Edit<" in html


def test_a_visitor_reads_the_history_of_the_public_record_in_words_without_names(client, editor):
    attack = AttackFactory(place=PlaceFactory(name="Sumy"), status="draft", killed_best=None, injured_best=None)
    Attack.objects.filter(pk=attack.pk).update(killed_best=3)  # a draft's change: not public history
    Attack.objects.filter(pk=attack.pk).update(status="published")
    Attack.objects.filter(pk=attack.pk).update(killed_best=5, injured_best=21)
    page = client.get(f"/attacks/{attack.pk}/").content.decode()
    record = page.split('id="record-title"', 1)[1].split("</section>", 1)[0]
    assert "Published: killed 3, injured not published" in record
    assert "Killed: 3 → 5; Injured: not published → 21" in record
    assert "eddie" not in record and "Change log" not in page  # no staff names, no staff log
    attack.refresh_from_db()
    attack_retract(attack=attack, by=editor, reason="Duplicate.")
    client.force_login(editor)
    record = client.get(f"/attacks/{attack.pk}/").content.decode().split('id="record-title"', 1)[1]
    assert "Retracted" in record.split("</section>", 1)[0]
