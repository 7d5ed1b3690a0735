# ruff: noqa: RUF001  (Cyrillic words and typographic quotes are matched on purpose)
"""The scope of each sentence and figure: this event, another place, the whole night or war so far.

A figure belongs to the event unless its sentence says otherwise: a marker of the war so
far ("since the full-scale invasion"), of the whole country ("across Ukraine"), of an
earlier attack ("last month"), of another site ("elsewhere"), a place that is not the
event's, or a region's round-up ("in the Donetsk region" when the article is about a city
of it). Pure Python.
"""

from __future__ import annotations

import datetime as dt
import re

from extraction.text import (
    by_first_letter,
    ci,
    dispatch,
    expand_alternatives,
    required_literals,
    sentence_of,
    split_alternatives,
)

_c = ci
_MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
WAR_RE = _c(
    r"\b(?:in\s+the\s+war\b|of\s+the\s+war\b|during\s+the\s+war|since\s+the\s+(?:start|beginning|outbreak)|"
    r"since\s+(?:the\s+|Russia'?s\s+)?(?:full[-\s]scale\s+)?invasion|full[-\s]scale\s+invasion|"
    r"since\s+(?:24\s+)?(?:February\s+)?(?:24,?\s+)?20(?:14|22)|since\s+February|war[-\s]wide|throughout\s+the\s+war|"
    r"over\s+the\s+course\s+of\s+the\s+war|UN\s+(?:report|data|monitor|figures|human\s+rights)|OHCHR|HRMMU|"
    r"territory\s+controlled\s+by|territories\s+controlled|government[-\s]controlled|occupied\s+territor|"
    r"so\s+far\s+this\s+year|since\s+the\s+start\s+of\s+the\s+year|in\s+20\d\d\s+alone|since\s+the\s+war\s+began)"
)
NATIONWIDE_RE = _c(
    r"\b(?:across\s+(?:Ukraine|the\s+country|the\s+nation|(?:several|multiple|many|various|\w+)\s+(?:regions|oblasts|"
    r"cities|Ukrainian\s+cities))|nationwide|throughout\s+Ukraine|all\s+over\s+Ukraine|over\s+Ukraine|"
    r"(?:on|across|over)\s+the\s+territory\s+of\s+Ukraine|whole\s+country|entire\s+country|in\s+total\s+across|"
    r"(?:against|at|on)\s+(?:our|Ukrainian)\s+cities|across\s+multiple|in\s+(?:several|multiple|various|\d+|two|three|four|five|"
    r"six|seven|eight|nine|ten|eleven|twelve)\s+(?:regions|oblasts)|other\s+regions|the\s+rest\s+of\s+the\s+country)"
)
PAST_RE = _c(
    r"\b(?:last\s+(?:month|year|spring|summer|autumn|fall|winter)|a\s+(?:similar|previous|separate|earlier)\s+"
    r"(?:attack|strike)|(?:weeks|months|years)\s+(?:ago|earlier)|earlier\s+this\s+(?:month|year)|"
    rf"in\s+{_MONTHS}\s+(?:19|20)\d\d)"
)
OTHER_SITE_RE = _c(
    r"\b(?:elsewhere|more\s+locations|other\s+locations|another\s+(?:location|site|building|district|city|town|"
    r"village|region|strike|attack)|in\s+a\s+separate\s+(?:attack|strike)|separately|meanwhile)\b"
)
# One pass per sentence finds every scope marker; the group that matched names it. The
# leading word boundary of each marker pattern is hoisted out of the alternation (twice as fast).
_SCOPE_PARTS = (("war", WAR_RE), ("nationwide", NATIONWIDE_RE), ("past", PAST_RE), ("other_site", OTHER_SITE_RE))
assert all(rx.pattern.startswith(r"\b(?:") for _, rx in _SCOPE_PARTS)
# Written flat and nested by first letter (``text.dispatch``): an empty group after each
# alternative names its marker ("war__3").
SCOPE_MARKERS_RE = _c(
    r"\b"
    + dispatch(
        [
            f"{alt}(?P<{name}__{i}>)"
            for name, rx in _SCOPE_PARTS
            for i, alt in enumerate(expand_alternatives(split_alternatives(rx.pattern[2:])))
        ]
    )
)
CONTINUATION_RE = _c(r"^\s*(?:another|in\s+addition|additionally|of\s+them|of\s+those|of\s+these|also)\b")
STALE_SENTENCE_RE = _c(r"^\s*[\"“]?\s*(?:earlier|previously|initially|at\s+first|before\s+that)\b")
# "[lhn](?<!\w.)" is "\b[lhn]" written so that the engine can scan for the first letter fast.
UPDATE_SENTENCE_RE = _c(
    r"^\s*(?:update|updated)\b|[lhn](?<!\w.)(?:ater\s+(?:reported|said|confirmed|announced|clarified|updated)|"
    r"atest\s+(?:figures|data|toll)|as\s+(?:risen|increased|grown)|ow\s+stands)\b"
)
TOTAL_RE = _c(r"\b(?:in\s+total|a\s+total\s+of|altogether|overall|in\s+all)\b")
TOTAL_RE = by_first_letter(TOTAL_RE)
# Its runs of spaces are bounded so that the longest match (3 + "in" 4 "the" 4 "city" 4 "of" 4: 30
# characters) fits the 30 characters after the figure that figure_scopes reads.
PLACE_AFTER_RE = re.compile(r"\s{0,3}(?:in|on|at)\s{1,4}(?:the\s{1,4})?(?:city\s{1,4}of\s{1,4})?")
# The strings one of which a sentence-level pattern needs: sentences without any are not searched.
TOTAL_NEEDLES = required_literals(TOTAL_RE)
UPDATE_NEEDLES = required_literals(UPDATE_SENTENCE_RE)


