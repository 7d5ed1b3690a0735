# ruff: noqa: S608 -- SQL built from table and column names chosen here; values go through placeholders.
"""Issue 19's new features at scale: their query cases, a release of the whole set, and
saved-search matching over a large import.

- ``build_features``: the query cases (``grade=``, the articles' ``language=``, ``as_of=`` on the
  list, the detail, the timeline and the map, the weapons aggregate), timed by ``bench.run`` like
  every other case (p95 ≤ 100 ms).
- ``measure_release``: ``manage.py release`` on the scale database (time, peak memory, file
  sizes); the release is then removed again so the next run freezes the same first release.
- ``measure_watch`` (child process ``python -m bench.features watch``): 1,000 saved searches, an
  import of 10,000 published attacks (with the history triggers on, as a real import writes
  them), then one ``searches_check`` timed; all inside a transaction that is rolled back.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psutil
import psycopg

from bench.cases import FOUR_YEARS, RANGE, Case, Params, ds_table

BASE_DIR = Path(__file__).resolve().parent.parent
# The import and the number of saved searches the matching case uses (issue 19).
WATCH_SEARCHES = int(os.environ.get("BENCH_WATCH_SEARCHES", "1000"))
WATCH_ATTACKS = int(os.environ.get("BENCH_WATCH_ATTACKS", "10000"))
# Targets: a release in under 2 minutes (issue 19); a check of every saved search within the
# one-minute period of the watch tick (config.settings CELERY_BEAT_SCHEDULE), so the next tick
# does not start while this one still runs.
RELEASE_TARGET_S = 120.0
WATCH_TARGET_S = 60.0
# The share of the attacks changed since the older as_of moment (``FeatureParams.as_of_older``).
OLDER_SHARE = 0.01


@dataclass
class FeatureParams:
    as_of: str  # the moment the run began, after every write: the whole published set as a snapshot
    grade: str  # the rarest grade among published attacks (the list walks furthest for it)
    grade_count: int
    language: str
    language_share: float  # of the articles
    # An older moment: the one after which OLDER_SHARE of the attacks were written (an as_of
    # snapshot's cost follows the attacks changed since its moment; the one above has none).
    as_of_older: str = ""
    as_of_older_changed: int = 0


def stamp_languages(conninfo: str) -> int:
    """Give a third of the generated articles the language ``uk`` (the generator writes every
    article as ``en``), once, so ``language=uk`` selects like a mixed feed would. Written with
    the triggers off, as the generator writes. Returns the rows changed (0 when already done)."""
    with psycopg.connect(conninfo) as conn:
        if conn.execute("SELECT 1 FROM sources_article WHERE language = 'uk' LIMIT 1").fetchone():
            return 0
        conn.execute("SET session_replication_role = replica")
        n = conn.execute("UPDATE sources_article SET language = 'uk' WHERE id % 3 = 0").rowcount
        conn.execute("SET session_replication_role = origin")
        conn.commit()
        conn.autocommit = True  # VACUUM runs outside a transaction
        # Statistics that still said "all English" planned language=uk for one row (a 0.8 s seq scan).
        conn.execute("VACUUM ANALYZE sources_article")
    return n


def asof_snapshot(url: str, older: str, say=print) -> dict:
    """The stored summaries the daily beat task (``strikes.tasks.asof_snapshot_take``) would have
    left nearest before the older ``as_of`` moment: a snapshot at that day's Kyiv midnight, taken
    by ``manage.py asof_snapshot`` (kept if this database already holds it; a later back-dated
    write, the generator's or the watch case's import, deletes it). The report says which, since
    with the default ASOF_SNAPSHOT_KEEP (14 days) a moment months back would have none."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bench.db import manage

    kyiv = ZoneInfo("Europe/Kyiv")
    moment = datetime.fromisoformat(older).astimezone(kyiv)
    at = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    started = time.monotonic()
    try:
        manage(url, "asof_snapshot", "--at", at.isoformat(), capture=True)
    except subprocess.CalledProcessError as exc:
        return {"error": (exc.stdout or exc.stderr or str(exc))[-300:]}
    took, hours = time.monotonic() - started, (moment - at).total_seconds() / 3600
    say(f"  as_of snapshot at {at.isoformat()} ({hours:.1f} h before the moment): {took:.1f} s")
    return {"at": at.isoformat(), "hours_before": hours, "seconds": took}


