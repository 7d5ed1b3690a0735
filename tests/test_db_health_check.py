"""The per-request database health check (config/pgbackend/base.py): a connection the server
dropped is replaced before the request's first query, and a healthy idle one is kept without a
round trip."""

import time

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def _last_statement(pid: int) -> str:
    """What PostgreSQL says backend ``pid`` ran last (a fresh statistics snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


@pytest.fixture
def worker_connection():
    """A second connection to the database, as a web worker holds one between requests."""
    wrapper = connections.create_connection("default")
    assert wrapper.settings_dict["CONN_HEALTH_CHECKS"] is True
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _request_starts(wrapper) -> None:
    """What Django does for a connection at a request's start and at its first query."""
    wrapper.close_if_unusable_or_obsolete()
    wrapper.close_if_health_check_failed()


def test_a_connection_the_server_terminated_is_replaced_and_the_query_answers(worker_connection):
    old_pid = worker_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    deadline = time.monotonic() + 10
    while _backend_alive(old_pid):
        assert time.monotonic() < deadline, "the backend was not terminated"
        time.sleep(0.02)

    _request_starts(worker_connection)
    with worker_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        new_pid = cursor.fetchone()[0]
    assert new_pid != old_pid


def _backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0] == 1


def test_a_healthy_idle_connection_is_kept_without_a_statement(worker_connection):
    pid = worker_connection.connection.info.backend_pid
    with worker_connection.cursor() as cursor:
        cursor.execute("SELECT 'the last statement of the request before'")
    _request_starts(worker_connection)
    # The same backend, and it was sent nothing: Django's own check would have run SELECT 1.
    assert worker_connection.connection.info.backend_pid == pid
    assert _last_statement(pid) == "SELECT 'the last statement of the request before'"
    with worker_connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] == pid


def test_after_an_error_the_check_still_asks_the_server(worker_connection):
    pid = worker_connection.connection.info.backend_pid
    worker_connection.errors_occurred = True
    worker_connection.close_if_unusable_or_obsolete()
    assert worker_connection.connection.info.backend_pid == pid
    assert _last_statement(pid) == "SELECT 1"


def test_a_read_request_sends_no_history_context(client, monkeypatch):
    """pghistory's context is for requests that write: a GET's statements go as they are,
    without set_config() calls in front (PGHISTORY_MIDDLEWARE_METHODS), while a POST still
    opens one."""
    import pghistory.runtime

    injected = []
    real = pghistory.runtime._inject_history_context

    def spy(execute, sql, *args):
        injected.append(sql)
        return real(execute, sql, *args)

    monkeypatch.setattr(pghistory.runtime, "_inject_history_context", spy)
    response = client.get("/api/v1/attacks/?page_size=5")
    assert response.status_code == 200
    assert injected == []
    client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert injected, "a POST's statements are still sent inside the history context"
