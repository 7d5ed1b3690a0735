# ruff: noqa: S608 -- the SQL below is built only from the constants in this file.
"""Summary tables for the map and the timeline, kept exact by the database.

The aggregates (``strikes.api.aggregates``) used to group every matching attack on each cold
request (1M attacks: ~1 s for the timeline, ~2.5 s for the country map). These tables hold the
same sums grouped coarser, so the common requests read thousands of rows instead:

- ``strikes_attack_daily``: per Kyiv calendar day, status, place and oblast: attacks and the
  summed best killed/injured (the timeline with date, oblast, place and status filters).
- ``strikes_attack_daily_total``: the same per day and status only (the unfiltered timeline
  would otherwise add up ~300k rows of the table above at 1M attacks).
- ``strikes_attack_cell``: per grid level, cell, status, place and oblast: attacks, summed
  tolls, exact sums of the coordinates (for centroids) and their minimum and maximum (for the
  bounds). A level-``L`` cell is ``floor(lon / (90 / 2^L))``, the same float division the map
  makes with its cell size, which is also ``90 / 2^j``: a fine cell never straddles a coarse
  one, so coarse clusters are exact sums of fine rows.

"No place"/"no oblast" is stored as 0 (no place has that id), so the keys are primary keys.

Statement-level triggers with transition tables keep them right for every writer (services,
importers, ``QuerySet.update()``, raw SQL): counts and sums are applied as deltas with an
upsert (concurrent writers add up instead of overwriting each other), a new point widens the
bounds, and when a removed point was on a cell's bounds, those bounds are recomputed from the
attacks (after the upsert has locked the row, in a new statement, so a concurrent writer's
committed point is seen; READ COMMITTED, Django's default). An UPDATE takes the old rows away
and adds the new ones; rows whose time, status, place, oblast, coordinates and figures did not
change cancel out before anything is written (a description edit writes no summary row).

Plain SQL triggers, not django-pgtrigger: the bulk generator disables ``pgtrigger_*``
triggers; it disables these by name instead and rebuilds the tables once at the end
(``strikes_attack_summary_rebuild()``, also used for the back-fill below).
"""

from django.db import migrations

# The calendar of the timeline's days. The API uses the tables only for requests in this zone
# (strikes.api.aggregates.SUMMARY_TIME_ZONE); any other zone computes from the attacks.
TIME_ZONE = "Europe/Kyiv"
# Grid levels kept: cell side 90/2^L degrees (about 39, 4.9 and 0.6 km in longitude at 50°N).
# The map reads the coarsest level at least as fine as its cell (zoom 0-8, 9-11, 12-14); finer
# cells (zoom 15+, small boxes) are computed from the attacks. Must match aggregates.LEVELS.
LEVELS = (8, 11, 14)
LEVELS_SQL = "ARRAY[" + ", ".join(str(level) for level in LEVELS) + "]"
COLS = "occurred_at, status, place_id, oblast_id, longitude, latitude, killed_best, injured_best"


def size(level: str) -> str:
    return f"(90::float8 / 2::float8 ^ {level})"


def cell(coord: str, level: str) -> str:
    return f"floor({coord} / {size(level)})::integer"


TABLES = [
    """
    CREATE TABLE strikes_attack_daily (
        day date NOT NULL,
        status varchar(10) NOT NULL,
        place_id integer NOT NULL,
        oblast_id integer NOT NULL,
        attacks integer NOT NULL,
        killed bigint NOT NULL,
        injured bigint NOT NULL,
        PRIMARY KEY (day, status, place_id, oblast_id)
    )
    """,
    # place= and oblast= timelines: index-only scans over the places' (oblasts') days, which
    # the table's own order (by day) scatters over thousands of pages.
    "CREATE INDEX strikes_attack_daily_place ON strikes_attack_daily (place_id, status, day)"
    " INCLUDE (attacks, killed, injured)",
    "CREATE INDEX strikes_attack_daily_oblast ON strikes_attack_daily (oblast_id, status, day)"
    " INCLUDE (attacks, killed, injured)",
    """
    CREATE TABLE strikes_attack_daily_total (
        day date NOT NULL,
        status varchar(10) NOT NULL,
        attacks integer NOT NULL,
        killed bigint NOT NULL,
        injured bigint NOT NULL,
        PRIMARY KEY (day, status)
    )
    """,
    """
    CREATE TABLE strikes_attack_cell (
        level smallint NOT NULL,
        gx integer NOT NULL,
        gy integer NOT NULL,
        status varchar(10) NOT NULL,
        place_id integer NOT NULL,
        oblast_id integer NOT NULL,
        attacks integer NOT NULL,
        killed bigint NOT NULL,
        injured bigint NOT NULL,
        sum_lon numeric NOT NULL,
        sum_lat numeric NOT NULL,
        min_lon float8,
        min_lat float8,
        max_lon float8,
        max_lat float8,
        PRIMARY KEY (level, gx, gy, status, place_id, oblast_id)
    )
    """,
    # place= and oblast= maps: that place's (oblast's) cells, not a scan of every cell.
    "CREATE INDEX strikes_attack_cell_place ON strikes_attack_cell (place_id, level, gx, gy)",
    "CREATE INDEX strikes_attack_cell_oblast ON strikes_attack_cell (oblast_id, level, gx, gy)",
]


