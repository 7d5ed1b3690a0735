# ruff: noqa: RUF001  (Cyrillic letters and typographic apostrophes are the test data)
"""Ukrainian and Russian news language, on sentences written for these tests: number words in
every case, qualifiers, rising tolls, victims, nights and weekdays, place names in every case,
namesake villages, and the language of the article. Pure Python, no database."""

import pytest

from extraction import extract
from extraction.reference import place_records
from extraction.slavic import word_value

PUB = "2025-10-11"  # a Saturday


def headline(text, published=PUB):
    report = extract(text, published)
    return report, {k: (v["value"], v["qualifier"]) for k, v in report.headline.items()}


@pytest.mark.parametrize(
    ("word", "value"),
    [
        ("двоє", 2),
        ("двох", 2),
        ("дві", 2),
        ("трьох", 3),
        ("троє", 3),
        ("чотирьох", 4),
        ("п'ятеро", 5),
        ("п’ятьох", 5),
        ("шістьох", 6),
        ("сімох", 7),
        ("восьми", 8),
        ("десятьох", 10),
        ("одинадцятьох", 11),
        ("двадцять три", 23),
        ("два десятки", 20),
        ("пятеро", 5),
        ("двое", 2),
    ],
)
def test_number_words_in_every_case(word, value):
    assert word_value(word) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Унаслідок удару по Харкову загинули двоє людей, ще п'ятеро поранені.", {"killed": (2, "exact")}),
        ("Російська ракета влучила в будинок у Дніпрі: загинули щонайменше троє людей.", {"killed": (3, "at_least")}),
        ("Після атаки на Запоріжжя поранено понад 20 людей.", {"injured": (20, "more_than")}),
        ("Обстріл Херсона: близько десяти мешканців дістали поранення, повідомила ОВА.", {"injured": (10, "about")}),
        ("В результате удара по Одессе погибли четыре человека, ранены одиннадцать.", {"killed": (4, "exact")}),
    ],
)
def test_figures_with_number_words_and_qualifiers(text, expected):
    report, got = headline(text)
    assert report.is_strike_report
    for cat, value in expected.items():
        assert got[cat] == value, got


def test_a_rising_toll_takes_the_latest_count_and_marks_the_earlier_superseded():
    text = "Росіяни вдарили ракетою по Сумах. Загинули четверо людей.\n\nОновлено. Кількість загиблих зросла до восьми."
    report, got = headline(text)
    assert got["killed"] == (8, "exact")
    earlier = next(f for f in report.figures if f.category == "killed" and f.value == 4)
    assert earlier.superseded is True
    assert "четверо" in earlier.quote


def test_victims_are_the_injured_unless_they_died():
    _report, got = headline("Внаслідок удару по Полтаві постраждали 14 людей, серед них троє дітей.")
    assert got["injured"] == (14, "exact")
    assert got["children_injured"] == (3, "exact")
    assert "killed" not in got


def test_victims_that_add_up_the_dead_and_the_injured_are_not_the_injured():
    text = (
        "По состоянию на утро известно о 27 пострадавших в результате удара по Чернигову. "
        "Погибли 2 человека. Травмированы 25 человек."
    )
    report, got = headline(text)
    assert got["killed"] == (2, "exact")
    assert got["injured"] == (25, "exact")
    assert [f.value for f in report.figures if f.category == "casualties"] == [27]


def test_children_among_the_killed():
    _report, got = headline("У Кривому Розі загинули семеро людей, з них двоє дітей.")
    assert got["killed"] == (7, "exact")
    assert got["children_killed"] == (2, "exact")


def test_people_named_one_by_one_are_counted():
    _report, got = headline("Унаслідок нічної атаки на Житомир загинули жінка, чоловік та дитина.")
    assert got["killed"] == (3, "exact")
    assert got["children_killed"] == (1, "exact")


def test_rescued_people_are_no_casualties():
    _report, got = headline("Після удару по Києву рятувальники повідомили про 4 загиблих і 12 врятованих людей.")
    assert got["killed"] == (4, "exact")
    assert "injured" not in got


