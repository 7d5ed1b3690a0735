"""Which of an article's dates is the strike's (``extraction.dates.event_date``), rule by rule.

Pure, no Django. The sentences are written for these tests; every expected answer is worked out by
hand. The publication date is Tuesday 10 June 2025, so "Sunday" is 8 June, "Saturday" 7 June,
"Monday" and "yesterday" 9 June, "overnight" 10 June. An answer is (date, precision, where it came
from, a hint when nothing resolves).
"""

import datetime as dt

from extraction.dates import all_dates, dateline_end, event_date
from extraction.slavic import slavic_dates
from extraction.text import lower_same_length, sentences

PUB = dt.date(2025, 6, 10)


def strike_date(text, pub=PUB):
    return event_date(lower_same_length(text), sentences(text), all_dates(text, pub), pub, pub, dateline_end(text))


def text(date, precision="day"):
    return (date, precision, "text", None)


PUBLISHED = ("2025-06-10", "day", "published", None)


def test_a_strike_on_a_weekday():
    assert strike_date("Russian missiles struck Odesa on Sunday, killing three people.") == text("2025-06-08")


def test_a_strike_yesterday():
    assert strike_date("A drone hit a bus in Kherson yesterday, injuring five passengers.") == text("2025-06-09")


def test_an_overnight_attack_reported_by_the_mayor():
    assert strike_date("Russia attacked Kyiv with drones overnight, the mayor said.") == text("2025-06-10")


def test_the_day_something_was_said_is_not_the_strikes():
    assert strike_date("On Monday, the governor said a missile struck the port on Saturday.") == text("2025-06-07")


def test_a_date_after_since_is_an_earlier_strike():
    s = "A missile struck Kharkiv on Sunday, the deadliest attack on the city since 12 April."
    assert strike_date(s) == text("2025-06-08")


def test_the_night_of():
    assert strike_date("Drones attacked Odesa on the night of 8 June.") == text("2025-06-08")


def test_no_strike_words_near_the_date_gives_the_publication_date():
    assert strike_date("The city held a concert on Sunday.") == PUBLISHED
    assert strike_date("Rescuers are still searching the rubble in Odesa.") == PUBLISHED


def test_the_datelines_date_is_the_fallback():
    s = "KYIV, June 9 (Reuters) - Rescuers searched the rubble of a block of flats."
    assert strike_date(s) == ("2025-06-09", "day", "dateline", None)


def test_a_date_right_after_a_dateline_without_one_is_in_the_text():
    # Not the dateline's: the report's own first words. Nothing about a strike near it.
    assert strike_date("KYIV (Reuters) - June 8 was quiet in the capital.") == PUBLISHED


def test_without_a_dateline_argument_a_date_at_the_start_is_a_candidate():
    s = "June 8: missiles struck Odesa."
    assert event_date(lower_same_length(s), sentences(s), all_dates(s, PUB), PUB, PUB) == text("2025-06-08")


# --- Each rule's weight, with a sentence where it decides (the score of each date in the comment) ---


def test_the_night_of_outweighs_a_later_mention():
    # 8 June: strike words 2 + "attacked" 1 + "the night of" 1 = 4; Monday, a sentence later: 3 - 0.05.
    s = "Drones attacked Odesa on the night of 8 June. Rescuers found two more dead in the rubble on Monday."
    assert strike_date(s) == text("2025-06-08")


def test_the_night_of_after_said_still_gives_the_night():
    # 2 + 1 + 1 - 3 ("said" before) = 1: the night the missiles killed, not the day it was said.
    s = "The governor said on the night of 8 June missiles killed two people."
    assert strike_date(s) == text("2025-06-08")


def test_drones_heard_on_a_night_the_governor_spoke_of_is_no_strike_date():
    # "drones" 2 + night of 1 - said 3 = 0.
    assert strike_date("The governor said on the night of 8 June drones were heard over Odesa.") == PUBLISHED


def test_said_overnight_is_when_it_was_said():
    # "drones" 2 + overnight 1 - said 3 = 0: the publication date, not read from the text.
    assert strike_date("The mayor said overnight that drones were over the city.") == PUBLISHED


