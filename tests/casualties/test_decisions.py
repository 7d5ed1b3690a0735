"""Editors' decisions: versions, optimistic locking, restore (casualties.services)."""

import pytest
from django.core.exceptions import ValidationError

from casualties import services
from casualties.models import Claim, Decision, PublishedFigure
from casualties.services import StaleDecision

pytestmark = pytest.mark.django_db


def decide(attack, by, **kw):
    args = {
        "attack": attack,
        "category": "injured",
        "best": 87,
        "low": 87,
        "high": 101,
        "rationale": "The later wire count is specific.",
        "by": by,
        "expected_version": 0,
    }
    args.update(kw)
    return services.decision_make(**args)


def test_deciding_a_conflict_publishes_the_decision_and_clears_disputed(kyiv, editor):
    decision = decide(kyiv, editor)
    assert (decision.version, decision.is_current, decision.decided_by) == (1, True, editor)
    figure = PublishedFigure.objects.get(attack=kyiv, category="injured")
    assert (figure.status, figure.best, figure.low, figure.high, figure.decision) == ("decided", 87, 87, 101, decision)
    kyiv.refresh_from_db()
    assert (kyiv.injured_best, kyiv.disputed) == (87, False)


def test_every_save_is_a_new_version_and_only_the_last_is_current(kyiv, editor):
    decide(kyiv, editor)
    decide(kyiv, editor, best=95, expected_version=1)
    third = decide(kyiv, editor, best=100, expected_version=2)
    versions = list(Decision.objects.filter(attack=kyiv, category="injured").values_list("version", "is_current"))
    assert versions == [(3, True), (2, False), (1, False)]
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").best == third.best == 100


def test_a_stale_save_is_refused_and_carries_the_current_decision(kyiv, editor, admin_user):
    decide(kyiv, editor)  # both editors open version 0 ... the first saves
    with pytest.raises(StaleDecision) as err:
        decide(kyiv, admin_user, best=100, rationale="The president's figure.")
    assert err.value.current.version == 1
    assert err.value.current.decided_by == editor
    assert "version 1" in str(err.value)
    # Nothing the first editor saved is lost, nothing of the second written.
    assert Decision.objects.filter(attack=kyiv).count() == 1
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").best == 87


def test_decision_without_expected_version_skips_the_check(kyiv, editor):
    decide(kyiv, editor)
    assert decide(kyiv, editor, expected_version=None).version == 2


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"low": 90}, "low"),
        ({"high": 80}, "high"),
        ({"rationale": "  "}, "rationale"),
        ({"best": -1}, "best"),
        ({"category": "wounded"}, "category"),
        ({"claim_ranks": {1: "deprecated"}}, "claim_ranks"),
        ({"claim_ranks": {1: "favourite"}}, "claim_ranks"),
    ],
)
def test_invalid_decisions_are_refused_and_nothing_is_written(kyiv, editor, kw, field):
    with pytest.raises(ValidationError) as err:
        decide(kyiv, editor, **kw)
    assert field in err.value.message_dict
    assert not Decision.objects.exists()


def test_ranking_a_claim_of_another_attack_is_refused(kyiv, editor):
    other = Claim.objects.exclude(attack=kyiv).first() or kyiv.example_claims["killed_24"]
    with pytest.raises(ValidationError):
        decide(kyiv, editor, claim_ranks={other.pk: "preferred"})
    assert not Decision.objects.exists()


def test_decision_ranks_claims_and_a_deprecated_claim_is_never_deleted(kyiv, editor):
    c24, c25 = kyiv.example_claims["injured_24"], kyiv.example_claims["injured_25"]
    decision = decide(
        kyiv, editor, claim_ranks={c24.pk: ("deprecated", "Nationwide figure, not Kyiv."), c25.pk: "preferred"}
    )
    c24.refresh_from_db()
    c25.refresh_from_db()
    assert (c24.rank, c24.rank_reason, c25.rank) == ("deprecated", "Nationwide figure, not Kyiv.", "preferred")
    assert decision.claim_ranks[str(c24.pk)] == {"rank": "deprecated", "reason": "Nationwide figure, not Kyiv."}
    assert list(decision.claims.all()) == [c25]
    assert Claim.objects.filter(pk=c24.pk).exists()


def test_decision_rests_on_the_claims_that_allow_its_best_value(kyiv, editor):
    decision = decide(kyiv, editor, best=87)
    assert list(decision.claims.all()) == [kyiv.example_claims["injured_25"]]


def test_restore_makes_an_earlier_version_current_as_a_new_version_with_its_ranks(kyiv, editor, admin_user):
    c24, c25 = kyiv.example_claims["injured_24"], kyiv.example_claims["injured_25"]
    v1 = decide(kyiv, editor, claim_ranks={c25.pk: "preferred"})
    decide(
        kyiv,
        admin_user,
        best=110,
        low=101,
        high=None,
        rationale="The president's count.",
        expected_version=1,
        claim_ranks={c25.pk: ("deprecated", "Hospital count only."), c24.pk: "preferred"},
    )
    restored = services.decision_restore(decision=v1, by=admin_user, expected_version=2)
    assert (restored.version, restored.restored_from, restored.best, restored.high) == (3, v1, 87, 101)
    assert restored.rationale == v1.rationale
    c24.refresh_from_db()
    c25.refresh_from_db()
    assert (c24.rank, c25.rank) == ("normal", "preferred")
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").best == 87
    assert Decision.objects.filter(attack=kyiv, category="injured").count() == 3


def test_restore_is_refused_when_stale(kyiv, editor):
    v1 = decide(kyiv, editor)
    decide(kyiv, editor, best=95, expected_version=1)
    with pytest.raises(StaleDecision):
        services.decision_restore(decision=v1, by=editor, expected_version=1)


def test_restoring_the_current_version_is_refused(kyiv, editor):
    v1 = decide(kyiv, editor)
    with pytest.raises(ValidationError):
        services.decision_restore(decision=v1, by=editor, expected_version=1)
