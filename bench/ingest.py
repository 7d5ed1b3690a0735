"""Ingest throughput: extraction on one core, and feed -> Redis -> two Celery workers -> stored claims.

``measure(base_url)`` is called by ``bench.run``; the end-to-end part runs in a child process
(``python -m bench.ingest``) against its own database (``<db>_ingest``, emptied each run), so
the articles and attacks it creates never mix with the generated scale data.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import threading
import time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

BASE_DIR = Path(__file__).resolve().parent.parent
# The extraction corpus: the English and the Ukrainian development articles, read where they
# are at run time (never copied into the project). BENCH_ARTICLES_DIRS: other folders, ":"-separated.
ARTICLES_DIRS = [
    Path(d)
    for d in os.environ.get(
        "BENCH_ARTICLES_DIRS",
        ":".join(str(BASE_DIR.parent / "shared" / "data" / name) for name in ("articles-dev", "articles-dev-uk")),
    ).split(":")
    if d
]
# Enough for ~20 s of work at the target rate: the start (feed poll, first fetches) and the
# polling granularity below are then a small part of the measured time.
E2E_ARTICLES = int(os.environ.get("BENCH_INGEST_ARTICLES", "1000"))


def sample_texts(n: int, places=None) -> list[tuple[str, str, object]]:
    """(title, text, published) of ``n`` distinct synthetic strike reports (bench.synth templates)."""
    from bench import synth

    if places is None:
        places = [
            synth.PlaceRef(1, "Kharkiv Oblast", "oblast", 1, "Kharkiv Oblast", 49.99, 36.23, 0),
            synth.PlaceRef(2, "Kharkiv", "city", 1, "Kharkiv Oblast", 49.99, 36.23, 1_400_000),
            synth.PlaceRef(3, "Odesa Oblast", "oblast", 3, "Odesa Oblast", 46.48, 30.73, 0),
            synth.PlaceRef(4, "Odesa", "city", 3, "Odesa Oblast", 46.48, 30.73, 1_000_000),
            synth.PlaceRef(5, "Kyiv City", "oblast", 5, "Kyiv City", 50.45, 30.52, 0),
            synth.PlaceRef(6, "Kyiv", "city", 5, "Kyiv City", 50.45, 30.52, 2_900_000),
        ]
    munitions = [
        synth.MunitionRef(1, "Shahed-136", "attack_drone", False),
        synth.MunitionRef(2, "Kh-101", "cruise_missile", False),
        synth.MunitionRef(3, "Iskander-M", "ballistic_missile", False),
        synth.MunitionRef(4, "KAB-500", "guided_bomb", False),
    ]
    gen = synth.Synth(places, munitions, seed=5, n_attacks=n)
    out = []
    for i, rec in enumerate(gen.attacks()):
        a = rec.articles[0]
        # A closing line keeps every text distinct (the pipeline dedupes identical texts, rightly).
        out.append((a.title, f"{a.text} Report number {i + 1}.", a.published_at))
        if len(out) == n:
            break
    return out


def corpus() -> dict[str, list[str]]:
    """The development articles by folder name (``articles-dev``, ``articles-dev-uk``)."""
    return {
        d.name: [p.read_text(errors="replace") for p in sorted(d.glob("*.txt"))]
        for d in ARTICLES_DIRS
        if d.is_dir() and any(d.glob("*.txt"))
    }


def _rate(extract, texts: list[str], seconds: float) -> dict:
    """Articles per CPU second of this process over ``texts`` cycled for about ``seconds``."""
    n, cpu0 = 0, time.process_time()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or n < len(texts):
        extract(texts[n % len(texts)])
        n += 1
    cpu = time.process_time() - cpu0
    return {"articles": n, "seconds": cpu, "per_s": n / cpu if cpu else 0.0}


def _clear_word_caches() -> None:
    """Empty the extraction's memo caches (word forms, number words, figure phrases): the
    cycled corpus would otherwise find every word of its 31 texts cached after the first pass,
    which new articles from a feed do not."""
    for name, module in list(sys.modules.items()):
        if name == "extraction" or name.startswith("extraction."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                    value.cache_clear()


def _cold_rate(extract, texts: list[str], seconds: float) -> dict:
    """Articles per CPU second when every pass over ``texts`` starts with the memo caches empty."""
    n, cpu = 0, 0.0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or n < len(texts):
        _clear_word_caches()
        cpu0 = time.process_time()
        for t in texts:
            extract(t)
        cpu += time.process_time() - cpu0
        n += len(texts)
    return {"articles": n, "seconds": cpu, "per_s": n / cpu if cpu else 0.0}


def measure_extraction(seconds: float = 10.0) -> dict:
    """Articles per second through ``extraction.extract`` in this process (one core), over the
    English and Ukrainian development articles interleaved (the mixed corpus the target is
    judged on), then over each language alone. CPU time of this process: another process's
    load on the shared cores does not count against it."""
    try:
        from extraction import extract
    except ImportError as exc:
        return {"error": f"extraction.extract is not available: {exc}"}
    groups = corpus()
    if groups:
        # Interleaved, one of each in turn while both last, so the mix holds over any window.
        lists = list(groups.values())
        texts = [t for i in range(max(map(len, lists))) for group in lists if i < len(group) for t in [group[i]]]
        source = " + ".join(f"{len(v)} {k}" for k, v in groups.items()) + " articles, interleaved and cycled"
    else:
        texts = [t for _, t, _ in sample_texts(200)]
        source = "synthetic reports"
    for t in texts:  # warm-up: imports, compiled patterns, gazetteer, each language's models
        extract(t)
    out = _rate(extract, texts, seconds) | {"source": source}
    out["cold"] = _cold_rate(extract, texts, seconds / 2)
    if len(groups) > 1:
        out["by_corpus"] = {
            name: _rate(extract, group, seconds / 2) | {"texts": len(group)} for name, group in groups.items()
        }
    return out


# --- end to end (child process) ---


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True


def feed_handler(items):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path == "/feed.xml":
                body = ['<?xml version="1.0"?><rss version="2.0"><channel><title>Bench feed</title>']
                for i, (title, _, published) in enumerate(items):
                    body.append(
                        f"<item><title>{escape(title)}</title><link>{base}/a/{i}.html</link>"
                        f"<guid>{base}/a/{i}.html</guid><pubDate>{format_datetime(published)}</pubDate></item>"
                    )
                body.append("</channel></rss>")
                self.send(200, "application/rss+xml", "".join(body))
            elif self.path.startswith("/a/") and self.path.endswith(".html"):
                i = int(self.path[3:-5])
                title, text, published = items[i]
                html = (
                    f"<html><head><title>{escape(title)}</title>"
                    f'<meta property="article:published_time" content="{published.isoformat()}"></head>'
                    f"<body><article><h1>{escape(title)}</h1><p>{escape(text)}</p></article></body></html>"
                )
                self.send(200, "text/html; charset=utf-8", html)
            else:
                self.send(404, "text/plain", "not found")

        def send(self, code, ctype, body):
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


def _cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its live descendants (Linux /proc; 0.0 elsewhere).

    On a shared machine the wall-clock rate moves with everyone else's load; the workers' CPU
    per article does not, so the report gives both.
    """
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue
    return total


