"""Writes for figures: claims, editors' decisions and the published figures derived from them.

Split by topic (``claims``, ``decisions``, ``figures``, ``grades``, ``proposals``); every public name is re-exported
here so callers write ``from casualties.services import claim_record``.
"""

from casualties.services.claims import (
    CLAIM_EDITABLE,
    claim_accept,
    claim_rank,
    claim_record,
    claim_update,
    claim_withdraw,
    claims_record_extracted,
)
from casualties.services.decisions import StaleDecision, decision_make, decision_restore
from casualties.services.figures import FIGURE_FIELDS, claim_facts, decision_facts, figures_derive, figures_refresh
from casualties.services.grades import grade_override, grade_refresh, grades_refresh
from casualties.services.imports import FiguresImport
from casualties.services.proposals import (
    GRADE_FIELDS,
    attack_edit,
    claim_edit,
    claim_withdraw_or_propose,
    proposal_apply,
    proposal_diff,
    proposal_reject,
)
from strikes.services import EditorReviewRequired

__all__ = [
    "CLAIM_EDITABLE",
    "FIGURE_FIELDS",
    "GRADE_FIELDS",
    "EditorReviewRequired",
    "FiguresImport",
    "StaleDecision",
    "attack_edit",
    "claim_accept",
    "claim_edit",
    "claim_facts",
    "claim_rank",
    "claim_record",
    "claim_update",
    "claim_withdraw",
    "claim_withdraw_or_propose",
    "claims_record_extracted",
    "decision_facts",
    "decision_make",
    "decision_restore",
    "figures_derive",
    "figures_refresh",
    "grade_override",
    "grade_refresh",
    "grades_refresh",
    "proposal_apply",
    "proposal_diff",
    "proposal_reject",
]