@pytest.mark.parametrize(
    ("text", "date"),
    [
        # The night into 11 October: the event takes the morning's date.
        ("У ніч на 11 жовтня росіяни атакували Одесу дронами, загинула одна людина.", "2025-10-11"),
        ("В ночь на 9 октября россияне атаковали Харьков, погибли два человека.", "2025-10-09"),
        ("У четвер росіяни вдарили по Дніпру, загинули двоє людей.", "2025-10-09"),
        ("Вчора ввечері ворог обстріляв Херсон, загинули троє людей.", "2025-10-10"),
        ("Вночі російські дрони атакували Львів, поранено п'ятеро людей.", "2025-10-11"),
        (
            "7 жовтня росіяни обстріляли Суми, загинув один чоловік. Нагадаємо, 3 вересня ворог бив по місту.",
            "2025-10-07",
        ),
    ],
)
def test_dates_nights_and_weekdays_from_the_publication_date(text, date):
    report = extract(text, PUB)
    assert report.is_strike_report
    assert report.event_date == date


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("Ворог обстріляв Харків, загинули двоє людей.", "Kharkiv"),
        ("Ракетний удар по Одесі: загинули троє людей.", "Odesa"),
        ("У Львові після атаки дронів загинула одна людина.", "Lviv"),
        ("Російські війська атакували Малокатеринівку, поранено двох чоловіків.", "Malokaterynivka"),
        ("Росіяни вдарили по Малокатеринівці, поранено двох чоловіків.", "Malokaterynivka"),
        ("На Сумщині внаслідок обстрілу загинули двоє людей.", "Sumy Oblast"),
        ("У Запорізькій області внаслідок обстрілу загинули двоє людей.", "Zaporizhzhia Oblast"),
    ],
)
def test_place_names_in_every_case(text, place):
    report = extract(text, PUB)
    assert report.main_place["name"] == place


def test_a_village_named_like_a_word_is_no_place_without_a_cue():
    # "Атаки" is a village and the plural of "attack"; the sentence names Kharkiv.
    report = extract("Атаки тривали всю ніч: у Харкові загинули двоє людей.", PUB)
    assert [p["name"] for p in report.places] == ["Kharkiv"]


def test_a_namesake_village_is_resolved_by_the_oblast_the_text_names():
    report = extract("A Russian drone hit the village of Ivanivka in the Kherson region, killing two people.", PUB)
    main = report.main_place
    assert (main["name"], main["oblast"], main["ambiguous"]) == ("Ivanivka", "Kherson Oblast", False)


def test_a_namesake_village_without_its_oblast_is_flagged_not_guessed():
    report = extract("A Russian drone hit the village of Ivanivka overnight, killing two people.", PUB)
    main = report.main_place
    assert main["name"] == "Ivanivka"
    assert main["ambiguous"] is True
    # Villages called Ivanivka in many oblasts (and a few that once were, or are so in Russian).
    assert sum(c["name"] == "Ivanivka" for c in main["candidates"]) >= 5
    assert len({c["oblast"] for c in main["candidates"]}) >= 5


def test_a_related_article_link_is_not_this_articles_toll():
    text = (
        "Росіяни вдарили дроном по Нікополю, поранено одного чоловіка.\n\n"
        "Читайте також: Атака на Дніпро: загинули четверо людей"
    )
    _report, got = headline(text)
    assert got == {"injured": (1, "exact")}


def test_the_air_force_night_totals_are_the_nights_in_ukrainian_too():
    text = (
        "Уночі російський дрон влучив у багатоповерхівку в Харкові, поранено шестеро людей.\n\n"
        "Загалом росіяни запустили 87 дронів, повідомили Повітряні сили. ППО збила 64 дрони."
    )
    report, got = headline(text)
    assert got == {"injured": (6, "exact")}
    assert [(n["area"], n["launched"], n["intercepted"]) for n in report.night_counts] == [("Ukraine", 87, 64)]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ворог атакував Харків, загинули двоє людей.", "uk"),
        ("Враг атаковал Харьков, погибли два человека.", "ru"),
        ("Russia attacked Kharkiv, killing two people.", "en"),
    ],
)
def test_the_articles_language(text, language):
    assert extract(text, PUB).language == language


def test_the_gazetteer_holds_every_settlement_with_its_names_by_language():
    records = place_records()
    settlements = [r for r in records if r.get("geonames_id") and r["kind"] == "city"]
    assert len(settlements) > 5000
    village = next(r for r in records if r["name"] == "Malokaterynivka")
    assert village["oblast_ref"] == "oblast:26"
    assert "Малокатеринівка" in village["names_uk"]
    assert "Малокатериновка" in village["names_ru"]
    assert village["raion"] is None


@pytest.mark.parametrize(
    ("text", "published", "date"),
    [
        # Orthodox Easter 2025 was 20 April: Palm Sunday the 13th.
        ("A Russian missile strike on Sumy on Palm Sunday killed 35 people.", "2025-04-14", "2025-04-13"),
        ("У Вербну неділю росіяни вдарили по Сумах, загинули 35 людей.", "2025-04-15", "2025-04-13"),
        # Orthodox Easter 2024 was 5 May (Western Easter was 31 March).
        ("Russia struck Kharkiv on Easter, killing two people.", "2024-05-06", "2024-05-05"),
    ],
)
def test_church_holidays_from_the_publication_date(text, published, date):
    assert extract(text, published).event_date == date
