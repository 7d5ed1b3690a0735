"""News phrasings the extractor used to get wrong, on sentences written for these tests.

Each test names the phrasing it covers; pure Python, no database."""

import pytest

from extraction import extract

PUB = "2025-04-24"  # a Thursday


def headline(text, published=PUB):
    return {k: (v["value"], v["qualifier"]) for k, v in extract(text, published).headline.items()}


# --- Two victims told in two sentences ---


def test_two_separate_single_victims_are_summed():
    text = (
        "A Russian glide bomb hit a house in Kupiansk on Wednesday, killing a man, the governor said. "
        "A woman also died in hospital later that evening."
    )
    report = extract(text, PUB)
    assert report.headline["killed"]["value"] == 2
    assert report.headline["killed"]["qualifier"] == "exact"
    # The quote spans both victims.
    assert report.headline["killed"]["quote"].startswith("killing a man")
    assert report.headline["killed"]["quote"].endswith("A woman also died")


@pytest.mark.parametrize(
    "text",
    [
        # Nothing says the second is another person: it may be the same one.
        "A drone hit a car in Kherson on Wednesday, killing a man. A man died at the scene, police said.",
        # A count is given: the single victim may be one of the three.
        "Three people were killed in Kherson on Wednesday. A woman also died in hospital.",
    ],
)
def test_single_victims_are_not_summed_without_a_clear_second_victim(text):
    assert headline(text)["killed"][0] in (1, 3)
    assert headline(text)["killed"] != (2, "exact")


# --- Zero is a figure ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "A Russian drone hit an office building in Lviv overnight. No casualties were reported, the mayor said.",
            {"killed": (0, "exact"), "injured": (0, "exact")},
        ),
        (
            "A missile struck an industrial site in Dnipro on Monday. No one was injured, the governor said.",
            {"injured": (0, "exact")},
        ),
        ("Drones hit a depot near Poltava on Wednesday; nobody was killed or injured.", {"killed": (0, "exact")}),
        ("Shelling hit Nikopol on Wednesday. There were no casualties, officials said.", {"injured": (0, "exact")}),
    ],
)
def test_no_casualties_is_a_zero_figure(text, expected):
    got = headline(text)
    assert {k: got.get(k) for k in expected} == expected


def test_no_immediate_reports_of_casualties_is_no_figure():
    text = (
        "Russian drones attacked Odesa overnight, damaging port facilities. "
        "There were no immediate reports of casualties."
    )
    report = extract(text, PUB)
    assert report.headline == {}
    # Still a strike report: "drones attacked Odesa".
    assert report.is_strike_report


def test_a_real_figure_wins_over_zero():
    text = (
        "A missile hit Kharkiv on Wednesday. Initially no one was reported hurt. "
        "Later, the mayor said four people were injured."
    )
    assert headline(text)["injured"] == (4, "exact")


# --- Counting phrasings ---


def test_killing_a_family_of_four():
    assert headline("A Russian missile hit a house in a village near Poltava on Wednesday, killing a family of four.")[
        "killed"
    ] == (4, "exact")


def test_children_of_them_without_a_verb():
    got = headline("Russian shelling killed 15 people in Kherson on Wednesday, 11 of them children, officials said.")
    assert got["killed"] == (15, "exact")
    assert got["children_killed"] == (11, "exact")


def test_a_child_among_the_injured_is_at_least_one_injured():
    got = headline("A two-year-old girl was among the injured after a drone hit Odesa on Wednesday.")
    assert got["children_injured"] == (1, "exact")
    assert got["injured"] == (1, "at_least")
    # The age is not a count.
    assert all(v[0] != 2 for v in got.values())


def test_people_among_the_dead_give_at_least_that_many_unless_a_toll_is_given():
    assert headline("Two police officers were among the dead after the strike on Sumy on Wednesday.")["killed"] == (
        2,
        "at_least",
    )
    text = "The strike on Sumy on Wednesday killed 9 people. Two police officers were among the dead."
    assert headline(text)["killed"] == (9, "exact")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The attack on Lviv on Wednesday injured 1,5 thousand people, a local outlet claimed.", 1500),
        ("The attack on Lviv on Wednesday injured 1.5 thousand people, a local outlet claimed.", 1500),
        ("The attack on Lviv on Wednesday injured 1,500 people, a local outlet claimed.", 1500),
    ],
)
def test_decimal_thousands(text, value):
    assert headline(text)["injured"] == (value, "exact")


# --- Datelines ---


def test_the_dateline_city_is_where_the_report_was_filed_not_the_strike():
    text = (
        "KYIV, April 24 (Reuters) - A Russian missile strike on Kharkiv killed four people late on Tuesday, "
        "the regional governor said."
    )
    report = extract(text, PUB)
    assert report.places[0]["name"] == "Kharkiv"
    # The dateline's date is when the report was filed; "late on Tuesday" is the strike.
    assert report.event_date == "2025-04-22"


def test_the_dateline_date_is_the_fallback_before_the_publication_date():
    text = "KYIV, April 20 (Reuters) - Russian missiles struck Kharkiv, killing four people, officials said."
    report = extract(text, PUB)
    assert report.event_date == "2025-04-20"
    assert report.event_date_source == "dateline"
    assert report.places[0]["name"] == "Kharkiv"


def test_a_date_someone_spoke_on_does_not_make_the_figures_another_attack():
    text = "Rescuers recovered 7 bodies from the rubble of the apartment block in Uman, officials said on Saturday."
    report = extract(text, PUB)
    assert report.is_strike_report
    assert report.headline["killed"]["value"] == 7


def test_a_speakers_date_opening_the_article_does_not_make_the_figures_another_attack():
    # Saturday is five days before the Thursday of publication; the speaking word is the first one.
    text = "Speaking on Saturday, officials said rescuers recovered 7 bodies from the rubble in Uman."
    report = extract(text, PUB)
    assert report.is_strike_report
    assert report.headline["killed"]["value"] == 7


def test_overnight_pinned_to_a_written_date_does_not_make_the_figures_another_attack():
    text = (
        "Russia launched a massive combined attack on Kyiv overnight on June 17, killing 28 people and injuring "
        "142, authorities reported. In the Solomianskyi district, 23 people were killed."
    )
    got = headline(text)
    assert got["killed"] == (28, "exact")
    assert got["injured"] == (142, "exact")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The attack on Odesa on Wednesday killed a man and a woman, the governor said.", {"killed": (2, "exact")}),
        (
            "A drone hit a car near Kherson on Wednesday, killing three adults and two children.",
            {"killed": (5, "exact"), "children_killed": (2, "exact")},
        ),
    ],
)
def test_victims_listed_after_the_verb_are_summed(text, expected):
    got = headline(text)
    assert {k: got.get(k) for k in expected} == expected


def test_one_victim_named_by_role_counts_one_but_is_never_summed():
    text = "A drone struck a minibus in Kherson on Wednesday. The driver was killed and five passengers were injured."
    got = headline(text)
    assert got["killed"] == (1, "exact")
    assert got["injured"] == (5, "exact")
    # "the woman" is most often the "a woman" of the sentence before: no sum with her.
    text = "A drone hit a car in Kherson on Wednesday, killing a woman. The driver was also killed, police said."
    assert headline(text)["killed"] == (1, "exact")
