"""Dates in text: the cases mutation testing showed no test pinned down (docs/TESTING.md).

Pure, no Django. Every expected date and span is worked out by hand (offsets counted from the
text; 10 June 2025, the anchor, is a Tuesday; Orthodox Easter was on 20 April 2025, 5 May 2024).
"""

import datetime as dt

import pytest

from extraction.dates import DateMention, all_dates, dateline_end, explicit_dates, orthodox_easter, time_spans

D = dt.date
ANCHOR = D(2025, 6, 10)


def explicit(start, end, date, has_year, month_day):
    return DateMention(start, end, "explicit", date, "day", has_year, month_day=month_day)


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("2025-04-24", [explicit(0, 10, D(2025, 4, 24), True, (4, 24))]),
        ("24.04.2025", [explicit(0, 10, D(2025, 4, 24), True, (4, 24))]),
        ("01.15.2023", [explicit(0, 10, D(2023, 1, 15), True, (1, 15))]),  # day first impossible: month first
        ("24 April 2025", [explicit(0, 13, D(2025, 4, 24), True, (4, 24))]),
        ("24 April", [explicit(0, 8, None, False, (4, 24))]),
        ("April 24, 2025", [explicit(0, 14, D(2025, 4, 24), True, (4, 24))]),
        ("April 24", [explicit(0, 8, None, False, (4, 24))]),
        ("on 3 Jan", [explicit(3, 8, None, False, (1, 3))]),
        ("32 April", []),
        ("April 32", []),
        ("2025-02-30", []),
        ("31.02.2025", []),
    ],
)
def test_explicit_dates(text, mentions):
    assert explicit_dates(text) == mentions


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("24 April", D(2025, 4, 24)),
        ("12 June", D(2025, 6, 12)),  # two days after the anchor: still this year
        ("13 June", D(2024, 6, 13)),  # three days after: last year's
    ],
)
def test_a_yearless_date_takes_the_anchors_year_unless_it_would_be_ahead(text, date):
    assert [d.date for d in all_dates(text, ANCHOR)] == [date]


def test_weekday_relative_and_month():
    assert all_dates("on Sunday", ANCHOR) == [DateMention(3, 9, "weekday", D(2025, 6, 8), "day", weekday=6)]
    assert all_dates("yesterday", ANCHOR) == [DateMention(0, 9, "relative", D(2025, 6, 9), "day")]
    assert all_dates("last weekend", ANCHOR) == [DateMention(0, 12, "relative", D(2025, 6, 7), "week")]
    assert all_dates("overnight", ANCHOR) == [DateMention(0, 9, "relative", ANCHOR, "day")]
    # A month's span takes its "in".
    assert all_dates("in March", ANCHOR) == [DateMention(0, 8, "month", D(2025, 3, 1), "month")]
    assert all_dates("in July", ANCHOR) == [DateMention(0, 7, "month", D(2024, 7, 1), "month")]
    # Found writing these tests: "in March 2023" was March 2025 (the anchor's year), its year unread.
    assert all_dates("in March 2023", ANCHOR) == [DateMention(0, 13, "month", D(2023, 3, 1), "month")]
    assert all_dates("in May 2023", ANCHOR) == [DateMention(0, 11, "month", D(2023, 5, 1), "month")]
    assert all_dates("March 2023", ANCHOR) == [DateMention(0, 10, "month", D(2023, 3, 1), "month")]


def test_without_an_anchor_nothing_resolves():
    assert [d.date for d in all_dates("24 April, on Sunday, yesterday, in March", None)] == [None, None, None, None]


@pytest.mark.parametrize(("year", "easter"), [(2025, D(2025, 4, 20)), (2024, D(2024, 5, 5)), (2023, D(2023, 4, 16))])
def test_orthodox_easter(year, easter):
    assert orthodox_easter(year) == easter


