"""History: every change to claims, decisions and attacks records its author, request or not."""

import pytest
from django.apps import apps

from casualties import services
from tests.casualties.conftest import APRIL_24
from tests.factories import AttackFactory

pytestmark = pytest.mark.django_db

ClaimEvent = apps.get_model("casualties", "ClaimEvent")
DecisionEvent = apps.get_model("casualties", "DecisionEvent")
AttackEvent = apps.get_model("strikes", "AttackEvent")


def test_claim_recorded_by_a_script_carries_its_author_in_the_history(analyst):
    claim = services.claim_record(
        attack=AttackFactory(),
        category="killed",
        value=4,
        qualifier="exact",
        reported_at=APRIL_24,
        source_label="Regional police",
        by=analyst,
    )
    event = ClaimEvent.objects.select_related("pgh_context").get(pgh_obj_id=claim.pk, pgh_label="insert")
    assert event.pgh_context.metadata["user"] == analyst.pk
    assert event.pgh_context.metadata["service"] == "claim_record"


def test_withdrawal_records_who_and_why(kyiv, editor):
    claim = kyiv.example_claims["injured_24"]
    services.claim_withdraw(claim=claim, by=editor, reason="Counted the whole country.")
    event = ClaimEvent.objects.select_related("pgh_context").filter(pgh_obj_id=claim.pk).latest("pgh_id")
    assert event.withdrawn_at is not None
    assert event.pgh_context.metadata == {
        "user": editor.pk,
        "service": "claim_withdraw",
        "reason": "Counted the whole country.",
    }


def test_decision_and_the_attack_figures_it_changed_carry_the_editor(kyiv, editor):
    decision = services.decision_make(
        attack=kyiv,
        category="injured",
        best=87,
        low=87,
        high=None,
        rationale="Hospital count.",
        by=editor,
        expected_version=0,
    )
    event = DecisionEvent.objects.select_related("pgh_context").get(pgh_obj_id=decision.pk, pgh_label="insert")
    assert event.pgh_context.metadata["user"] == editor.pk
    attack_event = AttackEvent.objects.select_related("pgh_context").filter(pgh_obj_id=kyiv.pk).latest("pgh_id")
    assert (attack_event.injured_best, attack_event.disputed) == (87, False)
    assert attack_event.pgh_context.metadata == {"user": editor.pk, "service": "decision_make"}


def test_rank_changes_from_a_decision_are_in_the_claim_history(kyiv, editor):
    claim = kyiv.example_claims["injured_24"]
    services.decision_make(
        attack=kyiv,
        category="injured",
        best=87,
        low=87,
        high=None,
        rationale="Hospital count.",
        by=editor,
        expected_version=0,
        claim_ranks={claim.pk: ("deprecated", "National total.")},
    )
    event = ClaimEvent.objects.select_related("pgh_context").filter(pgh_obj_id=claim.pk).latest("pgh_id")
    assert (event.rank, event.rank_reason) == ("deprecated", "National total.")
    assert event.pgh_context.metadata["user"] == editor.pk


def test_restore_records_the_restored_version(kyiv, editor):
    v1 = services.decision_make(
        attack=kyiv,
        category="injured",
        best=87,
        low=87,
        high=None,
        rationale="Hospital count.",
        by=editor,
        expected_version=0,
    )
    services.decision_make(
        attack=kyiv,
        category="injured",
        best=101,
        low=101,
        high=None,
        rationale="President.",
        by=editor,
        expected_version=1,
    )
    restored = services.decision_restore(decision=v1, by=editor, expected_version=2)
    event = DecisionEvent.objects.select_related("pgh_context").get(pgh_obj_id=restored.pk, pgh_label="insert")
    assert event.pgh_context.metadata == {"user": editor.pk, "service": "decision_restore", "restored_version": 1}


def test_figures_refresh_on_its_own_is_recorded_as_a_system_change(kyiv):
    services.figures_refresh(attack=kyiv)
    event = AttackEvent.objects.select_related("pgh_context").filter(pgh_obj_id=kyiv.pk).latest("pgh_id")
    assert event.pgh_context.metadata == {"user": None, "service": "figures_refresh"}
