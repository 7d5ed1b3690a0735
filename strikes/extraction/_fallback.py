"""A minimal munition list, used only until strikes.reference.MUNITIONS exists."""

MUNITIONS = [
    {"name": "KN-23", "aliases": ["KN23", "Hwasong-11", "KN-23A"], "category": "ballistic_missile",
     "origin_country": "North Korea", "nato_name": "", "is_generic": False},
    {"name": "Iskander-M", "aliases": ["Iskander", "9M723"], "category": "ballistic_missile",
     "origin_country": "Russia", "nato_name": "SS-26 Stone", "is_generic": False},
    {"name": "Kh-101", "aliases": ["X-101"], "category": "cruise_missile", "origin_country": "Russia",
     "nato_name": "", "is_generic": False},
    {"name": "Kh-22", "aliases": ["X-22"], "category": "cruise_missile", "origin_country": "Russia",
     "nato_name": "AS-4 Kitchen", "is_generic": False},
    {"name": "Kalibr", "aliases": ["3M-14"], "category": "cruise_missile", "origin_country": "Russia",
     "nato_name": "", "is_generic": False},
    {"name": "Shahed-136", "aliases": ["Shahed", "Geran-2"], "category": "attack_drone",
     "origin_country": "Iran", "nato_name": "", "is_generic": False},
]  # fmt: skip
