# ruff: noqa: RUF001, RUF002  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""The gazetteer and munition catalogue as the extractor sees them: plain records, fast lookups.

``Gazetteer.from_records(place_records, munition_records)`` takes the same dicts as
``extraction.reference.place_records()`` and ``extraction.reference.MUNITIONS`` (or rows
read from the database), so extraction never needs a database. Building one takes
a few tens of milliseconds; :func:`default_gazetteer` builds it once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from extraction.areas import AREA_ADJ_RE, AREA_RADIUS_KM, CENTRE_ENDINGS, centre_stems, distance_km
from extraction.munition_names import MunitionLookup, MunitionRec
from extraction.names import (
    AREA_NOUNS,
    AREA_QUALIFIERS,
    CAP_TOKEN_START_RE,
    CYRILLIC_ENDINGS,
    GIVEN_NAMES,
    KIND_RANK,
    PERSON_TITLES,
    PLACE_KIND_WORDS,
    REGION_WORDS,
    STOP_NAMES,
    STREET_WORDS,
    TAIL_TOKEN_RE,
    TOKEN_RE,
    cyrillic_lemmas,
    cyrillic_stems,
    is_cyrillic,
    norm_name,
    norm_token,
)

# --- Records ---


@dataclass(slots=True)
class PlaceRec:
    """A gazetteer entry as extraction uses it."""

    ref_key: str
    name: str
    kind: str
    parent_ref: str | None
    oblast_ref: str | None
    latitude: float | None
    longitude: float | None
    population: int | None
    aliases: list[str] = field(default_factory=list)


