# ruff: noqa: RUF001, RUF003  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""From an article's text (and publication date) to a structured report. Pure Python."""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import asdict, dataclass, field

from extraction.dates import DateMention, all_dates, digit_runs, time_spans
from extraction.figures import (
    PH0,
    RawFigure,
    SentenceFigures,
    _child_category,
    gate_mask,
    may_find,
    zero_figures,
)
from extraction.gazetteer import CATEGORY_LABELS, Gazetteer, PlaceRec, default_gazetteer
from extraction.numbers import NUMBERISH_RE, bounds, number_mentions, single_mentions
from extraction.text import (
    Sentence,
    SentenceGate,
    ci,
    dispatch,
    expand_alternatives,
    lower_same_length,
    required_literals,
    sentences,
    split_alternatives,
)

CASUALTY = ("killed", "injured", "missing", "children_killed", "children_injured")
WEAPONS = ("launched", "intercepted")
# "casualties" (killed and injured together) is kept as a figure for the reader, never a headline.
CATEGORIES = (*CASUALTY, *WEAPONS, "casualties")
HEADLINE_CATEGORIES = CASUALTY + WEAPONS


def _c(p: str) -> re.Pattern:
    # Case-insensitive rules run on lower-cased text (``Sentence.low``, ``low``): see ``text.ci``.
    return ci(p)


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
    r"against\s+(?:our|Ukrainian)\s+cities|across\s+multiple|in\s+(?:several|multiple|various|\d+|two|three|four|five|"
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
STRIKE_RE = _c(
    r"\b(?:attack(?:s|ed)?|strikes?|struck|hit|hits|shell(?:ing|ed)|bombard\w*|barrage|assault|explosions?|"
    r"blasts?|missiles?|drones?|rockets?|airstrikes?|air\s+raid|bomb(?:s|ed|ing)?|debris|rubble|destroyed|damaged|"
    r"killed|killing|wounded|injured|casualties|dead)\b"
)
STRONG_STRIKE_RE = _c(
    r"\b(?:(?:missile|drone|rocket|air|artillery|bomb|ballistic|combined|massive|russian)\s+(?:attacks?|strikes?)|"
    r"attack(?:ed)?\s+(?:on|against)|strikes?\s+on|struck|(?:was|were)\s+hit|hit\s+(?:a|an|the)|shelled|shelling|"
    r"killed|killing|wounded|injured|dead|death\s+toll|"
    # "Russian drones attacked Odesa", "a missile slammed into"
    r"(?:missiles?|drones?|rockets?|bombs?|shells?|shaheds?)\s+(?:attacked|targeted|pounded|slammed|hit|rained))\b"
)
OFF_TOPIC_RE = _c(
    r"\b(?:talks|negotiat\w+|ceasefire|cease-fire|peace\s+(?:deal|plan|accord|process|talks)|prisoner|exchange|swap|"
    r"sanctions|summit|delegation|memorandum|diplomat\w*|econom\w+|GDP|inflation|budget|loan|tariffs?|exports?|"
    r"imports?|elections?|parliament|referendum|visit|agreement|treaty|deliver(?:y|ies|ed|s)?|supplies|shipments?|"
    r"aid\s+package|military\s+aid|Patriots?|IRIS-T|NASAMS|funding|shadow\s+fleet|oil\s+prices?)\b"
)


def _by_first_letter(rx: re.Pattern) -> re.Pattern:
    """``rx`` (``\\b(?:a|b|...)tail``) with its alternatives nested by first letter: the same matches
    found two to three times faster (``text.dispatch``)."""
    assert rx.pattern.startswith(r"\b(?:"), rx.pattern[:20]
    return re.compile(r"\b" + dispatch(expand_alternatives(split_alternatives(rx.pattern[2:]))), rx.flags)


STRIKE_RE = _by_first_letter(STRIKE_RE)
STRONG_STRIKE_RE = _by_first_letter(STRONG_STRIKE_RE)
OFF_TOPIC_RE = _by_first_letter(OFF_TOPIC_RE)
TOTAL_RE = _by_first_letter(TOTAL_RE)

