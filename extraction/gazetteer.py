# ruff: noqa: RUF001, RUF002, RUF003  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""The gazetteer and munition catalogue as the extractor sees them: plain records, fast lookups.

``Gazetteer.from_records(place_records, munition_records)`` takes the same dicts as
``extraction.reference.place_records()`` and ``extraction.reference.MUNITIONS`` (or rows
read from the database), so extraction never needs a database. Building one takes
a few tens of milliseconds; :func:`default_gazetteer` builds it once per process.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache

from extraction.text import ci, dispatch, lower_same_length

# --- Normalisation shared by names and text tokens ---


def _ranges(codes):
    """Consecutive runs of integers as (first, last) pairs."""
    out = []
    for i in codes:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return [tuple(r) for r in out]


_APOSTROPHES = "'’ʼ`‘"
_SKY_RE = re.compile(r"(?<=sk)(?:yi|iy|yy|yj|ij|ii|i|y)$")
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
TOKEN_CHAR_RE = re.compile(r"[^\W\d_]")
# The start of a ``TOKEN_RE`` token whose first letter is a capital: not after a letter, nor after an
# apostrophe that joins letters. The capital comes first so that the engine scans for it fast.
_UPPER = "".join(
    f"{re.escape(chr(a))}-{re.escape(chr(b))}" if b > a else re.escape(chr(a))
    for a, b in _ranges(i for i in range(0x10000) if chr(i).isupper() and TOKEN_CHAR_RE.match(chr(i)))
)
CAP_TOKEN_START_RE = re.compile(rf"[{_UPPER}](?<![^\W\d_].)(?<![^\W\d_]['’ʼ].)", re.DOTALL)
# The token that ends a string.
TAIL_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*$")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")

# English words that are also names (or aliases) of Ukrainian places: never matched.
STOP_NAMES = frozenset(
    {
        "human",
        "bar",
        "mena",
        "snow",
        "orange",
        "rome",
        "sokal",
        "ukraine",
        "ukraina",
        "russia",
        "city",
        "lucky",
        "boyar",
        "star",
        "nova",
        "novo",
        "may",
        "gold",
        "mariy",
        "hola",
        "vita",
        "lutsk region",
    }
)

CYRILLIC_ENDINGS = (
    "а",
    "я",
    "у",
    "ю",
    "і",
    "ї",
    "е",
    "є",
    "и",
    "ы",
    "ом",
    "ем",
    "ой",
    "ей",
    "ою",
    "ею",
    "ові",
    "еві",
    "ах",
    "ях",
    "ам",
    "ям",
)
_CYR_VOWEL_END = "аяоеєиіїьйуюы"


@lru_cache(maxsize=50_000)
def norm_token(token: str) -> str:
    """Lower case, Latin accents removed, possessive and apostrophes dropped, -skyi/-sky unified."""
    t = token.lower()
    for a in _APOSTROPHES:
        if t.endswith(a + "s"):
            t = t[:-2]
            break
    out = []
    for ch in t:
        if ch in _APOSTROPHES:
            continue
        if ord(ch) < 0x0400 and not ch.isascii():
            ch = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(ch)
    t = "".join(out)
    return _SKY_RE.sub("y", t)


def norm_name(name: str) -> str:
    """A place or munition name as a lookup key: its normalised tokens joined by spaces."""
    return " ".join(norm_token(t) for t in TOKEN_RE.findall(name.replace("-", " ")))


def is_cyrillic(s: str) -> bool:
    return not s.isascii() and _CYRILLIC_RE.search(s) is not None


def cyrillic_stems(word: str) -> set[str]:
    """Stems of a one-word Cyrillic name, with the і/о/е alternation (Київ -> Києв-і, Харків -> Харков-а)."""
    stem = word[:-1] if word[-1] in _CYR_VOWEL_END else word
    stems = {stem}
    tail_start = max(0, len(stem) - 3)
    for i in range(len(stem) - 1, tail_start - 1, -1):
        if stem[i] in "іїо":
            for repl in ("е", "є", "о", "і"):
                stems.add(stem[:i] + repl + stem[i + 1 :])
            break
    return {s for s in stems if len(s) >= 3}


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


@dataclass(slots=True)
class MunitionRec:
    """A munition catalogue entry (a model, or a generic class when ``is_generic``)."""

    name: str
    category: str
    origin_country: str
    is_generic: bool
    aliases: list[str] = field(default_factory=list)
    nato_name: str = ""


