"""Claims: recording, correcting, ranking and withdrawing one source's figure for an attack."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from casualties.choices import Category, ClaimOrigin, ClaimRank, Qualifier
from casualties.models import Claim, PublishedFigure
from casualties.services._common import (
    check_choice,
    editor_applies,
    interval,
    is_public,
    lock_attack,
    whole_number,
)
from casualties.services.figures import figures_refresh, figures_write
from config.history import history_context
from config.roles import can_decide
from strikes.models import Attack
from strikes.services import EditorReviewRequired


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

    ``reported_at`` falls back to the article's publication time, then to now. On a published
    attack a new claim from the pipeline or an analyst is recorded *pending*: it waits for an
    editor (``claim_accept``) before it counts (dataset imports and editors' claims count at once).
    """
    # The rules of the table's constraints are checked here in Python, and the database
    # enforces them again; full_clean's own constraint check would cost a query per
    # constraint on the ingest path, so it is skipped (validate_constraints=False below).
    check_choice("category", category, Category)
    check_choice("qualifier", qualifier, Qualifier)
    check_choice("origin", origin, ClaimOrigin)
    value = whole_number("value", value)
    low, high = interval(value, qualifier, low, high)
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
    with transaction.atomic(), history_context(by, "claim_record"):
        locked = lock_attack(attack)
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
                pending_review=_needs_review(locked, origin, by),
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
    *, attack: Attack, article, figures: Iterable[Mapping], attack_is_new: bool = False, store_grade: bool = True
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

    ``store_grade=False``: the caller stores the attack's grade itself afterwards
    (``grade_refresh``), as the ingest path does once the article is linked; the figures are
    written here all the same (``figures_write``).

    A database error (a constraint the checks here cannot see) is raised as a ValidationError
    and leaves the caller's transaction to be rolled back: the ingest path fails the article.
    """
    reported_at = article.published_at or timezone.now()
    candidates: dict[str, Claim] = {}
    for fig in figures:
        check_choice("category", fig["category"], Category)
        check_choice("qualifier", fig["qualifier"], Qualifier)
        value = whole_number("value", fig["value"])
        low, high = interval(value, fig["qualifier"], None, None)
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
    with transaction.atomic(savepoint=False), history_context(None, "claim_record"):
        existing = set()
        if not attack_is_new:
            pending = _needs_review(lock_attack(attack), ClaimOrigin.EXTRACTED, None)
            for claim in candidates.values():
                claim.pending_review = pending
            existing = set(Claim.objects.filter(attack=attack, article=article).values_list("category", flat=True))
        claims = [claim for category, claim in candidates.items() if category not in existing]
        if claims:
            try:
                Claim.objects.bulk_create(claims)
            except IntegrityError as exc:  # a constraint full_clean could not see
                raise ValidationError(f"These claims could not be recorded: {exc}") from exc
            fields = figures_write(attack.pk, all_claims=claims if attack_is_new else None, store_grade=store_grade)
            for name, value in fields.items():
                setattr(attack, name, value)
    return claims


# Fields an analyst may edit on a claim (rank goes through claim_rank or a decision).
CLAIM_EDITABLE = frozenset(
    {"category", "value", "qualifier", "low", "high", "reported_at", "article", "source_label", "quote"}
    | {"quote_start", "quote_end"}
)


def _needs_review(attack: Attack, origin: str, by) -> bool:
    """A new claim on a published attack waits for an editor when the pipeline extracted it or
    a person other than an editor made it (dataset imports and the system's own commands count)."""
    if not is_public(attack) or origin == ClaimOrigin.IMPORTED:
        return False
    if by is None:
        return origin == ClaimOrigin.EXTRACTED
    return not editor_applies(attack, by)


def _check_may_change(attack: Attack, claim: Claim, by, what: str) -> None:
    """A counted claim of a published attack is changed by editors and the system only (``by=None``:
    dataset re-imports, commands); a pending claim by analysts too."""
    if not claim.pending_review and not (by is None or editor_applies(attack, by)):
        raise EditorReviewRequired(what)


def claim_update(*, claim: Claim, by, **fields) -> Claim:
    """An analyst's correction of a claim; its interval is re-derived unless low/high are given.

    On a published attack only editors correct a counted claim (``EditorReviewRequired``).
    """
    unknown = set(fields) - CLAIM_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be edited here."))
    with transaction.atomic(), history_context(by, "claim_update"):
        attack = lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        _check_may_change(attack, locked, by, "correcting a counted claim")
        if "category" in fields:
            check_choice("category", fields["category"], Category)
        if "qualifier" in fields:
            check_choice("qualifier", fields["qualifier"], Qualifier)
        if "value" in fields:
            whole_number("value", fields["value"])
        for name, value in fields.items():
            setattr(locked, name, value)
        if {"value", "qualifier", "low", "high"} & set(fields):
            locked.low, locked.high = interval(locked.value, locked.qualifier, fields.get("low"), fields.get("high"))
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
    with transaction.atomic(), history_context(by, "claim_withdraw", reason=reason):
        attack = lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        _check_may_change(attack, locked, by, "withdrawing a counted claim")
        if locked.withdrawn_at is None:
            locked.withdrawn_at = timezone.now()
            locked.save(update_fields=["withdrawn_at", "updated_at"])
            figures_refresh(attack=_attack_of(claim))
    _copy_claim(locked, claim)
    return claim


def claim_rank(*, claim: Claim, rank: str, by, reason: str = "") -> Claim:
    """Set a claim's rank (preferred / normal / deprecated) outside a decision; deprecation needs a reason."""
    with transaction.atomic(), history_context(by, "claim_rank"):
        lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if apply_rank(locked, rank, reason):
            figures_refresh(attack=_attack_of(claim))
    _copy_claim(locked, claim)
    return claim


def claim_accept(*, claim: Claim, by) -> Claim:
    """An editor accepts a pending claim: it counts from now on and the figure is recomputed.

    One click only when the claim agrees with the published figure (its interval allows the
    published best, or there is no figure yet); a conflicting claim needs a decision
    (``decision_make`` accepts the figure's pending claims), so it is refused here.
    """
    if not can_decide(by):
        raise PermissionDenied("Only editors accept new sources.")
    with transaction.atomic(), history_context(by, "claim_accept"):
        lock_attack(claim.attack_id)
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.pending_review:
            figure = PublishedFigure.objects.filter(attack_id=locked.attack_id, category=locked.category).first()
            best = figure.best if figure is not None else None
            if best is not None and not (locked.low <= best and (locked.high is None or best <= locked.high)):
                raise ValidationError(
                    {
                        "claim": f"This claim ({locked.value}, {locked.get_qualifier_display().lower()}) does not "
                        f"agree with the published figure ({best}): decide the figure instead."
                    }
                )
            locked.pending_review = False
            locked.save(update_fields=["pending_review", "updated_at"])
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


def normalise_rank(claim_id, spec) -> tuple[str, str]:
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


def apply_rank(claim: Claim, rank: str, reason: str) -> bool:
    """Set rank and reason on a locked claim; True when something changed."""
    rank, reason = normalise_rank(claim.pk, {"rank": rank, "reason": reason})
    if (claim.rank, claim.rank_reason) == (rank, reason):
        return False
    claim.rank, claim.rank_reason = rank, reason
    claim.save(update_fields=["rank", "rank_reason", "updated_at"])
    return True
