# ruff: noqa: RUF001  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""Splitting an article into lines, paragraphs and sentences, keeping character offsets."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

try:  # the regex parser: a private module, stable in practice (Python 3.11+ name first)
    import re._constants as _sre_c
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_constants as _sre_c
    import sre_parse as _sre_parse

DATE_HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+")

_SENTENCE_END = re.compile(
    r"""(?<=[.!?])["”’»)\]]*\s+(?=["“‘«(\[]?[A-Z0-9\u0400-\u042F\u0404\u0406\u0407\u0490•\-–])"""
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Maj|Capt|Sgt|St|Jr|Sr|No|Nos|vs|etc|approx|incl|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.|\b(?:a\.m|p\.m|U\.S|U\.K|U\.N)\.)$"
)


def lower_same_length(s: str) -> str:
    """``s`` lower-cased with every character kept in place (offsets stay valid).

    The few characters whose lower case is longer ("İ") are left as they are."""
    low = s.lower()
    if len(low) == len(s):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in s)


_UPPER_ESCAPE = re.compile(r"(?<!\\)\\[A-Z]")


def ci(pattern: str, flags: int = 0) -> re.Pattern:
    """A case-insensitive pattern compiled to run on lower-cased text (``lower_same_length``).

    Python's regex engine is several times slower with IGNORECASE, and a pattern that
    starts with alternative literal words only gets its fast first-character scan
    without it; matching lower-cased text with a lower-cased pattern is the same test."""
    if _UPPER_ESCAPE.search(pattern):
        raise ValueError(f"pattern uses an upper-case escape, which lower-casing would change: {pattern[:60]}")
    low = pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P=")
    return re.compile(low, flags & ~re.IGNORECASE)


@dataclass(slots=True)
class Sentence:
    """One sentence: its text, its offsets in the article, its paragraph, and whether it is a heading."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int
    heading: bool
    low: str = ""  # ``text`` lower-cased (same length), for the case-insensitive rules


def keyword_windows(text: str, keywords, before: int, after: int) -> list[tuple[int, int]]:
    """The spans around every occurrence of ``keywords`` in ``text``, ``before`` characters before
    and ``after`` after each, merged where they touch.

    A pattern whose every match contains one of the keywords, starts at most ``before`` characters
    before it and needs at most ``after`` characters after it (lookaheads included) finds the same
    matches searched only in these spans (``windowed_finditer``): ``str.find`` skips the rest of the
    text far faster than the regex engine would."""
    spans = []
    find = text.find
    for k in keywords:
        i = find(k)
        while i >= 0:
            spans.append((i - before, i + len(k) + after))
            i = find(k, i + 1)
    if not spans:
        return []
    spans.sort()
    n = len(text)
    out: list[tuple[int, int]] = []
    a0, b0 = max(spans[0][0], 0), spans[0][1]
    for a, b in spans[1:]:
        if a <= b0:
            b0 = max(b0, b)
        else:
            out.append((a0, min(b0, n)))
            a0, b0 = a, b
    out.append((a0, min(b0, n)))
    return out


def windowed_finditer(rx: re.Pattern, text: str, windows: list[tuple[int, int]]):
    """``rx.finditer(text)`` restricted to ``windows`` (see ``keyword_windows``).

    Searching from a window's start still sees the text before it (lookbehinds, word boundaries)."""
    for a, b in windows:
        yield from rx.finditer(text, a, b)


def split_date_header(text: str) -> tuple[str | None, str]:
    """A leading ' date YYYY-MM-DD ' line gives the publication date; return (date, rest)."""
    m = DATE_HEADER_RE.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end() :]


_LINE = re.compile(r"[^\n]+")
_FINAL = re.compile(r"""[.!?:;"”’»)]$""")


def _is_heading(line: str) -> bool:
    """A line with no sentence-final punctuation: a headline, caption, byline or section label."""
    return not _FINAL.search(line.rstrip())


class SentenceList(list):
    """The sentences of a text in order, with their start offsets (``starts``) for bisection."""

    __slots__ = ("starts",)


def _lines(text: str) -> list[tuple[int, int]]:
    """The spans of the text's lines, a hard-wrapped line joined to the one it continues.

    A line that ends without sentence-final punctuation and is followed, after a single line
    break, by one starting with a lower-case letter is one line wrapped in two ("killing two and
    injuring 12" / "in Odesa."), as a reader reads it; a blank line or a capital still starts a
    new paragraph (a headline, then its story)."""
    spans: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        line = m.group()
        if not line.strip():
            continue
        if (
            spans
            and m.start() == spans[-1][1] + 1
            and line.lstrip()[0].islower()
            and _is_heading(text[spans[-1][0] : spans[-1][1]])
        ):
            spans[-1] = (spans[-1][0], m.end())
        else:
            spans.append((m.start(), m.end()))
    return spans


def sentences(text: str) -> SentenceList:
    """The sentences of ``text`` with offsets; each line (``_lines``) is split separately."""
    out = SentenceList()
    low = lower_same_length(text)
    paragraph = -1
    for base, end in _lines(text):
        line = text[base:end]
        paragraph += 1
        heading = _is_heading(line) and len(line) < 250
        start = 0
        for m in _SENTENCE_END.finditer(line):
            if _ABBREV.search(line[max(0, m.start() - 6) : m.start()]):
                continue
            piece = line[start : m.start()]
            if piece.strip():
                out.append(_make(piece, base + start, paragraph, len(out), heading))
            start = m.end()
        piece = line[start:]
        if piece.strip():
            out.append(_make(piece, base + start, paragraph, len(out), heading))
    for s in out:
        s.low = low[s.start : s.end]
    out.starts = [s.start for s in out]
    return out


