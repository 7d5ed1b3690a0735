# ruff: noqa: RUF001, RUF003, E501 -- the report's typeset Markdown (en dashes, multiplication signs), table rows on one line.
"""The benchmark's issue-19 cases: saved-search matching over an import, a release of the
whole set, the SQL Datasette ran, the mixed extraction corpus, and how the report states them."""

import dataclasses
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from django.core.management import call_command
from django.db import connection

from bench import cases as bench_cases
from bench import datasette_export, features, ingest, report, run, servers
from releases.models import Release
from sources.models import Article
from strikes.models import Attack
from tests.bench.test_generate_data import gazetteer  # noqa: F401 -- the fixture, shared
from watch.models import Notification, SavedSearch

pytestmark = pytest.mark.django_db(transaction=True)


def _test_db_url() -> str:
    """The test database as a Django DATABASE_URL, for the child processes the bench starts."""
    s = connection.settings_dict
    host = s["HOST"] or "/var/run/postgresql"
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{s['USER']}@{host}{port}/{s['NAME']}"


def test_watch_case_matches_an_import_against_saved_searches_and_leaves_nothing_behind(gazetteer):  # noqa: F811
    call_command("generate_data", attacks=300, seed=3)
    attacks_before = Attack.objects.count()
    published = Attack.objects.filter(status="published").count()
    assert published >= 40  # the import copies 40 published attacks

    result = features.watch_child(searches=18, attacks=40)

    assert result["imported"] == 40
    assert result["history_rows"] == 40  # one history row per imported attack: the triggers were on
    assert result["searches"] == 18
    # Two oblasts in the gazetteer: the two "oblast=<id>" searches (searches 0 and 9) between them
    # see every imported attack that has a place, so some searches matched and were told.
    assert result["notifications"] > 0
    assert 0 < result["searches_matching"] <= 18
    assert result["deliveries"] == result["searches_matching"]  # one e-mail per search told
    # Rolled back: the scale data is as it was.
    assert Attack.objects.count() == attacks_before
    assert not SavedSearch.objects.exists()
    assert not Notification.objects.exists()


def test_release_case_times_a_real_release_then_removes_it(gazetteer):  # noqa: F811
    call_command("generate_data", attacks=120, seed=4)
    published = Attack.objects.filter(status="published").exclude(grade="discounted").count()
    url = _test_db_url()

    result = features.measure_release(url, run.conninfo(url), say=lambda line: None)

    assert "error" not in result, result
    assert [f["name"] for f in result["files"]] == ["attacks.csv", "attacks.geojson", "waves.csv"]
    assert result["attacks"] == published
    assert result["files"][0]["rows"] == published
    assert result["bytes"] == sum(f["size"] for f in result["files"]) > 0
    assert result["seconds"] > 0 and result["peak_rss_mb"] > 20
    assert not Release.objects.exists()  # removed: the next run freezes release 1 again


def test_language_stamp_marks_a_third_of_the_articles_once(gazetteer):  # noqa: F811
    call_command("generate_data", attacks=60, seed=5)
    url = _test_db_url()
    ids = list(Article.objects.values_list("id", flat=True))
    assert set(Article.objects.values_list("language", flat=True)) == {"en"}

    changed = features.stamp_languages(run.conninfo(url))

    assert changed == sum(1 for i in ids if i % 3 == 0)
    assert set(Article.objects.filter(language="uk").values_list("id", flat=True)) == {i for i in ids if i % 3 == 0}
    assert features.stamp_languages(run.conninfo(url)) == 0  # already done: nothing changes


def test_datasette_sql_is_the_statement_datasette_reports_with_its_plan(gazetteer, tmp_path):  # noqa: F811
    call_command("generate_data", attacks=80, seed=6)
    url = _test_db_url()
    sqlite_path = tmp_path / "scale.sqlite"
    datasette_export.export(run.conninfo(url), sqlite_path, progress=lambda line: None)
    table = bench_cases.Case(
        "grade", "grade", bench_cases.ds_table({"grade": "confirmed", "_sort_desc": "occurred_at", "_size": 100})
    )
    custom = bench_cases.Case("sql", "sql", bench_cases.ds_sql("SELECT count(*) FROM attacks WHERE grade = 'fair'"))
    search = bench_cases.Case("q", "q", bench_cases.ds_table({"_search": "drone", "_size": 100}))
    with servers.datasette(sqlite_path, log=tmp_path / "datasette.log") as ds, httpx.Client(timeout=60) as client:
        sql = run.datasette_sql(client, ds.base, [table, custom, search], sqlite_path)

    grade = sql["grade"]
    assert "from attacks" in grade["sql"].lower()
    assert '"grade" = :p0' in grade["sql"]
    assert grade["params"] == {"p0": "confirmed"}
    assert any("attacks_grade_occurred" in line for line in grade["plan"]), grade["plan"]
    # Datasette found the full-text table (content=[attacks]) and searched it; with content=attacks
    # it did not, and ran the plain table query, ignoring _search.
    assert "where attacks_fts match escape_fts(:search)" in sql["q"]["sql"]
    assert sql["q"]["params"] == {"search": "drone"}
    assert sql["sql"]["sql"] == "SELECT count(*) FROM attacks WHERE grade = 'fair'"
    assert sql["sql"]["params"] == {}
    assert any("attacks_grade_occurred" in line for line in sql["sql"]["plan"]), sql["sql"]["plan"]


