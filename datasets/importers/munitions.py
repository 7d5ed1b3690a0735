"""Matching weapon names as datasets write them to the munition catalogue, and extending
the catalogue from the nightly dataset's weapons table (``missiles_and_uavs.csv``).

Matching is pure: :class:`MunitionIndex` is built from plain (id, name, aliases) tuples.
A label such as ``X-101/X-555 and Kalibr and Iskander-M/KN-23`` is matched whole first,
then split on " and " (each part again whole first), then each part on "/" with a
shortened second half completed from the first ("Shahed-136/131" → Shahed-136,
Shahed-131). So a catalogue row named "Iskander-M/KN-23" wins over its halves, and a
label naming several weapons links to each of them.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from datasets.importers.common import RowError, RowProblem, Table, blank, clean
from strikes.choices import MunitionCategory

# Splits a label into the weapons it names. " and " is what the nightly dataset uses;
# "+", "&", "," and ";" appear in hand-made files; Ukrainian "ta"/"i" and Russian "i" mean "and".
_AND = re.compile(r"\s+(?:and|\u0442\u0430|\u0456|\u0438)\s+|\s*[+&,;]\s*", re.IGNORECASE)

# Dashes and look-alike letters normalised before comparing names.
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")

# Designations transliterated differently: Cyrillic Kha-101 is written X-101 (the dataset)
# or Kh-101 (English media); Cyrillic Es-300 is C-300 or S-300. (\u0445 and \u0441 are the
# Cyrillic letters themselves, written as escapes so they cannot be mistaken for Latin ones.)
_PREFIX_SWAPS = (("x", "kh"), ("kh", "x"), ("\u0445", "kh"), ("c", "s"), ("s", "c"), ("\u0441", "s"))


def name_key(name: str) -> str:
    """Case, spacing, hyphen and accent-insensitive form of a weapon name."""
    text = unicodedata.normalize("NFKC", name).translate(_DASHES).casefold()
    return re.sub("[\\s\\-._'\u2019\"()]+", "", text)


def name_keys(name: str) -> set[str]:
    """The key of ``name`` plus its transliteration variants (X-101 ~ Kh-101, C-300 ~ S-300)."""
    key = name_key(name)
    keys = {key} if key else set()
    for old, new in _PREFIX_SWAPS:
        if key.startswith(old) and key[len(old) : len(old) + 1].isdigit():
            keys.add(new + key[len(old) :])
    return keys


def slash_parts(text: str) -> list[str]:
    """ "Shahed-136/131" → ["Shahed-136", "Shahed-131"]; "X-101/X-555" → ["X-101", "X-555"]."""
    pieces = [p.strip() for p in text.split("/") if p.strip()]
    if len(pieces) < 2:
        return pieces
    out = [pieces[0]]
    for piece in pieces[1:]:
        # A bare number (or number+letters, "131", "555M") continues the first name's prefix.
        m = re.match(r"^(.*?)(\d[\w]*)$", pieces[0])
        if re.fullmatch(r"\d[\w]*", piece) and m and m.group(1):
            out.append(m.group(1) + piece)
        else:
            out.append(piece)
    return out


@dataclass
class Match:
    """What a label matched: catalogue ids (in order, no repeats) and the parts that matched nothing."""

    ids: list[int] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)

    def add(self, mid: int) -> None:
        if mid not in self.ids:
            self.ids.append(mid)


class MunitionIndex:
    """Look-up of catalogue rows by any spelling of their name or aliases."""

    def __init__(self, rows):
        """``rows``: iterable of (id, name, aliases)."""
        self._by_key: dict[str, int] = {}
        self.names: dict[int, str] = {}
        # Names first, then aliases, so an alias never shadows another row's own name.
        rows = list(rows)
        for mid, name, _aliases in rows:
            self.names[mid] = name
            for key in name_keys(name):
                self._by_key.setdefault(key, mid)
        for mid, _name, aliases in rows:
            for alias in aliases or ():
                for key in name_keys(alias):
                    self._by_key.setdefault(key, mid)

    def lookup(self, name: str) -> int | None:
        for key in name_keys(name):
            if key in self._by_key:
                return self._by_key[key]
        return None

    def match(self, label: str) -> Match:
        """Match a label, whole first, then its " and " parts, then each part's "/" halves."""
        result = Match()
        label = clean(label)
        if not label:
            return result
        whole = self.lookup(label)
        if whole is not None:
            result.add(whole)
            return result
        for part in (p.strip() for p in _AND.split(label)):
            if not part:
                continue
            mid = self.lookup(part)
            if mid is not None:
                result.add(mid)
                continue
            halves = slash_parts(part) if "/" in part else []
            if len(halves) < 2:
                result.unmatched.append(part)
                continue
            for half in halves:
                mid = self.lookup(half)
                if mid is None:
                    result.unmatched.append(half)
                else:
                    result.add(mid)
        return result


