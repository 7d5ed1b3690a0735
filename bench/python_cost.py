"""Python per request: the CPU one request costs the web process, measured in that process.

Issue 19 asks for the public detail and list under 2 ms of Python per request. Through HTTP the
server's CPU is shared with granian's Rust threads and the client's; here the WSGI application
(``config.wsgi``, as granian serves it) is called directly in a child process
(``python -m bench.python_cost``) run in the web server's environment (``servers.web_env``:
DEBUG off, response caches off, throttles counting in Redis), and ``time.process_time()`` is
read around each round of requests. That CPU is Django's, DRF's and the application's Python
plus the C under them (psycopg receiving the rows, the JSON bytes joined); PostgreSQL's work is
another process's, and a request's wait for it costs no CPU here.

Each case: its paths asked once each to warm up, then ``ROUNDS`` rounds of ``per_round``
requests (rotating through the case's paths, as the HTTP measurement does); the result is the
median round's CPU per request, and the lowest and highest. Rounds, not single requests: a
request's CPU is a few hundred clock ticks of ``process_time``'s resolution apart.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from bench import servers
from bench.db import child_json

# The cases measured (bench.cases / bench.features keys): the detail, the lists with one filter
# (an evidence grade; a rare word, newest first) and with three (a year, an oblast, a munition).
CASES = ("detail", "grade", "q_rare", "list")
TARGET_MS = 2.0
ROUNDS = 7
PER_ROUND = 100


def measure(database_url: str, case_list, say=print, rounds: int = ROUNDS, per_round: int = PER_ROUND) -> dict:
    """{case key: {"cpu_ms", "min_ms", "max_ms", "wall_ms", "requests"} or {"error": ...}} for the
    cases of ``case_list`` named in ``CASES``; {"error": ...} when the child failed."""
    paths = {c.key: c.rotate or [c.path] for c in case_list if c.key in CASES}
    if not paths:
        return {}
    env = servers.web_env(database_url)
    results = child_json("bench.python_cost", json.dumps(paths), str(rounds), str(per_round), env=env, timeout=1800)
    if "error" in results:  # the child failed (no case is named "error")
        return results
    for key, res in results.items():
        if "error" not in res:
            say(f"  python {key}: {res['cpu_ms']:.2f} ms of CPU a request ({res['min_ms']:.2f}-{res['max_ms']:.2f})")
    return results


def _caller():
    """(a function asking the application for one path: its status and body size)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.test import RequestFactory

    from config.wsgi import application

    environ_of = RequestFactory()._base_environ

    def call(path: str) -> tuple[str, int]:
        route, _, query = path.partition("?")
        statuses = []
        environ = environ_of(
            PATH_INFO=route, QUERY_STRING=query, REQUEST_METHOD="GET", SERVER_NAME="127.0.0.1", HTTP_HOST="127.0.0.1"
        )
        body = application(environ, lambda status, headers, exc_info=None: statuses.append(status))
        try:
            size = sum(len(chunk) for chunk in body)
        finally:
            if hasattr(body, "close"):
                body.close()
        return statuses[0], size

    return call


def child(paths: dict[str, list[str]], rounds: int = ROUNDS, per_round: int = PER_ROUND) -> dict:
    """Runs in ``python -m bench.python_cost``: the measurement, in this process."""
    call = _caller()
    results = {}
    for key, rotation in paths.items():
        statuses = {call(path)[0] for path in rotation}  # warm-up: each path once
        if statuses != {"200 OK"}:
            results[key] = {"error": f"HTTP {', '.join(sorted(statuses))}"}
            continue
        cpu, wall = [], []
        for _ in range(rounds):
            c0, w0 = time.process_time(), time.perf_counter()
            for i in range(per_round):
                call(rotation[i % len(rotation)])
            cpu.append((time.process_time() - c0) / per_round * 1000)
            wall.append((time.perf_counter() - w0) / per_round * 1000)
        results[key] = {
            "cpu_ms": statistics.median(cpu),
            "min_ms": min(cpu),
            "max_ms": max(cpu),
            "wall_ms": statistics.median(wall),
            "requests": rounds * per_round,
        }
    return results


if __name__ == "__main__":
    print(json.dumps(child(json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))))
