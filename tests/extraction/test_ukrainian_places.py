# ruff: noqa: RUF001, RUF003  (Cyrillic sentences are the test data)
"""Ukrainian and Russian place names through the lemmatiser (pymorphy3), raions and hromadas, and
namesake villages told apart by the raion the text names (issue 16).

Every sentence is written for this file; the expected places are written by hand."""

import pytest

from extraction import default_gazetteer, extract
from extraction.names import cyrillic_lemmas
from extraction.places import resolve_places

PUB = "2025-03-12"


def first_place(text: str):
    """The place the first name in ``text`` resolves to (the article's other names help as in extract)."""
    gaz = default_gazetteer()
    mentions = resolve_places(gaz, gaz.find_places(text), text)
    assert mentions, f"no place in {text!r}"
    return mentions[0]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Kharkiv: nominative, genitive, dative, instrumental, locative.
        ("Ворог знову обстріляв Харків.", "Kharkiv"),
        ("Поблизу Харкова чути вибухи.", "Kharkiv"),
        ("Ракета прилетіла по Харкову вночі.", "Kharkiv"),
        ("Над Харковом збили дрон.", "Kharkiv"),
        ("У Харкові пролунали вибухи.", "Kharkiv"),
        # Odesa.
        ("Одеса знову під ударом.", "Odesa"),
        ("Біля Одеси впали уламки.", "Odesa"),
        ("Дрони атакували Одесу вночі.", "Odesa"),
        ("Над Одесою працювала ППО.", "Odesa"),
        ("По Одесі вдарили ракетою.", "Odesa"),
        # Sumy, a plural name.
        ("Ворог атакував Суми.", "Sumy"),
        ("Поблизу Сум чути вибухи.", "Sumy"),
        ("Над Сумами збили дрон.", "Sumy"),
        ("У Сумах пролунали вибухи.", "Sumy"),
        # Two-word names: each word in its case.
        ("Ворог атакував Кривий Ріг.", "Kryvyi Rih"),
        ("Біля Кривого Рогу впали уламки.", "Kryvyi Rih"),
        ("У Кривому Розі пролунали вибухи.", "Kryvyi Rih"),
        ("Над Кривим Рогом збили ракету.", "Kryvyi Rih"),
        ("Удар по Білій Церкві.", "Bila Tserkva"),
        ("Поблизу Білої Церкви впали уламки.", "Bila Tserkva"),
        ("Удар по Івано-Франківську.", "Ivano-Frankivsk"),
        # A town named like an adjective, and one ending in -ськ.
        ("Біля Синельникового впали уламки.", "Synelnykove"),
        ("У Синельниковому пролунали вибухи.", "Synelnykove"),
        ("Ворог обстріляв Покровськ.", "Pokrovsk"),
        ("Біля Покровська тривають бої.", "Pokrovsk"),
        ("У Покровську загинула жінка.", "Pokrovsk"),
        ("Удар по Куп’янську.", "Kupiansk"),
        # Villages.
        ("Росіяни обстріляли Малокатеринівку.", "Malokaterynivka"),
        ("У Малокатеринівці пошкоджено будинки.", "Malokaterynivka"),
        ("Біля Малокатеринівки впав дрон.", "Malokaterynivka"),
        ("Над Малокатеринівкою збили дрон.", "Malokaterynivka"),
        # Russian.
        ("В Харькове прогремели взрывы.", "Kharkiv"),
        ("Возле Харькова слышны взрывы.", "Kharkiv"),
        ("Над Харьковом сбили дрон.", "Kharkiv"),
        ("Удар по Запорожью.", "Zaporizhzhia"),
        ("Под Запорожьем упали обломки.", "Zaporizhzhia"),
        ("В Кривом Роге прогремели взрывы.", "Kryvyi Rih"),
    ],
)
def test_city_and_village_names_in_every_case(text, name):
    assert first_place(text).place.name == name


@pytest.mark.parametrize(
    ("text", "oblast"),
    [
        ("У Запорізькій області загинула жінка.", "Zaporizhzhia Oblast"),
        ("Унаслідок обстрілу Харківської області поранено двох людей.", "Kharkiv Oblast"),
        ("На Сумщині загинула жінка.", "Sumy Oblast"),
        ("В Донецкой области погибла женщина.", "Donetsk Oblast"),
        ("В Запорожской области погибла женщина.", "Zaporizhzhia Oblast"),
    ],
)
def test_oblasts_in_every_case(text, oblast):
    assert first_place(text).place.name == oblast


def test_the_lemmatiser_gives_the_nominatives():
    assert "харків" in cyrillic_lemmas("харкові")
    assert "запорізька" in cyrillic_lemmas("запорізькій")  # an adjective keeps its gender
    assert "ріг" in cyrillic_lemmas("розі")
    assert "харьков" in cyrillic_lemmas("харькове")
    # Not in the dictionary: the analyser guesses from the ending.
    assert "ольховка" in cyrillic_lemmas("ольховці")


def test_a_name_the_dictionary_lacks_is_found_by_its_stem():
    # "Жидачова" (Zhydachiv, Lviv Oblast) is in no dictionary, and the guessed lemma ("жидачов") is
    # not its name: the stem with the і/о alternation finds it.
    assert "жидачів" not in cyrillic_lemmas("жидачова")
    assert first_place("Біля Жидачова впали уламки.").place.name == "Zhydachiv"


