"""Shared fixtures: roles, services availability, and a real Celery worker.

In CI (``CI=true``) a test that needs Redis, a worker or Chromium fails when the
thing is missing; on a developer's machine it is skipped with the reason.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache

from config.celery import app as celery_app
from config.roles import ANALYST, EDITOR, RESEARCHER

# One Playwright instance for the whole run: a second sync_playwright() in the same
# process fails, so every browser test (any app) shares these fixtures.
pytest_plugins = ["tests.browser.fixtures"]

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def require(condition: bool, reason: str) -> None:
    """Skip locally, fail in CI, when a service a test needs is missing."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI requires this: {reason}")
    pytest.skip(reason)


def redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


# --- Users per role ---


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    """Throttle counters live in the cache (local memory, shared with a browser test's live
    server); each test starts with none, so a page is never throttled by earlier tests' requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _export_cache_of_the_test(settings, tmp_path):
    """Each test's files of stored days in a directory of its own (strikes.api.export_cache):
    none left by an earlier test, none in the checkout."""
    settings.EXPORT_CACHE_DIR = str(tmp_path / "export-cache")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 costs about a second per user on this machine; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(django_user_model, username: str, role: str | None):
    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    if role == "admin":
        user.is_superuser = user.is_staff = True
        user.save()
    elif role:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


@pytest.fixture
def analyst(django_user_model):
    return make_user(django_user_model, "ana", ANALYST)


@pytest.fixture
def editor(django_user_model):
    return make_user(django_user_model, "eddie", EDITOR)


@pytest.fixture
def researcher(django_user_model):
    return make_user(django_user_model, "rosa", RESEARCHER)


@pytest.fixture
def admin_user(django_user_model):
    return make_user(django_user_model, "root", "admin")


# --- Celery ---


@pytest.fixture(autouse=True)
def _tasks_run_eagerly(request):
    """Outside integration tests, tasks run in-process: no broker, same code path."""
    eager = "integration" not in request.keywords
    old = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = eager
    yield
    celery_app.conf.task_always_eager = old


def worker_database_url() -> str:
    """A DATABASE_URL for the test database pytest-django created, for worker processes."""
    db = settings.DATABASES["default"]
    host = quote(db.get("HOST") or "", safe="") if (db.get("HOST") or "").startswith("/") else db.get("HOST", "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db.get('USER', '')}{password}@{host}{port}/{db['NAME']}"


class WorkerProcess:
    """A real ``celery worker`` process against the test database and the real Redis."""

    def __init__(self, concurrency: int = 2):
        env = dict(os.environ)
        # The settings already moved this process's Redis database for pytest-xdist; the worker
        # is given the result, and must not move it a second time.
        env.pop("PYTEST_XDIST_WORKER", None)
        env["DATABASE_URL"] = worker_database_url()
        env["REDIS_URL"] = settings.REDIS_URL
        env["INGEST_ALLOWED_HOSTS"] = ",".join(settings.INGEST_ALLOWED_HOSTS)
        env["CELERY_TASK_ALWAYS_EAGER"] = "false"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={concurrency}",
                "-Q",
                "default,feeds,fetch,extract",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=BASE_DIR,
            env=env,
            start_new_session=True,
        )
        self._wait_ready()

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Celery worker exited with {self.proc.returncode}")
            replies = celery_app.control.ping(timeout=0.5)
            if replies:
                return
        raise RuntimeError("Celery worker did not answer a ping within 30 s")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children, as a crash would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def purge_all_queues() -> None:
    """Empty every queue tasks are routed to (control.purge() empties only the default one)."""
    queues = {settings.CELERY_TASK_DEFAULT_QUEUE} | {r["queue"] for r in settings.CELERY_TASK_ROUTES.values()}
    with celery_app.connection_for_write() as connection:
        for queue in queues:
            connection.default_channel.queue_purge(queue)


@pytest.fixture
def start_worker(transactional_db, settings):
    """Start real Celery workers: ``worker = start_worker()``; stopped after the test."""
    require(redis_available(), f"Redis is not reachable at {settings.REDIS_URL}")
    celery_app.conf.broker_url = settings.REDIS_URL
    purge_all_queues()
    workers: list[WorkerProcess] = []

    def start(concurrency: int = 2) -> WorkerProcess:
        worker = WorkerProcess(concurrency=concurrency)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    purge_all_queues()


@pytest.fixture
def celery_worker(start_worker):
    """One real Celery worker for the test."""
    return start_worker()


def wait_until(predicate, timeout: float = 30, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy; fail with a timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


# --- Browser ---


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium; Playwright cannot download its own browser here."""
    require(Path(CHROMIUM).exists() or bool(shutil.which("chromium")), f"Chromium not found at {CHROMIUM}")
    return CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
