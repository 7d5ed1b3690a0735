"""The weapons an article names: model or kind, where made, and how many (this event's count only).

Pure Python; the weapon names come from the gazetteer (``Gazetteer.find_models`` and
``find_generics``)."""

from __future__ import annotations

import re

from extraction.gazetteer import Gazetteer
from extraction.munition_names import CATEGORY_LABELS
from extraction.numbers import NUMBERISH_RE, number_mentions
from extraction.text import Sentence, SentenceGate, ci, required_literals, sentence_of

_c = ci
ORIGIN_RE = _c(
    r"\b(?P<adj>North\s+Korean|DPRK|Iranian|Russian|Chinese|Belarusian)(?:[-\s](?:made|designed|produced|built|"
    r"manufactured|supplied|origin))?\b|\b(?:made|produced|manufactured|built|designed)\s+in\s+(?P<country>North\s+"
    r"Korea|Iran|Russia|China|Belarus|the\s+DPRK|Pyongyang)"
)
MADE_RE = _c(r"[-\s](?:made|designed|produced|built|manufactured)")
COMBINED_AFTER_RE = _c(r"\s+(?:and|or)\s+(?:\w+\s+)?(?:drones?|missiles?|UAVs?|rockets?)")
COUNT_GAP_RE = re.compile(r"\s+(?:[A-Za-z-]+\s+){0,2}")
COUNT_GAP_STOP_RE = re.compile(r"\b(?:of|out|and|in|on|at)\b")
# Only sentences holding one of these strings are searched for an origin.
ORIGIN_NEEDLES = required_literals(ORIGIN_RE)
ORIGINS = {
    "north korean": "North Korea",
    "dprk": "North Korea",
    "north korea": "North Korea",
    "the dprk": "North Korea",
    "pyongyang": "North Korea",
    "iranian": "Iran",
    "iran": "Iran",
    "russian": "Russia",
    "russia": "Russia",
    "chinese": "China",
    "china": "China",
    "belarusian": "Belarus",
    "belarus": "Belarus",
}


def article_munitions(
    gaz: Gazetteer, text: str, low: str, sents: list[Sentence], scopes: list[str], night_sents: frozenset = frozenset()
) -> list[dict]:
    """Per model (or per kind when no model is named): category, origin, this event's count, quote.

    Weapons named only in the night's national counts (``night_sents``) are not this event's."""
    # Only sentences that name an origin are searched for one; a sentence's own search is done once.
    origins = _OriginFinder(low, sents)
    models: dict[str, dict] = {}
    generics: dict[str, dict] = {}
    model_spans = []
    for a, b, rec in gaz.find_models(text):
        si = sentence_of(sents, a)
        model_spans.append((a, b))
        if si in night_sents:
            continue
        entry = models.get(rec.name)
        # Origin and count are looked for only while still unknown (the first found is kept).
        origin = None if entry and entry["origin"] else origins.near(si, a) or rec.origin_country or None
        count = None if entry and entry["count"] else _count_before(low, sents, si, a, b, scopes)
        if entry is None:
            models[rec.name] = {
                "category": CATEGORY_LABELS.get(rec.category, rec.category),
                "category_code": rec.category,
                "model": rec.name,
                "origin": origin,
                "count": count,
                "quote": _quote(text, sents, si, a, b),
                "start": a,
                "end": b,
            }
        else:
            entry["origin"] = entry["origin"] or origin
            entry["count"] = entry["count"] or count
    for a, b, cat in gaz.find_generics(text):
        if any(x < b and a < y for x, y in model_spans):
            continue
        si = sentence_of(sents, a)
        if (si >= 0 and scopes[si] in ("war", "past", "other_place")) or si in night_sents:
            continue
        entry = generics.get(cat)
        origin = None if entry and entry["origin"] else origins.near(si, a)
        count = None if entry and entry["count"] else _count_before(low, sents, si, a, b, scopes)
        if entry is None:
            generics[cat] = {
                "category": CATEGORY_LABELS.get(cat, cat),
                "category_code": cat,
                "model": None,
                "origin": origin,
                "count": count,
                "quote": _quote(text, sents, si, a, b),
                "start": a,
                "end": b,
            }
        else:
            entry["origin"] = entry["origin"] or origin
            entry["count"] = entry["count"] or count
    out = list(models.values())
    model_cats = {m["category_code"] for m in out}
    for cat, g in generics.items():
        if cat in model_cats:
            for m in out:
                if m["category_code"] == cat:
                    m["count"] = m["count"] or g["count"]
                    if g["origin"] and not m["origin"]:
                        m["origin"] = g["origin"]
            continue
        out.append(g)
    specific_missiles = {c for c in model_cats | set(generics) if c.endswith("missile") and c != "missile"}
    if specific_missiles:
        out = [m for m in out if m["category_code"] != "missile"]
    if "artillery" in generics and len(out) > 1:
        out = [m for m in out if m["category_code"] != "artillery"]
    return out