def pick_feature_params(conninfo: str) -> FeatureParams:
    with psycopg.connect(conninfo) as conn:
        # Now: after every write, the figures' included (the generator dates attacks in the past
        # but writes their figure rows today, and a moment before those re-derives every figure).
        last = conn.execute("SELECT date_trunc('second', now())").fetchone()[0]
        grade, grade_count = conn.execute(
            "SELECT grade, count(*) FROM strikes_attack WHERE status = 'published' AND grade <> 'discounted'"
            " GROUP BY grade ORDER BY count(*), grade LIMIT 1"
        ).fetchone()
        # The generator writes no history: an attack's updated_at is its last change.
        older, changed = conn.execute(
            "WITH n AS (SELECT (count(*) * %s)::bigint AS k FROM strikes_attack),"
            " t AS (SELECT updated_at FROM strikes_attack ORDER BY updated_at DESC, id DESC"
            "  OFFSET (SELECT k FROM n) LIMIT 1)"
            " SELECT t.updated_at, (SELECT count(*) FROM strikes_attack WHERE updated_at > t.updated_at) FROM t",
            [OLDER_SHARE],
        ).fetchone() or (None, 0)
        total, uk = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE language = 'uk') FROM sources_article"
        ).fetchone()
    return FeatureParams(
        as_of=last.replace(microsecond=0).isoformat(),
        grade=grade,
        grade_count=grade_count,
        language="uk",
        language_share=uk / total if total else 0.0,
        as_of_older=older.isoformat() if older else "",
        as_of_older_changed=changed,
    )


def build_features(p: Params, f: FeatureParams) -> list[Case]:
    """The query cases of issue 19's features; each has the query cases' target, p95 ≤ 100 ms."""
    three = {"occurred_after": RANGE[0], "occurred_before": RANGE[1], "oblast": p.oblast_id, "munition": p.munition_id}
    country = {"bbox": "22.0,44.0,40.5,52.5", "zoom": 6}
    timeline = {"bucket": "day", "occurred_after": FOUR_YEARS[0], "occurred_before": FOUR_YEARS[1]}
    return [
        Case(
            "grade",
            f"Attack list, grade={f.grade} alone ({f.grade_count:,} published), 100 per page",
            "/api/v1/attacks/?" + urlencode({"grade": f.grade, "page_size": 100}),
            100,
            ds_table({"grade": f.grade, "_sort_desc": "occurred_at", "_size": 100}),
            note="the rarest grade: the list walks the date order furthest to fill a page",
        ),
        Case(
            "grade_filters",
            f"Attack list, 3 filters + grade=confirmed,fair ({p.oblast_name}, {p.munition_name}, 2024)",
            "/api/v1/attacks/?" + urlencode({**three, "grade": "confirmed,fair", "page_size": 100}),
            100,
        ),
        Case(
            "language",
            f"Article list, language={f.language} ({f.language_share:.0%} of the articles), 100 per page",
            "/api/v1/articles/?" + urlencode({"language": f.language, "page_size": 100}),
            100,
            note="anonymous: the articles behind published attacks",
        ),
        Case(
            "asof_list",
            f"as_of={f.as_of}: attack list, 3 filters, 100 per page",
            "/api/v1/attacks/?" + urlencode({**three, "as_of": f.as_of, "page_size": 100}),
            100,
            repeat=10,
            note="the moment after the last write: no attack changed since, today's rows are the snapshot",
        ),
        Case(
            "asof_detail",
            f"as_of={f.as_of}: attack detail",
            f"/api/v1/attacks/{p.detail_ids[0]}/?" + urlencode({"as_of": f.as_of}),
            100,
            rotate=[f"/api/v1/attacks/{i}/?" + urlencode({"as_of": f.as_of}) for i in p.detail_ids],
        ),
        Case(
            "asof_timeline",
            f"as_of={f.as_of}: timeline by day over four years",
            "/api/v1/timeline/?" + urlencode({**timeline, "as_of": f.as_of}),
            100,
            repeat=10,
        ),
        Case(
            "asof_map",
            f"as_of={f.as_of}: map clusters, whole country",
            "/api/v1/map/?" + urlencode({**country, "as_of": f.as_of}),
            100,
            repeat=10,
        ),
        *(older_as_of_cases(three, country, timeline, f) if f.as_of_older else []),
        Case(
            "weapons",
            "Weapons aggregate, by model per month, all waves",
            "/api/v1/weapons/?" + urlencode({"by": "model", "period": "month"}),
            100,
        ),
        Case(
            "weapons_day",
            "Weapons aggregate, by category per day, all waves",
            "/api/v1/weapons/?" + urlencode({"by": "category", "period": "day"}),
            100,
        ),
    ]


