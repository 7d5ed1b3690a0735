"""The attack representation, GeoJSON (RFC 7946) and CSV (parsed back)."""

import csv
import datetime as dt
import io
import json

import geojson
import pytest
from django.urls import reverse
from django.utils import timezone

from strikes.api.representation import CSV_COLUMNS
from tests.api.conftest import client_for, result_ids, results
from tests.factories import ArticleFactory, AttackFactory, OutletFactory

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- JSON representation ---


def test_attack_embeds_place_munitions_figures_and_sources(anon, world):
    a1 = world.attacks["a1"]
    data = anon.get(reverse("api-attack-detail", args=[a1.pk])).json()
    assert data["event_id_cnty"] == f"UKR-SW{a1.pk}"
    assert data["place"] == {
        "id": world.places["sviatoshynskyi"].pk,
        "name": "Sviatoshynskyi district",
        "kind": "district",
        "oblast": {"id": world.places["kyiv_city"].pk, "name": "Kyiv City"},
    }
    assert (data["latitude"], data["longitude"], data["geo_precision"]) == (50.4601, 30.3602, 1)
    assert data["munitions"] == [
        {
            "id": world.munitions["kn23"].pk,
            "name": "KN-23",
            "category": "ballistic_missile",
            "origin_country": "North Korea",
            "count": 1,
        },
        {
            "id": world.munitions["shahed"].pk,
            "name": "Shahed-136",
            "category": "attack_drone",
            "origin_country": "Iran",
            "count": 5,
        },
    ]
    assert data["figures"]["killed"] == {
        "best": 12,
        "low": 12,
        "high": 12,
        "status": "consensus",
        "disputed": False,
        "claim_ids": [],
    }
    assert data["figures"]["injured"]["status"] == "disputed"
    assert data["figures"]["injured"]["disputed"] is True
    assert data["figures"]["missing"] is None
    assert data["disputed"] is True
    assert [(s["outlet"]["name"], s["url"]) for s in data["sources"]] == [
        ("Censor.NET", "https://censor.example/night-attack"),
        ("AFP", "https://afp.example/components"),
    ]
    assert data["sources"][0]["published_at"] == "2025-04-24T09:00:00+03:00"
    assert data["occurred_at"] == "2025-04-24T01:30:00+03:00"


def test_figures_mode_conservative_shows_the_lowest_supported_figure(anon, world):
    a1 = world.attacks["a1"]
    injured = anon.get(reverse("api-attack-detail", args=[a1.pk]), {"figures": "conservative"}).json()["figures"][
        "injured"
    ]
    assert (injured["best"], injured["low"], injured["high"]) == (87, 87, 87)


def test_figures_from_real_claims_reach_the_api(anon, world):
    """Two sources agreeing on 3 killed: the claims service publishes 3 and the API shows it."""
    from casualties.services import claim_record

    a3 = world.attacks["a3"]
    for label in ("Regional administration", "State Emergency Service"):
        claim_record(attack=a3, category="killed", value=3, qualifier="exact", reported_at=None, source_label=label)
    data = anon.get(reverse("api-attack-detail", args=[a3.pk])).json()
    assert data["killed_best"] == 3
    assert data["figures"]["killed"]["best"] == 3
    assert len(data["figures"]["killed"]["claim_ids"]) == 2
    assert result_ids(anon.get(reverse("api-attack-list"), {"killed_min": 3})) == world.ids("a1", "a3")


def test_unpublished_attack_is_404_for_the_public_and_visible_to_staff(anon, world, analyst):
    url = reverse("api-attack-detail", args=[world.attacks["a5"].pk])
    assert anon.get(url).status_code == 404
    assert client_for(analyst).get(url).json()["status"] == "draft"


def test_fields_and_omit(anon, world):
    rows = results(anon.get(reverse("api-attack-list"), {"fields": "id,event_id_cnty,figures"}))
    assert all(set(r) == {"id", "event_id_cnty", "figures"} for r in rows)
    rows = results(anon.get(reverse("api-attack-list"), {"omit": "sources,description,figures"}))
    assert rows and all({"sources", "description", "figures"}.isdisjoint(r) and "place" in r for r in rows)
    one = anon.get(reverse("api-attack-detail", args=[world.attacks["a1"].pk]), {"fields": "id,munitions"}).json()
    assert set(one) == {"id", "munitions"}


