# ruff: noqa: RUF001, RUF002, RUF003  (Cyrillic letters and typographic apostrophes are matched on purpose)
"""Ukrainian and Russian news: the article's language, number words in every case, qualifiers,
casualty figures and dates. Pure Python.

The English rules (``figure_rules``) bind a number to a category by word order; Ukrainian and
Russian order words freely ("загинули двоє людей", "двоє людей загинули", "кількість загиблих
зросла до 5"), so here a number counts people when a person noun or a casualty noun follows it,
and its category is the casualty word nearest to it within its clause.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from extraction.dates import DateMention, holiday_dates, last_weekday
from extraction.figure_rules import RawFigure
from extraction.numbers import NumberMention

_APOS = "['’ʼ`]"

# --- Language ---

_CYR_RE = re.compile("[а-яіїєґёыэъ]")
_UK_ONLY_RE = re.compile("[іїєґ]")
_RU_ONLY_RE = re.compile("[ыэъё]")
_LATIN_BYTES = bytes(range(ord("a"), ord("z") + 1))


def detect_language(low: str) -> str:
    """ "uk", "ru" or "en" from the letters of the (lower-cased) text: Cyrillic against Latin, then the
    letters only Ukrainian writes (``_UK_ONLY_RE``) against those only Russian writes."""
    sample = low[:4000]
    cyr = len(_CYR_RE.findall(sample))
    # The letters a-z, counted as the bytes that deleting them takes off the UTF-8 text (a byte
    # under 0x80 is never part of another character's encoding): C passes, not a loop per character.
    data = sample.encode("utf-8", "surrogatepass")
    latin = len(data) - len(data.translate(None, _LATIN_BYTES))
    if cyr <= latin:
        return "en"
    # Ukrainian text without і, ї, є or ґ is rare: no such letter at all means Russian.
    return "uk" if len(_UK_ONLY_RE.findall(sample)) > len(_RU_ONLY_RE.findall(sample)) else "ru"


# --- Number words ---

# Each value with the stems its Ukrainian and Russian forms start with; the endings allowed after
# a stem cover the cases and genders ("двоє", "двох", "двома", "дві"; "п'ятеро", "п'ятьох").
_NUMBER_STEMS: list[tuple[int, str]] = [
    (11, "одинадцят|одиннадцат"),
    (12, "дванадцят|двенадцат"),
    (13, "тринадцят"),
    (14, "чотирнадцят|четырнадцат"),
    (15, f"п{_APOS}?ятнадцят|пятнадцат"),
    (16, "шістнадцят|шестнадцат"),
    (17, "сімнадцят|семнадцат"),
    (18, "вісімнадцят|восемнадцат"),
    (19, f"дев{_APOS}?ятнадцят|девятнадцат"),
    (20, "двадцят"),
    (30, "тридцят"),
    (40, "сорок"),
    (50, f"п{_APOS}?ятдесят|п{_APOS}?ятдесяти|пятьдесят|пятидесят"),
    (60, "шістдесят|шестьдесят"),
    (70, "сімдесят|семьдесят"),
    (80, "вісімдесят|восемьдесят"),
    (90, f"дев{_APOS}?яносто|девяносто"),
    (100, "сто|ста"),
    (1, "одн|один|одна|одне|одно"),
    (2, "дв|дві|две|двоє|двое"),
    (3, "тр|трьох|трох|трое|троє"),
    (4, "чотир|четыр|четвер|четвір"),
    (5, f"п{_APOS}?ят|пят|пят"),
    (6, "шіст|шест|шіст"),
    (7, "сім|сем|сім"),
    (8, "вісім|восьм|вісьм|восем"),
    (9, f"дев{_APOS}?ят|девят"),
    (10, "десят"),
]
# The whole forms, so "три" is a number and "тривога" is not.
_FORMS: dict[int, str] = {
    1: "один|одна|одне|одно|одного|одної|однієї|одной|одному|одній|одним|одною",
    2: "два|дві|две|двоє|двое|двох|двух|двом|двум|двома|двумя|двоїх|двоих",
    3: "три|троє|трое|трьох|трёх|трех|трьом|трем|трьома|тремя|троих|трьох",
    4: "чотири|четыре|четверо|чотирьох|четырех|четырёх|чотирьом|чотирма|четырьмя|четверых",
    5: f"п{_APOS}?ять|пять|п{_APOS}?ятеро|пятеро|п{_APOS}?яти|пяти|п{_APOS}?ятьох|пятерых|п{_APOS}?ятьма|пятью",
    6: "шість|шесть|шестеро|шести|шістьох|шестерых|шістьма|шестью",
    7: "сім|семь|семеро|семи|сімох|семерых|сьома|семью",
    8: "вісім|восемь|восьмеро|восьми|вісьмох|восьмерых|вісьма|восемью",
    9: f"дев{_APOS}?ять|девять|дев{_APOS}?ятеро|девятеро|дев{_APOS}?яти|девяти|дев{_APOS}?ятьох|девятерых",
    10: "десять|десятеро|десяти|десятьох|десятерых|десятьма|десятью",
}
_ENDINGS = "(?:ь|и|ох|ьох|ьма|ма|ю|ью|еро|ох|ьом|ом)?"
_TEEN_TENS = "|".join(f"(?:{stem}){_ENDINGS}" for value, stem in _NUMBER_STEMS if 11 <= value <= 90)
_UNIT_FORMS = "|".join(_FORMS[v] for v in sorted(_FORMS, reverse=True))
_WORD = rf"(?:{_TEEN_TENS}|сто|ста|{_UNIT_FORMS})"
# "два десятки" (two tens: 20), "десяток" (about ten), "десятки" (dozens: at least 20).
_VAGUE_WORDS = {"десятки": 20, "десятків": 20, "десятков": 20, "сотні": 200, "сотень": 200, "сотни": 200}

QUALIFIERS = [
    (r"щонайменше|щонайменш|принаймні|як\s+мінімум|не\s+менше\s+(?:ніж|як)|не\s+менш\s+як|не\s+менше", "at_least"),
    (r"по\s+меньшей\s+мере|как\s+минимум|не\s+менее|минимум", "at_least"),
    (r"понад|більше\s+(?:ніж|як)|більш\s+ніж|більше|свыше|более|больше", "more_than"),
    (r"близько|приблизно|майже|около|почти|примерно|порядка", "about"),
    (r"до", "up_to"),
]
_QUAL_RE = "|".join(f"(?P<q{i}>{rx})" for i, (rx, _) in enumerate(QUALIFIERS))
NUMBER_RE = re.compile(
    rf"(?<![\w'’ʼ-])(?:(?:{_QUAL_RE})\s+)?"
    rf"(?:(?P<digits>\d{{1,5}})(?:-(?:х|ох|ти|ми|м|ма|ьох))?(?![\d:.,]\d)(?!\s*[-–]?\s*(?:річн|річч|летн|лет\b|років|года|рок|%|км|м\b|см|кг|ч\b|год))"
    rf"|(?P<words>{_WORD}(?:\s+{_WORD})?(?:\s+десятк\w*)?)|(?P<vague>{'|'.join(_VAGUE_WORDS)}))"
    r"(?![\w'’ʼ-])"
)
# A number after one of these grows to it: the figure is a later update ("зросла до 17").
_GREW = r"(?:зросл\w*|зріс|збільшил\w*|сягнул\w*|сягає|досягл\w*|вырос\w*|увеличил\w*|достиг\w*)"
_GREW_RE = re.compile(rf"{_GREW}\s+$")
# "до 24 людей зросла кількість постраждалих": the verb after the number.
_GREW_AFTER_RE = re.compile(rf"^\s+(?:\w+\s+){{0,2}}{_GREW}")


@lru_cache(maxsize=4096)
def word_value(phrase: str) -> int | None:
    """ "двоє" -> 2, "двадцять три" -> 23, "два десятки" -> 20 (per word, cached)."""
    words = phrase.replace("’", "'").replace("ʼ", "'").split()
    if words and words[-1].startswith("десятк"):
        n = word_value(" ".join(words[:-1])) if len(words) > 1 else 1
        return None if n is None else 10 * n
    total = 0
    for w in words:
        v = _one_word(w)
        if v is None:
            return None
        total += v
    return total


_FORM_RES = [(value, re.compile(forms)) for value, forms in _FORMS.items()]
_STEM_RES = [(value, re.compile(f"(?:{stems}){_ENDINGS}")) for value, stems in _NUMBER_STEMS if value >= 11]


def _one_word(w: str) -> int | None:
    for value, rx in _FORM_RES:
        if rx.fullmatch(w):
            return value
    for value, rx in _STEM_RES:
        if rx.fullmatch(w):
            return value
    return None


def slavic_numbers(low: str, start: int, end: int, skip: list[tuple[int, int]]) -> list[NumberMention]:
    """The numbers written in ``low[start:end]`` (digits and words), outside the ``skip`` spans."""
    out = []
    for m in NUMBER_RE.finditer(low, start, end):
        if any(a < m.end() and m.start() < b for a, b in skip):
            continue
        qual = "exact"
        for i, (_rx, name) in enumerate(QUALIFIERS):
            if m.group(f"q{i}"):
                qual = name
        vague = False
        if m.group("digits"):
            value = int(m.group("digits"))
        elif m.group("vague"):
            value, vague = _VAGUE_WORDS[m.group("vague")], True
            qual = "at_least" if qual == "exact" else qual
        else:
            value = word_value(m.group("words"))
            if value is None:
                continue
        if qual == "up_to" and (
            _GREW_RE.search(low, max(0, m.start() - 30), m.start()) or _GREW_AFTER_RE.match(low[m.end() : m.end() + 40])
        ):
            qual = "exact"  # "зросла до 17": the toll is now 17
        num_start = m.start("digits") if m.group("digits") else m.start("words") if m.group("words") else m.start()
        out.append(NumberMention(value, qual, m.start(), m.end(), num_start, vague))
    return out


# --- Casualty figures ---

_PERSON = (
    r"(?:люд\w*|ос[оі]б\w*|особа|чоловік\w*|жін\w*|мешкан\w*|жител\w*|цивільн\w*|громадян\w*|"
    r"человек|лиц\b|мирн\w*|дит\w*|діт\w*|дет\w*|ребен\w*|підлітк\w*|подрост\w*|неповнолітн\w*|несовершеннолетн\w*|"
    r"працівник\w*|рятувальник\w*|медик\w*|пасажир\w*|хлоп\w*|дівч\w*|дівчин\w*|девоч\w*|мальчик\w*)"
)
_KILLED = (
    r"(?:загин\w*|загибл\w*|загибел\w*|вбит\w*|убит\w*|убив\w*|вбив\w*|жертв\w*|погиб\w*|помер\w*|"
    r"смертельн\w*|мертв\w*|тіла\b|тел\b|смерт\w*)"
)
_INJURED = (
    r"(?:поранен\w*|поранень|пораненн\w*|травмован\w*|травм\w*|постражда\w*|постраждал\w*|пострадав\w*|"
    r"пострадал\w*|ранен\w*|ранени\w*|госпіталізован\w*|госпитализирован\w*|потерпіл\w*|постраждав\w*|"
    r"ушкоджен\w*|травмирован\w*)"
)
_CHILD = r"(?:дит\w*|діт\w*|дет\w*|ребен\w*|ребён\w*|підлітк\w*|подрост\w*|неповнолітн\w*|несовершеннолетн\w*|малол\w*)"
_MISSING = r"(?:зникл\w*|безвісти|пропал\w*|под\s+завал\w*|під\s+завал\w*)"
_TRIGGER_RE = re.compile(rf"(?<!\w)(?:(?P<killed>{_KILLED})|(?P<injured>{_INJURED})|(?P<missing>{_MISSING}))(?!\w)")
_PERSON_AFTER_RE = re.compile(rf"\s*(?:\w+\s+){{0,1}}?{_PERSON}(?!\w)|\s*(?:{_KILLED}|{_INJURED})")
_TRIGGER_BEFORE_RE = re.compile(rf"(?:{_KILLED}|{_INJURED}|{_MISSING})\W*(?:\w+\W+){{0,2}}$")
_CHILD_RE = re.compile(rf"(?<!\w){_CHILD}(?!\w)")
# Words that end a clause: a trigger across one of these is about another number.
_CLAUSE_SPLIT_RE = re.compile(r"[;:()]|,\s+(?:а|але|однак|ще|і ще|та ще|а також|но)\s|\.\s")
# "12 врятованих людей", "евакуйовано 30 людей": people counted, but not as casualties.
_NOT_CASUALTY_RE = re.compile(r"\s*(?:врятован|евакуйован|спасен|эвакуирован|звільнен|освобожден)\w*")
# "з них", "серед них", "из них": the number is a part of the figure before (children among them).
_AMONG_BEFORE_RE = re.compile(
    r"(?:серед\s+(?:них|яких|загиблих|поранених|постраждалих|травмованих)|з\s+них|з\s+яких|из\s+них|из\s+которых|"
    r"среди\s+(?:них|которых|погибших|раненых|пострадавших)|в\s+том\s+числе|у\s+тому\s+числі|зокрема)\s*"
)
_AMONG_END_RE = re.compile(_AMONG_BEFORE_RE.pattern + r"(?:\w+\s+)?$")
# "Читайте також: ...", "Дивіться також", "Читайте также": a link to another article, not this one.
RELATED_LINK_RE = re.compile(r"\s*(?:читайте|дивіться|дивись|слухайте|смотрите|читайте)\s+(?:також|также|тоже)\b")
_STALE_RE = re.compile(r"(?:раніше\s+повідомлял\w*|раніше\s+йшлося|спершу|спочатку|ранее\s+сообщал\w*|изначально)")
_UPDATE_RE = re.compile(r"(?:зросл\w*|зріс|збільшил\w*|сягнул\w*|вырос\w*|увеличил\w*|оновлено|оновлення|обновлено)")


_WEAPON_AFTER_RE = re.compile(
    r"\s*(?:\w+\s+)?(?:дрон\w*|ракет\w*|шахед\w*|безпілотник\w*|беспилотник\w*|бпла|каб\w{0,3}|"
    r"засоб\w*\s+повітряного\s+нападу|цілей|цілі|целей|цели)(?!\w)"
)
_LAUNCH_RE = re.compile(r"(?<!\w)(?:запусти\w*|випусти\w*|атакува\w*|застосува\w*|выпусти\w*|атаковал\w*|применил\w*)")
_INTERCEPT_RE = re.compile(
    r"(?<!\w)(?:збил\w*|збит\w*|знешкод\w*|подавлен\w*|сбил\w*|сбит\w*|уничтож\w*|нейтраліз\w*|перехоп\w*)"
)


def _weapons_figure(low: str, start: int, end: int, n: NumberMention) -> RawFigure | None:
    """ "запустили 87 дронів" -> launched 87; "ППО збила 64 дрони" -> intercepted 64."""
    after = _WEAPON_AFTER_RE.match(low, n.end, min(end, n.end + 50))
    if after is None:
        return None
    verbs = [(m.start(), "launched") for m in _LAUNCH_RE.finditer(low, start, end)]
    verbs += [(m.start(), "intercepted") for m in _INTERCEPT_RE.finditer(low, start, end)]
    if not verbs:
        return None
    pos, cat = min(verbs, key=lambda v: abs(v[0] - n.start))
    return RawFigure(cat, n.value, n.qualifier, min(pos, n.start), max(after.end(), n.end), vague=n.vague)


def slavic_figures(low: str, start: int, end: int, nums: list[NumberMention]) -> list[RawFigure]:
    """The casualty and weapons figures of one sentence ``low[start:end]`` (lower-cased article text)."""
    out: list[RawFigure] = []
    if RELATED_LINK_RE.match(low, start, end):
        return out
    clauses = [start] + [m.end() for m in _CLAUSE_SPLIT_RE.finditer(low, start, end)] + [end]
    for n in nums:
        weapons = _weapons_figure(low, start, end, n)
        if weapons is not None:
            out.append(weapons)
            continue
        if _NOT_CASUALTY_RE.match(low, n.end):
            continue
        after = _PERSON_AFTER_RE.match(low, n.end, min(end, n.end + 40))
        before_trigger = _TRIGGER_BEFORE_RE.search(low[max(start, n.start - 60) : n.start])
        grew = _GREW_RE.search(low, max(start, n.start - 30), n.start) or _GREW_AFTER_RE.match(low[n.end : n.end + 40])
        if after is None and before_trigger is None and not grew:
            continue
        c0 = max(c for c in clauses if c <= n.start)
        c1 = min(c for c in clauses if c > n.start)
        cat, dist, tspan = None, 10**9, None
        for m in _TRIGGER_RE.finditer(low, c0, c1):
            d = m.start() - n.end if m.start() >= n.end else n.start - m.end()
            if d < dist:
                cat, dist, tspan = m.lastgroup, d, m.span()
        if cat is None:
            continue
        # A child noun right after the number ("двоє дітей", "троє з них діти"): the children's count.
        child_span = after.group() if after is not None else ""
        among = _AMONG_END_RE.search(low, max(c0, n.start - 30), n.start)
        among_after = _AMONG_BEFORE_RE.match(low, n.end + 1)  # "троє з яких — діти"
        if _CHILD_RE.search(child_span) and cat in ("killed", "injured"):
            cat = f"children_{cat}"
        elif among or among_after:
            tail = low[n.end : min(c1, n.end + 40)]
            if not _CHILD_RE.search(tail) or cat not in ("killed", "injured"):
                continue  # "двоє з них у важкому стані": a part of a figure, not one of its own
            cat = f"children_{cat}"
        a = min(n.start, tspan[0])
        b = max(n.end, tspan[1], after.end() if after is not None else n.end)
        update = bool(_UPDATE_RE.search(low, max(start, n.start - 60), n.start))
        stale = bool(_STALE_RE.search(low, start, end))
        update = update and not stale
        out.append(RawFigure(cat, n.value, n.qualifier, a, b, vague=n.vague, update=update, stale=stale))
    return out


# --- Dates ---

_UK_MONTHS = "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня"
_RU_MONTHS = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
_MONTHS = {
    **{m: i for i, m in enumerate(_UK_MONTHS.split(), 1)},
    **{m: i for i, m in enumerate(_RU_MONTHS.split(), 1)},
}
_WEEKDAYS = {
    "понеділок": 0, "понедельник": 0, "вівторок": 1, "вторник": 1, "середу": 2, "среду": 2, "середа": 2,
    "четвер": 3, "четверг": 3, "п'ятницю": 4, "пятницу": 4, "п’ятницю": 4, "суботу": 5, "субботу": 5,
    "неділю": 6, "воскресенье": 6,
}  # fmt: skip
DATE_RE = re.compile(
    rf"(?P<night>(?:у|в)\s+ніч\s+(?:на|проти)\s+|в\s+ночь\s+на\s+|(?:у|в)\s+ніч\s+з\s+\d{{1,2}}\s+(?:на|по)\s+)?"
    rf"(?<!\d)(?P<day>\d{{1,2}})\s+(?P<month>{'|'.join(_MONTHS)})(?:\s+(?P<year>20\d\d)(?:\s*(?:року|р\.|года|г\.))?)?"
)
_WEEKDAY_RE = re.compile(rf"(?<!\w)(?:у|в|во)\s+(?P<wd>{'|'.join(_WEEKDAYS)})(?!\w)")
_RELATIVE_RE = re.compile(
    r"(?<!\w)(?P<today>сьогодні|сегодня|вночі|цієї\s+ночі|минулої\s+ночі|цього\s+ранку|зранку|вранці|ночью|утром|"
    r"этой\s+ночью|прошлой\s+ночью)|(?P<yesterday>учора|вчора|вчера|напередодні|накануне)(?!\w)"
)


def slavic_dates(low: str, anchor: dt.date | None) -> list[DateMention]:
    """Dates written in Ukrainian or Russian, resolved against ``anchor`` (the publication date).

    "у ніч на 11 жовтня" is the night into 11 October: the event gets 11 October (the morning's date,
    as Ukrainian authorities name a night), the same rule as for English "the night of 10 to 11"."""
    out = []
    for m in DATE_RE.finditer(low):
        day, month = int(m.group("day")), _MONTHS[m.group("month")]
        year = int(m.group("year")) if m.group("year") else None
        if year is None and anchor is not None:
            year = anchor.year if (month, day) <= (anchor.month, anchor.day + 2) else anchor.year - 1
        date = None
        if year is not None:
            try:
                date = dt.date(year, month, day)
            except ValueError:
                date = None
        has_year = bool(m.group("year"))
        out.append(DateMention(m.start(), m.end(), "explicit", date, "day", has_year, None, (month, day)))
    for m in _WEEKDAY_RE.finditer(low):
        wd = _WEEKDAYS[m.group("wd")]
        date = last_weekday(wd, anchor) if anchor else None
        out.append(DateMention(m.start(), m.end(), "weekday", date, "day", False, wd))
    for m in _RELATIVE_RE.finditer(low):
        date = None
        if anchor is not None:
            date = anchor - dt.timedelta(days=1) if m.group("yesterday") else anchor
        out.append(DateMention(m.start(), m.end(), "relative", date, "day"))
    out += holiday_dates(low, anchor)
    out.sort(key=lambda d: d.start)
    return out


_VICTIMS_RE = re.compile(r"постражда|пострадав|потерпіл|постраждал|пострадал")


def victims_totals(figures: list) -> None:
    """ "42 пострадавших" next to "погибли 5" and "травмированы 37": the victims are the dead and the
    injured together (5 + 37), a total of casualties, not the injured figure. Re-labelled in place."""
    killed = {f.value for f in figures if f.category == "killed" and f.scope == "event"}
    injured = [f for f in figures if f.category == "injured" and f.scope == "event"]
    plain = {f.value for f in injured if not _VICTIMS_RE.search(f.quote.lower())}
    for f in injured:
        if _VICTIMS_RE.search(f.quote.lower()) and any(k + i == f.value for k in killed for i in plain if k and i):
            f.category = "casualties"


_ONE_PERSON = (
    r"(?:дитина|жінка|чоловік|дівчинка|хлопчик|хлопець|підліток|немовля|пенсіонерка|пенсіонер|літня\s+жінка|"
    r"ребенок|ребёнок|женщина|мужчина|девочка|мальчик|подросток|пенсионерка|пенсионер)"
)
_LIST_VERB = r"(?P<verb>загинул[иа]|загинув|загинуло|погибл[иа]|погиб|(?:були\s+|було\s+)?поранен[іа]|ранен[ыа])"
_LISTED_RE = re.compile(
    rf"(?<!\w){_LIST_VERB}\s+(?P<list>{_ONE_PERSON}(?:\s*(?:,|\sта|\sі|\sй|\sи)\s+{_ONE_PERSON})+)(?!\w)"
)
_ONE_PERSON_RE = re.compile(rf"(?<!\w){_ONE_PERSON}(?!\w)")
_CHILD_ONE_RE = re.compile(r"дитина|дівчинка|хлопчик|підліток|немовля|ребенок|ребёнок|девочка|мальчик|подросток")


def listed_victims(low: str, start: int, end: int) -> list[RawFigure]:
    """ "загинула дитина, жінка та чоловік": one person per noun, three killed (one of them a child)."""
    out = []
    for m in _LISTED_RE.finditer(low, start, end):
        people = _ONE_PERSON_RE.findall(m.group("list"))
        cat = "killed" if m.group("verb").startswith(("загин", "погиб")) else "injured"
        out.append(RawFigure(cat, len(people), "exact", m.start(), m.end()))
        children = sum(1 for p in people if _CHILD_ONE_RE.fullmatch(p))
        if children:
            out.append(RawFigure(f"children_{cat}", children, "exact", m.start(), m.end()))
    return out