# A strike mentioned as background ("missiles that have struck Ukrainian cities", "attacks that
# have killed hundreds"): not the event an article reports.
BACKGROUND_RE = _c(
    r"\b(?:that|which|who)\s+(?:have|has|had)\s+(?:\w+\s+)?(?:struck|hit|killed|attacked|targeted|pounded|"
    r"terrori[sz]ed|devastated|damaged|destroyed)\b"
)
BACKGROUND_RE = _by_first_letter(BACKGROUND_RE)
SPEECH_BEFORE_RE = _c(
    r"\b(?:said|says|told|stated|states|reported|reports|announced|wrote|added|address|declared|posted|denied|"
    r"confirmed|speaking|statement|published|updated|noted|claimed|tweeted|briefing)\b[^.;]{0,22}$"
)
SPEECH_AFTER_RE = _c(
    r"^[^.;]{0,30}?\b(?:said|says|told|stated|announced|wrote|declared|denied|has\s+declared|will|mourning)\b"
)
SINCE_BEFORE_RE = _c(r"\bsince\s+(?:a|an|the)?\s*$")
ORIGIN_RE = _c(
    r"\b(?P<adj>North\s+Korean|DPRK|Iranian|Russian|Chinese|Belarusian)(?:[-\s](?:made|designed|produced|built|"
    r"manufactured|supplied|origin))?\b|\b(?:made|produced|manufactured|built|designed)\s+in\s+(?P<country>North\s+"
    r"Korea|Iran|Russia|China|Belarus|the\s+DPRK|Pyongyang)"
)
PLACE_AFTER_RE = re.compile(r"\s*(?:in|on|at)\s+(?:the\s+)?(?:city\s+of\s+)?")
NIGHT_OF_BEFORE_RE = _c(r"(?:night|morning|evening)\s+of\s+$|overnight\s+on\s+$")
OVERNIGHT_RE = _c(r"overnight|last\s+night")
STRIKE_AFTER_DATE_RE = _c(r"\s*(?:['’]s)?\s*(?:\w+\s+){0,2}(?:strike|attack|shelling|barrage|assault|wave|bombardment)")
POSSESSIVE_RE = re.compile(r"['’]s")
PINNED_BY_NEXT_RE = re.compile(r",?\s+(?:on|of|into|to)\s+(?:the\s+)?")
MADE_RE = _c(r"[-\s](?:made|designed|produced|built|manufactured)")
COMBINED_AFTER_RE = _c(r"\s+(?:and|or)\s+(?:\w+\s+)?(?:drones?|missiles?|UAVs?|rockets?)")
COUNT_GAP_RE = re.compile(r"\s+(?:[A-Za-z-]+\s+){0,2}")
COUNT_GAP_STOP_RE = re.compile(r"\b(?:of|out|and|in|on|at)\b")
# The strings one of which a sentence-level pattern needs: sentences without any are not searched.
# Only for patterns whose search costs more than finding their strings (each ``str.find`` over an
# article costs about as much as one short pattern over it): few strings or an expensive pattern.
NEEDLES = {rx: required_literals(rx) for rx in (OFF_TOPIC_RE, TOTAL_RE, UPDATE_SENTENCE_RE, ORIGIN_RE)}
# The sentences that may state a zero figure (``figures.ZERO_RE``) hold one of these.
ZERO_NEEDLES = (
    "nobody",
    "no one",
    "no-one",
    "no people",
    "no person",
    "no civilian",
    "no resident",
    "no casualt",
    "no injur",
    "no death",
    "no fatal",
    "no victim",
    "no reported",
    "without casualt",
)
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


@dataclass
class Figure:
    """One figure in the report, with its scope and the quote it came from."""

    category: str
    value: int
    low: int
    high: int | None
    qualifier: str
    scope: str
    quote: str
    start: int
    end: int
    stale: bool = False
    update: bool = False
    vague: bool = False
    total: bool = False
    heading: bool = False
    weak: bool = False
    single: bool = False  # one person written with "a"/"an": see _sum_single_victims


