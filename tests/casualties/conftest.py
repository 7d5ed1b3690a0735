"""Fixtures for the figures tests: the running example (Kyiv, 24 April 2025)."""

import datetime as dt

import pytest

from casualties import services
from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory, OutletFactory

APRIL_24 = dt.datetime(2025, 4, 24, 9, 0, tzinfo=dt.UTC)
APRIL_25 = dt.datetime(2025, 4, 25, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def kyiv(db):
    """The Kyiv attack with the two articles' figures recorded as claims, then published.

    The claims are extracted while it is a draft, so they count; a claim extracted after
    publication would wait for an editor (test_editorial.py).
    """
    attack = AttackFactory(occurred_at=dt.datetime(2025, 4, 24, 1, 0, tzinfo=dt.UTC), status="draft")
    censor = ArticleFactory(outlet=OutletFactory(name="Censor.NET", grade="B"), published_at=APRIL_24)
    afp = ArticleFactory(outlet=OutletFactory(name="AFP", grade="B"), published_at=APRIL_25)
    claims = {
        "killed_24": services.claim_record(
            attack=attack,
            category="killed",
            value=12,
            qualifier="exact",
            reported_at=APRIL_24,
            article=censor,
            quote="12 people were killed",
            origin="extracted",
        ),
        "injured_24": services.claim_record(
            attack=attack,
            category="injured",
            value=100,
            qualifier="more_than",
            reported_at=APRIL_24,
            article=censor,
            quote="more than 100 were wounded",
            origin="extracted",
        ),
        "launched_24": services.claim_record(
            attack=attack,
            category="launched",
            value=200,
            qualifier="more_than",
            reported_at=APRIL_24,
            article=censor,
            quote="more than 200 missiles and drones",
            origin="extracted",
        ),
        "killed_25": services.claim_record(
            attack=attack,
            category="killed",
            value=12,
            qualifier="exact",
            reported_at=APRIL_25,
            article=afp,
            quote="killing 12",
            origin="extracted",
        ),
        "injured_25": services.claim_record(
            attack=attack,
            category="injured",
            value=87,
            qualifier="exact",
            reported_at=APRIL_25,
            article=afp,
            quote="87 injured",
            origin="extracted",
        ),
        "launched_25": services.claim_record(
            attack=attack,
            category="launched",
            value=215,
            qualifier="exact",
            reported_at=APRIL_25,
            article=afp,
            quote="215 missiles and drones",
            origin="extracted",
        ),
    }
    Attack.objects.filter(pk=attack.pk).update(status="published")
    attack.refresh_from_db()
    attack.example_claims = claims
    return attack
