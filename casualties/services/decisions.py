"""Editors' decisions: a figure for (attack, category) saved as a new version, or an old one restored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from casualties.choices import Category, ClaimRank
from casualties.models import Claim, Decision
from casualties.services._common import check_choice, lock_attack, whole_number
from casualties.services.claims import apply_rank, normalise_rank
from casualties.services.figures import figures_refresh
from config.history import history_context


class StaleDecision(Exception):
    """Refusal of a decision saved against a version that is no longer current.

    ``current`` is the decision now in force (None if the expected one was removed), so
    the caller can show the editor what the other editor changed.
    """

    def __init__(self, *, current: Decision | None, expected_version: int):
        self.current = current
        self.expected_version = expected_version
        now = current.version if current else 0
        who = getattr(current.decided_by, "username", "someone") if current else "someone"
        super().__init__(
            f"This figure changed while you were editing: you started from version {expected_version}, "
            f"but version {now} (by {who}) is now current."
        )


def _current_decision(attack_id: int, category: str) -> Decision | None:
    return (
        Decision.objects.select_for_update(of=("self",))
        .select_related("decided_by")
        .filter(attack_id=attack_id, category=category, is_current=True)
        .first()
    )


def _check_version(current: Decision | None, expected_version) -> None:
    if expected_version is None:
        return
    if isinstance(expected_version, bool) or not isinstance(expected_version, int):
        raise ValidationError({"expected_version": "Give the version number you edited (0 when there was none)."})
    if (current.version if current else 0) != expected_version:
        raise StaleDecision(current=current, expected_version=expected_version)


def _claim_ids(items: Iterable) -> list[int]:
    ids = []
    for item in items:
        pk = getattr(item, "pk", item)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ValidationError({"claims": f"'{pk}' is not a claim id."}) from None
    return ids


def _new_version(
    *, attack_id, category, best, low, high, rationale, by, source_label, ranks, rests_on, restored_from=None
) -> Decision:
    """Apply claim ranks, retire the current version and write the next one (caller holds the lock)."""
    claims = {c.pk: c for c in Claim.objects.select_for_update().filter(attack_id=attack_id, category=category)}
    unknown = [cid for cid in ranks if cid not in claims]
    unknown += [cid for cid in rests_on or () if cid not in claims]
    if unknown:
        listed = ", ".join(map(str, sorted(set(unknown))))
        raise ValidationError({"claims": f"Claim(s) {listed} are not {category} claims of this attack."})
    for cid, (rank, reason) in ranks.items():
        apply_rank(claims[cid], rank, reason)
    # The editor has seen the figure's new sources: deciding it accepts them.
    for claim in claims.values():
        if claim.pending_review:
            claim.pending_review = False
            claim.save(update_fields=["pending_review", "updated_at"])

    current = _current_decision(attack_id, category)
    last = (
        Decision.objects.filter(attack_id=attack_id, category=category)
        .order_by("-version")
        .values_list("version", flat=True)
    ).first() or 0
    if current is not None:
        current.is_current = False
        current.save(update_fields=["is_current", "updated_at"])
    decision = Decision(
        attack_id=attack_id,
        category=category,
        version=last + 1,
        is_current=True,
        best=best,
        low=low,
        high=high,
        rationale=rationale,
        source_label=source_label or "",
        decided_by=by if by is not None and by.pk else None,
        restored_from=restored_from,
        # The ranks of every claim of the figure as of this version, so a restore restores them.
        claim_ranks={str(c.pk): {"rank": c.rank, "reason": c.rank_reason} for c in claims.values()},
    )
    decision.full_clean(exclude=["attack"])
    decision.save()
    if rests_on is None:
        rests_on = _default_rests_on(list(claims.values()), best, low, high)
    decision.claims.set(rests_on)
    return decision


def _default_rests_on(claims: list[Claim], best: int, low: int, high: int | None) -> list[int]:
    """The claims a decision rests on when the editor does not say: current claims that allow its best figure."""
    usable = [c for c in claims if c.withdrawn_at is None and c.rank != ClaimRank.DEPRECATED]
    preferred = [c.pk for c in usable if c.rank == ClaimRank.PREFERRED]
    if preferred:
        return preferred
    agreeing = [c.pk for c in usable if c.low <= best and (c.high is None or best <= c.high)]
    return agreeing or [c.pk for c in usable]


def decision_make(
    *,
    attack,
    category: str,
    best: int,
    low: int,
    high: int | None,
    rationale: str,
    by,
    claim_ranks: Mapping | None = None,
    rests_on: Iterable | None = None,
    expected_version: int | None = None,
    source_label: str = "",
) -> Decision:
    """Save an editor's figure for (attack, category) as a new version.

    ``expected_version`` is the version the editor started from (0 for none); when another
    version has been saved since, ``StaleDecision`` is raised and nothing is written.
    ``claim_ranks`` maps claim ids to a rank, a ``(rank, reason)`` pair or ``{"rank", "reason"}``.
    """
    check_choice("category", category, Category)
    best = whole_number("best", best)
    low = whole_number("low", low)
    high = whole_number("high", high, allow_none=True)
    if low > best:
        raise ValidationError({"low": "The low end cannot be above the best estimate."})
    if high is not None and high < best:
        raise ValidationError({"high": "The high end cannot be below the best estimate."})
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": "Say why: the rationale is kept with the decision."})
    ranks = {}
    for cid, spec in (claim_ranks or {}).items():
        (claim_id,) = _claim_ids([cid])
        ranks[claim_id] = normalise_rank(claim_id, spec)
    rests = None if rests_on is None else _claim_ids(rests_on)

    with transaction.atomic(), history_context(by, "decision_make"):
        locked = lock_attack(attack)
        _check_version(_current_decision(locked.pk, category), expected_version)
        decision = _new_version(
            attack_id=locked.pk,
            category=category,
            best=best,
            low=low,
            high=high,
            rationale=rationale,
            by=by,
            source_label=source_label,
            ranks=ranks,
            rests_on=rests,
        )
        figures_refresh(attack=attack)
    return decision


def decision_restore(*, decision: Decision, by, expected_version: int | None = None) -> Decision:
    """Restore an earlier version (its figures and its claim ranks) as a new version."""
    with transaction.atomic(), history_context(by, "decision_restore", restored_version=decision.version):
        locked = lock_attack(decision.attack_id)
        current = _current_decision(locked.pk, decision.category)
        _check_version(current, expected_version)
        if current is not None and current.pk == decision.pk:
            raise ValidationError({"decision": f"Version {decision.version} is already the current one."})
        old = Decision.objects.get(pk=decision.pk)
        existing = set(Claim.objects.filter(attack_id=locked.pk, category=old.category).values_list("pk", flat=True))
        # Claims recorded after that version were not ranked by it and keep their rank.
        ranks = {
            int(cid): (spec.get("rank", ClaimRank.NORMAL), spec.get("reason", ""))
            for cid, spec in (old.claim_ranks or {}).items()
            if int(cid) in existing
        }
        restored = _new_version(
            attack_id=locked.pk,
            category=old.category,
            best=old.best,
            low=old.low,
            high=old.high,
            rationale=old.rationale,
            by=by,
            source_label=old.source_label,
            ranks=ranks,
            rests_on=[pk for pk in old.claims.values_list("pk", flat=True) if pk in existing],
            restored_from=old,
        )
        figures_refresh(attack=decision.attack if Decision.attack.is_cached(decision) else locked)
    return restored
