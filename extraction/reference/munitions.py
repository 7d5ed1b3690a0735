# Cyrillic spellings are the data here, so look-alike letters are intended.
# ruff: noqa: RUF001
"""The munition catalogue as plain data: weapon models used against Ukraine, and generic
classes ("ballistic missile", "guided aerial bomb") for reports that name no model.

Written by hand from public facts (names, designations, categories, countries of
origin). It covers every ``model`` of the nightly attacks dataset's weapons table
(``missiles_and_uavs.csv``), which the project never reads at run time.

Choices worth knowing:

- **Multi-model strings.** The dataset's ``model`` column joins models two ways.
  " and " lists several models reported together ("X-101/X-555 and Kalibr"): an
  importer splits on " and " and matches each part. "/" means the source could not
  tell the models apart ("Iskander-M/KN-23", "X-101/X-555", "X-59/X-69",
  "C-300/C-400"): each such string is its own catalogue row with ``is_generic=True``
  (a group, not a model) whose aliases hold the string exactly as the dataset
  writes it, so the importer finds exactly one row and does not have to guess which
  model it was. "Shahed-136/131" is an alias of the generic "Shahed-type drone"
  row, which is what the Air Force means by it.
- **Unique spellings.** No name or alias appears on two rows (case-insensitively;
  a test checks it), so a lookup by any spelling gives one row.
- **Categories** (``strikes.choices.MunitionCategory``) follow each weapon's design
  role as the Ukrainian Air Force classifies it: Kh-22/Kh-32, Kh-35 and P-800 Oniks
  are anti-ship missiles even when fired at cities (which is why they are so
  inaccurate there); Kh-47M2 Kinzhal is an air-launched ballistic missile; Kh-31
  variants are air-to-surface (anti-radiation) missiles; S-300/S-400 interceptors
  fired at ground targets are surface-to-air missiles. The dataset's category
  "surface-to-air and ballistic" only labels combined strings such as
  "C-300 and Iskander-M": split on " and ", each part keeps its own category.
- **Origin** is the country whose design the weapon is; Soviet designs produced
  or fielded by Russia today are listed as Russia, since that is the question a
  reader asks ("Russian, Iranian or North Korean?"). Geran-2 drones are built in
  Russia but are the Iranian Shahed-136 design, so they stay aliases of Shahed-136
  with origin Iran. Generic classes have no origin.
"""

from __future__ import annotations

from enum import StrEnum


class C(StrEnum):
    """Munition categories as plain strings, declared once: ``strikes.choices.MunitionCategory`` derives from it."""

    BALLISTIC_MISSILE = "ballistic_missile"
    CRUISE_MISSILE = "cruise_missile"
    AIR_TO_SURFACE_MISSILE = "air_to_surface_missile"
    ANTI_SHIP_MISSILE = "anti_ship_missile"
    SURFACE_TO_AIR_MISSILE = "surface_to_air_missile"
    ATTACK_DRONE = "attack_drone"
    RECON_DRONE = "recon_drone"
    GUIDED_BOMB = "guided_bomb"
    UNGUIDED_BOMB = "unguided_bomb"
    ROCKET = "rocket"
    ARTILLERY = "artillery"
    OTHER = "other"


# The label each category is shown with; ``strikes.choices.MunitionCategory`` is built from ``C``
# and these labels, so the vocabulary is declared once.
CATEGORY_TITLES = {
    C.BALLISTIC_MISSILE: "Ballistic missile",
    C.CRUISE_MISSILE: "Cruise missile",
    C.AIR_TO_SURFACE_MISSILE: "Air-to-surface missile",
    C.ANTI_SHIP_MISSILE: "Anti-ship missile",
    C.SURFACE_TO_AIR_MISSILE: "Surface-to-air missile (used against ground targets)",
    C.ATTACK_DRONE: "One-way attack drone",
    C.RECON_DRONE: "Reconnaissance drone",
    C.GUIDED_BOMB: "Guided aerial bomb",
    C.UNGUIDED_BOMB: "Unguided bomb",
    C.ROCKET: "Artillery rocket",
    C.ARTILLERY: "Artillery shell",
    C.OTHER: "Other",
}


RUSSIA = "Russia"
IRAN = "Iran"
NORTH_KOREA = "North Korea"


def _m(
    name: str,
    category: str,
    aliases: list[str],
    origin: str = "",
    nato: str = "",
    *,
    generic: bool = False,
    description: str = "",
) -> dict:
    return {
        "name": name,
        "aliases": aliases,
        "category": str(category),
        "origin_country": origin,
        "nato_name": nato,
        "is_generic": generic,
        "description": description,
    }


