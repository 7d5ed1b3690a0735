"""Scopes of figures: the cases mutation testing showed no test pinned down (docs/TESTING.md).

Sentences written for these tests, each after one rule of extraction/scope.py; the scope each
figure should get is the rule's, written by hand. Pure Python.
"""

import datetime as dt

import pytest

from extraction import extract
from extraction.gazetteer import Gazetteer, PlaceRec

PUB = dt.date(2025, 6, 10)
LEAD = "A drone hit a house in Kharkiv overnight, killing two people."


def scopes(text: str) -> list[tuple[str, int, str]]:
    return [(f.category, f.value, f.scope) for f in extract(text, published=PUB).figures]


def test_the_war_so_far_and_the_rest_of_its_paragraph():
    text = f"{LEAD}\n\nSince the full-scale invasion, 1,200 civilians have been killed. 3,000 were injured."
    assert scopes(text) == [("killed", 2, "event"), ("killed", 1200, "war"), ("injured", 3000, "war")]


def test_an_earlier_attack_and_what_continues_it():
    text = f"{LEAD} Last month, a strike on the city killed 15 people. Another 20 were injured."
    assert scopes(text) == [("killed", 2, "event"), ("killed", 15, "past"), ("injured", 20, "past")]


def test_a_paragraph_opened_by_elsewhere_is_another_place():
    text = f"{LEAD}\n\nElsewhere, a missile struck a school. Four people were injured."
    assert scopes(text) == [("killed", 2, "event"), ("injured", 4, "other_place")]


def test_a_place_named_right_after_the_figure_decides():
    assert scopes("A drone hit a house in Kharkiv overnight, killing two people and injuring 12 in Odesa.") == [
        ("killed", 2, "event"),
        ("injured", 12, "other_place"),
    ]


def test_a_sentence_dated_days_before_the_event_is_another_attack():
    # Published 10 June, the event overnight: 28 May is 13 days away.
    text = f"{LEAD} On May 28, a drone killed 6 people there."
    assert scopes(text) == [("killed", 2, "event"), ("killed", 6, "past")]


def test_a_total_of_the_event_stays_the_events():
    text = f"{LEAD} In total, 5 people were injured."
    assert scopes(text) == [("killed", 2, "event"), ("injured", 5, "event")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # No continuation word: the third sentence is the event's again.
        (
            f"{LEAD} Last month, a strike killed 15 people. Three people were injured.",
            [("killed", 2, "event"), ("killed", 15, "past"), ("injured", 3, "event")],
        ),
        # "Another" continues the sentence just before it (in its paragraph), not an older one.
        (
            f"{LEAD}\n\nLast month, a strike killed 15 people. Another 20 were injured.",
            [("killed", 2, "event"), ("killed", 15, "past"), ("injured", 20, "past")],
        ),
        (
            f"{LEAD} The building was damaged. Last month, a strike killed 15 people. Another 20 were injured.",
            [("killed", 2, "event"), ("killed", 15, "past"), ("injured", 20, "past")],
        ),
    ],
)
def test_a_continuation_takes_the_scope_of_the_sentence_before(text, expected):
    assert scopes(text) == expected


def test_the_region_of_the_event_city_after_a_figure_is_a_round_up():
    text = f"{LEAD} Over the past day, 7 people were injured in the Kharkiv region."
    assert scopes(text) == [("killed", 2, "event"), ("injured", 7, "other_place")]


@pytest.mark.parametrize(
    ("day", "scope"),
    [
        ("June 7", "event"),  # 3 days before 10 June: near enough
        ("June 6", "past"),  # 4 days: another attack
    ],
)
def test_more_than_three_days_away_is_another_attack(day, scope):
    assert scopes(f"{LEAD} On {day}, a drone killed 6 people there.") == [("killed", 2, "event"), ("killed", 6, scope)]


def test_the_country_named_in_a_sentence_is_not_another_place():
    assert scopes(f"{LEAD} Ukraine said 4 people were injured.") == [("killed", 2, "event"), ("injured", 4, "event")]


