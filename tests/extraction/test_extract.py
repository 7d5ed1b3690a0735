# ruff: noqa: RUF001  (Cyrillic place names and munition spellings are the point of these tests)
"""Extraction on sentences written for these tests: pure Python, no database."""

import pytest

from extraction import extract

PUB = "2025-04-24"  # a Thursday


def head(text, category, published=PUB):
    got = extract(text, published).headline.get(category)
    return (got["value"], got["qualifier"]) if got else None


@pytest.mark.parametrize(
    ("phrase", "value", "qualifier"),
    [
        ("12 people were killed", 12, "exact"),
        ("at least 12 people were killed", 12, "at_least"),
        ("no fewer than 12 people were killed", 12, "at_least"),
        ("a minimum of 12 people were killed", 12, "at_least"),
        ("more than 12 people were killed", 12, "more_than"),
        ("over 12 people were killed", 12, "more_than"),
        ("upwards of 12 people were killed", 12, "more_than"),
        ("up to 12 people were killed", 12, "up_to"),
        ("as many as 12 people were killed", 12, "up_to"),
        ("about 12 people were killed", 12, "about"),
        ("around 12 people were killed", 12, "about"),
        ("nearly 12 people were killed", 12, "about"),
        ("almost 12 people were killed", 12, "about"),
        ("some 12 people were killed", 12, "about"),
        ("roughly 12 people were killed", 12, "about"),
        ("approximately 12 people were killed", 12, "about"),
    ],
)
def test_each_qualifier_is_read(phrase, value, qualifier):
    text = f"A Russian missile struck an apartment block in Poltava on Thursday, and {phrase}."
    assert head(text, "killed") == (value, qualifier)


@pytest.mark.parametrize(
    ("phrase", "value", "qualifier"),
    [
        ("Twelve people were killed", 12, "exact"),
        ("Twenty-one people were killed", 21, "exact"),
        ("A dozen people were killed", 12, "exact"),
        ("Two dozen people were killed", 24, "exact"),
        ("Dozens of people were killed", 24, "at_least"),
        ("1,200 people were killed", 1200, "exact"),
    ],
)
def test_number_words_and_separators(phrase, value, qualifier):
    text = f"{phrase} when drones hit the centre of Sumy overnight."
    assert head(text, "killed") == (value, qualifier)


def test_passive_active_and_left_constructions():
    assert head("The strike on Odesa left 7 dead and 31 wounded.", "killed") == (7, "exact")
    assert head("The strike on Odesa left 7 dead and 31 wounded.", "injured") == (31, "exact")
    text = "Russian drones hit Kharkiv on Thursday, killing five and injuring dozens."
    assert head(text, "killed") == (5, "exact")
    assert head(text, "injured") == (24, "at_least")
    assert head("A glide bomb hit Zaporizhzhia, which wounded 18 people.", "injured") == (18, "exact")
    assert head("After the attack on Dnipro the number of injured reached 90.", "injured") == (90, "exact")


def test_a_specific_number_beats_dozens():
    text = "Dozens killed in Kharkiv strike\nA ballistic missile hit Kharkiv on Thursday. 31 people were killed."
    assert head(text, "killed") == (31, "exact")


def test_sum_of_children_and_adults():
    text = "A missile hit a school in Sumy on Thursday. 11 children and nine adults were killed."
    report = extract(text, PUB)
    assert report.headline["killed"]["value"] == 20
    assert report.headline["children_killed"]["value"] == 11


def test_including_children_gives_the_children_figure():
    text = "In Kryvyi Rih, a missile strike on Thursday injured 40 people, including 9 children."
    assert head(text, "injured") == (40, "exact")
    assert head(text, "children_injured") == (9, "exact")


def test_a_rising_toll_supersedes_the_earlier_figure():
    text = (
        "A Russian missile struck a block of flats in Dnipro on Thursday, killing 12 people. "
        "By the evening the death toll rose to 14, the regional governor said."
    )
    assert head(text, "killed") == (14, "exact")
    earlier = "Rescuers in Dnipro found more bodies. Earlier, officials had reported 9 killed."
    assert head("A missile hit Dnipro on Thursday. 11 people were killed. " + earlier, "killed") == (11, "exact")


