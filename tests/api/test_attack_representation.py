"""One attack, every format, compared with output written out by hand here.

The other format tests compare the formats with each other; these pin each one to bytes a
person wrote from the attack's facts, so a change that altered every format alike (a key
order, a number's or a time's writing) still fails.
"""

import datetime as dt

import pytest
from django.urls import reverse

from strikes.models import Attack, AttackMunition
from tests.api.conftest import set_figure
from tests.factories import ArticleFactory, AttackFactory, MunitionFactory, OutletFactory, PlaceFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


@pytest.fixture
def attack():
    """A night strike on Odesa: one drone type, one report, one published toll."""
    oblast = PlaceFactory(name="Odesa Oblast", kind="oblast", latitude=46.5, longitude=30.7)
    city = PlaceFactory(name="Odesa", kind="city", oblast=oblast, parent=oblast, latitude=46.48, longitude=30.72)
    drone = MunitionFactory(name="Shahed-136", category="attack_drone", origin_country="Iran")
    outlet = OutletFactory(name="Port News", grade="B")
    strike = AttackFactory(
        place=city,
        latitude=46.48,
        longitude=30.0,
        occurred_at=dt.datetime(2025, 6, 10, 1, 30, tzinfo=UTC),
        time_precision="hour",
        geo_precision=4,
        target_type="transport",
        description='Drones hit the "Pivdennyi" port, fire on a pier',
    )
    AttackMunition.objects.create(attack=strike, munition=drone, count=7)
    ArticleFactory(
        attack=strike,
        outlet=outlet,
        title="Port hit overnight",
        url="https://port.example/a",
        canonical_url="https://port.example/a",
        published_at=dt.datetime(2025, 6, 10, 5, 0, tzinfo=UTC),
    )
    set_figure(strike, "injured", 3)
    Attack.objects.filter(pk=strike.pk).update(
        created_at=dt.datetime(2025, 6, 10, 6, 0, 0, 250000, tzinfo=UTC),
        updated_at=dt.datetime(2025, 6, 11, 9, 0, tzinfo=UTC),
    )
    return {"attack": strike, "city": city, "oblast": oblast, "drone": drone, "outlet": outlet}


def written_by_hand(a) -> str:
    """The representation in Kyiv summer time (UTC+3), keys in the documented order."""
    pk, city, oblast, drone, outlet = a["attack"].pk, a["city"].pk, a["oblast"].pk, a["drone"].pk, a["outlet"].pk
    article = a["attack"].articles.get().pk
    injured = '{"best":3,"low":3,"high":3,"status":"consensus","disputed":false,"claim_ids":[]}'
    return (
        f'{{"id":{pk},"event_id_cnty":"UKR-SW{pk}","url":"http://testserver/api/v1/attacks/{pk}/",'
        '"occurred_at":"2025-06-10T04:30:00+03:00","time_precision":"hour",'
        f'"place":{{"id":{city},"name":"Odesa","kind":"city","oblast":{{"id":{oblast},"name":"Odesa Oblast"}}}},'
        '"latitude":46.48,"longitude":30.0,"geo_precision":4,"target_type":"transport",'
        '"description":"Drones hit the \\"Pivdennyi\\" port, fire on a pier","status":"published",'
        '"retraction_reason":"","wave":null,'
        f'"munitions":[{{"id":{drone},"name":"Shahed-136","category":"attack_drone","origin_country":"Iran","count":7}}],'
        '"killed_best":null,"injured_best":3,"disputed":false,"grade":"single_source",'
        f'"figures":{{"killed":null,"injured":{injured},"missing":null,"children_killed":null,'
        '"children_injured":null,"launched":null,"intercepted":null},'
        f'"sources":[{{"id":{article},"outlet":{{"id":{outlet},"name":"Port News","grade":"B"}},'
        '"title":"Port hit overnight","url":"https://port.example/a","published_at":"2025-06-10T08:00:00+03:00"}],'
        '"created_at":"2025-06-10T09:00:00.250000+03:00","updated_at":"2025-06-11T12:00:00+03:00"}'
    )


def test_detail_is_the_representation_written_by_hand(anon, attack):
    response = anon.get(reverse("api-attack-detail", args=[attack["attack"].pk]))
    assert response.status_code == 200
    assert response.content.decode() == written_by_hand(attack)


def test_list_row_is_the_representation_written_by_hand(anon, attack):
    response = anon.get(reverse("api-attack-list"))
    assert response.content.decode() == '{"next":null,"previous":null,"results":[' + written_by_hand(attack) + "]}"


def test_list_of_row_fields_only_is_written_by_hand(anon, attack):
    """Fields read from the attack's own row take the Python path: the same bytes."""
    pk = attack["attack"].pk
    response = anon.get(reverse("api-attack-list"), {"fields": "id,occurred_at,latitude,longitude,url"})
    assert response.content.decode() == (
        f'{{"next":null,"previous":null,"results":[{{"id":{pk},"url":"http://testserver/api/v1/attacks/{pk}/",'
        '"occurred_at":"2025-06-10T04:30:00+03:00","latitude":46.48,"longitude":30.0}]}'
    )


def test_geojson_is_the_feature_written_by_hand(anon, attack):
    response = anon.get(reverse("api-attack-list"), {"format": "geojson"})
    body = b"".join(response.streaming_content).decode()
    assert body == (
        f'{{"type":"FeatureCollection","features":[{{"type":"Feature","id":{attack["attack"].pk},'
        f'"geometry":{{"type":"Point","coordinates":[30.0,46.48]}},"properties":{written_by_hand(attack)}}}]}}\n'
    )


def test_csv_acled_columns_use_acleds_words(anon, attack):
    columns = (
        "year,disorder_type,event_type,sub_event_type,actor1,assoc_actor_1,inter1,actor2,inter2,interaction,"
        "civilian_targeting,iso,region,country,admin1,admin2,admin3,location,source_scale,tags,timestamp"
    )
    response = anon.get(reverse("api-attack-list"), {"format": "csv", "fields": columns})
    body = b"".join(response.streaming_content).decode()
    assert body == (
        f"{columns}\n"
        "2025,Political violence,Explosions/Remote violence,Air/drone strike,Military Forces of Russia (2000-),,"
        "External/Other forces,,,External/Other forces only,,804,Europe,Ukraine,Odesa,,,Odesa,,,1749632400\n"
    )


def test_csv_line_is_written_by_hand(anon, attack):
    pk, city, oblast = attack["attack"].pk, attack["city"].pk, attack["oblast"].pk
    columns = (
        "event_id_cnty,event_date,time_precision,admin1,location,latitude,longitude,geo_precision,source,notes,"
        "fatalities,id,occurred_at,occurred_precision,location_precision,place_id,oblast_id,target_type,"
        "injured_best,injured_low,injured_high,injured_status,munitions,disputed,grade,source_urls,created_at"
    )
    response = anon.get(reverse("api-attack-list"), {"format": "csv", "fields": columns})
    body = b"".join(response.streaming_content).decode()
    assert body == (
        f"{columns}\n"
        f"UKR-SW{pk},2025-06-10,1,Odesa,Odesa,46.48,30.0,1,Port News,"
        '"Drones hit the ""Pivdennyi"" port, fire on a pier",'
        f",{pk},2025-06-10T04:30:00+03:00,hour,4,{city},{oblast},transport,"
        "3,3,3,consensus,Shahed-136 [7],false,single_source,https://port.example/a,2025-06-10T09:00:00.250000+03:00\n"
    )
