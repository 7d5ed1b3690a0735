"""Reconciling figures: claims as intervals, consensus, conflicts and the time rules.

Pure Python over plain data (no Django), so every rule is testable on a table of
cases. The rules, with the reporting patterns behind them, are written down in
``docs/RECONCILIATION.md``; keep the two in step.

A claim is an interval ``[low, high]`` of values the source allows (``high`` None =
open-ended). A set of claims is *consistent* when the intervals share a value;
then the figure is the *consensus*, the tightest range all sources agree on.
Otherwise the claims are in *conflict* and an editor decides.

Why this file is long: it is the whole rule book, section for section with
``docs/RECONCILIATION.md`` (intervals, which claims count, time, conflicts, modes,
suggestions); split, one rule change would need edits in several files.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from extraction.numbers import QUALIFIER_NAMES, bounds

# Qualifiers (the values of casualties.choices.Qualifier, repeated here so this module stays Django-free).
EXACT, AT_LEAST, MORE_THAN, UP_TO, ABOUT = "exact", "at_least", "more_than", "up_to", "about"
QUALIFIERS = QUALIFIER_NAMES

# Ranks (casualties.choices.ClaimRank).
PREFERRED, NORMAL, DEPRECATED = "preferred", "normal", "deprecated"

# Figure statuses (casualties.choices.FigureStatus).
DECIDED, CONSENSUS, DISPUTED = "decided", "consensus", "disputed"

# API modes of ``figures=``.
MODES = ("decided", "conservative", "range")

# Tolls of killed and injured rise as rubble is cleared and the injured die. Not "missing":
# it falls as people are found (Dnipro, January 2023: 35 missing, then fewer each day).
# Weapon counts are reported once by the Air Force and are not expected to rise.
RISING_CATEGORIES = frozenset({"killed", "injured", "children_killed", "children_injured"})

# Queue weight per category: deaths first, then people, then weapon counts.
CATEGORY_WEIGHT = {
    "killed": 1.0,
    "children_killed": 1.0,
    "missing": 0.8,
    "injured": 0.6,
    "children_injured": 0.6,
    "launched": 0.2,
    "intercepted": 0.2,
}

# Outlet grades (sources.choices.OutletGrade), best first. Ungraded sits between C and D:
# not yet trusted, not known to be unreliable.
GRADE_ORDER = {"A": 0, "B": 1, "C": 2, "U": 3, "D": 4}
UNVERIFIED = "D"


# --- Intervals ---


def claim_interval(value: int, qualifier: str) -> tuple[int, int | None]:
    """The interval ``(low, high)`` a figure allows; ``high`` None means no upper bound.

    >>> claim_interval(12, "exact"), claim_interval(100, "more_than"), claim_interval(30, "about")
    ((12, 12), (101, None), (27, 33))
    """
    if value is None or value < 0:
        raise ValueError("A figure is a whole number of at least 0.")
    if qualifier not in QUALIFIERS:
        raise ValueError(f"Unknown qualifier {qualifier!r}; expected one of {', '.join(QUALIFIERS)}.")
    # One definition of each qualifier's interval, "about N" included, shared with extraction:
    # a figure the pipeline drafts and the same figure an analyst types get the same interval.
    return bounds(value, qualifier)


def _min_high(highs: Iterable[int | None]) -> int | None:
    bounded = [h for h in highs if h is not None]
    return min(bounded) if bounded else None


def _max_high(highs: Iterable[int | None]) -> int | None:
    highs = list(highs)
    return None if any(h is None for h in highs) else max(highs)


def intersect(intervals: Iterable[tuple[int, int | None]]) -> tuple[int, int | None] | None:
    """The values every interval allows, or None when they share none."""
    intervals = list(intervals)
    if not intervals:
        return None
    low = max(lo for lo, _ in intervals)
    high = _min_high(hi for _, hi in intervals)
    if high is not None and high < low:
        return None
    return low, high


def gap_between(a: tuple[int, int | None], b: tuple[int, int | None]) -> int:
    """How far apart two intervals are (0 when they overlap)."""
    if a[1] is not None and a[1] < b[0]:
        return b[0] - a[1]
    if b[1] is not None and b[1] < a[0]:
        return a[0] - b[1]
    return 0


def format_interval(low: int | None, high: int | None) -> str:
    if low is None:
        return "none"
    if high is None:
        return f"{low} or more"
    return str(low) if low == high else f"{low}-{high}"


# --- Claims ---

QUALIFIER_WORDS = {EXACT: "", AT_LEAST: "at least ", MORE_THAN: "more than ", UP_TO: "up to ", ABOUT: "about "}


@dataclass(frozen=True)
class ClaimFacts:
    """What reconciliation needs to know about one claim."""

    id: int
    value: int
    qualifier: str = EXACT
    low: int | None = None
    high: int | None = None
    reported_at: datetime | None = None
    rank: str = NORMAL
    withdrawn: bool = False
    # Recorded on a published attack and not yet accepted by an editor: shown, not counted.
    pending: bool = False
    grade: str = "U"
    # Who published it (outlet id or source label): a source's later figure corrects its own earlier one.
    source_key: str = ""

    def __post_init__(self):
        # No interval given: it follows from the value and qualifier.
        if self.low is None:
            low, high = claim_interval(self.value, self.qualifier)
            object.__setattr__(self, "low", low)
            object.__setattr__(self, "high", high)

    @property
    def interval(self) -> tuple[int, int | None]:
        return self.low, self.high

    @property
    def point(self) -> int:
        """The toll the source states: the number, lifted past "more than", kept within the interval."""
        stated = self.value + 1 if self.qualifier == MORE_THAN else self.value
        if stated < self.low:
            return self.low
        if self.high is not None and stated > self.high:
            return self.high
        return stated

    @property
    def wording(self) -> str:
        return f"{QUALIFIER_WORDS.get(self.qualifier, '')}{self.value}"

    @property
    def grade_rank(self) -> int:
        return GRADE_ORDER.get(self.grade, GRADE_ORDER["U"])

    def weight_key(self) -> tuple:
        """Sort key, heaviest first: preferred, then better outlet, then later report."""
        return (
            0 if self.rank == PREFERRED else 1,
            self.grade_rank,
            -(self.reported_at.timestamp() if self.reported_at else float("-inf")),
            -self.id,
        )


def _later(b: ClaimFacts, a: ClaimFacts) -> bool:
    return a.reported_at is not None and b.reported_at is not None and b.reported_at > a.reported_at


def superseded_by(claim: ClaimFacts, later: ClaimFacts, category: str) -> str | None:
    """Why ``later`` supersedes ``claim`` (a rule name), or None when it does not.

    Rules (docs/RECONCILIATION.md, "Time"):
    - ``correction``: the same source reports a different figure later: its latest word stands.
    - ``rising_toll``: for tolls of people, a later report whose lowest value is above the
      earlier figure raises the toll ("at least 8" then "12"; "8" then "at least 10").
    Never: a preferred claim is superseded only by another preferred claim; an unverified
    (grade D) source never supersedes a graded one; reports at the same time never supersede.
    """
    if not _later(later, claim):
        return None
    if claim.rank == PREFERRED and later.rank != PREFERRED:
        return None
    if claim.source_key and claim.source_key == later.source_key and claim.interval != later.interval:
        return "correction"
    if later.grade == UNVERIFIED and claim.grade != UNVERIFIED:
        return None
    if category in RISING_CATEGORIES and later.low > claim.point:
        return "rising_toll"
    return None


@dataclass
class Exclusion:
    claim_id: int
    reason: str  # "withdrawn", "pending", "deprecated", "correction", "rising_toll"
    by_claim_id: int | None = None

    def to_dict(self) -> dict:
        return {"claim_id": self.claim_id, "reason": self.reason, "by_claim_id": self.by_claim_id}


def live_claims(claims: Sequence[ClaimFacts], category: str) -> tuple[list[ClaimFacts], list[Exclusion]]:
    """The claims that count (credible and current), and why each other claim does not."""
    excluded: list[Exclusion] = []
    candidates = []
    for c in claims:
        if c.withdrawn:
            excluded.append(Exclusion(c.id, "withdrawn"))
        elif c.pending:
            excluded.append(Exclusion(c.id, "pending"))
        elif c.rank == DEPRECATED:
            excluded.append(Exclusion(c.id, "deprecated"))
        else:
            candidates.append(c)
    live = []
    for c in candidates:
        reason = by = None
        # The latest superseding claim is the one to cite.
        for other in sorted(candidates, key=lambda o: (o.reported_at is None, o.reported_at), reverse=True):
            if other.id != c.id and (rule := superseded_by(c, other, category)):
                reason, by = rule, other.id
                break
        if reason:
            excluded.append(Exclusion(c.id, reason, by))
        else:
            live.append(c)
    return live, excluded


# --- Conflicts ---


@dataclass
class Conflict:
    """Which claims disagree and by how much."""

    gap: int  # the smallest change that would make all claims agree
    relative: float  # gap / the larger side's value
    pairs: list[dict] = field(default_factory=list)
    text: str = ""

    def to_dict(self) -> dict:
        return {"gap": self.gap, "relative": round(self.relative, 4), "pairs": self.pairs, "text": self.text}


def find_conflict(claims: Sequence[ClaimFacts]) -> Conflict | None:
    """Describe the disagreement among ``claims``, or None when they agree."""
    if intersect(c.interval for c in claims) is not None:
        return None
    pairs = []
    for i, a in enumerate(claims):
        for b in claims[i + 1 :]:
            g = gap_between(a.interval, b.interval)
            if g:
                lower, upper = (a, b) if (a.high is not None and a.high < b.low) else (b, a)
                pairs.append(
                    {
                        "low_claim": lower.id,
                        "high_claim": upper.id,
                        "low_says": lower.wording,
                        "high_says": upper.wording,
                        "gap": g,
                    }
                )
    pairs.sort(key=lambda p: (-p["gap"], p["low_claim"], p["high_claim"]))
    top_low = max(c.low for c in claims)
    bottom_high = _min_high(c.high for c in claims)
    gap = top_low - bottom_high
    relative = gap / max(top_low, 1)
    worst = pairs[0]
    text = (
        f"Claim {worst['high_claim']} ({worst['high_says']}) and claim {worst['low_claim']} "
        f"({worst['low_says']}) disagree by {worst['gap']}"
    )
    if len(pairs) > 1:
        text += f"; {len(pairs)} pairs of claims disagree in all"
    return Conflict(gap=gap, relative=relative, pairs=pairs, text=text + ".")


def severity(category: str, conflict: Conflict, toll: int) -> float:
    """Queue order: larger disagreements and larger tolls first, deaths before weapon counts.

    log-scaled so a gap of 14 in 100 injured still ranks above a gap of 1 in 3 killed,
    while no single large count buries every other conflict.
    """
    weight = CATEGORY_WEIGHT.get(category, 0.5)
    return round(weight * math.log2(2 + conflict.gap) * math.log2(2 + toll) * (1 + min(conflict.relative, 1.0)), 4)


# --- Reconciliation of one figure ---


@dataclass
class DecisionFacts:
    """The current editor's decision for a figure, if any."""

    id: int
    version: int
    best: int
    low: int
    high: int | None