# A place name right after one of these is part of a person's name or title ("President
# Volodymyr Zelensky", "Mr. Kyiv"... ), not a place.
PERSON_TITLES = frozenset(
    {"president", "mr", "mrs", "ms", "miss", "dr", "sir", "madam", "minister", "premier", "chancellor", "pope"}
    | {"general", "gen", "colonel", "col", "lieutenant", "lt", "sergeant", "sgt", "captain", "capt"}
    | {"commander", "senator", "sen", "patriarch", "metropolitan"}
)
# Given names that are also place names (Volodymyr-Volynskyi was renamed Volodymyr in 2021), in the
# spellings news use; with other common given names, a place name right after one is a surname.
GIVEN_NAMES = frozenset(
    {"volodymyr", "vladimir", "wladimir", "oleksandr", "oleksiy", "oleksii", "andriy", "andrii", "dmytro"}
    | {"serhiy", "serhii", "mykola", "ivan", "yuriy", "yurii", "vitaliy", "vitalii", "vitali", "vadym", "ihor"}
    | {"oleh", "petro", "pavlo", "bohdan", "taras", "denys", "maksym", "vasyl", "viktor", "yevhen", "ruslan"}
    | {"kyrylo", "olena", "iryna", "natalia", "tetiana", "yulia", "svitlana", "oksana", "olha", "kateryna"}
    | {"mykhailo", "yaroslav", "hryhoriy", "stepan", "fedir", "anatoliy", "valeriy", "dmitry", "sergei"}
    | {"sergey", "mikhail", "alexander", "alexei", "yuri", "boris", "nikolai"}
)

KIND_RANK = {"district": 0, "city": 1, "raion": 2, "oblast": 3, "country": 4}
# "Shevchenko Street", "Peremohy Avenue": a name followed by one of these is an address, not a place.
STREET_WORDS = frozenset(
    {"street", "st", "str", "avenue", "ave", "boulevard", "blvd", "square", "lane", "prospekt", "prospect", "road"}
    | {"highway", "embankment", "alley", "passage", "vulytsia", "vul", "provulok"}
)
PLACE_KIND_WORDS = frozenset({"raion", "district", "city", "hromada", "community", "council", "town", "village"})
REGION_WORDS = frozenset({"region", "oblast", "province", "regional", "oblasts", "regions", "область", "области"})

# Generic weapon classes written in news text, with the catalogue category they mean. Each entry
# starts with a letter and they are tried in this order (the first that matches at a place wins):
# the engine then checks each entry's first letter before trying it, which makes the scan twice as fast.
_DRONE = r"(?:drones?|UAVs?|unmanned\s+aerial\s+vehicles?)"
GENERIC_PATTERNS: list[tuple[str, str]] = [
    (r"ballistic\s+missiles?", "ballistic_missile"),
    (r"ballistic", "ballistic_missile"),
    (r"cruise\s+missiles?", "cruise_missile"),
    (r"guided\s+air[-\s]to[-\s]surface\s+missiles?", "air_to_surface_missile"),
    (r"air[-\s]to[-\s]surface\s+missiles?", "air_to_surface_missile"),
    (r"air[-\s]launched\s+missiles?", "air_to_surface_missile"),
    (r"anti[-\s]ship\s+missiles?", "anti_ship_missile"),
    (r"surface[-\s]to[-\s]air\s+missiles?", "surface_to_air_missile"),
    (r"ground[-\s]to[-\s]air\s+missiles?", "surface_to_air_missile"),
    (r"air[-\s]defen[cs]e\s+missiles?", "surface_to_air_missile"),
    (r"guided\s+(?:aerial\s+|air\s+)?bombs?", "guided_bomb"),
    (r"glide\s+bombs?", "guided_bomb"),
    (r"gliding\s+bombs?", "guided_bomb"),
    (r"aerial\s+guided\s+bombs?", "guided_bomb"),
    (r"KABs?", "guided_bomb"),
    (r"UMPKs?", "guided_bomb"),
    (r"aerial\s+bombs?", "unguided_bomb"),
    (r"unguided\s+bombs?", "unguided_bomb"),
    (r"air\s+bombs?", "unguided_bomb"),
    *(
        (rf"{kind}\s+{_DRONE}", "attack_drone")
        for kind in (
            "attack",
            "kamikaze",
            "strike",
            "loitering",
            "suicide",
            r"one[-\s]way(?:\s+attack)?",
            r"Shahed[-\s]type",
            r"Iranian[-\s]made",
        )
    ),
    (r"drones?", "attack_drone"),
    (r"UAVs?", "attack_drone"),
    (r"unmanned\s+aerial\s+vehicles?", "attack_drone"),
    (r"multiple\s+launch\s+rocket\s+(?:launchers?|systems?)", "rocket"),
    (r"rocket\s+(?:launchers?|systems?)", "rocket"),
    (r"MLRS", "rocket"),
    (r"rockets?", "rocket"),
    (r"artillery\s+shells?", "artillery"),
    (r"shelling", "artillery"),
    (r"artillery", "artillery"),
    (r"missiles?", "missile"),
]

