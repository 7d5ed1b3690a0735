# ruff: noqa: RUF001  (Cyrillic and Turkish letters are the point of these tests)
"""The speed-ups must not change what is found: each fast path against the plain regex it replaces."""

import re

import pytest

from strikes.extraction import default_gazetteer
from strikes.extraction.bench import synthetic_article
from strikes.extraction.dates import DATE_RE, _date_matches
from strikes.extraction.report import SCOPE_MARKERS_RE, STRIKE_RE, UPDATE_SENTENCE_RE
from strikes.extraction.text import ci, lower_same_length

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