@dataclass
class Report:
    """What one article says about a strike: whether it reports one, when, where, with what, and the figures."""

    is_strike_report: bool
    event_date: str | None
    event_date_precision: str | None
    places: list[dict] = field(default_factory=list)
    munitions: list[dict] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    headline: dict = field(default_factory=dict)
    published: str | None = None
    event_date_source: str | None = None
    event_date_hint: dict | None = None

    def to_dict(self) -> dict:
        return {
            "is_strike_report": self.is_strike_report,
            "event_date": self.event_date,
            "event_date_precision": self.event_date_precision,
            "event_date_source": self.event_date_source,
            "event_date_hint": self.event_date_hint,
            "published": self.published,
            "places": self.places,
            "munitions": self.munitions,
            "figures": [asdict(f) for f in self.figures],
            "headline": self.headline,
        }

    @property
    def main_place(self) -> dict | None:
        return self.places[0] if self.places else None


def _as_date(value) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --- Places ---


@dataclass(slots=True)
class PlaceMention:
    start: int
    end: int
    place: PlaceRec
    sentence: int = -1


def _resolve_places(gaz: Gazetteer, raw) -> list[PlaceMention]:
    firsts = [c[0] for _, _, c in raw]
    out = []
    for i, (a, b, cands) in enumerate(raw):
        chosen = cands[0]
        if len(cands) > 1:
            others = [p for j, p in enumerate(firsts) if j != i and p.kind in ("city", "oblast")]
            for c in cands:
                if any(gaz._contains(o, c) for o in others if o.kind == "city"):
                    chosen = c
                    break
        out.append(PlaceMention(a, b, chosen))
    return out


def _sentence_of(sents: list[Sentence], pos: int) -> int:
    """The index of the sentence holding ``pos``, -1 when it falls between sentences."""
    starts = getattr(sents, "starts", None)
    if starts is None:
        starts = [s.start for s in sents]
    si = bisect_right(starts, pos) - 1
    return si if si >= 0 and pos < sents[si].end else -1


# "KYIV, April 24 (Reuters) -", "KRAMATORSK, Ukraine (AP) —", "Kyiv, 24 April (Reuters) –": the place
# (capitals, or any with an agency named), an optional country, an optional date, a dash.
DATELINE_RE = re.compile(
    r"[ \t]*(?P<place>[^\W\d_][\w'’.\- ]{0,40}?)(?:,[ \t]*[^\W\d_][\w ]{0,20}?)?"
    r"(?:,?[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8})(?:,?[ \t]+\d{4})?)?"
    r"[ \t]*(?P<agency>\([^()\n]{2,30}\))?[ \t]*[-–—]{1,2}[ \t]+"
)


def _dateline_end(text: str) -> int:
    """Where the dateline at the start of ``text`` ends (0 when there is none)."""
    m = DATELINE_RE.match(text)
    if m is None or not (m.group("agency") or m.group("place").strip().isupper()):
        return 0
    return m.end()


def _rank_places(
    gaz: Gazetteer, mentions: list[PlaceMention], sents: list[Sentence], strike_sents: set[int], dateline_end: int = 0
):
    """Score places (districts count for their city): headline and lead mentions, frequency, strike context.

    A place in the dateline ("KYIV, April 24 (Reuters) -") is where the report was filed, not
    where the strike was: it counts as a plain mention, with none of the lead's weight."""
    scores: dict[str, float] = {}
    first_pos: dict[str, int] = {}
    first_body = next((s.index for s in sents if not s.heading), 0)
    for m in mentions:
        top = gaz.city_of(m.place)
        if top.kind == "country":
            continue
        w = 1.0
        s = sents[m.sentence] if m.sentence >= 0 and m.start >= dateline_end else None
        if s is not None:
            if s.index == 0 and s.heading:
                w += 3
            elif s.index <= first_body + 1:
                w += 2
            if s.index in strike_sents:
                w += 1
        w *= {"city": 1.5, "district": 1.2, "oblast": 0.5}.get(top.kind, 1.0)
        scores[top.ref_key] = scores.get(top.ref_key, 0) + w
        first_pos.setdefault(top.ref_key, m.start)
    return sorted(scores, key=lambda k: (-scores[k], first_pos[k])), scores


def _place_dict(gaz: Gazetteer, p: PlaceRec, mentions: int, first: int, last: int | None = None) -> dict:
    return {
        "name": p.name,
        "kind": p.kind,
        "oblast": gaz.oblast_name(p),
        "lat": p.latitude,
        "lon": p.longitude,
        "ref_key": p.ref_key,
        "mentions": mentions,
        "start": first,
        "end": last,
    }


