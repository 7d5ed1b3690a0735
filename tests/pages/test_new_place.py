"""An analyst adds a settlement the gazetteer lacks (a village below its population cut-off)
from the attack form: its name, its oblast and a click on the map."""

import pytest
from django.urls import reverse

from linking.services.reference import db_gazetteer
from strikes.models import Attack, Place, PlaceName
from tests.factories import PlaceFactory
from tests.pages.test_attack_form import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def zaporizhzhia_oblast(db):
    return PlaceFactory(name="Zaporizhzhia Oblast", kind="oblast", latitude=47.3, longitude=35.6)


def snapshot():
    return (
        sorted(Place.objects.values_list("pk", "name", "latitude", "longitude")),
        sorted(PlaceName.objects.values_list("place_id", "name")),
        list(Attack.objects.values_list("pk", "place_id")),
    )


def add_village(as_user, user, oblast, **overrides):
    data = form_data(
        new_place_name="Bilenke",
        new_place_oblast=oblast.pk if oblast else "",
        latitude="47.6150",
        longitude="35.4120",
        geo_precision="1",
    )
    data.update(overrides)
    return as_user(user).post(reverse("attack-create"), data)


def test_an_analyst_adds_a_village_and_logs_the_attack_there(as_user, analyst, zaporizhzhia_oblast):
    response = add_village(as_user, analyst, zaporizhzhia_oblast)
    assert response.status_code == 302
    attack = Attack.objects.get()
    village = attack.place
    assert (village.name, village.kind, village.oblast, village.parent) == (
        "Bilenke",
        "city",
        zaporizhzhia_oblast,
        zaporizhzhia_oblast,
    )
    assert (village.latitude, village.longitude) == (47.615, 35.412)
    assert village.created_by == analyst and village.ref_key is None
    assert attack.oblast_id == zaporizhzhia_oblast.pk  # the oblast filter finds it
    # The next analyst finds it among the suggestions, and extraction knows it from the next article on.
    page = as_user(analyst).get(reverse("place-suggest"), {"q": "Bilen"}).content.decode()
    assert "Bilenke" in page
    hits = db_gazetteer().find_places("A drone hit Bilenke overnight, injuring two people.")
    assert [place.name for _start, _end, candidates in hits for place in candidates] == ["Bilenke"]


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"latitude": "", "longitude": ""}, "Click the map where the new place is"),
        ({"new_place_oblast": ""}, "Choose the oblast the new place is in"),
        ({"latitude": "55.75", "longitude": "37.62"}, "outside Ukraine"),
        ({"new_place_name": "   "}, "Give a place or click the map"),  # blank name: an ordinary point
    ],
)
def test_a_new_place_without_what_it_needs_is_refused_and_nothing_is_written(
    as_user, analyst, zaporizhzhia_oblast, overrides, field_error
):
    before = snapshot()
    if overrides.get("new_place_name", "x").strip() == "":
        overrides = {**overrides, "latitude": "", "longitude": ""}
    response = add_village(as_user, analyst, zaporizhzhia_oblast, **overrides)
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert snapshot() == before


def test_a_place_already_in_the_gazetteer_nearby_is_not_added_twice(as_user, analyst, zaporizhzhia_oblast):
    PlaceFactory(name="Bilenke", aliases=["Біленьке"], oblast=zaporizhzhia_oblast, latitude=47.6200, longitude=35.4000)
    before = snapshot()
    response = add_village(as_user, analyst, zaporizhzhia_oblast, new_place_name="біленьке")
    assert response.status_code == 400
    assert "Bilenke is already in the gazetteer, 1.1 km from here: choose it instead." in response.content.decode()
    assert snapshot() == before


def test_a_namesake_far_away_in_the_same_oblast_is_a_different_village(as_user, analyst, zaporizhzhia_oblast):
    PlaceFactory(name="Bilenke", oblast=zaporizhzhia_oblast, latitude=47.0, longitude=36.3)  # ~100 km away
    response = add_village(as_user, analyst, zaporizhzhia_oblast)
    assert response.status_code == 302
    assert Place.objects.filter(name="Bilenke").count() == 2


def test_a_chosen_place_and_a_new_one_together_are_refused(as_user, analyst, zaporizhzhia_oblast):
    kyiv = PlaceFactory(name="Kyiv")
    before = snapshot()
    response = add_village(as_user, analyst, zaporizhzhia_oblast, place=kyiv.pk, place_search="Kyiv")
    assert response.status_code == 400
    assert "Either choose a suggested place or add a new one, not both." in response.content.decode()
    assert snapshot() == before


def test_anonymous_cannot_add_a_place(client, zaporizhzhia_oblast):
    before = snapshot()
    data = form_data(
        new_place_name="Bilenke", new_place_oblast=zaporizhzhia_oblast.pk, latitude="47.6", longitude="35.4"
    )
    response = client.post(reverse("attack-create"), data)
    assert response.status_code in (302, 403)
    assert snapshot() == before
