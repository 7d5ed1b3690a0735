"""Choices for the casualties app, each enforced by a CheckConstraint."""

from django.db import models


class Category(models.TextChoices):
    KILLED = "killed", "Killed"
    INJURED = "injured", "Injured"
    MISSING = "missing", "Missing"
    CHILDREN_KILLED = "children_killed", "Children killed"
    CHILDREN_INJURED = "children_injured", "Children injured"
    LAUNCHED = "launched", "Weapons launched"
    INTERCEPTED = "intercepted", "Weapons intercepted"


class Qualifier(models.TextChoices):
    EXACT = "exact", "Exactly"
    AT_LEAST = "at_least", "At least"
    MORE_THAN = "more_than", "More than"
    UP_TO = "up_to", "Up to"
    ABOUT = "about", "About"


class ClaimOrigin(models.TextChoices):
    EXTRACTED = "extracted", "Extracted from the text"
    ENTERED = "entered", "Entered by hand"
    IMPORTED = "imported", "Imported from a dataset"


class ClaimRank(models.TextChoices):
    PREFERRED = "preferred", "Preferred"
    NORMAL = "normal", "Normal"
    DEPRECATED = "deprecated", "Deprecated"


class FigureStatus(models.TextChoices):
    """Where a published figure comes from."""

    DECIDED = "decided", "Editor's decision"
    CONSENSUS = "consensus", "Sources agree"
    DISPUTED = "disputed", "Sources disagree"


class ProposalKind(models.TextChoices):
    """What an analyst proposes to change on a published attack."""

    ATTACK_EDIT = "attack_edit", "Edit the attack"
    CLAIM_EDIT = "claim_edit", "Correct a claim"
    CLAIM_WITHDRAW = "claim_withdraw", "Withdraw a claim"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Waiting for an editor"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"
