"""Recording, editing, ranking and withdrawing claims (casualties.services)."""

import pytest
from django.core.exceptions import ValidationError

from casualties import services
from casualties.models import Claim, PublishedFigure
from tests.casualties.conftest import APRIL_24, APRIL_25
from tests.factories import ArticleFactory, AttackFactory

pytestmark = pytest.mark.django_db


def test_interval_is_derived_from_value_and_qualifier(analyst):
    attack = AttackFactory()
    claim = services.claim_record(
        attack=attack,
        category="injured",
        value=100,
        qualifier="more_than",
        reported_at=APRIL_24,
        source_label="Regional administration",
        by=analyst,
    )
    assert (claim.low, claim.high) == (101, None)
    assert claim.created_by == analyst


def test_explicit_bounds_are_kept(analyst):
    claim = services.claim_record(
        attack=AttackFactory(),
        category="killed",
        value=12,
        qualifier="about",
        low=10,
        high=15,
        reported_at=APRIL_24,
        source_label="Police",
        by=analyst,
    )
    assert (claim.low, claim.high) == (10, 15)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"value": -3}, "value"),
        ({"qualifier": "roughly"}, "qualifier"),
        ({"category": "wounded"}, "category"),
        ({"low": 20, "high": 10}, "high"),
        ({"source_label": "", "article": None}, None),
    ],
)
def test_bad_claims_are_refused_with_the_field_named(kwargs, field):
    attack = AttackFactory()
    args = {
        "attack": attack,
        "category": "killed",
        "value": 5,
        "qualifier": "exact",
        "reported_at": APRIL_24,
        "source_label": "Police",
        **kwargs,
    }
    with pytest.raises(ValidationError) as err:
        services.claim_record(**args)
    if field:
        assert field in err.value.message_dict
    assert not Claim.objects.filter(attack=attack).exists()


def test_extracted_claim_is_updated_in_place_when_the_article_is_processed_again():
    attack, article = AttackFactory(), ArticleFactory()
    first = services.claim_record(
        attack=attack,
        category="killed",
        value=8,
        qualifier="at_least",
        reported_at=APRIL_24,
        article=article,
        origin="extracted",
    )
    again = services.claim_record(
        attack=attack,
        category="killed",
        value=9,
        qualifier="at_least",
        reported_at=APRIL_24,
        article=article,
        origin="extracted",
    )
    assert again.pk == first.pk
    assert Claim.objects.filter(attack=attack).count() == 1
    assert Claim.objects.get().value == 9


def test_entered_claims_from_the_same_article_are_kept_separately(analyst):
    attack, article = AttackFactory(), ArticleFactory()
    for value in (8, 9):
        services.claim_record(
            attack=attack,
            category="killed",
            value=value,
            qualifier="exact",
            reported_at=APRIL_24,
            article=article,
            by=analyst,
        )
    assert Claim.objects.filter(attack=attack).count() == 2


def test_recording_a_claim_publishes_the_figure_and_touches_the_attack():
    attack = AttackFactory()
    before = attack.updated_at
    services.claim_record(
        attack=attack, category="killed", value=3, qualifier="exact", reported_at=APRIL_24, source_label="Police"
    )
    attack.refresh_from_db()
    assert attack.killed_best == 3
    assert attack.updated_at > before
    assert PublishedFigure.objects.get(attack=attack, category="killed").claim_ids == list(
        Claim.objects.filter(attack=attack).values_list("pk", flat=True)
    )


def test_withdrawn_claim_is_kept_but_no_longer_counts(kyiv, editor):
    claim = kyiv.example_claims["injured_24"]
    services.claim_withdraw(claim=claim, by=editor, reason="Figure is for the whole country.")
    assert Claim.objects.filter(pk=claim.pk, withdrawn_at__isnull=False).exists()
    figure = PublishedFigure.objects.get(attack=kyiv, category="injured")
    assert (figure.status, figure.best) == ("consensus", 87)
    kyiv.refresh_from_db()
    assert kyiv.disputed is False


def test_withdrawal_needs_a_reason(kyiv, analyst):
    with pytest.raises(ValidationError):
        services.claim_withdraw(claim=kyiv.example_claims["injured_24"], by=analyst, reason="  ")


def test_withdrawing_every_claim_removes_the_figure(editor):
    attack = AttackFactory()
    claim = services.claim_record(
        attack=attack, category="killed", value=3, qualifier="exact", reported_at=APRIL_24, source_label="Police"
    )
    services.claim_withdraw(claim=claim, by=editor, reason="Wrong town.")
    assert not PublishedFigure.objects.filter(attack=attack).exists()
    attack.refresh_from_db()
    assert attack.killed_best is None


def test_an_edit_rederives_the_interval_and_resolves_the_conflict(kyiv, editor):
    claim = kyiv.example_claims["injured_25"]
    services.claim_update(claim=claim, by=editor, value=100, qualifier="more_than")
    assert (claim.low, claim.high) == (101, None)
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").status == "consensus"


def test_claim_update_refuses_the_rank(kyiv, analyst):
    with pytest.raises(ValidationError):
        services.claim_update(claim=kyiv.example_claims["injured_25"], by=analyst, rank="preferred")


def test_deprecating_needs_a_reason_and_keeps_the_claim(kyiv, editor):
    claim = kyiv.example_claims["injured_24"]
    with pytest.raises(ValidationError):
        services.claim_rank(claim=claim, rank="deprecated", by=editor)
    services.claim_rank(claim=claim, rank="deprecated", reason="Nationwide figure.", by=editor)
    claim.refresh_from_db()
    assert (claim.rank, claim.rank_reason) == ("deprecated", "Nationwide figure.")
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").status == "consensus"


def test_a_later_higher_toll_supersedes_an_early_at_least(analyst):
    attack = AttackFactory()
    early = services.claim_record(
        attack=attack, category="killed", value=8, qualifier="at_least", reported_at=APRIL_24, source_label="Mayor"
    )
    later = services.claim_record(
        attack=attack, category="killed", value=12, qualifier="exact", reported_at=APRIL_25, source_label="SES"
    )
    figure = PublishedFigure.objects.get(attack=attack, category="killed")
    assert (figure.status, figure.best, figure.claim_ids) == ("consensus", 12, [later.pk])
    assert early.pk not in figure.claim_ids