def test_extraction_corpus_mixes_both_folders_and_times_with_caches_emptied(tmp_path, monkeypatch):
    en, uk = tmp_path / "articles-dev", tmp_path / "articles-dev-uk"
    en.mkdir()
    uk.mkdir()
    (en / "1.txt").write_text("A Russian drone hit a house in Kharkiv overnight, killing two people.")
    (en / "2.txt").write_text("Three people were injured in a missile strike on Odesa on 3 May.")
    (uk / "1.txt").write_text("Унаслідок удару по Харкову загинули двоє людей.")
    (uk / "README.md").write_text("not an article")
    monkeypatch.setattr(ingest, "ARTICLES_DIRS", [en, uk, tmp_path / "missing"])

    assert {k: len(v) for k, v in ingest.corpus().items()} == {"articles-dev": 2, "articles-dev-uk": 1}
    result = ingest.measure_extraction(seconds=0.3)

    assert result["source"] == "2 articles-dev + 1 articles-dev-uk articles, interleaved and cycled"
    assert set(result["by_corpus"]) == {"articles-dev", "articles-dev-uk"}
    assert result["cold"]["articles"] % 3 == 0  # whole passes over the three texts
    assert result["cold"]["per_s"] > 0


def test_clearing_the_word_caches_empties_them():
    from extraction import extract, names

    extract("Two people were killed in Kharkiv.")
    assert any(f.cache_info().currsize for f in vars(names).values() if hasattr(f, "cache_info"))
    ingest._clear_word_caches()
    assert all(f.cache_info().currsize == 0 for f in vars(names).values() if hasattr(f, "cache_info"))


def test_report_states_each_feature_with_its_target_and_verdict():
    params = bench_cases.Params(1, "Kharkiv Oblast", 2, "Shahed-136", [7], ("2024-01-01", "2024-01-31"), 10, "school")
    fp = features.FeatureParams("2026-12-05T19:00:00+00:00", "contested", 120, "uk", 1 / 3)
    case_list = features.build_features(params, fp)
    results = {
        "api": {
            "grade": {"p50": 20.0, "p95": 40.0, "n": 30},
            "asof_map": {"p50": 900.0, "p95": 1200.0, "n": 10},
        },
        "release": {
            "seconds": 28.8,
            "peak_rss_mb": 162.0,
            "attacks": 91988,
            "files": [{"name": "attacks.csv", "size": 2**20, "rows": 91988}],
            "stored_bytes": 45 * 2**20,
            "bytes": 2**20,
        },
        "watch": {
            "check_s": 198.3,
            "check_cpu_s": 75.5,
            "searches": 1000,
            "imported": 10000,
            "notifications": 129763,
            "searches_matching": 953,
            "history_rows": 10000,
            "import_s": 6.6,
        },
        "ingest": {"extraction": {"per_s": 630.0, "cold": {"per_s": 150.0}}},
    }
    text = "\n".join(
        report.features_lines({"scale": 100000, "feature_params": dataclasses.asdict(fp)}, case_list, results)
    )

    assert (
        "| Attack list, grade=contested alone (120 published), 100 per page | p50 20.0 ms, p95 40.0 ms (30 requests) | p95 ≤ 100 ms | **pass** |"
        in text
    )
    assert "p50 900.0 ms, p95 1,200.0 ms (10 requests) | p95 ≤ 100 ms | **MISS** |" in text
    assert "| 28.8 s; attacks.csv 1.0 MB; 45 MB in the database; peak RSS 162 MB | < 2 minutes | **pass** |" in text
    assert "198.3 s (198 ms a search; 75.5 s of it CPU in Python)" in text
    assert "< 60 s (the watch tick's period) | **MISS** |" in text
    # Judged on the emptied-cache rate (150), not the cycled one (630).
    assert "150 articles/s with its caches emptied each pass; 630 cycled | ≥ 200 articles/s | **MISS** |" in text
    assert "about 4.8 minutes" in text  # 28.8 s × 10 = 288 s


