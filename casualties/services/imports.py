"""Figures of newly imported attacks, written in bulk: claims, version-1 decisions, published figures.

A first dataset import creates thousands of attacks; recording each figure through
``claim_record`` and ``decision_make`` costs some forty queries per event (each locks the
attack and recomputes its figures), far too slow for a whole dataset. A new attack has no
other claims, no decision and no editor yet, so the rows those services would write are
fully determined: version 1 of each decision, resting on the dataset's claims, with the
claims' ranks as they are. The published figures are derived by ``figures_derive`` (the
same function ``figures_refresh`` uses), so the two cannot drift; a test checks that
``figures_refresh`` finds nothing to change afterwards. The pghistory triggers record every
row with the caller's history context.

Attacks already in the database are not handled here: their figures go through
``claim_record`` / ``decision_make``, which lock the attack and keep versions.
"""

from __future__ import annotations

from typing import Protocol

from casualties import grades
from casualties.choices import ClaimOrigin
from casualties.models import Claim, Decision, PublishedFigure
from casualties.services.figures import attack_figure_fields, figures_derive


class ImportedClaim(Protocol):
    """A dataset's figure for an event (e.g. ``datasets.importers.attacks.FigureRecord``)."""

    category: str
    value: int
    low: int
    high: int | None
    qualifier: str
    source_label: str
    reported_at: object


class ImportedDecision(Protocol):
    """A figure the dataset has already decided (UCDP's best/low/high)."""

    category: str
    best: int
    low: int
    high: int | None
    rationale: str
    source_label: str


class FiguresImport:
    """The figures of a batch of new attacks, written in bulk in two steps.

    :meth:`add` (before the attacks are inserted) builds each attack's claims and decisions
    and sets its ``killed_best`` / ``injured_best`` / ``disputed``, so the attack row is
    inserted complete, with one history entry; :meth:`save` (after the attacks have ids)
    writes the claims, decisions, their links and the published figures, a few queries for
    the whole batch.
    """

    def __init__(self, *, by):
        self.user = by if by is not None and by.pk else None
        self.entries: list[tuple[object, dict[str, list[Claim]], dict[str, Decision]]] = []
        self._provisional = 0

    def add(self, attack, claims: list[ImportedClaim], decisions: list[ImportedDecision]) -> None:
        """Validate the new attack's figures and set its denormalised figure fields (nothing written yet)."""
        by_category: dict[str, list[Claim]] = {}
        for figure in claims:
            claim = Claim(
                category=figure.category,
                value=figure.value,
                low=figure.low,
                high=figure.high,
                qualifier=figure.qualifier,
                reported_at=figure.reported_at,
                source_label=figure.source_label,
                origin=ClaimOrigin.IMPORTED,
                created_by=self.user,
            )
            claim.clean_fields(exclude=["attack", "article", "created_by"])
            self._provisional -= 1
            claim.pk = self._provisional  # stands in for the id until the row is inserted
            by_category.setdefault(figure.category, []).append(claim)
        current: dict[str, Decision] = {}
        for d in decisions:
            decision = Decision(
                category=d.category,
                version=1,
                is_current=True,
                best=d.best,
                low=d.low,
                high=d.high,
                rationale=d.rationale,
                source_label=d.source_label,
                decided_by=None,  # the dataset's decision, as decision_make(by=None) records it
            )
            decision.clean_fields(exclude=["attack", "decided_by", "restored_from"])
            self._provisional -= 1
            decision.pk = self._provisional
            current[d.category] = decision
        derived = figures_derive(_all(by_category), current)
        for name, value in attack_figure_fields(derived).items():
            setattr(attack, name, value)
        # A new imported attack has no articles: its sources are its claims' labels (the dataset).
        labels = [grades.label_source(c.source_label) for c in _all(by_category) if c.source_label.strip()]
        attack.grade = grades.grade_of(labels, figures_disputed=attack.disputed).grade
        self.entries.append((attack, by_category, current))

    def save(self) -> None:
        """Write the rows, once every attack given to :meth:`add` has been inserted."""
        rows = []
        for attack, by_category, _current in self.entries:
            for claim in _all(by_category):
                claim.pk = None
                claim.attack = attack
                rows.append(claim)
        Claim.objects.bulk_create(rows)
        decisions = []
        for attack, by_category, current in self.entries:
            for category, decision in current.items():
                decision.pk = None
                decision.attack = attack
                group = by_category.get(category, [])
                decision.claim_ranks = {str(c.pk): {"rank": c.rank, "reason": c.rank_reason} for c in group}
                decisions.append(decision)
        Decision.objects.bulk_create(decisions)
        Through = Decision.claims.through
        Through.objects.bulk_create(
            [
                Through(decision_id=d.pk, claim_id=c.pk)
                for _attack, by_category, current in self.entries
                for category, d in current.items()
                for c in by_category.get(category, [])
            ]
        )
        # Derived again now that the claims and decisions have their ids (the figures name them).
        figures = [
            PublishedFigure(attack_id=attack.pk, category=category, **values)
            for attack, by_category, current in self.entries
            for category, values in figures_derive(_all(by_category), current).items()
        ]
        PublishedFigure.objects.bulk_create(figures)


def _all(by_category: dict[str, list[Claim]]) -> list[Claim]:
    return [claim for group in by_category.values() for claim in group]