def _quote(text, sents, si, a, b) -> str:
    if si < 0:
        return text[a:b]
    s = sents[si]
    if len(s.text) <= 300:
        return s.text
    lo = max(s.start, a - 120)
    return text[lo : min(s.end, b + 120)].strip()


class _OriginFinder:
    """Origins of the weapons of one article (``_origin_near``, with what does not change cached)."""

    def __init__(self, low: str, sents: list[Sentence]):
        self.low = low
        self.sents = sents
        self.may = SentenceGate(low, sents).candidates(ORIGIN_NEEDLES)
        self.whole: dict[int, str | None] = {}

    def near(self, si: int, a: int) -> str | None:
        if si < 0 or si not in self.may:
            return None
        return _origin_near(self.low, self.sents, si, a, self.whole)


def _origin_near(text, sents, si, a, whole: dict | None = None) -> str | None:
    """The origin written just before a weapon ("North Korean-made"); ``text`` is lower-cased.

    ``whole``: per sentence, the origin the sentence states ("made in Iran"), filled as found."""
    if si < 0:
        return None
    s = sents[si]
    before = text[max(s.start, a - 40) : a]
    found = list(ORIGIN_RE.finditer(before))
    if found:
        m = found[-1]
        # A bare "Russian" names the attacker, not where the weapon was made; "Russian-made" does.
        made = MADE_RE.search(m.group(0))
        adj = (m.group("adj") or "").lower()
        if adj != "russian" or made:
            key = " ".join((m.group("adj") or m.group("country")).lower().split())
            return ORIGINS.get(key)
    if whole is not None and si in whole:
        return whole[si]
    m2 = ORIGIN_RE.search(s.low)
    stated = ORIGINS.get(" ".join(m2.group("country").lower().split())) if m2 and m2.group("country") else None
    if whole is not None:
        whole[si] = stated
    return stated


def _count_before(text, sents, si, a, b, scopes) -> int | None:
    """'two ballistic missiles' -> 2; none for a combined count ('215 missiles and drones') or a wider scope.

    ``text`` is lower-cased."""
    if si < 0 or (scopes is not None and scopes[si] != "event"):
        return None
    s = sents[si]
    if COMBINED_AFTER_RE.match(text, b, b + 30):
        return None
    window = text[max(s.start, a - 40) : a]
    if not NUMBERISH_RE.search(window):  # no digit and no number word: no count (a quick test)
        return None
    nums = number_mentions(window)
    if not nums:
        return None
    n = nums[-1]
    gap = window[n.end :]
    if not COUNT_GAP_RE.fullmatch(gap) or COUNT_GAP_STOP_RE.search(gap):
        return None
    if n.qualifier != "exact" or n.value > 500:
        return None
    return n.value


