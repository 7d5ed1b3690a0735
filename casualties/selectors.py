"""Reads for figures: published figures in any API mode, the editors' queue, suggestions, history;
an attack's evidence grade with its reason and versions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from casualties import reconcile
from casualties.choices import Category, FigureStatus, ProposalStatus
from casualties.grades import Graded
from casualties.models import Claim, Decision, GradeOverride, Proposal, PublishedFigure
from casualties.services.grades import grade_computed, grade_history
from strikes.choices import AttackStatus, EvidenceGrade

MODES = reconcile.MODES


def figures_for_attacks(attack_ids: Iterable[int], mode: str = "decided") -> dict[int, dict[str, dict]]:
    """``{attack_id: {category: {"best", "low", "high", "status", "disputed", "claim_ids"}}}``.

    One query for any number of attacks (the stored ``PublishedFigure`` rows carry every
    mode). Every requested id is a key; an attack without figures maps to ``{}``.
    """
    if mode not in MODES:
        raise ValueError(f"Unknown figures mode {mode!r}; expected one of {', '.join(MODES)}.")
    ids = sorted({int(i) for i in attack_ids})
    out: dict[int, dict[str, dict]] = {i: {} for i in ids}
    if not ids:
        return out
    rows = PublishedFigure.objects.filter(attack_id__in=ids).values_list(
        "attack_id", "category", "status", "best", "low", "high", "claim_ids", "conservative", "range_low", "range_high"
    )
    for attack_id, category, status, best, low, high, claim_ids, conservative, range_low, range_high in rows:
        out[attack_id][category] = reconcile.figure_mode(
            mode,
            status=status,
            best=best,
            low=low,
            high=high,
            claim_ids=claim_ids,
            conservative=conservative,
            range_low=range_low,
            range_high=range_high,
        )
    return out


def conflicts_queue(*, include_drafts: bool = False):
    """Open conflicts: disputed figures with no current decision, most severe first.

    Severity (``reconcile.severity``) weighs the size of the disagreement, the size of the
    toll and the category; among equals the older incident comes first. Retracted attacks
    never appear; drafts only when asked for.
    """
    statuses = [AttackStatus.PUBLISHED] + ([AttackStatus.DRAFT] if include_drafts else [])
    return (
        PublishedFigure.objects.filter(status=FigureStatus.DISPUTED, decision__isnull=True, attack__status__in=statuses)
        .select_related("attack", "attack__place")
        .order_by("-severity", "attack__occurred_at", "attack_id", "category")
    )


def new_sources_queue():
    """Claims waiting for an editor on published attacks (new sources), oldest first."""
    return (
        Claim.objects.filter(pending_review=True, withdrawn_at__isnull=True, attack__status=AttackStatus.PUBLISHED)
        .select_related("attack", "attack__place", "article__outlet", "created_by")
        .order_by("created_at", "id")
    )


def open_proposals():
    """Analysts' proposed changes to published attacks waiting for an editor, oldest first."""
    return (
        Proposal.objects.filter(status=ProposalStatus.OPEN)
        .select_related("attack", "attack__place", "claim", "proposed_by")
        .order_by("created_at", "id")
    )


def agrees_with_figure(claim: Claim, figures: dict) -> bool:
    """Whether a pending claim allows the published best figure of its category (``figures``:
    ``{(attack_id, category): best}``): then accepting it is one click."""
    best = figures.get((claim.attack_id, claim.category))
    return best is None or (claim.low <= best and (claim.high is None or best <= claim.high))


def figure_claims(attack_id: int, category: str) -> list[Claim]:
    """Every claim of one figure, with its article and outlet, oldest report first."""
    return list(
        Claim.objects.filter(attack_id=attack_id, category=category)
        .select_related("article__outlet", "created_by")
        .order_by("reported_at", "id")
    )


@dataclass
class ClaimRow:
    """A claim as the decision page shows it: the claim, and whether it counts and why not."""

    claim: Claim
    counts: bool
    excluded_reason: str = ""
    excluded_by: int | None = None
    interval_text: str = ""


@dataclass
class VersionRow:
    """One version of a decision with what changed from the version before it."""

    decision: Decision
    changes: list[str] = field(default_factory=list)


@dataclass
class FigureReview:
    """Everything the decision page needs for one (attack, category)."""

    attack: object
    category: str
    claims: list[ClaimRow]
    figure: PublishedFigure | None
    suggestions: list[reconcile.Suggestion]
    current: Decision | None
    history: list[VersionRow]

    @property
    def current_version(self) -> int:
        return self.current.version if self.current else 0

    @property
    def category_label(self) -> str:
        return Category(self.category).label