@dataclass
class Figure:
    """The published figure for one (attack, category) in every API mode."""

    status: str | None  # decided / consensus / disputed; None when nothing counts
    best: int | None
    low: int | None
    high: int | None
    claim_ids: list[int]
    conservative: int | None
    range_low: int | None
    range_high: int | None
    conflict: Conflict | None = None
    severity: float = 0.0
    decision_id: int | None = None
    excluded: list[Exclusion] = field(default_factory=list)

    @property
    def disputed(self) -> bool:
        return self.status == DISPUTED

    def mode(self, mode: str) -> dict:
        """The figure as ``figures=<mode>`` shows it."""
        return figure_mode(
            mode,
            status=self.status,
            best=self.best,
            low=self.low,
            high=self.high,
            claim_ids=self.claim_ids,
            conservative=self.conservative,
            range_low=self.range_low,
            range_high=self.range_high,
        )


def figure_mode(mode, *, status, best, low, high, claim_ids, conservative, range_low, range_high) -> dict:
    """One figure in one API mode (shared by ``Figure.mode`` and the stored rows' selector)."""
    base = {"status": status, "disputed": status == DISPUTED, "claim_ids": list(claim_ids or [])}
    if mode == "decided":
        return {"best": best, "low": low, "high": high, **base}
    if mode == "conservative":
        return {"best": conservative, "low": conservative, "high": conservative, **base}
    if mode == "range":
        return {"best": best, "low": range_low, "high": range_high, **base}
    raise ValueError(f"Unknown figures mode {mode!r}; expected one of {', '.join(MODES)}.")