# The changed rows as (sign, columns): +1 adds a row's contribution, -1 takes it away. An
# UPDATE takes every old row away and adds every new one: rows whose summed columns did not
# change cancel out in the GROUP BYs below (no join of the transition tables, which have no
# statistics, so the planner would nest-loop them).
#
# ``counted``: the condition an attack must meet to be summed, "{a}" standing for the table's
# alias ("true" here; migration 0010 rebuilds these functions with the evidence grade's
# condition, leaving discounted attacks out).
def changes(op: str, counted: str = "true") -> str:
    return {
        "INSERT": f"SELECT 1 AS sign, {COLS} FROM new_rows WHERE {counted.format(a='')}",
        "DELETE": f"SELECT -1 AS sign, {COLS} FROM old_rows WHERE {counted.format(a='')}",
        "UPDATE": f"SELECT -1 AS sign, {COLS} FROM old_rows WHERE {counted.format(a='')}"
        f" UNION ALL SELECT 1 AS sign, {COLS} FROM new_rows WHERE {counted.format(a='')}",
    }[op]


def keyed(op: str, counted: str = "true") -> str:
    # ``points``: the net change per located point (status, place, oblast, coordinates): n > 0
    # added, n < 0 taken away (its cell's bounds may shrink); ``cells``: those at every level.
    return f"""
    WITH changed AS ({changes(op, counted)}),
    keyed AS (
        SELECT sign, (occurred_at AT TIME ZONE '{TIME_ZONE}')::date AS day, status,
               coalesce(place_id, 0) AS place_id, coalesce(oblast_id, 0) AS oblast_id,
               longitude AS lon, latitude AS lat,
               coalesce(killed_best, 0)::bigint AS killed, coalesce(injured_best, 0)::bigint AS injured
        FROM changed
    ),
    points AS (
        SELECT status, place_id, oblast_id, lon, lat, sum(sign) AS n, sum(sign * killed) AS killed,
               sum(sign * injured) AS injured
        FROM keyed WHERE lon IS NOT NULL GROUP BY 1, 2, 3, 4, 5
        HAVING sum(sign) <> 0 OR sum(sign * killed) <> 0 OR sum(sign * injured) <> 0
    ),
    cells AS (
        SELECT l.level, {cell("p.lon", "l.level")} AS gx, {cell("p.lat", "l.level")} AS gy, p.*
        FROM points p CROSS JOIN unnest({LEVELS_SQL}) AS l(level)
    )
    """


