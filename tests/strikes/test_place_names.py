# ruff: noqa: RUF001  (Cyrillic spellings are the point of these tests)
"""PlaceName: every spelling of every place in one table, kept by the database, and the one
lookup (``Place.objects.named``) that filters, the place search and the admin ask."""

import pytest

from strikes.models import Place, PlaceName
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def spellings(place) -> list[tuple[str, bool]]:
    return sorted(PlaceName.objects.filter(place=place).values_list("name", "is_primary"))


def test_a_new_place_has_its_name_and_aliases_as_spellings():
    kyiv = PlaceFactory(name="Kyiv", aliases=["Kiev", "Київ", " Kiev ", ""])
    assert spellings(kyiv) == [("Kiev", False), ("Kyiv", True), ("Київ", False)]


def test_editing_the_aliases_or_the_name_rewrites_the_spellings():
    place = PlaceFactory(name="Dnipropetrovsk", aliases=["Dnepropetrovsk"])
    place.name = "Dnipro"
    place.aliases = ["Dnipropetrovsk", "Дніпро"]
    place.save()
    assert spellings(place) == [("Dnipro", True), ("Dnipropetrovsk", False), ("Дніпро", False)]
    # An update that does not name the columns (a queryset update) is seen too.
    Place.objects.filter(pk=place.pk).update(aliases=[])
    assert spellings(place) == [("Dnipro", True)]


def test_bulk_writes_and_deletes_keep_the_table_true():
    a, b = Place.objects.bulk_create(
        [Place(name="Uman", kind="city", aliases=["Умань"]), Place(name="Izium", kind="city", aliases=["Izyum"])]
    )
    assert spellings(a) == [("Uman", True), ("Умань", False)]
    a.delete()
    assert not PlaceName.objects.filter(name__in=["Uman", "Умань"]).exists()
    assert spellings(b) == [("Izium", True), ("Izyum", False)]


def test_named_finds_any_spelling_in_any_case_and_by_prefix():
    kyiv = PlaceFactory(name="Kyiv", aliases=["Kiev", "Київ"])
    kryvyi = PlaceFactory(name="Kryvyi Rih", aliases=["Кривий Ріг"])
    assert list(Place.objects.named("KIEV")) == [kyiv]
    assert list(Place.objects.named("київ")) == [kyiv]
    assert list(Place.objects.named("  Kyiv ")) == [kyiv]
    assert list(Place.objects.named("Ки", prefix=True)) == [kyiv]
    assert set(Place.objects.named("K", prefix=True)) == {kyiv, kryvyi}
    assert list(Place.objects.named("Kyi")) == []  # exact unless asked for a prefix
    # LIKE's wildcards in what someone typed are literal characters.
    assert list(Place.objects.named("K%", prefix=True)) == []
    assert list(Place.objects.named("_yiv", prefix=True)) == []


def test_a_place_with_many_matching_spellings_is_found_once():
    lviv = PlaceFactory(name="Lviv", aliases=["LVIV", "lviv", "Lvov"])
    assert list(Place.objects.named("lviv")) == [lviv]
    assert list(Place.objects.named("l", prefix=True)) == [lviv]