def test_report_compares_load_with_and_without_the_replica():
    def load(rps):
        return {"runs": [{"connections": 8, "rps": rps, "p99_ms": 120.0}], "best": {"rps": rps, "connections": 8}}

    text = "\n".join(
        report.replica_lines(
            {
                "without": load(80.0) | {"rows_read": {"primary": 5000}},
                "with": load(100.0) | {"rows_read": {"primary": 10, "replica": 4990}, "replica_skipped": 3},
            }
        )
    )
    assert "| without the replica | 80 at 8 connections | 8: 80, 120 | 5,000 / – | – |" in text
    assert "| with the replica | 100 at 8 connections | 8: 100, 120 | 10 / 4,990 | 3 times |" in text
    assert "passed the replica over" in text
    assert "1.25× the requests per second" in text
    assert "shares the" in text and "same cores" in text


def test_report_prints_datasette_sql_params_and_plan():
    case = bench_cases.Case("grade", "grade", "/x", datasette="/scale/attacks.json?grade=fair")
    plan = "SEARCH attacks USING INDEX attacks_grade_occurred (grade=?)"
    sql = {"grade": {"sql": "select id from attacks where grade = :p0", "params": {"p0": "fair"}, "plan": [plan]}}
    assert report.datasette_sql_lines(sql, [case])[-8:] == [
        "**grade**",
        "",
        "```sql",
        "select id from attacks where grade = :p0;",
        "-- params: p0 = 'fair'",
        f"-- plan: {plan}",
        "```",
        "",
    ]


def test_bench_files_never_copy_the_shared_articles():
    """The corpus is read where it is at run time; none of its texts is in the project."""
    sample = Path(ingest.BASE_DIR).parent / "shared" / "data" / "articles-dev-uk" / "100.txt"
    if not sample.exists():
        pytest.skip("the shared development articles are not on this machine")
    first_line = sample.read_text().splitlines()[0]
    for path in Path(ingest.BASE_DIR, "bench").rglob("*.py"):
        assert first_line not in path.read_text()


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/api/v1/attacks/
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    10.62ms   13.20ms 198.53ms   95.50%
    Req/Sec   220.11     40.22   300.00     72.99%
  Latency Distribution
     50%  910.00us
     75%   12.00ms
     90%   15.00ms
     99%    1.20s
  4402 requests in 10.00s, 9.10MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:    440.20
