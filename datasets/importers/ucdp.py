"""UCDP Georeferenced Event Dataset (GED) CSV as published attacks.

:func:`ucdp_row_parse` is pure: one CSV row → :class:`~datasets.importers.attacks.AttackRecord`
(its place resolved through an in-memory :class:`~datasets.importers.places.Gazetteer`).
:func:`ucdp_import` reads the file and writes through
:func:`~datasets.importers.attacks.attack_records_write`.

What is kept, and how it maps (also in docs/IMPORTS.md):

- each event is one attack, **published** (UCDP is a curated, peer-reviewed dataset;
  an editor can still retract one), idempotent by UCDP ``id`` (external id);
- ``date_start`` is the date (local noon, see ``common.DAY_ANCHOR``); ``date_prec`` and the
  span to ``date_end`` give the time precision;
- ``latitude``/``longitude`` are kept; ``where_prec`` gives the geo precision; the place is
  the town named in ``where_coordinates`` when the gazetteer has it near those coordinates;
  else, when UCDP knows the point (``where_prec`` 1 or 2), the nearest settlement within
  ``places.NEAREST_SETTLEMENT_KM`` (geo precision "near a known location"); else the oblast
  of ``adm_1``;
- ``best``/``low``/``high`` become a killed claim and a decision, both attributed to
  "UCDP GED"; where UCDP's own range does not contain its best estimate (31 events in the
  2023 file, e.g. best 5294 with high 0) the range is widened to include it, and the
  rationale says so;
- every ``source_article`` entry (outlet, date, headline) becomes an article of the attack.
"""

from __future__ import annotations

import datetime as dt
import re

from datasets.importers.attacks import AttackRecord, DecisionRecord, FigureRecord, SourceRecord
from datasets.importers.common import (
    ImportSummary,
    RowError,
    blank,
    clean,
    day_anchor,
    parse_count,
    parse_float,
    parse_us_date,
    table_open,
)
from datasets.importers.places import PLACED, Gazetteer
from strikes.choices import AttackStatus, ExternalSource, GeoPrecision, TargetType, TimePrecision

SOURCE_LABEL = "UCDP GED"
UCDP_REQUIRED = frozenset(
    {"id", "date_start", "date_end", "date_prec", "where_prec", "latitude", "longitude", "best", "low", "high"}
)
WHAT = "a UCDP GED event file (columns id, date_start, date_end, where_prec, latitude, longitude, best, low, high, ...)"

# UCDP where_prec → ours. UCDP: 1 exact location; 2 within ~25 km of a known point; 3 only the
# second-order division (raion) known; 4 only the oblast; 5 only an area larger than an oblast
# ("Donets Basin", "Southern Ukraine"); 6 only the country; 7 international waters or airspace.
# We have no raion level: 3 rounds to the next coarser level we have, so precision is never overstated.
GEO_PRECISION = {
    1: GeoPrecision.EXACT,
    2: GeoPrecision.NEAR,
    3: GeoPrecision.OBLAST,
    4: GeoPrecision.OBLAST,
    5: GeoPrecision.COUNTRY,
    6: GeoPrecision.COUNTRY,
    7: GeoPrecision.COUNTRY,
}

# UCDP date_prec → ours. UCDP: 1 exact day; 2 within 2-6 days; 3 only the week; 4 only the month;
# 5 only the year or a span over a month (we have nothing coarser than a month).
TIME_PRECISION = {
    1: TimePrecision.DAY,
    2: TimePrecision.WEEK,
    3: TimePrecision.WEEK,
    4: TimePrecision.MONTH,
    5: TimePrecision.MONTH,
}
_PRECISION_ORDER = [TimePrecision.EXACT, TimePrecision.HOUR, TimePrecision.DAY, TimePrecision.WEEK, TimePrecision.MONTH]

# UCDP type_of_violence.
VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}

# One entry of source_article: "Outlet,YYYY-MM-DD,Headline" in double quotes, entries joined by ";".
# Headlines may hold commas, semicolons and unescaped quotes, so an entry ends only at '";"' or the end.
_ARTICLE = re.compile(r'"(?P<outlet>[^",]*(?:,[^",]*)*?),(?P<date>\d{4}-\d{2}-\d{2}),(?P<title>.*?)"(?=;"|\s*$)', re.S)


def _coarser(a: str, b: str) -> str:
    return max(a, b, key=_PRECISION_ORDER.index)


