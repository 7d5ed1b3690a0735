# ruff: noqa: RUF001  (Cyrillic and Turkish letters are the point of these tests)
"""The speed-ups must not change what is found: each fast path against the plain regex it replaces."""

import re

import pytest

from extraction import default_gazetteer
from extraction.bench import synthetic_article
from extraction.dates import DATE_RE, _date_matches
from extraction.scope import SCOPE_MARKERS_RE, UPDATE_SENTENCE_RE
from extraction.strike import STRIKE_RE
from extraction.text import (
    ci,
    dispatch,
    keyword_windows,
    lower_same_length,
    required_literals,
    windowed_finditer,
)

TEXTS = [
    synthetic_article(),
    "On 24 April 2025, on April 23-24, 2025-04-24, 01.15.2023, 3 May, May 3rd, the 12th of May, x24 April, "
    "124 April, Ap 2, Sept. 30, 2024 and 5.03.2025.",
    "KYIV, April 24 (Reuters) - The death toll has risen to 12; later reported figures say 14.",
]


@pytest.mark.parametrize("text", TEXTS)
def test_dates_found_at_candidate_starts_are_exactly_the_regex_matches(text):
    assert [m.span() for m in _date_matches(text)] == [m.span() for m in DATE_RE.finditer(text)]


def test_lower_casing_keeps_every_offset():
    text = "İstanbul talks; KYIV, ХАРКІВ and Straße"
    low = lower_same_length(text)
    assert len(low) == len(text)
    assert low.endswith("kyiv, харків and straße")


def test_a_case_insensitive_pattern_on_lower_cased_text_finds_the_same_spans():
    plain = re.compile(r"\b(?:Death\s+Toll|UAVs?|KN-23)\b", re.IGNORECASE)
    fast = ci(plain.pattern)
    text = "The DEATH TOLL rose after UAVs and a kn-23 hit; uavs again. Death Toll."
    assert [m.span() for m in fast.finditer(lower_same_length(text))] == [m.span() for m in plain.finditer(text)]
    with pytest.raises(ValueError, match="upper-case escape"):
        ci(r"\S+")


@pytest.mark.parametrize(
    ("rx", "text", "found"),
    [
        (UPDATE_SENTENCE_RE, "the toll has risen to 14", True),
        (UPDATE_SENTENCE_RE, "officials later said 14 died", True),
        (UPDATE_SENTENCE_RE, "the phas risen", False),
        (UPDATE_SENTENCE_RE, "update: 14 killed", True),
        (SCOPE_MARKERS_RE, "since the start of the full-scale invasion", True),
        (SCOPE_MARKERS_RE, "the warehouse burned", False),
        (STRIKE_RE, "drones struck the city", True),
    ],
)
def test_rewritten_word_patterns_keep_their_word_boundaries(rx, text, found):
    assert bool(rx.search(text)) is found


def test_model_candidates_find_every_spelling():
    gaz = default_gazetteer()
    text = "Two Х-101 and x-22, Kh 101, KN23, Shahed-136 drones, Iskander-M, Шахед, S-300 and a Kinzhal."
    names = [rec.name for _a, _b, rec in gaz.find_models(text)]
    assert names[:5] == ["Kh-101", "Kh-22", "Kh-101", "KN-23", "Shahed-136"]
    assert {"Iskander-M", "S-300"} <= set(names)
    assert any("Kinzhal" in n for n in names)


# --- Second speed pass: each fast path against the plain scan it replaces ---

NEWS = [
    *TEXTS,
    "On Monday night, at 01:30 and again at 4 a.m. on 23.04.2025, drones hit Odesa; over the weekend, "
    "yesterday and tonight more came. In May 2024 and in June the city was hit too. Sunday's strike.",
    "Earlier today, last night and this morning: 2025-04-24, 12025-04-24, 5.03.2025 and 123.04.2025.",
]


@pytest.mark.parametrize("text", NEWS)
def test_time_spans_are_the_plain_regex_matches(text):
    from extraction.dates import TIME_RE, time_spans

    assert time_spans(text) == [m.span() for m in TIME_RE.finditer(text)]


@pytest.mark.parametrize("text", NEWS)
def test_date_patterns_searched_around_their_words_find_every_match(text):
    from extraction import dates

    low = lower_same_length(text)
    for rx, keys, before, after, s in (
        (dates.WEEKDAY_RE, dates._WEEKDAY_KEYS, 7, 25, text),
        (dates.MONTH_RE, dates._MONTH_KEYS, 12, 15, text),
        (dates.RELATIVE_RE, dates._RELATIVE_KEYS, 20, 2, low),
    ):
        windows = keyword_windows(s, keys, before, after)
        assert [m.span() for m in windowed_finditer(rx, s, windows)] == [m.span() for m in rx.finditer(s)]


@pytest.mark.parametrize("text", NEWS)
def test_model_candidates_are_the_word_starts_the_trie_finds(text):
    gaz = default_gazetteer()
    low = text.lower()
    plain = [m.start() for m in gaz.model_start_re.finditer(low) if m.start() == 0 or not low[m.start() - 1].isalnum()]
    fast = sorted(m.start() + 1 for rx in gaz._model_after_re for m in rx.finditer(low))
    # (finditer does not overlap its matches; the fast scans see every word start, a superset)
    assert set(plain) <= set(fast) | {0}


