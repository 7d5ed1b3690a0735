"""Fixtures for the ingest tests: a local web server with pages and feeds written for them.

``site`` is a threaded http.server on 127.0.0.1 (``site6`` on ::1) whose routes a test
sets up; it records every request, so a test can assert that a refused address was never
asked for anything. ``connections`` records every socket connect() this process makes
(a Python audit hook), to show that no connection was even attempted to an address the
safety checks refused.
"""

import socket
import sys

import pytest

from tests.sources.pages import Site


@pytest.fixture
def site():
    server = Site("127.0.0.1")
    yield server
    server.close()


@pytest.fixture
def site6():
    try:
        server = Site("::1", socket.AF_INET6)
    except OSError as exc:
        pytest.skip(f"IPv6 loopback is not available here: {exc}")
    yield server
    server.close()


@pytest.fixture(autouse=True)
def ingest_settings(settings):
    """The local test server is the one host allowed despite its private address; short timeouts."""
    settings.INGEST_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.INGEST_CONNECT_TIMEOUT = 1.0
    settings.INGEST_READ_TIMEOUT = 0.5
    settings.INGEST_TOTAL_TIMEOUT = 5.0
    settings.INGEST_MAX_BYTES = 200_000
    # Extraction (linking.tasks) is off here; tests that need the hand-off turn it on.
    settings.INGEST_RUN_EXTRACTION = False
    # The role fixtures set passwords; the real hasher's deliberate slowness costs ~1 s a test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


# --- Every connect() this process makes ---

_connect_logs: list[list] = []


def _audit(event, args):
    if event == "socket.connect" and _connect_logs:
        address = args[1]
        for log in _connect_logs:
            log.append(address)


_hook_installed = False


@pytest.fixture
def connections():
    """A list of every address this process tried to connect to during the test."""
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_audit)  # audit hooks cannot be removed; it only records while a test listens
        _hook_installed = True
    log: list = []
    _connect_logs.append(log)
    yield log
    _connect_logs.remove(log)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what services send after commit, as a real commit would.

    Tasks run eagerly outside integration tests, so a submitted URL is fetched right there.
    """
    return lambda: django_capture_on_commit_callbacks(execute=True)
