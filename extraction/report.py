"""From an article's text (and publication date) to a structured report. Pure Python.

``extract`` runs the phases in order: read the text (sentences, dates), find the places,
give each sentence its scope, find the figures, date the event, name the weapons, decide
whether the article reports a strike. Each phase lives in its own module (``dates``,
``places``, ``scope``, ``figures``, ``munitions``, ``strike``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from extraction.dates import DateMention, all_dates, dateline_end, digit_runs, event_date, time_spans
from extraction.figure_rules import (
    CATEGORIES,
    HEADLINE_CATEGORIES,
    WEAPONS,
    RawFigure,
    child_category,
    gate_mask,
    may_find,
    zero_figures,
)
from extraction.figures import SentenceFigures
from extraction.gazetteer import Gazetteer, PlaceRec, default_gazetteer
from extraction.munitions import article_munitions, night_counts
from extraction.numbers import bounds, number_mentions, single_mentions
from extraction.places import PlaceMention, rank_places, report_places, resolve_places
from extraction.scope import (
    STALE_SENTENCE_RE,
    UPDATE_NEEDLES,
    UPDATE_SENTENCE_RE,
    figure_scopes,
    mark_far_dated,
    night_wide,
    sentence_scopes,
)
from extraction.slavic import (
    detect_language,
    listed_victims,
    slavic_dates,
    slavic_figures,
    slavic_numbers,
    victims_totals,
)
from extraction.strike import STRIKE_RE, is_strike_report
from extraction.text import Sentence, SentenceGate, ci, lower_same_length, sentence_of, sentences

# The sentences that may state a zero figure (``figure_rules.ZERO_RE``) hold one of these.
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
    # An earlier or less specific figure of the event for a category whose headline figure says
    # otherwise ("4 killed" before "8 killed", a lead's "more than 20" against "at least 21").
    superseded: bool = False


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
    language: str = "en"
    night_counts: list[dict] = field(default_factory=list)

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
            "language": self.language,
            "night_counts": self.night_counts,
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


@dataclass
class _Article:
    """The text read once: sentences, lower-cased text, dates and the spans no figure may come from."""

    text: str
    low: str
    sents: list[Sentence]
    pub: dt.date | None
    anchor: dt.date | None
    dates: list[DateMention]
    skip: list[tuple[int, int]]
    gate: SentenceGate
    strike_sents: set[int]
    dateline_end: int
    language: str

    @classmethod
    def read(cls, text: str, published) -> _Article:
        pub = _as_date(published)
        sents = sentences(text)
        low = lower_same_length(text)
        language = detect_language(low)
        # Dates first: their digits are never figures, and they give the anchor when no
        # publication date is known (the latest full date the text writes).
        anchor = pub
        runs = digit_runs(text)

        def find_dates(anchor):
            return all_dates(text, anchor, runs) if language == "en" else slavic_dates(low, anchor)

        dates = None
        if anchor is None:
            # Read without an anchor, the dates are the answer unless a full date gives one (then
            # they are read again against it): not read twice for nothing (issue 19).
            dates = find_dates(None)
            full = [d for d in dates if d.date is not None and d.kind == "explicit" and d.has_year]
            if full:
                anchor = max(d.date for d in full)
                dates = None
        if dates is None:
            dates = find_dates(anchor)
        skip = [(d.start, d.end) for d in dates if d.kind != "relative"] + time_spans(text, runs)
        strike_sents = {s.index for s in sents if STRIKE_RE.search(s.low)}
        gate = SentenceGate(low, sents)
        return cls(text, low, sents, pub, anchor, dates, skip, gate, strike_sents, dateline_end(text), language)


@dataclass
class _Places:
    """The article's place mentions, ranked; ``main`` is where the strike was."""

    mentions: list[PlaceMention]
    order: list[str]
    main: PlaceRec | None
    by_sentence: dict[int, list[PlaceRec]]


def extract(text: str, published=None, gazetteer: Gazetteer | None = None) -> Report:
    """The report for one article: pure, no database (the gazetteer is plain data)."""
    gaz = gazetteer or default_gazetteer()
    art = _Article.read(text, published)
    places = _find_places(gaz, art)
    scopes, totals = sentence_scopes(gaz, art.sents, places.main, places.by_sentence, art.gate)
    figures, night_sents = _figures(gaz, art, places, scopes, totals)
    date, precision, source, hint = event_date(art.low, art.sents, art.dates, art.pub, art.anchor, art.dateline_end)
    mark_far_dated(figures, art.sents, art.dates, date, art.low, art.dateline_end)
    figures = _with_summed_victims(text, art.sents, figures)
    munitions = article_munitions(gaz, text, art.low, art.sents, scopes, night_sents)
    is_strike = is_strike_report(art.sents, places.main, figures, munitions, art.strike_sents, scopes, art.gate)
    if not is_strike:
        date = precision = source = hint = None
    headline = _headline(
        figures, art.language, local=places.main is not None and places.main.kind in ("city", "district")
    )
    _mark_superseded(figures, headline)
    return Report(
        is_strike_report=is_strike,
        event_date=date,
        event_date_precision=precision,
        places=report_places(gaz, places.mentions, places.main, places.order),
        munitions=munitions,
        figures=figures,
        headline=_headline(
            figures, art.language, local=places.main is not None and places.main.kind in ("city", "district")
        ),
        night_counts=night_counts(gaz, text, art.low, art.sents, night_sents, figures),
        published=art.pub.isoformat() if art.pub else None,
        event_date_source=source,
        event_date_hint=hint,
        language=art.language,
    )


