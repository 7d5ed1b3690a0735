"""Only editors change the public record: an analyst's change to a published attack becomes a proposal.

The pages and the API call ``attack_edit``, ``claim_edit`` and ``claim_withdraw_or_propose``:
on a draft (or for an editor) the change is made at once through the ordinary service; on a
published attack, an analyst's change is stored as a ``Proposal`` holding only what differs
from the record, which an editor applies (the ordinary service runs in the editor's name,
so the history shows who applied it) or rejects with a note. The core services refuse the
direct change (``EditorReviewRequired``), so no other path skips this one.

It lives in the figures app because it reaches both the attack (``strikes.services``) and its
claims (this package): data flows one way, strikes → casualties.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from casualties.choices import ProposalKind, ProposalStatus
from casualties.models import Claim, Proposal
from casualties.services._common import editor_applies, lock_attack
from casualties.services.claims import CLAIM_EDITABLE, claim_update, claim_withdraw
from casualties.services.grades import grade_refresh
from config.history import history_context
from config.roles import can_decide
from strikes import services as attack_services
from strikes.models import Attack, Place, Wave

# Attack fields whose JSON form is an id, and the model it names.
_ATTACK_RELATIONS = {"place": Place, "wave": Wave}
_CLAIM_RELATIONS = {"article"}


def _to_json(value):
    """A field value as JSON: a row as its id, a time as ISO text, a Decimal as a float."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(v) for v in value]
    return value


def _attack_munitions(attack: Attack) -> list[dict]:
    return [
        {"munition": am.munition_id, "count": am.count, "quote": am.quote}
        for am in attack.attack_munitions.order_by("munition_id")
    ]


def _normalised_munitions(munitions) -> list[dict]:
    rows = []
    for item in munitions:
        if isinstance(item, dict):
            rows.append(
                {"munition": _to_json(item["munition"]), "count": item.get("count"), "quote": item.get("quote") or ""}
            )
        elif isinstance(item, (tuple, list)):
            rows.append({"munition": _to_json(item[0]), "count": item[1] if len(item) > 1 else None, "quote": ""})
        else:
            rows.append({"munition": _to_json(item), "count": None, "quote": ""})
    return sorted(rows, key=lambda r: r["munition"])


def _attack_changes(attack: Attack, munitions, fields: dict) -> dict:
    """What the edit changes, in JSON form; munitions compared by id (a form sends no counts:
    a munition kept keeps its count)."""
    changes = {}
    for name, value in fields.items():
        current = getattr(attack, f"{name}_id") if name in _ATTACK_RELATIONS else getattr(attack, name)
        if _to_json(current) != _to_json(value):
            changes[name] = _to_json(value)
    if munitions is not None:
        now = _attack_munitions(attack)
        by_id = {row["munition"]: row for row in now}
        wanted = []
        for row in _normalised_munitions(munitions):
            kept = by_id.get(row["munition"])
            if kept is not None and row["count"] is None and not row["quote"]:
                row = kept
            wanted.append(row)
        if wanted != now:
            changes["munitions"] = wanted
    return changes


def _propose(*, attack: Attack, by, kind: str, changes: dict, claim: Claim | None = None, reason: str = "") -> Proposal:
    proposal = Proposal(
        attack=attack,
        claim=claim,
        kind=kind,
        changes=changes,
        reason=reason,
        proposed_by=by if by is not None and by.pk else None,
    )
    proposal.full_clean(exclude=["attack", "claim"])
    with transaction.atomic(), history_context(by, "proposal_create"):
        proposal.save()
    return proposal


# The attack's fields its evidence grade compares with its sources (casualties.services.grades).
GRADE_FIELDS = frozenset({"place", "occurred_at", "latitude", "longitude"})


def attack_edit(*, attack: Attack, by, munitions=None, **fields) -> Attack | Proposal:
    """Edit an attack: applied at once on a draft or by an editor, else proposed.

    Returns the attack (edited, or as it was when nothing differs), or the ``Proposal`` an
    editor will review (nothing changed yet).
    Unknown fields are refused as ``attack_update`` refuses them.
    """
    if attack_services.editor_applies(attack, by):
        # One history context around both writes: the grade it moves is the editor's change too.
        with transaction.atomic(), history_context(by, "attack_update"):
            edited = attack_services.attack_update(attack=attack, by=by, munitions=munitions, **fields)
            if GRADE_FIELDS & fields.keys():
                grade_refresh(attack=edited)  # a new place or date may agree or disagree with the sources
        return edited
    not_editable = set(fields) - attack_services.EDITABLE_FIELDS
    if not_editable:
        raise ValidationError(dict.fromkeys(sorted(not_editable), "This field cannot be edited."))
    changes = _attack_changes(attack, munitions, fields)
    if not changes:
        return attack  # nothing differs from the record: nothing to propose
    return _propose(attack=attack, by=by, kind=ProposalKind.ATTACK_EDIT, changes=changes)