MUNITIONS: list[dict] = [
    # --- Ballistic missiles ---
    _m("KN-23", C.BALLISTIC_MISSILE,
       ["KN23", "KN 23", "KN-23A", "Hwasong-11", "Hwasong 11", "Hwasong-11Ga", "Hwasong-11A", "КН-23", "Хвасон-11"],
       NORTH_KOREA, description="North Korean short-range ballistic missile supplied to Russia."),
    _m("KN-24", C.BALLISTIC_MISSILE, ["KN24", "Hwasong-11B", "Hwasong-11Na", "КН-24"], NORTH_KOREA,
       description="North Korean short-range ballistic missile, distinct from the KN-23."),
    _m("Iskander-M", C.BALLISTIC_MISSILE,
       ["Iskander", "Iskander M", "9M723", "9M723-1", "9К720", "9K720", "Іскандер-М", "Искандер-М", "Іскандер",
        "Искандер", "SS-26"],
       RUSSIA, "SS-26 Stone", description="Short-range ballistic missile of the 9K720 Iskander system."),
    _m("Iskander-M/KN-23", C.BALLISTIC_MISSILE,
       ["Iskander-M or KN-23", "Іскандер-М/KN-23", "Искандер-М/KN-23"],
       generic=True, description="Either an Iskander-M or a KN-23: the source did not tell them apart."),
    _m("Kh-47M2 Kinzhal", C.BALLISTIC_MISSILE,
       ["Kinzhal", "X-47 Kinzhal", "Kh-47 Kinzhal", "X-47", "Kh-47", "Х-47", "Kh-47M2", "X-47M2", "Х-47М2",
        "Кинжал", "Кинджал", "Х-47 Кинжал", "Х-47М2 Кинджал"],
       RUSSIA, "AS-24 Killjoy", description="Air-launched ballistic missile (MiG-31K, Tu-22M3)."),
    _m("Tochka-U", C.BALLISTIC_MISSILE,
       ["Tochka", "OTR-21 Tochka-U", "OTR-21", "9M79", "Точка-У", "Точка"], RUSSIA, "SS-21 Scarab"),
    _m("Oreshnik", C.BALLISTIC_MISSILE, ["Орешник", "Орєшнік", "Oreshnyk"], RUSSIA,
       description="Intermediate-range ballistic missile with multiple warheads."),
    _m("ballistic missile", C.BALLISTIC_MISSILE,
       ["Ballistic Missile", "ballistic missiles", "балістична ракета", "балістичні ракети", "баллистическая ракета",
        "баллистические ракеты"], generic=True),
    _m("intercontinental ballistic missile", C.BALLISTIC_MISSILE,
       ["Intercontinental Ballistic Missile", "ICBM", "міжконтинентальна балістична ракета",
        "межконтинентальная баллистическая ракета"], generic=True),
    # --- Cruise missiles ---
    _m("Kh-101", C.CRUISE_MISSILE, ["X-101", "Х-101", "Kh101", "X101", "Х101", "Kh 101"], RUSSIA, "AS-23A Kodiak",
       description="Air-launched cruise missile (Tu-95MS, Tu-160)."),
    _m("Kh-555", C.CRUISE_MISSILE, ["X-555", "Х-555", "Kh555", "Kh 555"], RUSSIA, "AS-15C Kent"),
    _m("Kh-55", C.CRUISE_MISSILE, ["X-55", "Х-55", "Kh 55"], RUSSIA, "AS-15 Kent",
       description="Older air-launched cruise missile, also fired with dummy warheads as a decoy."),
    _m("Kh-101/Kh-555", C.CRUISE_MISSILE,
       ["X-101/X-555", "Х-101/Х-555", "Kh-101/555", "X-101/555", "Kh-101/Kh-555 missiles"],
       generic=True, description="Either a Kh-101 or a Kh-555: the source did not tell them apart."),
    # NATO's name for the land-attack 3M-14 is SS-N-30A; "SS-N-27 Sizzler", which some weapon
    # tables give, is the anti-ship 3M-54 of the same family.
    _m("Kalibr", C.CRUISE_MISSILE,
       ["3M-14", "3M14", "3М-14", "3М14", "Kalibr-NK", "Калібр", "Калибр", "Kalibr cruise missile"],
       RUSSIA, "SS-N-30A", description="Ship- and submarine-launched land-attack cruise missile (3M-14)."),
    _m("Iskander-K", C.CRUISE_MISSILE,
       ["Iskander K", "9M728", "9M729", "R-500", "9М728", "9М729", "Іскандер-К", "Искандер-К"],
       RUSSIA, "SSC-7 Southpaw", description="Ground-launched cruise missile of the 9K720 Iskander system."),
    _m("3M22 Zircon", C.CRUISE_MISSILE,
       ["Zircon", "Tsirkon", "Zirkon", "3M22", "3М22", "Циркон", "3М22 Циркон"], RUSSIA, "SS-N-33",
       description="Hypersonic cruise missile, designed against ships, fired at land targets."),
    _m("Kh-59", C.CRUISE_MISSILE, ["X-59", "Х-59", "Kh-59 Ovod", "Kh-59M", "X-59M", "Ovod", "Овод"], RUSSIA,
       "AS-13 Kingbolt", description="Air-launched guided missile for ground targets."),
    _m("Kh-59MK2", C.CRUISE_MISSILE, ["X-59MK2", "Х-59МК2", "Kh-59MK2 missile"], RUSSIA, "AS-22"),
    _m("Kh-69", C.CRUISE_MISSILE, ["X-69", "Х-69", "Kh 69"], RUSSIA,
       description="Air-launched cruise missile derived from the Kh-59MK."),
    _m("Kh-59/Kh-69", C.CRUISE_MISSILE, ["X-59/X-69", "Х-59/Х-69", "Kh-59/69"], generic=True,
       description="Either a Kh-59 or a Kh-69: the source did not tell them apart."),
    _m("Banderol", C.CRUISE_MISSILE, ["Бандероль"], RUSSIA,
       description="Small air-launched cruise missile (Kronstadt), carried by Orion drones."),
    _m("cruise missile", C.CRUISE_MISSILE,
       ["Cruise Missile", "cruise missiles", "крилата ракета", "крилаті ракети", "крылатая ракета",
        "крылатые ракеты"], generic=True),
    # --- Anti-ship missiles fired at land targets ---
    _m("Kh-22", C.ANTI_SHIP_MISSILE, ["X-22", "Х-22", "KH-22", "Kh 22"], RUSSIA, "AS-4 Kitchen",
       description="Heavy anti-ship missile (Tu-22M3), inaccurate against ground targets."),
    _m("Kh-32", C.ANTI_SHIP_MISSILE, ["X-32", "Х-32", "Kh 32"], RUSSIA, "AS-4 Kitchen",
       description="Modernised Kh-22 (Tu-22M3M)."),
    _m("Kh-22/Kh-32", C.ANTI_SHIP_MISSILE, ["X-22/X-32", "Х-22/Х-32"], generic=True,
       description="Either a Kh-22 or a Kh-32: the source did not tell them apart."),
    _m("Kh-35", C.ANTI_SHIP_MISSILE, ["X-35", "Х-35", "Kh-35U", "Uran"], RUSSIA, "AS-20 Kayak"),
    _m("P-800 Oniks", C.ANTI_SHIP_MISSILE,
       ["Oniks", "Onyx", "P-800 Onyx", "P-800", "Yakhont", "Онікс", "Оникс", "П-800", "П-800 Онікс"],
       RUSSIA, "SS-N-26 Strobile", description="Supersonic anti-ship missile (Bastion coastal system)."),
    # --- Air-to-surface missiles ---
    _m("Kh-31", C.AIR_TO_SURFACE_MISSILE, ["X-31", "Х-31", "Kh-31A"], RUSSIA, "AS-17 Krypton"),
    _m("Kh-31P", C.AIR_TO_SURFACE_MISSILE,
       ["X-31P", "Х-31П", "Kh-31PM", "X-31PD", "Kh-31PD", "Х-31ПД", "X-31PM"], RUSSIA, "AS-17 Krypton",
       description="Anti-radiation variant of the Kh-31 (the PD/PM are its extended-range versions)."),
    # --- Surface-to-air missiles fired at ground targets ---
    _m("S-300", C.SURFACE_TO_AIR_MISSILE,
       ["C-300", "С-300", "S300", "С300", "S-300PM", "S-300PS", "5V55"], RUSSIA, "SA-10 Grumble",
       description="Air-defence missile fired at cities in ground-attack mode (Kharkiv, Zaporizhzhia)."),
    _m("S-400", C.SURFACE_TO_AIR_MISSILE, ["C-400", "С-400", "S400", "S-400 Triumf", "40N6"], RUSSIA,
       "SA-21 Growler"),
    _m("S-300/S-400", C.SURFACE_TO_AIR_MISSILE,
       ["C-300/C-400", "С-300/С-400", "48N6", "48N6E", "48N6DM", "48Н6"], generic=True,
       description="An S-300 or S-400 interceptor (the 48N6 family serves both)."),
    # --- One-way attack drones and loitering munitions ---
    _m("Shahed-136", C.ATTACK_DRONE,
       ["Shahed", "Shahed 136", "Shahed136", "Geran-2", "Geran 2", "Geran", "Герань-2", "Герань 2", "Герань",
        "Шахед-136", "Шахед"],
       IRAN, description="Iranian one-way attack drone; built in Russia as the Geran-2."),
    _m("Shahed-131", C.ATTACK_DRONE, ["Shahed 131", "Geran-1", "Герань-1", "Шахед-131"], IRAN),
    _m("Shahed-238", C.ATTACK_DRONE, ["Shahed 238", "Geran-3", "Герань-3", "Шахед-238"], IRAN,
       description="Jet-powered variant of the Shahed-136."),
    _m("Shahed-type drone", C.ATTACK_DRONE,
       ["Shahed-136/131", "Shahed-136/131 drones", "Shaheds", "Shahed drones", "Shahed-type", "Shahed-type drones",
        "шахеди", "шахеды", "Шахед-136/131"],
       IRAN, generic=True, description="A Shahed-136 or Shahed-131 (or their Geran copies), not told apart."),
    _m("Lancet", C.ATTACK_DRONE, ["Lancet-1", "Lancet-3", "Ланцет"], RUSSIA,
       description="Loitering munition (ZALA Aero)."),
    _m("Kub", C.ATTACK_DRONE, ["KUB-BLA", "Kub-BLA", "Куб", "Куб-БЛА"], RUSSIA,
       description="Loitering munition (ZALA Aero)."),
    _m("Molniya", C.ATTACK_DRONE, ["Молнія", "Молния", "Molniia", "Molnia", "Molniya-2", "Блискавка"], RUSSIA,
       description="Small fixed-wing attack drone (Kronstadt)."),
    _m("Privet-82", C.ATTACK_DRONE, ["Привет-82", "Привіт-82"], RUSSIA, description="Fixed-wing attack drone."),
    _m("Italmas", C.ATTACK_DRONE, ["Итальмас", "Італьмас"], RUSSIA, description="Fixed-wing attack drone."),
    _m("attack drone", C.ATTACK_DRONE,
       ["one-way attack drone", "attack drones", "kamikaze drone", "kamikaze drones", "strike drone", "attack UAV",
        "loitering munition", "ударний БпЛА", "ударні БпЛА", "ударный БПЛА", "дрон-камікадзе", "дрон-камикадзе"],
       generic=True),
    _m("FPV drone", C.ATTACK_DRONE, ["FPV", "FPV drones", "FPV-drone", "FPV-дрон", "FPV-дрони"], generic=True),
    # --- Decoys ---
    _m("Gerbera", C.OTHER, ["Гербера", "Gerbera decoy"], RUSSIA,
       description="Decoy drone flown with Shahed-type drones to saturate air defence."),
    # --- Reconnaissance drones ---
    _m("Orlan-10", C.RECON_DRONE, ["Orlan 10", "Орлан-10"], RUSSIA),
    _m("Orlan-30", C.RECON_DRONE, ["Orlan 30", "Орлан-30"], RUSSIA),
    _m("ZALA", C.RECON_DRONE, ["Zala", "ЗАЛА", "Зала", "ZALA 421-16", "ZALA 421-16E", "ZALA 421-16E5"], RUSSIA),
    _m("Supercam", C.RECON_DRONE, ["SuperCam", "Supercam S350", "Суперкам"], RUSSIA),
    _m("Eleron", C.RECON_DRONE, ["Eleron-3", "Eleron-3SV", "Элерон-3", "Елерон-3", "Элерон"], RUSSIA),
    _m("Forpost", C.RECON_DRONE, ["Forpost-R", "Форпост", "Форпост-Р"], RUSSIA),
    _m("Granat-4", C.RECON_DRONE, ["Granat 4", "Гранат-4"], RUSSIA),
    _m("Merlin-VR", C.RECON_DRONE, ["Merlin VR", "Мерлин-ВР", "Мерлін-ВР"], RUSSIA),
    # Armed multirole drones are filed as reconnaissance: that is how the Air Force counts them.
    _m("Mohajer-6", C.RECON_DRONE, ["Mohajer 6", "Мохаджер-6"], IRAN,
       description="Iranian multirole (reconnaissance and armed) drone."),
    _m("Orion", C.RECON_DRONE, ["Orion-E", "Inokhodets", "Иноходец", "Оріон", "Орион"], RUSSIA,
       description="Medium-altitude reconnaissance and strike drone (Kronstadt)."),
    _m("reconnaissance drone", C.RECON_DRONE,
       ["Reconnaissance UAV", "reconnaissance UAV", "recon drone", "reconnaissance drones", "розвідувальний БпЛА",
        "разведывательный БПЛА"], generic=True),
    # --- Bombs ---
    _m("KAB-500", C.GUIDED_BOMB, ["KAB-500L", "KAB-500KR", "KAB-500S", "КАБ-500"], RUSSIA),
    _m("KAB-1500", C.GUIDED_BOMB, ["KAB-1500L", "KAB-1500KR", "КАБ-1500"], RUSSIA),
    _m("FAB with UMPK", C.GUIDED_BOMB,
       ["UMPK", "УМПК", "FAB-250 with UMPK", "FAB-500 with UMPK", "FAB-1500 with UMPK", "FAB-3000 with UMPK",
        "FAB-500 UMPK", "FAB-1500 UMPK", "ФАБ з УМПК", "ФАБ с УМПК"],
       RUSSIA, description="A free-fall FAB bomb turned into a glide bomb by the UMPK wing and guidance kit."),
    _m("UPAB-1500B", C.GUIDED_BOMB, ["UPAB-1500", "УПАБ-1500", "УПАБ-1500Б"], RUSSIA),
    _m("guided aerial bomb", C.GUIDED_BOMB,
       ["guided bomb", "guided bombs", "guided aerial bombs", "glide bomb", "glide bombs", "KAB", "КАБ", "КАБи",
        "GBU", "керована авіабомба", "керовані авіабомби", "управляемая авиабомба", "управляемые авиабомбы"],
       generic=True),
    _m("FAB", C.UNGUIDED_BOMB, ["FAB-250", "FAB-500", "FAB-1500", "FAB-3000", "ФАБ-250", "ФАБ-500", "ФАБ-1500",
                                "ФАБ-3000", "ФАБ"], RUSSIA, description="Free-fall high-explosive bomb."),
    # Whether an "aerial bomb" was guided is unknown, so it is not filed under either bomb category.
    _m("aerial bomb", C.OTHER, ["Aerial Bomb", "air bomb", "aviation bomb", "авіабомба", "авиабомба"], generic=True),
    # --- Artillery rockets and shells ---
    _m("Grad", C.ROCKET, ["BM-21 Grad", "BM-21", "Град", "9M22", "122mm rocket", "Tornado-G", "Торнадо-Г"], RUSSIA,
       description="122 mm multiple rocket launcher (BM-21 and its Tornado-G successor)."),
    _m("Uragan", C.ROCKET, ["BM-27 Uragan", "BM-27", "Ураган", "9K57"], RUSSIA),
    _m("Smerch", C.ROCKET, ["BM-30 Smerch", "BM-30", "Смерч", "9K58", "9M55"], RUSSIA),
    _m("Tornado-S", C.ROCKET, ["Tornado S", "Торнадо-С", "9K515"], RUSSIA,
       description="300 mm multiple rocket launcher, successor of the Smerch."),
    _m("TOS-1A", C.ROCKET, ["TOS-1", "Solntsepyok", "Solntsepek", "ТОС-1", "ТОС-1А", "Солнцепёк", "Солнцепек"],
       RUSSIA, description="Thermobaric multiple rocket launcher."),
    _m("artillery rocket", C.ROCKET,
       ["MLRS", "MLRS rocket", "rocket artillery", "multiple rocket launcher", "РСЗВ", "РСЗО"], generic=True),
    _m("artillery shell", C.ARTILLERY, ["artillery", "shelling", "artillery fire", "артилерія", "артобстріл",
                                         "артиллерия", "артобстрел"], generic=True),
    # --- Unknown ---
    _m("unidentified missile", C.OTHER, ["Unknown Missile", "missile", "missiles", "ракета", "ракети", "ракеты"],
       generic=True, description="A missile of unknown type."),
    _m("unidentified drone", C.OTHER,
       ["Unknown UAV", "drone", "drones", "UAV", "UAVs", "unmanned aerial vehicle", "БпЛА", "БПЛА", "дрон", "дрони",
        "дроны"],
       generic=True, description="A drone of unknown type."),
]  # fmt: skip