def test_sirens_yesterday_or_at_the_weekend_are_no_strike():
    # "air raid" 2 - "the mayor said" after 2 = 0 (and - 0.5 for the weekend): no overnight bonus
    # for "yesterday" or a weekend, so neither reaches the text's threshold.
    assert strike_date("Air raid sirens sounded yesterday, the mayor said.") == PUBLISHED
    assert strike_date("Air raid sirens sounded over the weekend, the mayor said.") == PUBLISHED


def test_a_strike_word_right_after_the_date():
    # Saturday: 2 + 1; Sunday: 2 + 1 + 2 ("a missile strike" follows it).
    assert strike_date("Sirens sounded on Saturday, and on Sunday a missile strike hit Kharkiv.") == text("2025-06-08")


def test_a_possessive_weekday():
    # Saturday: 2 + 1; "Sunday's toll": 2 + 1 + 2 for the possessive.
    s = "Rescuers worked through Saturday in Kharkiv, where Sunday's toll rose to nine dead."
    assert strike_date(s) == text("2025-06-08")


def test_a_wave_shot_down_later_does_not_outweigh_the_night_of_the_attack():
    # 8 June: 2 + 1 + 1 = 4; "Monday's wave", a sentence later: 2 + 2 - 0.05 = 3.95.
    s = "Drones attacked Odesa on the night of 8 June. Monday's wave of drones was shot down."
    assert strike_date(s) == text("2025-06-08")


def test_the_day_a_governor_spoke_is_not_the_strikes():
    # 2 + 1 - 3 = 0.
    assert strike_date("The governor said on Sunday that missiles had killed two people.") == PUBLISHED


def test_drones_seen_on_a_day_the_governor_speaks_of_is_no_strike_date():
    # "drones" 2 - "the governor said" after 2 = 0.
    assert strike_date("Drones flew over Odesa on Sunday, the governor said.") == PUBLISHED


def test_a_headings_date_is_the_pages_not_the_strikes():
    # Heading: 2 + 1 - 3 = 0 for "Monday" and "9 June"; the body's Sunday: 2 + 1 - 0.05.
    s = "Live: missile attacks on Ukraine, Monday 9 June\nMissiles struck Odesa on Sunday, killing three."
    assert strike_date(s) == text("2025-06-08")


def test_a_month():
    # In May: 2 + 1 - 2 = 1, the month; drones over the city in May: 2 - 2 = 0, no strike date.
    assert strike_date("Missiles struck Odesa in May.") == text("2025-05-01", "month")
    assert strike_date("Drones flew over Odesa in May.") == PUBLISHED
    # A day beats a month: May 1 against Sunday's 3 - 0.05.
    assert strike_date("Missiles struck Odesa in May. Drones hit the port on Sunday.") == text("2025-06-08")


def test_a_weekend():
    # 2 + 1 - 2 - 0.5 = 0.5: just enough.
    assert strike_date("Missiles struck Odesa over the weekend, the governor said.") == text("2025-06-07", "week")
    # The weekend: 2 + 1 - 0.5; Sunday, in the same sentence: 2 + 1. The day is the more precise.
    s = "Missiles struck Odesa over the weekend; the main strike hit the port on Sunday."
    assert strike_date(s) == text("2025-06-08")


def test_the_lead_comes_first():
    # Two dates scored alike, 3 each: the first sentence's wins (- 0.05 a sentence).
    assert strike_date("Missiles struck Odesa on Sunday. Drones hit Kharkiv on Monday.") == text("2025-06-08")
    # 2 + 1 - 2 - 0.05 = 0.95 in the second sentence: still the text's.
    s = "Rescuers worked through the night in Odesa.\nMissiles struck the port on Sunday, the governor said."
    assert strike_date(s) == text("2025-06-08")


def test_one_day_after_publication_is_allowed_two_are_not():
    # Published in one time zone, dated in another: the 11th is accepted, the 12th is not.
    assert strike_date("Missiles struck Odesa on 11 June.") == text("2025-06-11")
    assert strike_date("Missiles struck Odesa on 12 June.") == PUBLISHED


# --- Without a publication date: a date scored -1 or more is the last resort, else a hint ---


