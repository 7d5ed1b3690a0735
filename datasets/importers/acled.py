"""ACLED-style CSV as attacks: ACLED's own exports, and Strikewatch's CSV export read back.

:func:`acled_row_parse` is pure: one row → :class:`~datasets.importers.attacks.AttackRecord`.
:func:`acled_import` reads the file and writes through
:func:`~datasets.importers.attacks.attack_records_write`.

What is kept, and how it maps (also in docs/IMPORTS.md):

- only ``event_type`` "Explosions/Remote violence" (air/drone strikes, shelling/artillery/missile
  attacks, remote explosives...) is imported; other event types (battles, protests...) are
  counted as skipped. A file without ``event_type`` (our export) is all strikes;
- each event is one attack, **published** (ACLED is a curated dataset), idempotent by
  ``event_id_cnty``; ``fatalities`` becomes a killed claim attributed to "ACLED";
- ``event_date`` is day first ("24 April 2025", "24/04/2025") or ISO; ``time_precision`` 1/2/3
  → day/week/month; ``geo_precision`` 1/2/3 → city/near/oblast; ``location`` and ``admin1``
  are found in the gazetteer; a ``location`` the gazetteer lacks is placed at the nearest
  settlement within ``places.NEAREST_SETTLEMENT_KM`` of the coordinates (geo precision
  "near"), else at ``admin1``'s oblast; ``latitude``/``longitude`` are kept; ``notes`` is the description;
  ``source`` (outlet names) becomes the attack's sources.

Our own export (``/api/v1/attacks/?format=csv``) is recognised by its extra columns
(``occurred_at``, ``occurred_precision``, ``location_precision``): its exact instant and our
precision codes are used instead of ACLED's coarser ones, every ``<category>_best/_low/_high``
figure becomes a claim labelled "Strikewatch export", ``munitions`` and ``source_urls`` are
read back, and an event id ``UKR-SW<id>`` naming an attack that exists here is that attack,
left as it is.
"""

from __future__ import annotations

import datetime as dt
import re

from casualties.choices import Category
from datasets.importers.attacks import OWN_EVENT_ID, AttackRecord, FigureRecord, SourceRecord
from datasets.importers.common import (
    ImportSummary,
    RowError,
    blank,
    clean,
    day_anchor,
    parse_count,
    parse_day_first_date,
    parse_float,
    parse_iso,
    table_open,
)
from datasets.importers.places import PLACED, Gazetteer
from sources.canonical import InvalidURL, url_canonical
from strikes.choices import AttackStatus, ExternalSource, GeoPrecision, TargetType, TimePrecision

SOURCE_LABEL = "ACLED"
EXPORT_LABEL = "Strikewatch export"
ACLED_REQUIRED = frozenset({"event_id_cnty", "event_date", "latitude", "longitude", "fatalities"})
# ACLED's 31 standard columns (the file need not have all of them).
ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
WHAT = "an ACLED-style CSV export (ACLED's columns event_id_cnty, event_date, latitude, longitude, fatalities, ...)"
STRIKES = "explosions/remote violence"
# Columns only our own export has (a file with all three is read as ours).
OWN_EXPORT_COLUMNS = frozenset({"occurred_at", "occurred_precision", "location_precision"})
# Every column our export writes after ACLED's 31 (strikes.api.representation.OUR_COLUMNS; a test
# keeps the two lists equal). Those the importer does not read are derived again on import (place
# and oblast ids from the location, categories and origins from the munitions, figure statuses
# and ``disputed`` from the claims, ``grade`` from the sources, ``updated_at`` by the database;
# ``id`` is in event_id_cnty), except ``wave_id`` (an attack's wave is not restored) and an
# editor's grade override (it needs an editor and a reason, which a file does not carry).
OWN_COLUMNS = frozenset(
    {
        "id",
        "occurred_at",
        "occurred_precision",
        "location_precision",
        "place_id",
        "oblast_id",
        "target_type",
        "wave_id",
        "munitions",
        "munition_categories",
        "origin_countries",
        *(f"{category}_{part}" for category in Category.values for part in ("best", "low", "high", "status")),
        "disputed",
        "grade",
        "source_urls",
        "status",
        "created_at",
        "updated_at",
    }
)

