"""The GeoJSON export, written by PostgreSQL, is byte for byte the attack representation.

Each expected FeatureCollection is built from the JSON list of the same query (the
representation every other read shows) exactly as the export wrote it when it was built in
Python: ``json.dumps`` with ``ensure_ascii=False`` and no spaces, one Feature per attack in
list order.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.renderers import JSONRenderer

from strikes.api.representation import CATEGORIES
from strikes.models import Attack, AttackMunition
from tests.api.conftest import set_figure
from tests.factories import ArticleFactory, AttackFactory, MunitionFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# Quotes, a backslash, HTML, non-Latin and astral characters, a tab, newlines and control characters.
AWKWARD = (
    'Strike on the "Epicentr" store <b>&amp;</b> depot\\yard\n'
    "Удар по складу; 3 поранені 🚀\r\n\tthen\x01a bell\x07 and\x1f done / ✓ \u2028 end"
)


def query_id(params: dict) -> str:
    """A parametrized case's name: its query string."""
    return "&".join(f"{k}={v}" for k, v in params.items()) or "default"


def body(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def expected(client, params: dict) -> bytes:
    """The export as the representation gives it: the JSON list's rows, dumped as Features."""
    rows, page = [], {**params, "page_size": 1000}
    url = reverse("api-attack-list")
    while url:
        data = client.get(url, page).json()
        rows += data["results"]
        url, page = data["next"], {}
    features = []
    for row, attack_id in zip(rows, ids_in_order(client, params), strict=True):
        lat, lon = coordinates(attack_id)
        geometry = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
        feature = {"type": "Feature", "id": attack_id, "geometry": geometry, "properties": row}
        features.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return ('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}\n").encode("utf-8")


def ids_in_order(client, params: dict) -> list[int]:
    """Ids of the list's rows in order (asked separately: ``fields=`` may leave out ``id``)."""
    query = {k: v for k, v in params.items() if k not in ("fields", "omit")}
    data = client.get(reverse("api-attack-list"), {**query, "fields": "id", "page_size": 1000}).json()
    assert data["next"] is None
    return [r["id"] for r in data["results"]]


def coordinates(attack_id: int):
    return Attack.objects.values_list("latitude", "longitude").get(pk=attack_id)


def export(client, params: dict) -> bytes:
    return body(client.get(reverse("api-attack-list"), {**params, "format": "geojson"}))


@pytest.fixture
def varied():
    """Attacks covering every shape a Feature can take."""
    kharkiv = PlaceFactory(name="Kharkiv Oblast", kind="oblast", latitude=49.99, longitude=36.23)
    city = PlaceFactory(name="Kharkiv", kind="city", oblast=kharkiv, parent=kharkiv, latitude=50.0, longitude=36.25)
    shahed = MunitionFactory(name="Shahed-136", category="attack_drone", origin_country="Iran")
    iskander = MunitionFactory(name="Iskander-M", category="ballistic_missile", origin_country="Russia")
    kab = MunitionFactory(name="KAB-500", category="guided_bomb", origin_country="")
    wire = OutletFactory(name='Wire "Ukraine"', grade="A")
    base = dt.datetime(2025, 3, 8, 22, 15, tzinfo=UTC)

    # Whole-number coordinates, two munitions listed out of name order, three sources (one
    # without an outlet, one without a canonical URL, one not yet dated), disputed figures.
    full = AttackFactory(
        place=city,
        latitude=50.0,
        longitude=36.0,
        occurred_at=base.replace(microsecond=120000),
        description=AWKWARD,
        geo_precision=1,
        target_type="residential",
    )
    AttackMunition.objects.create(attack=full, munition=shahed, count=12)
    AttackMunition.objects.create(attack=full, munition=iskander)
    AttackMunition.objects.create(attack=full, munition=kab, count=0)
    ArticleFactory(attack=full, outlet=wire, title='Night "raid" — <i>update</i>', published_at=base)
    ArticleFactory(
        attack=full, outlet=None, canonical_url=None, published_at=base + dt.timedelta(seconds=1, microseconds=5)
    )
    ArticleFactory(attack=full, outlet=wire, title="", published_at=None)
    set_figure(full, "killed", 4)
    set_figure(full, "injured", 20, low=17, high=None, status="disputed")

    # No place, no coordinates, nothing attached.
    bare = AttackFactory(place=None, latitude=None, longitude=None, occurred_at=base - dt.timedelta(hours=1))
    bare.description = ""
    bare.save()

    # The oblast itself as the place; coordinates with many digits, negative-zero-free.
    AttackFactory(place=kharkiv, latitude=49.123456789012, longitude=36.1, occurred_at=base - dt.timedelta(days=1))

    # Ties on occurred_at (ordered by id) across the chunk boundaries of a small chunk.
    for i in range(7):
        tied = AttackFactory(place=city, occurred_at=base - dt.timedelta(days=2), latitude=50.0 + i / 10)
        ArticleFactory(attack=tied, outlet=wire)
        set_figure(tied, "killed", i)
    return {"full": full, "bare": bare}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"figures": "decided"},
        {"figures": "conservative"},
        {"figures": "range"},
        {"fields": "id,figures,url"},
        {"fields": "place,latitude,longitude"},
        {"fields": "sources"},
        {"omit": "sources,munitions"},
        {"omit": "description,figures", "figures": "range"},
        {"ordering": "killed_best"},
        {"ordering": "-updated_at"},
        {"oblast": "Kharkiv Oblast"},
    ],
    ids=query_id,
)
def test_export_is_the_representation_byte_for_byte(anon, varied, params, settings):
    settings.API_EXPORT_CHUNK = 2  # features cross the pieces the stream is sent in
    got = export(anon, params)
    assert got == expected(anon, params)
    assert json.loads(got)["features"]


