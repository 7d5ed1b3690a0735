# ruff: noqa: RUF001, RUF002, RUF003  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""Weapon names in text: catalogue models by key ("KN-23", "Х-101", "Iskander-M") and generic
kinds by pattern ("ballistic missiles", "Shahed-type drones"). Pure Python.

``MunitionLookup`` is the munition half of the ``Gazetteer`` (a base class, so the gazetteer
keeps one object with both lookups).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extraction.text import ci, dispatch, lower_same_length


@dataclass(slots=True)
class MunitionRec:
    """A munition catalogue entry (a model, or a generic class when ``is_generic``)."""

    name: str
    category: str
    origin_country: str
    is_generic: bool
    aliases: list[str] = field(default_factory=list)
    nato_name: str = ""


# Generic weapon classes written in news text, with the catalogue category they mean. Each entry
# starts with a letter and they are tried in this order (the first that matches at a place wins):
# the engine then checks each entry's first letter before trying it, which makes the scan twice as fast.
_DRONE = r"(?:drones?|UAVs?|unmanned\s+aerial\s+vehicles?)"
_SLAVIC_GENERICS = (
    ("ballistic_missile", (r"балістичн\w*\s+ракет\w*", r"баллистическ\w*\s+ракет\w*", r"балістик\w*", r"баллистик\w*")),
    ("cruise_missile", (r"крилат\w*\s+ракет\w*", r"крылат\w*\s+ракет\w*")),
    ("guided_bomb", (r"керован\w*\s+авіа\w*бомб\w*", r"управляем\w*\s+авиа\w*бомб\w*", r"каб\w{0,3}")),
    ("unguided_bomb", (r"авіабомб\w*", r"авиабомб\w*")),
    ("attack_drone", (r"шахед\w*", r"геран\w*", r"дрон\w*", r"безпілотник\w*", r"беспилотник\w*", r"бпла")),
    ("missile", (r"ракет\w*",)),
)
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
    # Ukrainian and Russian, in any case ("балістичною ракетою", "дронів", "шахедами", "КАБами").
    *((alt, cat) for cat, alts in _SLAVIC_GENERICS for alt in alts),
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


class MunitionLookup:
    """Finds catalogue models and generic weapon kinds in text (``self.munitions`` set by the subclass)."""

    munitions: list[MunitionRec]

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
        """Generic weapon kinds named in ``text``, with their catalogue category."""
        low = lower_same_length(text)
        return [(m.start(), m.end(), self._generic_by_group[m.lastgroup]) for m in self.generic_re.finditer(low)]