def _make(piece: str, start: int, paragraph: int, index: int, heading: bool) -> Sentence:
    lead = len(piece) - len(piece.lstrip())
    piece_stripped = piece.strip()
    return Sentence(piece_stripped, start + lead, start + lead + len(piece_stripped), paragraph, index, heading)


# --- Literal pre-filters ---

_PLAIN_FIRST = re.compile(r"[a-z0-9~](?![?*+{])")


def expand_alternatives(alts: list[str]) -> list[str]:
    """``alts`` with each that starts with a group of alternatives, ``(?:a|b)rest``, written out
    as ``arest``, ``brest`` in their place (the same matches, tried in the same order)."""
    out: list[str] = []
    for alt in alts:
        if alt.startswith("(?:"):
            parts, tail = _split_group(alt)
            # (A quantifier after the group would make the expansion wrong.)
            if len(parts) > 1 and not tail.startswith(("?", "*", "+", "{")):
                out += expand_alternatives([p + tail for p in parts])
                continue
        out.append(alt)
    return out


def dispatch(alts: list[str]) -> str:
    """One group for ``alts``, alternatives sharing a first letter nested under it.

    At a given place only the alternatives starting with the letter there can match, and among
    them the order is kept, so the matches are the same; the engine then checks a few first
    letters instead of every alternative. Left flat when some alternative does not start with a
    plain letter or digit."""
    if not all(_PLAIN_FIRST.match(a) for a in alts):
        return "(?:" + "|".join(alts) + ")"
    groups: dict[str, list[str]] = {}
    for a in alts:
        groups.setdefault(a[0], []).append(a[1:])
    return "(?:" + "|".join(f"{ch}(?:{'|'.join(rest)})" for ch, rest in groups.items()) + ")"


def split_alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern written as ``(?:a|b|c)tail``, each with the tail.

    ``(?:a|b)t`` and ``at|bt`` match the same, tried in the same order; written flat, each
    alternative that starts with a letter is skipped by the engine at a glance."""
    parts, tail = _split_group(pattern)
    return [p + tail for p in parts]


def _split_group(pattern: str) -> tuple[list[str], str]:
    """The alternatives of the leading ``(?:...)`` of ``pattern``, and what follows it."""
    if not pattern.startswith("(?:"):
        raise ValueError(f"not a group of alternatives: {pattern[:40]}")
    depth = 0
    parts: list[str] = []
    cur = []
    i = 3
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            cur.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                parts.append("".join(cur))
                return parts, pattern[i + 1 :]
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    raise ValueError(f"unbalanced pattern: {pattern[:40]}")


def required_literals(rx: re.Pattern) -> frozenset[str] | None:
    """Strings one of which every match of ``rx`` contains (None when there is no such set).

    Read from the parsed pattern: a literal run in the top-level sequence, or the union over
    the branches of an alternation; of the candidates the one whose shortest string is longest.
    Lookarounds and optional parts never count, so the set is always a safe test: a text with
    none of the strings has no match."""
    return _required(_sre_parse.parse(rx.pattern, rx.flags))


def _required(items) -> frozenset[str] | None:
    c = _sre_c
    cands: list[frozenset[str]] = []
    lit = ""
    for op, av in items:
        if op is c.LITERAL:
            lit += chr(av)
            continue
        if lit:
            cands.append(frozenset({lit}))
            lit = ""
        found = None
        if op is c.SUBPATTERN:
            found = _required(av[-1])
        elif op is c.BRANCH:
            parts = [_required(branch) for branch in av[1]]
            if parts and all(parts):
                found = frozenset().union(*parts)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            found = _required(av[2])
        if found:
            cands.append(found)
    if lit:
        cands.append(frozenset({lit}))
    if not cands:
        return None
    # The rarest-looking group: longest shortest string, fewest common words, fewest strings.
    return max(cands, key=lambda group: (min(map(len, group)), -len(group & _COMMON), -len(group)))


_COMMON = frozenset({"the", "and", "for", "that", "this", "with", "all", "was", "were", "has", "have", "had", "from"})


class SentenceGate:
    """Which sentences contain one of some strings, found with ``str.find`` over the whole
    lower-cased text (far faster than running a pattern over every sentence)."""

    def __init__(self, low: str, sents: list[Sentence]):
        self.low = low
        self.sents = sents
        self.starts = getattr(sents, "starts", None) or [s.start for s in sents]

    def candidates(self, needles) -> set[int]:
        """Indexes of the sentences that hold one of ``needles`` entirely; every sentence when None."""
        if needles is None:
            return set(range(len(self.sents)))
        out: set[int] = set()
        find = self.low.find
        starts = self.starts
        sents = self.sents
        for k in needles:
            i = find(k)
            while i >= 0:
                si = bisect_right(starts, i) - 1
                if si >= 0 and i + len(k) <= sents[si].end:
                    out.add(si)
                    i = find(k, sents[si].end)  # the rest of this sentence adds nothing
                else:
                    i = find(k, i + 1)
        return out


def by_first_letter(rx: re.Pattern) -> re.Pattern:
    """``rx`` (``\\b(?:a|b|...)tail``) with its alternatives nested by first letter: the same matches
    found two to three times faster (``dispatch``)."""
    assert rx.pattern.startswith(r"\b(?:"), rx.pattern[:20]
    return re.compile(r"\b" + dispatch(expand_alternatives(split_alternatives(rx.pattern[2:]))), rx.flags)


def sentence_of(sents: list[Sentence], pos: int) -> int:
    """The index of the sentence holding ``pos``, -1 when it falls between sentences."""
    starts = getattr(sents, "starts", None)
    if starts is None:
        starts = [s.start for s in sents]
    si = bisect_right(starts, pos) - 1
    return si if si >= 0 and pos < sents[si].end else -1