def _find_places(gaz: Gazetteer, art: _Article) -> _Places:
    mentions = resolve_places(gaz, gaz.find_places(art.text), art.text)
    by_sentence: dict[int, list[PlaceRec]] = {}
    for m in mentions:
        m.sentence = sentence_of(art.sents, m.start)
        by_sentence.setdefault(m.sentence, []).append(m.place)
    order, _scores = rank_places(gaz, mentions, art.sents, art.strike_sents, art.dateline_end)
    main = gaz.by_ref[order[0]] if order else None
    return _Places(mentions, order, main, by_sentence)


def _figures(gaz: Gazetteer, art: _Article, places: _Places, scopes: list[str], totals: list[bool]):
    """Every figure of the article, with its scope, in text order; and the sentences that give the
    night's national weapons counts (``scope.night_wide``)."""
    raw = _raw_figures(art, totals)
    fig_scopes = figure_scopes(gaz, art.text, raw, places.mentions, places.main, places.by_sentence, scopes)
    figures = []
    night_sents: dict[int, str] = {}
    for (f, s), scope in zip(raw, fig_scopes, strict=True):
        if f.category in WEAPONS and scope in ("event", "nationwide"):
            area = night_wide(gaz, s.low, places.by_sentence.get(s.index, []), places.main)
            if area is None and scope == "nationwide" and places.main is not None:
                area = "Ukraine"
            if area is not None:
                scope = "nationwide"
                night_sents[s.index] = area
        low, high = bounds(f.value, f.qualifier)
        figures.append(
            Figure(
                category=f.category,
                value=f.value,
                low=low,
                high=high,
                qualifier=f.qualifier,
                scope=scope,
                quote=art.text[f.start : f.end],
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
    if art.language != "en":
        victims_totals(figures)
    figures.sort(key=lambda f: (f.start, CATEGORIES.index(f.category)))
    return figures, night_sents


def _raw_figures(art: _Article, totals: list[bool]) -> list[tuple[RawFigure, Sentence]]:
    """Each sentence's figures as its rules find them, flagged stale, update, total or heading."""
    text, sents = art.text, art.sents
    raw_all: list[tuple[RawFigure, Sentence]] = []
    last_casualty: RawFigure | None = None
    # Numbers are found in one pass over the text, then handed to their sentences.
    all_nums = number_mentions(text, art.skip) if art.language == "en" else []
    all_nums += single_mentions(text, art.skip + [(n.start, n.end) for n in all_nums])
    all_nums.sort(key=lambda n: n.start)
    nums_by_sentence: dict[int, list] = {}
    for n in all_nums:
        si = sentence_of(sents, n.start)
        if si >= 0 and n.end <= sents[si].end:
            nums_by_sentence.setdefault(si, []).append(n)  # article offsets: base=s.start below
    update_cands = art.gate.candidates(UPDATE_NEEDLES)
    zero_cands = art.gate.candidates(ZERO_NEEDLES)
    for s in sents:
        if art.language != "en":
            found = slavic_figures(art.low, s.start, s.end, slavic_numbers(art.low, s.start, s.end, art.skip))
            found += listed_victims(art.low, s.start, s.end)
            for f in found:
                f.sentence, f.heading, f.total = s.index, s.heading, totals[s.index]
                raw_all.append((f, s))
            continue
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
            ccat = child_category(last_casualty.category)
            n = sf.nums[ni]
            st, en = sf.span(a, b)
            cf = RawFigure(ccat, n.value, n.qualifier, st, en, stale=last_casualty.stale)
            cf.sentence = s.index
            cf.heading = s.heading
            raw_all.append((cf, s))
    return raw_all


def _mark_superseded(figures: list[Figure], headline: dict) -> None:
    """Flag the event's other figures for a headline category that give another count or qualifier."""
    for f in figures:
        h = headline.get(f.category)
        if h is None or f.scope != "event" or f.start == h["start"]:
            continue
        f.superseded = (f.value, f.qualifier) != (h["value"], h["qualifier"])


def _with_summed_victims(text: str, sents, figures: list[Figure]) -> list[Figure]:
    summed = _sum_single_victims(text, sents, figures)
    if not summed:
        return figures
    return sorted(figures + summed, key=lambda f: (f.start, CATEGORIES.index(f.category)))


ANOTHER_VICTIM_RE = ci(r"\b(?:also|another|second|third|as\s+well|too|in\s+addition|additionally)\b")


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
            by_sentence.setdefault(sentence_of(sents, f.start), f)
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


def _headline(figures: list[Figure], language: str = "en", *, local: bool = False) -> dict:
    """Per category, the event's figure: current over superseded, specific over vague, body over
    headline, the latest update of a rising toll, else the first (lead) figure.

    Ukrainian and Russian live pages put the newest update first and repeat earlier counts below
    it: there the highest current figure of the event is its latest (a toll only rises).

    Weapons counts of the whole night (scope "nationwide") are the headline only of an article that
    is not about one city (``local``): a local report gives them in ``Report.night_counts``."""
    out = {}
    for cat in HEADLINE_CATEGORIES:
        allowed = ("event", "nationwide") if cat in WEAPONS and not local else ("event",)
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

        def rising(f: Figure):
            return (not f.stale, not f.vague, not f.weak, f.value != 0, f.scope == "event", not f.total, f.value)

        best = max(cands, key=key if language == "en" else rising)
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


__all__ = ["Figure", "Report", "extract"]