EXCLUSION_TEXT = {
    "withdrawn": "withdrawn by an analyst",
    "pending": "a new source awaiting an editor (accept it, or decide the figure)",
    "deprecated": "deprecated by an editor",
    "correction": "corrected by the same source in claim {by}",
    "rising_toll": "superseded by the later, higher claim {by}",
}


def figure_review(attack, category: str) -> FigureReview:
    """The claims side by side, the published figure, suggestions and the version history."""
    from casualties.services import claim_facts

    claims = figure_claims(attack.pk, category)
    facts = [claim_facts(c) for c in claims]
    _live, excluded = reconcile.live_claims(facts, category)
    why = {e.claim_id: e for e in excluded}
    rows = []
    for claim, fact in zip(claims, facts, strict=True):
        e = why.get(claim.pk)
        rows.append(
            ClaimRow(
                claim=claim,
                counts=e is None,
                excluded_reason=EXCLUSION_TEXT[e.reason].format(by=e.by_claim_id) if e else "",
                excluded_by=e.by_claim_id if e else None,
                interval_text=reconcile.format_interval(fact.low, fact.high),
            )
        )
    versions = list(
        Decision.objects.filter(attack_id=attack.pk, category=category)
        .select_related("decided_by", "restored_from")
        .order_by("-version")
    )
    current = next((d for d in versions if d.is_current), None)
    # Each version next to the one before it (versions are newest first).
    history = [
        VersionRow(d, decision_changes(versions[i + 1] if i + 1 < len(versions) else None, d))
        for i, d in enumerate(versions)
    ]
    return FigureReview(
        attack=attack,
        category=category,
        claims=rows,
        figure=PublishedFigure.objects.filter(attack_id=attack.pk, category=category).first(),
        suggestions=reconcile.suggest(facts, category),
        current=current,
        history=history,
    )


def _fmt(value) -> str:
    return "open-ended" if value is None else str(value)


def decision_changes(before: Decision | None, after: Decision) -> list[str]:
    """What ``after`` changed compared with ``before``, in words an editor reads."""
    out = []
    if before is None:
        out.append(f"First decision: best {after.best}, range {reconcile.format_interval(after.low, after.high)}.")
    else:
        for name in ("best", "low", "high"):
            old, new = getattr(before, name), getattr(after, name)
            if old != new:
                out.append(f"{name}: {_fmt(old)} → {_fmt(new)}")
        if before.rationale != after.rationale:
            out.append("rationale changed")
    # Before the first decision every claim counts as normal unless ranked on its own.
    old_ranks, new_ranks = (before.claim_ranks if before else {}) or {}, after.claim_ranks or {}
    for cid in sorted(set(old_ranks) | set(new_ranks), key=int):
        old = (old_ranks.get(cid) or {}).get("rank", "normal")
        new = (new_ranks.get(cid) or {}).get("rank", "normal")
        if old != new:
            out.append(f"claim {cid}: {old} → {new}")
    if after.restored_from_id:
        out.insert(0, f"Restored version {after.restored_from.version}.")
    return out or ["No change in figures or ranks."]


@dataclass
class GradeReview:
    """An attack's evidence grade as its page shows it: the grade in force and why, what the
    sources alone give, and every version of the editors' grade (newest first)."""

    grade: str
    label: str
    reason: str
    computed: Graded
    override: GradeOverride | None
    history: list[GradeOverride]

    @property
    def computed_label(self) -> str:
        return EvidenceGrade(self.computed.grade).label

    @property
    def version(self) -> int:
        """The current override's version (0: none ever set), for the stale-save check."""
        return self.history[0].version if self.history else 0


def grade_review(attack) -> GradeReview:
    computed = grade_computed(attack)
    history = grade_history(attack.pk)
    override = next((o for o in history if o.is_current), None)
    by_editor = override is not None and bool(override.grade)
    # The stored grade is what the API, the map and the counts use, so the page shows that one.
    grade = attack.grade
    if by_editor:
        reason = override.reason
    elif computed.grade == grade:
        reason = computed.reason
    else:
        # The sources have moved on while the public grade waits (a change on a published attack
        # that an editor has yet to accept, an outlet regraded): say so rather than give a reason
        # that contradicts the badge.
        reason = (
            f"The sources now give “{EvidenceGrade(computed.grade).label}” ({computed.reason}); "
            "the published grade changes when an editor accepts the new figures or re-grades."
        )
    return GradeReview(
        grade=grade,
        label=EvidenceGrade(grade).label,
        reason=reason,
        computed=computed,
        override=override if by_editor else None,
        history=history,
    )