def test_without_a_publication_date_a_weekday_is_a_hint():
    assert strike_date("Russian missiles struck Odesa on Sunday, killing three people.", None) == (
        None,
        None,
        None,
        {"weekday": 6},
    )
    # 2 + 1 - 2 = 1: enough for a hint.
    assert strike_date("Missiles struck Odesa on Sunday, the governor said.", None) == (
        None,
        None,
        None,
        {"weekday": 6},
    )
    # No strike words near it: no hint.
    assert strike_date("The city held a concert on Sunday.", None) == (None, None, None, None)


def test_without_a_publication_date_a_yearless_day_is_a_hint():
    assert strike_date("Drones attacked Odesa on the night of 8 June.", None) == (
        None,
        None,
        None,
        {"month": 6, "day": 8},
    )


def test_a_yearless_day_does_not_stop_the_search():
    s = "Sirens sounded on Sunday. Missiles struck Odesa on 8 June 2025, killing three."
    assert strike_date(s, None) == text("2025-06-08")


def test_without_a_publication_date_a_month_after_said_is_nothing():
    # 2 + 1 - 3 - 2 = -2: below the last resort's -1.
    assert strike_date("Officials said in June 2025 that missiles killed 40 people.", None) == (None, None, None, None)


def test_without_a_publication_date_a_headings_date_is_the_last_resort():
    # "drones" 2 - 3 for the heading = -1.
    assert strike_date("Drones over Ukraine, 9 June 2025\nAir defence was active.", None) == text("2025-06-09")


def test_without_a_publication_date_a_date_after_since_is_the_last_resort():
    # 2 + 1 + 2 ("attack" follows) - 6 for "since" = -1: the attack the article is about.
    s = "Odesa has been without power since the 8 June 2025 attack, which killed two people."
    assert strike_date(s, None) == text("2025-06-08")


def test_without_a_publication_date_a_recap_is_the_last_resort():
    # "Нагадаємо" (let us recall): "ракети" 2 + "вдарили" 1 - 4 = -1.
    s = "Нагадаємо, 8 червня 2025 року ракети вдарили по Одесі."
    low = lower_same_length(s)
    assert event_date(low, sentences(s), slavic_dates(low, None), None, None, 0) == text("2025-06-08")


# --- The strike words are looked for within 90 characters of the date, in its sentence ---


def test_a_strike_word_91_characters_before_the_date_is_too_far():
    far = "Struck by lightning long ago, the old oak tree near the square still stands in the park" + " on Sunday."
    assert far.index("Sunday") - far.index("Struck") == 91
    assert strike_date(far) == PUBLISHED
    near = far.replace("stands", "stood")
    assert near.index("Sunday") - near.index("Struck") == 90
    assert strike_date(near) == text("2025-06-08")


def test_a_strike_word_ending_91_characters_after_the_date_is_too_far():
    far = "On Sunday the old oak tree that stood near the square for about two hundred years was finally struck."
    assert far.index("struck") + len("struck") - (far.index("Sunday") + len("Sunday")) == 91
    assert strike_date(far) == PUBLISHED
    near = far.replace("about", "some")
    assert near.index("struck") + len("struck") - (near.index("Sunday") + len("Sunday")) == 90
    assert strike_date(near) == text("2025-06-08")


def test_a_date_after_publication_is_passed_over_not_the_end_of_the_search():
    s = "Funerals for the victims will be held on 12 June 2025. Missiles struck Odesa on Sunday, killing three."
    assert strike_date(s) == text("2025-06-08")


def test_of_two_dates_scored_alike_in_one_sentence_the_first_wins():
    # Sunday and Monday: 2 + 1 each.
    assert strike_date("Missiles struck Odesa on Sunday and Kharkiv on Monday.") == text("2025-06-08")


def test_a_datelines_date_up_to_one_day_after_publication():
    def dateline(day):
        return strike_date(f"KYIV, June {day} (Reuters) - Rescuers searched the rubble of a block of flats.")

    assert dateline(10) == ("2025-06-10", "day", "dateline", None)
    assert dateline(11) == ("2025-06-11", "day", "dateline", None)  # time zones: a day ahead is allowed
    assert dateline(12) == PUBLISHED  # two days ahead is not
