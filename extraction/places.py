"""Where the strike was: the places an article names, resolved and ranked, the main one first.

The gazetteer finds the names (``Gazetteer.find_places``); here a name with several candidates
is resolved by the other places of the article, and the places are ranked by where and how
often they are named (headline, lead, strike sentences). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from extraction.areas import AREA_RADIUS_KM, distance_km
from extraction.gazetteer import Gazetteer, PlaceRec
from extraction.names import norm_name
from extraction.text import Sentence


@dataclass(slots=True)
class PlaceMention:
    """One place name in the text: its span, the place chosen for it, its sentence, and the other
    settlements of the same name when the text does not say which one it means."""

    start: int
    end: int
    place: PlaceRec
    sentence: int = -1
    others: list[PlaceRec] = field(default_factory=list)


# A settlement this many times bigger than any namesake is the one meant ("Kharkiv" is never a hamlet).
DOMINANT = 10


def resolve_places(gaz: Gazetteer, raw, text: str = "") -> list[PlaceMention]:
    """A name with several candidates takes the one inside a city the article also names, the
    settlement nearest the centre of a raion or hromada the article names (within
    ``AREA_RADIUS_KM``: "Іванівка Синельниківського району"), or the settlement in an oblast
    the article names ("Ivanivka ... Kherson region"). Failing these, a settlement that is not far
    bigger than its namesakes is kept with them (``others``): the report flags it ambiguous
    instead of guessing. A raion or hromada named after several settlements takes the one in an
    oblast the article names, else the biggest."""
    firsts = [c[0] for _, _, c in raw]
    named_oblasts = {p.ref_key for p in firsts if p.kind == "oblast"}
    named_oblasts |= {
        p.oblast_ref for _, _, c in raw if len(c) == 1 and c[0].kind in ("city", *AREA_RADIUS_KM) for p in c
    }
    # Raions and hromadas first: their centres place the namesake villages.
    areas: dict[int, PlaceRec] = {}
    for i, (_a, _b, cands) in enumerate(raw):
        if cands[0].kind in AREA_RADIUS_KM:
            areas[i] = next((c for c in cands if c.oblast_ref in named_oblasts), cands[0])
    out = []
    for i, (a, b, cands) in enumerate(raw):
        chosen = areas.get(i, cands[0])
        others: list[PlaceRec] = []
        if len(cands) > 1 and i not in areas:
            others_named = [p for j, p in enumerate(firsts) if j != i and p.kind in ("city", "oblast")]
            inside = next(
                (c for c in cands if any(gaz._contains(o, c) for o in others_named if o.kind == "city")), None
            )
            towns = [c for c in cands if c.kind == "city"]
            near = _nearest_to_area(gaz, towns, [p for j, p in areas.items() if j != i])
            in_oblast = [c for c in towns if c.oblast_ref in named_oblasts]
            # A settlement called so before one that merely lists the name among its old names.
            written = norm_name(text[a:b])
            in_oblast.sort(key=lambda c: -SequenceMatcher(None, norm_name(c.name), written).ratio())
            if len(in_oblast) > 1 and norm_name(in_oblast[0].name) == written != norm_name(in_oblast[1].name):
                in_oblast = in_oblast[:1]
            if inside is not None:
                chosen = inside
            elif near is not None:
                chosen = near
            elif len(in_oblast) == 1:
                chosen = in_oblast[0]
            elif chosen.kind == "city" and len(towns) > 1:
                rest = max((c.population or 0) for c in towns if c is not chosen)
                if (chosen.population or 0) < DOMINANT * max(rest, 1):
                    pool = in_oblast or towns
                    chosen, others = pool[0], pool[1:]
        out.append(PlaceMention(a, b, chosen, others=others))
    return out


def _nearest_to_area(gaz: Gazetteer, towns: list[PlaceRec], areas: list[PlaceRec]) -> PlaceRec | None:
    """The settlement nearest the centre of one of ``areas`` (raions, hromadas) and inside it."""
    best, best_d = None, None
    for area in areas:
        centre = gaz.area_centre.get(area.ref_key)
        if centre is None:
            continue
        for t in towns:
            if gaz._contains(area, t):
                d = distance_km(centre, t)
                if best_d is None or (d is not None and d < best_d):
                    best, best_d = t, d
    return best


def rank_places(
    gaz: Gazetteer, mentions: list[PlaceMention], sents: list[Sentence], strike_sents: set[int], dateline_end: int = 0
):
    """Score places (districts count for their city): headline and lead mentions, frequency, strike context.

    A place in the dateline ("KYIV, April 24 (Reuters) -") is where the report was filed, not
    where the strike was: it counts as a plain mention, with none of the lead's weight."""
    scores: dict[str, float] = {}
    first_pos: dict[str, int] = {}
    first_body = next((s.index for s in sents if not s.heading), 0)
    # A raion or hromada is the place only when no settlement in it is named: else its mentions
    # count for the first such settlement ("Запорізький район" in the headline, "Малокатеринівка" below).
    named = [m.place for m in mentions if m.place.kind == "city"]
    finer = {
        m.place.ref_key: inner
        for m in mentions
        if m.place.kind in AREA_RADIUS_KM
        and (inner := next((c for c in named if gaz._contains(m.place, c)), None)) is not None
    }
    for m in mentions:
        top = finer.get(m.place.ref_key) or gaz.city_of(m.place)
        if top.kind == "country":
            continue
        w = 1.0
        s = sents[m.sentence] if m.sentence >= 0 and m.start >= dateline_end else None
        if s is not None:
            if s.index == 0 and s.heading:
                w += 3
            elif s.index <= first_body + 1:
                w += 2
            if s.index in strike_sents:
                w += 1
        # A raion or hromada counts less than a settlement in it and more than its oblast.
        w *= {"city": 1.5, "district": 1.2, "hromada": 0.9, "raion": 0.8, "oblast": 0.5}.get(top.kind, 1.0)
        scores[top.ref_key] = scores.get(top.ref_key, 0) + w
        first_pos.setdefault(top.ref_key, m.start)
    return sorted(scores, key=lambda k: (-scores[k], first_pos[k])), scores