def widest_range(live: Sequence[ClaimFacts]) -> tuple[int, int | None]:
    """Lowest to highest figure the credible claims report; the high end is open (None) when
    any of them is open-ended ("more than 100" allows any number above 100)."""
    points = [c.point for c in live]
    return min(points), None if any(c.high is None for c in live) else max(points)


def _consensus_best(live: Sequence[ClaimFacts], low: int, high: int | None) -> int:
    """Inside the agreed range, the figure of the heaviest claim (preferred, best outlet, latest)."""
    heaviest = min(live, key=ClaimFacts.weight_key)
    best = max(heaviest.point, low)
    return best if high is None else min(best, high)


def reconcile(claims: Sequence[ClaimFacts], category: str, decision: DecisionFacts | None = None) -> Figure:
    """The published figure for one (attack, category) from its claims and current decision."""
    live, excluded = live_claims(claims, category)
    live_ids = sorted(c.id for c in live)
    points = [c.point for c in live]

    agreed = intersect(c.interval for c in live) if live else None
    conflict = find_conflict(live) if live and agreed is None else None

    # The claims' own view (used whenever there is no decision, and for conservative / range).
    if not live:
        status = best = low = high = conservative = range_low = range_high = None
    elif agreed is not None:
        status, (low, high) = CONSENSUS, agreed
        best = _consensus_best(live, low, high)
        conservative = max(min(points), low) if high is None else min(max(min(points), low), high)
        range_low, range_high = widest_range(live)
    else:
        status = DISPUTED
        low, high = min(c.low for c in live), _max_high(c.high for c in live)
        conservative = min(points)
        preferred = [c for c in live if c.rank == PREFERRED]
        preferred_agreed = intersect(c.interval for c in preferred) if preferred else None
        # Preferred claims weigh more: while disputed, the shown figure follows them when they agree.
        best = _consensus_best(preferred, *preferred_agreed) if preferred_agreed else conservative
        range_low, range_high = widest_range(live)

    sev = 0.0
    if conflict is not None:
        sev = severity(category, conflict, max(points))

    if decision is not None:
        status, best, low, high = DECIDED, decision.best, decision.low, decision.high
        # The editor's low is their lowest credible value; the range widens to include the decision.
        conservative = decision.low
        claims_open = bool(live) and range_high is None  # a credible claim with no upper bound
        range_low = decision.low if range_low is None else min(range_low, decision.low)
        if decision.high is None or claims_open:
            range_high = None
        else:
            range_high = decision.high if range_high is None else max(range_high, decision.high)
        sev = 0.0

    return Figure(
        status=status,
        best=best,
        low=low,
        high=high,
        claim_ids=live_ids,
        conservative=conservative,
        range_low=range_low,
        range_high=range_high,
        conflict=conflict,
        severity=sev,
        decision_id=decision.id if decision else None,
        excluded=excluded,
    )


