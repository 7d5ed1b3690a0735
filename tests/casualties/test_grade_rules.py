"""The evidence-grade rules (casualties.grades) on a table of cases, issue 15.

Every expected grade and reason below was written by hand from the rules in
docs/RECONCILIATION.md ("Evidence grades"), never by running the code under test: contested
first, then confirmed (an official source, or two independent sources with nothing unresolved),
then fair, then single source.
"""

import pytest

from casualties.grades import GRADES, Source, grade_of, independent, label_source
from strikes.choices import EvidenceGrade

AFP = Source("outlet:1", "AFP")
CENSOR = Source("outlet:2", "Censor.NET")
AIR_FORCE = Source("outlet:3", "Air Force of Ukraine", official=True)


def elsewhere(source: Source, *what: str) -> Source:
    """The same source, reporting the event at another place or on another day."""
    return Source(source.key, source.name, source.official, what)


CASES = [
    pytest.param([AFP], False, "single_source", "One source: AFP.", id="one-source"),
    pytest.param(
        [CENSOR, Source("outlet:2", "Censor.NET")],
        False,
        "single_source",
        "One source: Censor.NET.",
        id="two-articles-of-one-outlet-are-one-source",
    ),
    pytest.param(
        [CENSOR, AFP],
        False,
        "confirmed",
        "2 independent sources agree on place and date: AFP and Censor.NET.",
        id="two-outlets-agree",
    ),
    pytest.param(
        [AFP, CENSOR, Source("outlet:4", "Suspilne")],
        False,
        "confirmed",
        "3 independent sources agree on place and date: AFP, Censor.NET and Suspilne.",
        id="three-outlets-agree",
    ),
    pytest.param(
        [AIR_FORCE],
        False,
        "confirmed",
        "Reported by an official source: Air Force of Ukraine.",
        id="official-alone",
    ),
    pytest.param(
        [AFP, CENSOR],
        True,
        "fair",
        "2 independent sources (AFP and Censor.NET); their figures disagree and no editor has decided.",
        id="two-outlets-figures-disputed",
    ),
    pytest.param(
        [AFP, AIR_FORCE],
        True,
        "confirmed",
        "Reported by an official source: Air Force of Ukraine.",
        id="official-and-figures-disputed",
    ),
    # One source with disputed figures cannot be "fair": fair needs two sources.
    pytest.param([AFP], True, "single_source", "One source: AFP.", id="one-source-figures-disputed"),
    pytest.param(
        [AFP, elsewhere(CENSOR, "place")],
        False,
        "contested",
        "Censor.NET reports another place.",
        id="one-source-another-place",
    ),
    pytest.param(
        [AFP, elsewhere(CENSOR, "date")],
        False,
        "contested",
        "Censor.NET reports another date.",
        id="one-source-another-date",
    ),
    pytest.param(
        [elsewhere(AFP, "date"), elsewhere(CENSOR, "place")],
        False,
        "contested",
        "AFP and Censor.NET report another date and place.",
        id="two-sources-disagree-on-each",
    ),
    # A lone source reporting another day than the attack's is still a dispute over the record.
    pytest.param([elsewhere(AFP, "date")], False, "contested", "AFP reports another date.", id="lone-source-other-day"),
    pytest.param(
        [AIR_FORCE, elsewhere(CENSOR, "place")],
        False,
        "contested",
        "Censor.NET reports another place.",
        id="contested-wins-over-official",
    ),
    # One outlet's second article placing it elsewhere makes that outlet disagree: the copy is kept.
    pytest.param(
        [CENSOR, elsewhere(CENSOR, "place"), AFP],
        False,
        "contested",
        "Censor.NET reports another place.",
        id="second-article-of-an-outlet-disagrees",
    ),
    pytest.param(
        [label_source("ACLED"), AFP],
        False,
        "confirmed",
        "2 independent sources agree on place and date: ACLED and AFP.",
        id="a-label-and-an-outlet-are-two-sources",
    ),
    pytest.param(
        [label_source("ACLED"), label_source("  acled ")],
        False,
        "single_source",
        "One source: ACLED.",
        id="labels-differing-in-case-and-spacing-are-one",
    ),
    pytest.param(
        [label_source("Kyiv City Military Administration"), label_source("Ukrinform")],
        True,
        "fair",
        "2 independent sources (Kyiv City Military Administration and Ukrinform); "
        "their figures disagree and no editor has decided.",
        id="two-labels-figures-disputed",
    ),
    pytest.param([], False, "single_source", "No source yet.", id="no-sources"),
    pytest.param([], True, "single_source", "No source yet.", id="no-sources-figures-disputed"),
]


@pytest.mark.parametrize(("sources", "disputed", "grade", "reason"), CASES)
def test_grade_rules(sources, disputed, grade, reason):
    graded = grade_of(sources, figures_disputed=disputed)
    assert (graded.grade, graded.reason) == (grade, reason)


def test_the_rules_never_discount():
    # Only an editor discounts: no set of sources makes an event not have happened.
    every_case = [grade_of(case.values[0], figures_disputed=case.values[1]).grade for case in CASES]
    assert "discounted" not in every_case


def test_an_official_copy_of_an_outlet_keeps_it_official():
    # Two articles of one outlet where only the second carries the official flag: still one
    # source, and an official one (the rules do not depend on the order articles come in).
    merged = independent([Source("outlet:3", "Air Force of Ukraine"), AIR_FORCE])
    assert merged == [AIR_FORCE]
    assert grade_of([Source("outlet:3", "Air Force of Ukraine"), AIR_FORCE]).grade == "confirmed"


def test_a_label_source_is_named_as_typed_but_keyed_without_case_or_spacing():
    assert label_source("  ACLED ") == Source("label:acled", "ACLED")
    assert label_source("acled").key == label_source("ACLED").key


def test_the_model_choices_are_the_rules_grades_in_order():
    # The database's choices and the pure rules name the same grades, best attested first.
    assert list(EvidenceGrade.values) == list(GRADES)
    assert list(GRADES) == ["confirmed", "fair", "single_source", "contested", "discounted"]