@pytest.mark.parametrize("zone", ["Europe/Kyiv", "Asia/Kathmandu", "America/St_Johns", "UTC"])
def test_times_are_written_in_the_configured_zone(anon, varied, settings, zone):
    settings.TIME_ZONE = zone
    got = export(anon, {})
    assert got == expected(anon, {})
    full = next(f for f in json.loads(got)["features"] if f["id"] == varied["full"].pk)
    occurred = dt.datetime.fromisoformat(full["properties"]["occurred_at"])
    assert occurred == dt.datetime(2025, 3, 8, 22, 15, 0, 120000, tzinfo=UTC)
    assert occurred.utcoffset() == dt.datetime(2025, 3, 8, 22, 15, tzinfo=UTC).astimezone(ZoneInfo(zone)).utcoffset()
    # The connection is handed back in its own zone, whatever the export used.
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == connection.timezone_name


def test_awkward_text_and_whole_coordinates_are_written_as_json_dumps_writes_them(anon, varied):
    got = export(anon, {"fields": "description"})
    full = varied["full"]
    # Python writes 36.0, not 36; non-ASCII stays as is; controls are escaped.
    assert f'"id":{full.pk},"geometry":{{"type":"Point","coordinates":[36.0,50.0]}}'.encode() in got
    assert json.dumps(AWKWARD, ensure_ascii=False).encode("utf-8") in got
    assert b"\\u0001" in got and "🚀".encode() in got
    feature = next(f for f in json.loads(got)["features"] if f["id"] == full.pk)
    assert feature["properties"] == {"description": AWKWARD}


def test_attack_without_anything_attached(anon, varied):
    doc = json.loads(export(anon, {}))
    bare = next(f for f in doc["features"] if f["id"] == varied["bare"].pk)
    assert bare["geometry"] is None
    props = bare["properties"]
    assert (props["place"], props["munitions"], props["sources"], props["latitude"]) == (None, [], [], None)
    assert set(props["figures"]) == set(CATEGORIES)
    assert not any(props["figures"].values())


def test_order_follows_the_list_across_chunks(anon, varied, settings):
    settings.API_EXPORT_CHUNK = 3
    ids = [f["id"] for f in json.loads(export(anon, {"ordering": "occurred_at"}))["features"]]
    assert ids == ids_in_order(anon, {"ordering": "occurred_at"})
    assert len(ids) == len(set(ids)) == 10


def test_world_fixture_export_matches(anon, world):
    assert export(anon, {}) == expected(anon, {})


# --- The detail is written by the same SQL ---


@pytest.mark.parametrize(
    "params",
    [{}, {"figures": "conservative"}, {"figures": "range"}, {"fields": "id,sources,figures"}, {"omit": "url"}],
    ids=query_id,
)
@pytest.mark.parametrize("zone", ["Europe/Kyiv", "America/St_Johns"])
def test_detail_is_the_list_row_byte_for_byte(anon, varied, settings, params, zone):
    settings.TIME_ZONE = zone
    rows = anon.get(reverse("api-attack-list"), {**params, "page_size": 1000}).json()["results"]
    ids = ids_in_order(anon, params)
    assert len(rows) == len(ids) >= 4
    for attack_id, row in zip(ids, rows, strict=True):
        response = anon.get(reverse("api-attack-detail", args=[attack_id]), params)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.content == JSONRenderer().render(row)
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == connection.timezone_name


@pytest.mark.parametrize("pk", ["0.5", "abc", "-1", "99999999999999999999999", "0"])
def test_detail_of_no_attack_is_a_json_404(anon, varied, pk):
    response = anon.get(f"/api/v1/attacks/{pk}/")
    assert response.status_code == 404
    assert response.json()["detail"]


# --- The JSON list's rows are written by the same SQL ---


@pytest.mark.parametrize(
    "params",
    [{}, {"figures": "range"}, {"fields": "id,munitions,sources"}, {"omit": "figures"}, {"ordering": "killed_best"}],
    ids=query_id,
)
@pytest.mark.parametrize("zone", ["Europe/Kyiv", "Asia/Kathmandu"])
def test_list_rows_are_the_python_representation(anon, varied, settings, params, zone):
    # A GeoJSON page (page_size given) is still built in Python through the representation:
    # the JSON list, now written by PostgreSQL, must hold the same values in the same order,
    # across pages.
    settings.TIME_ZONE = zone
    url, query, rows = reverse("api-attack-list"), {**params, "page_size": 2}, []
    while url:
        response = anon.get(url, query)
        assert response.status_code == 200
        page = json.loads(response.content)
        assert list(page) == ["next", "previous", "results"]
        rows += page["results"]
        url, query = page["next"], {}
    python = anon.get(reverse("api-attack-list"), {**params, "format": "geojson", "page_size": 1000}).json()
    assert rows == [f["properties"] for f in python["features"]]
    assert len(rows) >= 4


def test_list_escapes_line_separators_as_the_json_renderer_does(anon, varied):
    body = anon.get(reverse("api-attack-list"), {"fields": "id,description"}).content
    assert "\u2028".encode() not in body and b"\\u2028" in body
    assert any("\u2028" in r["description"] for r in json.loads(body)["results"])


def test_empty_list_page_still_checks_its_parameters(anon, db):
    assert anon.get(reverse("api-attack-list")).json() == {"next": None, "previous": None, "results": []}
    assert anon.get(reverse("api-attack-list"), {"fields": "nonsense"}).json()["parameter"] == "fields"
    assert anon.get(reverse("api-attack-list"), {"figures": "loudest"}).status_code == 400