# --- The extractor ---


def extract(text: str, published=None, gazetteer: Gazetteer | None = None) -> Report:
    """The report for one article: pure, no database (the gazetteer is plain data)."""
    gaz = gazetteer or default_gazetteer()
    pub = _as_date(published)
    sents = sentences(text)
    ltext = lower_same_length(text)

    # Dates first: their digits are never figures, and they give the anchor when no
    # publication date is known (the latest full date the text writes).
    anchor = pub
    runs = digit_runs(text)
    if anchor is None:
        full = [d for d in all_dates(text, None, runs) if d.date is not None and d.kind == "explicit" and d.has_year]
        if full:
            anchor = max(d.date for d in full)
    dates = all_dates(text, anchor, runs)
    skip_global = [(d.start, d.end) for d in dates if d.kind != "relative"] + time_spans(text, runs)

    gate = SentenceGate(ltext, sents)
    strike_sents = {s.index for s in sents if STRIKE_RE.search(s.low)}

    # Places
    raw_places = gaz.find_places(text)
    pmentions = _resolve_places(gaz, raw_places)
    for m in pmentions:
        m.sentence = _sentence_of(sents, m.start)
    dateline_end = _dateline_end(text)
    order, _scores = _rank_places(gaz, pmentions, sents, strike_sents, dateline_end)
    main = gaz.by_ref[order[0]] if order else None

    sent_places: dict[int, list[PlaceRec]] = {}
    for m in pmentions:
        sent_places.setdefault(m.sentence, []).append(m.place)

    # Scope of each sentence
    scopes: list[str] = []
    totals: list[bool] = []
    other_site_para = -1
    war_para = -1
    total_cands = gate.candidates(NEEDLES[TOTAL_RE])
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

    # Figures
    figures: list[Figure] = []
    last_casualty: RawFigure | None = None
    event_day = None  # filled after the date is known; used for the "past date" scope below
    raw_all: list[tuple[RawFigure, Sentence]] = []
    # Numbers are found in one pass over the text, then handed to their sentences.
    all_nums = number_mentions(text, skip_global)
    all_nums += single_mentions(text, skip_global + [(n.start, n.end) for n in all_nums])
    all_nums.sort(key=lambda n: n.start)
    nums_by_sentence: dict[int, list] = {}
    for n in all_nums:
        si = _sentence_of(sents, n.start)
        if si >= 0 and n.end <= sents[si].end:
            nums_by_sentence.setdefault(si, []).append(n)  # article offsets: base=s.start below
    update_cands = gate.candidates(NEEDLES[UPDATE_SENTENCE_RE])
    zero_cands = gate.candidates(ZERO_NEEDLES)
    for s in sents:
        local = nums_by_sentence.get(s.index)
        sf = None
        if local:
            # A sentence whose words open no rule's gate yields no figure: not even set up.
            mask = gate_mask(s.low)
            if may_find(mask):
                sf = SentenceFigures(s.text, s.start, [], nums=local, base=s.start, mask=mask)
        found = sf.run() if sf is not None else []
        if s.index in zero_cands:
            zeros = zero_figures(s.low, s.start)
            if zeros:
                found = sorted(found + zeros, key=lambda f: f.start)
        if not found and sf is None:
            continue
        stale_all = bool(found) and bool(STALE_SENTENCE_RE.search(s.low))
        update_all = bool(found) and s.index in update_cands and bool(UPDATE_SENTENCE_RE.search(s.low))
        for f in found:
            f.sentence = s.index
            f.heading = s.heading
            f.total = totals[s.index]
            f.stale = f.stale or stale_all
            f.update = (f.update or update_all) and not f.stale
            raw_all.append((f, s))
            if f.category in ("killed", "injured") and f.value:
                last_casualty = f
        for ni, a, b in getattr(sf, "_pending_of_them", []) if sf is not None else ():
            # "Four of them are children": children among the last casualty figure.
            if last_casualty is None:
                continue
            ccat = _child_category(last_casualty.category)
            n = sf.nums[ni]
            st, en = sf.span(a, b)
            cf = RawFigure(ccat, n.value, n.qualifier, st, en, stale=last_casualty.stale)
            cf.sentence = s.index
            cf.heading = s.heading
            raw_all.append((cf, s))
    del event_day

    # A place named right after a figure ("12 in Kharkiv") decides its scope.
    place_after: dict[int, PlaceRec] = {}
    regional: set[int] = set()
    by_start = {pm.start: pm for pm in pmentions}
    for i, (f, s) in enumerate(raw_all):
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
    for i, (f, s) in enumerate(raw_all):
        scope = scopes[s.index]
        if s.index in regional and scope == "event":
            scope = "other_place"
        elif i in place_after:
            scope = "event" if gaz.related(place_after[i], main) else "other_place"
        low, high = bounds(f.value, f.qualifier)
        figures.append(
            Figure(
                category=f.category,
                value=f.value,
                low=low,
                high=high,
                qualifier=f.qualifier,
                scope=scope,
                quote=text[f.start : f.end],
                start=f.start,
                end=f.end,
                stale=f.stale,
                update=f.update,
                vague=f.vague,
                total=f.total,
                heading=f.heading,
                weak=f.weak,
                single=f.single,
            )
        )
    figures.sort(key=lambda f: (f.start, CATEGORIES.index(f.category)))

    # Event date
    event_date, precision, source, hint = _event_date(ltext, sents, dates, pub, anchor, dateline_end)

    # A figure in a sentence dated days away from the event is about another attack.
    if event_date:
        ev = dt.date.fromisoformat(event_date)
        # (Not the dateline's date, nor one a speaker said something on: "officials said on Saturday",
        # nor "overnight" pinned to a written day: "overnight on June 17".)
        date_starts = {d.start for d in dates}
        far = {
            _sentence_of(sents, d.start)
            for d in dates
            if d.date
            and d.precision == "day"
            and abs((d.date - ev).days) > 3
            and d.start >= dateline_end
            and not SPEECH_BEFORE_RE.search(ltext, max(0, d.start - 40), d.start)
            and not _pinned(ltext, d, date_starts)
        }
        far.discard(-1)
        for f in figures if far else ():
            if f.scope == "event" and _sentence_of(sents, f.start) in far:
                f.scope = "past"

    summed = _sum_single_victims(text, sents, figures)
    if summed:
        figures = sorted(figures + summed, key=lambda f: (f.start, CATEGORIES.index(f.category)))
    headline = _headline(figures)
    munitions = _munitions(gaz, text, ltext, sents, scopes)

    # Places for the report: main first, then the rest by score; districts of the main city follow it.
    places_out = []
    counts: dict[str, list[PlaceMention]] = {}
    for m in pmentions:
        counts.setdefault(m.place.ref_key, []).append(m)
    listed: list[str] = []
    if main is not None:
        listed.append(main.ref_key)
        listed += [k for k in counts if k != main.ref_key and gaz.by_ref[k].parent_ref == main.ref_key]
    listed += [k for k in order if k not in listed]
    listed += [k for k in counts if k not in listed and gaz.by_ref[k].kind != "country"]
    for k in listed:
        ms = counts.get(k, [])
        first = ms[0].start if ms else None
        places_out.append(_place_dict(gaz, gaz.by_ref[k], len(ms), first, ms[0].end if ms else None))

    is_strike = _is_strike_report(sents, main, figures, munitions, strike_sents, scopes, gate)
    if not is_strike:
        event_date = precision = source = None
        hint = None
    return Report(
        is_strike_report=is_strike,
        event_date=event_date,
        event_date_precision=precision,
        places=places_out,
        munitions=munitions,
        figures=figures,
        headline=headline,
        published=pub.isoformat() if pub else None,
        event_date_source=source,
        event_date_hint=hint,
    )


