"""The everyday language of English-language strike reports (wire, Kyiv Independent, Ukrainska
Pravda style), on sentences written for these tests. Pure Python, no database."""

import time

import pytest

from extraction import extract
from extraction.bench import synthetic_article

PUB = "2025-04-24"  # a Thursday


def headline(text, published=PUB):
    return {k: (v["value"], v["qualifier"]) for k, v in extract(text, published).headline.items()}


# --- Casualty phrasing ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A Russian missile slammed into a shopping centre in Kharkiv on Thursday, killing at least 7 and "
            "wounding 23.",
            {"killed": (7, "at_least"), "injured": (23, "exact")},
        ),
        (
            "Russian drones struck Dnipro overnight. Nine people, including a child, were killed, the governor said.",
            {"killed": (9, "exact"), "children_killed": (1, "exact")},
        ),
        (
            "Rescuers in Odesa kept digging on Thursday as the death toll has risen to 19.",
            {"killed": (19, "exact")},
        ),
        ("Ballistic missile strike on Sumy: 4 dead, 17 injured.", {"killed": (4, "exact"), "injured": (17, "exact")}),
        (
            "A glide bomb hit Zaporizhzhia on Thursday. Five civilians were killed and 12 others wounded.",
            {"killed": (5, "exact"), "injured": (12, "exact")},
        ),
        (
            "Russian drones attacked Kyiv overnight, injuring 14, among them three children.",
            {"injured": (14, "exact"), "children_injured": (3, "exact")},
        ),
        (
            "A missile hit a residential area of Chernihiv on Thursday. Three people were killed, the governor said.",
            {"killed": (3, "exact")},
        ),
        (
            "Eighteen people were killed and more than 60 were injured when a missile hit Kryvyi Rih on Thursday.",
            {"killed": (18, "exact"), "injured": (60, "more_than")},
        ),
        (
            "Two people died and 11 were injured in a drone attack on Kharkiv overnight, officials said.",
            {"killed": (2, "exact"), "injured": (11, "exact")},
        ),
        (
            "The strike on Sumy killed 35 people, among them two children, and injured 117.",
            {"killed": (35, "exact"), "children_killed": (2, "exact"), "injured": (117, "exact")},
        ),
        (
            "At least 14 people, including three children, were killed in a Russian missile strike on Kyiv on "
            "Thursday.",
            {"killed": (14, "at_least"), "children_killed": (3, "exact")},
        ),
        (
            "A missile strike on Odesa on Thursday killed one person and injured seven others.",
            {"killed": (1, "exact"), "injured": (7, "exact")},
        ),
        (
            "A Russian attack on Kharkiv on Thursday killed 4 people and injured 32 others, 5 of them children.",
            {"killed": (4, "exact"), "injured": (32, "exact"), "children_injured": (5, "exact")},
        ),
        (
            "The number of people injured in the Dnipro attack has increased to 27, the regional administration "
            "head said.",
            {"injured": (27, "exact")},
        ),
        (
            "The attack on Zaporizhzhia killed 2 people and wounded 3 others, Governor Ivan Fedorov said on Thursday.",
            {"killed": (2, "exact"), "injured": (3, "exact")},
        ),
        (
            "A Russian missile struck Odesa's port on Thursday. Five people were killed, among them a 7-year-old "
            "girl, and 12 were hurt.",
            {"killed": (5, "exact"), "children_killed": (1, "exact"), "injured": (12, "exact")},
        ),
        (
            "The number of people killed in Thursday's missile attack on Kyiv has risen to 23, including 4 "
            "children, the city military administration said.",
            {"killed": (23, "exact"), "children_killed": (4, "exact")},
        ),
        (
            "Russia attacked Kyiv with 40 missiles and more than 100 drones overnight; 9 people died and 63 were "
            "wounded in the capital.",
            {"killed": (9, "exact"), "injured": (63, "exact")},
        ),
    ],
)
def test_casualty_phrasing(text, expected):
    got = headline(text)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Twelve people are confirmed dead after the attack on Kyiv on Thursday.", {"killed": (12, "exact")}),
        (
            "The Russian strike on Kyiv killed a dozen people and injured nearly 90.",
            {"killed": (12, "exact"), "injured": (90, "about")},
        ),
        (
            "In Kyiv, the death toll from Thursday's attack stands at 12, with 90 injured.",
            {"killed": (12, "exact"), "injured": (90, "exact")},
        ),
        (
            "Kyiv was hit on Thursday. Twelve people lost their lives and 90 more were injured.",
            {"killed": (12, "exact"), "injured": (90, "exact")},
        ),
        ("A missile strike on Kyiv on Thursday claimed the lives of 12 people.", {"killed": (12, "exact")}),
        ("A Russian strike on Kyiv killed 12 people on Thursday, up from 9 reported.", {"killed": (12, "exact")}),
        (
            "Russia's attack on Kyiv on Thursday killed 12. Ninety people were wounded, 11 of them seriously.",
            {"killed": (12, "exact"), "injured": (90, "exact")},
        ),
        ("Russian missile kills 3, injures 10 in Odesa", {"killed": (3, "exact"), "injured": (10, "exact")}),
        ("Three dead, 10 injured after Russian missile hits Odesa", {"killed": (3, "exact"), "injured": (10, "exact")}),
        (
            # "No one was killed" is a claim: zero (see test_zero_figures in test_generality.py).
            "A missile hit a warehouse in Odesa on Thursday. No one was killed, but 10 people were injured.",
            {"killed": (0, "exact"), "injured": (10, "exact")},
        ),
        (
            "Over the past day, Russian attacks killed 3 people and injured 14 in Kherson Oblast, Governor Oleksandr "
            "Prokudin said.",
            {"killed": (3, "exact"), "injured": (14, "exact")},
        ),
        (
            "The attack on Kramatorsk killed two and wounded 11, including a 2-month-old baby.",
            {"killed": (2, "exact"), "injured": (11, "exact"), "children_injured": (1, "exact")},
        ),
        (
            "The strike on Zaporizhzhia killed a woman and injured 4 people.",
            {"killed": (1, "exact"), "injured": (4, "exact")},
        ),
    ],
)
def test_more_casualty_phrasing(text, expected):
    got = headline(text)
    assert {k: got.get(k) for k in expected} == expected


