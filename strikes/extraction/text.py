# ruff: noqa: RUF001  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""Splitting an article into lines, paragraphs and sentences, keeping character offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` with offsets; each line is split separately."""
    out: list[Sentence] = []
    low = lower_same_length(text)
    paragraph = -1
    for line_match in _LINE.finditer(text):
        line = line_match.group()
        if not line.strip():
            continue
        paragraph += 1
        heading = _is_heading(line) and len(line) < 250
        base = line_match.start()
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
    return out


def _make(piece: str, start: int, paragraph: int, index: int, heading: bool) -> Sentence:
    lead = len(piece) - len(piece.lstrip())
    piece_stripped = piece.strip()
    return Sentence(piece_stripped, start + lead, start + lead + len(piece_stripped), paragraph, index, heading)
