# ruff: noqa: S608 -- Datasette SQL built from numbers and dates chosen here, never from input.
"""The benchmark cases: one Strikewatch API request each, its Datasette counterpart, and its target."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import psycopg

# Ukraine's bounding box and a box around central Kyiv, lon/lat.
COUNTRY_BBOX = (22.0, 44.0, 40.5, 52.5)
CITY_BBOX = (30.35, 50.35, 30.70, 50.55)
RANGE = ("2024-01-01", "2024-12-31")
FOUR_YEARS = ("2022-02-24", "2026-02-24")


@dataclass
class Case:
    key: str
    title: str
    path: str  # Strikewatch API path with query string
    target_ms: float | None = None  # p95 target
    datasette: str | None = None  # Datasette path with query string, when there is a comparable query
    repeat: int | None = None  # overrides the default repetitions (long exports)
    streaming: bool = False  # whole-set export: report rows/s and memory, not only latency
    rotate: list[str] = field(default_factory=list)  # alternative paths used in turn (detail of different ids)
    peer_speedup: float | None = None  # target: Datasette's p50 over Strikewatch's at least this (issue 19)
    datasette_rotate: list[str] = field(default_factory=list)  # Datasette's paths for the same ids, in turn
    note: str = ""


@dataclass
class Params:
    oblast_id: int
    oblast_name: str
    munition_id: int
    munition_name: str
    detail_ids: list[int]
    geo_range: tuple[str, str]
    geo_rows: int
    q: str
    # A word in ~0.01 % of the generated attacks (seed 1: 10 of 100,000 and 101 of 1,000,000;
    # a town the generator draws in proportion to the number of attacks), against ``q``'s ~1 %
    # ("school": 1,004 and 9,992), for the full-text cases ordered by date (issue 19).
    q_rare: str = "teplodar"


def pick_params(conninfo: str) -> Params:
    """Filter values that give realistic selectivity on the generated data."""
    with psycopg.connect(conninfo) as conn:
        oblast_id, oblast_name = conn.execute(
            "SELECT id, name FROM strikes_place WHERE kind = 'oblast' AND name ILIKE 'Kharkiv%' ORDER BY id LIMIT 1"
        ).fetchone()
        munition_id, munition_name = conn.execute(
            "SELECT m.id, m.name FROM strikes_attackmunition am JOIN strikes_munition m ON m.id = am.munition_id"
            " JOIN strikes_attack a ON a.id = am.attack_id JOIN strikes_place p ON p.id = a.place_id"
            " WHERE p.oblast_id = %s AND a.id %% 50 = 0 GROUP BY m.id, m.name ORDER BY count(*) DESC LIMIT 1",
            [oblast_id],
        ).fetchone()
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM strikes_attack WHERE status = 'published' AND id % 997 = 0 ORDER BY id LIMIT 40"
            )
        ]
        # The latest days holding about 10,000 published attacks (all of them, at small scale).
        days = conn.execute(
            "SELECT (occurred_at AT TIME ZONE 'Europe/Kyiv')::date AS d, count(*)"
            " FROM strikes_attack WHERE status = 'published' GROUP BY 1 ORDER BY 1 DESC"
        ).fetchall()
    total, start = 0, None
    for day, n in days:
        if total + n > 10000 and total:
            break
        total += n
        start = day
    geo_range = (start.isoformat(), days[0][0].isoformat()) if start else FOUR_YEARS
    return Params(oblast_id, oblast_name, munition_id, munition_name, ids or [1], geo_range, total, "school")


def ds_table(params: dict) -> str:
    # As an expert runs Datasette's table API: no facets, no facet suggestions and no count,
    # none of which the Strikewatch request computes either (its list does not count by default).
    return "/scale/attacks.json?" + urlencode(
        {"_shape": "objects", "_nocol": "sources_text", "_nofacet": 1, "_nosuggest": 1, "_nocount": 1, **params}
    )


def ds_sql(sql: str) -> str:
    return "/scale.json?" + urlencode({"sql": " ".join(sql.split()), "_shape": "array"})


def build(p: Params) -> list[Case]:
    three = {
        "occurred_after": RANGE[0],
        "occurred_before": RANGE[1],
        "oblast": p.oblast_id,
        "munition": p.munition_id,
    }
    ds_three = {
        "occurred_at__gte": RANGE[0],
        "occurred_at__lte": RANGE[1] + "T23:59:59Z",
        "oblast_id": p.oblast_id,
        "_where": f"id in (select attack_id from attack_munitions where munition_id = {p.munition_id})",
        "_sort_desc": "occurred_at",
        "_size": 100,
    }
    geo_filter = f"occurred_at >= '{p.geo_range[0]}' AND occurred_at <= '{p.geo_range[1]}T23:59:59Z'"

    def grid(bbox, cell):
        lo_lon, lo_lat, hi_lon, hi_lat = bbox
        return ds_sql(
            f"""SELECT cast(longitude / {cell} AS int) AS gx, cast(latitude / {cell} AS int) AS gy, count(*) AS n,
            avg(longitude) AS lon, avg(latitude) AS lat, min(longitude), min(latitude), max(longitude),
            max(latitude) FROM attacks WHERE longitude BETWEEN {lo_lon} AND {hi_lon}
            AND latitude BETWEEN {lo_lat} AND {hi_lat} GROUP BY gx, gy"""
        )

    def bbox(b):
        return ",".join(map(str, b))

    detail_paths = [f"/api/v1/attacks/{i}/" for i in p.detail_ids]
    return [
        Case(
            "list",
            f"Attack list, 3 filters (2024, {p.oblast_name}, {p.munition_name}), 100 per page",
            "/api/v1/attacks/?" + urlencode({**three, "page_size": 100}),
            50,
            ds_table(ds_three),
        ),
        Case(
            "list_q",
            f"Same with full text q={p.q}",
            "/api/v1/attacks/?" + urlencode({**three, "q": p.q, "page_size": 100}),
            150,
            ds_table({**ds_three, "_search": p.q}),
        ),
        Case(
            "q_only",
            f"Full text q={p.q} over everything, 100 per page",
            "/api/v1/attacks/?" + urlencode({"q": p.q, "page_size": 100}),
            150,
            ds_table({"_search": p.q, "_sort_desc": "occurred_at", "_size": 100}),
            note="extra case: the search alone, no other filter",
        ),
        # Full text newest first, as Datasette's _sort_desc=occurred_at (q_only/list_q rank by
        # relevance, the default with q): a common word, a rare one, and a word with filters.
        Case(
            "q_date",
            f"Full text q={p.q} over everything, newest first, 100 per page",
            "/api/v1/attacks/?" + urlencode({"q": p.q, "ordering": "-occurred_at", "page_size": 100}),
            150,
            ds_table({"_search": p.q, "_sort_desc": "occurred_at", "_size": 100}),
            note="a word in ~1 % of attacks",
        ),
        Case(
            "q_rare",
            f"Full text q={p.q_rare} over everything, newest first, 100 per page",
            "/api/v1/attacks/?" + urlencode({"q": p.q_rare, "ordering": "-occurred_at", "page_size": 100}),
            150,
            ds_table({"_search": p.q_rare, "_sort_desc": "occurred_at", "_size": 100}),
            note="a word in ~0.01 % of attacks",
        ),
        Case(
            "list_q_date",
            f"3 filters with full text q={p.q}, newest first",
            "/api/v1/attacks/?" + urlencode({**three, "q": p.q, "ordering": "-occurred_at", "page_size": 100}),
            150,
            ds_table({**ds_three, "_search": p.q}),
        ),
        Case(
            "detail",
            "Attack detail",
            detail_paths[0],
            20,
            f"/scale/attacks/{p.detail_ids[0]}.json?_shape=objects",
            rotate=detail_paths,
            # Datasette asks for the same attacks in the same turn: one id asked over and over
            # reads hot pages that the rotated ids do not.
            datasette_rotate=[f"/scale/attacks/{i}.json?_shape=objects" for i in p.detail_ids],
        ),
        Case(
            "geojson",
            f"GeoJSON of a filtered set ({p.geo_rows:,} attacks, {p.geo_range[0]} to {p.geo_range[1]})",
            "/api/v1/attacks/?"
            + urlencode({"format": "geojson", "occurred_after": p.geo_range[0], "occurred_before": p.geo_range[1]}),
            None,
            ds_sql(
                f"SELECT id, longitude, latitude, occurred_at, place, oblast, killed_best, injured_best, munitions"
                f" FROM attacks WHERE {geo_filter} ORDER BY occurred_at DESC"
            ),
            # Fifteen on both sides: with three, one slow request moved the p50 (and the ratio).
            repeat=15,
            peer_speedup=3.0,
            note="Datasette: the same rows as a JSON array (it has no GeoJSON without a plugin)",
        ),
        Case(
            "geojson_light",
            "Same GeoJSON with only the columns Datasette returns (fields=id,occurred_at,place,killed_best,"
            "injured_best,munitions)",
            "/api/v1/attacks/?"
            + urlencode(
                {
                    "format": "geojson",
                    "occurred_after": p.geo_range[0],
                    "occurred_before": p.geo_range[1],
                    "fields": "id,occurred_at,place,killed_best,injured_best,munitions",
                }
            ),
            None,
            ds_sql(
                f"SELECT id, longitude, latitude, occurred_at, place, oblast, killed_best, injured_best, munitions"
                f" FROM attacks WHERE {geo_filter} ORDER BY occurred_at DESC"
            ),
            repeat=15,
            note="extra case: the like-for-like comparison with Datasette's rows",
        ),
        Case(
            "map_country",
            "Map clusters, whole country",
            "/api/v1/map/?" + urlencode({"bbox": bbox(COUNTRY_BBOX), "zoom": 6}),
            100,
            grid(COUNTRY_BBOX, 0.5),
            note="Datasette: GROUP BY a 0.5 degree grid",
        ),
        Case(
            "map_city",
            "Map clusters, one city (Kyiv)",
            "/api/v1/map/?" + urlencode({"bbox": bbox(CITY_BBOX), "zoom": 12}),
            100,
            grid(CITY_BBOX, 0.01),
            note="Datasette: GROUP BY a 0.01 degree grid",
        ),
        Case(
            "timeline",
            "Timeline by day over four years",
            "/api/v1/timeline/?"
            + urlencode({"bucket": "day", "occurred_after": FOUR_YEARS[0], "occurred_before": FOUR_YEARS[1]}),
            100,
            ds_sql(
                f"""SELECT substr(occurred_at, 1, 10) AS day, count(*) AS attacks, sum(killed_best) AS killed,
                sum(injured_best) AS injured FROM attacks WHERE occurred_at >= '{FOUR_YEARS[0]}'
                AND occurred_at <= '{FOUR_YEARS[1]}T23:59:59Z' GROUP BY day ORDER BY day"""
            ),
            note="Datasette: no launched/intercepted (waves are not in its table)",
        ),
        Case(
            "csv",
            "CSV export of the whole published set",
            "/api/v1/attacks/?format=csv",
            None,
            "/scale/attacks.csv?" + urlencode({"_stream": "on", "_nocol": "sources_text", "_size": "max"}),
            repeat=2,
            streaming=True,
        ),
    ]