# --- The weapons table (missiles_and_uavs.csv) ---

WEAPONS_REQUIRED = frozenset({"model", "category"})

_WORDS_GENERIC = frozenset(
    {"unknown", "unidentified", "reconnaissance", "ballistic", "intercontinental", "cruise", "missile", "missiles"}
    | {"uav", "uavs", "drone", "drones", "aerial", "bomb", "bombs", "guided", "attack"}
)


def weapon_category(category: str, kind: str, model: str) -> str:
    """The weapons table's ``category`` (and ``type``) → our :class:`MunitionCategory`.

    The table calls every Kh- missile a "cruise missile"; its ``type`` column says which
    are air-to-surface, anti-ship or anti-radiation, and that refines the category.
    """
    cat, kind = clean(category).lower(), clean(kind).lower()
    if cat == "uav":
        if "loitering" in kind or "strike" in kind:
            return MunitionCategory.ATTACK_DRONE
        if "reconnaissance" in kind or "istar" in kind or "surveillance" in kind:
            return MunitionCategory.RECON_DRONE
        if "reconnaissance" in model.lower():
            return MunitionCategory.RECON_DRONE
        return MunitionCategory.ATTACK_DRONE
    if cat == "ballistic missile":
        return MunitionCategory.BALLISTIC_MISSILE
    if cat == "cruise missile":
        if "anti-ship" in kind and "land-attack" not in kind:
            return MunitionCategory.ANTI_SHIP_MISSILE
        if "air-to-surface" in kind or "anti-radiation" in kind:
            return MunitionCategory.AIR_TO_SURFACE_MISSILE
        return MunitionCategory.CRUISE_MISSILE
    if cat.startswith("surface-to-air"):
        return MunitionCategory.SURFACE_TO_AIR_MISSILE
    if cat in {"guided bomb", "glide bomb", "guided aerial bomb"}:
        return MunitionCategory.GUIDED_BOMB
    if cat in {"bomb", "aerial bomb", "unguided bomb"}:
        return MunitionCategory.UNGUIDED_BOMB
    if cat in {"rocket", "mlrs"}:
        return MunitionCategory.ROCKET
    if cat in {"artillery", "shell"}:
        return MunitionCategory.ARTILLERY
    if cat in {"drone"}:
        return MunitionCategory.ATTACK_DRONE
    raise RowError(f"category {category!r} is not one we know (UAV, cruise missile, ballistic missile, ...)")


def origin_label(value: str) -> str:
    """ "russia" → "Russia", "russia/north korea" → "Russia, North Korea"."""
    parts = [p.strip() for p in re.split(r"[/;,]| and ", clean(value)) if p.strip()]
    return ", ".join(" ".join(w.capitalize() for w in p.split()) for p in parts)[:100]


def is_generic_name(model: str) -> bool:
    """True for class names ("Unknown UAV", "Ballistic Missile"), not weapon models."""
    words = re.findall(r"\w+", model.lower())
    return bool(words) and all(w in _WORDS_GENERIC for w in words)


@dataclass
class WeaponRecord:
    """One weapon model from the weapons table, in the catalogue's terms."""

    line: int
    name: str
    aliases: list[str]
    category: str
    origin_country: str
    nato_name: str
    is_generic: bool


def weapons_parse(table: Table) -> tuple[list[WeaponRecord], list[str], list[RowProblem]]:
    """Read the weapons table: single models and "A/B" pairs as records; rows naming
    combinations ("X-101/X-555 and Kalibr") are returned separately, since they are not
    catalogue entries (matching links a combination to each of its weapons)."""
    records: list[WeaponRecord] = []
    combinations: list[str] = []
    problems: list[RowProblem] = []
    seen: set[str] = set()
    for line, row in table.rows():
        model = clean(row.get("model"))
        if not model:
            problems.append(RowProblem(line, "model is empty"))
            continue
        if _AND.search(model):
            combinations.append(model)
            continue
        if name_key(model) in seen:
            problems.append(RowProblem(line, f"model {model!r} is listed twice; the first row is used"))
            continue
        seen.add(name_key(model))
        try:
            category = weapon_category(row.get("category", ""), row.get("type", ""), model)
        except RowError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        aliases = []
        for other in (clean(row.get("name")),):
            if other and not (name_keys(other) & name_keys(model)) and not blank(other):
                aliases.append(other[:100])
        records.append(
            WeaponRecord(
                line=line,
                name=model[:100],
                aliases=aliases,
                category=str(category),
                origin_country=origin_label(row.get("national_origin", "")),
                nato_name=clean(row.get("name_nato"))[:100],
                is_generic=is_generic_name(model),
            )
        )
    return records, combinations, problems


