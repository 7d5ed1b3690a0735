"""The pure reconciliation rules (casualties.reconcile), on tables of cases. No database."""

import datetime as dt

import pytest

from casualties.reconcile import (
    ClaimFacts,
    DecisionFacts,
    claim_interval,
    find_conflict,
    intersect,
    live_claims,
    reconcile,
    severity,
    suggest,
)

T0 = dt.datetime(2025, 4, 24, 6, 0, tzinfo=dt.UTC)


def at(hours: float) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def claim(id, value, qualifier="exact", hours=0, **kw):
    return ClaimFacts(id=id, value=value, qualifier=qualifier, reported_at=at(hours), **kw)


# --- Intervals ---


@pytest.mark.parametrize(
    ("value", "qualifier", "interval"),
    [
        (12, "exact", (12, 12)),
        (12, "at_least", (12, None)),
        (100, "more_than", (101, None)),
        (30, "up_to", (0, 30)),
        (30, "about", (27, 33)),  # ± 10 %
        (5, "about", (3, 7)),  # never narrower than ± 2
        (1, "about", (0, 3)),  # never below zero
        (215, "about", (193, 237)),  # 21.5 rounds half up to 22
        (0, "exact", (0, 0)),
    ],
)
def test_claim_interval(value, qualifier, interval):
    assert claim_interval(value, qualifier) == interval


@pytest.mark.parametrize(("value", "qualifier"), [(-1, "exact"), (3, "roughly")])
def test_claim_interval_refuses_bad_input(value, qualifier):
    with pytest.raises(ValueError, match=r"whole number|Unknown qualifier"):
        claim_interval(value, qualifier)


@pytest.mark.parametrize(
    ("intervals", "expected"),
    [
        ([(12, 12), (12, 12)], (12, 12)),
        ([(101, None), (87, 87)], None),
        ([(201, None), (215, 215)], (215, 215)),
        ([(8, None), (12, None)], (12, None)),
        ([(27, 33), (0, 30)], (27, 30)),
        ([(0, 30), (31, None)], None),
        ([], None),
    ],
)
def test_intersect(intervals, expected):
    assert intersect(intervals) == expected


# --- The running example ---


def test_killed_12_and_12_agree():
    figure = reconcile([claim(1, 12), claim(2, 12, hours=24)], "killed")
    assert (figure.status, figure.best, figure.low, figure.high) == ("consensus", 12, 12, 12)
    assert figure.claim_ids == [1, 2]
    assert figure.conflict is None


def test_more_than_100_conflicts_with_87():
    figure = reconcile([claim(1, 100, "more_than"), claim(2, 87, hours=24)], "injured")
    assert figure.status == "disputed"
    assert (figure.low, figure.high) == (87, None)
    assert figure.conflict.gap == 14
    assert figure.conflict.pairs[0]["high_claim"] == 1
    assert figure.conflict.pairs[0]["low_claim"] == 2
    assert "more than 100" in figure.conflict.text
    assert "disagree by 14" in figure.conflict.text
    assert figure.severity > 0


def test_215_is_consistent_with_more_than_200():
    figure = reconcile([claim(1, 200, "more_than"), claim(2, 215, hours=24)], "launched")
    assert (figure.status, figure.best, figure.low, figure.high) == ("consensus", 215, 215, 215)


def test_early_at_least_8_is_superseded_by_later_12():
    figure = reconcile([claim(1, 8, "at_least"), claim(2, 12, hours=10)], "killed")
    assert figure.status == "consensus"
    assert figure.best == 12
    assert figure.claim_ids == [2]
    assert [(e.claim_id, e.reason, e.by_claim_id) for e in figure.excluded] == [(1, "rising_toll", 2)]
    # Superseded means gone from the Airwars-style range too: 8 is no longer a reported toll.
    assert (figure.range_low, figure.range_high) == (12, 12)


# --- Time rules ---


