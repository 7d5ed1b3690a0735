"""Run by tests/test_replicas.py in its own process, against a primary and a real streaming
replica (DATABASE_URL, DATABASE_REPLICA_URLS): asks the app as the public, a researcher who has
just written, and an analyst, and prints which database served each request, as JSON.

A separate process because the test suite's own connections point at the suite's database;
here Django starts with the replica configured, as a deployment would.
"""

import json
import os
import time
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from config.replicas import _health  # noqa: E402
from config.roles import ANALYST, RESEARCHER  # noqa: E402
from strikes.models import Attack  # noqa: E402
from tests.factories import AttackFactory  # noqa: E402

PRIMARY, REPLICA = connections["default"], connections["replica_0"]


def wait_for_replica(pk: int, *, present: bool = True, seconds: float = 15) -> float:
    """Seconds until the replica has (or lacks) attack ``pk``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if Attack.objects.using("replica_0").filter(pk=pk).exists() == present:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"replica did not receive attack {pk} in {seconds} s")


def ask(client: Client, path: str) -> dict:
    """One request; which database answered its data queries, and the attack ids it listed."""
    with CaptureQueriesContext(PRIMARY) as on_primary, CaptureQueriesContext(REPLICA) as on_replica:
        response = client.get(path)
    data_sql = [q["sql"] for q in on_replica.captured_queries if "pg_last_wal" not in q["sql"]]
    ids = sorted(r["id"] for r in response.json()["results"]) if response.status_code == 200 else None
    return {
        "status": response.status_code,
        "primary_queries": len(on_primary.captured_queries),
        "replica_queries": len(data_sql),
        "ids": ids,
    }


def main() -> None:
    out = {}
    first = AttackFactory(status="published")
    out["first_id"] = first.pk
    out["replicated_in_s"] = wait_for_replica(first.pk)
    public = Client()
    out["public"] = ask(public, "/api/v1/attacks/")

    # The replica stops replaying: once it is further behind than REPLICA_MAX_LAG_SECONDS, the
    # public is served by the primary and sees the new attack; when it catches up, back to it.
    with REPLICA.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    second = AttackFactory(status="published")
    out["second_id"] = second.pk
    time.sleep(float(os.environ["REPLICA_MAX_LAG_SECONDS"]) + 0.5)
    _health.clear()
    out["public_while_replica_lags"] = ask(public, "/api/v1/attacks/")
    with REPLICA.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replica(second.pk)
    time.sleep(0.2)
    _health.clear()
    out["public_after_catch_up"] = ask(public, "/api/v1/attacks/")
    # The data as it stood at a moment is rebuilt in temporary tables: on the primary.
    moment = timezone.now().isoformat()
    out["public_as_of"] = ask(public, "/api/v1/attacks/?" + urlencode({"as_of": moment}))

    # A researcher who has just written (a new API token) reads the primary for a few seconds.
    researcher = User.objects.create_user("rita", password="pw-rita")
    researcher.groups.add(Group.objects.get_or_create(name=RESEARCHER)[0])
    reader = Client()
    reader.force_login(researcher)
    out["researcher_before_writing"] = ask(reader, "/api/v1/attacks/")
    out["researcher_write_status"] = reader.post("/profile/", {"action": "create"}).status_code
    out["researcher_after_writing"] = ask(reader, "/api/v1/attacks/")

    # Staff see drafts and retractions: always the primary.
    analyst = User.objects.create_user("ana", password="pw-ana")
    analyst.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    staff = Client()
    staff.force_login(analyst)
    out["analyst"] = ask(staff, "/api/v1/attacks/")
    print("PROBE " + json.dumps(out))


if __name__ == "__main__":
    main()
