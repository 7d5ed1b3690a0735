"""Reconciliation rules that mutation testing showed no test pinned down (docs/TESTING.md).

Pure, no database. Every expected value is worked out by hand in the comments, never taken
from the code under test.
"""

import datetime as dt

import pytest

from casualties.reconcile import (
    ClaimFacts,
    Conflict,
    Exclusion,
    claim_interval,
    find_conflict,
    format_interval,
    gap_between,
    live_claims,
    reconcile,
    severity,
    suggest,
)

T0 = dt.datetime(2025, 4, 24, 6, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_refused_figures_say_why():
    with pytest.raises(ValueError) as negative:
        claim_interval(-1, "exact")
    assert str(negative.value) == "A figure is a whole number of at least 0."
    with pytest.raises(ValueError) as unknown:
        claim_interval(3, "roughly")
    expected = "Unknown qualifier 'roughly'; expected one of exact, at_least, more_than, up_to, about."
    assert str(unknown.value) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((1, 3), (2, 4)),  # overlapping on 2-3
        ((2, 4), (1, 3)),
        ((1, None), (5, 9)),  # open-ended, reaching over the other
    ],
)
def test_overlapping_intervals_have_no_gap(a, b):
    assert gap_between(a, b) == 0


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [(None, None, "none"), (5, None, "5 or more"), (5, 5, "5"), (5, 8, "5-8")],
)
def test_format_interval(low, high, text):
    assert format_interval(low, high) == text


def test_a_pending_claim_is_excluded_as_pending():
    live, excluded = live_claims([ClaimFacts(id=1, value=3), ClaimFacts(id=2, value=5, pending=True)], "killed")
    assert [c.id for c in live] == [1]
    assert [e.to_dict() for e in excluded] == [{"claim_id": 2, "reason": "pending", "by_claim_id": None}]


def test_exclusion_as_a_dict():
    assert Exclusion(4, "rising_toll", 7).to_dict() == {"claim_id": 4, "reason": "rising_toll", "by_claim_id": 7}


def test_conflict_as_a_dict_rounds_relative_to_four_places():
    conflict = Conflict(gap=1, relative=1 / 3, pairs=[{"gap": 1}], text="t")
    assert conflict.to_dict() == {"gap": 1, "relative": 0.3333, "pairs": [{"gap": 1}], "text": "t"}


def test_conflict_relative_is_the_gap_over_the_larger_side():
    # 4 and 6: the smallest change is 2, against the larger side's 6.
    conflict = find_conflict([ClaimFacts(id=1, value=4), ClaimFacts(id=2, value=6)])
    assert conflict.gap == 2
    assert conflict.relative == pytest.approx(2 / 6)


def test_conflict_relative_divides_by_at_least_one():
    # 0 and 1: a gap of 1 over a larger side of 1.
    conflict = find_conflict([ClaimFacts(id=1, value=0), ClaimFacts(id=2, value=1)])
    assert conflict.relative == 1.0


def test_conflict_text_counts_the_pairs_when_more_than_one_disagree():
    # 1, 5 and "at least 3": 1 vs 5 (gap 4) and 1 vs 3+ (gap 2) disagree; 5 sits within 3+.
    claims = [ClaimFacts(id=1, value=1), ClaimFacts(id=2, value=5), ClaimFacts(id=3, value=3, qualifier="at_least")]
    conflict = find_conflict(claims)
    assert conflict.text == "Claim 2 (5) and claim 1 (1) disagree by 4; 2 pairs of claims disagree in all."


def test_severity_worked_out():
    # Unknown category weighs 0.5; log2(2 + 2) = 2; log2(2 + 6) = 3; 1 + 0.123456:
    # 0.5 * 2 * 3 * 1.123456 = 3.370368, rounded to 4 places.
    assert severity("other", Conflict(gap=2, relative=0.123456), 6) == 3.3704


def test_severity_caps_the_relative_factor_at_one():
    # killed weighs 1.0; 2 * 3 * (1 + min(2.5, 1.0)) = 12.
    assert severity("killed", Conflict(gap=2, relative=2.5), 6) == 12.0


def test_disputed_figure_severity_uses_its_category():
    # 4 and 6 killed: gap 2, relative 2/6, toll 6: 1.0 * 2 * 3 * (4/3) = 8.
    figure = reconcile([ClaimFacts(id=1, value=4), ClaimFacts(id=2, value=6)], "killed")
    assert figure.status == "disputed"
    assert figure.severity == 8.0


def test_consensus_has_no_severity():
    figure = reconcile([ClaimFacts(id=1, value=4), ClaimFacts(id=2, value=4)], "killed")
    assert figure.status == "consensus"
    assert figure.severity == 0.0


def test_consensus_best_is_kept_within_the_agreed_range():
    # A preferred "about 30" (27-33, says 30) and "up to 28" (0-28) agree on 27-28:
    # the heaviest claim's 30 is brought down to 28.
    claims = [
        ClaimFacts(id=1, value=30, qualifier="about", rank="preferred", reported_at=at(0)),
        ClaimFacts(id=2, value=28, qualifier="up_to", reported_at=at(0)),
    ]
    figure = reconcile(claims, "killed")
    assert (figure.status, figure.low, figure.high, figure.best) == ("consensus", 27, 28, 28)


def test_suggestions_worked_out():
    # An official "up to 12" (0-12, says 12) and a grade-B "up to 15" (0-15, says 15), reported later.
    claims = [
        ClaimFacts(id=1, value=12, qualifier="up_to", grade="A", reported_at=at(1)),
        ClaimFacts(id=2, value=15, qualifier="up_to", grade="B", reported_at=at(2)),
    ]
    assert [s.to_dict() for s in suggest(claims, "killed")] == [
        {
            "kind": "consensus",
            "label": "Consensus",
            "best": 12,
            "low": 0,
            "high": 12,
            "reason": "All 2 current claims agree on 0-12.",
            "claim_ids": [1, 2],
        },
        {
            "kind": "latest_official",
            "label": "Latest official figure",
            "best": 12,
            "low": 0,
            "high": 12,
            "reason": "Latest figure from an official source (claim 1: up to 12).",
            "claim_ids": [1],
        },
        {
            "kind": "conservative",
            "label": "Most conservative",
            "best": 12,
            "low": 12,
            "high": 15,
            "reason": "Most conservative credible figure (claim 1: up to 12), as ACLED codes fatalities; "
            "the high end is the highest any current claim allows.",
            "claim_ids": [1],
        },
        {
            "kind": "widest",
            "label": "Widest credible range",
            "best": 12,
            "low": 12,
            "high": 15,
            "reason": "Widest credible range, lowest to highest reported (12-15), as Airwars reports; "
            "best is the figure of the most trusted claim (1).",
            "claim_ids": [1, 2],
        },
    ]


def test_suggestions_leave_out_a_toll_that_rose():
    # 8 killed, then 12 killed two hours later: the 8 is superseded, the 12 is the consensus.
    claims = [ClaimFacts(id=1, value=8, reported_at=at(0)), ClaimFacts(id=2, value=12, reported_at=at(2))]
    first = suggest(claims, "killed")[0]
    assert (first.kind, first.best, first.claim_ids) == ("consensus", 12, [2])


def test_latest_official_prefers_a_dated_claim_to_an_undated_one():
    claims = [
        ClaimFacts(id=1, value=5, grade="A", reported_at=None),
        ClaimFacts(id=2, value=5, grade="A", reported_at=at(1)),
    ]
    official = [s for s in suggest(claims, "killed") if s.kind == "latest_official"]
    assert official[0].claim_ids == [2]
