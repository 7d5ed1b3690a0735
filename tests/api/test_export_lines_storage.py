"""How the stored export lines are kept on disk (migration 0014): uncompressed up to a page, so an
export reads them without decompressing; longer ones are still stored and served; and lines
written compressed before the migration are rewritten uncompressed by it."""

import importlib
import json

from django.db import connection

from strikes.models import Attack
from tests.factories import AttackFactory

_0014 = importlib.import_module("strikes.migrations.0014_attackexport_uncompressed")

# Compressible text (pglz shrinks repeats), long enough to pass PostgreSQL's default ~2 KB
# threshold, where the lines were compressed before 0014; short of a page.
LONG = "A strike on a residential block, windows blown out. " * 50  # 2,600 characters
# Longer than a page: compressed (or moved out of line) whatever the target.
HUGE = "A strike on a residential block, windows blown out. " * 400  # 20,800 characters


def compression(pk: int) -> tuple:
    """How the attack's stored csv_line, feature_head and feature_tail are compressed (None: not)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        cursor.execute(
            "SELECT pg_column_compression(csv_line), pg_column_compression(feature_head),"
            " pg_column_compression(feature_tail) FROM strikes_attackexport WHERE attack_id = %s",
            [pk],
        )
        return cursor.fetchone()


def geojson(anon) -> bytes:
    """The default GeoJSON export's body (every field: served from the stored lines)."""
    response = anon.get("/api/v1/attacks/?format=geojson", HTTP_HOST="localhost")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_line_of_a_few_kilobytes_is_stored_uncompressed(db):
    attack = AttackFactory(description=LONG)
    assert compression(attack.pk) == (None, None, None)


def test_a_line_longer_than_a_page_is_stored_and_served(db, anon):
    attack = AttackFactory(description=HUGE)
    assert compression(attack.pk)[2] == "pglz"  # the tail holds the description
    (feature,) = json.loads(geojson(anon))["features"]
    assert feature["id"] == attack.pk
    assert feature["properties"]["description"] == HUGE
    csv = b"".join(anon.get("/api/v1/attacks/?format=csv").streaming_content).decode()
    assert HUGE in csv


def test_the_migration_rewrites_lines_stored_compressed(db, anon):
    attack = AttackFactory(description=LONG)
    other = AttackFactory(description="Short.")
    with connection.cursor() as cursor:
        # The table as it was before 0014: a line of this length is written compressed.
        cursor.execute("ALTER TABLE strikes_attackexport RESET (toast_tuple_target)")
        Attack.objects.filter(pk=attack.pk).update(description=LONG + "!")
        assert compression(attack.pk)[2] == "pglz"
        before = geojson(anon)
        for statement in _0014.FORWARD:
            cursor.execute(statement)
    assert compression(attack.pk) == (None, None, None)
    assert compression(other.pk) == (None, None, None)
    assert geojson(anon) == before
    descriptions = {f["properties"]["description"] for f in json.loads(before)["features"]}
    assert descriptions == {LONG + "!", "Short."}