def older_as_of_cases(three: dict, country: dict, timeline: dict, f: FeatureParams) -> list[Case]:
    """The list, timeline and map as_of cases at the older moment, after which
    ``f.as_of_older_changed`` attacks changed: each of those is rebuilt, and the summary
    tables corrected by it (strikes.api.asof), so these show what the cost grows with."""
    moment, changed = f.as_of_older, f.as_of_older_changed
    note = f"{changed:,} attacks changed since the moment ({OLDER_SHARE:.0%}): each is rebuilt"
    asked = [
        ("list", "attack list, 3 filters, 100 per page", "/api/v1/attacks/?", three),
        ("timeline", "timeline by day over four years", "/api/v1/timeline/?", timeline),
        ("map", "map clusters, whole country", "/api/v1/map/?", country),
    ]
    return [
        Case(
            f"asof_older_{key}",
            f"as_of={moment} ({changed:,} attacks changed since): {label}",
            path + urlencode({**params, "as_of": moment, **({"page_size": 100} if key == "list" else {})}),
            100,
            repeat=10,
            note=note,
        )
        for key, label, path, params in asked
    ]


FEATURE_KEYS = (
    "grade",
    "grade_filters",
    "language",
    "asof_list",
    "asof_detail",
    "asof_timeline",
    "asof_map",
    "asof_older_list",
    "asof_older_timeline",
    "asof_older_map",
    "weapons",
    "weapons_day",
)


# --- a release of the whole set ---


def _drop_releases(conninfo: str) -> int:
    """Remove every release of the scale database (the benchmark's own): releases refuse
    DELETE by trigger, so with the triggers off for this session."""
    with psycopg.connect(conninfo) as conn:
        conn.execute("SET session_replication_role = replica")
        n = conn.execute("SELECT count(*) FROM releases_release").fetchone()[0]
        for table in ("releases_releasefilepart", "releases_releasefile", "releases_release"):
            conn.execute(f"DELETE FROM {table}")
    return n


def measure_release(database_url: str, conninfo: str, say=print) -> dict:
    """``manage.py release`` as an operator runs it (its own process), timed end to end, with
    the process's peak memory; then the release's files and their sizes; then it is removed."""
    dropped = _drop_releases(conninfo)
    if dropped:
        say(f"  removed {dropped} earlier release(s) of the scale database")
    env = {**os.environ, "DATABASE_URL": database_url}
    peak = [0]
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "release", "--title", "Benchmark release"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def sample():
        try:
            p = psutil.Process(proc.pid)
            while proc.poll() is None:
                peak[0] = max(peak[0], p.memory_info().rss)
                time.sleep(0.1)
        except psutil.Error:
            pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate(timeout=3600)
    seconds = time.monotonic() - started
    sampler.join()
    if proc.returncode != 0:
        return {"error": f"manage.py release exited {proc.returncode}: {out[-500:]}"}
    with psycopg.connect(conninfo) as conn:
        number, counts = conn.execute(
            "SELECT number, counts FROM releases_release ORDER BY number DESC LIMIT 1"
        ).fetchone()
        files = [
            {"name": n, "size": s, "rows": r}
            for n, s, r in conn.execute(
                "SELECT f.name, f.size, f.rows FROM releases_releasefile f JOIN releases_release r"
                " ON r.id = f.release_id WHERE r.number = %s ORDER BY f.name",
                [number],
            )
        ]
        # The parts as PostgreSQL stores them (compressed by TOAST where it pays).
        stored = conn.execute(
            "SELECT coalesce(sum(pg_column_size(p.data)), 0) FROM releases_releasefilepart p"
            " JOIN releases_releasefile f ON f.id = p.file_id JOIN releases_release r ON r.id = f.release_id"
            " WHERE r.number = %s",
            [number],
        ).fetchone()[0]
    _drop_releases(conninfo)
    return {
        "seconds": seconds,
        "peak_rss_mb": peak[0] / 2**20,
        "attacks": counts.get("attacks"),
        "files": files,
        "bytes": sum(f["size"] for f in files),
        "stored_bytes": stored,
        "loadavg": os.getloadavg(),
    }


# --- saved-search matching over an import ---

# Query templates of saved searches, as users save them from the explore page: an oblast, an
# oblast and a weapon category, a city, a weapon, deaths in an oblast, a grade, a target type,
# a box, a word. Filled in turn with the scale database's ids.
CATEGORIES = ("attack_drone", "ballistic_missile", "cruise_missile", "guided_bomb")
TARGETS = ("residential", "energy", "transport", "industrial")


