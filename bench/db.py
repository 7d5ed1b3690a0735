"""The bench's databases and paths, shared by ``bench.run`` and ``bench.ingest`` (which ``bench.run``
starts: the helpers live here so that neither imports the other)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("BENCH_CACHE_DIR", Path.home() / ".cache" / "strikewatch-bench"))


def say(msg: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}Z] {msg}", flush=True)


# --- databases ---


def with_dbname(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def conninfo(url: str) -> str:
    """A libpq URL psycopg accepts (Django's URLs may carry a percent-encoded socket directory as host)."""
    parts = urlsplit(url)
    if parts.hostname is None and "%2F" in parts.netloc:
        user, _, host = parts.netloc.rpartition("@")
        return f"postgresql://{user}@/{parts.path.lstrip('/')}?host={unquote(host)}"
    return urlunsplit(parts._replace(scheme="postgresql"))


def ensure_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    admin = conninfo(with_dbname(url, "postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            say(f"created database {name}")


def manage(url: str, *args: str, capture: bool = False) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        check=True,
    )
    return proc.stdout or ""


def child_json(module: str, *args: str, env: dict, timeout: int, check_status: bool = True, tail: int = 800) -> dict:
    """Run ``python -m module args`` in the project (a measurement in its own process) and return
    the last JSON object it printed on a line of its own; ``{"error": <the end of its output>}``
    when it printed none, or (``check_status``) exited with a failure."""
    proc = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines or (check_status and proc.returncode != 0):
        return {"error": (proc.stderr or proc.stdout)[-tail:]}
    return json.loads(lines[-1])
