"""The rules that find casualty and weapons figures: patterns over words and number placeholders.

Numbers are first replaced by one placeholder character each (private-use code points,
``ph``), so the rules are regexes over words and placeholders instead of over every way a
number can be written. Each rule yields a figure with its category, the number it binds,
and the span of the words that say so (``figures.SentenceFigures`` runs them). Cheap word
gates (``gate_mask``) skip the rules a sentence cannot match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from extraction.text import (
    ci,
    dispatch,
    expand_alternatives,
    required_literals,
    split_alternatives,
)

CASUALTY = ("killed", "injured", "missing", "children_killed", "children_injured")
WEAPONS = ("launched", "intercepted")
# "casualties" (killed and injured together) is kept as a figure for the reader, never a headline.
CATEGORIES = (*CASUALTY, *WEAPONS, "casualties")
HEADLINE_CATEGORIES = CASUALTY + WEAPONS

PH0 = 0xE000
N = r"[\uE000-\uE3FF]"


def ph(i: int) -> str:
    return chr(PH0 + i)


def ph_index(ch: str) -> int:
    return ord(ch) - PH0


# One person written with "a"/"an" ("a 45-year-old woman was killed") is a count of one:
# see numbers.single_mentions.
SINGULAR_PERSON = (
    r"man|woman|person|boy|girl|child|baby|infant|toddler|teenager|teen|schoolboy|schoolgirl|pensioner|retiree|"
    r"resident|civilian|citizen|local|driver|volunteer|rescuer|firefighter|paramedic|medic|doctor|nurse|"
    r"journalist|policeman|policewoman|police\s+officer|officer|soldier|serviceman|worker|employee|passenger|student|"
    r"patient|farmer|pedestrian|guard|miner|teacher|neighbou?r|customer|shopper|priest"
)
PERSON = (
    r"(?:people|persons?|civilians?|residents?|children|child|kids|minors|adults|men|women|others|individuals|"
    r"victims|citizens|inhabitants|passengers|employees|workers|rescuers|police(?:\s+officers)?|officers|"
    r"policemen|soldiers|servicemen|troops|firefighters|medics|doctors|journalists|teenagers|boys|girls|babies|"
    r"infants|pensioners|ukrainians|patients|students|toddlers|teens|drivers|volunteers|farmers|pedestrians|"
    r"guards|staff|miners|teachers|nurses|paramedics|family\s+members|relatives|neighbou?rs|customers|shoppers|"
    r"evacuees|(?:" + SINGULAR_PERSON + r")\b|more|of\s+them|"
    r"in\s+total)"
)
# Nested by first letter (``text.dispatch``): the same matches, and the engine tries the few nouns
# starting with the letter found instead of all of them (the noun is looked for after every count).
PERSON = dispatch(expand_alternatives(split_alternatives(PERSON)))
CHILD = (
    r"(?:children|child|kids|minors|teenagers|boys|girls|babies|infants|a\s+child|schoolchildren|toddlers|teens|"
    r"(?:boy|girl|baby|infant|toddler|teenager|teen|schoolboy|schoolgirl)\b)"
)
CHILD_NOUNS = frozenset(
    {"children", "child", "kids", "minors", "teenagers", "boys", "girls", "babies", "infants", "schoolchildren"}
    | {"toddlers", "teens", "boy", "girl", "baby", "infant", "toddler", "teenager", "teen", "schoolboy", "schoolgirl"}
)
# Gap words may carry digits: "a 45-year-old woman" (an age is never a count, see numbers.NUMBER_RE).
NOUN_GAP = r"(?:\s+(?:[A-Za-z0-9'-]+\s+){0,2}?" + PERSON + r")"
AUX = (
    r"(?:\s+(?:were|was|have|has|had|are|is|been|being|be|got|reportedly|also|still|now|later|confirmed|reported|"
    r"officially|so\s+far|already|all|feared|believed|thought|presumed|known\s+to\s+have|said\s+to\s+be|left|"
    r"to\s+have|to\s+be|may\s+have|may\s+be|seriously|severely|critically|slightly|fatally|badly|lightly|in\s+total))*"
)
PAREN = (
    r"(?P<paren>\s*\([^)]{0,80}\)|\s*,\s*(?:including|among\s+them|of\s+whom|incl\.)[^,;]{0,60},"
    rf"|\s*,\s*(?:aged\s+)?{N}\s*,)?"  # "A woman, 72, was killed": the age sits between commas
)

KILLED_W = r"killed|dead|died|perished|slain|lost\s+their\s+lives|dies"
INJURED_W = r"injured|wounded|hurt|injuries|wounds"
# People taken to hospital or treated are among the injured, usually not all of them: such a
# figure is ``weak`` (any other injured figure of the event wins).
HOSPITAL_W = (
    r"hospitali[sz]ed|taken\s+to\s+(?:a\s+|the\s+)?hospitals?|(?:sought|received|needed|required)\s+medical\s+"
    r"(?:help|attention|assistance|care|treatment)"
)
MISSING_W = r"missing|unaccounted\s+for"
# "sustained injuries", "suffered shrapnel wounds", "received fatal injuries" (the last is killed).
SUFFERED_W = r"(?:sustained|suffered|received)\s+(?:[a-z-]+\s+){0,2}?(?:injuries|injury|wounds)"

WEAPON_NOUN = (
    r"(?:missiles?|drones?|rockets?|UAVs?|Shaheds?|Gerans?|weapons|projectiles|bombs|munitions|aerial\s+targets|"
    r"air\s+targets|targets|means\s+of\s+air\s+attack|air\s+attack\s+means|aircraft|kamikaze\s+drones)"
)
WEAPON = (
    r"(?:\s+(?:[A-Za-z0-9'-]+\s+){0,3}?" + WEAPON_NOUN + r"(?:\s+(?:and|or)\s+(?:[A-Za-z-]+\s+){0,2}?"
    r"(?:drones?|missiles?|UAVs?|rockets?|bombs))?)"
)
LAUNCH_W = r"launched|fired|used|deployed|sent|unleashed|involved|involving|using|launching|firing|hurled"
INTERCEPT_W = r"shot\s+down|downed|intercepted|destroyed|neutrali[sz]ed|eliminated|repelled|suppressed"


def _c(p: str) -> re.Pattern:
    # Every rule runs on the lower-cased sentence: see ``text.ci``.
    return ci(p)


RULES: list[tuple[str, re.Pattern]] = [
    # "11 children and nine adults were killed": a sum, and the children figure.
    (
        "sum",
        _c(
            rf"(?P<n>{N})\s+(?P<noun1>{PERSON})\s*(?:,\s*(?P<n2>{N})\s+(?P<noun2>{PERSON})\s*)?,?\s+and\s+"
            rf"(?P<n3>{N})\s+(?P<noun3>{PERSON}){AUX}\s+(?P<trig>{KILLED_W}|{INJURED_W})\b"
        ),
    ),
    # "killed a man and a woman", "killing three adults and two children": a sum after the verb.
    (
        "active_sum",
        _c(
            r"(?P<trig>killing|killed|kills|injuring|injured|injures|wounding|wounded)\s+"
            rf"(?P<n>{N})\s+(?P<noun1>{PERSON})\s*(?:,\s*(?P<n2>{N})\s+(?P<noun2>{PERSON})\s*)?,?\s+and\s+"
            rf"(?P<n3>{N})\s+(?P<noun3>{PERSON})\b"
        ),
    ),
    # "98 drones, 60 of which were shot down": launched, then the part intercepted.
    (
        "intercept_which",
        _c(
            rf"(?P<m>{N}){WEAPON}[^\uE000-\uE3FF.;]{{0,60}}?,\s*(?P<n>{N})\s+of\s+(?:which|them|these|those)\s+"
            rf"(?:were|was|have\s+been|had\s+been|got)\s+(?:\w+\s+)?(?P<trig>{INTERCEPT_W})"
        ),
    ),
    # "25 missiles of 38 fired were shot down"
    (
        "intercept_of_post",
        _c(
            rf"(?P<n>{N})(?:{WEAPON})?\s+(?:out\s+)?of\s+(?P<m>{N})(?:{WEAPON})?(?:\s+(?:fired|launched))?"
            rf"\s+(?:were|have\s+been|had\s+been|was)\s+(?:\w+\s+)?(?P<trig>{INTERCEPT_W})"
        ),
    ),
    # "destroyed 21 out of 23 cruise missiles"
    ("intercept_of", _c(rf"(?P<trig>{INTERCEPT_W})\s+(?P<n>{N})\s+(?:out\s+)?of\s+(?:the\s+)?(?P<m>{N})(?:{WEAPON})?")),
    # "180 drones were shot down"
    (
        "intercept_post",
        _c(rf"(?P<n>{N}){WEAPON}\s+(?:were|have\s+been|had\s+been|was|got)\s+(?:\w+\s+)?(?P<trig>{INTERCEPT_W})"),
    ),
    # "shot down 180 (drones)", "destroyed 30 of them" (the weapons of the sentence before)
    (
        "intercept",
        _c(
            rf"(?P<trig>{INTERCEPT_W})\s+(?:a\s+total\s+of\s+|in\s+total\s+)?(?P<n>{N})"
            r"(?P<w>" + WEAPON + r"|\s+of\s+them\b)?"
        ),
    ),
    # "launched 215 missiles and drones", "used more than 200 weapons"
    (
        "launch",
        _c(
            rf"(?P<trig>{LAUNCH_W})\s+(?:(?:a\s+total\s+of|in\s+total|overnight|against\s+Ukraine|at\s+Ukraine)\s+)?"
            rf"(?P<n>{N}){WEAPON}"
        ),
    ),
    # "attacked the Odesa region with 45 Shahed drones": the weapons the attack used.
    (
        "launch_with",
        _c(
            r"(?P<trig>attacked|struck|targeted|hit|shelled|pounded)\s+(?:[\w'-]+\s+){0,5}?with\s+"
            rf"(?:a\s+total\s+of\s+|at\s+least\s+)?(?P<n>{N}){WEAPON}"
        ),
    ),
    # "215 missiles and drones fired", "200 missiles were launched"
    (
        "launch_post",
        _c(
            rf"(?P<n>{N}){WEAPON}[^\uE000-\uE3FF.;]{{0,25}}?(?:were\s+|had\s+been\s+|have\s+been\s+|was\s+)?"
            rf"(?P<trig>launched|fired|used)\b"
        ),
    ),
    # "the death toll rose from 12 to 14": the second supersedes the first
    (
        "toll_from",
        _c(
            r"(?P<trig>death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|killed|victims|injured|"
            r"wounded|injuries|missing)|fatalities)[^\uE000-\uE3FF.;]{0,160}?\s(?:rose|risen|rises|increased|climbed|"
            rf"jumped|grew|grown|went\s+up)\s+from\s+(?P<m>{N})\s+to\s+(?P<n>{N})"
        ),
    ),
    # "the death toll ... has risen to 35", "the number of injured reached 90"
    (
        "toll",
        _c(
            r"(?P<trig>death\s+toll|toll|number\s+of\s+(?:the\s+)?(?:dead|deaths|fatalities|killed|victims|those\s+killed|"
            r"people\s+killed|people\s+who\s+died|dead\s+people|injured|wounded|injuries|people\s+injured|"
            r"those\s+injured|those\s+wounded|missing|people\s+missing)|fatalities|injury\s+toll)"
            rf"[^\uE000-\uE3FF.;]{{0,160}}?\s(?P<verb>rose|risen|rises|rising|increased|increases|climbed|climbs|jumped|"
            r"grew|grown|reached|reaches|hit|stands\s+at|stood\s+at|is\s+now|now\s+stands\s+at|is|was|are|were|has\s+"
            rf"reached|of|at|to)\s+(?:to\s+|at\s+)?(?P<n>{N})"
        ),
    ),
    # "the bodies of six people were pulled from the rubble", "rescuers recovered 4 more bodies":
    # killed, weak (the recovery may still be going on).
    (
        "bodies",
        _c(rf"(?P<trig>bodies)\s+of\s+(?P<n>{N})|(?P<n2>{N})\s+(?:more\s+|further\s+|other\s+)?(?P<trig2>bodies)\b"),
    ),
    # "31 casualties": killed and injured together, a category of its own (never a headline);
    # "31 casualties, including 4 dead" gives the killed.
    (
        "casualties",
        _c(
            rf"(?P<n>{N})\s+(?:\w+\s+)?(?P<trig>casualties)\b(?:\s*,?\s*(?:including|among\s+them|of\s+whom)\s+"
            rf"(?P<k>{N})\s+(?:people\s+)?(?:dead|killed|deaths|fatalities|fatal))?"
        ),
    ),
    # "Killed: 2, injured: 7", "death toll: 9": the list a regional administration posts.
    ("colon", _c(rf"(?P<trig>death\s+toll|killed|dead|deaths|died|injured|wounded|hurt|missing)\s*:\s*(?P<n>{N})")),
    # "Twelve people were killed", "87 injured", "35 others are missing",
    # "90 civilians, including six children, were injured"
    (
        "post",
        _c(
            rf"(?P<n>{N})(?P<noun>{NOUN_GAP})?{PAREN}{AUX}\s+(?:as\s+)?"
            rf"(?P<trig>{KILLED_W}|{INJURED_W}|{MISSING_W}|{HOSPITAL_W}|{SUFFERED_W})\b"
        ),
    ),
    # "a two-year-old girl was among the injured": at least one, a part of the count (weak).
    (
        "among",
        _c(
            rf"(?P<n>{N})(?P<noun>{NOUN_GAP})?\s+(?:was|were|is|are)\s+(?:also\s+)?among\s+the\s+"
            r"(?P<trig>dead|killed|injured|wounded)\b"
        ),
    ),
    # "killing at least 35 people", "which also wounded 90 people"
    (
        "active",
        _c(
            r"(?P<trig>killing|killed|kills|kill|claimed\s+the\s+lives\s+of|took\s+the\s+lives\s+of|claiming\s+the\s+"
            r"lives\s+of|injuring|injured|injures|wounding|wounded|wounds|hurting|hurt|left|leaving)\s+"
            # "killing a family of four": the family's size is the count.
            r"(?:(?:an?|the|one|an\s+entire|a\s+whole)\s+family\s+of\s+|(?:his|her|their|its)\s+)?"
            rf"(?P<n>{N})(?:(?P<noun>{NOUN_GAP})|(?=\s*[,.;()]|\s+and\b|\s+in\b|\s+on\b|\s+at\b|\s+during\b|\s*$))"
            r"(?:\s+(?P<post>dead|injured|wounded))?"
        ),
    ),
    # "44 deaths", "4,078 injuries", "the deaths of 12 civilians"
    (
        "noun",
        _c(
            rf"(?P<n>{N})\s+(?:(?:more|other|further|confirmed|civilian|reported|new)\s+)?(?P<trig>deaths|fatalities|injuries)\b"
            rf"|(?P<trig2>deaths|lives)\s+of\s+(?P<n2b>{N})"
        ),
    ),
]

# "a 7-year-old girl", "two little boys": an age or a word for small before the child noun.
CHILD_AGE = r"(?:(?:[0-9a-z-]*(?:year|month)s?-old|young|little|small|teenage|newborn)\s+){0,2}"
CHILD_FOLLOW = _c(
    rf"\s*,?\s*\(?\s*(?:including|among\s+them|of\s+whom|of\s+which|incl\.|among\s+whom)?\s*(?P<n>{N})\s+"
    rf"(?:of\s+them\s+)?(?:are\s+|were\s+)?{CHILD_AGE}{CHILD}\b"
)
# "killed 12 people in Kryvyi Rih, including six children": the children after a place phrase.
CHILD_FOLLOW_PLACE = _c(
    r"\s+(?:in|on|at|near)\s+[^\uE000-\uE3FF,.;()]{1,40}?\s*,\s*(?:including|among\s+them|of\s+whom)\s+"
    rf"(?P<n>{N})\s+{CHILD_AGE}{CHILD}\b"
)
# "of whom four were children", "11 of them children" (the verb may be left out).
CHILD_OF_THEM = _c(
    rf"(?:of\s+(?:them|whom|which|those)[,]?\s+(?P<n>{N})\s+(?:(?:are|were|is|was)\s+)?{CHILD}"
    rf"|(?P<n2>{N})\s+of\s+(?:them|those|the\s+victims|the\s+dead|the\s+injured)\s+(?:(?:are|were|is|was)\s+)?{CHILD})"
)
CHILD_AMONG = _c(
    rf"(?P<n>{N})\s+{CHILD}\s+(?:were|are|was|is)\s+among\s+the\s+(?P<trig>dead|killed|victims|injured|wounded|casualties)"
    rf"|among\s+the\s+(?P<trig2>dead|killed|victims|injured|wounded)[^\uE000-\uE3FF.;]{{0,30}}?(?P<n2>{N})\s+{CHILD}"
)

STALE_BEFORE = _c(
    r"\b(?:earlier|previously|initially|at\s+first|had\s+reported|had\s+said|up\s+from|before\s+that|"
    r"initial\s+reports?|first\s+reports?)\b[^\uE000-\uE3FF]{0,80}$"
)
UPDATE_BEFORE = _c(
    r"\b(?:rose|risen|rises|increased|climbed|jumped|grown|grew|reached|risen|updated|now)\s+(?:to\s+)?$"
)
FROM_BEFORE = re.compile(r"\bfrom\s+$")
FROM_TO = re.compile(rf"{N}\s+to\s+{N}")
INCLUDING_BEFORE = _c(r"(?:including|among\s+them|of\s+whom|incl\.)\s*$")
PAREN_CHILD = _c(rf"(?P<n>{N})\s+{CHILD_AGE}{CHILD}")


# "bringing the death toll to 13", "taking the number of injured to 8": a new, higher total.
BRINGING_RE = re.compile(r"\b(?:bringing|brings|brought|taking|takes|took|pushing|raising|raises)\s+(?:the\s+)?$")
SHOT_RE = re.compile(r"shot|downed|intercept")
HOSPITAL_RE = re.compile(HOSPITAL_W)
TOLL_UPDATE_VERB_RE = re.compile(
    r"rose|risen|rises|rising|increased|increases|climbed|climbs|jumped|grew|grown|reached|reaches|hit|now|is\s+now|has\s+reached"
)


@dataclass(slots=True)
class RawFigure:
    """A figure found in one sentence, before scope and headline are decided."""

    category: str
    value: int
    qualifier: str
    start: int  # offsets in the article
    end: int
    vague: bool = False
    stale: bool = False
    update: bool = False
    total: bool = False
    heading: bool = False
    weak: bool = False  # a part of the count by nature: one named victim, people hospitalised, bodies found
    single: bool = False  # one person written with "a"/"an" ("a woman was killed")
    sentence: int = 0
    parts: list[int] = field(default_factory=list)


# "No one was injured", "no casualties were reported", "there were no deaths": a figure of zero, a
# real claim. Not "no immediate reports of casualties" (nothing known yet). Zero figures are weak:
# any other figure of the event wins the headline over them.
ZERO_RE = _c(
    r"\b(?:no(?:\s+|-)one|nobody|no\s+(?:people|person|civilians?|residents?))\s+(?:(?:was|were|has\s+been|have\s+been|"
    r"had\s+been|is|are|got)\s+(?:(?!immediately)\w+\s+)?(?P<t1>killed|injured|wounded|hurt|harmed)|(?P<t2>died))"
    r"(?P<both>\s+or\s+(?:\w+\s+)?(?:injured|wounded|hurt|harmed))?\b"
    r"|\bno\s+(?:reported\s+)?(?P<t3>casualties|injuries|deaths|fatalities|victims)\s+(?:were|was|have\s+been|has\s+been|"
    r"had\s+been)\s+(?:(?!immediately)\w+\s+)?(?:reported|recorded|registered|confirmed)\b"
    r"|\bthere\s+(?:were|was|have\s+been|had\s+been|are)\s+no\s+(?:reported\s+)?"
    r"(?P<t4>casualties|injuries|deaths|fatalities|victims)\b"
    r"|\bwithout\s+(?P<t5>casualties)\b"
)
_ZERO_CATEGORIES = {
    "killed": ("killed",),
    "died": ("killed",),
    "deaths": ("killed",),
    "fatalities": ("killed",),
    "injured": ("injured",),
    "wounded": ("injured",),
    "hurt": ("injured",),
    "harmed": ("injured",),
    "injuries": ("injured",),
    "casualties": ("killed", "injured"),
    "victims": ("killed", "injured"),
}


def zero_figures(low: str, offset: int) -> list[RawFigure]:
    """The zero figures of one lower-cased sentence starting at ``offset`` in the article."""
    out = []
    for m in ZERO_RE.finditer(low):
        word = next(g for g in (m.group(f"t{i}") for i in range(1, 6)) if g)
        cats = _ZERO_CATEGORIES[word]
        if m.group("both") and cats == ("killed",):
            cats = ("killed", "injured")  # "no one was killed or injured"
        for cat in cats:
            out.append(RawFigure(cat, 0, "exact", offset + m.start(), offset + m.end(), weak=True))
    return out


@lru_cache(maxsize=4096)
def trigger_category(trig: str) -> str | None:
    t = trig.lower()
    if t.startswith(("sustained", "suffered", "received")):
        return "killed" if re.search(r"fatal|deadly|mortal", t) else "injured"
    if re.match(
        KILLED_W
        + r"|killing|kill|claim|took|death|toll|fatalit|number\s+of\s+(?:the\s+)?(?:dead|death|fatal|killed|victims|those\s+killed|people\s+killed|people\s+who|dead\s+people)|lives",  # noqa: E501
        t,
    ):
        return "killed"
    if re.match(INJURED_W + r"|injur|wound|hurt", t) or "injur" in t or "wound" in t:
        return "injured"
    if "hospital" in t or "medical" in t:
        return "injured"
    if "bodies" in t or "body" in t:
        return "killed"
    if "casualt" in t:
        return "casualties"
    if "missing" in t or "unaccounted" in t:
        return "missing"
    return None


def child_category(base: str) -> str | None:
    return {"killed": "children_killed", "injured": "children_injured"}.get(base)


# Which rules can apply, by the words a sentence contains: a cheap test saves running every rule.
# Each gate is a list of word groups; the sentence (lower-cased) must contain a word of every group.
# A gate may let through a sentence its rule then rejects, never the reverse: each group holds a
# piece of every trigger word the rule can match.
_CASUALTY_GATE = ("kill", "dead", "died", "dies", "perish", "slain", "lost", "injur", "wound", "hurt")
_INTERCEPT_GATE = ("shot", "down", "intercept", "destroy", "neutrali", "eliminat", "repell", "suppress")
_WEAPON_GATE = ("missile", "drone", "rocket", "uav", "shahed", "geran", "weapon", "projectile", "bomb", "munition",
                "target", "aircraft", "means")  # fmt: skip
RULE_GATES: dict[str, tuple[tuple[str, ...], ...]] = {
    "sum": (("and",), _CASUALTY_GATE),
    "active_sum": (("and",), ("kill", "injur", "wound")),
    "intercept_which": (_INTERCEPT_GATE, ("of",), ("which", "them", "these", "those")),
    "intercept_of_post": (_INTERCEPT_GATE, ("of",)),
    "intercept_of": (_INTERCEPT_GATE, ("of",)),
    "intercept_post": (_INTERCEPT_GATE,),
    "intercept": (_INTERCEPT_GATE,),
    "launch": (("launch", "fire", "used", "using", "deploy", "sent", "unleash", "involv", "hurled"),),
    "launch_post": (("launch", "fired", "used"),),
    "launch_with": (("attack", "struck", "target", "hit", "shell", "pound"), ("with",), _WEAPON_GATE),
    "toll_from": (("toll", "number", "fatalit"), ("from",)),
    "toll": (("toll", "number", "fatalit"),),
    "post": ((*_CASUALTY_GATE, "missing", "unaccounted", "hospital", "medical"),),
    "active": (("kill", "claim", "took", "injur", "wound", "hurt", "left", "leaving"),),
    "noun": (("death", "fatalit", "injur", "lives"),),
    "bodies": (("bodies",),),
    "among": (("among",), ("dead", "kill", "injur", "wound")),
    "casualties": (("casualt",),),
    "colon": ((*_CASUALTY_GATE, "missing", "toll"),),
}
# One bit per (rule, word group): a sentence's mask has the bits of every group one of its words
# is in, and a rule runs when its mask holds all the bits of its groups (integer tests, not sets).
CHILD_GATE = ("child", "kids", "minor", "teenager", "boys", "girls", "babies", "infant")
# Three more bits: a child word (the children rules), a word STALE_BEFORE or UPDATE_BEFORE needs.
_EXTRA_GATES = {
    "child": CHILD_GATE,
    "stale": tuple(required_literals(STALE_BEFORE)),
    "update": tuple(required_literals(UPDATE_BEFORE)),
}
_GROUPS = [(name, i) for name, gate in RULE_GATES.items() for i in range(len(gate))]
_GROUP_BITS = {group: 1 << n for n, group in enumerate(_GROUPS)}
CHILD_BIT, STALE_BIT, UPDATE_BIT = (1 << (len(_GROUPS) + i) for i in range(3))
_EXTRA_BITS = {"child": CHILD_BIT, "stale": STALE_BIT, "update": UPDATE_BIT}
GATE_BITS = tuple(
    (
        w,
        sum(bit for (name, i), bit in _GROUP_BITS.items() if w in RULE_GATES[name][i])
        | sum(bit for name, bit in _EXTRA_BITS.items() if w in _EXTRA_GATES[name]),
    )
    for w in sorted(
        {w for gate in RULE_GATES.values() for group in gate for w in group}
        | {w for words in _EXTRA_GATES.values() for w in words}
    )
)
_RULE_NEED = {name: sum(_GROUP_BITS[(name, i)] for i in range(len(gate))) for name, gate in RULE_GATES.items()}
GATED_RULES = tuple((name, rx, _RULE_NEED[name]) for name, rx in RULES)


def may_find(mask: int) -> bool:
    """Whether a sentence with these gate bits can yield a figure at all (some rule's gate is
    open, or a child word lets the children rules run)."""
    return bool(mask & CHILD_BIT) or any(mask & need == need for need in _RULE_NEED.values())


_LETTER_RUN = re.compile(r"[a-z]+")
_TOKEN_BITS: dict[str, int] = {}


def _token_bits(token: str) -> int:
    bits = 0
    for w, b in GATE_BITS:
        if w in token:
            bits |= b
    if len(_TOKEN_BITS) > 50_000:  # a bound on memory; the common words come back at once
        _TOKEN_BITS.clear()
    _TOKEN_BITS[token] = bits
    return bits


def gate_mask(low: str) -> int:
    """The gate bits of a lower-cased sentence (see ``RULE_GATES``).

    Every gate word is made of the letters a-z, so it lies within one run of them: the bits are
    found per run, and a run seen before (most words of an article are) costs one lookup."""
    mask = 0
    get = _TOKEN_BITS.get
    for token in set(_LETTER_RUN.findall(low)):
        bits = get(token)
        mask |= _token_bits(token) if bits is None else bits
    return mask
