"""The munitions a report names, as rows of the Munition table attached to an attack."""

from __future__ import annotations

import re

from linking.services.reference import reference_data
from strikes.models import Attack, AttackMunition, Munition


def _munition_rows(report: dict, known: list[Munition] | None = None) -> list[tuple[Munition, int | None, str]]:
    """(munition, count, quote) per munition the report names; ``known`` is the cached Munition rows."""
    if known is None:
        known = reference_data().munitions
    by_name = {m.name: m for m in known}
    generic: dict[str, list[Munition]] = {}
    for m in known:  # in pk order
        if m.is_generic:
            generic.setdefault(m.category, []).append(m)
    rows = []
    for item in report.get("munitions", []):
        if item.get("model"):
            mun = by_name.get(item.get("model"))
        else:
            mun = _generic_row(generic.get(item.get("category_code")) or [], item)
        if mun is not None and all(mun.pk != r[0].pk for r in rows):
            rows.append((mun, item.get("count"), (item.get("quote") or "")[:2000]))
    return rows


def _generic_row(rows: list[Munition], item: dict) -> Munition | None:
    """The generic row a generic mention means: the most specific name the quote spells exactly.

    Several generic rows share a category ("ballistic missile", "intercontinental ballistic
    missile"): a bare "ballistic missile" must not become the ICBM because that row came last.
    Without an exact phrase, the row named like the category ("ballistic missile") is taken."""
    if not rows:
        return None
    quote = (item.get("quote") or "").casefold()
    best, best_len = None, 0
    for m in rows:
        for phrase in [m.name, *(m.aliases or [])]:
            p = phrase.casefold().strip()
            if len(p) > best_len and re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", quote):
                best, best_len = m, len(p)
    if best is not None:
        return best
    label = (item.get("category") or "").casefold()
    return next((m for m in rows if m.name.casefold() == label), None) or min(rows, key=lambda m: len(m.name))


def attach_munitions(attack: Attack, report: dict, *, new: bool = False, known: list[Munition] | None = None) -> None:
    """Add the report's munitions the attack does not list yet; fill in a count it lacks.

    ``new``: the attack was created in this transaction and lists none yet (one INSERT for all).
    ``known``: the cached Munition rows (read from the table if not given).
    """
    rows = _munition_rows(report, known)
    if not rows:
        return
    existing = {} if new else {am.munition_id: am for am in AttackMunition.objects.filter(attack=attack)}
    missing = [
        AttackMunition(attack=attack, munition=mun, count=count, quote=quote)
        for mun, count, quote in rows
        if mun.pk not in existing
    ]
    if missing:
        # ignore_conflicts: a row another worker added meanwhile stands (as get_or_create did).
        AttackMunition.objects.bulk_create(missing, ignore_conflicts=not new)
    for mun, count, _quote in rows:
        am = existing.get(mun.pk)
        if am is not None and am.count is None and count is not None:
            am.count = count
            am.save(update_fields=["count"])
