"""The production web server: granian serving ``config.wsgi``, as deployed and as benchmarked.

    python -m config.serve            # 0.0.0.0:8000, as many workers as cores
    HOST=127.0.0.1 PORT=8080 WEB_WORKERS=4 python -m config.serve

Why granian and not gunicorn (docs/PERFORMANCE.md §19): its HTTP handling is Rust, not Python,
and it keeps connections alive. On the same machine, database and requests, a public attack
detail cost the server 1.2-2.0 ms of CPU under granian against 2.2-3.1 ms under gunicorn's sync
workers, and a list 5.3-7.4 ms against 7.1-8.7 ms; that is what the uncached throughput targets
(issue 19) are made of. It streams a response as the application yields it, holding only what
the client has not yet read (a 1 GB body to a slow client: 114 MB for the whole server), and a
response that fails mid-stream is cut off, not ended cleanly (the client sees a partial
transfer), as the exports require. What gunicorn did and granian does not: kill a worker whose
request outlives a timeout. No request here computes without bound (exports stream as the client
reads; ingest runs in Celery), but a client that reads an export slowly holds a thread until it
finishes or disconnects, as it held a whole sync worker under gunicorn: in production put a
buffering reverse proxy (nginx's default) in front, which also keeps slow headers away.

Settings, from the environment (each has a flag of the same meaning in ``granian --help``):

- ``HOST`` (default ``0.0.0.0``) and ``PORT`` (``8000``): where to listen.
- ``WEB_WORKERS`` (default: the machine's cores): processes, each with its own interpreter.
- ``WEB_THREADS`` (default ``2``): threads per worker running the application; a second thread
  lets a worker answer while the other waits on PostgreSQL or a slow client.
- ``LOG_LEVEL`` (default ``info``, as the application's own logging).

``config.wsgi`` refuses to load when production is unsafe (development key, demo users able to
log in): the server then exits with that message and a non-zero status.
"""

from __future__ import annotations

import os
import sys


def argv(environ: dict[str, str] | None = None) -> list[str]:
    """The granian command line for ``environ`` (the process environment by default); a
    setting that is not a positive whole number is an error naming it, before anything starts."""
    env = os.environ if environ is None else environ

    def count(name: str, default: int) -> str:
        raw = env.get(name, "").strip() or str(default)
        if not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            raise SystemExit(f"{name} must be a positive whole number, not {raw!r}.")
        return str(int(raw))

    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi", "config.wsgi:application",
        "--host", env.get("HOST", "").strip() or "0.0.0.0",  # noqa: S104 -- a server listens beyond loopback
        "--port", count("PORT", 8000),
        "--workers", count("WEB_WORKERS", os.cpu_count() or 1),
        "--blocking-threads", count("WEB_THREADS", 2),
        "--no-ws",  # WSGI: no WebSockets to serve
        # A worker that stops answering a graceful stop within 30 s is killed (a deploy must end).
        "--workers-kill-timeout", "30",
        "--log-level", (env.get("LOG_LEVEL", "").strip() or "info").lower(),
    ]  # fmt: skip


def main() -> None:
    """Replace this process with granian (signals reach it directly; nothing sits in between)."""
    command = argv()
    os.execv(command[0], command)  # noqa: S606 -- the fixed command above, no shell to bypass


if __name__ == "__main__":
    main()
