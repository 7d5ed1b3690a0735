"""The pure reconciliation rules (casualties.reconcile), on tables of cases. No database."""

import datetime as dt

import pytest

from casualties.reconcile import (
    ClaimFacts,
    DecisionFacts,
    claim_interval,
    figure_mode,
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
        (5, "about", (4, 6)),  # never narrower than ± 1 (tests/extraction/test_about_n.py has the rest)
        (1, "about", (0, 2)),  # never below zero
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
    ("claims", "status", "best", "conservative", "range_"),
    [
        ([claim(1, 12), claim(2, 12)], "consensus", 12, 12, (12, 12)),
        # Kyiv injured: "more than 100" has no upper bound, so neither has the range.
        ([claim(1, 100, "more_than"), claim(2, 87)], "disputed", 87, 87, (87, None)),
        ([claim(1, 30, "up_to")], "consensus", 30, 30, (30, 30)),
        # [27, 33] and [22, 28] agree on [27, 28]: 25 lifted to 27; the later id (2, 25) is heaviest.
        ([claim(1, 30, "about"), claim(2, 25, "about")], "consensus", 27, 27, (25, 30)),
        ([claim(1, 12, "at_least")], "consensus", 12, 12, (12, None)),
    ],
)
def test_conservative_and_range_modes(claims, status, best, conservative, range_):
    figure = reconcile(claims, "killed")
    ids = [c.id for c in claims]
    # conservative is one number: best, low and high all equal it.
    assert figure.mode("conservative") == {
        "best": conservative,
        "low": conservative,
        "high": conservative,
        "status": status,
        "disputed": status == "disputed",
        "claim_ids": ids,
    }
    assert figure.mode("range") == {
        "best": best,
        "low": range_[0],
        "high": range_[1],
        "status": status,
        "disputed": status == "disputed",
        "claim_ids": ids,
    }


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="figures mode"):
        reconcile([claim(1, 1)], "killed").mode("median")


# --- Each figure mode, every field written out (issue 20) ---


def _claim_at(id, value, qualifier="exact", clock="10:00", **kw):
    """A claim reported on 24 April 2025 at ``clock`` (UTC)."""
    hour, minute = map(int, clock.split(":"))
    return ClaimFacts(
        id=id, value=value, qualifier=qualifier, reported_at=dt.datetime(2025, 4, 24, hour, minute, tzinfo=dt.UTC), **kw
    )


def test_figure_mode_picks_each_modes_own_numbers():
    facts = {
        "status": "consensus",
        "best": 30,
        "low": 28,
        "high": 33,
        "claim_ids": (4, 9),
        "conservative": 28,
        "range_low": 26,
        "range_high": None,
    }
    assert figure_mode("decided", **facts) == {
        "best": 30,
        "low": 28,
        "high": 33,
        "status": "consensus",
        "disputed": False,
        "claim_ids": [4, 9],
    }
    assert figure_mode("conservative", **facts) == {
        "best": 28,
        "low": 28,
        "high": 28,
        "status": "consensus",
        "disputed": False,
        "claim_ids": [4, 9],
    }
    assert figure_mode("range", **facts) == {
        "best": 30,
        "low": 26,
        "high": None,
        "status": "consensus",
        "disputed": False,
        "claim_ids": [4, 9],
    }
    with pytest.raises(ValueError, match="Unknown figures mode 'median'; expected one of decided, conservative, range"):
        figure_mode("median", **facts)


def test_figure_mode_of_nothing_and_of_a_dispute():
    nothing = {
        "status": None,
        "best": None,
        "low": None,
        "high": None,
        "claim_ids": None,
        "conservative": None,
        "range_low": None,
        "range_high": None,
    }
    assert figure_mode("decided", **nothing) == {
        "best": None,
        "low": None,
        "high": None,
        "status": None,
        "disputed": False,
        "claim_ids": [],
    }
    disputed = {**nothing, "status": "disputed", "best": 10, "conservative": 10, "claim_ids": [1]}
    assert figure_mode("conservative", **disputed)["disputed"] is True


def test_consensus_figure_in_every_mode():
    # "about 30" [27, 33] at 12:00 and "at least 28" [28, open) at 10:00 agree on [28, 33];
    # the later claim is heavier, so best is its 30; the conservative figure is 28; the
    # range runs from 28 and is open because "at least 28" is.
    figure = reconcile([_claim_at(1, 30, "about", "12:00"), _claim_at(2, 28, "at_least", "10:00")], "killed")
    common = {"status": "consensus", "disputed": False, "claim_ids": [1, 2]}
    assert figure.mode("decided") == {"best": 30, "low": 28, "high": 33, **common}
    assert figure.mode("conservative") == {"best": 28, "low": 28, "high": 28, **common}
    assert figure.mode("range") == {"best": 30, "low": 28, "high": None, **common}


def test_disputed_figure_in_every_mode():
    # 10 and 14 launched (weapon counts do not rise with time): no value in common.
    claims = [_claim_at(1, 10, clock="10:00"), _claim_at(2, 14, clock="12:00")]
    figure = reconcile(claims, "launched")
    common = {"status": "disputed", "disputed": True, "claim_ids": [1, 2]}
    # Nobody preferred: the shown figure is the most conservative one.
    assert figure.mode("decided") == {"best": 10, "low": 10, "high": 14, **common}
    assert figure.mode("conservative") == {"best": 10, "low": 10, "high": 10, **common}
    assert figure.mode("range") == {"best": 10, "low": 10, "high": 14, **common}
    assert (figure.conflict.gap, figure.conflict.text) == (4, "Claim 2 (14) and claim 1 (10) disagree by 4.")