class Gazetteer(MunitionLookup):
    """Place and munition lookups for the extractor, built from plain records."""

    def __init__(self, places: list[PlaceRec], munitions: list[MunitionRec]):
        self.places = places
        self.by_ref = {p.ref_key: p for p in places}
        self.keys: dict[str, list[int]] = {}
        self.cyr_stems: dict[str, list[int]] = {}
        self.max_ngram = 1
        for idx, p in enumerate(places):
            for name in [p.name, *p.aliases]:
                key = norm_name(name)
                if not key or key in STOP_NAMES or len(key) < 3:
                    continue
                bucket = self.keys.setdefault(key, [])
                if idx not in bucket:
                    bucket.append(idx)
                self.max_ngram = max(self.max_ngram, key.count(" ") + 1)
                if is_cyrillic(key) and " " not in key:
                    for stem in cyrillic_stems(key):
                        sb = self.cyr_stems.setdefault(stem, [])
                        if idx not in sb:
                            sb.append(idx)
        self.max_ngram = min(self.max_ngram, 5)
        # The lengths (in tokens) of the keys that start with each token, longest first: a
        # capitalised word that starts no key is passed over with one dictionary lookup.
        sizes: dict[str, set[int]] = {}
        for key in self.keys:
            parts = key.split(" ")
            if len(parts) <= self.max_ngram:
                sizes.setdefault(parts[0], set()).add(len(parts))
        self.first_sizes = {tok: sorted(v, reverse=True) for tok, v in sizes.items()}
        self.munitions = munitions
        self._chosen: dict[tuple[str, bool], list[PlaceRec]] = {}
        # Raions and hromadas named in texts: made on first mention from their centre settlement.
        self.area_centre: dict[str, PlaceRec] = {}
        self._centres: dict[str, list[PlaceRec]] = {}
        self._city_keys_by3: dict[str, list[str]] | None = None
        self._build_munition_regex()

    @classmethod
    def from_records(cls, place_records, munition_records) -> Gazetteer:
        """A gazetteer from dicts shaped like ``extraction.reference.place_records()`` and ``MUNITIONS``."""
        places = [
            PlaceRec(
                ref_key=str(r.get("ref_key") or r["name"]),
                name=r["name"],
                kind=r.get("kind", "city"),
                parent_ref=r.get("parent_ref"),
                oblast_ref=r.get("oblast_ref"),
                latitude=r.get("latitude"),
                longitude=r.get("longitude"),
                population=r.get("population"),
                aliases=list(r.get("aliases") or []),
            )
            for r in place_records
        ]
        munitions = [
            MunitionRec(
                name=m["name"],
                category=m.get("category", "other"),
                origin_country=m.get("origin_country", "") or "",
                is_generic=bool(m.get("is_generic")),
                aliases=list(m.get("aliases") or []),
                nato_name=m.get("nato_name", "") or "",
            )
            for m in munition_records
        ]
        return cls(places, munitions)

    # --- Places ---

    def oblast_name(self, place: PlaceRec) -> str | None:
        ob = self.by_ref.get(place.oblast_ref or "")
        return ob.name if ob else None

    def city_of(self, place: PlaceRec) -> PlaceRec:
        """The city a district belongs to (the place itself otherwise)."""
        if place.kind == "district" and place.parent_ref in self.by_ref:
            return self.by_ref[place.parent_ref]
        return place

    def related(self, a: PlaceRec, b: PlaceRec) -> bool:
        """True when one place contains the other (or they are the same)."""
        if a.ref_key == b.ref_key:
            return True
        return self._contains(a, b) or self._contains(b, a)

    def _contains(self, outer: PlaceRec, inner: PlaceRec) -> bool:
        if outer.kind == "country":
            return True
        if outer.kind in AREA_RADIUS_KM:
            # The raion's extent is not known: a settlement of its oblast near its centre is in it.
            centre = self.area_centre.get(outer.ref_key)
            if centre is None or inner.kind not in ("city", "district") or inner.oblast_ref != outer.oblast_ref:
                return False
            dist = distance_km(centre, inner)
            return dist is not None and dist <= AREA_RADIUS_KM[outer.kind]
        if outer.kind == "oblast" and inner.oblast_ref == outer.ref_key:
            return True
        ref = inner.parent_ref
        for _ in range(4):
            if not ref:
                return False
            if ref == outer.ref_key:
                return True
            parent = self.by_ref.get(ref)
            ref = parent.parent_ref if parent else None
        return False

    def _stem_lookup(self, key: str) -> list[int]:
        """The fallback for a one-word Cyrillic name whose lemmas are no key: by stem (a village the
        dictionaries lack, whose guessed lemma is wrong)."""
        for cut in (1, 2, 3):
            if len(key) - cut < 3:
                break
            if key[-cut:] in CYRILLIC_ENDINGS:
                hit = self.cyr_stems.get(key[:-cut])
                if hit:
                    return hit
        return self.cyr_stems.get(key) or []

    # --- Raions and hromadas ---

    def area_centres(self, adjective: str) -> list[PlaceRec]:
        """The settlements a raion's or hromada's adjective (a masculine nominative lemma) may be named
        after, biggest first: "синельниківський" -> [Synelnykove], "покровський" -> [Pokrovsk,
        Pokrovske...]. By stem against the settlements' names: the adjective's suffix dropped, the
        і/о/е alternation, the consonant before -цький/-зький restored (Кременчуцький -> Кременчук,
        Запорізький -> Запоріжжя), a fleeting vowel dropped (Роменський -> Ромни)."""
        cached = self._centres.get(adjective)
        if cached is not None:
            return list(cached)
        if self._city_keys_by3 is None:
            by3: dict[str, list[str]] = {}
            for key, idxs in self.keys.items():
                if " " not in key and is_cyrillic(key) and any(self.places[i].kind == "city" for i in idxs):
                    by3.setdefault(key[:3], []).append(key)
            self._city_keys_by3 = by3
        found: dict[str, PlaceRec] = {}
        for stem in centre_stems(adjective):
            for key in self._city_keys_by3.get(stem[:3], ()):
                if key.startswith(stem) and key[len(stem) :] in CENTRE_ENDINGS:
                    for i in self.keys[key]:
                        p = self.places[i]
                        if p.kind == "city":
                            found.setdefault(p.ref_key, p)
        centres = sorted(found.values(), key=lambda p: -(p.population or 0))
        self._centres[adjective] = centres
        return list(centres)

    def area(self, centre: PlaceRec, kind: str) -> PlaceRec:
        """The raion or hromada named after ``centre``: a place of its own (kind "raion" or "hromada",
        ref_key "raion:<centre's ref_key>"), at the centre's coordinates, in the centre's oblast."""
        ref = f"{kind}:{centre.ref_key}"
        rec = self.by_ref.get(ref)
        if rec is None:
            label = "Raion" if kind == "raion" else "hromada"
            rec = PlaceRec(
                ref, f"{centre.name} {label}", kind, centre.oblast_ref, centre.oblast_ref,
                centre.latitude, centre.longitude, None,
            )  # fmt: skip
            self.by_ref[ref] = rec
            self.area_centre[ref] = centre
        return rec

    def _area_at(self, lemmas: tuple[str, ...], normed: list[str], toks: list) -> tuple[int, list[PlaceRec]] | None:
        """ "Синельниківський район", "Покровська міська громада", "Шосткинської ТГ": (tokens used,
        the raions or hromadas, biggest centre first) when the adjective names a settlement."""
        adjectives = [w for w in lemmas if AREA_ADJ_RE.search(w)]
        if not adjectives:
            return None
        j = 1
        while j < len(toks) and j <= 3:
            word = normed[j]
            kind = AREA_NOUNS.get(word)
            if kind is None and is_cyrillic(word):
                forms = cyrillic_lemmas(toks[j].group())
                kind = next((AREA_NOUNS[f] for f in forms if f in AREA_NOUNS), None)
                if kind is None and word not in AREA_QUALIFIERS and not (set(forms) & AREA_QUALIFIERS):
                    return None
            elif kind is None:
                return None
            if kind is not None:
                for adj in adjectives:
                    centres = self.area_centres(adj)
                    if centres:
                        return j + 1, [self.area(c, kind) for c in centres]
                return None
            j += 1
        return None

    def find_places(self, text: str) -> list[tuple[int, int, list[PlaceRec]]]:
        """Every gazetteer mention in ``text``: (start, end, candidates best first), longest match first.

        A Cyrillic name may be in any case: each capitalised Cyrillic word stands for itself and for
        its lemmas (``cyrillic_lemmas``: "Харкові" -> "харків"; "Кривому Розі" -> "кривий ріг"); a
        raion's or hromada's adjective before "район"/"громада" names the raion by its centre; a word
        whose lemmas match nothing is looked up by stem (villages the dictionaries lack)."""
        spaced = text.replace("-", " ")
        # A place name starts at a token whose first letter is a capital: one regex scan finds those
        # (few in news text), and only there are the token and the few after it read.
        out = []
        consumed = 0
        token_at = TOKEN_RE.match
        for cm in CAP_TOKEN_START_RE.finditer(spaced):
            c = cm.start()
            if c < consumed:
                continue
            first = token_at(spaced, c)
            tok = norm_token(first.group())
            cyr = is_cyrillic(tok)
            if cyr:
                alts = (tok, *(w for w in cyrillic_lemmas(first.group()) if w != tok))
                # (size, the first token's form) to try, longest first; a raion needs up to 4 tokens.
                tries = sorted(
                    {(n, a) for a in alts for n in self.first_sizes.get(a, ())}, key=lambda t: (-t[0], alts.index(t[1]))
                )
                need = max([4, *(n + 1 for n, _ in tries)])
            else:
                alts = (tok,)
                tries = [(n, tok) for n in self.first_sizes.get(tok, ())]
                if not tries:
                    continue
                need = tries[0][0] + 1
            # The tokens from here on: as many as the longest key needs, and the one after it.
            toks = [first]
            if need > 1:
                for t in TOKEN_RE.finditer(spaced, first.end()):
                    toks.append(t)
                    if len(toks) >= need:
                        break
            normed = [tok, *(norm_token(t.group()) for t in toks[1:])]
            found = self._match(spaced, toks, normed, tries, cyr)
            if found is None and cyr:
                area = self._area_at(alts, normed, toks)
                if area is not None:
                    size, cands = area
                    out.append((c, toks[size - 1].end(), cands))
                    consumed = toks[size - 1].end()
                    continue
                # One word: the first of its forms that is a key, else its stem.
                keys = [a for a in alts if a in self.keys]
                idxs = [i for a in keys for i in self.keys[a]]
                key = keys[0] if keys else tok
                if not idxs:
                    idxs = self._stem_lookup(tok)
                if idxs:
                    found = self._accept(spaced, toks, normed, 1, key, list(dict.fromkeys(idxs)), "|".join(keys))
            if found is None:
                continue
            start, end, size, cands = found
            out.append((start, end, cands))
            consumed = end
        return out

    def _match(self, spaced, toks, normed, tries, cyr: bool):
        """The longest key that starts at ``toks[0]`` (one of its forms, for Cyrillic words the
        following words' lemmas too) and is accepted: (start, end, tokens, candidates) or None."""
        for size, head in tries:
            if size > len(toks) or (cyr and size == 1):
                continue  # a single Cyrillic word is tried after the raions (``find_places``)
            if size == 1:
                key = head
                idxs = self.keys.get(key)
            else:
                key, idxs = self._multi_key(head, toks, normed, size, cyr)
            if not idxs:
                continue
            found = self._accept(spaced, toks, normed, size, key, idxs, key)
            if found is not None:
                return found
        return None

    def _multi_key(self, head: str, toks, normed, size: int, cyr: bool) -> tuple[str, list[int] | None]:
        key = " ".join([head, *normed[1:size]])
        idxs = self.keys.get(key)
        if idxs or not cyr:
            return key, idxs
        # "Кривому Розі", "Білій Церкві", "Запорізькій області": every word's nominative.
        options = [(head,)]
        for t, n in zip(toks[1:size], normed[1:size], strict=True):
            options.append((n, *cyrillic_lemmas(t.group())) if is_cyrillic(n) else (n,))
        combos = [()]
        for opt in options:
            combos = [(*c, w) for c in combos for w in opt]
            if len(combos) > 64:
                return key, None
        for combo in combos:
            k = " ".join(combo)
            idxs = self.keys.get(k)
            if idxs:
                return k, idxs
        return key, None

    def _accept(self, spaced, toks, normed, size: int, key: str, idxs: list[int], cache_key: str):
        """The mention of ``toks[:size]`` as ``key``, or None when the words around say it is no place."""
        start, end = toks[0].start(), toks[size - 1].end()
        nxt = normed[size] if size < len(toks) else ""
        if nxt in STREET_WORDS:
            return None
        if self._person_name(spaced, toks, normed, size, key):
            return None
        cands = self._choose(idxs, key, region_follows=nxt in REGION_WORDS, cache_key=cache_key)
        if cands and all(_small(p) for p in cands) and not _settlement_cue(spaced, start, end):
            cands = []  # "Атаки", "Pravda": a village's name that is also a word, with no cue
        if not cands:
            return None
        if nxt in REGION_WORDS and cands[0].kind == "oblast":
            end = toks[size].end()
            size += 1
        return start, end, size, cands

    def _person_name(self, spaced: str, toks: list[re.Match], normed: list[str], size: int, key: str) -> bool:
        """True when the name in ``toks[:size]`` is part of a person's name, not the place.

        "President Volodymyr Zelensky", "Mr. X": a title right before it. "Volodymyr Zelensky":
        a given name followed, on the same line, by a capitalised word that starts no place name.
        "Vitaliy Kyiv": any of the common given names right before it (a surname)."""
        c = toks[0].start()
        lo = max(0, c - 40)
        # The previous token counts only when spaces and at most one full stop lie between.
        before = spaced[lo:c].rstrip()
        if before.endswith("."):
            before = before[:-1].rstrip()
        chunk = before.rsplit(None, 1)[-1] if before else ""
        prev = TAIL_TOKEN_RE.search(chunk) if chunk else None
        # (A chunk cut by the 40-character window is a longer word: no title.)
        if prev is not None and not (len(chunk) == len(before) == c - lo and lo > 0):
            word = prev.group()
            p = norm_token(word)
            if word[0].isupper() and (p in PERSON_TITLES or p in GIVEN_NAMES):
                return True
        if key in GIVEN_NAMES and size < len(toks) and toks[size].group()[0].isupper():
            gap = spaced[toks[size - 1].end() : toks[size].start()]
            follower = normed[size]
            if (
                gap.strip(" ") == ""
                and follower not in self.first_sizes
                and follower not in REGION_WORDS
                and follower not in PLACE_KIND_WORDS
            ):
                return True
        return False

    def _choose(self, idxs: list[int], key: str, region_follows: bool, cache_key: str = "") -> list[PlaceRec]:
        # The candidates depend only on the key (``idxs`` is its lookup; ``cache_key`` names the keys
        # a Cyrillic word's forms matched, or its stem) and what follows it: the same names recur
        # in every article, so each is ranked once per gazetteer.
        ck = (cache_key or key, region_follows)
        cached = self._chosen.get(ck)
        if cached is None:
            cached = self._chosen[ck] = self._rank_candidates(idxs, key, region_follows)
        return list(cached)

    def _rank_candidates(self, idxs: list[int], key: str, region_follows: bool) -> list[PlaceRec]:
        cands = [self.places[i] for i in idxs]
        if region_follows:
            # "Kharkiv region", "Dnipropetrovsk regional council": the oblast, not the city.
            for suffix in (" oblast", " region"):
                ob = self.keys.get(key + suffix)
                if ob:
                    obl = [self.places[i] for i in ob if self.places[i].kind == "oblast"]
                    if obl:
                        return obl[:1]
            obl = [p for p in cands if p.kind == "oblast"]
            if obl:
                return obl[:1]
            city = next((p for p in cands if p.kind == "city" and p.oblast_ref in self.by_ref), None)
            if city is not None:
                return [self.by_ref[city.oblast_ref]]
        # A bare name: the most populous city, else a district, else an oblast. The caller
        # may prefer another candidate that fits the rest of the text (a district of a city
        # the article names).
        # A place whose own name is (a spelling of) the key beats one that merely lists it among its aliases,
        # unless the alias holder is far bigger: geonames gives Nikopol the alias "Sloviansk"
        # (and 19 more inhabitants than Sloviansk), but "Kharkov" must stay the city, not a hamlet.
        biggest = max((p.population or 0) for p in cands)

        def own_name(p: PlaceRec) -> bool:
            if len(cands) == 1 or (p.population or 0) * 2 < biggest:
                return False
            name = norm_name(p.name)
            return name == key or SequenceMatcher(None, name, key).ratio() >= 0.75

        cands.sort(
            key=lambda p: (
                KIND_RANK.get(p.kind, 9) != 1,
                not own_name(p),
                -(p.population or 0),
                KIND_RANK.get(p.kind, 9),
            )
        )
        if key.endswith(" district"):
            cands.sort(key=lambda p: p.kind != "district")
        return cands