LAUNCH_RE = re.compile(
    r"launch\w*|fired|firing|sent|unleash\w*|attacked\s+with|запусти\w*|випусти\w*|атакува\w*|застосува\w*|"
    r"выпусти\w*|атаковал\w*|применил\w*"
)
INTERCEPT_RE = re.compile(
    r"shot\s+down|downed|intercept\w*|destroyed|neutrali[sz]ed|збит\w*|збил\w*|знешкоджен\w*|подавлен\w*|"
    r"сбит\w*|сбил\w*|уничтожен\w*|нейтралізован\w*|перехопл\w*"
)


def night_counts(
    gaz: Gazetteer, text: str, low: str, sents: list[Sentence], night_sents: dict[int, str], figures: list
) -> list[dict]:
    """The night's national counts per weapon ("Russia launched 87 drones and two Iskander-M missiles
    overnight ... 64 drones were shot down"): ``launched`` and ``intercepted`` per model or kind,
    each with the sentence it came from. Only sentences in ``night_sents`` are read.

    A count is the number right before the weapon's name; launched or intercepted is the verb
    nearest to it in the sentence. A night-wide figure with no weapon named right before it ("64 of
    them were shot down") counts the weapon named last. ``area`` is "Ukraine" or the oblast."""
    out: dict[str, dict] = {}
    last_key: str | None = None
    by_sentence: dict[int, list] = {}
    for f in figures:
        if f.scope == "nationwide" and f.category in ("launched", "intercepted"):
            by_sentence.setdefault(sentence_of(sents, f.start), []).append(f)
    for si in sorted(night_sents):
        s = sents[si]
        found = [(a, b, rec.name, rec.category) for a, b, rec in gaz.find_models(s.text)]
        taken = [(a, b) for a, b, _n, _c in found]
        model_cats = {c for _a, _b, _n, c in found}
        # "two Iskander-M ballistic missiles": the kind after a model is the model's, not a second weapon.
        found += [
            (a, b, None, cat)
            for a, b, cat in gaz.find_generics(s.text)
            if not any(x < b and a < y for x, y in taken) and cat not in model_cats
        ]
        # The figure rules read the sentence best ("21 out of 23"): their counts first, each given to
        # the weapon named at or after it, else to the weapon named last ("64 of them").
        used = set()
        for f in by_sentence.get(si, ()):
            named = [(a, m, c) for a, _b, m, c in found if s.start + a >= f.start]
            if named:
                _a, model, cat = min(named)
                key = model or cat
            elif last_key is not None:
                key = last_key
                model, cat = out[key]["model"], out[key]["category_code"]
            else:
                key = model = cat = None
            last_key = key
            _night_entry(out, key, model, cat, night_sents[si])
            if out[key][f.category] is None:
                out[key][f.category] = f.value
                out[key][f"{f.category}_quote"] = s.text
                used.add(f.value)
        # Then the counts written right before a weapon's name ("and two Iskander-M missiles").
        for a, b, model, cat in sorted(found):
            count = _count_before(low, sents, si, s.start + a, s.start + b, None)
            if count is None or count in used:
                continue
            verbs = [(m.start(), "launched") for m in LAUNCH_RE.finditer(s.low)]
            verbs += [(m.start(), "intercepted") for m in INTERCEPT_RE.finditer(s.low)]
            if not verbs:
                continue
            kind = min(verbs, key=lambda v: abs(v[0] - a))[1]
            last_key = model or cat
            _night_entry(out, last_key, model, cat, night_sents[si])
            if out[last_key][kind] is None:
                out[last_key][kind] = count
                out[last_key][f"{kind}_quote"] = s.text
    return list(out.values())


def _night_entry(out: dict, key, model, cat, area: str) -> None:
    if key not in out:
        label = CATEGORY_LABELS.get(cat, cat) if cat else None
        out[key] = {"model": model, "category": label, "category_code": cat, "area": area}
        out[key].update({"launched": None, "intercepted": None, "launched_quote": None, "intercepted_quote": None})