# --- Suggestions for the editor ---


SUGGESTION_LABELS = {
    "consensus": "Consensus",
    "latest_official": "Latest official figure",
    "conservative": "Most conservative",
    "widest": "Widest credible range",
}


@dataclass
class Suggestion:
    kind: str  # a key of SUGGESTION_LABELS
    best: int
    low: int
    high: int | None
    reason: str
    claim_ids: list[int]

    @property
    def label(self) -> str:
        return SUGGESTION_LABELS[self.kind]

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "label": self.label,
            "best": self.best,
            "low": self.low,
            "high": self.high,
            "reason": self.reason,
            "claim_ids": self.claim_ids,
        }


def suggest(claims: Sequence[ClaimFacts], category: str) -> list[Suggestion]:
    """Decisions an editor might take, the recommended one first, each with its reason."""
    live, _excluded = live_claims(claims, category)
    if not live:
        return []
    out: list[Suggestion] = []
    agreed = intersect(c.interval for c in live)
    if agreed is not None:
        best = _consensus_best(live, *agreed)
        out.append(
            Suggestion(
                "consensus",
                best,
                agreed[0],
                agreed[1],
                f"All {len(live)} current claims agree on {format_interval(*agreed)}.",
                sorted(c.id for c in live),
            )
        )
    official = [c for c in live if c.grade == "A"]
    if official:
        latest = max(official, key=lambda c: (c.reported_at is not None, c.reported_at, c.id))
        out.append(
            Suggestion(
                "latest_official",
                latest.point,
                latest.low,
                latest.high,
                f"Latest figure from an official source (claim {latest.id}: {latest.wording}).",
                [latest.id],
            )
        )
    lowest = min(live, key=lambda c: (c.point, c.weight_key()))
    out.append(
        Suggestion(
            "conservative",
            lowest.point,
            lowest.point,
            _max_high(c.high for c in live),
            f"Most conservative credible figure (claim {lowest.id}: {lowest.wording}), as ACLED codes fatalities; "
            "the high end is the highest any current claim allows.",
            [lowest.id],
        )
    )
    heaviest = min(live, key=ClaimFacts.weight_key)
    wide_low, wide_high = widest_range(live)
    wide_best = max(heaviest.point, wide_low) if wide_high is None else min(max(heaviest.point, wide_low), wide_high)
    out.append(
        Suggestion(
            "widest",
            wide_best,
            wide_low,
            wide_high,
            f"Widest credible range, lowest to highest reported ({format_interval(wide_low, wide_high)}), "
            f"as Airwars reports; best is the figure of the most trusted claim ({heaviest.id}).",
            sorted(c.id for c in live),
        )
    )
    return out