def time_precision_for(date_prec: int | None, start: dt.date, end: dt.date) -> str:
    """UCDP's date precision, made coarser when the event spans more days than it says."""
    precision = TIME_PRECISION.get(date_prec or 1, TimePrecision.MONTH)
    span = (end - start).days
    if span > 6:
        return _coarser(precision, TimePrecision.MONTH)
    if span > 0:
        return _coarser(precision, TimePrecision.WEEK)
    return precision


def sources_parse(row: dict[str, str]) -> list[SourceRecord]:
    """The event's sources from ``source_article`` (outlet, date, headline per entry); when that
    cannot be read, from ``source_headline`` alone (titles only)."""
    text = row.get("source_article") or ""
    out: list[SourceRecord] = []
    for m in _ARTICLE.finditer(text):
        title = clean(m.group("title"))
        if not title or title == "-":
            title = f"({clean(m.group('outlet')) or 'untitled'}, {m.group('date')})"
        try:
            published = day_anchor(dt.date.fromisoformat(m.group("date")))
        except ValueError:
            published = None
        out.append(SourceRecord(title=title, outlet=clean(m.group("outlet")), published_at=published))
    if out:
        return out
    for headline in (clean(h) for h in (row.get("source_headline") or "").split(";")):
        if headline:
            out.append(SourceRecord(title=headline))
    return out


def _reported_at(sources: list[SourceRecord], end: dt.date) -> dt.datetime:
    """When UCDP's figure was reported: its latest source, else the event's last day."""
    dates = [s.published_at for s in sources if s.published_at is not None]
    return max(dates) if dates else day_anchor(end)


def _int_code(row, name: str, allowed) -> int:
    value = parse_count(row.get(name), name=name)
    if value is None or value not in allowed:
        raise RowError(f"{name} {row.get(name)!r} is not one of {', '.join(map(str, sorted(allowed)))}")
    return value


def _place(row, gazetteer: Gazetteer, where_prec: int, lat: float, lon: float) -> tuple[int | None, str]:
    """(place id, how it was found) for a row."""
    adm_1 = clean(row.get("adm_1"))
    where = clean(row.get("where_coordinates"))
    oblast = gazetteer.oblast(adm_1) if adm_1 else None
    if oblast is None and where:
        oblast = gazetteer.oblast(where)
        if oblast is not None and where_prec >= 3:
            return oblast, "oblast"
    if where_prec <= 3 and where:
        town = gazetteer.settlement(where, oblast_id=oblast, latitude=lat, longitude=lon)
        if town is not None:
            return town, "town"
    # Only a point UCDP places itself (exact, or within ~25 km of a known point): a raion's,
    # an oblast's or a region's point is its centre, and its nearest village means nothing.
    if where_prec <= 2:
        near = gazetteer.nearest(lat, lon)
        if near is not None:
            return near, "nearest"
    if oblast is not None:
        return oblast, "oblast"
    # An area no oblast contains ("Donets Basin", "eastern Ukraine") or only the country: Ukraine.
    country = clean(row.get("country")).lower()
    if country in ("", "ukraine") and gazetteer.country_id is not None:
        return gazetteer.country_id, "country"
    return None, "none"


