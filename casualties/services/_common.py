"""What every figure service shares: the per-attack lock, the history context, value checks.

Every service locks the attack row first (``lock_attack``), so all writes to one attack's
figures run one after another (two editors, an analyst and the ingest pipeline cannot
interleave), and writes inside one transaction with a pghistory context naming the author
and the service (``history``).
"""

from __future__ import annotations

import contextlib

import pghistory
import pghistory.runtime
from django.core.exceptions import ValidationError

from casualties import reconcile
from config.roles import can_decide
from strikes.choices import AttackStatus
from strikes.models import Attack


def figures_context():
    """A history context for figures_refresh called on its own; inside a service, the service's own.

    pghistory merges nested contexts' metadata, so opening one here with user=None would
    erase the author recorded by the calling service.
    """
    if getattr(pghistory.runtime._tracker, "value", None) is not None:
        return contextlib.nullcontext()
    return pghistory.context(user=None, service="figures_refresh")


def lock_attack(attack) -> Attack:
    """Lock the attack row: the one lock every figure write on this attack takes first."""
    return Attack.objects.select_for_update().get(pk=getattr(attack, "pk", attack))


def whole_number(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError({name: "Enter a whole number of at least 0."})
    return value


def check_choice(name: str, value, choices) -> None:
    if value not in choices.values:
        raise ValidationError({name: f"'{value}' is not one of: {', '.join(choices.values)}."})


def interval(value: int, qualifier: str, low, high) -> tuple[int, int | None]:
    """low/high as given, each missing side derived from value and qualifier."""
    derived_low, derived_high = reconcile.claim_interval(value, qualifier)
    low = derived_low if low is None else whole_number("low", low)
    high = derived_high if high is None else whole_number("high", high)
    if high is not None and high < low:
        raise ValidationError({"high": "The high end cannot be below the low end."})
    return low, high


def is_public(attack: Attack) -> bool:
    return attack.status == AttackStatus.PUBLISHED


def editor_applies(attack: Attack, by) -> bool:
    """Whether a person's change to the figures of ``attack`` applies at once: always on drafts
    and retracted attacks; on a published one only for editors (the pipeline's claims wait too)."""
    return not is_public(attack) or can_decide(by)