@pytest.mark.parametrize(
    ("claims", "category", "live_ids", "why"),
    [
        # An early exact toll is superseded by a later higher one (toll rose overnight).
        ([claim(1, 8), claim(2, 12, hours=20)], "killed", [2], {1: "rising_toll"}),
        # A later exact 8 after an earlier "at least 8" does not raise the toll: both count.
        ([claim(1, 8, "at_least"), claim(2, 8, hours=5)], "killed", [1, 2], {}),
        # A later LOWER figure never supersedes: the conflict stays for an editor (Kyiv injured).
        ([claim(1, 100, "more_than"), claim(2, 87, hours=24)], "injured", [1, 2], {}),
        # Weapon counts do not rise with time: 215 later does not supersede an earlier 200.
        ([claim(1, 200), claim(2, 215, hours=24)], "launched", [1, 2], {}),
        # Missing people are found: a later higher "missing" count is a conflict, not a rise.
        ([claim(1, 20), claim(2, 35, hours=24)], "missing", [1, 2], {}),
        # Same time: no order, no supersession.
        ([claim(1, 8), claim(2, 12)], "killed", [1, 2], {}),
        # A grade D source cannot raise an official toll.
        ([claim(1, 8, grade="A"), claim(2, 40, hours=5, grade="D")], "killed", [1, 2], {}),
        # A preferred claim is not superseded by a normal one.
        ([claim(1, 8, rank="preferred"), claim(2, 12, hours=5)], "killed", [1, 2], {}),
        # The same source correcting itself downwards: its latest word stands.
        (
            [claim(1, 14, source_key="outlet:1"), claim(2, 12, hours=5, source_key="outlet:1")],
            "killed",
            [2],
            {1: "correction"},
        ),
        # Withdrawn and deprecated claims are out.
        (
            [claim(1, 9, withdrawn=True), claim(2, 30, rank="deprecated"), claim(3, 12)],
            "killed",
            [3],
            {1: "withdrawn", 2: "deprecated"},
        ),
        # "up to 30" then a later 40: the toll rose past the earlier ceiling.
        ([claim(1, 30, "up_to"), claim(2, 40, hours=30)], "killed", [2], {1: "rising_toll"}),
    ],
)
def test_live_claims_time_rules(claims, category, live_ids, why):
    live, excluded = live_claims(claims, category)
    assert sorted(c.id for c in live) == live_ids
    assert {e.claim_id: e.reason for e in excluded} == why


def test_superseded_claim_cites_the_latest_claim_that_superseded_it():
    _live, excluded = live_claims([claim(1, 3), claim(2, 5, hours=2), claim(3, 9, hours=8)], "killed")
    assert {e.claim_id: e.by_claim_id for e in excluded} == {1: 3, 2: 3}


# --- Conflicts and severity ---


def test_conflict_lists_every_disagreeing_pair_largest_gap_first():
    conflict = find_conflict([ClaimFacts(1, 10), ClaimFacts(2, 14), ClaimFacts(3, 30, "at_least")])
    assert [(p["low_claim"], p["high_claim"], p["gap"]) for p in conflict.pairs] == [(1, 3, 20), (2, 3, 16), (1, 2, 4)]
    assert conflict.gap == 20  # 30 (the highest low) - 10 (the lowest high)


def test_severity_ranks_bigger_gaps_bigger_tolls_and_deaths_first():
    small = find_conflict([ClaimFacts(1, 3), ClaimFacts(2, 4)])
    large = find_conflict([ClaimFacts(1, 30), ClaimFacts(2, 40)])
    assert severity("killed", large, 40) > severity("killed", small, 4)
    assert severity("killed", large, 40) > severity("injured", large, 40) > severity("launched", large, 40)
    assert severity("killed", small, 400) > severity("killed", small, 4)


# --- Preferred claims and decisions ---


