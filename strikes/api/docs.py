"""OpenAPI descriptions, parameters and examples for the strikes endpoints.

Kept apart from the views so a view reads as queryset, serializer, filterset and
permissions; everything a researcher reads in /api/docs/ is here.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from strikes.choices import AttackStatus, EvidenceGrade, MunitionCategory, TargetType


def ex(value, name="example"):
    return [OpenApiExample(name, value=value)]


ERROR_RESPONSE = OpenApiResponse(
    inline_serializer(
        "Error",
        {
            "detail": serializers.JSONField(help_text="What is wrong (a message, or messages per field)."),
            "parameter": serializers.CharField(required=False, help_text="The query parameter at fault."),
            "valid_parameters": serializers.ListField(child=serializers.CharField(), required=False),
        },
    ),
    description="What was wrong with the request.",
)


def _p(name, type_, description, example, **kwargs):
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, description=description, examples=ex(example), **kwargs
    )


ATTACK_FILTER_PARAMETERS = [
    _p(
        "occurred_after",
        str,
        "On or after this moment (inclusive). An ISO 8601 date means from 00:00 Kyiv time that day; "
        "a date-time without an offset is Kyiv time.",
        "2025-04-01",
    ),
    _p(
        "occurred_before",
        str,
        "On or before this moment (inclusive). A date alone covers that whole day (Kyiv time).",
        "2025-04-30",
    ),
    _p(
        "bbox",
        str,
        "min_lon,min_lat,max_lon,max_lat in WGS 84 degrees; min must be below max. Attacks without "
        "coordinates never match.",
        "30.2,50.3,30.8,50.6",
    ),
    _p("oblast", str, "Oblast id, name or alias (any case); several comma-separated match any.", "Kharkiv Oblast"),
    _p(
        "place",
        str,
        "Place id or name/alias (any case), including the places inside it (a city's districts); "
        "comma-separated for any of several.",
        "Kyiv",
    ),
    _p("munition", str, "Munition id, name or alias (any case); comma-separated for any.", "KN-23"),
    _p(
        "munition_category",
        str,
        f"Attacks using a munition of this category: {', '.join(MunitionCategory.values)}. Comma-separated for any.",
        "ballistic_missile",
    ),
    _p("origin_country", str, "Attacks using a munition made in this country (any case).", "North Korea"),
    _p("target_type", str, f"One of {', '.join(TargetType.values)}; comma-separated for any.", "residential"),
    _p(
        "killed_min",
        int,
        "Published killed (best) at least this. Attacks without a published figure never match.",
        1,
    ),
    _p("killed_max", int, "Published killed (best) at most this.", 10),
    _p("injured_min", int, "Published injured (best) at least this.", 5),
    _p(
        "geo_precision_max",
        int,
        "Location at least this precise: 1 exact, 2 near, 3 district, 4 city, 5 oblast, 6 country.",
        4,
    ),
    _p("disputed", bool, "true: sources disagree on a published figure; false: they do not.", True),
    _p(
        "grade",
        str,
        f"Evidence grade, one of {', '.join(EvidenceGrade.values)} (comma-separated for any). Without it, "
        "discounted attacks are left out; name 'discounted' to include them.",
        "confirmed,fair",
    ),
    _p(
        "status",
        str,
        f"One of {', '.join(AttackStatus.values)} (comma-separated for any). Anything but 'published' needs an "
        "analyst, editor or admin; others get a 400. Without it, staff see every status, others published only.",
        "published",
    ),
    _p(
        "q",
        str,
        "Full-text search over descriptions (weight A), article titles (B) and texts (C), PostgreSQL "
        'web-search syntax ("quoted phrase", or, -exclude). Ranked by relevance when no ordering is given.',
        "ballistic missile",
    ),
    _p(
        "updated_since",
        str,
        "Changed on or after this moment (ISO 8601). With /changes/, keeps a copy in sync.",
        "2025-04-25T00:00:00Z",
    ),
]

LIST_PARAMETERS = [
    _p(
        "fields",
        str,
        "Only these fields, comma-separated (unknown names are a 400).",
        "id,event_id_cnty,occurred_at,figures",
    ),
    _p("omit", str, "All fields but these, comma-separated.", "sources,description"),
]
FIELD_PARAMETERS = LIST_PARAMETERS
COUNT_PARAMETER = [_p("count", str, "'on': answer only {\"count\": N} for the filters.", "on", enum=["on"])]

FIGURES_PARAMETER = _p(
    "figures",
    str,
    "Which figure to show per category: decided (default: the editor's decision or the sources' consensus), "
    "conservative (the lowest figure the sources support), range (best with the full low-high range).",
    "decided",
    enum=["decided", "conservative", "range"],
)

ATTACK_FORMAT_PARAMETERS = [
    _p(
        "ordering",
        str,
        "occurred_at, killed_best (toll; unknown sorts as -1) or updated_at; '-' for descending. Default "
        "-occurred_at, or relevance with q.",
        "-killed_best",
        enum=["occurred_at", "-occurred_at", "killed_best", "-killed_best", "updated_at", "-updated_at"],
    ),
    *COUNT_PARAMETER,
    FIGURES_PARAMETER,
    _p(
        "format",
        str,
        "json (default); geojson (a FeatureCollection: the whole filtered set, or one page with cursor/page_size); "
        "csv (the whole filtered set, streamed; columns in docs/API.md).",
        "geojson",
        enum=["json", "geojson", "csv"],
    ),
]

DETAIL_PARAMETERS = [*LIST_PARAMETERS, FIGURES_PARAMETER]

GEOJSON_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "geometry": {
                        "type": "object",
                        "nullable": True,
                        "description": "A Point [longitude, latitude]; null for attacks without coordinates.",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2},
                        },
                    },
                    "properties": {"type": "object", "description": "The attack, as in the JSON list."},
                },
            },
        },
        "next": {"type": "string", "nullable": True, "description": "Paged GeoJSON only."},
        "previous": {"type": "string", "nullable": True, "description": "Paged GeoJSON only."},
    },
}

ATTACK_LIST = """Attacks matching every filter given, newest first (or by `ordering`; by relevance with `q`).

