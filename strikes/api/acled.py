"""ACLED's standard columns and vocabularies, for the CSV export (a drop-in ACLED file).

ACLED's 31 columns come first, in ACLED's order, with ACLED's words; Strikewatch's own
columns follow (``strikes.api.representation.CSV_COLUMNS``). What each column holds, and how
our finer codes map to ACLED's, is documented in docs/API.md. The SQL here runs over the CSV's
row (``a`` the attack, ``p`` its place, ``pp`` the place's parent, ``o`` its oblast, ``mun``
its munitions): ``strikes.api.formats``.
"""

from strikes.api.sql import csv_text, sql_case, sql_text

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

# ACLED codes 1-3 (1 = most precise). Ours are finer.
TIME_PRECISION = {"exact": 1, "hour": 1, "day": 1, "week": 2, "month": 3}
# 1 exact, 3 district, 4 city -> the town is known (1); 2 near a town -> 2; 5 oblast, 6 country -> 3.
GEO_PRECISION = {1: 1, 2: 2, 3: 1, 4: 1, 5: 3, 6: 3}

# Every attack Strikewatch records is a Russian strike from afar on Ukraine.
ACTOR = "Military Forces of Russia (2000-)"
CONSTANT_COLUMNS = {
    "disorder_type": "Political violence",
    "event_type": "Explosions/Remote violence",
    "actor1": ACTOR,
    "inter1": "External/Other forces",
    "iso": 804,
    "region": "Europe",
    "country": "Ukraine",
}
# Columns ACLED has and we have no data for: empty, never invented.
EMPTY_COLUMNS = ("assoc_actor_1", "assoc_actor_2", "admin3", "source_scale", "tags")

# ACLED's sub-event: missiles, rockets and artillery are "Shelling/artillery/missile attack";
# drones, bombs and missiles fired from aircraft an "Air/drone strike". An attack with both,
# or with no munition known, is coded by its missiles (ACLED's wider category).
_GROUND = ("ballistic_missile", "cruise_missile", "anti_ship_missile", "surface_to_air_missile", "rocket", "artillery")
_AIR = ("attack_drone", "recon_drone", "guided_bomb", "unguided_bomb", "air_to_surface_missile")
SUB_EVENT_TYPE = (
    f"CASE WHEN mun.categories && ARRAY[{', '.join(map(sql_text, _GROUND))}]::varchar[]"
    " THEN 'Shelling/artillery/missile attack'"
    f" WHEN mun.categories && ARRAY[{', '.join(map(sql_text, _AIR))}]::varchar[] THEN 'Air/drone strike'"
    " ELSE 'Shelling/artillery/missile attack' END"
)

# The second actor from the target: civilians where the target is civilian, Ukraine's forces
# where it is military, none otherwise (infrastructure, unknown).
_CIVILIAN_TARGETS = ("residential", "commercial", "healthcare", "education", "agriculture")


def _by_target(civilian: str, military: str, other: str) -> str:
    civilians = ", ".join(map(sql_text, _CIVILIAN_TARGETS))
    return (
        f"CASE WHEN a.target_type IN ({civilians}) THEN {civilian}"
        f" WHEN a.target_type = 'military' THEN {military} ELSE {other} END"
    )


ACTOR2 = _by_target("'Civilians (Ukraine)'", "'Military Forces of Ukraine (2019-)'", "NULL")
INTER2 = _by_target("'Civilians'", "'State forces'", "NULL")
INTERACTION = _by_target(
    "'External/Other forces-Civilians'", "'State forces-External/Other forces'", "'External/Other forces only'"
)
CIVILIAN_TARGETING = _by_target("'Civilian targeting'", "NULL", "NULL")

# admin1 as ACLED spells it: "Kharkiv", not "Kharkiv Oblast" (Kyiv City and Crimea as they are).
_OBLAST_NAME = "CASE WHEN p.oblast_id IS NOT NULL THEN o.name WHEN p.kind = 'oblast' THEN p.name END"
ADMIN1 = csv_text(f"NULLIF(regexp_replace({_OBLAST_NAME}, ' Oblast$', ''), '')")
# The raion, when the gazetteer has one above the place.
ADMIN2 = csv_text("CASE WHEN p.kind = 'raion' THEN p.name WHEN pp.kind = 'raion' THEN pp.name END")
# The settlement; a city district as ACLED writes it, "Kyiv - Sviatoshynskyi".
LOCATION = csv_text(
    "NULLIF(CASE WHEN p.kind = 'district' AND pp.kind = 'city' THEN pp.name || ' - ' || p.name ELSE p.name END, '')"
)
TIME_PRECISION_SQL = sql_case("a.time_precision", TIME_PRECISION)
GEO_PRECISION_SQL = sql_case("a.geo_precision", GEO_PRECISION)
# When the row last changed, in Unix seconds (ACLED's timestamp).
TIMESTAMP = "extract(epoch FROM a.updated_at)::bigint"
