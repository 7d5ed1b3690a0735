"""Numbers as news reports write them: digits, number words, "a dozen", "dozens", with qualifiers.

Pure Python. ``number_mentions(text)`` finds every number phrase in a sentence,
with the qualifier written before it ("at least", "more than", "up to", "about")
and its character span, so figure rules can work on placeholders instead of
re-parsing numbers.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from extraction.text import ci, dispatch, lower_same_length

UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1000}

# Vague quantities: the lowest value the word can honestly mean, as an open-ended
# figure. "Dozens" is at least two dozen (24); "hundreds" at least 200. They are
# flagged vague so that any specific number in the same text wins over them.
VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000}

QUALIFIERS = [
    # (regex, qualifier); longest first so "no fewer than" is not read as "than".
    (r"no\s+(?:fewer|less)\s+than", "at_least"),
    (r"not\s+(?:fewer|less)\s+than", "at_least"),
    (r"a\s+minimum\s+of", "at_least"),
    (r"at\s+least", "at_least"),
    (r"more\s+than", "more_than"),
    (r"upwards\s+of", "more_than"),
    (r"in\s+excess\s+of", "more_than"),
    (r"over", "more_than"),
    (r"as\s+many\s+as", "up_to"),
    (r"up\s+to", "up_to"),
    (r"at\s+most", "up_to"),
    (r"no\s+more\s+than", "up_to"),
    (r"fewer\s+than", "up_to"),
    (r"less\s+than", "up_to"),
    (r"approximately", "about"),
    (r"roughly", "about"),
    (r"around", "about"),
    (r"about", "about"),
    (r"nearly", "about"),
    (r"almost", "about"),
    (r"some", "about"),
    (r"an\s+estimated", "about"),
    (r"close\s+to", "about"),
    (r"circa", "about"),
    (r"~", "about"),
]
# "fewer than 10" is below 10: the interval arithmetic treats it like "up to" (open below).

# Nested by first letter (``text.dispatch``): the same matches, found faster.
_word_unit = dispatch(sorted(list(UNITS) + list(TENS), key=len, reverse=True))[3:-1]
_word_number = (
    rf"(?:(?:{_word_unit})(?:[-\s](?:{_word_unit}))?"
    rf"(?:\s+(?:hundred|thousand)(?:\s+(?:and\s+)?(?:{_word_unit})(?:[-\s](?:{_word_unit}))?)?)?)"
)
_digits = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?![\d,]*\.\d)"
_qualifier = dispatch([q for q, _ in QUALIFIERS])[3:-1]

# Run on lower-cased text (``text.ci``): several times faster than IGNORECASE.
NUMBER_RE = ci(
    rf"""
    (?<![\w$€£%.,:/-])
    (?:(?P<qual>{_qualifier})\s+)?
    (?:
        (?P<half>half\s+a\s+dozen)
      | (?P<dozen>(?:(?P<dozen_mult>a|one|two|three|four|five|\d+)\s+)dozen)(?!s)
      | (?P<vague>dozens|scores|hundreds|thousands)
        (?=\s+(?:of|more|were|are|have|had|people|civilians|killed|injured|wounded|dead)\b|\s*[,.;)]|\s*$|\s+and\b)
      | (?P<decimal>\d{{1,3}}[.,]\d{{1,2}})\s+(?P<dec_scale>thousand|million)
      | (?P<digits>{_digits})(?![:.]\d)(?:\s+(?P<digit_scale>thousand|million))?
      | (?P<words>{_word_number})
    )
    (?![\w%])(?!-(?:year|month|week|day)s?\b)(?!\s*(?:%|percent|per\s+cent|km|kilomet|metres|meters|(?:year|month|week|day)s?\s+old|-year|a\.m\.|p\.m\.|am\b|pm\b|hours?\b|minutes?\b|UAH|hryvnia|dollars|euros|tonnes|tons))
    """,
    re.VERBOSE,
)

# Every number phrase holds a digit or one of these words (the others contain one of them):
# a text with none of them has no number, a quick test before the full pattern.
_WORDS = [*UNITS, *TENS, "hundred", "thousand", "dozen", "score"]
NUMBER_KEYWORDS = tuple(w for w in _WORDS if not any(o != w and o in w for o in _WORDS))
NUMBERISH_RE = re.compile(r"\d|" + "|".join(NUMBER_KEYWORDS))

_QUAL_LOOKUP = [(re.compile(rf"^{q}$", re.IGNORECASE), name) for q, name in QUALIFIERS]


# Not frozen: a frozen dataclass sets each field through object.__setattr__, several times slower,
# and dozens are made per article. Never changed after it is made (hashable as if frozen).
@dataclass(slots=True, unsafe_hash=True)
class NumberMention:
    """One number phrase in a text: value as written, qualifier, span (qualifier included)."""

    value: int
    qualifier: str
    start: int
    end: int
    num_start: int
    vague: bool = False
    single: bool = False  # "a"/"an" before one person ("a 45-year-old woman"): see single_mentions
    definite: bool = False  # "the" before one person by role ("the driver"): one, never summed


@lru_cache(maxsize=1024)
def words_to_int(phrase: str) -> int | None:
    """'twenty-one' -> 21, 'one hundred and five' -> 105, 'twelve' -> 12."""
    total = 0
    current = 0
    seen = False
    for word in re.split(r"[-\s]+", phrase.lower().strip()):
        if not word or word == "and":
            continue
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word in SCALES:
            current = max(current, 1) * SCALES[word]
            if SCALES[word] >= 1000:
                total += current
                current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


@lru_cache(maxsize=1024)
def qualifier_name(phrase: str | None) -> str:
    if not phrase:
        return "exact"
    phrase = " ".join(phrase.split())
    for rx, name in _QUAL_LOOKUP:
        if rx.match(phrase):
            return name
    return "exact"


def parse_match(m: re.Match) -> tuple[int, bool] | None:
    """(value, vague) of a NUMBER_RE match."""
    # The number's branches are alternatives: the group closed last names the one that matched.
    last = m.lastgroup
    if last == "dec_scale":
        # "1.5 thousand", "1,5 thousand" (a decimal comma, as much of Europe writes it)
        scale = 1000 if m.group("dec_scale").lower() == "thousand" else 1_000_000
        return round(float(m.group("decimal").replace(",", ".")) * scale), False
    if last == "digits" or last == "digit_scale":
        value = int(m.group("digits").replace(",", ""))
        scale = (m.group("digit_scale") or "").lower()
        if scale == "thousand":
            value *= 1000
        elif scale == "million":
            value *= 1_000_000
        return value, False
    if last == "words":
        value = words_to_int(m.group("words"))
        return (value, False) if value is not None else None
    if m.group("half"):
        return 6, False
    if m.group("dozen"):
        mult = m.group("dozen_mult").lower()
        n = 1 if mult in ("a", "one") else (int(mult) if mult.isdigit() else UNITS.get(mult, 1))
        return 12 * n, False
    if m.group("vague"):
        return VAGUE[m.group("vague").lower()], True
    # Every branch ends in one of the groups tested above (mutation testing showed the copy of the
    # digits and words branches that stood here could never run): nothing else is a number.
    return None


# At most four spaces between the word and "one", so the look-back needs 9 characters ("every" and
# four spaces): a longer window finds nothing more.
_NOT_A_COUNT_BEFORE_ONE = ci(r"\b(?:no|every|each|any|the|this|that)\s{1,4}$")


def number_mentions(text: str, skip: list[tuple[int, int]] | None = None) -> list[NumberMention]:
    """Every number phrase in ``text``, leaving out spans in ``skip`` (dates, times)."""
    found: list[NumberMention] = []
    text = lower_same_length(text)
    # Skipped spans sorted by start, with the furthest end reached so far: overlap by bisection.
    spans = sorted(skip or ())
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))
    for m in NUMBER_RE.finditer(text):
        i = bisect_left(starts, m.end())
        if i and reach[i - 1] > m.start():
            continue
        parsed = parse_match(m)
        if parsed is None:
            continue
        # "no one was hurt", "every one of them": not a count.
        lone_one = m.group("words") and m.group("words").lower() == "one" and not m.group("qual")
        # Searched in the text itself (pos/endpos, not a slice), so \b sees the real character before
        # the word: "xevery one" is a count, "every    one" is not.
        if lone_one and _NOT_A_COUNT_BEFORE_ONE.search(text, max(0, m.start() - 9), m.start()):
            continue
        value, vague = parsed
        qual = qualifier_name(m.group("qual"))
        if vague and qual == "exact":
            qual = "at_least"
        num_start = m.start()
        if m.group("qual"):
            num_start = m.end("qual")
            while num_start < len(text) and text[num_start].isspace():
                num_start += 1
        found.append(NumberMention(value, qual, m.start(), m.end(), num_start, vague))
    if len(found) > 1 and "(" in text:
        found = _merge_repeated(text, found)
    return found


_REPEAT_OPEN_RE = re.compile(r"\s*\(\s*")
_REPEAT_CLOSE_RE = re.compile(r"\s*\)")


def _merge_repeated(text: str, found: list[NumberMention]) -> list[NumberMention]:
    """A number repeated in brackets ("3 (three) civilians", "five (5) people", legal and official
    style) is one number: the first mention spans both, so rules see one count before the noun."""
    out = [found[0]]
    for n in found[1:]:
        prev = out[-1]
        if n.value == prev.value and n.qualifier == "exact" and not n.vague:
            gap = _REPEAT_OPEN_RE.fullmatch(text, prev.end, n.start)
            close = _REPEAT_CLOSE_RE.match(text, n.end)
            if gap and close:
                out[-1] = NumberMention(prev.value, prev.qualifier, prev.start, close.end(), prev.num_start, prev.vague)
                continue
        out.append(n)
    return out


# The qualifiers a figure can carry, as QUALIFIERS and slavic.py name them (and
# casualties.choices.Qualifier stores them).
QUALIFIER_NAMES = ("exact", "at_least", "more_than", "up_to", "about")


def about_band(value: int) -> int:
    """How far either side of N "about N" reaches: 10 % of N rounded half up, at least 1.

    The one definition of "about N", for extraction and for reconciliation
    (``casualties.reconcile.claim_interval``); docs/RECONCILIATION.md gives the examples.

    >>> about_band(30), about_band(25), about_band(215), about_band(14), about_band(5), about_band(0)
    (3, 3, 22, 1, 1, 1)
    """
    # Integer arithmetic: (N + 5) // 10 is N / 10 rounded half up, with no float rounding
    # (Python's round() rounds 2.5 to 2, half to even). The floor of 1 keeps "about 5" from
    # meaning exactly 5.
    return max(1, (value + 5) // 10)


def bounds(value: int, qualifier: str) -> tuple[int, int | None]:
    """The interval [low, high] a figure stands for (high None when open-ended).

    >>> bounds(12, "exact"), bounds(100, "more_than"), bounds(30, "up_to"), bounds(30, "about"), bounds(1, "about")
    ((12, 12), (101, None), (0, 30), (27, 33), (0, 2))
    """
    if qualifier == "exact":
        return value, value
    if qualifier == "at_least":
        return value, None
    if qualifier == "more_than":
        return value + 1, None
    if qualifier == "up_to":
        return 0, value
    if qualifier == "about":
        band = about_band(value)
        return max(0, value - band), value + band
    raise ValueError(f"Unknown qualifier {qualifier!r}; expected one of {', '.join(QUALIFIER_NAMES)}.")


# "a 45-year-old woman", "an elderly man", "a local resident": one person, a count of one when a
# casualty word follows ("... was killed"). The letter test before the lookbehind lets the engine
# scan for "a" fast (it is "\\ban?").
_SINGULAR = (
    r"man|woman|person|boy|girl|child|baby|infant|toddler|teenager|teen|schoolboy|schoolgirl|pensioner|retiree|"
    r"resident|civilian|citizen|local|driver|volunteer|rescuer|firefighter|paramedic|medic|doctor|nurse|"
    r"journalist|policeman|policewoman|police\s+officer|officer|soldier|serviceman|worker|employee|passenger|student"
)
_GAP_WORD = r"(?!(?:an?|the|and|or|of|in|on|at|to|by|with|from|was|were|is|are|has|had|hit|killed|injured)\b)[\w'-]+"
SINGLE_RE = ci(rf"a(?<!\w.)n?(?=\s+(?:{_GAP_WORD}\s+){{0,3}}?(?:{_SINGULAR})\b)")
# "The driver was killed", "killing the pilot": one person named by role. A count of one, weak, but
# never added to another (``definite``): "the woman" is often the "a woman" of a sentence before.
_ROLE = (
    r"driver|pilot|conductor|passenger|owner|guard|watchman|security\s+guard|cashier|shopkeeper|"
    r"farmer|fisherman|rescuer|firefighter|paramedic|medic|doctor|nurse|volunteer|journalist|photographer|"
    r"policeman|policewoman|police\s+officer|soldier|serviceman|worker|employee|teacher|priest"
)
DEFINITE_RE = ci(rf"the(?<!\w...)(?=\s+(?:{_GAP_WORD}\s+){{0,2}}?(?:{_ROLE})\s+(?:was|has\s+been|had\s+been|died)\b)")


def single_mentions(text: str, skip: list[tuple[int, int]] | None = None) -> list[NumberMention]:
    """Every "a"/"an" that introduces one person, as a mention of the number one (``single``),
    and every "the" before one person named by role and a verb ("the driver was", ``definite``)."""
    spans = sorted(skip or ())
    starts = [a for a, _ in spans]
    reach = list(accumulate((b for _, b in spans), max))
    out = []
    low = lower_same_length(text)
    for m in SINGLE_RE.finditer(low):
        i = bisect_left(starts, m.end())
        if i and reach[i - 1] > m.start():
            continue
        out.append(NumberMention(1, "exact", m.start(), m.end(), m.start(), single=True))
    # (DEFINITE_RE starts with the literal "the": the engine's fastest kind of scan)
    for m in DEFINITE_RE.finditer(low):
        i = bisect_left(starts, m.end())
        if i and reach[i - 1] > m.start():
            continue
        out.append(NumberMention(1, "exact", m.start(), m.end(), m.start(), definite=True))
    out.sort(key=lambda n: n.start)
    return out
