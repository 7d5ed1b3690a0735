"""Whole-set exports of a filtered attack query: CSV and GeoJSON, streamed.

Both walk the filtered, ordered queryset in keyset chunks (``WHERE (sort_key, id) <
last``), so memory stays constant however many rows match, no query holds a
transaction open for the whole download, and every row is written exactly once.
Each chunk costs a fixed number of queries (attacks, munitions, sources, figures).

CSV columns (stable; docs/API.md documents each, the ACLED importer reads them back):
ACLED's names where the column means the same, then ours.
"""

import csv
import json
from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.db.models import F, Value
from django.utils import timezone

from config.api import KeysetPagination, RowCompare
from sources.models import Article
from strikes.api.figures import CATEGORIES, figures_for
from strikes.models import AttackMunition

# ACLED codes 1-3 (1 = most precise). Ours are finer; the mapping is documented in docs/API.md.
ACLED_TIME_PRECISION = {"exact": 1, "hour": 1, "day": 1, "week": 2, "month": 3}
# 1 exact, 3 district, 4 city -> the town is known (1); 2 near a town -> 2; 5 oblast, 6 country -> 3.
ACLED_GEO_PRECISION = {1: 1, 2: 2, 3: 1, 4: 1, 5: 3, 6: 3}

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "time_precision",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
]
FIGURE_COLUMNS = [f"{category}_{part}" for category in CATEGORIES for part in ("best", "low", "high", "status")]
OUR_COLUMNS = [
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
    *FIGURE_COLUMNS,
    "disputed",
    "source_urls",
    "status",
    "created_at",
    "updated_at",
]
CSV_COLUMNS = ACLED_COLUMNS + OUR_COLUMNS

# Values of an attack row the CSV needs (one query per chunk, no model instances).
_CSV_VALUES = (
    "id",
    "occurred_at",
    "time_precision",
    "place_id",
    "place__name",
    "place__kind",
    "place__oblast_id",
    "place__oblast__name",
    "latitude",
    "longitude",
    "geo_precision",
    "description",
    "target_type",
    "wave_id",
    "disputed",
    "status",
    "created_at",
    "updated_at",
)


def keyset_chunks(queryset, size: int) -> Iterator[list]:
    """Yield lists of up to ``size`` rows of ``queryset`` in its order, each fetched by one
    keyset query. Works for model instances and for ``values()`` dicts."""
    names, descending = KeysetPagination._keys(queryset)
    names = ["id" if n == "pk" else n for n in names]
    op = "<" if descending else ">"
    last = None
    while True:
        chunk_qs = queryset
        if last is not None:
            chunk_qs = queryset.filter(RowCompare([F(n) for n in names], op, [Value(v) for v in last]))
        rows = list(chunk_qs[:size])
        if not rows:
            return
        yield rows
        tail = rows[-1]
        last = [tail[n] if isinstance(tail, dict) else getattr(tail, n) for n in names]
        if len(rows) < size:
            return


class _Echo:
    """A file-like object whose write returns the line (for csv.writer in a generator)."""

    def write(self, value):
        return value


def _num(value) -> str:
    return "" if value is None else str(value)


def csv_rows(queryset, *, mode: str, columns: list[str]) -> Iterator[str]:
    """CSV text, header first, then one line per attack, chunk by chunk."""
    chunk_size = settings.API_EXPORT_CHUNK
    writer = csv.writer(_Echo())
    yield writer.writerow(columns)
    # Looked up once: timezone.localtime() per value costs a context-local lookup each time.
    tz = timezone.get_current_timezone()
    values_qs = queryset.values(*_CSV_VALUES, "sort_key")
    for chunk in keyset_chunks(values_qs, chunk_size):
        ids = [row["id"] for row in chunk]
        munitions = defaultdict(list)
        for attack_id, name, category, origin, count in (
            AttackMunition.objects.filter(attack_id__in=ids)
            .order_by("attack_id", "munition__name")
            .values_list("attack_id", "munition__name", "munition__category", "munition__origin_country", "count")
        ):
            munitions[attack_id].append((name, category, origin, count))
        sources = defaultdict(list)
        for attack_id, outlet, canonical, url in (
            Article.objects.filter(attack_id__in=ids)
            .order_by("attack_id", "published_at", "id")
            .values_list("attack_id", "outlet__name", "canonical_url", "url")
        ):
            sources[attack_id].append((outlet, canonical or url))
        figures = figures_for(ids, mode)
        lines = []
        for row in chunk:
            lines.append(writer.writerow(_csv_record(row, munitions, sources, figures, columns, tz)))
        yield "".join(lines)