def apply(op: str, counted: str = "true") -> str:
    """The body of the trigger function for ``op``: upserts of the deltas, then clean-up."""
    with_keyed = keyed(op, counted)
    # Rows were taken away (DELETE, UPDATE): drop rows left empty, shrink bounds.
    shrink = f"""
        {with_keyed}
        DELETE FROM strikes_attack_daily s
        USING (SELECT day, status, place_id, oblast_id FROM keyed GROUP BY 1, 2, 3, 4 HAVING sum(sign) < 0) k
        WHERE s.attacks = 0 AND s.day = k.day AND s.status = k.status AND s.place_id = k.place_id
          AND s.oblast_id = k.oblast_id;

        {with_keyed}
        DELETE FROM strikes_attack_daily_total s
        USING (SELECT day, status FROM keyed GROUP BY 1, 2 HAVING sum(sign) < 0) k
        WHERE s.attacks = 0 AND s.day = k.day AND s.status = k.status;

        {with_keyed}
        DELETE FROM strikes_attack_cell s
        USING (SELECT level, gx, gy, status, place_id, oblast_id FROM cells GROUP BY 1, 2, 3, 4, 5, 6
               HAVING sum(n) < 0) k
        WHERE s.attacks = 0 AND s.level = k.level AND s.gx = k.gx AND s.gy = k.gy AND s.status = k.status
          AND s.place_id = k.place_id AND s.oblast_id = k.oblast_id;

        -- A removed point on its cell's bounds: recompute them from the attacks still there.
        {with_keyed},
        shrunk AS (
            SELECT DISTINCT s.level, s.gx, s.gy, s.status, s.place_id, s.oblast_id
            FROM cells k JOIN strikes_attack_cell s ON s.level = k.level AND s.gx = k.gx AND s.gy = k.gy
                 AND s.status = k.status AND s.place_id = k.place_id AND s.oblast_id = k.oblast_id
            WHERE k.n < 0 AND (k.lon = s.min_lon OR k.lon = s.max_lon OR k.lat = s.min_lat OR k.lat = s.max_lat)
        )
        UPDATE strikes_attack_cell s SET min_lon = b.min_lon, min_lat = b.min_lat, max_lon = b.max_lon,
            max_lat = b.max_lat
        FROM shrunk r CROSS JOIN LATERAL (
            -- The index range (with a margin far above float rounding) finds candidates; the
            -- floor() test is the exact cell.
            SELECT min(a.longitude) AS min_lon, min(a.latitude) AS min_lat,
                   max(a.longitude) AS max_lon, max(a.latitude) AS max_lat
            FROM strikes_attack a
            WHERE a.longitude BETWEEN r.gx * {size("r.level")} - 1e-9 AND (r.gx + 1) * {size("r.level")} + 1e-9
              AND a.latitude BETWEEN r.gy * {size("r.level")} - 1e-9 AND (r.gy + 1) * {size("r.level")} + 1e-9
              AND {cell("a.longitude", "r.level")} = r.gx AND {cell("a.latitude", "r.level")} = r.gy
              AND a.status = r.status AND coalesce(a.place_id, 0) = r.place_id
              AND coalesce(a.oblast_id, 0) = r.oblast_id AND {counted.format(a='a.')}
        ) b
        WHERE s.level = r.level AND s.gx = r.gx AND s.gy = r.gy AND s.status = r.status
          AND s.place_id = r.place_id AND s.oblast_id = r.oblast_id;
    """
    # Rows keep a consistent lock order (ORDER BY the key, tables in one order) so concurrent
    # writers wait for each other rather than deadlock. Every cell with a changed point is
    # upserted (locked) before its bounds are recomputed in a later statement, which then sees
    # what concurrent writers to that cell committed.
    return f"""
    BEGIN
    {with_keyed}
    INSERT INTO strikes_attack_daily AS s (day, status, place_id, oblast_id, attacks, killed, injured)
    SELECT day, status, place_id, oblast_id, sum(sign), sum(sign * killed), sum(sign * injured) FROM keyed
    GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0 OR sum(sign * killed) <> 0 OR sum(sign * injured) <> 0
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, status, place_id, oblast_id) DO UPDATE SET
        attacks = s.attacks + EXCLUDED.attacks, killed = s.killed + EXCLUDED.killed,
        injured = s.injured + EXCLUDED.injured;

    {with_keyed}
    INSERT INTO strikes_attack_daily_total AS s (day, status, attacks, killed, injured)
    SELECT day, status, sum(sign), sum(sign * killed), sum(sign * injured) FROM keyed
    GROUP BY 1, 2 HAVING sum(sign) <> 0 OR sum(sign * killed) <> 0 OR sum(sign * injured) <> 0
    ORDER BY 1, 2
    ON CONFLICT (day, status) DO UPDATE SET
        attacks = s.attacks + EXCLUDED.attacks, killed = s.killed + EXCLUDED.killed,
        injured = s.injured + EXCLUDED.injured;

    {with_keyed}
    INSERT INTO strikes_attack_cell AS s (level, gx, gy, status, place_id, oblast_id, attacks, killed, injured,
                                          sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat)
    SELECT level, gx, gy, status, place_id, oblast_id, sum(n), sum(killed), sum(injured),
           sum(n * lon::numeric), sum(n * lat::numeric),
           min(lon) FILTER (WHERE n > 0), min(lat) FILTER (WHERE n > 0),
           max(lon) FILTER (WHERE n > 0), max(lat) FILTER (WHERE n > 0)
    FROM cells GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT (level, gx, gy, status, place_id, oblast_id) DO UPDATE SET
        attacks = s.attacks + EXCLUDED.attacks, killed = s.killed + EXCLUDED.killed,
        injured = s.injured + EXCLUDED.injured, sum_lon = s.sum_lon + EXCLUDED.sum_lon,
        sum_lat = s.sum_lat + EXCLUDED.sum_lat,
        min_lon = least(s.min_lon, EXCLUDED.min_lon), min_lat = least(s.min_lat, EXCLUDED.min_lat),
        max_lon = greatest(s.max_lon, EXCLUDED.max_lon), max_lat = greatest(s.max_lat, EXCLUDED.max_lat);

    {"" if op == "INSERT" else shrink}
    RETURN NULL;
    END;
    """


def function(op: str, counted: str = "true") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION strikes_attack_summary_{op.lower()}() RETURNS trigger"
        f" LANGUAGE plpgsql AS $body$ {apply(op, counted)} $body$"
    )


