"""The explore page with 100,000 attacks becomes usable within 2 seconds in headless Chromium."""

import datetime as dt
import random
import statistics
import time

import pytest
from django.db import connection, transaction
from django.urls import reverse

from tests.browser.fixtures import wait_map_ready

pytestmark = pytest.mark.browser

N_ATTACKS = 100_000
BUDGET_MS = 2_000

# Where strikes concentrate (cities), plus a uniform spread over the country's box.
CENTRES = [
    (50.45, 30.52),
    (49.99, 36.23),
    (46.48, 30.72),
    (48.46, 35.04),
    (47.84, 35.14),
    (46.64, 32.61),
    (47.10, 37.55),
    (48.02, 37.80),
    (50.91, 34.80),
    (51.50, 31.30),
    (49.84, 24.03),
    (46.97, 31.99),
    (48.92, 24.71),
    (49.59, 34.55),
    (47.91, 33.39),
]
LAT_RANGE, LON_RANGE = (44.5, 52.3), (22.3, 40.1)
COLUMNS = (
    "occurred_at",
    "time_precision",
    "latitude",
    "longitude",
    "geo_precision",
    "target_type",
    "description",
    "status",
    "retraction_reason",
    "external_source",
    "external_id",
    "killed_best",
    "injured_best",
    "disputed",
    "created_at",
    "updated_at",
)


def generate_rows(n: int, seed: int = 7):
    rng = random.Random(seed)
    start = dt.datetime(2022, 2, 24, tzinfo=dt.UTC)
    span = 3 * 365 * 86400
    now = dt.datetime.now(dt.UTC)
    for i in range(n):
        if rng.random() < 0.7:
            lat0, lon0 = rng.choice(CENTRES)
            lat, lon = rng.gauss(lat0, 0.25), rng.gauss(lon0, 0.35)
        else:
            lat, lon = rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)
        located = rng.random() > 0.02
        killed = rng.choice((None, 0, 0, 0, 1, 1, 2, 3, 5, 12))
        yield (
            start + dt.timedelta(seconds=rng.randrange(span)),
            "hour",
            min(max(lat, -90), 90) if located else None,
            lon if located else None,
            rng.choice((1, 2, 3, 4, 4, 4, 5)),
            rng.choice(("residential", "energy", "transport", "unknown")),
            "",
            "published",
            "",
            "",
            f"gen-{i}",
            killed,
            None if killed is None else killed * 3,
            rng.random() < 0.05,
            now,
            now,
        )


def bulk_insert_attacks(n: int) -> float:
    """COPY ``n`` published attacks in; returns the seconds it took.

    Triggers are skipped for the copy (``session_replication_role = replica``): generated rows
    have no history worth keeping, and 100,000 history rows would only slow the set-up, not the
    page being measured. That also skips the triggers keeping the map/timeline summary and the
    data version, so the copy does afterwards what ``generate_data`` does after its load:
    rebuild the summary once and draw a new data version (no cached answer predates the rows).
    """
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        with cursor.copy(f"COPY strikes_attack ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for row in generate_rows(n):
                copy.write_row(row)
        cursor.execute("SET LOCAL session_replication_role = origin")
        cursor.execute("SELECT strikes_attack_summary_rebuild()")
        cursor.execute("SELECT nextval('strikes_data_version')")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE strikes_attack")
    return time.perf_counter() - started


def load_explore(browse) -> dict:
    """Open the explore page in a fresh browser context (nothing cached); time until markers
    or clusters are drawn. Waits until the page is idle (timeline drawn) before returning,
    so one measurement does not slow the next."""
    page = browse.new_page()
    started = time.perf_counter()
    page.goto(reverse("explore"), wait_until="commit")
    wait_map_ready(page, timeout=20_000)
    wall_ms = (time.perf_counter() - started) * 1000
    # Measured by the page itself: from the start of navigation to the first drawn map data.
    ready_ms = page.evaluate("window.__exploreReadyMs")
    page.wait_for_selector("#timeline[data-ready='1']", state="attached", timeout=20_000)
    page.wait_for_load_state("networkidle")
    return {"page": page, "ready_ms": ready_ms, "wall_ms": wall_ms}


def test_explore_with_100000_attacks_is_usable_within_2_seconds(browse):
    insert_s = bulk_insert_attacks(N_ATTACKS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), count(latitude) FROM strikes_attack WHERE status = 'published'")
        total, located = cursor.fetchone()
    assert total == N_ATTACKS

    # The first load after the server process starts also pays for imports, template
    # compilation and the first database connection, which a running server paid long ago:
    # reported, not held to the budget. Each measured load is a new browser context, so
    # nothing (scripts, styles, data) comes from the browser's cache.
    first = load_explore(browse)
    runs = [load_explore(browse) for _ in range(3)]
    page = runs[-1]["page"]
    figures = ", ".join(f"{r['ready_ms']:.0f} ms (wall {r['wall_ms']:.0f} ms)" for r in runs)
    print(f"\n[scale] {N_ATTACKS:,} attacks inserted by COPY in {insert_s:.1f} s")
    print(f"[scale] first load after server start: {first['ready_ms']:.0f} ms (wall {first['wall_ms']:.0f} ms)")
    print(f"[scale] explore usable (clusters drawn), cold browser cache: {figures}")

    # Clusters from the server, standing for every located attack in view; the count is all of them.
    assert page.get_attribute("#map", "data-mode") == "clusters"
    assert int(page.get_attribute("#map", "data-drawn")) > 0
    assert int(page.get_attribute("#map", "data-points")) > 0.9 * located
    assert page.get_attribute("#count-total", "data-count") == str(N_ATTACKS)
    assert page.text_content("#count-unlocated") == f"{total - located:,}"
    assert page.locator("#map .marker-cluster").count() > 5
    # The median of three cold loads, so one load slowed by another process on the machine
    # does not decide the result (all three are printed above).
    median = statistics.median(r["ready_ms"] for r in runs)
    assert median < BUDGET_MS, f"explore took {median:.0f} ms (median) to draw the map"