TIME_PRECISION = {1: TimePrecision.DAY, 2: TimePrecision.WEEK, 3: TimePrecision.MONTH}
# ACLED: 1 the town is known (its coordinates are used); 2 near a town, or a small part of a region
# (the nearest town's coordinates); 3 only a larger region (its capital's coordinates).
GEO_PRECISION = {1: GeoPrecision.CITY, 2: GeoPrecision.NEAR, 3: GeoPrecision.OBLAST}

_MUNITION_ITEM = re.compile(r"^(?P<name>.*?)(?:\s*\[(?P<count>\d+)\])?$")


def _code(row, name: str, allowed: dict, default):
    if blank(row.get(name)):
        return default
    value = parse_count(row.get(name), name=name)
    if value not in allowed:
        raise RowError(f"{name} {row.get(name)!r} is not one of {', '.join(map(str, sorted(allowed)))}")
    return allowed[value]


def _figure(row, category: str, label: str, reported_at) -> FigureRecord | None:
    best = parse_count(row.get(f"{category}_best"), name=f"{category}_best")
    if best is None:
        return None
    low = parse_count(row.get(f"{category}_low"), name=f"{category}_low")
    high = parse_count(row.get(f"{category}_high"), name=f"{category}_high")
    low = best if low is None else min(low, best)
    if high is None:
        # Our export writes an empty high for an open-ended figure ("at least 12").
        qualifier = "at_least" if low == best else "about"
    else:
        high = max(high, best)
        qualifier = "exact" if low == best == high else "about"
    return FigureRecord(category, best, low, high, qualifier, label, reported_at)


def _sources(row, own: bool, published_at) -> list[SourceRecord]:
    out = []
    if own:
        for url in clean(row.get("source_urls")).split():
            try:
                out.append(SourceRecord(title="", url=url_canonical(url), published_at=None))
            except InvalidURL:
                continue  # not a URL we could ever fetch; the outlet names below still count
        if out:
            return out
    for outlet in (clean(s) for s in re.split(r"[;\n]", row.get("source") or "")):
        if outlet:
            out.append(
                SourceRecord(title=f"{outlet} (as cited by ACLED)"[:1000], outlet=outlet, published_at=published_at)
            )
    return out


def _munitions(row, index) -> tuple[list[tuple[int, int | None]], list[str]]:
    matched, unmatched = [], []
    for item in (clean(i) for i in (row.get("munitions") or "").split(";")):
        if not item:
            continue
        m = _MUNITION_ITEM.match(item)
        name, count = m.group("name").strip(), m.group("count")
        mid = index.lookup(name) if index is not None else None
        if mid is None:
            unmatched.append(name)
        elif mid not in [x for x, _c in matched]:
            matched.append((mid, int(count) if count else None))
    return matched, unmatched


def _place(row, gazetteer: Gazetteer, geo_precision: int, lat, lon, *, own: bool) -> tuple[int | None, str]:
    admin1 = clean(row.get("admin1"))
    location = clean(row.get("location"))
    oblast = gazetteer.oblast(admin1) if admin1 else None
    if geo_precision <= GeoPrecision.CITY and location:
        # ACLED names city districts "Kyiv - Sviatoshynskyi": the district if we have it, else the city.
        city, _dash, district = (p.strip() for p in location.partition(" - "))
        for name in (location, district, city) if district else (location,):
            town = gazetteer.settlement(name, oblast_id=oblast, latitude=lat, longitude=lon)
            if town is not None:
                return town, "town"
    # ACLED's point is the town's (geo_precision 1) or the nearest town's (2); at 3 it is a
    # region's capital, which says nothing of where in the region. Our own export names its
    # place, so a row of it is never moved to a settlement it did not name.
    if not own and geo_precision <= GeoPrecision.CITY and lat is not None:
        near = gazetteer.nearest(lat, lon)
        if near is not None:
            return near, "nearest"
    if oblast is None and location:
        oblast = gazetteer.oblast(location)
    if oblast is not None:
        return oblast, "oblast"
    return None, "none"