def sentence_scopes(gaz, sents, main, sent_places: dict, gate) -> tuple[list[str], list[bool]]:
    """Per sentence, its scope and whether it states a total ("in total", "altogether").

    A marker in the sentence decides; else a place that is not the event's makes it "other_place";
    a paragraph opened by "elsewhere" or the war so far stays so; "of them", "also" continue the
    sentence before."""
    scopes: list[str] = []
    totals: list[bool] = []
    other_site_para = -1
    war_para = -1
    total_cands = gate.candidates(TOTAL_NEEDLES)
    for s in sents:
        t = s.low
        scope = "event"
        places_here = [p for p in sent_places.get(s.index, []) if p.kind != "country"]
        mentions_main = main is not None and any(gaz.related(p, main) for p in places_here)
        markers = {m.lastgroup.partition("__")[0] for m in SCOPE_MARKERS_RE.finditer(t)}
        if "other_site" in markers:
            other_site_para = s.paragraph
        if "war" in markers:
            scope = "war"
            war_para = s.paragraph
        elif "nationwide" in markers:
            scope = "nationwide"
        elif "past" in markers:
            scope = "past"
        elif (main is not None and places_here and not mentions_main) or s.paragraph == other_site_para:
            scope = "other_place"
        elif s.paragraph == war_para and not mentions_main:
            scope = "war"
        elif scopes and CONTINUATION_RE.search(t) and sents[s.index - 1].paragraph == s.paragraph:
            scope = scopes[-1]
        total = (s.index in total_cands and bool(TOTAL_RE.search(t))) or bool(
            totals and CONTINUATION_RE.search(t) and sents[s.index - 1].paragraph == s.paragraph and totals[-1]
        )
        scopes.append(scope)
        totals.append(total)
    return scopes, totals