def test_missing_launched_and_intercepted():
    text = (
        "Russia launched 215 missiles and drones at Ukraine overnight, the air force said. "
        "Air defences shot down 180 of them. In Kyiv, 3 people were killed and 5 are still missing."
    )
    report = extract(text, PUB)
    # The air force's counts are the night's across Ukraine, not Kyiv's: kept apart from the headline.
    assert "launched" not in report.headline
    assert "intercepted" not in report.headline
    # "180 of them": of the weapons just counted.
    assert [(n["area"], n["launched"], n["intercepted"]) for n in report.night_counts] == [("Ukraine", 215, 180)]
    assert report.headline["missing"]["value"] == 5
    text = "Air defences destroyed 21 out of 23 cruise missiles over Ukraine; one hit Lviv, killing two."
    report = extract(text, PUB)
    assert [(n["category"], n["launched"], n["intercepted"]) for n in report.night_counts] == [
        ("cruise missile", 23, 21)
    ]


@pytest.mark.parametrize(
    "trap",
    [
        "Across Ukraine, 41 people were killed in the attacks that night.",
        "Nationwide, 41 people were killed in the attacks that night.",
        "Since the start of the full-scale invasion, more than 12,000 civilians have been killed.",
        "Since 2022, more than 12,000 civilians have been killed by Russian strikes.",
        "In a similar attack last month, 41 people were killed in the city.",
        "In Kharkiv, another strike the same night killed 41 people.",
    ],
)
def test_wider_scope_figures_never_become_the_headline(trap):
    text = f"A Russian missile hit a clinic in Poltava on Thursday, killing 3 people. {trap}"
    report = extract(text, PUB)
    assert report.headline["killed"]["value"] == 3
    trapped = [f for f in report.figures if f.category == "killed" and f.value != 3]
    assert trapped and all(f.scope != "event" for f in trapped)


@pytest.mark.parametrize(
    ("phrase", "published", "date"),
    [
        ("on the night of 24 April", "2025-04-25", "2025-04-24"),
        ("overnight", "2025-04-24", "2025-04-24"),
        ("on Thursday", "2025-04-26", "2025-04-24"),
        ("yesterday", "2025-04-25", "2025-04-24"),
        ("early on Sunday", "2025-04-29", "2025-04-27"),
        ("on April 24, 2025", "2025-05-02", "2025-04-24"),
        ("on 24.04.2025", "2025-05-02", "2025-04-24"),
    ],
)
def test_event_date_resolved_against_publication(phrase, published, date):
    text = f"Russian drones struck Chernihiv {phrase}, killing two people, the mayor said."
    report = extract(text, published)
    assert report.event_date == date
    assert report.event_date_precision == "day"


def test_the_date_of_a_statement_is_not_the_event_date():
    text = "A ballistic missile hit Kyiv on Tuesday, killing 4. The president spoke about it on Thursday."
    assert extract(text, "2025-04-24").event_date == "2025-04-22"


def test_without_publication_date_a_written_date_anchors_weekdays():
    text = "Officials said on Sunday (16.03.2025) that Saturday's missile strike on Sumy killed 9 people."
    assert extract(text, None).event_date == "2025-03-15"


@pytest.mark.parametrize(
    ("sentence", "city"),
    [
        ("Ракета влучила в будинок у Києві, загинули 3 людини. Russian missiles hit Kyiv.", "Kyiv"),
        ("Обстрел в Киеве: a Russian strike on Kyiv killed 3 people.", "Kyiv"),
        ("У Харкові вибухи. Russian drones struck Kharkiv's centre, killing 3.", "Kharkiv"),
        ("Ukraine's Odesa was hit by drones overnight, killing 3.", "Odesa"),
    ],
)
def test_places_in_english_ukrainian_and_russian_spellings(sentence, city):
    report = extract(sentence, PUB)
    assert report.places[0]["name"] == city


def test_cyrillic_inflection_alone_finds_the_city():
    report = extract("Вночі у Києві пролунали вибухи; a drone strike killed 2 people.", PUB)
    assert report.places[0]["name"] == "Kyiv"
    assert report.places[0]["oblast"] == "Kyiv City"