def test_the_war_so_far_in_the_events_city_is_still_the_war():
    # Found by mutation testing (issue 20): the place named after the figure overrode the war marker.
    text = f"{LEAD}\n\nSince the full-scale invasion, 1,200 civilians have been killed in Kharkiv."
    assert scopes(text) == [("killed", 2, "event"), ("killed", 1200, "war")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The place says where, not when: an earlier attack in the event's city stays an earlier one.
        ("Last month, a strike killed 15 people in Kharkiv.", ("killed", 15, "past")),
        ("Across Ukraine, 30 people were killed in Kharkiv.", ("killed", 30, "nationwide")),
    ],
)
def test_a_place_after_the_figure_does_not_undo_a_time_or_extent_marker(sentence, expected):
    assert scopes(f"{LEAD} {sentence}") == [("killed", 2, "event"), expected]


def test_a_place_after_the_figure_brings_an_elsewhere_paragraph_back_to_the_events_city():
    text = f"{LEAD}\n\nElsewhere, a missile struck a school. Four people were injured in Kharkiv."
    assert scopes(text) == [("killed", 2, "event"), ("injured", 4, "event")]


def test_a_hard_wrapped_line_is_read_as_one_sentence():
    # Pasted text wrapped at a fixed width: the line break inside the sentence is no sentence end.
    text = "A drone hit a house in Kharkiv overnight, killing two people and injuring 12\nin Odesa."
    assert scopes(text) == [("killed", 2, "event"), ("injured", 12, "other_place")]


def test_a_blank_line_ends_the_paragraph_whatever_follows():
    # The place named after the figure is looked for only up to its sentence's end: here the
    # paragraph's, even though the next one starts with a lower-case "in".
    text = (
        "A drone hit a house in Kharkiv overnight, killing two people and injuring 12\n\n"
        "in Odesa, a drone damaged port cranes."
    )
    assert scopes(text) == [("killed", 2, "event"), ("injured", 12, "event")]
    # A headline ending with its figure, then a story opening with another city: the headline's own.
    assert scopes("Drone strike on Kharkiv kills 12\nIn Odesa, a drone damaged port cranes.") == [
        ("killed", 12, "event")
    ]


def totals(text: str) -> list[tuple[str, int, bool]]:
    return [(f.category, f.value, f.total) for f in extract(text, published=PUB).figures]


def test_in_total_marks_a_total_and_another_continues_it_in_its_paragraph():
    assert totals(f"{LEAD} In total, 5 people were injured.") == [("killed", 2, False), ("injured", 5, True)]
    # "Another" right after a total, in the same paragraph: part of the total too.
    assert totals(f"{LEAD}\n\nIn total, 5 people were injured. Another 3 were killed.") == [
        ("killed", 2, False),
        ("injured", 5, True),
        ("killed", 3, True),
    ]
    # A sentence between them that is no total: "another" continues that one, not the total.
    assert totals(f"{LEAD} In total, 5 people were injured. Rescuers searched the rubble. Another 3 were killed.") == [
        ("killed", 2, False),
        ("injured", 5, True),
        ("killed", 3, False),
    ]


def test_the_word_total_alone_is_no_total():
    assert totals(f"{LEAD} The total number of injured rose to 5.") == [("killed", 2, False), ("injured", 5, False)]


def test_the_region_named_after_a_figure_in_a_sentence_naming_the_city_is_the_event():
    # The strike on Kharkiv, its victims counted "in the Kharkiv region": the city's, not a round-up.
    assert scopes(f"{LEAD} The strike on Kharkiv injured 7 in the Kharkiv region.") == [
        ("killed", 2, "event"),
        ("injured", 7, "event"),
    ]


def test_the_nights_drones_launched_at_ukraine_are_the_nights_count():
    assert scopes(f"{LEAD} Russia launched 50 drones at Ukraine overnight.") == [
        ("killed", 2, "event"),
        ("launched", 50, "nationwide"),
    ]


def test_russia_named_in_a_sentence_is_not_another_place():
    assert scopes(f"{LEAD} Russia said 4 people were injured.") == [("killed", 2, "event"), ("injured", 4, "event")]


def test_a_date_right_after_a_dateline_without_one_dates_its_sentence():
    # Published 10 June, the event overnight; 1 June, the report's first words, is 9 days before.
    text = (
        "KYIV (Reuters) - June 1 saw a drone kill 6 people in Kharkiv. "
        "A drone hit a house in Kharkiv overnight, killing two people."
    )
    assert scopes(text) == [("killed", 6, "past"), ("killed", 2, "event")]


def test_another_city_named_with_the_country_is_still_another_place():
    # "Ukraine" contains Kharkiv, but it is not what makes the sentence the event's: Odesa is named.
    assert scopes(f"{LEAD} In Odesa, in southern Ukraine, 4 people were injured.") == [
        ("killed", 2, "event"),
        ("injured", 4, "other_place"),
    ]


