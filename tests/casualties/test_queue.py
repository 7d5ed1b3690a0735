"""The editors' queue of open conflicts (casualties.selectors.conflicts_queue)."""

import datetime as dt

import pytest

from casualties import services
from casualties.selectors import conflicts_queue
from tests.casualties.conftest import APRIL_24, APRIL_25
from tests.factories import AttackFactory

pytestmark = pytest.mark.django_db


def conflicting(category, high_value, low_value, *, days_ago=1, status="published"):
    """An attack whose two same-time sources disagree on ``category``."""
    attack = AttackFactory(status=status, occurred_at=APRIL_24 - dt.timedelta(days=days_ago))
    for value, label in ((high_value, "Mayor"), (low_value, "Police")):
        services.claim_record(
            attack=attack,
            category=category,
            value=value,
            qualifier="exact",
            reported_at=APRIL_25,
            source_label=label,
        )
    return attack


def queue_rows():
    return [(pf.attack_id, pf.category) for pf in conflicts_queue()]


def test_only_disputed_undecided_figures_are_queued(kyiv):
    assert queue_rows() == [(kyiv.pk, "injured")]


def test_most_severe_first_disagreement_then_toll_then_category():
    small_killed = conflicting("killed", 3, 2)
    big_killed = conflicting("killed", 40, 25)
    big_injured = conflicting("injured", 40, 25)
    big_toll_small_gap = conflicting("killed", 301, 300)
    launched = conflicting("launched", 90, 60)
    assert [a for a, _c in queue_rows()] == [
        big_killed.pk,
        big_injured.pk,
        big_toll_small_gap.pk,
        launched.pk,
        small_killed.pk,
    ]


def test_equal_severity_puts_the_older_incident_first():
    newer = conflicting("killed", 10, 8, days_ago=1)
    older = conflicting("killed", 10, 8, days_ago=30)
    assert [a for a, _c in queue_rows()] == [older.pk, newer.pk]


def test_deciding_removes_the_conflict_from_the_queue(kyiv, editor):
    services.decision_make(
        attack=kyiv,
        category="injured",
        best=87,
        low=87,
        high=None,
        rationale="Hospital count.",
        by=editor,
        expected_version=0,
    )
    assert queue_rows() == []


def test_drafts_only_on_request_and_retracted_never():
    draft = conflicting("killed", 10, 8, status="draft")
    retracted = conflicting("killed", 10, 8)
    retracted.status, retracted.retraction_reason = "retracted", "Duplicate."
    retracted.save()
    assert queue_rows() == []
    assert [pf.attack_id for pf in conflicts_queue(include_drafts=True)] == [draft.pk]


def test_the_kyiv_conflict_ranks_above_a_small_disagreement(kyiv):
    small = conflicting("killed", 2, 1)
    assert [a for a, _c in queue_rows()] == [kyiv.pk, small.pk]