def _timestamp(value) -> dt.datetime | None:
    """ACLED's ``timestamp`` (when the event was last updated): Unix seconds, or a date-time.
    It only dates the claim, so a value we cannot read is ignored rather than refusing the row."""
    if blank(value):
        return None
    text = str(value).strip()
    if re.fullmatch(r"\d{9,11}(\.0+)?", text):
        return dt.datetime.fromtimestamp(int(float(text)), tz=dt.UTC)
    try:
        parsed = parse_iso(text, name="timestamp")
    except RowError:
        return None
    return parsed[0] if parsed else None


def _created_at(row) -> dt.datetime | None:
    try:
        parsed = parse_iso(row.get("created_at"), name="created_at")
    except RowError:
        return None
    return parsed[0] if parsed else None


def acled_row_parse(line: int, row: dict[str, str], gazetteer: Gazetteer, *, own: bool, index=None) -> tuple:
    """One row → (record or None when skipped, facts for the summary). Raises RowError with the reason."""
    if "__short__" in row:
        raise RowError(f"the row has {row['__short__']}")
    event_type = clean(row.get("event_type"))
    if event_type and event_type.lower() != STRIKES:
        return None, {"skipped": f"event_type {event_type!r}"}
    event_id = clean(row.get("event_id_cnty"))
    if not event_id:
        raise RowError("event_id_cnty is empty")
    if len(event_id) > 100:
        raise RowError("event_id_cnty is longer than 100 characters")
    day = parse_day_first_date(row.get("event_date"), name="event_date")
    occurred_at = day_anchor(day)
    time_precision = _code(row, "time_precision", TIME_PRECISION, TimePrecision.DAY)
    geo_precision = _code(row, "geo_precision", GEO_PRECISION, GeoPrecision.CITY)
    if own:
        parsed = parse_iso(row.get("occurred_at"), name="occurred_at")
        if parsed is not None:
            occurred_at = parsed[0]
        precision = clean(row.get("occurred_precision"))
        if precision:
            if precision not in TimePrecision.values:
                raise RowError(f"occurred_precision {precision!r} is not one of {', '.join(TimePrecision.values)}")
            time_precision = precision
        if not blank(row.get("location_precision")):
            code = parse_count(row.get("location_precision"), name="location_precision")
            if code not in GeoPrecision.values:
                raise RowError(f"location_precision {code} is not one of {GeoPrecision.values}")
            geo_precision = code
    lat = parse_float(row.get("latitude"), name="latitude")
    lon = parse_float(row.get("longitude"), name="longitude")
    if (lat is None) != (lon is None):
        raise RowError("latitude and longitude must be given together")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise RowError(f"coordinates ({lat}, {lon}) are out of range")
    place_id, placed = _place(row, gazetteer, geo_precision, lat, lon, own=own)
    if placed == "nearest":
        geo_precision = GeoPrecision.NEAR  # the attack is near the settlement, not at a named one
    elif not own and geo_precision == GeoPrecision.CITY and place_id and gazetteer.places[place_id].kind == "district":
        geo_precision = GeoPrecision.DISTRICT  # ACLED's "town known" at a named city district
    if lat is None and place_id is None:
        raise RowError("the event has neither coordinates nor a location found in the gazetteer")

    reported_at = _timestamp(row.get("timestamp")) or occurred_at
    label = EXPORT_LABEL if own else SOURCE_LABEL
    claims = []
    fatalities = parse_count(row.get("fatalities"), name="fatalities")
    if own:
        for category in Category.values:
            figure = _figure(row, category, label, reported_at)
            if figure is not None:
                claims.append(figure)
        if fatalities is not None and not any(c.category == "killed" for c in claims):
            claims.append(FigureRecord("killed", fatalities, fatalities, fatalities, "exact", label, reported_at))
    elif fatalities is not None:
        claims.append(FigureRecord("killed", fatalities, fatalities, fatalities, "exact", label, reported_at))

    notes = clean(row.get("notes")) if own else (row.get("notes") or "").strip()
    sub_type = clean(row.get("sub_event_type"))
    description = notes or " ".join(p for p in (sub_type, f"in {clean(row.get('location'))}") if p).strip()
    target_type = clean(row.get("target_type")) if own else ""
    if target_type not in TargetType.values:
        target_type = TargetType.UNKNOWN
    status = AttackStatus.PUBLISHED
    if own and clean(row.get("status")) and clean(row.get("status")) != AttackStatus.PUBLISHED:
        status = AttackStatus.DRAFT  # a draft or retracted row of an export comes back for review
    munitions, unmatched = _munitions(row, index) if own else ([], [])

    match = OWN_EVENT_ID.match(event_id)
    record = AttackRecord(
        line=line,
        external_source=ExternalSource.ACLED,
        external_id=event_id,
        fields={
            "occurred_at": occurred_at,
            "time_precision": str(time_precision),
            "place_id": place_id,
            "latitude": lat,
            "longitude": lon,
            "geo_precision": int(geo_precision),
            "target_type": str(target_type),
            "description": description,
        },
        status=str(status),
        claims=claims,
        sources=_sources(row, own, day_anchor(day)),
        munition_ids=munitions,
        own_id=int(match.group(1)) if match else None,
        own_created_at=_created_at(row) if own else None,
    )
    facts = {"placed": placed, "unmatched_munitions": unmatched, "country": clean(row.get("country"))}
    return record, facts