def _pinned(text: str, d: DateMention, starts: set[int]) -> bool:
    """ "overnight on April 24", "last night into Thursday": the written day says which night."""
    return d.kind == "relative" and (m := PINNED_BY_NEXT_RE.match(text, d.end)) is not None and m.end() in starts


def _event_date(text, sents, dates: list[DateMention], pub, anchor, dateline_end: int = 0):
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
        if d.start < dateline_end or _pinned(text, d, starts):
            continue
        si = _sentence_of(sents, d.start)
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


ANOTHER_VICTIM_RE = _c(r"\b(?:also|another|second|third|as\s+well|too|in\s+addition|additionally)\b")


def _sum_single_victims(text: str, sents, figures: list[Figure]) -> list[Figure]:
    """ "A man was killed in Kharkiv. A woman also died in hospital.": two victims, killed 2.

    Only one person per sentence, in two or more sentences, each after the first saying it is
    another victim ("also", "another", "a second"), and no other figure of the event for the
    category: otherwise the people may be the same or among a count already given."""
    out = []
    for cat in ("killed", "injured"):
        event = [f for f in figures if f.category == cat and f.scope == "event" and not f.stale and f.value]
        singles = [f for f in event if f.single]
        if len(singles) < 2 or len(singles) != len(event):
            continue
        by_sentence = {}
        for f in singles:
            by_sentence.setdefault(_sentence_of(sents, f.start), f)
        if len(by_sentence) != len(singles) or -1 in by_sentence:
            continue
        later = sorted(by_sentence)[1:]
        if not all(ANOTHER_VICTIM_RE.search(sents[si].low) for si in later):
            continue
        first, last = singles[0], singles[-1]
        low, high = bounds(len(singles), "exact")
        out.append(
            Figure(
                category=cat,
                value=len(singles),
                low=low,
                high=high,
                qualifier="exact",
                scope="event",
                quote=text[first.start : last.end],
                start=first.start,
                end=last.end,
            )
        )
    return out