def _search_queries(conn, n: int) -> list[str]:
    oblasts = [r[0] for r in conn.execute("SELECT id FROM strikes_place WHERE kind = 'oblast' ORDER BY id")]
    cities = [
        r[0]
        for r in conn.execute(
            "SELECT id FROM strikes_place WHERE kind = 'city' ORDER BY population DESC NULLS LAST, id LIMIT 50"
        )
    ]
    munitions = [
        r[0]
        for r in conn.execute(
            "SELECT munition_id FROM strikes_attackmunition GROUP BY 1 ORDER BY count(*) DESC LIMIT 20"
        )
    ]
    out = []
    for i in range(n):
        o = oblasts[i % len(oblasts)]
        kind = i % 9
        if kind == 0:
            q = {"oblast": o}
        elif kind == 1:
            q = {"oblast": o, "munition_category": CATEGORIES[i % len(CATEGORIES)]}
        elif kind == 2:
            q = {"place": cities[i % len(cities)]}
        elif kind == 3:
            q = {"munition": munitions[i % len(munitions)]}
        elif kind == 4:
            q = {"oblast": o, "killed_min": 1}
        elif kind == 5:
            q = {"oblast": o, "grade": "confirmed,fair"}
        elif kind == 6:
            q = {"target_type": TARGETS[i % len(TARGETS)], "oblast": o}
        elif kind == 7:
            lon, lat = 30.0 + (i % 10) * 0.8, 46.5 + (i % 5) * 0.8
            q = {"bbox": f"{lon:.2f},{lat:.2f},{lon + 0.8:.2f},{lat + 0.8:.2f}"}
        else:
            q = {"q": ("school", "hospital", "energy", "drone")[i % 4], "oblast": o}
        out.append(urlencode(q))
    return out


def watch_child(searches: int, attacks: int) -> dict:
    """Runs in ``python -m bench.features watch``: DATABASE_URL is the scale database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from strikes.queries import attack_query_clean
    from watch.models import Delivery, Notification, SavedSearch
    from watch.services import searches_check

    result: dict = {}
    with transaction.atomic():
        cur = connection.cursor()
        user = get_user_model().objects.create(username=f"bench-watch-{os.getpid()}")
        since = timezone.now() - dt.timedelta(hours=1)
        queries = [attack_query_clean(q) for q in _search_queries(cur.connection, searches)]
        SavedSearch.objects.bulk_create(
            SavedSearch(user=user, name=f"Bench {i}", query=q, email="watcher@example.org", checked_until=since)
            for i, q in enumerate(queries)
        )
        # The import: copies of the latest published attacks (with their munitions and figures
        # as they are), inserted published with the history triggers on, as an importer writes.
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'strikes_attack'"
            " AND column_name NOT IN ('id', 'external_source', 'external_id') ORDER BY ordinal_position"
        )
        cols = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT max(id) FROM strikes_attack")
        offset = cur.fetchone()[0] + 1000
        t0 = time.monotonic()
        cur.execute(
            f"INSERT INTO strikes_attack (id, external_source, external_id, {', '.join(cols)})"
            f" SELECT id + %s, '', '', {', '.join(cols)} FROM strikes_attack WHERE status = 'published'"
            " ORDER BY occurred_at DESC, id DESC LIMIT %s",
            [offset, attacks],
        )
        imported = cur.rowcount
        cur.execute(
            "INSERT INTO strikes_attackmunition (attack_id, munition_id, count, quote)"
            " SELECT am.attack_id + %s, am.munition_id, am.count, am.quote FROM strikes_attackmunition am"
            " WHERE am.attack_id + %s IN (SELECT id FROM strikes_attack WHERE id > %s)",
            [offset, offset, offset],
        )
        result["import_s"] = time.monotonic() - t0
        cur.execute("SELECT count(*) FROM strikes_attackevent WHERE pgh_obj_id > %s", [offset])
        result["history_rows"] = cur.fetchone()[0]
        now = timezone.now() + dt.timedelta(seconds=settings.WATCH_OVERLAP_SECONDS + 60)
        cpu0, t0 = time.process_time(), time.monotonic()
        counts = searches_check(now=now)
        result["check_s"] = time.monotonic() - t0
        result["check_cpu_s"] = time.process_time() - cpu0
        result |= {
            "searches": counts["searches"],
            "notifications": counts["notifications"],
            "deliveries": counts["deliveries"],
            "imported": imported,
            "searches_matching": Notification.objects.filter(search__user=user).values("search").distinct().count(),
            "deliveries_rows": Delivery.objects.filter(search__user=user).count(),
            "loadavg": os.getloadavg(),
        }
        transaction.set_rollback(True)  # nothing of it stays in the scale database
    return result


def measure_watch(database_url: str, say=print) -> dict:
    from bench.db import child_json

    env = {**os.environ, "DATABASE_URL": database_url}
    return child_json("bench.features", "watch", str(WATCH_SEARCHES), str(WATCH_ATTACKS), env=env, timeout=3600)


if __name__ == "__main__":
    if sys.argv[1:2] == ["watch"]:
        print(json.dumps(watch_child(int(sys.argv[2]), int(sys.argv[3])), default=str))
