# ruff: noqa: RUF001, RUF002, RUF003  (Cyrillic letters, typographic quotes and dashes are matched on purpose)
"""Place names and text tokens normalised the same way, and the words around a name that say it is no place.

A name and a token of text match when their normal forms are equal: lower case, accents and
apostrophes dropped, the many Latin spellings of "-skyi" unified. A Cyrillic word in another case
is brought to its nominative by pymorphy3's Ukrainian and Russian dictionaries
(``cyrillic_lemmas``); a name the dictionaries lack falls back to a stem (``cyrillic_stems``).
Pure Python (pymorphy3 is pure Python too, its dictionaries are data files).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# --- Normalisation shared by names and text tokens ---


def _ranges(codes):
    """Consecutive runs of integers as (first, last) pairs."""
    out = []
    for i in codes:
        if out and out[-1][1] == i - 1:
            out[-1][1] = i
        else:
            out.append([i, i])
    return [tuple(r) for r in out]


_APOSTROPHES = "'’ʼ`‘"
_SKY_RE = re.compile(r"(?<=sk)(?:yi|iy|yy|yj|ij|ii|i|y)$")
TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
TOKEN_CHAR_RE = re.compile(r"[^\W\d_]")
# The start of a ``TOKEN_RE`` token whose first letter is a capital: not after a letter, nor after an
# apostrophe that joins letters. The capital comes first so that the engine scans for it fast.
_UPPER = "".join(
    f"{re.escape(chr(a))}-{re.escape(chr(b))}" if b > a else re.escape(chr(a))
    for a, b in _ranges(i for i in range(0x10000) if chr(i).isupper() and TOKEN_CHAR_RE.match(chr(i)))
)
CAP_TOKEN_START_RE = re.compile(rf"[{_UPPER}](?<![^\W\d_].)(?<![^\W\d_]['’ʼ].)", re.DOTALL)
# The token that ends a string.
TAIL_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*$")
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")

# English words that are also names (or aliases) of Ukrainian places: never matched.
STOP_NAMES = frozenset(
    {
        "human",
        "bar",
        "mena",
        "snow",
        "orange",
        "rome",
        "sokal",
        "ukraine",
        "ukraina",
        "russia",
        "city",
        "lucky",
        "boyar",
        "star",
        "nova",
        "novo",
        "may",
        "gold",
        "mariy",
        "hola",
        "vita",
        "lutsk region",
    }
)

CYRILLIC_ENDINGS = (
    "а",
    "я",
    "у",
    "ю",
    "і",
    "ї",
    "е",
    "є",
    "и",
    "ы",
    "ом",
    "ем",
    "ой",
    "ей",
    "ою",
    "ею",
    "ові",
    "еві",
    "ах",
    "ях",
    "ам",
    "ям",
)
_CYR_VOWEL_END = "аяоеєиіїьйуюы"


@lru_cache(maxsize=50_000)
def norm_token(token: str) -> str:
    """Lower case, Latin accents removed, possessive and apostrophes dropped, -skyi/-sky unified."""
    t = token.lower()
    for a in _APOSTROPHES:
        if t.endswith(a + "s"):
            t = t[:-2]
            break
    t = t.translate(_DROP_APOSTROPHES)
    # Only the letters between ASCII and Cyrillic carry accents to drop: a word without one
    # (nearly every word) is not taken apart letter by letter.
    if _ACCENTABLE_RE.search(t):
        t = _ACCENTABLE_RE.sub(_unaccented, t)
    return _SKY_RE.sub("y", t)


_DROP_APOSTROPHES = dict.fromkeys(map(ord, _APOSTROPHES))
_ACCENTABLE_RE = re.compile("[\u0080-\u03ff]")


def _unaccented(m: re.Match) -> str:
    """A letter of ``_ACCENTABLE_RE`` without its accents ("é" -> "e", "ł" stays)."""
    return "".join(c for c in unicodedata.normalize("NFKD", m.group()) if not unicodedata.combining(c))


def norm_name(name: str) -> str:
    """A place or munition name as a lookup key: its normalised tokens joined by spaces."""
    return " ".join(norm_token(t) for t in TOKEN_RE.findall(name.replace("-", " ")))


def is_cyrillic(s: str) -> bool:
    return not s.isascii() and _CYRILLIC_RE.search(s) is not None


_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъё")
_MORPH: dict[str, object] = {}


def morph(lang: str):
    """The pymorphy3 analyser for ``"uk"`` or ``"ru"``: one per process, created on first use
    (about 60 ms for Ukrainian, 35 ms for Russian), so importing the extractor stays cheap."""
    analyser = _MORPH.get(lang)
    if analyser is None:
        import pymorphy3

        analyser = _MORPH[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return analyser


_TO_APOSTROPHE = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))


@lru_cache(maxsize=50_000)
def cyrillic_lemmas(word: str) -> tuple[str, ...]:
    """The nominatives a Cyrillic word may be a case of, as normalised keys: "харкові" ->
    ("харко", "харків"), "запорізькій" -> ("запорізький", "запорізька"), "ольховці" -> ("ольховка",).

    pymorphy3's analysis with the Ukrainian dictionary when the word has a letter only Ukrainian
    writes (і ї є ґ), the Russian one when it has a letter only Russian writes, else both. A word
    neither dictionary holds (a rare village) gets the analyser's guesses from its ending. An
    adjective also gives its nominative in the gender and number it was written in ("Запорізькій
    області" is "Запорізька область", "Кривому Розі" "Кривий Ріг"). Cached per word: the same
    words recur in every article, and a new word costs 20-90 µs.

    ``word`` as written in the text: lower-cased here, its apostrophe written "'" as the
    dictionaries write it ("Куп’янську" -> "куп'янську")."""
    word = word.lower().translate(_TO_APOSTROPHE)
    letters = set(word)
    langs = ("uk",) if letters & _UK_ONLY else ("ru",) if letters & _RU_ONLY else ("uk", "ru")
    out: list[str] = []
    for lang in langs:
        for forms in _parse_forms(lang, word):
            for form in forms:
                key = norm_token(form)
                if key not in out:
                    out.append(key)
    return tuple(out)


def _parse_forms(lang: str, word: str) -> list[tuple[str, ...]]:
    """For each of pymorphy3's parses of ``word``, in the order ``MorphAnalyzer.parse`` gives them
    (most probable first), its normal form and, for an adjective, its nominative
    (``Parse.inflect({"nomn"})``): what ``cyrillic_lemmas`` keeps of the parse.

    The same answers as ``parse`` then ``inflect``, for about half the CPU time of a word new to
    the process (the cold case of issue 19): the parses are ordered by probability only when
    their forms differ (the order cannot change the lemmas otherwise, and each probability is
    a walk of the pure-Python DAWG), and a dictionary adjective's nominative is read from its
    paradigm (``_nominative_slot``) instead of building its whole lexeme."""
    analyser = morph(lang)
    # ``MorphAnalyzer.parse`` without its Parse objects: the analyser units in turn until a
    # terminal one has found something, then the probability estimator's ordering (below).
    raw: list[tuple] = []
    seen: set = set()
    for unit, is_terminal in analyser._units:
        raw.extend(unit.parse(word, word, seen))
        if is_terminal and raw:
            break
    forms = [_forms_of(analyser, lang, p) for p in raw]
    estimator = analyser.prob_estimator
    if estimator is not None and len(set(forms)) > 1:
        # ``ProbabilityEstimator.apply_to_parses``: by P(tag | word), highest first, a stable sort;
        # the analyser's order when no tag of the word has a probability.
        probs = [estimator.p_t_given_w.prob(word, p[1]) for p in raw]
        if sum(probs) != 0:
            order = sorted(range(len(raw)), key=probs.__getitem__, reverse=True)
            forms = [forms[i] for i in order]
    return forms


def _forms_of(analyser, lang: str, parse: tuple) -> tuple[str, ...]:
    """A raw pymorphy3 parse ``(word, tag, normal_form, score, methods_stack)``: its normal form,
    and its nominative when it is an adjective that has one."""
    fixed_word, tag, normal_form, _score, methods_stack = parse
    if "ADJF" not in tag:
        return (normal_form,)
    step = methods_stack[0]
    if len(methods_stack) == 1 and step[0] is analyser._units[0][0]:
        # A dictionary word: the nominative is the paradigm's form chosen for its slot, on its stem.
        _unit, _word, para_id, idx = step
        slot = _nominative_slot(lang, para_id, idx)
        if slot is None:
            return (normal_form,)
        dictionary = analyser.dictionary
        stem = dictionary.build_stem(dictionary.paradigms[para_id], idx, fixed_word)
        return (normal_form, slot[0] + stem + slot[1])
    # A guessed word (by its ending, its prefix): pymorphy3's own inflection.
    nominative = analyser._result_type(*parse).inflect({"nomn"})
    return (normal_form,) if nominative is None else (normal_form, nominative.word)


@lru_cache(maxsize=20_000)
def _nominative_slot(lang: str, para_id: int, idx: int) -> tuple[str, str] | None:
    """The (prefix, suffix) of the nominative that ``Parse.inflect({"nomn"})`` gives the form
    ``idx`` of dictionary paradigm ``para_id``, or None when it gives none.

    pymorphy3 chooses that form by the tags of the paradigm alone (the form whose grammemes are
    closest to the word's with "nomn"), never by the word's stem: so it is found once per slot,
    by inflecting the slot's form with an empty stem, and the word's nominative is its stem
    between that prefix and suffix. Cached like the words (the bench's cold passes empty it)."""
    analyser = morph(lang)
    dictionary = analyser.dictionary
    paradigm = dictionary.paradigms[para_id]
    n = len(paradigm) // 3
    bare = dictionary.paradigm_prefixes[paradigm[2 * n + idx]] + dictionary.suffixes[paradigm[idx]]
    step = (analyser._units[0][0], bare, para_id, idx)
    parse = analyser._result_type(bare, dictionary.build_tag_info(para_id, idx), bare, 1.0, (step,))
    nominative = parse.inflect({"nomn"})
    if nominative is None:
        return None
    k = nominative.methods_stack[0][3]
    return dictionary.paradigm_prefixes[paradigm[2 * n + k]], dictionary.suffixes[paradigm[k]]


def cyrillic_stems(word: str) -> set[str]:
    """Stems of a one-word Cyrillic name, with the і/о/е alternation (Київ -> Києв-і, Харків -> Харков-а).

    The fallback for a name the lemmatiser does not bring back to its nominative: mostly villages
    the dictionaries lack, whose guessed lemma is wrong ("Безлюдівці"); see docs/EXTRACTION.md."""
    stem = word[:-1] if word[-1] in _CYR_VOWEL_END else word
    stems = {stem}
    tail_start = max(0, len(stem) - 3)
    for i in range(len(stem) - 1, tail_start - 1, -1):
        if stem[i] in "іїо":
            for repl in ("е", "є", "о", "і"):
                stems.add(stem[:i] + repl + stem[i + 1 :])
            break
    # Ukrainian dative and locative soften к, г, х before -і: Малокатеринівка -> у Малокатеринівці,
    # Ольховка -> Ольховці; Прага -> Празі; Гадяч not affected.
    soft = {"к": "ц", "г": "з", "х": "с"}
    for st in list(stems):
        if st and st[-1] in soft:
            stems.add(st[:-1] + soft[st[-1]])
    return {s for s in stems if len(s) >= 3}


# A place name right after one of these is part of a person's name or title ("President
# Volodymyr Zelensky", "Mr. Kyiv"... ), not a place.
PERSON_TITLES = frozenset(
    {"president", "mr", "mrs", "ms", "miss", "dr", "sir", "madam", "minister", "premier", "chancellor", "pope"}
    | {"general", "gen", "colonel", "col", "lieutenant", "lt", "sergeant", "sgt", "captain", "capt"}
    | {"commander", "senator", "sen", "patriarch", "metropolitan"}
)
# Given names that are also place names (Volodymyr-Volynskyi was renamed Volodymyr in 2021), in the
# spellings news use; with other common given names, a place name right after one is a surname.
GIVEN_NAMES = frozenset(
    {"volodymyr", "vladimir", "wladimir", "oleksandr", "oleksiy", "oleksii", "andriy", "andrii", "dmytro"}
    | {"serhiy", "serhii", "mykola", "ivan", "yuriy", "yurii", "vitaliy", "vitalii", "vitali", "vadym", "ihor"}
    | {"oleh", "petro", "pavlo", "bohdan", "taras", "denys", "maksym", "vasyl", "viktor", "yevhen", "ruslan"}
    | {"kyrylo", "olena", "iryna", "natalia", "tetiana", "yulia", "svitlana", "oksana", "olha", "kateryna"}
    | {"mykhailo", "yaroslav", "hryhoriy", "stepan", "fedir", "anatoliy", "valeriy", "dmitry", "sergei"}
    | {"sergey", "mikhail", "alexander", "alexei", "yuri", "boris", "nikolai"}
)

KIND_RANK = {"district": 0, "city": 1, "raion": 2, "oblast": 3, "country": 4}
# "Shevchenko Street", "Peremohy Avenue": a name followed by one of these is an address, not a place.
STREET_WORDS = frozenset(
    {"street", "st", "str", "avenue", "ave", "boulevard", "blvd", "square", "lane", "prospekt", "prospect", "road"}
    | {"highway", "embankment", "alley", "passage", "vulytsia", "vul", "provulok"}
)
PLACE_KIND_WORDS = frozenset({"raion", "district", "city", "hromada", "community", "council", "town", "village"})
# The nouns after a raion's or a hromada's adjective ("Синельниківський район", "Покровська громада",
# "Шосткинська ТГ"), as lemmas; between the two may stand "міська", "сільська", "територіальна".
AREA_NOUNS = {"район": "raion", "громада": "hromada", "тг": "hromada", "отг": "hromada"}
AREA_QUALIFIERS = frozenset(
    {"міський", "сільський", "селищний", "територіальний", "обєднаний"}
    | {"городской", "сельский", "поселковый", "территориальный", "объединенный", "объединённый"}
)
REGION_WORDS = frozenset({"region", "oblast", "province", "regional", "oblasts", "regions", "область", "области"})