def test_first_letter_dispatch_keeps_every_match_and_its_order():
    words = ["in\\s+total", "in\\s+all", "a\\s+total\\s+of", "altogether", "overall", "over"]
    flat = re.compile(r"\b(?:" + "|".join(words) + r")\b")
    nested = re.compile(r"\b" + dispatch(words) + r"\b")
    text = "in all, a total of 12, overall 13; over 14 altogether, in total 15 and over."
    assert [m.span() for m in nested.finditer(text)] == [m.span() for m in flat.finditer(text)]


def test_required_literals_never_miss_a_match():
    from extraction.munitions import ORIGIN_NEEDLES, ORIGIN_RE
    from extraction.scope import TOTAL_NEEDLES, TOTAL_RE, UPDATE_NEEDLES, UPDATE_SENTENCE_RE
    from extraction.strike import OFF_TOPIC_NEEDLES, OFF_TOPIC_RE

    NEEDLES = {
        OFF_TOPIC_RE: OFF_TOPIC_NEEDLES,
        TOTAL_RE: TOTAL_NEEDLES,
        UPDATE_SENTENCE_RE: UPDATE_NEEDLES,
        ORIGIN_RE: ORIGIN_NEEDLES,
    }
    text = synthetic_article().lower() + " there were talks; in total 31; later reported; north korean-made"
    for rx, needles in NEEDLES.items():
        for m in rx.finditer(text):
            assert any(k in m.group() for k in needles), (rx.pattern[:40], m.group())
    assert required_literals(re.compile(r"(?:ab|cd)?x")) == frozenset({"x"})
    assert required_literals(re.compile(r"[ab]+")) is None


def test_gate_mask_by_letter_runs_is_the_plain_substring_test():
    from extraction.figure_rules import GATE_BITS, gate_mask

    assert all(re.fullmatch("[a-z]+", w) for w, _ in GATE_BITS)  # what makes the runs enough
    for s in (synthetic_article().lower(), "shot down 5; no-one killed, 3 were hospitalised from kyiv"):
        plain = 0
        for w, bits in GATE_BITS:
            if w in s:
                plain |= bits
        assert gate_mask(s) == plain


def test_capitalised_token_starts_are_the_token_starts_with_a_capital():
    from extraction.names import CAP_TOKEN_START_RE, TOKEN_RE

    text = "O'Neil in Kyiv, ÉKiev; Київ 5Dnipro x'Yar Львів-Odesa aKharkiv"
    plain = [m.start() for m in TOKEN_RE.finditer(text) if m.group()[0].isupper()]
    assert [m.start() for m in CAP_TOKEN_START_RE.finditer(text)] == plain


# Found by mutation testing (issue 20): the date phrases allowed any run of spaces between their
# words, longer than the windows they are searched in, so a padded "last                 night" or
# "in           March" was missed (or cut short) by the windowed search and found by the plain one.
# The patterns now bound those runs to what the windows hold (13 spaces in a weekday's part of the
# day, 6 in a relative phrase, 10 in a month's); beyond that no phrase is read, either way.
SP = " " * 6
SPACED = (
    f"Strikes on Friday's{SP * 2} afternoon and Friday's{SP * 2}  afternoon; "
    f"last{SP}night, last{SP} night; over{SP}the{SP}weekend, over{SP} the weekend; "
    f"in{SP}    March{SP}    2023, in{SP}     March, June{SP}    2024 and June{SP}     2024."
)


def test_date_phrases_with_long_runs_of_spaces_are_found_alike_in_windows_and_in_the_whole_text():
    from extraction import dates

    low = lower_same_length(SPACED)
    for rx, keys, before, after, s in (
        (dates.WEEKDAY_RE, dates._WEEKDAY_KEYS, 7, 25, SPACED),
        (dates.MONTH_RE, dates._MONTH_KEYS, 12, 15, SPACED),
        (dates.RELATIVE_RE, dates._RELATIVE_KEYS, 20, 2, low),
    ):
        windows = keyword_windows(s, keys, before, after)
        assert [m.span() for m in windowed_finditer(rx, s, windows)] == [m.span() for m in rx.finditer(s)]

    def words(rx, s):
        return [" ".join(m.group().split()) for m in rx.finditer(s)]

    assert words(dates.WEEKDAY_RE, SPACED) == ["Friday's afternoon", "Friday's"]
    assert words(dates.RELATIVE_RE, low) == ["last night", "over the weekend"]
    assert words(dates.MONTH_RE, SPACED) == ["in March 2023", "June 2024"]


# Likewise the place named right after a figure ("12 in the city of Odesa"): figure_scopes reads
# the 30 characters after the figure, and PLACE_AFTER_RE's runs of spaces are bounded (3 before
# "in", 4 after each word) so that its longest match is those 30 characters: the window never
# cuts a match short.
@pytest.mark.parametrize("lead", ["", " ", "   "])
def test_the_longest_place_phrase_after_a_figure_fits_the_window(lead):
    from extraction.scope import PLACE_AFTER_RE

    text = f"12{lead}in    the    city    of    Odesa"
    whole = PLACE_AFTER_RE.match(text, 2)
    assert whole.group().split() == ["in", "the", "city", "of"]
    assert PLACE_AFTER_RE.match(text, 2, 2 + 30).span() == whole.span()
    assert whole.end() - 2 <= 30


def test_a_place_phrase_padded_past_the_window_is_no_place_phrase():
    from extraction.scope import PLACE_AFTER_RE

    # Five spaces after "of": the phrase stops short of the place, so no place is read after 12.
    text = "12 in the city of     Odesa"
    assert not text[PLACE_AFTER_RE.match(text, 2).end() :].startswith("Odesa")
