"""Writes for figures: recording and withdrawing claims, editors' decisions, published figures.

Every service locks the attack row first, so all writes to one attack's figures run one
after another (two editors, an analyst and the ingest pipeline cannot interleave), writes
inside one transaction with a pghistory context naming the author and the service, and
ends by recomputing the attack's published figures (``figures_refresh``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping

import pghistory
import pghistory.runtime
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casualties import reconcile
from casualties.choices import Category, ClaimOrigin, ClaimRank, FigureStatus, Qualifier
from casualties.models import Claim, Decision, PublishedFigure
from strikes.models import Attack


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


# --- Helpers ---


def _history(by, service: str, **extra):
    return pghistory.context(user=by.pk if by else None, service=service, **extra)


def _figures_context():
    """A history context for figures_refresh called on its own; inside a service, the service's own.

    pghistory merges nested contexts' metadata, so opening one here with user=None would
    erase the author recorded by the calling service.
    """
    if getattr(pghistory.runtime._tracker, "value", None) is not None:
        return contextlib.nullcontext()
    return pghistory.context(user=None, service="figures_refresh")


def _lock_attack(attack) -> Attack:
    """Lock the attack row: the one lock every figure write on this attack takes first."""
    return Attack.objects.select_for_update().get(pk=getattr(attack, "pk", attack))


def _whole_number(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({name: "Enter a whole number of at least 0."})
    return value


def _check_choice(name: str, value, choices) -> None:
    if value not in choices.values:
        raise ValidationError({name: f"'{value}' is not one of: {', '.join(choices.values)}."})


def _interval(value: int, qualifier: str, low, high) -> tuple[int, int | None]:
    """low/high as given, each missing side derived from value and qualifier."""
    derived_low, derived_high = reconcile.claim_interval(value, qualifier)
    low = derived_low if low is None else _whole_number("low", low)
    high = derived_high if high is None else _whole_number("high", high)
    if high is not None and high < low:
        raise ValidationError({"high": "The high end cannot be below the low end."})
    return low, high


# --- Claims ---


def claim_record(
    *,
    attack,
    category: str,
    value: int,
    qualifier: str,
    reported_at: dt.datetime | None,
    low: int | None = None,
    high: int | None = None,
    article=None,
    source_label: str = "",
    quote: str = "",
    quote_start: int | None = None,
    quote_end: int | None = None,
    origin: str = ClaimOrigin.ENTERED,
    by=None,
) -> Claim:
    """Record one figure from one source; an extracted figure is updated in place when re-extracted.

    ``reported_at`` falls back to the article's publication time, then to now.
    """
    # The rules of the table's constraints are checked here in Python, and the database
    # enforces them again; full_clean's own constraint check would cost a query per
    # constraint on the ingest path, so it is skipped (validate_constraints=False below).
    _check_choice("category", category, Category)
    _check_choice("qualifier", qualifier, Qualifier)
    _check_choice("origin", origin, ClaimOrigin)
    value = _whole_number("value", value)
    low, high = _interval(value, qualifier, low, high)
    if article is None and not (source_label or "").strip():
        raise ValidationError({"source_label": "A claim needs its source: an article or a source label."})
    if reported_at is None:
        reported_at = (article.published_at if article is not None else None) or timezone.now()
    fields = {
        "value": value,
        "qualifier": qualifier,
        "low": low,
        "high": high,
        "reported_at": reported_at,
        "source_label": source_label or "",
        "quote": quote or "",
        "quote_start": quote_start,
        "quote_end": quote_end,
    }
    with transaction.atomic(), _history(by, "claim_record"):
        locked = _lock_attack(attack)
        claim = None
        if origin == ClaimOrigin.EXTRACTED and article is not None:
            # Idempotent on (attack, article, category): re-extraction corrects, never duplicates.
            claim = (
                Claim.objects.select_for_update()
                .filter(attack=locked, article=article, category=category, origin=ClaimOrigin.EXTRACTED)
                .first()
            )
        if claim is not None:
            changed = [name for name, v in fields.items() if getattr(claim, name) != v]
            if not changed:
                return claim
            for name in changed:
                setattr(claim, name, fields[name])
            claim.full_clean(validate_constraints=False)
            claim.save(update_fields=[*changed, "updated_at"])
        else:
            claim = Claim(
                attack=locked,
                article=article,
                category=category,
                origin=origin,
                created_by=by if by is not None and by.pk else None,
                **fields,
            )
            claim.full_clean(validate_constraints=False)
            try:
                with transaction.atomic():
                    claim.save()
            except IntegrityError as exc:  # a constraint full_clean could not see (a concurrent insert)
                raise ValidationError(f"This claim could not be recorded: {exc}") from exc
        figures_refresh(attack=attack)
    return claim


def claims_record_extracted(
    *, attack: Attack, article, figures: Iterable[Mapping], attack_is_new: bool = False
) -> list[Claim]:
    """Record the figures extracted from one article as claims on ``attack``, in one go.

    The ingest path's form of ``claim_record`` (origin "extracted", no author): one lock of the
    attack, one read of what the article already has, one INSERT and one ``figures_refresh``
    for all of the article's figures, instead of all of that per figure. A category the article
    already has a claim for on this attack (extracted earlier, perhaps corrected by an analyst,
    or entered by hand) is left as it is, so re-processing an article never overwrites or
    doubles a claim. ``figures`` are mappings of ``category``, ``value``, ``qualifier`` and
    optionally ``quote``, ``quote_start``, ``quote_end``. Returns the claims created.

    ``attack_is_new``: the attack was created in the caller's transaction, so no one else can
    see it yet: it needs no lock and has no claims, decisions or figures to read back.

    A database error (a constraint the checks here cannot see) is raised as a ValidationError
    and leaves the caller's transaction to be rolled back: the ingest path fails the article.
    """
    reported_at = article.published_at or timezone.now()
    candidates: dict[str, Claim] = {}
    for fig in figures:
        _check_choice("category", fig["category"], Category)
        _check_choice("qualifier", fig["qualifier"], Qualifier)
        value = _whole_number("value", fig["value"])
        low, high = _interval(value, fig["qualifier"], None, None)
        claim = Claim(
            attack=attack,
            article=article,
            category=fig["category"],
            origin=ClaimOrigin.EXTRACTED,
            value=value,
            qualifier=fig["qualifier"],
            low=low,
            high=high,
            reported_at=reported_at,
            quote=fig.get("quote") or "",
            quote_start=fig.get("quote_start"),
            quote_end=fig.get("quote_end"),
        )
        # The attack and the article are the caller's own rows: their existence checks (a
        # query each, per claim) would tell nothing new. Checked before any write, so a
        # ValidationError here leaves the caller's transaction as it was.
        claim.full_clean(exclude=["attack", "article"], validate_constraints=False)
        candidates.setdefault(claim.category, claim)
    if not candidates:
        return []
    # No savepoint: nothing expected fails inside, and a database error fails the caller's whole
    # transaction (the ingest path then marks the article failed); it saves two round trips.
    with transaction.atomic(savepoint=False), _history(None, "claim_record"):
        existing = set()
        if not attack_is_new:
            _lock_attack(attack)
            existing = set(Claim.objects.filter(attack=attack, article=article).values_list("category", flat=True))
        claims = [claim for category, claim in candidates.items() if category not in existing]
        if claims:
            try:
                Claim.objects.bulk_create(claims)
            except IntegrityError as exc:  # a constraint full_clean could not see
                raise ValidationError(f"These claims could not be recorded: {exc}") from exc
            fields = _figures_write(attack.pk, all_claims=claims if attack_is_new else None)
            for name, value in fields.items():
                setattr(attack, name, value)
    return claims


# Fields an analyst may edit on a claim (rank goes through claim_rank or a decision).
CLAIM_EDITABLE = frozenset(
    {"category", "value", "qualifier", "low", "high", "reported_at", "article", "source_label", "quote"}
    | {"quote_start", "quote_end"}
)


def claim_update(*, claim: Claim, by, **fields) -> Claim:
    """An analyst's correction of a claim; its interval is re-derived unless low/high are given."""
    unknown = set(fields) - CLAIM_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be edited here."))
    with transaction.atomic(), _history(by, "claim_update"):
        _lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if "category" in fields:
            _check_choice("category", fields["category"], Category)
        if "qualifier" in fields:
            _check_choice("qualifier", fields["qualifier"], Qualifier)
        if "value" in fields:
            _whole_number("value", fields["value"])
        for name, value in fields.items():
            setattr(locked, name, value)
        if {"value", "qualifier", "low", "high"} & set(fields):
            locked.low, locked.high = _interval(locked.value, locked.qualifier, fields.get("low"), fields.get("high"))
        if locked.article_id is None and not locked.source_label.strip():
            raise ValidationError({"source_label": "A claim needs its source: an article or a source label."})
        locked.full_clean(validate_constraints=False)
        locked.save()
        figures_refresh(attack=_attack_of(claim))
    _copy_claim(locked, claim)
    return claim


