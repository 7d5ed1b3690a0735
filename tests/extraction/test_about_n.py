"""One "about N" (issue 20): 10 % of N either side, rounded half up, at least 1.

Extraction (``extraction.numbers.bounds``) and reconciliation (``casualties.reconcile.claim_interval``)
used to disagree ("about 5" was 4-6 in a drafted claim and 3-7 in a typed one). Every expected
interval below is written out by hand from the rule; none is computed by the code under test.
Pure: no database.
"""

import pytest

from casualties.reconcile import claim_interval
from extraction import extract
from extraction.numbers import about_band, bounds

# (N, the interval "about N" stands for), worked by hand:
# 10 % of N, rounded half up (x.5 goes up), never less than 1, the low end never below 0.
ABOUT = [
    (0, (0, 1)),  # the floor of 1; the low end stops at 0
    (1, (0, 2)),
    (3, (2, 4)),
    (5, (4, 6)),  # 0.5 rounds up to 1
    (14, (13, 15)),  # 1.4 rounds down to 1
    (15, (13, 17)),  # 1.5 rounds up to 2
    (25, (22, 28)),  # 2.5 rounds up to 3 (Python's round() would give 2)
    (28, (25, 31)),
    (30, (27, 33)),
    (40, (36, 44)),
    (45, (40, 50)),  # 4.5 rounds up to 5 (round() would give 4)
    (100, (90, 110)),
    (215, (193, 237)),  # 21.5 rounds up to 22
    (1000, (900, 1100)),
]


@pytest.mark.parametrize(("value", "interval"), ABOUT)
def test_about_n_in_extraction(value, interval):
    assert bounds(value, "about") == interval


@pytest.mark.parametrize(("value", "interval"), ABOUT)
def test_about_n_in_reconciliation_is_the_same(value, interval):
    assert claim_interval(value, "about") == interval


@pytest.mark.parametrize(
    ("value", "band"),
    [(0, 1), (4, 1), (5, 1), (14, 1), (15, 2), (24, 2), (25, 3), (34, 3), (35, 4), (94, 9), (95, 10), (215, 22)],
)
def test_about_band_is_ten_per_cent_rounded_half_up_at_least_one(value, band):
    assert about_band(value) == band


@pytest.mark.parametrize(
    ("value", "qualifier", "interval"),
    [
        (12, "exact", (12, 12)),
        (0, "exact", (0, 0)),
        (12, "at_least", (12, None)),
        (12, "more_than", (13, None)),
        (0, "more_than", (1, None)),
        (12, "up_to", (0, 12)),
        (0, "up_to", (0, 0)),
    ],
)
def test_the_other_qualifiers_are_the_same_in_both(value, qualifier, interval):
    assert bounds(value, qualifier) == interval
    assert claim_interval(value, qualifier) == interval


@pytest.mark.parametrize("qualifier", ["roughly", "About", "", "between"])
def test_an_unknown_qualifier_is_refused_not_read_as_about(qualifier):
    with pytest.raises(ValueError, match=f"Unknown qualifier '{qualifier}'; expected one of exact, at_least"):
        bounds(12, qualifier)
    with pytest.raises(ValueError, match="Unknown qualifier"):
        claim_interval(12, qualifier)


@pytest.mark.parametrize(
    ("phrase", "low", "high"),
    [
        ("about 25 people were killed", 22, 28),
        ("around 5 people were killed", 4, 6),
        ("nearly 45 people were killed", 40, 50),
        ("some 215 people were killed", 193, 237),
    ],
)
def test_an_extracted_about_figure_carries_the_same_interval(phrase, low, high):
    text = f"A Russian missile struck an apartment block in Poltava on Thursday, and {phrase}."
    killed = extract(text, "2025-04-24").headline["killed"]
    assert (killed["qualifier"], killed["low"], killed["high"]) == ("about", low, high)
