"""The importers' pure parsing: cells, literals, dates, weapon names and place names (no database)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from datasets.importers.common import (
    RowError,
    parse_count,
    parse_day_first_date,
    parse_iso,
    parse_literal,
    parse_us_date,
    table_open,
)
from datasets.importers.munitions import MunitionIndex, name_keys, slash_parts, weapon_category
from datasets.importers.places import Gazetteer
from datasets.importers.ucdp import sources_parse, time_precision_for

KYIV = ZoneInfo("Europe/Kyiv")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("{'south': 30, 'east': 85, 'north': NaN}", {"south": 30, "east": 85, "north": None}),
        ("{'russia': 1.0, 'belarus': 2.5}", {"russia": 1, "belarus": 2.5}),
        ("['Kyiv oblast', 'Sumy oblast']", ["Kyiv oblast", "Sumy oblast"]),
        (
            "{'X-101/X-555': 'Volgograd oblast', 'Kalibr': 'Black Sea'}",
            {"X-101/X-555": "Volgograd oblast", "Kalibr": "Black Sea"},
        ),
        ("{}", {}),
        ("nan", None),
        ("", None),
        ("{'a': -3, 'b': None, 'c': inf}", {"a": -3, "b": None, "c": None}),
    ],
)
def test_literal_cells_parse_without_evaluation(cell, value):
    assert parse_literal(cell) == value


@pytest.mark.parametrize(
    "cell",
    [
        "__import__('os').system('true')",
        "{'a': open('/etc/passwd').read()}",
        "{**{'a': 1}}",
        "(lambda: 1)()",
        "{'a': 1} if True else 2",
        "[" * 30 + "]" * 30,
        "{'a': 1",
        "x" * 30_000,
    ],
)
def test_anything_but_a_plain_literal_is_refused(cell):
    with pytest.raises(RowError):
        parse_literal(cell, name="destroyed_details")


@pytest.mark.parametrize(("cell", "value"), [("93.0", 93), ("93", 93), ("1,234", 1234), ("", None), ("NaN", None)])
def test_counts(cell, value):
    assert parse_count(cell, name="launched") == value


@pytest.mark.parametrize("cell", ["-1", "2.5", "many", "inf"])
def test_bad_counts(cell):
    with pytest.raises(RowError, match="launched"):
        parse_count(cell, name="launched")


def test_iso_times_are_kyiv_local_unless_an_offset_is_given():
    assert parse_iso("2025-01-10 18:00", name="t") == (dt.datetime(2025, 1, 10, 18, tzinfo=KYIV), True)
    assert parse_iso("2025-01-10", name="t") == (dt.datetime(2025, 1, 10, tzinfo=KYIV), False)
    moment, _ = parse_iso("2025-04-24T01:00:00+03:00", name="t")
    assert moment == dt.datetime(2025, 4, 23, 22, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("cell", "date"),
    [
        ("9/16/2022 12:00:00 AM", dt.date(2022, 9, 16)),
        ("09/03/2022 00:00", dt.date(2022, 9, 3)),
        ("01/01/2015 00:00", dt.date(2015, 1, 1)),
        ("2/18/2014 12:00:00 AM", dt.date(2014, 2, 18)),
        ("2022-09-16 00:00:00.000", dt.date(2022, 9, 16)),
    ],
)
def test_us_dates_are_month_first(cell, date):
    assert parse_us_date(cell, name="date_start") == date


def test_a_day_first_date_in_a_us_column_is_refused():
    with pytest.raises(RowError, match="not month/day/year"):
        parse_us_date("16/09/2022 00:00", name="date_start")


def test_day_first_dates():
    for cell in (
        "24 April 2025",
        "24-April-2025",
        "24 Apr 2025",
        "24/04/2025",
        "24.04.2025",
        "2025-04-24",
        "24/04/2025 00:00:00",  # ACLED's export tool
        "24/04/2025 00:00",
        "24 April 2025 00:00:00",
        "24/04/2025 12:00:00 AM",
        "2025-04-24 00:00:00",
    ):
        assert parse_day_first_date(cell, name="event_date") == dt.date(2025, 4, 24), cell
    for cell in ("24/04/2025 24:00", "24/04/2025 00:60", "24/04/2025 13:00 PM", "24/04/2025 midnight"):
        with pytest.raises(RowError):
            parse_day_first_date(cell, name="event_date")
    with pytest.raises(RowError, match="unknown month"):
        parse_day_first_date("24 Avril 2025", name="event_date")


def test_slash_names_complete_a_shortened_second_half():
    assert slash_parts("Shahed-136/131") == ["Shahed-136", "Shahed-131"]
    assert slash_parts("X-101/X-555") == ["X-101", "X-555"]
    assert slash_parts("Iskander-M/KN-23") == ["Iskander-M", "KN-23"]


def test_transliterations_of_designations_match():
    assert name_keys("X-101") & name_keys("Kh-101")
    assert name_keys("C-300") & name_keys("S-300")
    assert name_keys("\u0425-101") & name_keys("Kh-101")  # Cyrillic Kha
    assert not name_keys("Kh-101") & name_keys("Kh-555")


def test_matching_tries_the_whole_label_then_its_parts():
    index = MunitionIndex(
        [(1, "Kh-101", []), (2, "Kh-555", []), (3, "Kalibr", []), (4, "Iskander-M/KN-23", []), (5, "Iskander-M", [])]
    )
    match = index.match("X-101/X-555 and Kalibr and Iskander-M/KN-23")
    assert (match.ids, match.unmatched) == ([1, 2, 3, 4], [])
    assert index.match("Iskander-M and Iskander-K").unmatched == ["Iskander-K"]
    assert index.match("Фенікс").unmatched == ["Фенікс"]


def test_weapon_categories_from_the_weapons_table():
    assert weapon_category("UAV", "loitering munition", "Lancet") == "attack_drone"
    assert weapon_category("UAV", "reconnaissance", "Orlan-10") == "recon_drone"
    assert weapon_category("cruise missile", "air-to-surface", "X-59") == "air_to_surface_missile"
    assert weapon_category("cruise missile", "anti-ship", "P-800 Oniks") == "anti_ship_missile"
    assert weapon_category("ballistic missile", "", "KN-23") == "ballistic_missile"
    assert weapon_category("surface-to-air missile", "", "C-300") == "surface_to_air_missile"
    assert weapon_category("guided bomb", "", "GBU") == "guided_bomb"
    with pytest.raises(RowError):
        weapon_category("laser", "", "X")


def test_gazetteer_prefers_the_oblast_and_the_nearest_homonym():
    gazetteer = Gazetteer(
        [
            (1, "Donetsk Oblast", ["Donetsk region"], "oblast", None, 48.0, 37.8, None),
            (2, "Kharkiv Oblast", [], "oblast", None, 49.6, 36.4, None),
            (10, "Pisky", [], "city", 1, 48.06, 37.65, 2000),
            (11, "Pisky", [], "city", 2, 49.7, 36.1, 1000),
        ]
    )
    assert gazetteer.oblast("Donetsk oblast") == gazetteer.oblast("Donetsk") == 1
    assert gazetteer.oblast("Kharkiv Oblast") == 2
    assert gazetteer.settlement("Pisky village", oblast_id=1, latitude=48.06, longitude=37.65) == 10
    assert gazetteer.settlement("Pisky", latitude=49.71, longitude=36.1) == 11
    assert gazetteer.settlement("Pisky", latitude=46.5, longitude=30.7) is None  # far from both
    assert gazetteer.settlement("??") is None


def test_nearest_settlement_is_the_closest_within_the_limit_and_only_a_settlement():
    gazetteer = Gazetteer(
        [
            (1, "Donetsk Oblast", [], "oblast", None, 48.0, 37.8, None),
            (5, "Bakhmut Raion", [], "raion", 1, 48.5, 38.0, None),  # an area's centre: never "nearest"
            (10, "Alpha", [], "city", 1, 48.50, 38.05, 100),
            (11, "Beta", [], "city", 1, 48.50, 38.10, 100),
            (12, "Gamma", [], "district", 1, 48.6005, 38.099, 100),  # just across a grid line (48.6 N)
        ]
    )
    # 0.05 degrees of longitude at 48.5 N is 3.69 km: Alpha is 0 km, Beta 3.69 km away.
    assert gazetteer.nearest(48.50, 38.05) == 10
    assert gazetteer.nearest(48.50, 38.08) == 11  # 1.48 km from Beta, 2.21 from Alpha
    assert gazetteer.nearest(48.5, 38.0) == 10  # on the raion's point: Alpha, 3.69 km
    assert gazetteer.nearest(48.5995, 38.101) == 12  # 0.19 km, in the grid cell north of the point's
    assert gazetteer.nearest(48.50, 37.98) is None  # Alpha is 5.16 km away: beyond 5 km
    assert gazetteer.nearest(48.50, 37.98, within_km=5.2) == 10
    assert gazetteer.nearest(47.0, 30.0) is None


def test_nearest_settlement_agrees_with_a_search_of_every_settlement():
    import random

    from config.geo import km_between

    rng = random.Random(17)
    places = [(i, f"S{i}", [], "city", None, rng.uniform(47, 49), rng.uniform(35, 38), None) for i in range(1, 1500)]
    gazetteer = Gazetteer(places)
    for _ in range(500):
        lat, lon = rng.uniform(47, 49), rng.uniform(35, 38)
        distance, pid = min((km_between(lat, lon, p[5], p[6]), p[0]) for p in places)
        assert gazetteer.nearest(lat, lon) == (pid if distance <= 5 else None)


def test_ucdp_time_precision_follows_the_span():
    day = dt.date(2022, 9, 3)
    assert time_precision_for(1, day, day) == "day"
    assert time_precision_for(1, day, day + dt.timedelta(days=2)) == "week"
    assert time_precision_for(2, day, day + dt.timedelta(days=20)) == "month"


def test_ucdp_source_entries_split_only_between_entries():
    row = {
        "source_article": '"Reuters News,2014-02-22,WRAPUP 9-Ukraine parliament removes Yanukovich, who flees Kiev in '
        '"coup"";"Unian,2018-04-13,1 KIA; 2 WIA"'
    }
    sources = sources_parse(row)
    assert [(s.outlet, s.title) for s in sources] == [
        ("Reuters News", 'WRAPUP 9-Ukraine parliament removes Yanukovich, who flees Kiev in "coup"'),
        ("Unian", "1 KIA; 2 WIA"),
    ]
    assert sources[1].published_at.astimezone(KYIV).date() == dt.date(2018, 4, 13)


def test_a_binary_or_empty_file_is_refused(tmp_path):
    from datasets.importers.common import FileRefused

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(FileRefused, match="empty"):
        table_open(empty, required={"model"}, what="a CSV")
    binary = tmp_path / "x.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(FileRefused, match="binary"):
        table_open(binary, required={"model"}, what="a CSV")
