"""Number phrases: the cases mutation testing showed no test pinned down (docs/TESTING.md).

Pure, no Django. Every expected mention (value, qualifier, start, end, where the number starts)
is counted out by hand from the text.
"""

import pytest

from extraction.numbers import NumberMention, number_mentions, single_mentions


@pytest.mark.parametrize(
    ("text", "value", "end"),
    [
        ("1.5 thousand people", 1500, 12),
        ("2.5 million people", 2_500_000, 11),
        ("3 thousand people", 3000, 10),
        ("2 million people", 2_000_000, 9),
        ("half a dozen people", 6, 12),
        ("a dozen people", 12, 7),
        ("one dozen people", 12, 9),
        ("two dozen people", 24, 9),
        ("3 dozen people", 36, 7),
        ("twenty people", 20, 6),
    ],
)
def test_number_phrases(text, value, end):
    assert number_mentions(text) == [NumberMention(value, "exact", 0, end, 0)]


def test_a_qualified_number_starts_after_its_qualifier():
    # "at least " is 9 characters: the number itself starts at 9.
    assert number_mentions("at least 5 people") == [NumberMention(5, "at_least", 0, 10, 9)]


def test_skipped_spans_hide_only_the_numbers_inside_them():
    assert number_mentions("12 and 5 people", skip=[(0, 2)]) == [NumberMention(5, "exact", 7, 8, 7)]


def test_a_skipped_span_that_ends_where_a_number_starts_does_not_hide_it():
    assert number_mentions("at 5 people", skip=[(0, 3)]) == [NumberMention(5, "exact", 3, 4, 3)]


def test_no_one_is_not_a_count_but_the_5_is():
    assert number_mentions("no one was hurt") == []
    assert number_mentions("the 5 people were killed") == [NumberMention(5, "exact", 4, 5, 4)]


@pytest.mark.parametrize(
    "text",
    [
        "No one was hurt, the mayor said.",  # the word opens the text
        "Rescuers said that every    one of them was evacuated.",  # spaces of justified text
        "Each one of the houses was damaged.",
    ],
)
def test_one_after_no_every_or_each_is_not_a_count(text):
    assert number_mentions(text) == []


def test_a_word_that_only_ends_like_every_does_not_make_one_no_count():
    # "Severy" is a (village) name, not "every": the person is counted.
    assert number_mentions("In Severy one person was injured.") == [NumberMention(1, "exact", 10, 13, 10)]


def test_a_number_repeated_in_brackets_is_one_mention():
    # "Police said " is 12 characters; "3 (three)" ends at 21; " civilians and " brings "5" to 36.
    assert number_mentions("Police said 3 (three) civilians and 5 soldiers died") == [
        NumberMention(3, "exact", 12, 21, 12),
        NumberMention(5, "exact", 36, 37, 36),
    ]


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("3 (4) civilians", [NumberMention(3, "exact", 0, 1, 0), NumberMention(4, "exact", 3, 4, 3)]),
        ("3 (3 of them)", [NumberMention(3, "exact", 0, 1, 0), NumberMention(3, "exact", 3, 4, 3)]),
    ],
)
def test_a_different_or_unclosed_number_in_brackets_stays_apart(text, mentions):
    assert number_mentions(text) == mentions


def test_one_person_introduced_by_a():
    assert single_mentions("a man was killed") == [NumberMention(1, "exact", 0, 1, 0, single=True)]
    assert single_mentions("a man was killed", skip=[(0, 1)]) == []
    assert single_mentions("a man and a woman", skip=[(0, 1)]) == [NumberMention(1, "exact", 10, 11, 10, single=True)]
    assert single_mentions("on a man", skip=[(0, 3)]) == [NumberMention(1, "exact", 3, 4, 3, single=True)]


def test_one_person_named_by_role():
    assert single_mentions("the driver was killed") == [NumberMention(1, "exact", 0, 3, 0, definite=True)]
    assert single_mentions("the driver was killed", skip=[(0, 3)]) == []
    # "the driver was killed and " is 26 characters.
    assert single_mentions("the driver was killed and the pilot died", skip=[(0, 3)]) == [
        NumberMention(1, "exact", 26, 29, 26, definite=True)
    ]
    assert single_mentions("on the driver was killed", skip=[(0, 3)]) == [
        NumberMention(1, "exact", 3, 6, 3, definite=True)
    ]


def test_a_lone_repeated_number_in_brackets_is_merged():
    assert number_mentions("3 (three) civilians") == [NumberMention(3, "exact", 0, 9, 0)]
