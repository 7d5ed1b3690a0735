"""The default GeoJSON served from the stored Features, joined into pieces by PostgreSQL
(strikes.api.export_lines.features_sql): the same bytes as the live export whatever the piece
size, an empty set is an empty FeatureCollection, and a missing line is never a short file."""

import json

import pytest
from django.db import connection
from django.utils import timezone

from strikes.api import export_lines
from strikes.api.formats import geojson_stream
from strikes.api.representation import FIELD_NAMES, Shape
from strikes.models import Attack

URL = ("http://localhost/api/v1/attacks/", "/")


def get(anon, query: str = ""):
    return anon.get(f"/api/v1/attacks/?format=geojson{query}", HTTP_HOST="localhost")


def live_body(ids: list[int]) -> bytes:
    """The live export's bytes for these attacks, in the list's default order."""
    shape = Shape("decided", FIELD_NAMES, URL, timezone.get_current_timezone())
    return b"".join(geojson_stream(Attack.objects.filter(pk__in=ids).order_by("-occurred_at", "-id"), shape))


@pytest.mark.parametrize("piece", [1, 2, 3, 4, 5, 6, 2000])
def test_every_piece_size_gives_the_live_bytes(anon, world, settings, piece):
    settings.API_EXPORT_CHUNK = piece
    response = get(anon)
    pieces = list(response.streaming_content)
    body = b"".join(pieces)
    ids = [f["id"] for f in json.loads(body)["features"]]
    # The public world: a3, a2, a1, a4, a7 newest first (tests/api/conftest.py).
    keys = ("a3", "a2", "a1", "a4", "a7")
    assert ids == [world.attacks[k].pk for k in keys]
    assert body == live_body(ids)
    # A piece per `piece` Features (at most 128 a COPY row), and the closing one.
    assert len(pieces) == -(-5 // min(piece, export_lines.STORED_PIECE)) + 1


def test_an_empty_set_is_an_empty_feature_collection(anon, world):
    body = b"".join(get(anon, "&occurred_after=2025-12-01").streaming_content)
    assert body == b'{"type":"FeatureCollection","features":[]}\n'


def test_a_line_missing_after_the_first_piece_aborts_the_transfer(anon, world, settings):
    settings.API_EXPORT_CHUNK = 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        # a7 is the last in the list's order: the third piece.
        cursor.execute("DELETE FROM strikes_attackexport WHERE attack_id = %s", [world.attacks["a7"].pk])
    response = get(anon)
    assert response.status_code == 200
    pieces = iter(response.streaming_content)
    first = next(pieces)
    assert first.startswith(b'{"type":"FeatureCollection","features":[{"type":"Feature","id":')
    with pytest.raises(RuntimeError, match="missing"):
        list(pieces)


def test_a_line_missing_in_the_first_piece_is_an_error_before_any_byte(anon, world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        cursor.execute("DELETE FROM strikes_attackexport WHERE attack_id = %s", [world.attacks["a3"].pk])
    with pytest.raises(RuntimeError, match="missing"):
        get(anon)