def plan_extension(records: list[WeaponRecord], index: MunitionIndex) -> list[tuple[str, WeaponRecord, int | None]]:
    """Decide, for each weapons-table record, what to do with the catalogue (pure).

    Returns (action, record, existing id) with action ``"update"`` (the name already
    matches a catalogue row: add the table's spellings and fill blank fields, never
    change its category), ``"create"`` or ``"split"`` (an "A/B" name whose halves are
    all in the catalogue or the table: no row of its own; matching links both halves).
    """
    singles = MunitionIndex((i, r.name, r.aliases) for i, r in enumerate(records) if "/" not in r.name)
    plan = []
    for record in records:
        existing = index.lookup(record.name)
        if existing is None:
            for alias in record.aliases:
                existing = index.lookup(alias)
                if existing is not None:
                    break
        if existing is not None:
            plan.append(("update", record, existing))
            continue
        halves = slash_parts(record.name) if "/" in record.name else []
        if len(halves) >= 2 and all(index.lookup(h) is not None or singles.lookup(h) is not None for h in halves):
            plan.append(("split", record, None))
            continue
        plan.append(("create", record, None))
    return plan


def unmatched_counter(matches: list[tuple[str, Match]]) -> Counter:
    """value → rows, for the summary; a part of a longer label is shown with its label."""
    out: Counter = Counter()
    for label, match in matches:
        for part in match.unmatched:
            out[part if part == label else f"{part} (in {label!r})"] += 1
    return out


# --- Database side ---


def munition_index_load() -> MunitionIndex:
    """The catalogue as it is in the database now, ready for matching."""
    from strikes.models import Munition

    return MunitionIndex(Munition.objects.values_list("id", "name", "aliases"))


def munitions_extend(*, table: Table) -> dict:
    """Extend the munition catalogue from the nightly dataset's weapons table.

    New models are added with their category (mapped to ours), origin, NATO name and
    other names; models already in the catalogue only gain spellings and blank fields,
    so the reference data's categories stay as they are. Returns counts and problems.
    """
    from django.db import transaction

    from strikes.models import Munition

    records, combinations, problems = weapons_parse(table)
    plan = plan_extension(records, munition_index_load())
    created = updated = split = 0
    with transaction.atomic():
        existing = Munition.objects.in_bulk([mid for action, _r, mid in plan if action == "update"])
        taken = {
            k for m in Munition.objects.values_list("name", "aliases") for n in [m[0], *m[1]] for k in name_keys(n)
        }
        for action, record, mid in plan:
            if action == "split":
                split += 1
                continue
            if action == "create":
                munition = Munition(
                    name=record.name,
                    aliases=[a for a in record.aliases if not (name_keys(a) & taken)],
                    category=record.category,
                    origin_country=record.origin_country,
                    nato_name=record.nato_name,
                    is_generic=record.is_generic,
                )
                munition.full_clean()
                munition.save()
                created += 1
                taken |= name_keys(record.name)
                for alias in munition.aliases:
                    taken |= name_keys(alias)
                continue
            munition = existing[mid]
            changed = []
            own = set().union(*(name_keys(n) for n in [munition.name, *munition.aliases]))
            for spelling in [record.name, *record.aliases]:
                keys = name_keys(spelling)
                if not keys & own and not keys & taken and len(spelling) <= 100:
                    munition.aliases = [*munition.aliases, spelling]
                    own |= keys
                    taken |= keys
                    changed.append("aliases")
            # A generic row (a class, or an "A or B" group) has no single origin by design.
            if not munition.is_generic and not munition.origin_country and record.origin_country:
                munition.origin_country = record.origin_country
                changed.append("origin_country")
            if not munition.is_generic and not munition.nato_name and record.nato_name:
                munition.nato_name = record.nato_name
                changed.append("nato_name")
            if changed:
                munition.full_clean()
                munition.save(update_fields=[*sorted(set(changed)), "updated_at"])
                updated += 1
    return {
        "created": created,
        "updated": updated,
        "split": split,
        "combinations": combinations,
        "problems": problems,
    }