def claim_withdraw(*, claim: Claim, by, reason: str) -> Claim:
    """Withdraw a claim (kept, never deleted); the reason is recorded in the history context."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claim is withdrawn."})
    with transaction.atomic(), _history(by, "claim_withdraw", reason=reason):
        _lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.withdrawn_at is None:
            locked.withdrawn_at = timezone.now()
            locked.save(update_fields=["withdrawn_at", "updated_at"])
            figures_refresh(attack=_attack_of(claim))
    _copy_claim(locked, claim)
    return claim


def claim_rank(*, claim: Claim, rank: str, by, reason: str = "") -> Claim:
    """Set a claim's rank (preferred / normal / deprecated) outside a decision; deprecation needs a reason."""
    with transaction.atomic(), _history(by, "claim_rank"):
        _lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if _apply_rank(locked, rank, reason):
            figures_refresh(attack=_attack_of(claim))
    _copy_claim(locked, claim)
    return claim


def _attack_of(claim: Claim):
    """The caller's attack object when the claim has one loaded (so it sees the new figures), else the id."""
    return claim.attack if Claim.attack.is_cached(claim) else claim.attack_id


def _copy_claim(source: Claim, target: Claim) -> None:
    if source is not target:
        for f in Claim._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


def _normalise_rank(claim_id, spec) -> tuple[str, str]:
    if isinstance(spec, str):
        rank, reason = spec, ""
    elif isinstance(spec, Mapping):
        rank, reason = spec.get("rank"), spec.get("reason") or ""
    elif isinstance(spec, (tuple, list)) and len(spec) in (1, 2):
        rank, reason = spec[0], spec[1] if len(spec) == 2 else ""
    else:
        raise ValidationError({"claim_ranks": f"Claim {claim_id}: give a rank and, for deprecation, a reason."})
    if rank not in ClaimRank.values:
        raise ValidationError(
            {"claim_ranks": f"Claim {claim_id}: '{rank}' is not one of {', '.join(ClaimRank.values)}."}
        )
    reason = (reason or "").strip()
    if rank == ClaimRank.DEPRECATED and not reason:
        raise ValidationError({"claim_ranks": f"Claim {claim_id}: say why it is deprecated."})
    return rank, reason if rank == ClaimRank.DEPRECATED or reason else ""


