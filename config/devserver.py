"""What `make run` runs (inside config.embedded_pg, so the database is up).

Migrates, loads the reference and demo data (and, once, the UCDP GED events for Ukraine from
the shared open data, so the first map is real), prints the demo users, then serves
the app at http://127.0.0.1:$PORT. When Redis answers at REDIS_URL it also runs a
Celery worker and beat beside the server; otherwise tasks run in-process and it
says so. Ctrl-C stops everything it started.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
STATE = BASE_DIR / ".state"


def prepare_database() -> None:
    """Migrate and load reference data, demo data and demo users, in this one process.

    One Django start-up instead of four keeps a second `make run` to a few seconds; each
    step is idempotent, so running them every time keeps the data and changes nothing.
    """
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference")
    call_command("load_demo")
    open_data_load(call_command)
    call_command("create_demo_users")


# The open datasets of ../shared/data (SOURCES.md). Only UCDP GED is loaded: UCDP publishes it
# under CC BY 4.0, which allows redistribution with attribution (README "The demo"). The nightly
# missile-attacks dataset's licence is not stated where it was copied from, so it is not.
OPEN_DATA_DIR = Path(os.environ.get("DEMO_DATA_DIR", BASE_DIR.parent / "shared" / "data"))


def open_data_load(call_command) -> None:
    """Import UCDP GED for Ukraine on the first start (about 8 s); later starts ask one query."""
    from strikes.choices import ExternalSource
    from strikes.models import Attack

    ucdp = OPEN_DATA_DIR / "UCDP-Ukraine.csv"
    if not ucdp.is_file():
        print(f"No open data at {OPEN_DATA_DIR}: the demo has its five events only.", flush=True)
        return
    if Attack.objects.filter(external_source=ExternalSource.UCDP).exists():
        return
    print(f"First start: importing UCDP GED events for Ukraine from {ucdp} ...", flush=True)
    call_command("import_ucdp", str(ucdp), "--no-progress")


def redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, ValueError):
        return False


def _stop_on_sigterm(signum, frame):
    # `kill` or a supervisor stops us like Ctrl-C does: children first, then the database.
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    port = env.get("PORT", "8000")
    redis_url = env.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    STATE.mkdir(exist_ok=True)

    started = time.monotonic()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        prepare_database()
    except KeyboardInterrupt:
        print("\nStopped during set-up.", flush=True)
        return 130
    print(f"Set-up checked in {time.monotonic() - started:.1f} s.", flush=True)

    children: list[subprocess.Popen] = []
    if redis_answers(redis_url):
        env["CELERY_TASK_ALWAYS_EAGER"] = "false"
        celery = [sys.executable, "-m", "celery", "-A", "config"]
        children.append(
            subprocess.Popen(
                [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "-Q", "default,feeds,fetch,extract"],
                cwd=BASE_DIR,
                env=env,
            )
        )
        children.append(
            subprocess.Popen(
                [*celery, "beat", "--loglevel=INFO", "--schedule", str(STATE / "celerybeat-schedule")],
                cwd=BASE_DIR,
                env=env,
            )
        )
        print(f"Redis answered at {redis_url}: a Celery worker and beat are running beside the server.", flush=True)
    else:
        env["CELERY_TASK_ALWAYS_EAGER"] = "true"
        print(
            f"No Redis at {redis_url}: background tasks run in-process (feeds are not polled on a schedule).",
            flush=True,
        )

    print(f"Serving Strikewatch at http://127.0.0.1:{port}/  (Ctrl-C stops everything)", flush=True)
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"], cwd=BASE_DIR, env=env)
    children.insert(0, server)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        failed = next(child for child in children if child.poll() is not None)
        print(f"A process stopped (exit {failed.returncode}); stopping the rest.", flush=True)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
    finally:
        # Ctrl-C already reached every child through the terminal's process group; give them
        # a moment to stop on their own, then stop what is left (SIGTERM: no second SIGINT
        # traceback from celery beat), and kill only what still hangs.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(child.poll() is None for child in children):
            time.sleep(0.2)
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