# Settlements under this size are many (about 5,000), and many are named like common words
# ("Атаки", "Pravda", "Peremoha"): their names count only with a cue that a place is meant.
SMALL_SETTLEMENT = 15_000
_CUE_BEFORE_RE = re.compile(
    r"(?:\b(?:in|at|near|of|into|to|on|from|outside|village|town|settlement|hamlet|attacked|struck|shelled|hit)|"
    r"(?<!\w)(?:у|в|во|по|на|над|біля|під|поблизу|до|із|з|від|село|селі|села|селище|селищі|селища|смт\.?|с\.|м\.|сел\.|"
    r"около|под|возле|из|от|поселок|поселке|деревня|деревне|атакува\w*|обстріля\w*|атаковал\w*|обстреля\w*))\s+$",
    re.IGNORECASE,
)
_CUE_AFTER_RE = re.compile(
    r"^(?:\s+(?:village|town|settlement|hamlet|community|hromada|громад\w*)\b|,\s+(?:[^\W\d_]+\s+){1,2}"
    r"(?:oblast|region|district|raion|області|район\w*|громад\w*|области|района)"
    # "Іванівка Синельниківського району": the raion right after the name.
    r"|\s+[^\W\d_]+(?:ського|цького|зького|ского|цкого|зкого)\s+(?:район\w*|громад\w*))",
    re.IGNORECASE,
)


def _small(p: PlaceRec) -> bool:
    return p.kind == "city" and (p.population or 0) < SMALL_SETTLEMENT


def _settlement_cue(text: str, start: int, end: int) -> bool:
    """A preposition or a settlement word right before the name ("in", "village of", "у", "по", "село"),
    or a settlement word or the oblast or raion right after it ("Malokaterynivka, Zaporizhzhia region")."""
    return bool(_CUE_BEFORE_RE.search(text, max(0, start - 20), start) or _CUE_AFTER_RE.match(text[end : end + 50]))


_DEFAULT: Gazetteer | None = None


def default_gazetteer() -> Gazetteer:
    """The gazetteer from the packaged reference data, built on first use and kept for the process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Gazetteer.from_records(*_reference_records())
    return _DEFAULT


def _reference_records():
    # Imported here so that importing the extractor stays free of Django and of the
    # reference module's start-up cost.
    from extraction.reference import MUNITIONS, place_records

    return place_records(), MUNITIONS
