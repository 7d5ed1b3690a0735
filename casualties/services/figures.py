"""Published figures: derived from an attack's claims and its editors' current decisions.

The one place the published figure of an attack is computed (``figures_derive``) and
written (``figures_refresh``); every claim and decision service ends by calling it. The
bulk import of new attacks (``imports.FiguresImport``) writes its rows itself, derived by
the same ``figures_derive``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from casualties import reconcile
from casualties.choices import Category, FigureStatus
from casualties.models import Claim, Decision, PublishedFigure
from casualties.services._common import figures_context, lock_attack
from casualties.services.grades import grade_effective
from strikes.models import Attack


def claim_facts(claim: Claim) -> reconcile.ClaimFacts:
    """A claim as the pure reconciliation rules see it (needs ``article__outlet`` loaded)."""
    outlet = claim.article.outlet if claim.article_id and claim.article else None
    if outlet is not None:
        grade, source_key = outlet.grade, f"outlet:{outlet.pk}"
    else:
        grade, source_key = "U", (f"label:{claim.source_label.strip().lower()}" if claim.source_label else "")
    return reconcile.ClaimFacts(
        id=claim.pk,
        value=claim.value,
        qualifier=claim.qualifier,
        low=claim.low,
        high=claim.high,
        reported_at=claim.reported_at,
        rank=claim.rank,
        withdrawn=claim.withdrawn_at is not None,
        pending=claim.pending_review,
        grade=grade,
        source_key=source_key,
    )


def decision_facts(decision: Decision | None) -> reconcile.DecisionFacts | None:
    if decision is None:
        return None
    return reconcile.DecisionFacts(
        id=decision.pk, version=decision.version, best=decision.best, low=decision.low, high=decision.high
    )


FIGURE_FIELDS = ("status", "best", "low", "high", "claim_ids", "conservative", "range_low", "range_high")


def figures_derive(claims: list[Claim], decisions: dict[str, Decision]) -> dict[str, dict]:
    """The published figure per category (its ``PublishedFigure`` field values) for an attack's
    claims and current decisions (by category); categories with nothing to show are left out.

    The one derivation: ``figures_write`` and the bulk import (``imports.FiguresImport``) both call it.
    """
    by_category: dict[str, list[reconcile.ClaimFacts]] = {}
    for claim in claims:
        by_category.setdefault(claim.category, []).append(claim_facts(claim))
    derived = {}
    for category in sorted(set(by_category) | set(decisions)):
        figure = reconcile.reconcile(by_category.get(category, []), category, decision_facts(decisions.get(category)))
        if figure.status is None:
            continue
        values = {name: getattr(figure, name) for name in FIGURE_FIELDS}
        values.update(
            decision_id=figure.decision_id,
            conflict=figure.conflict.to_dict() if figure.conflict else None,
            severity=figure.severity,
        )
        derived[category] = values
    return derived


def attack_figure_fields(derived: dict[str, dict]) -> dict:
    """The attack's denormalised killed/injured/disputed for figures derived by ``figures_derive``."""
    killed, injured = derived.get(Category.KILLED), derived.get(Category.INJURED)
    return {
        "killed_best": killed["best"] if killed else None,
        "injured_best": injured["best"] if injured else None,
        "disputed": any(values["status"] == FigureStatus.DISPUTED for values in derived.values()),
    }


def figures_refresh(*, attack) -> None:
    """Recompute the attack's published figures and its denormalised killed/injured/disputed.

    Called by every claim and decision service; also safe to call on its own (after a merge).
    Always moves ``Attack.updated_at`` so ``updated_since`` clients see figure changes.
    """
    attack_id = getattr(attack, "pk", attack)
    with transaction.atomic(), figures_context():
        lock_attack(attack_id)
        fields = figures_write(attack_id)
    if isinstance(attack, Attack):
        for name, value in fields.items():
            setattr(attack, name, value)


def _figures_read(attack_id: int) -> tuple[list[Claim], dict[str, Decision], dict[str, PublishedFigure]]:
    """The attack's claims (with their article's outlet), current decisions and published figures."""
    # The articles' texts, raw pages and reports are not needed here (only their outlet):
    # loading them made this the slowest read of the ingest path.
    claims = list(
        Claim.objects.filter(attack_id=attack_id)
        .select_related("article__outlet")
        .defer("article__text", "article__raw_body", "article__report")
    )
    decisions = {d.category: d for d in Decision.objects.filter(attack_id=attack_id, is_current=True)}
    existing = {pf.category: pf for pf in PublishedFigure.objects.filter(attack_id=attack_id)}
    return claims, decisions, existing


def figures_write(attack_id: int, *, all_claims: list[Claim] | None = None, store_grade: bool = True) -> dict:
    """figures_refresh's work, for a caller that already holds the attack's lock; returns the attack's new fields.

    ``all_claims``: the attack is new in this transaction and these are all its claims (with
    their article and outlet loaded); it has no decisions or figures yet, so nothing is read back.

    ``store_grade=False``: the caller stores the grade itself once its change is complete
    (``grade_refresh``), so it is neither computed nor written here. The ingest path records an
    article's claims before it links the article: a grade computed here would not yet count the
    article among the attack's sources and would be overwritten a moment later (issue 19: that
    computation, ~4 queries, was a sixth of the queries per ingested article).
    """
    if all_claims is not None:
        claims, decisions, existing = all_claims, {}, {}
    else:
        claims, decisions, existing = _figures_read(attack_id)
    derived = figures_derive(claims, decisions)
    shown: dict[str, PublishedFigure] = {}
    new_rows = []
    for category, values in derived.items():
        row = existing.get(category)
        if row is None:
            row = PublishedFigure(attack_id=attack_id, category=category, **values)
            new_rows.append(row)
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row.save()
        shown[category] = row
    if new_rows:
        # One INSERT for a new attack's figures (the history triggers fire per row all the same).
        PublishedFigure.objects.bulk_create(new_rows)
    stale = [pk for cat, pf in existing.items() if cat not in shown for pk in [pf.pk]]
    if stale:
        PublishedFigure.objects.filter(pk__in=stale).delete()

    fields = {**attack_figure_fields(derived), "updated_at": timezone.now()}
    if store_grade:
        # The grade depends on the figures (an unresolved conflict) and the sources: kept with them.
        attack = Attack.objects.only("occurred_at", "place", "latitude", "longitude", "grade", "status").get(
            pk=attack_id
        )
        attack.disputed = fields["disputed"]
        fields["grade"] = grade_effective(attack)
    Attack.objects.filter(pk=attack_id).update(**fields)
    return fields
