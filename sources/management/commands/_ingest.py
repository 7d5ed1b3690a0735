"""What the ingest commands share: choosing where tasks run, progress bars, the summary."""

import time

import redis
from django.conf import settings
from tqdm import tqdm

from config.celery import app as celery_app
from sources.models import Article
from sources.querysets import IN_PROGRESS


def worker_available() -> tuple[bool, str]:
    """(True, "") when a broker answers and a worker listens; else (False, why)."""
    if celery_app.conf.task_always_eager:
        return False, "tasks are set to run in-process (CELERY_TASK_ALWAYS_EAGER)"
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1).ping()
    except (redis.RedisError, ValueError):
        return False, f"no broker answers at {settings.CELERY_BROKER_URL}"
    try:
        if not celery_app.control.ping(timeout=1.0):
            return False, "no Celery worker answered"
    except Exception as exc:  # the control channel failing is one more reason to work in-process
        return False, f"the workers could not be asked ({exc})"
    return True, ""


def run_in_process(article_ids: list[int], *, stderr, initial: int = 0, total: int | None = None) -> None:
    """Fetch each article here, one after the other (retries included), with a progress bar."""
    from sources.tasks import article_fetch

    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True  # extraction, sent after each store, runs here too
    try:
        with tqdm(total=total or len(article_ids), initial=initial, unit="url", file=stderr, dynamic_ncols=True) as bar:
            for pk in article_ids:
                article_fetch.apply(args=[pk])
                bar.update(1)
    finally:
        celery_app.conf.task_always_eager = old


def wait_for(article_ids: list[int], *, stderr, timeout: float, initial: int = 0, total: int | None = None) -> bool:
    """Show progress while workers fetch ``article_ids``; False when the timeout came first."""
    deadline = time.monotonic() + timeout
    with tqdm(total=total or len(article_ids), initial=initial, unit="url", file=stderr, dynamic_ncols=True) as bar:
        while True:
            pending = Article.objects.filter(pk__in=article_ids, status__in=IN_PROGRESS).count()
            done = initial + len(article_ids) - pending
            bar.update(done - bar.n)
            if not pending:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)


def outcome_counts(article_ids: list[int]) -> dict[str, int]:
    """How the given articles ended: new (stored originals), duplicate, failed (failed or refused)."""
    counts = {"new": 0, "duplicate": 0, "failed": 0, "pending": 0}
    for status in Article.objects.filter(pk__in=article_ids).values_list("status", flat=True):
        if status in ("fetched", "extracting", "extracted"):
            counts["new"] += 1
        elif status == "duplicate":
            counts["duplicate"] += 1
        elif status in ("failed", "refused"):
            counts["failed"] += 1
        else:
            counts["pending"] += 1
    return counts
