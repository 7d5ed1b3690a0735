# ruff: noqa: RUF001  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""Dates in news text, resolved against the publication date.

Conventions (see docs/EXTRACTION.md):
- "overnight", "last night", "tonight", "this morning", "today" -> the publication date.
  Night-time strikes are reported in the morning and mostly fall after midnight, and
  Ukrainian authorities name a night by its morning ("the night of 24 April" = the
  night into 24 April).
- "on the night of 23 to 24 April" -> 24 April, for the same reason.
- "yesterday" -> the day before publication.
- a weekday ("on Thursday", "Thursday's strike", "early on Sunday", "Friday night")
  -> the most recent such day on or before publication.
- a day and month without a year take the publication year, or the year before when
  that would put the date more than two days after publication.
- "over the weekend" -> the Saturday of the most recent weekend, precision "week".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from extraction.strike import STRIKE_RE, STRONG_STRIKE_RE
from extraction.text import ci, keyword_windows, lower_same_length, sentence_of, windowed_finditer

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MON = r"(?P<mon>January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"  # noqa: E501
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_RANGE_FIRST = r"(?:(?P<d0>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|to|into|and)\s*)?"
_YEAR = r"(?:,?\s+(?P<y>(?:19|20)\d\d))?"

DATE_RE = re.compile(
    rf"""
      (?P<iso>(?P<iy>(?:19|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d))
    | (?P<num>(?P<na>[0-3]?\d)[./](?P<nb>[01]?\d)[./](?P<ny>(?:19|20)\d\d))
    | (?P<dm>\b{_RANGE_FIRST}{_DAY}\s+(?:of\s+)?{_MON}{_YEAR}\b)
    | (?P<md>\b{_MON2}\s+(?:(?P<e0>[0-3]?\d)(?:st|nd|rd|th)?\s*(?:-|–|to|into)\s*)?
        (?P<e>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>(?:19|20)\d\d))?)
    """,
    re.VERBOSE,
)
MONTH_RE = re.compile(
    r"\b(?P<mon>January|February|March|April|June|July|August|September|October|November|December)\s{1,10}(?P<y>(?:19|20)\d\d)\b"
    r"|\bin\s{1,10}(?P<mon3>January|February|March|April|May|June|July|August|September|October|November|December)\b"
    # "in March 2023": its year too (without it "in March" matched first and took the anchor's year)
    r"(?:\s{1,10}(?P<y3>(?:19|20)\d\d)\b)?"
)
WEEKDAY_RE = re.compile(
    r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:['’]s)?"
    r"(?P<part>\s{1,13}(?:night|morning|evening|afternoon))?\b"
)
# Case-insensitive, run on lower-cased text (``text.ci``); "[ytolae](?<!\w.)" is "\b[ytolae]"
# written so that the engine can scan for the first letter fast.
RELATIVE_RE = ci(
    r"(?P<rel>[ytolae](?<!\w.)(?:(?<=y)esterday|(?<=t)oday|(?<=t)onight|(?<=o)vernight|(?<=l)ast\s{1,6}night|"
    r"(?<=t)his\s{1,6}morning|(?<=e)arlier\s{1,6}today|(?<=o)ver\s{1,6}the\s{1,6}weekend|(?<=a)t\s{1,6}the\s{1,6}weekend|"
    r"(?<=o)n\s{1,6}the\s{1,6}weekend|(?<=t)his\s{1,6}weekend|(?<=l)ast\s{1,6}weekend))\b"
)
TIME_RE = re.compile(
    r"\b(?:[0-2]?\d[:.][0-5]\d(?:\s*(?:a\.m\.|p\.m\.|am|pm|hrs|h)\b)?|[01]?\d\s*(?:a\.m\.|p\.m\.|am\b|pm\b)|(?:19|20)\d\d\b)"
)


# Every match of these patterns contains one of these words: they are searched only around them
# (``text.keyword_windows``; the spans allow for the longest match before and after the word).
_WEEKDAY_KEYS = ("day",)
_MONTH_KEYS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_RELATIVE_KEYS = ("yesterday", "today", "tonight", "night", "morning", "weekend")


@dataclass(slots=True)
class DateMention:
    """A date expression: its span, kind, and the date it resolves to (None when it cannot)."""

    start: int
    end: int
    kind: str  # explicit | weekday | relative | month
    date: dt.date | None
    precision: str  # day | week | month
    has_year: bool = False
    weekday: int | None = None
    month_day: tuple[int, int] | None = None


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _with_year(month: int, day: int, anchor: dt.date | None) -> dt.date | None:
    if anchor is None:
        return None
    d = _safe_date(anchor.year, month, day)
    if d and d > anchor + dt.timedelta(days=2):
        d = _safe_date(anchor.year - 1, month, day)
    return d


def last_weekday(weekday: int, anchor: dt.date) -> dt.date:
    """The most recent ``weekday`` on or before ``anchor``."""
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


_DIGIT_RUN = re.compile(r"\d+")
_MONTH_START = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")


def digit_runs(text: str) -> list[tuple[int, int]]:
    """The spans of the runs of digits in ``text`` (found once, used by several scans)."""
    return [m.span() for m in _DIGIT_RUN.finditer(text)]


def _date_matches(text: str, runs: list[tuple[int, int]] | None = None):
    """The matches of ``DATE_RE.finditer(text)``, found faster.

    Every date starts at a digit or at a month name after a word boundary, so the pattern is
    tried only there (two scans the engine does quickly), leftmost first and without overlap,
    exactly as ``finditer`` would. In a run of digits from ``a`` to ``b`` a date can only start at
    ``a``, four digits before a "-" (2025-04-24) or one or two before a "." or "/" (24.04.2025)."""
    starts = []
    n = len(text)
    for a, b in digit_runs(text) if runs is None else runs:
        after = text[b] if b < n else ""
        # At the run's start: a day (one or two digits) or a year of four before "-".
        if b - a <= 2 or (b - a == 4 and after == "-"):
            starts.append(a)
        if after == "-" and b - 4 > a:
            starts.append(b - 4)
        elif after in "./" and after:
            starts += [p for p in (b - 2, b - 1) if p > a]
    starts += [m.start() for m in _MONTH_START.finditer(text) if m.start() == 0 or not text[m.start() - 1].isalnum()]
    starts.sort()
    pos = 0
    for c in starts:
        if c < pos:
            continue
        m = DATE_RE.match(text, c)
        if m is not None:
            yield m
            pos = m.end()


def explicit_dates(text: str, runs: list[tuple[int, int]] | None = None) -> list[DateMention]:
    """Dates written with a day and month (with or without a year), unresolved when yearless."""
    out = []
    for m in _date_matches(text, runs):
        if m.group("iso"):
            d = _safe_date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
            if d:
                out.append(DateMention(m.start(), m.end(), "explicit", d, "day", True, month_day=(d.month, d.day)))
        elif m.group("num"):
            a, b, y = int(m.group("na")), int(m.group("nb")), int(m.group("ny"))
            # Day first (European), unless that is impossible (01.15.2023 is 15 January).
            d = _safe_date(y, b, a) or _safe_date(y, a, b)
            if d:
                out.append(DateMention(m.start(), m.end(), "explicit", d, "day", True, month_day=(d.month, d.day)))
        elif m.group("dm"):
            mon = MONTHS[m.group("mon").lower().rstrip(".")]
            day = int(m.group("d"))
            if not 1 <= day <= 31:
                continue
            y = m.group("y")
            d = _safe_date(int(y), mon, day) if y else None
            out.append(DateMention(m.start(), m.end(), "explicit", d, "day", bool(y), month_day=(mon, day)))
        elif m.group("md"):
            mon = MONTHS[m.group("mon2").lower().rstrip(".")]
            day = int(m.group("e"))
            if not 1 <= day <= 31:
                continue
            y = m.group("y2")
            d = _safe_date(int(y), mon, day) if y else None
            out.append(DateMention(m.start(), m.end(), "explicit", d, "day", bool(y), month_day=(mon, day)))
    return out


def all_dates(text: str, anchor: dt.date | None, runs: list[tuple[int, int]] | None = None) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``anchor`` (the publication date).

    ``runs``: ``digit_runs(text)`` when the caller has it already."""
    out = explicit_dates(text, runs)
    for dm in out:
        if dm.date is None and dm.month_day:
            dm.date = _with_year(dm.month_day[0], dm.month_day[1], anchor)
    taken = [(d.start, d.end) for d in out]
    for m in windowed_finditer(WEEKDAY_RE, text, keyword_windows(text, _WEEKDAY_KEYS, 7, 25)):
        if any(a <= m.start() < b for a, b in taken):
            continue
        wd = WEEKDAYS[m.group("wd").lower()]
        d = last_weekday(wd, anchor) if anchor else None
        out.append(DateMention(m.start(), m.end(), "weekday", d, "day", weekday=wd))
    low = lower_same_length(text)
    for m in windowed_finditer(RELATIVE_RE, low, keyword_windows(low, _RELATIVE_KEYS, 20, 2)):
        rel = " ".join(m.group("rel").lower().split())
        d = None
        precision = "day"
        if anchor:
            if rel == "yesterday":
                d = anchor - dt.timedelta(days=1)
            elif "weekend" in rel:
                d = last_weekday(5, anchor)
                precision = "week"
            else:
                d = anchor
        out.append(DateMention(m.start(), m.end(), "relative", d, precision))
    for m in windowed_finditer(MONTH_RE, text, keyword_windows(text, _MONTH_KEYS, 12, 15)):
        if any(a <= m.start() < b for a, b in taken):
            continue
        name = (m.group("mon") or m.group("mon3")).lower()
        mon = MONTHS[name]
        year = m.group("y") or m.group("y3")
        if year:
            d = dt.date(int(year), mon, 1)
        elif anchor:
            d = dt.date(anchor.year if mon <= anchor.month else anchor.year - 1, mon, 1)
        else:
            d = None
        out.append(DateMention(m.start(), m.end(), "month", d, "month"))
    out += holiday_dates(low, anchor)
    out.sort(key=lambda d: d.start)
    return out


# Church holidays news name strikes by ("the Palm Sunday strike on Sumy"). Ukraine keeps Easter
# by the Orthodox (Julian) reckoning; "Easter" in an English report on Ukraine means that one too.
_HOLIDAY_RE = re.compile(
    r"(?<!\w)(?:(?P<palm>palm\s+sunday|вербн\w*\s+неділ\w*|вербн\w*\s+воскресень\w*)|"
    r"(?P<easter>easter(?:\s+sunday)?|великд\w*|великодн\w*\s+неділ\w*|пасх\w*))(?!\w)"
)
_HOLIDAY_KEYS = ("palm", "easter", "вербн", "великд", "великодн", "пасх")


def orthodox_easter(year: int) -> dt.date:
    """Orthodox Easter Sunday (Meeus' Julian algorithm, moved to the Gregorian calendar: +13 days
    from 1900 to 2099)."""
    a, b, c = year % 4, year % 7, year % 19
    d = (19 * c + 15) % 30
    e = (2 * a + 4 * b - d + 34) % 7
    month, day = divmod(d + e + 114, 31)
    return dt.date(year, month, day + 1) + dt.timedelta(days=13)


def holiday_dates(low: str, anchor: dt.date | None) -> list[DateMention]:
    """ "Palm Sunday", "Easter", "Вербна неділя", "Великдень": the latest such day on or before the
    publication date (``low`` is the lower-cased text)."""
    if not any(k in low for k in _HOLIDAY_KEYS):
        return []
    out = []
    for m in _HOLIDAY_RE.finditer(low):
        date = None
        if anchor is not None:
            back = 7 if m.group("palm") else 0
            for year in (anchor.year, anchor.year - 1):
                day = orthodox_easter(year) - dt.timedelta(days=back)
                if day <= anchor + dt.timedelta(days=1):
                    date = day
                    break
        out.append(DateMention(m.start(), m.end(), "explicit", date, "day", False))
    return out


def time_spans(text: str, runs: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Spans of clock times and years, whose digits are never casualty figures.

    Each starts a run of digits at a word boundary, so ``TIME_RE`` is tried only there."""
    out: list[tuple[int, int]] = []
    end = 0
    for a, _b in digit_runs(text) if runs is None else runs:
        if a < end:
            continue
        m = TIME_RE.match(text, a)
        if m is not None:
            out.append(m.span())
            end = m.end()
    return out


# --- The event's date: which of the article's dates is the strike's ---

SPEECH_BEFORE_RE = ci(
    r"\b(?:said|says|told|stated|states|reported|reports|announced|wrote|added|address|declared|posted|denied|"
    r"confirmed|speaking|statement|published|updated|noted|claimed|tweeted|briefing)\b[^.;]{0,22}$"
)
SPEECH_AFTER_RE = ci(
    r"^[^.;]{0,30}?\b(?:said|says|told|stated|announced|wrote|declared|denied|has\s+declared|will|mourning)\b"
)
SINCE_BEFORE_RE = ci(r"\bsince\s+(?:a|an|the)?\s*$")
NIGHT_OF_BEFORE_RE = ci(r"(?:night|morning|evening)\s+of\s+$|overnight\s+on\s+$")
OVERNIGHT_RE = ci(r"overnight|last\s+night")
STRIKE_AFTER_DATE_RE = ci(r"\s*(?:['’]s)?\s*(?:\w+\s+){0,2}(?:strike|attack|shelling|barrage|assault|wave|bombardment)")
POSSESSIVE_RE = re.compile(r"['’]s")
PINNED_BY_NEXT_RE = re.compile(r",?\s+(?:on|of|into|to)\s+(?:the\s+)?")

DATELINE_RE = re.compile(
    r"[ \t]*(?P<place>[^\W\d_][\w'’.\- ]{0,40}?)(?:,[ \t]*[^\W\d_][\w ]{0,20}?)?"
    r"(?:,?[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8})(?:,?[ \t]+\d{4})?)?"
    r"[ \t]*(?P<agency>\([^()\n]{2,30}\))?[ \t]*[-–—]{1,2}[ \t]+"
)


# A recap of an earlier strike ("Напомним, 3 июля...", "Нагадаємо") or a day of mourning declared
# for a later date: a date there is not the strike's.
RECAP_RE = re.compile(r"(?<!\w)(?:напомним|нагадаємо|нагадуємо|жалоб\w*|траур\w*)")


def dateline_end(text: str) -> int:
    """Where the dateline at the start of ``text`` ends (0 when there is none)."""
    m = DATELINE_RE.match(text)
    if m is None or not (m.group("agency") or m.group("place").strip().isupper()):
        return 0
    return m.end()


def pinned(text: str, d: DateMention, starts: set[int]) -> bool:
    """ "overnight on April 24", "last night into Thursday": the written day says which night."""
    return d.kind == "relative" and (m := PINNED_BY_NEXT_RE.match(text, d.end)) is not None and m.end() in starts


def event_date(text, sents, dates: list[DateMention], pub, anchor, dateline_end: int = 0):
    """The strike's date: the best-placed date written in a strike context, else the dateline's
    date, else the publication date.

    ``text`` is the lower-cased article. The dateline's date ("KYIV, April 24 (Reuters) -") is when
    the report was filed: a fallback, never a candidate ("late on Tuesday" after it is the strike's)."""
    best = None
    best_score = -99.0
    hint = None
    starts = {d.start for d in dates}
    dateline = next((d for d in dates if d.start < dateline_end and d.date and d.kind == "explicit"), None)
    for d in dates:
        if d.start < dateline_end or pinned(text, d, starts):
            continue
        si = sentence_of(sents, d.start)
        if si < 0:
            continue
        s = sents[si]
        before = text[s.start : d.start]
        after = text[d.end : s.end]
        score = 0.0
        window = text[max(s.start, d.start - 90) : min(s.end, d.end + 90)]
        if STRIKE_RE.search(window):
            score += 2
        if STRONG_STRIKE_RE.search(window):
            score += 1
        if NIGHT_OF_BEFORE_RE.search(before):
            score += 1
        if d.kind == "relative" and d.precision == "day" and OVERNIGHT_RE.match(text, d.start, d.end):
            score += 1
        if STRIKE_AFTER_DATE_RE.match(after) or POSSESSIVE_RE.match(text, d.end - 2, d.end):
            score += 2
        if SPEECH_BEFORE_RE.search(before):
            score -= 3
        if SPEECH_AFTER_RE.search(after):
            score -= 2
        if SINCE_BEFORE_RE.search(before):
            score -= 6
        if s.heading:
            score -= 3
        if RECAP_RE.search(s.low):
            score -= 4
        if d.precision == "month":
            score -= 2
        if d.precision == "week":
            score -= 0.5
        score -= si * 0.05  # the lead comes first in news writing
        if d.date is None:
            if score >= 1 and hint is None:
                if d.weekday is not None:
                    hint = {"weekday": d.weekday}
                elif d.month_day:
                    hint = {"month": d.month_day[0], "day": d.month_day[1]}
            continue
        if pub and d.date > pub + dt.timedelta(days=1):
            continue
        if score > best_score:
            best, best_score = d, score
    if best is not None and best_score >= 0.5:
        return best.date.isoformat(), best.precision, "text", None
    if dateline is not None and (pub is None or dateline.date <= pub + dt.timedelta(days=1)):
        return dateline.date.isoformat(), "day", "dateline", None
    if pub is not None:
        return pub.isoformat(), "day", "published", None
    if best is not None and best_score >= -1:
        return best.date.isoformat(), best.precision, "text", None
    return None, None, None, hint