def acled_import(*, path, by=None, show_progress: bool = False, encoding: str | None = None) -> ImportSummary:
    """Import an ACLED-style CSV (ACLED's export, or ours) as attacks; idempotent by event_id_cnty."""
    from datasets.importers.attacks import attack_records_write
    from datasets.importers.munitions import munition_index_load
    from datasets.importers.places import gazetteer_load

    table = table_open(path, required=ACLED_REQUIRED, what=WHAT, encoding=encoding)
    own = set(table.columns) >= OWN_EXPORT_COLUMNS
    kind = "Strikewatch CSV export" if own else "ACLED-style CSV"
    summary = ImportSummary(source=f"{table.path.name} ({kind})")
    known = set(ACLED_COLUMNS) | (OWN_COLUMNS if own else set())
    ignored = [c for c in dict.fromkeys(table.columns) if c and c not in known]
    if ignored:  # said once for the file, not once per row
        whose = "ACLED's or Strikewatch's export" if own else "ACLED's standard"
        summary.notes.append(f"{len(ignored)} column(s) ignored, not among {whose} columns: {', '.join(ignored)}.")
    gazetteer = gazetteer_load()
    if not gazetteer.places:
        summary.notes.append("The gazetteer is empty, so no event has a place: run `manage.py load_reference` first.")
    index = munition_index_load() if own else None
    records: list[AttackRecord] = []
    seen: dict[str, int] = {}
    for line, row in table.rows():
        summary.rows_read += 1
        try:
            record, facts = acled_row_parse(line, row, gazetteer, own=own, index=index)
        except RowError as exc:
            summary.problem(line, str(exc))
            continue
        if record is None:
            summary.skipped[f"not a strike ({facts['skipped']})"] += 1
            continue
        if record.external_id in seen:
            summary.problem(line, f"event_id_cnty {record.external_id} is already on line {seen[record.external_id]}")
            continue
        seen[record.external_id] = line
        records.append(record)
        summary.counts[f"placed at: {PLACED[facts['placed']]}"] += 1
        for name in facts["unmatched_munitions"]:
            summary.not_matched[f"munition {name}"] += 1
        if facts["country"] and facts["country"].lower() != "ukraine":
            summary.counts[f"events in {facts['country']}"] += 1
    attack_records_write(records=records, summary=summary, by=by, service="acled_import", show_progress=show_progress)
    return summary.finish()
