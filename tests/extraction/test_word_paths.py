# ruff: noqa: RUF001  (Cyrillic words are the test data)
"""The per-word paths made cheaper for the cold extraction rate (issue 19): the lemmas of a new
Cyrillic word, a token's normal form, the article's language, the dates of an article without a
publication date. Each gives what it gave before: every expected value is written by hand (the
lemmas were checked against pymorphy3's own ``parse`` and ``inflect``, in the order it ranks them).
"""

import pytest

from extraction import extract
from extraction.names import cyrillic_lemmas, norm_token
from extraction.slavic import detect_language


@pytest.mark.parametrize(
    ("word", "lemmas"),
    [
        # A dictionary adjective: its masculine lemma, then its nominative in the gender written
        # (the form read from the paradigm's slot).
        ("Одеської", ("одеський", "одеська")),
        ("Запорізькій", ("запорізький", "запорізька")),
        ("Покровській", ("покровський", "покровська")),
        ("Дніпровських", ("дніпровський", "дніпровські")),
        # The parses ranked by probability when their lemmas differ: the surname "Харко" first, as
        # pymorphy3 ranks it, then the city.
        ("Харкові", ("харко", "харків")),
        # Russian "Федоров": the analyser finds the genitive plural of "Фёдор" before the surname;
        # ranked by probability, the surname comes first (unranked, "фёдор" would).
        ("Федоров", ("федоров", "фёдоров", "фёдор")),
        # No letter only Ukrainian or only Russian writes: both dictionaries, Ukrainian first; the
        # adjective's nominative "кривий" comes after the noun "криве" its best parse names.
        ("Кривому", ("криве", "кривий", "кривой", "кривое")),
        ("Білій", ("біла", "біліти", "білий")),
        # Words no dictionary holds: guessed from the ending, the guess's nominative by pymorphy3's
        # own inflection (a village's adjective, and a guess that is no adjective at all).
        ("Квітучанської", ("квітучанський", "квітучанська")),
        ("Бурштинецькому", ("бурштинецький", "бурштинецьке", "бурштинецькому", "бурштинецькое")),
    ],
)
def test_cyrillic_lemmas_as_pymorphy_ranks_them(word, lemmas):
    # The cache would hide a changed path behind an earlier answer.
    cyrillic_lemmas.cache_clear()
    assert cyrillic_lemmas(word) == lemmas


def test_cyrillic_lemmas_place_in_any_case_found_cold():
    """The same place from a case no earlier article wrote, with every word cache empty."""
    cyrillic_lemmas.cache_clear()
    norm_token.cache_clear()
    report = extract("Уночі російські дрони атакували Одесу. У Одеській області загинули двоє людей.")
    assert report.places[0]["name"] == "Odesa"


@pytest.mark.parametrize(
    ("token", "key"),
    [
        ("Zaporizhzhia’s", "zaporizhzhia"),  # possessive with a typographic apostrophe
        ("Kyiv's", "kyiv"),
        ("Bílá", "bila"),  # accents dropped
        ("Mykolaïv", "mykolaiv"),
        ("Łódź", "łodz"),  # "ł" has no accent to drop, "ź" has
        ("Kramatorskyi", "kramatorsky"),
        ("Куп’янськ", "купянськ"),  # apostrophe inside a Cyrillic word dropped, letters kept
        ("Київ", "київ"),
    ],
)
def test_norm_token(token, key):
    norm_token.cache_clear()
    assert norm_token(token) == key


@pytest.mark.parametrize(
    ("low", "language"),
    [
        ("kyiv was hit overnight, the mayor said: «у києві вибухи»", "en"),
        ("у києві вибухи, повідомив мер", "uk"),
        ("в киеве взрывы, сообщил мэр", "ru"),
        # More Cyrillic letters than a-z: the Latin letters outside a-z do not count as Latin.
        ("éééééééééé у києві", "uk"),
    ],
)
def test_detect_language(low, language):
    assert detect_language(low) == language


def test_no_publication_date_no_full_date():
    """Without a publication date or a full date in the text, a weekday cannot be dated: a hint only."""
    report = extract("Russian drones hit Kharkiv on Tuesday, killing two people, the governor said.")
    assert report.event_date is None
    assert report.event_date_hint == {"weekday": 1}


def test_no_publication_date_full_date_anchors():
    """A full date in the text anchors the relative ones ("вчора" before 12 March 2024 is the 11th)."""
    report = extract(
        "Вчора російські дрони атакували Харків, загинули двоє людей, повідомив голова ОВА 12 березня 2024 року."
    )
    assert (report.event_date, report.event_date_source, report.language) == ("2024-03-11", "text", "uk")
    undated = extract("Вчора російські дрони атакували Харків, загинули двоє людей, повідомив голова ОВА.")
    assert undated.event_date is None