def claim_edit(*, claim: Claim, by, **fields) -> Claim | Proposal:
    """Correct a claim: at once on a draft, a pending claim or by an editor; else proposed."""
    attack = Attack.objects.get(pk=claim.attack_id)  # its status now, not a cached copy's
    if claim.pending_review or editor_applies(attack, by):
        return claim_update(claim=claim, by=by, **fields)
    unknown = set(fields) - CLAIM_EDITABLE
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be edited here."))
    changes = {}
    for name, value in fields.items():
        current = getattr(claim, f"{name}_id") if name in _CLAIM_RELATIONS else getattr(claim, name)
        if _to_json(current) != _to_json(value):
            changes[name] = _to_json(value)
    if not changes:
        raise ValidationError("Nothing to propose: the claim already says this.")
    return _propose(attack=attack, by=by, kind=ProposalKind.CLAIM_EDIT, changes=changes, claim=claim)


def claim_withdraw_or_propose(*, claim: Claim, by, reason: str) -> Claim | Proposal:
    """Withdraw a claim: at once on a draft, a pending claim or by an editor; else proposed."""
    attack = Attack.objects.get(pk=claim.attack_id)  # its status now, not a cached copy's
    if claim.pending_review or editor_applies(attack, by):
        return claim_withdraw(claim=claim, by=by, reason=reason)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the claim is withdrawn."})
    if claim.withdrawn_at is not None:
        raise ValidationError({"claim": "This claim is already withdrawn."})
    return _propose(attack=attack, by=by, kind=ProposalKind.CLAIM_WITHDRAW, changes={}, claim=claim, reason=reason)


def _attack_kwargs(changes: dict) -> tuple[dict, list | None]:
    fields, munitions = {}, None
    for name, value in changes.items():
        if name == "munitions":
            munitions = [dict(row) for row in value]
        elif name in _ATTACK_RELATIONS:
            fields[name] = None if value is None else _ATTACK_RELATIONS[name].objects.filter(pk=value).first()
            if value is not None and fields[name] is None:
                raise ValidationError({name: f"The proposed {name} no longer exists."})
        elif name == "occurred_at":
            fields[name] = parse_datetime(value)
        else:
            fields[name] = value
    return fields, munitions


def _claim_kwargs(changes: dict) -> dict:
    from sources.models import Article

    fields = {}
    for name, value in changes.items():
        if name == "article":
            fields[name] = None if value is None else Article.objects.filter(pk=value).first()
        elif name == "reported_at":
            fields[name] = parse_datetime(value)
        else:
            fields[name] = value
    return fields


def _open_locked(proposal: Proposal, by) -> Proposal:
    if not can_decide(by):
        raise PermissionDenied("Only editors apply or reject proposed changes.")
    lock_attack(proposal.attack_id)
    locked = Proposal.objects.select_for_update(of=("self",)).select_related("attack", "claim").get(pk=proposal.pk)
    if locked.status != ProposalStatus.OPEN:
        raise ValidationError({"proposal": f"This proposal was already {locked.get_status_display().lower()}."})
    return locked


def proposal_apply(*, proposal: Proposal, by) -> Proposal:
    """An editor applies a proposal: the change is made by the ordinary service, in the editor's name."""
    with transaction.atomic(), history_context(by, "proposal_apply", proposal=proposal.pk):
        locked = _open_locked(proposal, by)
        if locked.kind == ProposalKind.ATTACK_EDIT:
            fields, munitions = _attack_kwargs(locked.changes)
            attack_services.attack_update(attack=locked.attack, by=by, munitions=munitions, **fields)
            grade_refresh(attack=locked.attack)
        elif locked.kind == ProposalKind.CLAIM_EDIT:
            claim_update(claim=locked.claim, by=by, **_claim_kwargs(locked.changes))
        else:
            claim_withdraw(claim=locked.claim, by=by, reason=locked.reason)
        _close(locked, by, ProposalStatus.APPLIED, "")
    return locked


def proposal_reject(*, proposal: Proposal, by, note: str = "") -> Proposal:
    """An editor rejects a proposal; nothing in the record changes, the note is kept with it."""
    with transaction.atomic(), history_context(by, "proposal_reject", proposal=proposal.pk):
        locked = _open_locked(proposal, by)
        _close(locked, by, ProposalStatus.REJECTED, (note or "").strip())
    return locked


def _close(proposal: Proposal, by, status: str, note: str) -> None:
    proposal.status, proposal.decided_by, proposal.decided_at, proposal.decision_note = status, by, timezone.now(), note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])


def _related(name: str, pk):
    from sources.models import Article

    model = _ATTACK_RELATIONS.get(name) or Article
    return None if pk is None else model.objects.filter(pk=pk).first()


def proposal_diff(proposal: Proposal) -> list[dict]:
    """Each proposed change beside the value on record now: ``[{"field", "now", "proposed"}]``."""
    if proposal.kind == ProposalKind.CLAIM_WITHDRAW:
        claim = proposal.claim
        return [{"field": "withdrawn", "now": "no", "proposed": f"yes: {proposal.reason}"}] if claim else []
    target = proposal.attack if proposal.kind == ProposalKind.ATTACK_EDIT else proposal.claim
    rows = []
    for name, value in proposal.changes.items():
        if name == "munitions":
            now = _attack_munitions(target)
        elif name in _ATTACK_RELATIONS or name in _CLAIM_RELATIONS:
            now = str(getattr(target, name) or "none")
            value = str(_related(name, value) or "none")
        else:
            now = _to_json(getattr(target, name))
        rows.append({"field": name, "now": now, "proposed": value})
    return rows
