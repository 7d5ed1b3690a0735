"""Evidence grades: how well an attack is attested, from its sources alone.

Pure Python over plain data (no Django), so every rule is testable on a table of cases; the
rules, with the reasons behind them, are written in ``docs/RECONCILIATION.md`` ("Evidence
grades"); keep the two in step. ``casualties.services.grades`` gathers the facts from the
database and stores the result on the attack; an editor's override (with a reason) wins.

Modelled on Airwars' grading of incidents: the grade says how sure we are that the event
happened where and when it is recorded, not whether its figures are settled (that is the
figure's own status: consensus, disputed or decided).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# The grades (strikes.choices.EvidenceGrade), best attested first.
CONFIRMED, FAIR, SINGLE_SOURCE, CONTESTED, DISCOUNTED = "confirmed", "fair", "single_source", "contested", "discounted"
GRADES = (CONFIRMED, FAIR, SINGLE_SOURCE, CONTESTED, DISCOUNTED)
# Only an editor discounts an attack: no count of sources makes an event not have happened.
COMPUTED_GRADES = (CONFIRMED, FAIR, SINGLE_SOURCE, CONTESTED)


@dataclass(frozen=True)
class Source:
    """One independent source of an attack, as the grading rules see it.

    ``key`` identifies the source for independence: an outlet (two articles of one outlet are
    one source), a dataset, or a label typed with a claim. ``disagrees_on``: what this source
    reports differently from the attack ("place", "date"), empty when it agrees.
    """

    key: str
    name: str = ""
    official: bool = False
    disagrees_on: tuple[str, ...] = ()


def label_source(label: str) -> Source:
    """A source named only by a label (a dataset, a statement typed in by hand): one per label,
    whatever its case and spacing."""
    return Source(key=f"label:{label.strip().lower()}", name=label.strip())


@dataclass(frozen=True)
class Graded:
    grade: str
    reason: str


def _names(sources: Iterable[Source]) -> str:
    names = sorted({s.name or s.key for s in sources})
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


def independent(sources: Iterable[Source]) -> list[Source]:
    """One source per key (the first seen, but an official or disagreeing copy is kept)."""
    by_key: dict[str, Source] = {}
    for source in sources:
        held = by_key.get(source.key)
        if held is None:
            by_key[source.key] = source
        else:
            by_key[source.key] = Source(
                key=held.key,
                name=held.name or source.name,
                official=held.official or source.official,
                disagrees_on=tuple(sorted(set(held.disagrees_on) | set(source.disagrees_on))),
            )
    return list(by_key.values())


def grade_of(sources: Iterable[Source], *, figures_disputed: bool = False) -> Graded:
    """The computed grade of an attack with these sources; ``figures_disputed``: one of its
    figures is in an unresolved conflict (no editor has decided it).

    In order, the first rule that holds:

    1. *contested*: a source places the event elsewhere or on another day;
    2. *confirmed*: an official source reports it, or two independent sources agree on place
       and date and nothing between them is left unresolved;
    3. *fair*: two or more independent sources, with a disagreement on the figures unresolved;
    4. *single source*: one source (or none yet, for a draft).

    >>> grade_of([Source("outlet:1", official=True)]).grade
    'confirmed'
    >>> grade_of([Source("outlet:1"), Source("outlet:1")]).grade
    'single_source'
    """
    distinct = independent(sources)
    against = [s for s in distinct if s.disagrees_on]
    if against:
        what = sorted({w for s in against for w in s.disagrees_on})
        return Graded(
            CONTESTED, f"{_names(against)} report{'s' if len(against) == 1 else ''} another {' and '.join(what)}."
        )
    official = [s for s in distinct if s.official]
    if official:
        return Graded(CONFIRMED, f"Reported by an official source: {_names(official)}.")
    if len(distinct) >= 2 and not figures_disputed:
        return Graded(CONFIRMED, f"{len(distinct)} independent sources agree on place and date: {_names(distinct)}.")
    if len(distinct) >= 2:
        return Graded(
            FAIR,
            f"{len(distinct)} independent sources ({_names(distinct)}); "
            "their figures disagree and no editor has decided.",
        )
    if distinct:
        return Graded(SINGLE_SOURCE, f"One source: {_names(distinct)}.")
    return Graded(SINGLE_SOURCE, "No source yet.")
