"""Published figures for many attacks at once, in the shape every representation embeds.

How figures are derived belongs to the claims side (``casualties.selectors``); this is
the one place the strikes API asks for them.
"""

from casualties.choices import Category
from casualties.selectors import MODES, figures_for_attacks

FIGURE_MODES = tuple(MODES)
CATEGORIES = tuple(Category.values)


def figures_for(attack_ids, mode: str = "decided") -> dict[int, dict[str, dict]]:
    """``{attack_id: {category: {best, low, high, status, disputed, claim_ids}}}`` in one query."""
    ids = list(attack_ids)
    if not ids:
        return {}
    return figures_for_attacks(ids, mode=mode)