@pytest.mark.parametrize(
    ("text", "anchor", "date"),
    [
        ("on Palm Sunday", ANCHOR, D(2025, 4, 13)),
        ("at Easter", D(2025, 4, 19), D(2025, 4, 20)),  # the day before: a report of the coming night
        ("at Easter", D(2025, 4, 18), D(2024, 5, 5)),  # two days before: last year's
    ],
)
def test_holidays(text, anchor, date):
    [mention] = [d for d in all_dates(text, anchor) if d.kind == "explicit"]  # "Sunday" is a weekday too
    assert (mention.kind, mention.date, mention.precision, mention.has_year) == ("explicit", date, "day", False)


def test_clock_times_and_years():
    # "04:30" is 3-8; "2025" 17-21.
    assert time_spans("At 04:30 in June 2025, 3 died") == [(3, 8), (17, 21)]


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("KYIV (Reuters) - A drone hit", 17),
        ("KYIV - A drone hit", 7),
        ("Kyiv - A drone hit", 0),  # neither an agency nor a place in capitals: no dateline
        ("A drone hit Kyiv", 0),
    ],
)
def test_dateline_end(text, end):
    assert dateline_end(text) == end


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        # The first and last days of a month are days.
        ("1 April", [explicit(0, 7, None, False, (4, 1))]),
        ("April 1", [explicit(0, 7, None, False, (4, 1))]),
        ("31 March", [explicit(0, 8, None, False, (3, 31))]),
        ("March 31", [explicit(0, 8, None, False, (3, 31))]),
        # An impossible day is skipped, and the scan goes on: "32 April and " is 13 characters.
        ("32 April and 24 April", [explicit(13, 21, None, False, (4, 24))]),
        ("April 32 and April 24", [explicit(13, 21, None, False, (4, 24))]),
        # A date inside a longer run of digits starts where finditer would find it.
        ("12025-04-24", [explicit(1, 11, D(2025, 4, 24), True, (4, 24))]),
        ("124.04.2025", [explicit(1, 11, D(2025, 4, 24), True, (4, 24))]),
        ("1254.4.2025", [explicit(3, 11, D(2025, 4, 4), True, (4, 4))]),
    ],
)
def test_explicit_date_edges(text, mentions):
    assert explicit_dates(text) == mentions


def test_orthodox_easter_when_the_weekday_term_is_zero():
    # 2021: d = 28, e = 0; Julian 19 April, Gregorian 2 May.
    assert orthodox_easter(2021) == D(2021, 5, 2)


def test_a_holiday_without_an_anchor_has_no_date():
    assert [(d.kind, d.date) for d in all_dates("at Easter", None)] == [("explicit", None)]


def test_the_anchors_own_month_is_this_years():
    assert all_dates("in June", ANCHOR) == [DateMention(0, 7, "month", D(2025, 6, 1), "month")]


def test_a_clock_time_at_the_very_start():
    assert time_spans("04:30, 3 died") == [(0, 5)]


def test_a_month_inside_a_full_date_does_not_stop_the_later_ones():
    # "March 2025" inside "12 March 2025" is skipped; "in May" after it is still read.
    assert [(d.kind, d.date) for d in all_dates("On 12 March 2025 and again in May", ANCHOR)] == [
        ("explicit", D(2025, 3, 12)),
        ("month", D(2025, 5, 1)),
    ]


def test_a_weekday_or_a_month_right_after_an_abbreviated_date():
    # No space after "Jun.": the date ends where the next phrase begins, which is read too.
    assert [(d.kind, d.date) for d in all_dates("Strikes on 3 Jun.Monday", ANCHOR)] == [
        ("explicit", D(2025, 6, 3)),
        ("weekday", D(2025, 6, 9)),
    ]
    assert [(d.kind, d.date) for d in all_dates("Strikes on 3 Jun.June 2024", ANCHOR)] == [
        ("explicit", D(2025, 6, 3)),
        ("month", D(2024, 6, 1)),
    ]