Paging is by cursor: follow `next` until it is null to read every row exactly once, however
many are inserted meanwhile. `page_size` up to 1000. `count=on` answers only the count.

`format=geojson` gives an RFC 7946 FeatureCollection (the whole filtered set, streamed, unless
`cursor` or `page_size` ask for one page); `format=csv` streams the whole filtered set with
ACLED-style columns. Staff (analysts, editors, admins) also see drafts and retractions."""

TIMELINE = """Per period (day, week starting Monday, or month; Kyiv calendar): the number of attacks and
the sums of their published killed and injured (best), for attacks matching the filters; and
the weapons launched and intercepted in the nightly waves that started in the period.

Waves are national totals, so of the attack filters only the date range (`occurred_after`,
`occurred_before`) applies to them. Periods run from the one holding `occurred_after` to the
one holding `occurred_before`, zeros included (without a bound: from the first, or to the
last, period with data)."""

MAP = """Grid clusters of the attacks matching the filters, computed in the database: per cell, the
count, the centroid [lon, lat], the bounds and the summed tolls. Cells holding few attacks
(3, or 25 from zoom 14) are sent as single attacks instead. The cell side is 90/2^n
degrees: a quarter of a map tile at `zoom` (90/2^zoom), doubled until the box is at most 128
cells across. `without_coordinates` counts the
matching attacks that cannot be placed on a map (ignoring `bbox`)."""

CHANGES = """What to remove from a copy kept in sync since `since`: attacks that were public and no
longer are (retracted, returned to draft, or deleted), claims withdrawn and decisions replaced.
New and edited rows come from `updated_since` on each list. Use `until` as the next `since`
(for both): it lies two minutes in the past, so consecutive syncs overlap and a write that
was committing while you asked is not missed; applying an entry twice is harmless."""

TOKEN_HELP = """Exchange a username and password for the user's API token (created on first use).
Send it as `Authorization: Token <key>`. Tokens can also be made in the admin and on the
profile page."""  # noqa: S105 -- documentation, not a password