def test_the_governor_said_after_the_figure_does_not_change_it():
    text = "Russian shelling hit Nikopol on Thursday. Four people were killed, the governor said."
    assert headline(text)["killed"] == (4, "exact")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("A 45-year-old woman was killed when a drone hit her house in Kherson on Thursday.", "killed"),
        ("Russian troops shelled Nikopol on Thursday, killing a 60-year-old man and wounding his wife.", "killed"),
        ("Russian forces attacked Kherson on Thursday, wounding an elderly man.", "injured"),
        ("A woman, 72, was killed in the strike on Kherson on Thursday.", "killed"),
    ],
)
def test_one_person_written_with_a_is_a_count_of_one_and_the_age_is_not_a_count(text, category):
    report = extract(text, PUB)
    assert (report.headline[category]["value"], report.headline[category]["qualifier"]) == (1, "exact")
    assert all(f.value not in (45, 60, 72) for f in report.figures)


def test_a_child_of_a_given_age_is_a_child_figure_not_an_adult_one():
    report = extract("A 12-year-old boy was injured when a drone hit Kherson on Thursday.", PUB)
    assert report.headline["children_injured"]["value"] == 1
    assert all(f.value != 12 for f in report.figures)


def test_hospitalised_counts_as_injured_but_an_explicit_injured_figure_wins():
    only = "After the missile strike on Poltava on Thursday, 22 people were hospitalised."
    assert headline(only)["injured"] == (22, "exact")
    both = (
        "A missile hit Poltava on Thursday. Six people were hospitalized. In total, 31 people were injured, "
        "the regional governor said."
    )
    assert headline(both)["injured"] == (31, "exact")
    assert headline("Russian drones hit Sumy on Thursday; 9 people sought medical help.")["injured"] == (9, "exact")


def test_bodies_pulled_from_the_rubble_are_dead_but_a_stated_toll_wins():
    only = "The bodies of six people were pulled from the rubble of the building in Dnipro after Thursday's strike."
    report = extract(only, PUB)
    assert report.is_strike_report
    assert report.headline["killed"]["value"] == 6
    both = (
        "A missile destroyed part of a block of flats in Dnipro on Thursday. Rescuers recovered 4 more bodies "
        "overnight, bringing the death toll to 11."
    )
    assert headline(both)["killed"] == (11, "exact")