def _place_dict(gaz: Gazetteer, p: PlaceRec, mentions: int, first: int, last: int | None = None) -> dict:
    out = {
        "name": p.name,
        "kind": p.kind,
        "oblast": gaz.oblast_name(p),
        "lat": p.latitude,
        "lon": p.longitude,
        "ref_key": p.ref_key,
        "mentions": mentions,
        "start": first,
        "end": last,
    }
    centre = gaz.area_centre.get(p.ref_key)
    if centre is not None:
        # A raion or hromada: placed at its centre's coordinates (its extent is not known).
        out["centre"] = {"ref_key": centre.ref_key, "name": centre.name}
    return out


# --- The extractor ---


def report_places(gaz: Gazetteer, mentions: list[PlaceMention], main: PlaceRec | None, order: list[str]) -> list[dict]:
    """The places for the report: main first, then the rest by score; districts of the main city follow it."""
    places_out = []
    counts: dict[str, list[PlaceMention]] = {}
    for m in mentions:
        counts.setdefault(m.place.ref_key, []).append(m)
    listed: list[str] = []
    if main is not None:
        listed.append(main.ref_key)
        listed += [k for k in counts if k != main.ref_key and gaz.by_ref[k].parent_ref == main.ref_key]
    listed += [k for k in order if k not in listed]
    listed += [k for k in counts if k not in listed and gaz.by_ref[k].kind != "country"]
    for k in listed:
        ms = counts.get(k, [])
        first = ms[0].start if ms else None
        entry = _place_dict(gaz, gaz.by_ref[k], len(ms), first, ms[0].end if ms else None)
        namesakes = next((m.others for m in ms if m.others), [])
        entry["ambiguous"] = bool(namesakes)
        # The other settlements of the same name, in their oblasts: a reviewer picks.
        entry["candidates"] = [{"ref_key": p.ref_key, "name": p.name, "oblast": gaz.oblast_name(p)} for p in namesakes]
        places_out.append(entry)
    return places_out