def _headline(figures: list[Figure]) -> dict:
    """Per category, the event's figure: current over superseded, specific over vague, body over
    headline, the latest update of a rising toll, else the first (lead) figure."""
    out = {}
    for cat in HEADLINE_CATEGORIES:
        allowed = ("event", "nationwide") if cat in WEAPONS else ("event",)
        cands = [f for f in figures if f.category == cat and f.scope in allowed]
        if not cands:
            continue

        def key(f: Figure):
            return (
                not f.stale,
                not f.vague,
                not f.weak,
                f.value != 0,  # "no one was hurt" only when nothing else is said
                f.scope == "event",
                not f.total,
                not f.heading,
                f.update,
                f.start if f.update else -f.start,
            )

        best = max(cands, key=key)
        out[cat] = {
            "value": best.value,
            "qualifier": best.qualifier,
            "low": best.low,
            "high": best.high,
            "quote": best.quote,
            "start": best.start,
            "end": best.end,
            "scope": best.scope,
        }
    return out


def _munitions(gaz: Gazetteer, text: str, low: str, sents: list[Sentence], scopes: list[str]) -> list[dict]:
    # Only sentences that name an origin are searched for one; a sentence's own search is done once.
    origins = _OriginFinder(low, sents)
    models: dict[str, dict] = {}
    generics: dict[str, dict] = {}
    model_spans = []
    for a, b, rec in gaz.find_models(text):
        si = _sentence_of(sents, a)
        model_spans.append((a, b))
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
        si = _sentence_of(sents, a)
        if si >= 0 and scopes[si] in ("war", "past", "other_place"):
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
        self.may = SentenceGate(low, sents).candidates(NEEDLES[ORIGIN_RE])
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
    if si < 0 or scopes[si] != "event":
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


def _is_strike_report(sents, main, figures, munitions, strike_sents, scopes, gate: SentenceGate) -> bool:
    """A strike on a place: a Ukrainian place, and strike language or event figures outweigh other topics."""
    if main is None:
        return False
    strong = sum(
        1
        for s in sents
        if scopes[s.index] in ("event", "other_place")
        and STRONG_STRIKE_RE.search(s.low)
        and not (("that" in s.low or "which" in s.low or "who" in s.low) and BACKGROUND_RE.search(s.low))
    )
    off = sum(1 for i in gate.candidates(NEEDLES[OFF_TOPIC_RE]) if OFF_TOPIC_RE.search(sents[i].low))
    # "hundreds killed" in passing is no report of a strike; a specific figure is.
    event_figs = sum(1 for f in figures if f.scope == "event" and f.category in CASUALTY and not f.vague)
    score = strong + 2 * min(event_figs, 3) + (1 if munitions else 0)
    return score >= 2 and score > off * 0.75


__all__ = ["PH0", "Figure", "Report", "extract"]
