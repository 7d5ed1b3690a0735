"""A source's public page: what visitors read about an article behind published figures
(issue 18), and what they may not see."""

import pytest
from django.urls import reverse

from casualties.models import Claim
from casualties.services import figures_refresh
from sources.models import Article
from tests.factories import AttackFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(db):
    kyiv = PlaceFactory(name="Kyiv")
    attack = AttackFactory(place=kyiv, status="published")
    outlet = OutletFactory(name="Kyiv Daily", grade="B")
    article = Article.objects.create(
        url="https://kyiv-daily.example/strike",
        canonical_url="https://kyiv-daily.example/strike",
        title="Missile hits apartment block",
        outlet=outlet,
        text="Twelve people were killed when a missile hit an apartment block.",
        status="extracted",
        attack=attack,
    )
    Claim.objects.create(
        attack=attack,
        article=article,
        category="killed",
        value=12,
        low=12,
        high=12,
        quote="Twelve people were killed",
        reported_at=attack.occurred_at,
    )
    figures_refresh(attack=attack)
    return attack, article


def test_a_visitor_reads_a_source_of_a_published_attack(client, reported):
    attack, article = reported
    page = client.get(reverse("attack-detail", args=[attack.pk])).content.decode()
    assert reverse("source-detail", args=[article.pk]) in page  # the claims table links here, not to a login
    response = client.get(reverse("source-detail", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "Missile hits apartment block",
        "Kyiv Daily",
        "https://kyiv-daily.example/strike",
        "Twelve people were killed",
        "Killed",
    ):
        assert text in html
    assert "One source" in page  # one claim: not "Sources agree"
    assert "Ingest record" not in html


def test_a_source_of_a_draft_only_is_not_public(client, reported, analyst):
    attack, article = reported
    attack.status = "draft"
    attack.save()
    assert client.get(reverse("source-detail", args=[article.pk])).status_code == 404
    client.force_login(analyst)
    staff = client.get(reverse("source-detail", args=[article.pk]))
    assert staff.status_code == 200 and "Ingest record" in staff.content.decode()


def test_an_unknown_source_is_a_404(client):
    assert client.get(reverse("source-detail", args=[999999])).status_code == 404