Transfer/sec:      0.91MB
"""


def test_wrk_percentiles_are_read_from_the_distribution_not_the_stdev_column():
    # "95.50%" and "72.99%" end the thread statistics' lines: read as percentiles they took the
    # next line's first word (the run ended with an AttributeError on "Req/Sec").
    assert run.parse_wrk(WRK_OUTPUT, 8) == {
        "connections": 8,
        "rps": 440.2,
        "p50_ms": 0.91,
        "p99_ms": 1200.0,
        "errors": 7,
    }
    assert run.parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n", 4)["p99_ms"] == float("inf")


def test_the_detail_asks_both_servers_for_the_same_attacks_in_turn():
    """Datasette is asked for the same attacks as Strikewatch, in the same order: one id asked
    over and over would read pages the rotated ids do not."""
    params = bench_cases.Params(
        1, "Kharkiv Oblast", 2, "Shahed-136", [7, 1994, 2991], ("2024-01-01", "2024-01-31"), 10, "school"
    )
    detail = next(c for c in bench_cases.build(params) if c.key == "detail")
    assert detail.rotate == ["/api/v1/attacks/7/", "/api/v1/attacks/1994/", "/api/v1/attacks/2991/"]
    assert detail.datasette_rotate == [
        "/scale/attacks/7.json?_shape=objects",
        "/scale/attacks/1994.json?_shape=objects",
        "/scale/attacks/2991.json?_shape=objects",
    ]


def test_report_judges_each_load_case_by_its_own_target():
    """Issue 19: the uncached list is judged at 200 requests/s and the uncached detail at 500;
    the cached list keeps its 300. The same 450 passes the list and misses the detail."""

    def load(rps):
        return {"runs": [{"connections": 8, "rps": rps, "p50_ms": 9.0, "p99_ms": 40.0, "errors": 0}],
                "best": {"rps": rps, "connections": 8}}  # fmt: skip

    results = {"load": load(450.0), "load_uncached": load(450.0), "load_detail": load(450.0)}
    text = "\n".join(line for _, res, target in report.load_cases(results) for line in report.load_lines(res, target))
    assert text.count("**450 requests/s** at 8 connections (target ≥ 300: **pass**)") == 1
    assert text.count("**450 requests/s** at 8 connections (target ≥ 200: **pass**)") == 1
    assert text.count("**450 requests/s** at 8 connections (target ≥ 500: **MISS**)") == 1
    detail = report.load_lines(None, 500)
    assert detail == ["Not measured: skipped."]


def test_detail_load_script_asks_the_cases_attacks_in_turn():
    script = run.paths_lua(["/api/v1/attacks/7/", "/api/v1/attacks/12/"])
    assert 'paths = {"/api/v1/attacks/7/","/api/v1/attacks/12/"}' in script
    assert "wrk.format(nil, paths[1 + counter % #paths])" in script


def test_report_says_what_the_older_as_of_cases_started_from():
    line = report.asof_snapshot_line({"at": "2026-02-17T00:00:00+02:00", "hours_before": 6.4, "seconds": 31.0})
    assert line.startswith("The older `as_of` cases start from the stored snapshot of 2026-02-17T00:00:00+02:00 (6.4 h")
    assert "ASOF_SNAPSHOT_KEEP=14" in line
    assert "without a stored snapshot" in report.asof_snapshot_line(None)
    assert "could not be taken (boom)" in report.asof_snapshot_line({"error": "boom"})


def test_pairs_ask_the_two_servers_in_alternating_blocks():
    """``run.measure_pairs``: each server asked in blocks, the blocks alternating (A B, B A,
    A B), each block's first requests untimed, each side timed ``repeat`` times in all; a side
    that does not answer 200 is an error for the case, not a number."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from types import SimpleNamespace

    log: list[str] = []

    def serving(name: str, status: int):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                log.append(f"{name}{self.path}")
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        return httpd, SimpleNamespace(base=f"http://127.0.0.1:{httpd.server_address[1]}")

    (a_httpd, a), (b_httpd, b), (c_httpd, c) = serving("a", 200), serving("b", 200), serving("c", 404)
    try:
        sw_case = bench_cases.Case("k", "k", "/x", 100, rotate=["/1", "/2"])
        ds_case = bench_cases.Case("k", "k", "/y", 100)
        out = run.measure_pairs(a, b, [(sw_case, ds_case)], repeat=4)
        assert out["k"]["sw"]["n"] == 4 and out["k"]["ds"]["n"] == 4
        # Blocks of 2, 1 and 1 timed requests, each after 2 untimed; the rotation carries on
        # across blocks.
        assert run.PAIR_ROUNDS == 3 and run.PAIR_WARMUP == 2
        sw_block = lambda first, size: [f"a/{(first + i) % 2 + 1}" for i in range(2 + size)]  # noqa: E731
        assert log == [
            *sw_block(0, 2), *["b/y"] * 4,
            *["b/y"] * 3, *sw_block(2, 1),
            *sw_block(3, 1), *["b/y"] * 3,
        ]  # fmt: skip
        log.clear()
        refused = run.measure_pairs(a, c, [(sw_case, ds_case)], repeat=2)
        assert refused == {"k": {"error": "ds: HTTP 404"}}
    finally:
        for httpd in (a_httpd, b_httpd, c_httpd):
            httpd.shutdown()


def test_report_judges_the_comparison_on_the_alternating_blocks():
    """Where both servers were asked in alternating blocks, that pass decides faster or slower,
    whatever the separate passes said; a case without it is judged on those."""
    params = bench_cases.Params(1, "Kharkiv Oblast", 2, "Shahed-136", [7], ("2024-01-01", "2024-01-31"), 10, "school")
    case_list = [c for c in bench_cases.build(params) if c.key in ("q_rare", "detail")]
    results = {
        "api": {"q_rare": {"p50": 3.0, "p95": 4.0, "n": 30}, "detail": {"p50": 1.0, "p95": 2.0, "n": 30}},
        "datasette": {"q_rare": {"p50": 3.5, "p95": 4.0, "n": 30}, "detail": {"p50": 1.5, "p95": 2.0, "n": 30}},
        "paired": {"q_rare": {"sw": {"p50": 4.0}, "ds": {"p50": 3.6}}},
    }
    text = "\n".join(report.analysis({}, case_list, results))
    assert "Asked in alternating blocks, Datasette answered in 3.6 ms p50 against 4.0." in text
    assert "Attack detail" not in text  # faster in the separate passes, and not paired
    assert report.paired_p50s(case_list[0], results) == (4.0, 3.6)
    assert report.paired_p50s(case_list[1], results) is None