def test_detail_parameters_are_checked_like_the_list(anon, world, analyst):
    # A detail with only shaping parameters skips the filterset; one with a filter goes through
    # it. Both must refuse the same bad input and hide the same unpublished attacks.
    url = reverse("api-attack-detail", args=[world.attacks["a1"].pk])
    shaped = anon.get(url, {"fields": "id,killed_best", "figures": "conservative"})
    assert shaped.status_code == 200 and set(shaped.json()) == {"id", "killed_best"}
    assert anon.get(url, {"fields": "id,nonsense"}).json()["parameter"] == "fields"
    assert anon.get(url, {"omit": "nonsense"}).json()["parameter"] == "omit"
    assert anon.get(url, {"figures": "loudest"}).status_code == 400
    assert anon.get(url, {"fields": "id", "oblast": "not-a-number"}).status_code == 400
    assert anon.get(url + "?fields=id&fields=url").json()["parameter"] == "fields"
    assert anon.get(url, {"bogus": "1"}).json()["parameter"] == "bogus"
    draft = reverse("api-attack-detail", args=[world.attacks["a5"].pk])
    assert anon.get(draft, {"fields": "id"}).status_code == 404
    assert client_for(analyst).get(draft, {"fields": "id,status"}).json() == {
        "id": world.attacks["a5"].pk,
        "status": "draft",
    }


# --- GeoJSON ---


def check_rfc7946(doc: dict) -> None:
    """The RFC 7946 rules a FeatureCollection of points must follow (sections 3.1.1, 3.1.2, 3.2, 3.3, 4)."""
    assert doc["type"] == "FeatureCollection"
    assert isinstance(doc["features"], list)
    assert "crs" not in doc  # removed in RFC 7946: coordinates are WGS 84 lon/lat
    for feature in doc["features"]:
        assert feature["type"] == "Feature"
        assert "geometry" in feature and "properties" in feature
        assert isinstance(feature.get("id"), (str, int, float))
        assert feature["properties"] is None or isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry is not None:
            assert geometry["type"] == "Point"
            lon, lat = geometry["coordinates"]  # exactly two positions: no altitude
            assert -180 <= lon <= 180 and -90 <= lat <= 90
    # An independent implementation agrees.
    assert geojson.loads(json.dumps(doc)).is_valid