CATEGORY_LABELS = {
    "ballistic_missile": "ballistic missile",
    "cruise_missile": "cruise missile",
    "air_to_surface_missile": "air-to-surface missile",
    "anti_ship_missile": "anti-ship missile",
    "surface_to_air_missile": "surface-to-air missile",
    "attack_drone": "drone",
    "recon_drone": "reconnaissance drone",
    "guided_bomb": "guided bomb",
    "unguided_bomb": "unguided bomb",
    "rocket": "rocket",
    "artillery": "artillery",
    "missile": "missile",
    "other": "other",
}


MUN_TOKEN_RE = re.compile(r"[^\W_]+")
MUN_JOINERS = frozenset({"-", " ", "‐", "–", "", "‑"})
MUN_RUN_RE = re.compile(r"[^\W_]+(?:[-\s‐–‑]?[^\W_]+){0,4}")


def _mun_key(s: str) -> str:
    k = s.lower()
    if k[:1] in ("х", "x") and len(k) > 1 and k[1].isdigit():
        k = "kh" + k[1:]
    return k.replace("х", "kh")


_JOIN = "[-\\s‐–‑]?"


def _prefix_spellings(key: str, units: int = 3) -> set[str]:
    """The first ``units`` characters of a model key as text may spell them ("kh" also "x", "х")."""
    out = [""]
    i = 0
    n = 0
    while i < len(key) and n < units:
        if key.startswith("kh", i):
            variants = ["kh", "x", "х"]
            i += 2
        else:
            variants = [key[i]]
            i += 1
        out = [p + v for p in out for v in variants]
        n += 1
    return set(out)