def test_main_place_is_the_struck_city_not_one_mentioned_in_passing():
    text = (
        "Missile strike on Uman kills 6\n"
        "A Russian missile hit a residential building in Uman on Thursday, killing 6 people. "
        "Explosions were also heard in Kyiv and Poltava."
    )
    report = extract(text, PUB)
    assert report.places[0]["name"] == "Uman"
    assert report.places[0]["oblast"] == "Cherkasy Oblast"


def test_oblast_and_district_names():
    report = extract("A drone hit a farm in the Kharkiv region on Thursday, wounding 2.", PUB)
    assert report.places[0]["kind"] == "oblast"
    assert report.places[0]["name"] == "Kharkiv Oblast"
    report = extract("A missile struck the Solomianskyi district of Kyiv on Thursday, killing 3.", PUB)
    assert [p["name"] for p in report.places[:2]] == ["Kyiv", "Solomianskyi"]


@pytest.mark.parametrize(
    ("sentence", "model", "category"),
    [
        ("Russia fired a KN-23 at Kyiv on Thursday, killing 2.", "KN-23", "ballistic missile"),
        ("Russia fired a KN23 at Kyiv on Thursday, killing 2.", "KN-23", "ballistic missile"),
        ("An Iskander-M struck Kyiv on Thursday, killing 2.", "Iskander-M", "ballistic missile"),
        ("A Kh-101 struck Kyiv on Thursday, killing 2.", "Kh-101", "cruise missile"),
        ("Ракета Х-101 struck Kyiv on Thursday, killing 2.", "Kh-101", "cruise missile"),
        ("A Geran-2 struck Kyiv on Thursday, killing 2.", "Shahed-136", "drone"),
        ("A Kalibr struck Kyiv on Thursday, killing 2.", "Kalibr", "cruise missile"),
    ],
)
def test_munition_aliases(sentence, model, category):
    found = {(m["model"], m["category"]) for m in extract(sentence, PUB).munitions}
    assert (model, category) in found


def test_generic_classes_origin_and_count():
    text = "Two North Korean-made ballistic missiles and a glide bomb hit Kharkiv on Thursday, killing 4."
    munitions = {m["category"]: m for m in extract(text, PUB).munitions}
    assert munitions["ballistic missile"]["origin"] == "North Korea"
    assert munitions["ballistic missile"]["count"] == 2
    assert "guided bomb" in munitions


def test_a_combined_count_is_not_a_count_per_type():
    text = "Russia launched 215 missiles and drones; in Kyiv 2 people were killed on Thursday."
    munitions = {m["category"]: m for m in extract(text, PUB).munitions}
    assert munitions["drone"]["count"] is None


@pytest.mark.parametrize(
    "text",
    [
        "Delegations from Russia and Ukraine met in Istanbul on Monday for peace talks and agreed a new prisoner "
        "exchange. The ceasefire memorandum will be reviewed by both sides.",
        "Ukraine's economy grew 3% last year, the central bank said, as exports of grain through Odesa recovered "
        "and the budget deficit narrowed.",
        "Since the start of the full-scale invasion, Russia has launched more than 10,000 missiles at Ukraine, "
        "and over 12,000 civilians have been killed, according to the UN.",
    ],
)
def test_not_strike_reports(text):
    report = extract(text, PUB)
    assert report.is_strike_report is False
    assert report.event_date is None


def test_report_json_shape_and_quote_offsets():
    text = "A ballistic missile struck Kyiv on Thursday. More than 100 people were wounded and 12 were killed."
    data = extract(text, PUB).to_dict()
    assert data["is_strike_report"] is True
    assert data["event_date"] == "2025-04-24"
    assert data["places"][0] == data["places"][0] | {"name": "Kyiv", "kind": "city", "oblast": "Kyiv City"}
    assert data["headline"]["injured"]["value"] == 100
    assert data["headline"]["injured"]["qualifier"] == "more_than"
    for fig in data["figures"]:
        assert text[fig["start"] : fig["end"]] == fig["quote"]
        assert {"category", "value", "low", "high", "qualifier", "scope"} <= set(fig)
    injured = next(f for f in data["figures"] if f["category"] == "injured")
    assert (injured["low"], injured["high"]) == (101, None)