def test_the_war_so_far_in_the_country_in_an_article_without_a_place():
    assert scopes("Since the full-scale invasion, 1,200 civilians have been killed in Ukraine.") == [
        ("killed", 1200, "war")
    ]


def test_the_enemys_drones_sent_toward_ukraine_are_the_nights_count():
    assert scopes(f"{LEAD} The enemy sent 50 drones toward Ukraine.") == [
        ("killed", 2, "event"),
        ("launched", 50, "nationwide"),
    ]


# --- A gazetteer of its own -----------------------------------------------------------------
# The default gazetteer's one country, Ukraine, is never read as a mention, and its districts all
# count for their city, so the rules for a country named in a sentence and for a district as the
# article's main place are tested with a small gazetteer: a country read in text (Ruritania), one
# oblast, a city of it, and a district with no city.


def _place(ref, name, kind, parent=None, oblast=None, lat=None, lon=None, population=None):
    return PlaceRec(ref, name, kind, parent, oblast, lat, lon, population)


GAZ = Gazetteer(
    [
        _place("country:RT", "Ruritania", "country"),
        _place("oblast:ST", "Strelsau Oblast", "oblast", "country:RT", None, 50.0, 30.0),
        _place("city:ZE", "Zenda", "city", "oblast:ST", "oblast:ST", 50.1, 30.1, 100_000),
        _place("district:HO", "Hofbau", "district", None, "oblast:ST", 50.1, 30.1),
    ],
    [],
)


def ruritania_scopes(text: str) -> list[tuple[str, int, str]]:
    return [(f.category, f.value, f.scope) for f in extract(text, published=PUB, gazetteer=GAZ).figures]


def test_the_country_is_read_in_text():
    # The premise of the tests below: this gazetteer's country is a mention, unlike the default one's.
    from extraction.report import _Article, _find_places

    art = _Article.read("A drone hit Zenda. Russia launched 40 drones at Ruritania.", PUB)
    places = _find_places(GAZ, art)
    assert [p.kind for p in places.by_sentence[1]] == ["country"]


@pytest.mark.parametrize("opening", ["In Ruritania", "Across Ruritania as a whole", "In all of Ruritania"])
def test_the_country_named_in_the_war_paragraph_does_not_bring_back_the_event(opening):
    # The country holds the event's city, but naming it is not naming the event's place: the
    # paragraph opened by the war so far stays the war's (sentence_scopes drops countries).
    text = (
        "A drone hit a house in Zenda overnight, killing two people.\n\n"
        f"Since the full-scale invasion, 1,200 civilians have been killed. {opening}, 3,000 were injured."
    )
    assert ruritania_scopes(text) == [("killed", 2, "event"), ("killed", 1200, "war"), ("injured", 3000, "war")]


def test_the_nights_drones_launched_at_the_country_are_the_nights_count():
    # night_wide: the country is no place of the sentence, so the count is the whole night's.
    text = "A drone hit a house in Zenda overnight, killing two people. Russia launched 40 drones at Ruritania."
    assert ruritania_scopes(text) == [("killed", 2, "event"), ("launched", 40, "nationwide")]


def test_the_nights_drones_in_an_article_about_a_district():
    # A district as the main place is read like a city: Russia's 40 drones are the night's count.
    text = "A drone hit a house in Hofbau overnight, killing two people. Russia launched 40 drones overnight."
    assert ruritania_scopes(text) == [("killed", 2, "event"), ("launched", 40, "nationwide")]


@pytest.mark.parametrize(
    "text",
    ["A drone attack killed 3 people in Ruritania overnight.", "A drone attack killed 3 in Ruritania overnight."],
)
def test_a_figure_followed_by_the_country_in_an_article_naming_no_other_place(text):
    # With only the country named there is no main place: "in Ruritania" after the figure decides
    # nothing, the figure is the event's.
    assert ruritania_scopes(text) == [("killed", 3, "event")]


def test_a_place_named_after_the_figure_with_padded_spaces_decides():
    # The longest phrase PLACE_AFTER_RE reads (30 characters after the figure): Odesa is still read.
    text = f"{LEAD[:-1]} and injuring 12   in    the    city    of    Odesa."
    assert scopes(text) == [("killed", 2, "event"), ("injured", 12, "other_place")]