def figure_scopes(gaz, text: str, raw: list, mentions: list, main, sent_places: dict, scopes: list[str]) -> list[str]:
    """The scope of each raw figure (``(figure, sentence)`` pairs): its sentence's, unless a place
    named right after it ("12 in Kharkiv") decides, or its sentence is a region's round-up."""
    place_after: dict[int, object] = {}
    regional: set[int] = set()
    by_start = {pm.start: pm for pm in mentions}
    for i, (f, s) in enumerate(raw):
        tm = PLACE_AFTER_RE.match(text, f.end, min(f.end + 30, s.end)) if main is not None else None
        pm = by_start.get(tm.end()) if tm else None
        if pm is None:
            continue
        place_after[i] = pm.place
        # "killed two and injured 10 in the Donetsk region" in an article about a city of that region,
        # in a sentence that does not name the city: the region's counts, wider than the event.
        if (
            pm.place.kind == "oblast"
            and main.kind != "oblast"
            and gaz.related(pm.place, main)
            and not any(p.kind != "oblast" and gaz.related(p, main) for p in sent_places.get(s.index, ()))
        ):
            regional.add(s.index)
    out = []
    for i, (_f, s) in enumerate(raw):
        scope = scopes[s.index]
        if s.index in regional and scope == "event":
            scope = "other_place"
        elif i in place_after and scope in ("event", "other_place"):
            # The place says where, not when: the war so far, the whole country's count or an
            # earlier attack stays so ("1,200 killed in Kharkiv since the invasion" is the war's).
            scope = "event" if gaz.related(place_after[i], main) else "other_place"
        out.append(scope)
    return out


def mark_far_dated(figures: list, sents, dates: list, event_date: str | None, text: str, dateline_end: int) -> None:
    """A figure of the event in a sentence dated days away from the event is about another attack:
    its scope becomes "past". ``text`` is the lower-cased article.

    (Not the dateline's date, nor one a speaker said something on: "officials said on Saturday",
    nor "overnight" pinned to a written day: "overnight on June 17".)"""
    from extraction.dates import SPEECH_BEFORE_RE, pinned

    if not event_date:
        return
    ev = dt.date.fromisoformat(event_date)
    date_starts = {d.start for d in dates}
    far = {
        sentence_of(sents, d.start)
        for d in dates
        if d.date
        and d.precision == "day"
        and abs((d.date - ev).days) > 3
        and d.start >= dateline_end
        and not SPEECH_BEFORE_RE.search(text, max(0, d.start - 40), d.start)
        and not pinned(text, d, date_starts)
    }
    far.discard(-1)
    for f in figures if far else ():
        if f.scope == "event" and sentence_of(sents, f.start) in far:
            f.scope = "past"


# Who speaks for, or acts over, the whole country: the attacker as a whole, the Air Force, air
# defence. A weapons count in a sentence naming one of these and no place is the night's count
# across Ukraine ("Russia launched 87 drones overnight", "Air defences shot down 64", "200 drones
# were launched against Ukraine in total"), not the
# count of the local strike the article reports.
NIGHT_ACTOR_RE = re.compile(
    r"(?<!\w)(?:russia|russian\s+(?:forces|troops|army|military)|the\s+enemy|moscow|air\s+force|"
    r"air\s+defen[cs]es?|ukraine['’]s\s+(?:air|military)|across\s+ukraine|(?:against|at|on|over)\s+ukraine(?!['’])|"
    r"in\s+total|повітрян\w*\s+сил\w*|ппо|"
    r"протиповітрян\w*|по\s+україні|ворог\w*|противник\w*|росі[яю]|росіян\w*|россиян\w*|рф|россия|"
    r"воздушн\w*\s+сил\w*)(?!\w)"
)


def night_wide(gaz, sentence_low: str, places_here: list, main) -> str | None:
    """The area whose night-long count a weapons count in this sentence is (see ``NIGHT_ACTOR_RE``):
    "Ukraine" when the sentence names no place, the oblast's name when it names only the oblast of
    the event ("the enemy attacked the Odesa region with 45 drones"), else None (the event's own).
    Only for an article about a city or district."""
    if main is None or main.kind not in ("city", "district"):
        return None
    named = [p for p in places_here if p.kind != "country"]
    if any(p.kind != "oblast" or not gaz.related(p, main) for p in named):
        return None
    if NIGHT_ACTOR_RE.search(sentence_low) is None:
        return None
    return named[0].name if named else "Ukraine"