def _apply_rank(claim: Claim, rank: str, reason: str) -> bool:
    """Set rank and reason on a locked claim; True when something changed."""
    rank, reason = _normalise_rank(claim.pk, {"rank": rank, "reason": reason})
    if (claim.rank, claim.rank_reason) == (rank, reason):
        return False
    claim.rank, claim.rank_reason = rank, reason
    claim.save(update_fields=["rank", "rank_reason", "updated_at"])
    return True


# --- Decisions ---


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
        _apply_rank(claims[cid], rank, reason)

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
    _check_choice("category", category, Category)
    best = _whole_number("best", best)
    low = _whole_number("low", low)
    high = _whole_number("high", high, allow_none=True)
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
        ranks[claim_id] = _normalise_rank(claim_id, spec)
    rests = None if rests_on is None else _claim_ids(rests_on)

    with transaction.atomic(), _history(by, "decision_make"):
        locked = _lock_attack(attack)
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
    with transaction.atomic(), _history(by, "decision_restore", restored_version=decision.version):
        locked = _lock_attack(decision.attack_id)
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


# --- Published figures ---


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


def figures_refresh(*, attack) -> None:
    """Recompute the attack's published figures and its denormalised killed/injured/disputed.

    Called by every claim and decision service; also safe to call on its own (after a merge).
    Always moves ``Attack.updated_at`` so ``updated_since`` clients see figure changes.
    """
    attack_id = getattr(attack, "pk", attack)
    with transaction.atomic(), _figures_context():
        _lock_attack(attack_id)
        fields = _figures_write(attack_id)
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


def _figures_write(attack_id: int, *, all_claims: list[Claim] | None = None) -> dict:
    """figures_refresh's work, for a caller that already holds the attack's lock; returns the attack's new fields.

    ``all_claims``: the attack is new in this transaction and these are all its claims (with
    their article and outlet loaded); it has no decisions or figures yet, so nothing is read back.
    """
    if all_claims is not None:
        claims, decisions, existing = all_claims, {}, {}
    else:
        claims, decisions, existing = _figures_read(attack_id)
    by_category: dict[str, list[reconcile.ClaimFacts]] = {}
    for claim in claims:
        by_category.setdefault(claim.category, []).append(claim_facts(claim))

    shown: dict[str, PublishedFigure] = {}
    new_rows = []
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

    killed, injured = shown.get(Category.KILLED), shown.get(Category.INJURED)
    fields = {
        "killed_best": killed.best if killed else None,
        "injured_best": injured.best if injured else None,
        "disputed": any(pf.status == FigureStatus.DISPUTED for pf in shown.values()),
        "updated_at": timezone.now(),
    }
    Attack.objects.filter(pk=attack_id).update(**fields)
    return fields