def test_casualties_are_killed_and_injured_together_never_a_headline():
    text = "A Russian strike on Kharkiv on Thursday left 31 casualties, including 4 dead, the mayor said."
    report = extract(text, PUB)
    assert report.headline["killed"]["value"] == 4
    assert "injured" not in report.headline
    casualties = [f for f in report.figures if f.category == "casualties"]
    assert [f.value for f in casualties] == [31]
    assert "casualties" not in report.headline


@pytest.mark.parametrize(
    "text",
    [
        "The drone struck at about 4 a.m., killing 2 people in Odesa.",
        "Explosions were heard in Kyiv at 10:15 local time; 2 people were killed.",
        "Explosions were heard in Kyiv at 22:40 on Thursday, and 2 people were killed.",
        "A missile hit a building on 25 Sumska Street in Kharkiv on Thursday, killing 2 people.",
        "A missile hit a nine-storey building in Dnipro on Thursday. 2 people were killed.",
        "A missile hit a 16-storey building in Dnipro on Thursday. 2 people were killed.",
        "Russian drones hit a residential building in Sumy built in 1972 on Thursday, killing 2 people.",
        "A missile hit Kharkiv on Thursday, killing 2 people. It was the worst attack on the city since 2024.",
    ],
)
def test_times_years_house_numbers_and_storeys_are_not_counts(text):
    report = extract(text, PUB)
    assert report.headline["killed"] == report.headline["killed"] | {"value": 2, "qualifier": "exact"}
    assert {f.value for f in report.figures} == {2}


def test_a_street_named_after_a_person_is_not_a_place():
    report = extract("Russian drones hit a house at 12 Shevchenko Street in Sumy overnight, killing 2 people.", PUB)
    assert report.places[0]["name"] == "Sumy"
    assert all(p["name"] != "Shevchenko" for p in report.places)


def test_regional_heads_and_districts():
    text = "Kharkiv Governor Oleh Syniehubov said two people were killed in the Kyivskyi district on Thursday."
    report = extract(text, PUB)
    assert report.places[0]["name"] == "Kharkiv"
    assert headline(text)["killed"] == (2, "exact")
    text = "A drone hit a high-rise in the Saltivskyi district of Kharkiv overnight, injuring 5 people."
    report = extract(text, PUB)
    assert report.places[0]["name"] == "Kharkiv"
    assert "Saltivskyi" in [p["name"] for p in report.places]


# --- Weapons counts: the Air Force's national counts are the night's, kept apart from a local strike ---


def test_launched_and_shot_down_by_the_air_force_with_a_local_toll():
    text = (
        "Russia launched 128 drones and 7 missiles at Ukraine overnight, the Air Force said; 112 drones were shot "
        "down.\nIn Kharkiv, a drone hit an apartment block, injuring 9 people, Kharkiv Governor Oleh Syniehubov "
        "said."
    )
    report = extract(text, PUB)
    got = headline(text)
    assert "launched" not in got
    assert "intercepted" not in got
    assert got["injured"] == (9, "exact")
    night = {(n["category"], n["area"]): (n["launched"], n["intercepted"]) for n in report.night_counts}
    assert night == {("drone", "Ukraine"): (128, 112), ("missile", "Ukraine"): (7, None)}
    assert report.places[0]["name"] == "Kharkiv"


# --- Figures for another city in the same article ---


@pytest.mark.parametrize(
    "text",
    [
        "A missile hit Kharkiv on Thursday, killing 3 people. In Odesa, drones killed 2 more people and wounded 5.",
        "Three people were killed in Kharkiv on Thursday. In Zaporizhzhia, a glide bomb killed 2 and injured 5.",
        "Russian shelling killed 3 people in Kharkiv on Thursday, hours after 5 people were wounded in Sumy.",
    ],
)
def test_figures_for_another_city_do_not_become_the_event(text):
    report = extract(text, PUB)
    assert report.places[0]["name"] == "Kharkiv"
    assert (report.headline["killed"]["value"], "injured" in report.headline) == (3, False)
    others = [f for f in report.figures if f.value in (2, 5)]
    assert others and all(f.scope == "other_place" for f in others)


# --- Old and Russian transliterations ---