def ucdp_row_parse(line: int, row: dict[str, str], gazetteer: Gazetteer) -> tuple[AttackRecord, dict]:
    """One UCDP GED row → (record, facts for the summary). Raises RowError with the reason."""
    if "__short__" in row:
        raise RowError(f"the row has {row['__short__']}")
    ucdp_id = clean(row.get("id"))
    if not re.fullmatch(r"\d{1,12}", ucdp_id):
        raise RowError(f"id {row.get('id')!r} is not a UCDP event id")
    start = parse_us_date(row.get("date_start"), name="date_start")
    end = parse_us_date(row.get("date_end"), name="date_end")
    if end < start:
        raise RowError(f"date_end {row.get('date_end')!r} is before date_start {row.get('date_start')!r}")
    date_prec = _int_code(row, "date_prec", TIME_PRECISION)
    where_prec = _int_code(row, "where_prec", GEO_PRECISION)
    lat = parse_float(row.get("latitude"), name="latitude")
    lon = parse_float(row.get("longitude"), name="longitude")
    if lat is None or lon is None:
        raise RowError("latitude and longitude are required")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RowError(f"coordinates ({lat}, {lon}) are out of range")
    best = parse_count(row.get("best"), name="best")
    low = parse_count(row.get("low"), name="low")
    high = parse_count(row.get("high"), name="high")
    if best is None:
        raise RowError("best (UCDP's best estimate of deaths) is empty")
    low = best if low is None else low
    high = best if high is None else high
    repaired = []
    if low > best:
        repaired.append(f"low {low} is above best {best}")
        low = best
    if high < best:
        repaired.append(f"high {high} is below best {best}")
        high = best

    place_id, placed = _place(row, gazetteer, where_prec, lat, lon)
    sources = sources_parse(row)
    reported_at = _reported_at(sources, end)
    where = clean(row.get("where_description")) or clean(row.get("where_coordinates"))
    dyad = clean(row.get("dyad_name"))
    tov = (
        parse_count(row.get("type_of_violence"), name="type_of_violence")
        if not blank(row.get("type_of_violence"))
        else None
    )
    deaths = ", ".join(
        f"{label} {clean(row.get(col))}"
        for col, label in (
            ("deaths_a", "side A"),
            ("deaths_b", "side B"),
            ("deaths_civilians", "civilians"),
            ("deaths_unknown", "unknown"),
        )
        if not blank(row.get(col))
    )
    description = " ".join(
        part
        for part in (
            f"{where}." if where else "",
            f"{dyad} ({VIOLENCE.get(tov, 'violence')})." if dyad else "",
            f"UCDP GED event {ucdp_id}: best estimate {best} killed (low {low}, high {high})"
            + (f"; {deaths}." if deaths else "."),
        )
        if part
    )
    rationale = f"UCDP GED best estimate for event {ucdp_id}, with UCDP's low and high estimates as the range." + (
        f" UCDP's range was widened to include its best estimate ({'; '.join(repaired)})." if repaired else ""
    )
    qualifier = "exact" if low == best == high else "about"
    record = AttackRecord(
        line=line,
        external_source=ExternalSource.UCDP,
        external_id=ucdp_id,
        fields={
            "occurred_at": day_anchor(start),
            "time_precision": str(time_precision_for(date_prec, start, end)),
            "place_id": place_id,
            "latitude": lat,
            "longitude": lon,
            # The settlement nearest to the point: the attack is near it, whatever UCDP says of the point.
            "geo_precision": int(GeoPrecision.NEAR if placed == "nearest" else GEO_PRECISION[where_prec]),
            "target_type": str(TargetType.UNKNOWN),
            "description": description,
        },
        status=str(AttackStatus.PUBLISHED),
        claims=[FigureRecord("killed", best, low, high, qualifier, SOURCE_LABEL, reported_at)],
        decisions=[DecisionRecord("killed", best, low, high, rationale, SOURCE_LABEL)],
        sources=sources,
    )
    return record, {"placed": placed, "repaired": bool(repaired), "best": best}


def ucdp_import(*, path, by=None, show_progress: bool = False, encoding: str | None = None) -> ImportSummary:
    """Import a UCDP GED CSV file as published attacks with UCDP's death estimates (idempotent by id)."""
    from datasets.importers.attacks import attack_records_write
    from datasets.importers.places import gazetteer_load

    table = table_open(path, required=UCDP_REQUIRED, what=WHAT, encoding=encoding)
    summary = ImportSummary(source=f"{table.path.name} (UCDP GED, read as {table.encoding})")
    gazetteer = gazetteer_load()
    if not gazetteer.places:
        summary.notes.append("The gazetteer is empty, so no event has a place: run `manage.py load_reference` first.")
    records: list[AttackRecord] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        summary.rows_read += 1
        try:
            record, facts = ucdp_row_parse(line, row, gazetteer)
        except RowError as exc:
            summary.problem(line, str(exc))
            continue
        if record.external_id in seen:
            summary.problem(line, f"id {record.external_id} is already on line {seen[record.external_id]}; skipped")
            continue
        seen[record.external_id] = line
        records.append(record)
        summary.counts[f"placed at: {PLACED[facts['placed']]}"] += 1
        if facts["repaired"]:
            summary.counts["UCDP ranges widened to include the best estimate"] += 1
        adm_1 = clean(row.get("adm_1"))
        if adm_1 and gazetteer.places and gazetteer.oblast(adm_1) is None:
            summary.not_matched[f"adm_1 {adm_1}"] += 1
    attack_records_write(records=records, summary=summary, by=by, service="ucdp_import", show_progress=show_progress)
    return summary.finish()