def test_decided_figure_in_every_mode():
    claims = [_claim_at(1, 10, clock="10:00"), _claim_at(2, 14, clock="12:00")]
    figure = reconcile(claims, "launched", DecisionFacts(id=7, version=3, best=12, low=11, high=15))
    common = {"status": "decided", "disputed": False, "claim_ids": [1, 2]}
    assert figure.mode("decided") == {"best": 12, "low": 11, "high": 15, **common}
    # conservative is the editor's low; the range runs from the lowest claim to the decision's high.
    assert figure.mode("conservative") == {"best": 11, "low": 11, "high": 11, **common}
    assert figure.mode("range") == {"best": 12, "low": 10, "high": 15, **common}
    assert (figure.decision_id, figure.severity, figure.conflict.gap) == (7, 0.0, 4)


def test_a_decision_below_every_claim_lowers_the_range():
    claims = [_claim_at(1, 10, clock="10:00"), _claim_at(2, 14, clock="12:00")]
    figure = reconcile(claims, "launched", DecisionFacts(id=7, version=1, best=9, low=8, high=12))
    assert (figure.mode("range")["low"], figure.mode("range")["high"]) == (8, 14)


def test_an_open_decision_opens_the_range():
    figure = reconcile([_claim_at(1, 10)], "launched", DecisionFacts(id=7, version=1, best=12, low=12, high=None))
    assert figure.mode("range") == {
        "best": 12,
        "low": 10,
        "high": None,
        "status": "decided",
        "disputed": False,
        "claim_ids": [1],
    }


# --- Tie-breaks of ClaimFacts.weight_key, each against a written value ---


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_the_later_report_wins_the_consensus(order):
    # The planted bug: "about 30" at 10:00 then "about 28" at 12:00 publishes 28, not 30
    # ([27, 33] and [25, 31] agree on [27, 31]); the order the claims arrive in does not matter.
    claims = [_claim_at(1, 30, "about", "10:00"), _claim_at(2, 28, "about", "12:00")]
    figure = reconcile([claims[i] for i in order], "killed")
    assert (figure.status, figure.best, figure.low, figure.high) == ("consensus", 28, 27, 31)


def test_the_later_report_wins_whatever_the_ids():
    claims = [_claim_at(2, 30, "about", "10:00"), _claim_at(1, 28, "about", "12:00")]
    assert reconcile(claims, "killed").best == 28
    claims = [_claim_at(1, 28, "about", "10:00"), _claim_at(2, 30, "about", "12:00")]
    assert reconcile(claims, "killed").best == 30


@pytest.mark.parametrize(("better", "worse"), [("A", "B"), ("B", "C"), ("C", "U"), ("U", "D"), ("C", "unknown")])
def test_a_better_outlet_outweighs_a_later_report(better, worse):
    # The better-graded "about 30" at 10:00 beats the worse-graded "about 28" at 12:00.
    claims = [_claim_at(1, 30, "about", "10:00", grade=better), _claim_at(2, 28, "about", "12:00", grade=worse)]
    assert reconcile(claims, "killed").best == 30


def test_an_unknown_grade_ranks_as_ungraded_above_unverified():
    claims = [_claim_at(1, 30, "about", "10:00", grade="unknown"), _claim_at(2, 28, "about", "12:00", grade="D")]
    assert reconcile(claims, "killed").best == 30


def test_a_preferred_claim_outweighs_a_better_outlet_and_a_later_report():
    claims = [
        _claim_at(1, 28, "about", "10:00", grade="C", rank="preferred"),
        _claim_at(2, 30, "about", "12:00", grade="A"),
    ]
    assert reconcile(claims, "killed").best == 28


def test_at_the_same_time_the_higher_id_wins():
    claims = [_claim_at(1, 30, "about", "10:00"), _claim_at(2, 28, "about", "10:00")]
    assert reconcile(claims, "killed").best == 28
    claims = [_claim_at(1, 28, "about", "10:00"), _claim_at(2, 30, "about", "10:00")]
    assert reconcile(claims, "killed").best == 30


def test_an_undated_claim_weighs_least():
    undated = ClaimFacts(id=9, value=30, qualifier="about")
    assert reconcile([undated, _claim_at(1, 28, "about", "10:00")], "killed").best == 28


def test_weight_key_orders_rank_then_grade_then_time_then_id():
    claims = [
        _claim_at(1, 5, clock="12:00", grade="B"),
        _claim_at(2, 5, clock="09:00", grade="A"),
        _claim_at(3, 5, clock="08:00", grade="D", rank="preferred"),
        _claim_at(4, 5, clock="12:00", grade="B"),
        ClaimFacts(id=5, value=5, grade="A"),
        _claim_at(6, 5, clock="11:00", grade="B"),
    ]
    assert [c.id for c in sorted(claims, key=ClaimFacts.weight_key)] == [3, 2, 5, 4, 1, 6]


def test_the_heaviest_claims_figure_is_kept_inside_the_agreed_range():
    # "about 30" [27, 33] and exact 31 agree on 31; the heavier (later) "about 30" cannot put 30 outside it.
    claims = [_claim_at(1, 31, clock="10:00"), _claim_at(2, 30, "about", "12:00")]
    figure = reconcile(claims, "killed")
    assert (figure.best, figure.low, figure.high) == (31, 31, 31)


def test_the_latest_official_suggestion_is_the_latest_grade_a_claim():
    claims = [
        _claim_at(1, 12, clock="09:00", grade="A"),
        _claim_at(2, 12, clock="11:00", grade="A"),
        _claim_at(3, 12, clock="12:00", grade="B"),
    ]
    kinds = {s.kind: s for s in suggest(claims, "launched")}
    assert (kinds["latest_official"].claim_ids, kinds["latest_official"].reason) == (
        [2],
        "Latest figure from an official source (claim 2: 12).",
    )


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