@pytest.mark.parametrize(
    ("written", "oblast"),
    [
        ("Kharkov", "Kharkiv Oblast"),
        ("Odessa", "Odesa Oblast"),
        ("Nikolaev", "Mykolaiv Oblast"),
        ("Zaporozhye", "Zaporizhzhia Oblast"),
        ("Dnepropetrovsk", "Dnipropetrovsk Oblast"),
        ("Kiev", "Kyiv City"),
        # GeoNames also lists "Sloviansk" among Nikopol's names (and Nikopol is 19 people bigger).
        ("Sloviansk", "Donetsk Oblast"),
    ],
)
def test_old_transliterations_find_the_city(written, oblast):
    report = extract(f"Russian missiles struck {written} overnight, killing 3 people.", PUB)
    assert report.places[0]["kind"] == "city"
    assert report.places[0]["oblast"] == oblast


# --- Not strike reports ---


@pytest.mark.parametrize(
    "text",
    [
        # peace talks
        "Ukrainian and Russian negotiators met in Istanbul on Friday for a second round of peace talks. Kyiv's "
        "delegation proposed a full ceasefire and an exchange of prisoners. Moscow said it would study the plan.",
        # sanctions, with strikes mentioned only as background
        "The European Union agreed a new package of sanctions against Russia on Wednesday, targeting its shadow "
        "fleet and banks. The measures also restrict exports of components used in drones and missiles that have "
        "struck Ukrainian cities such as Kharkiv and Odesa.",
        # a war-wide summary by the UN
        "At least 13,000 civilians have been killed and more than 30,000 injured in Ukraine since Russia's "
        "full-scale invasion in February 2022, the UN human rights monitoring mission said on Thursday. The "
        "monthly report said April was the deadliest month for civilians in Kharkiv this year.",
        # air defence deliveries
        "Germany will deliver two more Patriot air defence systems to Ukraine, the defence ministry in Berlin said "
        "on Thursday. Ukraine has asked partners for more systems to protect Kyiv and Kharkiv from Russian "
        "ballistic missiles and drones.",
        "A new batch of IRIS-T air defence systems arrived in Ukraine, President Zelensky said. He thanked Germany "
        "and said the systems would protect Kyiv, Odesa and Dnipro from attacks that have killed hundreds of "
        "civilians.",
    ],
)
def test_not_strike_reports_in_news_language(text):
    report = extract(text, PUB)
    assert report.is_strike_report is False
    assert report.event_date is None


@pytest.mark.parametrize(
    ("text", "published", "date"),
    [
        ("KYIV, April 24 (Reuters) - A Russian missile attack on Kyiv early on Thursday killed 9 people.", None, None),
        ("A Russian missile attack on Kyiv early on Thursday killed 9 people, officials said.", PUB, "2025-04-24"),
        ("Russian drones hit Odesa at about 3 a.m. on Wednesday, killing 2 people.", PUB, "2025-04-23"),
        ("The strike on Sumy at 10:15 local time on 22 April killed 2 people, officials said.", PUB, "2025-04-22"),
        ("Russia attacked Kyiv overnight on April 23, killing 12 people.", PUB, "2025-04-23"),
        ("Russia attacked Kyiv overnight into Thursday, killing 12 people.", "2025-04-25", "2025-04-24"),
        ("Russia attacked Kyiv late on Wednesday, killing 12 people, officials said on Thursday.", PUB, "2025-04-23"),
        ("Russian missiles struck Kharkiv at 10:15 local time (07:15 GMT) on Wednesday, killing 3.", PUB, "2025-04-23"),
    ],
)
def test_dates_with_times_of_day(text, published, date):
    report = extract(text, published)
    if date is None:
        # No publication date: "April 24" has no year, so the weekday and day are kept as a hint.
        assert report.event_date is None
        assert report.event_date_hint
    else:
        assert report.event_date == date


# --- Speed ---


def test_extraction_of_a_5000_character_article_stays_fast():
    """A loose bound (the benchmark reports the real figure): catches a regression of several times."""
    text = synthetic_article()
    extract(text, PUB)
    runs = 30
    start = time.process_time()
    for _ in range(runs):
        extract(text, PUB)
    per_article_ms = (time.process_time() - start) * 1000 / runs
    assert per_article_ms < 40