def _csv_record(row, munitions, sources, figures, columns, tz):
    attack_id = row["id"]
    oblast_id = row["place__oblast_id"]
    oblast_name = row["place__oblast__name"]
    if oblast_id is None and row["place__kind"] == "oblast":
        oblast_id, oblast_name = row["place_id"], row["place__name"]
    used = munitions.get(attack_id, [])
    srcs = sources.get(attack_id, [])
    figs = figures.get(attack_id, {})
    outlets = list(dict.fromkeys(o for o, _u in srcs if o))
    record = {
        "event_id_cnty": f"UKR-SW{attack_id}",
        "event_date": row["occurred_at"].astimezone(tz).date().isoformat(),
        "time_precision": ACLED_TIME_PRECISION[row["time_precision"]],
        "admin1": oblast_name or "",
        "location": row["place__name"] or "",
        "latitude": _num(row["latitude"]),
        "longitude": _num(row["longitude"]),
        "geo_precision": ACLED_GEO_PRECISION[row["geo_precision"]],
        "source": "; ".join(outlets),
        "notes": row["description"],
        "fatalities": _num((figs.get("killed") or {}).get("best")),
        "id": attack_id,
        "occurred_at": row["occurred_at"].astimezone(tz).isoformat(),
        "occurred_precision": row["time_precision"],
        "location_precision": row["geo_precision"],
        "place_id": _num(row["place_id"]),
        "oblast_id": _num(oblast_id),
        "target_type": row["target_type"],
        "wave_id": _num(row["wave_id"]),
        "munitions": "; ".join(name if count is None else f"{name} [{count}]" for name, _c, _o, count in used),
        "munition_categories": "; ".join(dict.fromkeys(c for _n, c, _o, _k in used)),
        "origin_countries": "; ".join(dict.fromkeys(o for _n, _c, o, _k in used if o)),
        "disputed": "true" if row["disputed"] else "false",
        "source_urls": " ".join(u for _o, u in srcs if u),
        "status": row["status"],
        "created_at": row["created_at"].astimezone(tz).isoformat(),
        "updated_at": row["updated_at"].astimezone(tz).isoformat(),
    }
    for category in CATEGORIES:
        figure = figs.get(category) or {}
        record[f"{category}_best"] = _num(figure.get("best"))
        record[f"{category}_low"] = _num(figure.get("low"))
        record[f"{category}_high"] = _num(figure.get("high"))
        record[f"{category}_status"] = figure.get("status") or ""
    return [record[c] for c in columns]


def geojson_stream(queryset, *, represent, chunk_size=None) -> Iterator[str]:
    """An RFC 7946 FeatureCollection, one Feature per attack, written chunk by chunk.

    ``represent(attacks) -> list[dict]`` gives the properties for a chunk of attacks
    (it prefetches what the chunk needs). Attacks without coordinates have a null geometry.
    """
    chunk_size = chunk_size or settings.API_EXPORT_CHUNK
    yield '{"type":"FeatureCollection","features":['
    first = True
    for chunk in keyset_chunks(queryset, chunk_size):
        parts = []
        for attack, properties in zip(chunk, represent(chunk), strict=True):
            parts.append(json.dumps(feature(attack, properties), ensure_ascii=False, separators=(",", ":")))
        if parts:
            yield ("" if first else ",") + ",".join(parts)
            first = False
    yield "]}\n"


def feature(attack, properties: dict) -> dict:
    """One attack as a GeoJSON Feature: [longitude, latitude], id as the feature id."""
    geometry = None
    if attack.latitude is not None and attack.longitude is not None:
        geometry = {"type": "Point", "coordinates": [attack.longitude, attack.latitude]}
    return {"type": "Feature", "id": attack.pk, "geometry": geometry, "properties": properties}