# The finest level from the attacks, the coarser ones from it: floor(floor(x * 2^a) / 2^b) is
# floor(x * 2^(a-b)) exactly, so this equals grouping the attacks at each level.
def rebuild(counted: str = "true") -> str:
    return f"""
CREATE OR REPLACE FUNCTION strikes_attack_summary_rebuild() RETURNS void LANGUAGE plpgsql AS $body$
BEGIN
    TRUNCATE strikes_attack_daily, strikes_attack_daily_total, strikes_attack_cell;
    INSERT INTO strikes_attack_daily (day, status, place_id, oblast_id, attacks, killed, injured)
    SELECT (occurred_at AT TIME ZONE '{TIME_ZONE}')::date, status, coalesce(place_id, 0), coalesce(oblast_id, 0),
           count(*), coalesce(sum(killed_best), 0), coalesce(sum(injured_best), 0)
    FROM strikes_attack WHERE {counted.format(a='')} GROUP BY 1, 2, 3, 4
    -- An oblast's (and a place's) days side by side: place= and oblast= read few pages.
    ORDER BY 4, 3, 2, 1;
    INSERT INTO strikes_attack_daily_total (day, status, attacks, killed, injured)
    SELECT day, status, sum(attacks), sum(killed), sum(injured) FROM strikes_attack_daily GROUP BY 1, 2;
    INSERT INTO strikes_attack_cell (level, gx, gy, status, place_id, oblast_id, attacks, killed, injured,
                                     sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat)
    SELECT {LEVELS[-1]}, {cell("longitude", str(LEVELS[-1]))}, {cell("latitude", str(LEVELS[-1]))}, status,
           coalesce(place_id, 0), coalesce(oblast_id, 0), count(*),
           coalesce(sum(killed_best), 0), coalesce(sum(injured_best), 0),
           sum(longitude::numeric), sum(latitude::numeric), min(longitude), min(latitude), max(longitude), max(latitude)
    FROM strikes_attack WHERE longitude IS NOT NULL AND {counted.format(a='')} GROUP BY 2, 3, 4, 5, 6 ORDER BY 2, 3;
    INSERT INTO strikes_attack_cell (level, gx, gy, status, place_id, oblast_id, attacks, killed, injured,
                                     sum_lon, sum_lat, min_lon, min_lat, max_lon, max_lat)
    SELECT l.level, floor(c.gx / 2::float8 ^ ({LEVELS[-1]} - l.level))::integer,
           floor(c.gy / 2::float8 ^ ({LEVELS[-1]} - l.level))::integer, c.status, c.place_id, c.oblast_id,
           sum(c.attacks), sum(c.killed), sum(c.injured), sum(c.sum_lon), sum(c.sum_lat),
           min(c.min_lon), min(c.min_lat), max(c.max_lon), max(c.max_lat)
    FROM strikes_attack_cell c CROSS JOIN unnest(ARRAY[{", ".join(str(v) for v in LEVELS[:-1])}]) AS l(level)
    WHERE c.level = {LEVELS[-1]} GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3;
END;
$body$
"""

TRUNCATE = """
CREATE OR REPLACE FUNCTION strikes_attack_summary_truncate() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    TRUNCATE strikes_attack_daily, strikes_attack_daily_total, strikes_attack_cell;
    RETURN NULL;
END;
$body$
"""

FORWARD = [
    *TABLES,
    *(function(op) for op in ("INSERT", "UPDATE", "DELETE")),
    rebuild(),
    TRUNCATE,
    "CREATE TRIGGER strikes_attack_summary_insert AFTER INSERT ON strikes_attack"
    " REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_summary_insert()",
    "CREATE TRIGGER strikes_attack_summary_update AFTER UPDATE ON strikes_attack"
    " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_summary_update()",
    "CREATE TRIGGER strikes_attack_summary_delete AFTER DELETE ON strikes_attack"
    " REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_summary_delete()",
    "CREATE TRIGGER strikes_attack_summary_truncate AFTER TRUNCATE ON strikes_attack"
    " FOR EACH STATEMENT EXECUTE FUNCTION strikes_attack_summary_truncate()",
    "SELECT strikes_attack_summary_rebuild()",
    # (Autovacuum sets the visibility map for index-only scans within a minute or so; VACUUM
    # cannot run inside the migration's transaction.)
    "ANALYZE strikes_attack_daily, strikes_attack_daily_total, strikes_attack_cell",
]

BACKWARD = [
    *(
        f"DROP TRIGGER IF EXISTS strikes_attack_summary_{op} ON strikes_attack"
        for op in ("insert", "update", "delete", "truncate")
    ),
    *(
        f"DROP FUNCTION IF EXISTS strikes_attack_summary_{op}()"
        for op in ("insert", "update", "delete", "truncate", "rebuild")
    ),
    "DROP TABLE IF EXISTS strikes_attack_daily, strikes_attack_daily_total, strikes_attack_cell",
]


class Migration(migrations.Migration):
    dependencies = [("strikes", "0005_attack_oblast")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