def _trie_regex(words: set[str]) -> str:
    """One regex for ``words`` as a character trie, an optional joiner between characters.

    Every branch starts with a literal character, so the engine scans for the first
    character quickly and tries only the branches that share it."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = []
        end = "" in node
        for ch in sorted(k for k in node if k):
            child = build(node[ch])
            alts.append(re.escape(ch) + (_JOIN + child if child else ""))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


def _alias_pattern(alias: str) -> str:
    """A regex for a munition alias tolerant of hyphen/space variants and Cyrillic 'Х' for 'Kh'."""
    parts = re.split(r"[-\s‐–]+", alias.strip())
    out = []
    for part in parts:
        esc = re.escape(part)
        if part[:2].lower() == "kh":
            esc = r"(?:Kh|Х|X)" + re.escape(part[2:])
        out.append(esc)
    return r"[-\s‐–]?".join(out)


class Gazetteer:
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

    def _lookup(self, key: str) -> list[int]:
        hit = self.keys.get(key)
        if hit:
            return hit
        if " " not in key and is_cyrillic(key):
            for cut in (1, 2, 3):
                if len(key) - cut < 3:
                    break
                if key[-cut:] in CYRILLIC_ENDINGS:
                    hit = self.cyr_stems.get(key[:-cut])
                    if hit:
                        return hit
            hit = self.cyr_stems.get(key)
            if hit:
                return hit
        return []

    def find_places(self, text: str) -> list[tuple[int, int, list[PlaceRec]]]:
        """Every gazetteer mention in ``text``: (start, end, candidates best first), longest match first."""
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
            sizes = self.first_sizes.get(tok, ())
            if is_cyrillic(tok) and 1 not in sizes:
                sizes = (*sizes, 1)  # an inflected form, found by its stem
            if not sizes:
                continue
            # The tokens from here on: as many as the longest key needs, and the one after it.
            toks = [first]
            need = max(sizes) + 1
            if need > 1:
                for t in TOKEN_RE.finditer(spaced, first.end()):
                    toks.append(t)
                    if len(toks) >= need:
                        break
            normed = [tok, *(norm_token(t.group()) for t in toks[1:])]
            for size in sizes:
                if size > len(toks):
                    continue
                key = " ".join(normed[:size])
                idxs = self._lookup(key)
                if not idxs:
                    continue
                start, end = c, toks[size - 1].end()
                nxt = normed[size] if size < len(toks) else ""
                if nxt in STREET_WORDS:
                    continue
                if self._person_name(spaced, toks, normed, size, key):
                    continue
                cands = self._choose(idxs, key, region_follows=nxt in REGION_WORDS)
                if not cands:
                    continue
                if nxt in REGION_WORDS and cands[0].kind == "oblast":
                    end = toks[size].end()
                    size += 1
                out.append((start, end, cands))
                consumed = toks[size - 1].end()
                break
        return out

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

    def _choose(self, idxs: list[int], key: str, region_follows: bool) -> list[PlaceRec]:
        # The candidates depend only on the key (``idxs`` is its lookup) and what follows it: the
        # same names recur in every article, so each is ranked once per gazetteer.
        cached = self._chosen.get((key, region_follows))
        if cached is None:
            cached = self._chosen[(key, region_follows)] = self._rank_candidates(idxs, key, region_follows)
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

    # --- Munitions ---

    def _build_munition_regex(self) -> None:
        # Models are looked up by key (letters and digits only, lower case, "Kh"/"X"/"Х" unified),
        # over runs of up to four tokens joined by a hyphen or a space: a dictionary lookup per
        # token instead of one huge alternation, which was the slowest part of extraction.
        self.model_keys: dict[str, MunitionRec] = {}
        self.model_key_tokens = 1
        for m in self.munitions:
            if m.is_generic:
                continue
            for alias in [m.name, *m.aliases, *([m.nato_name] if m.nato_name else [])]:
                parts = MUN_TOKEN_RE.findall(alias)
                key = _mun_key("".join(parts))
                if len(key) < 3 or key in self.model_keys:
                    continue
                self.model_keys[key] = m
                self.model_key_tokens = max(self.model_key_tokens, min(len(parts), 5))
        # A model key can only start where the text spells the first three characters of some key
        # (a joiner allowed between them, "Kh" also written "X" or Cyrillic "Х"): one regex over
        # the lower-cased text finds the few places worth a token lookup.
        self.model_prefixes = set().union(*(_prefix_spellings(k) for k in self.model_keys))
        # An empty catalogue (before load_reference) gives an empty trie, i.e. a regex matching
        # the empty string everywhere: no start regex at all then, and find_models returns at once.
        self.model_start_re = re.compile(_trie_regex(self.model_prefixes)) if self.model_prefixes else None
        # A name starts a word (not after a letter or digit). Most words follow a space: a scan for
        # spaces is fast; the words after other characters (and "_") are found by two more scans.
        if self.model_prefixes:
            ahead = "(?=" + _trie_regex(self.model_prefixes) + ")"
            self._model_after_re = (re.compile("[ ]" + ahead), re.compile(r"[^\w ]" + ahead), re.compile("_" + ahead))
        # Every prefix of a key (a lone "x" too: it becomes "kh" once a digit follows), so the token
        # walk stops as soon as no key can follow.
        self.model_key_prefixes = {k[:i] for k in self.model_keys for i in range(1, len(k) + 1)} | {"x"}
        generic_alts = []
        self._generic_by_group: dict[str, str] = {}
        for i, (pattern, category) in enumerate(GENERIC_PATTERNS):
            group = f"g{i}"
            self._generic_by_group[group] = category
            # An empty group at the end names the entry (``lastgroup``) and leaves its first letter first.
            generic_alts.append(f"{pattern}(?P<{group}>)")
        # Run on lower-cased text (``text.ci``): several times faster than IGNORECASE.
        # Nested by first letter (``text.dispatch``; the pattern runs on lower-cased text).
        self.generic_re = ci(r"(?<![\w-])" + dispatch([a.lower() for a in generic_alts]) + r"(?![\w])")
        self.generic_rows = {m.category: m for m in self.munitions if m.is_generic}

    def find_models(self, text: str) -> list[tuple[int, int, MunitionRec]]:
        """Catalogue models named in ``text`` ("KN-23", "Х-101", "Iskander-M"), longest match first."""
        out = []
        if self.model_start_re is None or not text:
            return out
        pos = 0
        # Candidate starts: where the lower-cased text (lower() keeps offsets for the scripts
        # concerned) spells the start of a model key at the start of a word; the token lookup
        # runs only there.
        low = text.lower()
        starts = [m.start() + 1 for rx in self._model_after_re for m in rx.finditer(low)]
        if self.model_start_re.match(low):
            starts.append(0)
        starts.sort()
        for st in starts:
            if st < pos:
                continue
            run = MUN_RUN_RE.match(text, st)
            if run is None:
                continue
            toks = [
                (t.start(), t.end(), t.group().lower()) for t in MUN_TOKEN_RE.finditer(text, run.start(), run.end())
            ]
            best = None
            key = ""
            for j, (_a, _b, tok) in enumerate(toks[: self.model_key_tokens]):
                key += tok
                mkey = _mun_key(key)
                rec = self.model_keys.get(mkey)
                if rec is not None:
                    best = (j, rec)
                elif mkey not in self.model_key_prefixes:
                    break
            if best is None:
                continue
            j, rec = best
            a, b = toks[0][0], toks[j][1]
            written = text[a:b]
            # All-letter names ("Kalibr", "Shahed") only count written with a capital.
            if written[0].islower() and not any(ch.isdigit() for ch in written):
                continue
            out.append((a, b, rec))
            pos = b
        return out

    def find_generics(self, text: str) -> list[tuple[int, int, str]]:
        low = lower_same_length(text)
        return [(m.start(), m.end(), self._generic_by_group[m.lastgroup]) for m in self.generic_re.finditer(low)]


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