def test_preferred_claims_set_the_shown_figure_while_disputed():
    claims = [claim(1, 20, grade="B"), claim(2, 25, grade="B", rank="preferred")]
    figure = reconcile(claims, "killed")
    assert figure.status == "disputed"
    assert figure.best == 25
    assert reconcile([claim(1, 20), claim(2, 25)], "killed").best == 20  # no preference: most conservative


def test_preferred_claim_wins_the_best_value_inside_an_agreed_range():
    claims = [claim(1, 30, "about", grade="A"), claim(2, 28, "about", rank="preferred", grade="C")]
    figure = reconcile(claims, "killed")
    assert figure.status == "consensus"
    assert figure.best == 28


def test_decision_overrides_claims_and_sets_conservative_and_range():
    claims = [claim(1, 100, "more_than"), claim(2, 87, hours=24)]
    figure = reconcile(claims, "injured", DecisionFacts(id=9, version=1, best=95, low=87, high=120))
    assert (figure.status, figure.best, figure.low, figure.high) == ("decided", 95, 87, 120)
    assert figure.severity == 0
    assert figure.mode("conservative")["best"] == 87
    # "more than 100" is credible and open-ended, so the range has no upper bound (not 120).
    assert (figure.mode("range")["low"], figure.mode("range")["high"]) == (87, None)
    assert figure.mode("decided")["disputed"] is False


def test_a_decision_widens_a_bounded_range_to_its_high_end():
    claims = [claim(1, 90), claim(2, 87, hours=24)]
    figure = reconcile(claims, "injured", DecisionFacts(id=9, version=1, best=95, low=87, high=120))
    assert (figure.mode("range")["low"], figure.mode("range")["high"]) == (87, 120)


def test_decision_without_claims_still_publishes():
    figure = reconcile([], "killed", DecisionFacts(id=1, version=1, best=4, low=4, high=4))
    assert (figure.status, figure.best, figure.claim_ids) == ("decided", 4, [])


def test_no_live_claims_and_no_decision_publishes_nothing():
    assert reconcile([claim(1, 5, withdrawn=True)], "killed").status is None


@pytest.mark.parametrize(
    ("claims", "conservative", "range_"),
    [
        ([claim(1, 12), claim(2, 12)], 12, (12, 12)),
        # Kyiv injured: "more than 100" has no upper bound, so neither has the range.
        ([claim(1, 100, "more_than"), claim(2, 87)], 87, (87, None)),
        ([claim(1, 30, "up_to")], 30, (30, 30)),
        ([claim(1, 30, "about"), claim(2, 25, "about")], 27, (25, 30)),
        ([claim(1, 12, "at_least")], 12, (12, None)),
    ],
)
def test_conservative_and_range_modes(claims, conservative, range_):
    figure = reconcile(claims, "killed")
    assert figure.mode("conservative") == {**figure.mode("conservative"), "best": conservative, "low": conservative}
    assert (figure.mode("range")["low"], figure.mode("range")["high"]) == range_


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="figures mode"):
        reconcile([claim(1, 1)], "killed").mode("median")


# --- Suggestions ---


def test_suggestions_for_a_conflict_offer_official_conservative_and_widest():
    claims = [
        claim(1, 100, "more_than", grade="A"),
        claim(2, 87, hours=24, grade="B"),
        claim(3, 90, hours=20, grade="A"),  # before the 87, so it does not supersede it
    ]
    kinds = {s.kind: s for s in suggest(claims, "injured")}
    assert list(kinds) == ["latest_official", "conservative", "widest"]
    assert (kinds["latest_official"].best, kinds["latest_official"].claim_ids) == (90, [3])
    assert kinds["conservative"].best == 87
    assert (kinds["widest"].low, kinds["widest"].high) == (87, None)  # "more than 100" is open-ended
    assert all(s.reason for s in kinds.values())


def test_suggestions_for_agreeing_claims_put_consensus_first():
    first = suggest([claim(1, 12), claim(2, 12, hours=3)], "killed")[0]
    assert (first.kind, first.best) == ("consensus", 12)
