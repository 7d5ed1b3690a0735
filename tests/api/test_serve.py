"""The production web server (``python -m config.serve``: granian over config.wsgi), started as
deployed against the test database: it answers the API over kept-alive connections, a streamed
export that fails after its first piece reaches the client as a cut-off transfer (never as a
whole-looking 200), hostile HTTP gets a 4xx, and an unsafe or mistyped configuration stops it
before it serves anything."""

import socket
import subprocess
import sys
import time

import httpx
import pytest
from django.db import connection

from bench.servers import free_port
from config import serve
from tests.conftest import worker_database_url
from tests.test_security_defaults import REAL_KEY

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = serve.__file__.rsplit("/config/", 1)[0]


def start(**env_overrides: str) -> tuple[subprocess.Popen, str]:
    """``python -m config.serve`` on a free loopback port, one worker, production settings."""
    port = free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DEBUG": "false",
        "DJANGO_SECRET_KEY": REAL_KEY,
        "DATABASE_URL": worker_database_url(),
        "SECURE_SSL_REDIRECT": "false",
        "THROTTLE_ANON": "100000/s",
        "API_EXPORT_CHUNK": "2",  # the five public attacks' GeoJSON in three pieces
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "1",
        "LOG_LEVEL": "WARNING",
        **env_overrides,
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "config.serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}"


def wait_until_serving(proc: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[0]
        try:
            httpx.get(base + "/api/v1/", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer within 60 s")


@pytest.fixture(scope="module")
def server():
    """One server for the module's tests (it keeps no state between requests: each test's rows
    are read from the database as they are then); started once, it saves the suite ~5 s a test."""
    proc, base = start()
    try:
        wait_until_serving(proc, base)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_server_answers_the_api_over_one_kept_alive_connection(server, world):
    a1, a2 = world.attacks["a1"], world.attacks["a2"]
    ports = set()
    with httpx.Client(base_url=server) as client:
        for attack, killed in ((a1, 12), (a2, 1), (a1, 12)):
            response = client.get(f"/api/v1/attacks/{attack.pk}/")
            assert response.status_code == 200
            assert (response.json()["id"], response.json()["killed_best"]) == (attack.pk, killed)
            ports.add(response.extensions["network_stream"].get_extra_info("client_addr")[1])
    assert len(ports) == 1  # three answers, one connection


def test_an_export_failing_after_its_first_piece_is_cut_off_not_completed(server, world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        # a7 is the last attack in the list's order: it would be in the third piece.
        cursor.execute("DELETE FROM strikes_attackexport WHERE attack_id = %s", [world.attacks["a7"].pk])
    received = b""
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("GET", f"{server}/api/v1/attacks/?format=geojson") as r:
        assert r.status_code == 200  # the first piece was sent before the missing line was met
        for chunk in r.iter_raw():
            received += chunk
    assert received.startswith(b'{"type":"FeatureCollection","features":[{"type":"Feature"')
    assert not received.endswith(b"]}\n")


HOSTILE = [
    (b"GARBAGE\r\n\r\n", b"400"),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", b"400"),
    (b"GET /api/v1/ HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", b"400"),
    (b"GET /api/v1/attacks/?q=" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", b"414"),
]


def test_hostile_http_gets_a_client_error(server, world):
    host, port = server.removeprefix("http://").split(":")
    answers = []
    for request_bytes, _ in HOSTILE:
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(request_bytes)
            answers.append(sock.recv(4096).split(b"\r\n", 1)[0])
    assert answers == [
        b"HTTP/1.1 " + status + (b" Bad Request" if status == b"400" else b" URI Too Long") for _, status in HOSTILE
    ]
    # and the server still answers
    assert httpx.get(f"{server}/api/v1/attacks/{world.attacks['a2'].pk}/").json()["killed_best"] == 1


def test_an_unsafe_production_stops_the_server_before_it_serves(db):
    proc, base = start(DJANGO_SECRET_KEY="django-insecure-local-development-only")
    answered = []
    try:
        deadline = time.monotonic() + 90
        while proc.poll() is None and time.monotonic() < deadline:
            try:
                answered.append(httpx.get(base + "/api/v1/", timeout=2).status_code)
            except httpx.TransportError:
                time.sleep(0.1)
        output, _ = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode not in (0, None)
    assert answered == []
    assert "strikewatch.E001" in output


@pytest.mark.parametrize("value", ["two", "0", "-1", "²", "1.5"])
def test_a_worker_count_that_is_not_a_positive_whole_number_is_refused_by_name(value):
    with pytest.raises(SystemExit, match=f"WEB_WORKERS must be a positive whole number, not '{value}'"):
        serve.argv({"WEB_WORKERS": value})


def test_settings_come_from_the_environment():
    command = serve.argv({"HOST": "127.0.0.1", "PORT": "9000", "WEB_WORKERS": "3", "WEB_THREADS": "4"})

    def flag(name: str) -> str:
        return command[command.index(name) + 1]

    assert [flag("--host"), flag("--port"), flag("--workers"), flag("--blocking-threads")] == [
        "127.0.0.1",
        "9000",
        "3",
        "4",
    ]
    assert command[3:6] == ["--interface", "wsgi", "config.wsgi:application"]