def _postgres_cpu_sample(connection, seen: dict[int, float]) -> None:
    """Record in ``seen`` the CPU seconds so far of each PostgreSQL backend serving this database
    (other than our own). Sampled through the run, so a backend that ends (a worker's connection
    is renewed after CONN_MAX_AGE) still counts up to its last sample."""
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        pids = [row[0] for row in cur.fetchall()]
    for pid in pids:
        cpu = _cpu_seconds(pid)
        if cpu:
            seen[pid] = max(cpu, seen.get(pid, 0.0))


def end_to_end(n: int) -> dict:
    """Runs inside the child: DATABASE_URL is the ingest database, REDIS_URL the benchmark's Redis DB."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection

    try:
        from sources.models import Article, Feed
        from sources.tasks import feed_poll
    except ImportError as exc:
        return {"error": f"sources.tasks is not available: {exc}"}
    import redis

    from casualties.models import Claim
    from config.celery import app

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE sources_article, sources_feed, strikes_attack, casualties_claim, casualties_decision,"
            " casualties_publishedfigure CASCADE"
        )
    items = sample_texts(n)
    server = FeedServer(("127.0.0.1", 0), feed_handler(items))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    env = {
        **os.environ,
        "INGEST_ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # Workers as deployed: with DEBUG on, Django keeps every query's SQL in memory and
        # wraps each cursor to time it (Celery warns about it at start-up).
        "DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    workers = []
    logdir = Path(os.environ["BENCH_LOG_DIR"])
    for i in (1, 2):
        log = open(logdir / f"celery-{i}.log", "w")  # noqa: SIM115 -- lives as long as the worker
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-Q",
                    "feeds,fetch,extract,default",
                    *os.environ.get("BENCH_INGEST_POOL_ARGS", "-c 1").split(),
                    "-n",
                    f"bench{i}@%h",
                    "--loglevel=WARNING",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        deadline = time.monotonic() + 60
        while len(app.control.ping(timeout=1) or []) < 2:
            if time.monotonic() > deadline:
                return {"error": "the two Celery workers did not answer within 60 s"}
        feed = Feed.objects.create(url=f"http://127.0.0.1:{port}/feed.xml", title="Bench feed")
        cpu_before = sum(_cpu_seconds(w.pid) for w in workers)
        pg_before: dict[int, float] = {}
        _postgres_cpu_sample(connection, pg_before)
        pg_seen = dict(pg_before)
        own_before = time.process_time()
        started = time.monotonic()
        feed_poll.delay(feed.pk)
        busy = ("queued", "fetching", "fetched", "extracting")
        deadline = started + max(120, n / 5)
        while time.monotonic() < deadline:
            total = Article.objects.count()
            pending = Article.objects.filter(status__in=busy).count()
            _postgres_cpu_sample(connection, pg_seen)
            if total >= n and pending == 0:
                break
            time.sleep(0.1)  # the end is known to within this (0.5 % of a 20 s run)
        elapsed = time.monotonic() - started
        worker_cpu = sum(_cpu_seconds(w.pid) for w in workers) - cpu_before
        pg_cpu = sum(cpu - pg_before.get(pid, 0.0) for pid, cpu in pg_seen.items())
        own_cpu = time.process_time() - own_before
        done = Article.objects.exclude(status__in=busy).count()
        return {
            "articles": done,
            "seconds": elapsed,
            "per_s": done / elapsed,
            # CPU of the two workers (with their pool processes), and of this process (feed server and polling).
            "worker_cpu_s": round(worker_cpu, 2),
            "worker_cpu_ms_per_article": round(1000 * worker_cpu / done, 1) if done else None,
            "postgres_cpu_ms_per_article": round(1000 * pg_cpu / done, 1) if done else None,
            "feed_server_cpu_s": round(own_cpu, 2),
            "load_average": os.getloadavg(),
            "failed": Article.objects.filter(status="failed").count(),
            "claims": Claim.objects.count(),
            "complete": done >= n,
            "statuses": dict(Article.objects.values_list("status").annotate(n=django.db.models.Count("id"))),
        }
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(timeout=20)
            except subprocess.TimeoutExpired:
                w.kill()
        server.shutdown()


def measure(base_url: str, say=print) -> dict:
    """Both ingest figures; the end-to-end part in a fresh ``<db>_ingest`` database."""
    from bench.db import CACHE, child_json, ensure_database, manage, with_dbname

    say("extraction throughput (one core)")
    out = {"extraction": measure_extraction()}
    say(f"  extraction: {out['extraction']}")
    url = os.environ.get("BENCH_INGEST_DATABASE_URL") or with_dbname(
        base_url, urlsplit(base_url).path.lstrip("/") + "_ingest"
    )
    redis_url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
    try:
        ensure_database(url)
        manage(url, "migrate", "--verbosity", "0")
        manage(url, "load_reference")
    except subprocess.CalledProcessError as exc:
        out["end_to_end"] = {"error": f"could not prepare the ingest database: {exc}"}
        return out
    say(f"end-to-end ingest of {E2E_ARTICLES} articles (2 Celery workers, {redis_url})")
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "BENCH_LOG_DIR": str(CACHE / "logs")}
    out["end_to_end"] = child_json(
        "bench.ingest", str(E2E_ARTICLES), env=env, timeout=900, check_status=False, tail=500
    )
    say(f"  end to end: {out['end_to_end']}")
    return out


if __name__ == "__main__":
    result = end_to_end(int(sys.argv[1]) if len(sys.argv) > 1 else E2E_ARTICLES)
    print(json.dumps(result, default=str))