def test_python_cost_measures_each_case_in_the_web_environment_and_names_a_failed_one():
    """The child calls the application as the server would (DEBUG off): a public detail answers
    and is timed over every round; an attack that does not exist is reported as its status, not
    timed; a case the measurement does not cover is left out."""
    from bench import python_cost
    from tests.factories import AttackFactory

    attack = AttackFactory()
    case_list = [
        bench_cases.Case("detail", "Attack detail", f"/api/v1/attacks/{attack.pk}/"),
        bench_cases.Case("list", "Attack list", f"/api/v1/attacks/{attack.pk + 1000}/"),
        bench_cases.Case("timeline", "Timeline", "/api/v1/timeline/"),
    ]
    result = python_cost.measure(_test_db_url(), case_list, say=lambda *_: None, rounds=2, per_round=3)

    assert set(result) == {"detail", "list"}
    assert result["detail"]["requests"] == 6
    assert 0 < result["detail"]["min_ms"] <= result["detail"]["cpu_ms"] <= result["detail"]["max_ms"]
    assert result["list"] == {"error": "HTTP 404 Not Found"}


def test_python_cost_report_judges_each_case_against_two_ms():
    case_list = [bench_cases.Case("detail", "Attack detail", "/d/"), bench_cases.Case("list", "Three filters", "/l/")]
    python = {
        "detail": {"cpu_ms": 0.71, "min_ms": 0.69, "max_ms": 0.8, "wall_ms": 1.2, "requests": 700},
        "list": {"cpu_ms": 2.95, "min_ms": 2.9, "max_ms": 3.1, "wall_ms": 4.6, "requests": 700},
    }
    lines = report.python_lines(python, case_list)
    assert "| Attack detail | 0.71 (0.69-0.80) | 1.20 | < 2 ms | **pass** |" in lines
    assert "| Three filters | 2.95 (2.90-3.10) | 4.60 | < 2 ms | **MISS** |" in lines
    assert report.python_lines(None, case_list)[-1] == "Not measured (skipped)."


def test_report_judges_geojson_against_three_times_datasette_on_the_alternating_blocks():
    """The GeoJSON target is a ratio to Datasette: judged on the alternating blocks where they ran
    (as *faster or slower* is), else on the separate passes; a miss is named in the analysis with
    both ratios."""
    params = bench_cases.Params(1, "Kharkiv Oblast", 2, "Shahed-136", [7], ("2024-01-01", "2024-01-31"), 10, "school")
    geojson = next(c for c in bench_cases.build(params) if c.key == "geojson")
    separate = {"api": {"geojson": {"p50": 15.0, "p95": 18.0, "n": 15}}, "datasette": {"geojson": {"p50": 48.0}}}
    assert report.speedup_pass(geojson, separate) is True  # 3.2x, no alternating pass
    alternating = {**separate, "paired": {"geojson": {"sw": {"p50": 20.0}, "ds": {"p50": 50.0}}}}
    assert report.speedup_pass(geojson, alternating) is False  # 2.5x decides, though 3.2x apart
    text = "\n".join(report.analysis({}, [geojson], alternating))
    assert "2.5× alternating and 3.2× separate as fast as Datasette; the target is 3×." in text
    assert report.target_text(geojson) == "≥ 3× faster than Datasette (p50)"


def test_report_names_python_misses_and_the_csv_targets_of_issue_19():
    case_list = [
        bench_cases.Case("list", "Three filters", "/l/"),
        bench_cases.Case("csv", "CSV", "/c/", streaming=True),
    ]
    results = {"python": {"list": {"cpu_ms": 2.4, "min_ms": 2.3, "max_ms": 2.5, "wall_ms": 3.0, "requests": 700}}}
    assert report.analysis({}, case_list, results) == [
        "- **Python per request, Three filters**: 2.40 ms of CPU; the target is < 2 ms."
    ]
    results["python"]["list"]["cpu_ms"] = 1.9
    assert report.analysis({}, case_list, results) == ["Every measured target was met."]
    csv = case_list[1]
    assert report.case_pass(csv, {"rows_per_s": 150_000, "peak_rss_mb": 150}) is True
    assert report.case_pass(csv, {"rows_per_s": 149_999, "peak_rss_mb": 100}) is False
    assert report.case_pass(csv, {"rows_per_s": 300_000, "peak_rss_mb": 151}) is False