@pytest.mark.parametrize(
    ("text", "name", "kind", "oblast", "centre"),
    [
        ("У Синельниківському районі загинула жінка.", "Synelnykove Raion", "raion", "Dnipropetrovsk Oblast",
         "Synelnykove"),
        ("Ворог обстріляв Синельниківський район.", "Synelnykove Raion", "raion", "Dnipropetrovsk Oblast",
         "Synelnykove"),
        ("У Харківському районі загинула жінка.", "Kharkiv Raion", "raion", "Kharkiv Oblast", "Kharkiv"),
        ("Дрон влучив у Кременчуцький район.", "Kremenchuk Raion", "raion", "Poltava Oblast", "Kremenchuk"),
        ("Удар по Запорізькому району.", "Zaporizhzhia Raion", "raion", "Zaporizhzhia Oblast", "Zaporizhzhia"),
        ("Удар по Лозівському району.", "Lozova Raion", "raion", "Kharkiv Oblast", "Lozova"),
        ("Обстріл Покровської громади.", "Pokrovsk hromada", "hromada", "Donetsk Oblast", "Pokrovsk"),
        ("У Шосткинській міській територіальній громаді загинула жінка.", "Shostka hromada", "hromada",
         "Sumy Oblast", "Shostka"),
        ("Удар по Роменській громаді.", "Romny hromada", "hromada", "Sumy Oblast", "Romny"),
        ("Удар по Шосткинській ТГ.", "Shostka hromada", "hromada", "Sumy Oblast", "Shostka"),
        ("В Синельниковском районе погибла женщина.", "Synelnykove Raion", "raion", "Dnipropetrovsk Oblast",
         "Synelnykove"),
        ("Удар по Купянскому району.", "Kupiansk Raion", "raion", "Kharkiv Oblast", "Kupiansk"),
    ],
)  # fmt: skip
def test_raions_and_hromadas_by_their_centre(text, name, kind, oblast, centre):
    gaz = default_gazetteer()
    m = first_place(text)
    assert (m.place.name, m.place.kind, gaz.oblast_name(m.place)) == (name, kind, oblast)
    assert gaz.area_centre[m.place.ref_key].name == centre


def test_a_hromada_named_after_several_towns_takes_the_one_in_the_oblast_the_text_names():
    # Pokrovsk is in Donetsk Oblast; in Dnipropetrovsk Oblast the Покровська громада is Pokrov's.
    m = first_place("Внаслідок атаки на Покровську громаду Дніпропетровської області поранено двох людей.")
    assert (m.place.name, default_gazetteer().oblast_name(m.place)) == ("Pokrov hromada", "Dnipropetrovsk Oblast")


def test_a_raion_alone_is_the_main_place_at_its_centre():
    report = extract("У Синельниківському районі Дніпропетровської області загинули двоє людей.", PUB)
    main = report.main_place
    assert (main["name"], main["kind"], main["oblast"]) == ("Synelnykove Raion", "raion", "Dnipropetrovsk Oblast")
    assert main["centre"]["name"] == "Synelnykove"
    assert (round(main["lat"], 2), round(main["lon"], 2)) == (48.32, 35.53)  # Synelnykove's coordinates


def test_a_city_district_is_not_a_raion():
    report = extract("У Шевченківському районі Києва загинула жінка.", PUB)
    assert [(p["name"], p["kind"]) for p in report.places] == [("Kyiv", "city"), ("Shevchenkivskyi", "district")]


@pytest.mark.parametrize(
    ("text", "lat"),
    [
        # Two Protopopivkas in Kharkiv Oblast: one 27 km from Izium, one 30 km from Kharkiv.
        ("Росіяни обстріляли с. Протопопівка Ізюмського району, поранено двох людей.", 49.24),
        ("Росіяни обстріляли с. Протопопівка Харківського району, поранено двох людей.", 50.03),
        ("Россияне обстреляли село Протопоповка Изюмского района, ранены два человека.", 49.24),
        # Popivka 6 km from Konotop, not the one in the north of Sumy Oblast.
        ("У Попівці Конотопського району загинула жінка.", 51.23),
        # Pokrovske 18 km from Nikopol, not the bigger one in the east of Dnipropetrovsk Oblast.
        ("Удар по селу Покровське Нікопольського району: поранено трьох людей.", 47.55),
    ],
)
def test_namesake_villages_are_told_apart_by_the_raion(text, lat):
    report = extract(text, PUB)
    main = report.main_place
    assert main["kind"] == "city"
    assert round(main["lat"], 2) == lat
    assert main["ambiguous"] is False


def test_a_namesake_village_without_its_raion_is_still_flagged():
    report = extract("Росіяни обстріляли Протопопівку, поранено двох людей.", PUB)
    assert report.main_place["ambiguous"] is True


def test_a_namesake_village_far_from_the_raion_named_stays_ambiguous_within_the_oblast():
    # No Ivanivka of the gazetteer lies within 60 km of Synelnykove: the raion's oblast narrows the
    # candidates, and the report does not guess among them.
    report = extract("Дрон атакував с. Іванівка Синельниківського району, поранено двох людей.", PUB)
    main = report.main_place
    assert (main["name"], main["oblast"], main["ambiguous"]) == ("Ivanivka", "Dnipropetrovsk Oblast", True)
    assert {c["oblast"] for c in main["candidates"]} == {"Dnipropetrovsk Oblast"}


def test_a_village_named_in_the_raion_is_the_place_not_the_raion():
    text = (
        "Росіяни атакували Запорізький район\n\n"
        "Російські війська вдарили по Запорізькому району. Дрон влучив у будинок у Малокатеринівці, "
        "поранено двох людей."
    )
    report = extract(text, PUB)
    assert (report.main_place["name"], report.main_place["kind"]) == ("Malokaterynivka", "city")
    assert "Zaporizhzhia Raion" in [p["name"] for p in report.places]