def test_geojson_is_a_valid_feature_collection_of_the_whole_filtered_set(anon, world):
    response = anon.get(reverse("api-attack-list"), {"format": "geojson"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    doc = json.loads(body(response))
    check_rfc7946(doc)
    by_id = {f["id"]: f for f in doc["features"]}
    assert set(by_id) == world.ids("a1", "a2", "a3", "a4", "a7")
    # lon, lat order; a7 has no coordinates and a null geometry.
    assert by_id[world.attacks["a1"].pk]["geometry"] == {"type": "Point", "coordinates": [30.3602, 50.4601]}
    assert by_id[world.attacks["a7"].pk]["geometry"] is None
    assert by_id[world.attacks["a1"].pk]["properties"]["figures"]["killed"]["best"] == 12


def test_geojson_honours_filters_and_fields(anon, world):
    response = anon.get(reverse("api-attack-list"), {"format": "geojson", "oblast": "Kharkiv Oblast", "fields": "id"})
    doc = json.loads(body(response))
    check_rfc7946(doc)
    assert {f["id"] for f in doc["features"]} == world.ids("a2", "a3")
    assert all(f["properties"] == {"id": f["id"]} for f in doc["features"])


def test_geojson_streams_in_chunks_without_losing_or_repeating_rows(anon, world, settings):
    settings.API_EXPORT_CHUNK = 2
    doc = json.loads(body(anon.get(reverse("api-attack-list"), {"format": "geojson"})))
    ids = [f["id"] for f in doc["features"]]
    assert len(ids) == len(set(ids)) == 5


def test_geojson_one_page_has_next_link(anon, world):
    doc = anon.get(reverse("api-attack-list"), {"format": "geojson", "page_size": 2}).json()
    check_rfc7946({k: v for k, v in doc.items() if k not in ("next", "previous")})
    assert len(doc["features"]) == 2 and doc["next"]


def test_empty_geojson_is_valid(anon, world):
    doc = json.loads(body(anon.get(reverse("api-attack-list"), {"format": "geojson", "bbox": "0,0,1,1"})))
    check_rfc7946(doc)
    assert doc["features"] == []


# --- CSV ---


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, body(response)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8"))))


def test_csv_has_acled_and_own_columns(anon, world):
    response = anon.get(reverse("api-attack-list"), {"format": "csv"})
    header = body(response).decode().splitlines()[0].split(",")
    # ACLED's 31 standard columns in ACLED's order (its codebook), then ours.
    acled = [
        "event_id_cnty",
        "event_date",
        "year",
        "time_precision",
        "disorder_type",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "interaction",
        "civilian_targeting",
        "iso",
        "region",
        "country",
        "admin1",
        "admin2",
        "admin3",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "source_scale",
        "notes",
        "fatalities",
        "tags",
        "timestamp",
    ]
    assert len(acled) == 31 and header[:31] == acled
    assert header[31:34] == ["id", "occurred_at", "occurred_precision"]
    assert header == CSV_COLUMNS


def test_csv_rows_parse_back_to_the_attacks(anon, world):
    rows = {r["event_id_cnty"]: r for r in read_csv(anon.get(reverse("api-attack-list"), {"format": "csv"}))}
    assert set(rows) == {f"UKR-SW{pk}" for pk in world.ids("a1", "a2", "a3", "a4", "a7")}
    a1 = rows[f"UKR-SW{world.attacks['a1'].pk}"]
    assert a1["event_date"] == "2025-04-24"
    assert a1["time_precision"] == "1"
    assert a1["admin1"] == "Kyiv City"
    assert a1["location"] == "Kyiv - Sviatoshynskyi district"  # ACLED's "city - district"
    assert (float(a1["latitude"]), float(a1["longitude"])) == (50.4601, 30.3602)
    assert a1["geo_precision"] == "1"
    assert a1["source"] == "Censor.NET; AFP"
    assert a1["fatalities"] == "12"
    assert (a1["killed_best"], a1["killed_low"], a1["killed_high"]) == ("12", "12", "12")
    assert (a1["injured_best"], a1["injured_low"], a1["injured_high"], a1["injured_status"]) == (
        "87",
        "87",
        "",
        "disputed",
    )
    assert a1["munitions"] == "KN-23 [1]; Shahed-136 [5]"
    assert a1["munition_categories"] == "ballistic_missile; attack_drone"
    assert a1["disputed"] == "true"
    assert a1["source_urls"].split(" ") == ["https://censor.example/night-attack", "https://afp.example/components"]
    assert a1["status"] == "published"
    a3 = rows[f"UKR-SW{world.attacks['a3'].pk}"]
    assert a3["event_date"] == "2025-04-25"  # Kyiv calendar day
    assert a3["geo_precision"] == "2"  # "near": ACLED 2
    assert a3["fatalities"] == ""  # no published figure: blank, never an invented 0
    a7 = rows[f"UKR-SW{world.attacks['a7'].pk}"]
    assert (a7["latitude"], a7["admin1"], a7["geo_precision"]) == ("", "", "3")


@pytest.mark.parametrize(
    "outlets, expected",
    [
        (["A", "B", "A"], "A; B"),
        ([None, "A", None, "A"], "A"),
        (["A", "B", "A", "C", "B", "D"], "A; B; C; D"),  # longer than the written-out comparisons
        ([None, None], ""),
    ],
)
def test_csv_source_names_each_outlet_once_in_order_of_first_report(anon, db, outlets, expected):
    attack = AttackFactory()
    start = timezone.now() - dt.timedelta(days=1)
    for i, name in enumerate(outlets):
        ArticleFactory(
            attack=attack, outlet=OutletFactory(name=name) if name else None, published_at=start + dt.timedelta(hours=i)
        )
    (row,) = read_csv(anon.get(reverse("api-attack-list"), {"format": "csv", "fields": "id,source,source_urls"}))
    assert row["source"] == expected
    assert len(row["source_urls"].split()) == len(outlets)


def test_csv_honours_filters_ordering_and_columns(anon, world):
    response = anon.get(
        reverse("api-attack-list"),
        {"format": "csv", "munition": "Shahed-136", "ordering": "-killed_best", "fields": "event_id_cnty,fatalities"},
    )
    rows = read_csv(response)
    assert [r["event_id_cnty"] for r in rows] == [f"UKR-SW{world.attacks[k].pk}" for k in ("a1", "a4", "a2")]
    assert set(rows[0]) == {"event_id_cnty", "fatalities"}


def test_csv_streams_every_row_once_across_chunks(anon, world, settings):
    settings.API_EXPORT_CHUNK = 2
    rows = read_csv(anon.get(reverse("api-attack-list"), {"format": "csv", "ordering": "killed_best"}))
    assert sorted(int(r["id"]) for r in rows) == sorted(world.ids("a1", "a2", "a3", "a4", "a7"))


def test_csv_quotes_commas_and_newlines_in_notes(anon, world):
    from strikes.models import Attack

    Attack.objects.filter(pk=world.attacks["a2"].pk).update(description='Line one, with comma\nand "quotes"')
    rows = read_csv(anon.get(reverse("api-attack-list"), {"format": "csv"}))
    assert {r["notes"] for r in rows} >= {'Line one, with comma\nand "quotes"'}


def test_csv_times_are_python_isoformat_in_kyiv_and_the_connection_keeps_its_zone(anon, world):
    """PostgreSQL formats the CSV; its times must read exactly like datetime.isoformat()."""
    import datetime as dt
    import zoneinfo

    from django.db import connection

    from strikes.models import Attack

    kyiv = zoneinfo.ZoneInfo("Europe/Kyiv")
    a1 = world.attacks["a1"]
    # A moment with microseconds in summer time, one without in winter time.
    Attack.objects.filter(pk=a1.pk).update(created_at=dt.datetime(2025, 7, 1, 9, 5, 7, 120, tzinfo=dt.UTC))
    Attack.objects.filter(pk=world.attacks["a2"].pk).update(created_at=dt.datetime(2025, 1, 2, 22, 0, tzinfo=dt.UTC))
    rows = {int(r["id"]): r for r in read_csv(anon.get(reverse("api-attack-list"), {"format": "csv"}))}
    for attack in Attack.objects.filter(pk__in=rows):
        row = rows[attack.pk]
        assert row["created_at"] == attack.created_at.astimezone(kyiv).isoformat()
        assert row["updated_at"] == attack.updated_at.astimezone(kyiv).isoformat()
        assert row["occurred_at"] == attack.occurred_at.astimezone(kyiv).isoformat()
    assert rows[a1.pk]["created_at"] == "2025-07-01T12:05:07.000120+03:00"
    assert rows[world.attacks["a2"].pk]["created_at"] == "2025-01-03T00:00:00+02:00"
    # The export set the session's zone for its COPY only.
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone')")
        assert cursor.fetchone()[0] == connection.timezone_name


def test_csv_for_staff_without_any_filter_is_every_attack(world, editor):
    """No filter and no status restriction: the COPY statement has no parameters at all."""
    from strikes.models import Attack

    rows = read_csv(client_for(editor).get(reverse("api-attack-list"), {"format": "csv"}))
    assert sorted(int(r["id"]) for r in rows) == sorted(Attack.objects.values_list("pk", flat=True))
    assert {r["status"] for r in rows} > {"published"}


def test_csv_refuses_paging_and_unknown_columns(anon, world):
    response = anon.get(reverse("api-attack-list"), {"format": "csv", "page_size": 10})
    assert response.status_code == 400 and response.json()["parameter"] == "page_size"
    response = anon.get(reverse("api-attack-list"), {"format": "csv", "fields": "event_id_cnty,nope"})
    assert response.status_code == 400 and response.json()["parameter"] == "fields"
