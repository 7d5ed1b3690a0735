"""import_waves: the nightly attacks dataset as waves with launched/intercepted per weapon."""

import csv
import datetime as dt
import io
from collections import defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Q, Sum
from django.test import Client
from django.urls import reverse

from datasets.importers.common import FileRefused
from datasets.importers.waves import waves_import
from strikes.choices import ExternalSource, MunitionCategory
from strikes.models import Munition, Wave, WaveMunition
from tests.datasets.conftest import shared_file

KYIV = ZoneInfo("Europe/Kyiv")

# The real file's header, including the column "affected region" with a space in it.
HEADER = (
    "time_start,time_end,model,launch_place,target,target_main,launched,destroyed,not_reach_goal,"
    "still_attacking,border_crossing,is_shahed,num_hit_location,num_fall_fragment_location,carrier,"
    "turbojet,turbojet_destroyed,affected region,destroyed_details,launched_details,launch_place_details,source"
)
COLUMNS = next(csv.reader([HEADER]))


def daily(*rows: dict) -> str:
    """A daily file with the real header; each row gives only the cells it needs."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue()


def spelled(spelling: str) -> Munition:
    return Munition.objects.get(Q(name=spelling) | Q(aliases__contains=[spelling]))


def run(path, **kwargs):
    return waves_import(path=path, show_progress=False, **kwargs)


NIGHT = {"time_start": "2025-04-23 22:00", "time_end": "2025-04-24 06:30", "source": "kpszsu/posts/night-1"}


# --- Matching weapon labels ---


def test_compound_label_links_every_weapon_and_keeps_the_label(reference, write_csv):
    label = "X-101/X-555 and Kalibr and Iskander-M/KN-23"
    run(write_csv(daily({**NIGHT, "model": label, "launched": "70.0", "destroyed": "64.0"})))

    row = WaveMunition.objects.get()
    assert row.label == label
    assert (row.launched, row.intercepted) == (70, 64)
    # "Iskander-M/KN-23" is a catalogue row of its own: it is matched whole, not split in two.
    expected = {spelled("X-101/X-555").pk, spelled("Kalibr").pk, spelled("Iskander-M/KN-23").pk}
    assert set(row.munitions.values_list("pk", flat=True)) == expected


def test_shahed_136_131_is_one_catalogue_row_not_two_halves(reference, write_csv):
    run(write_csv(daily({**NIGHT, "model": "Shahed-136/131", "launched": "93", "destroyed": "76"})))
    assert list(WaveMunition.objects.get().munitions.all()) == [spelled("Shahed-136/131")]


def test_a_slash_pair_not_in_the_catalogue_links_both_halves(reference, write_csv):
    run(write_csv(daily({**NIGHT, "model": "Kh-101/Kalibr", "launched": "2", "destroyed": "2"})))
    assert set(WaveMunition.objects.get().munitions.all()) == {spelled("Kh-101"), spelled("Kalibr")}


def test_cyrillic_models_match_by_alias_and_unknown_ones_are_reported(reference, write_csv):
    path = write_csv(
        daily(
            {**NIGHT, "model": "Молнія", "launched": "3", "destroyed": "3"},
            {**NIGHT, "model": "Фенікс", "launched": "1", "destroyed": "1"},
            {**NIGHT, "model": "Iskander-M and Фенікс", "launched": "2", "destroyed": "0"},
        )
    )
    summary = run(path)

    assert WaveMunition.objects.get(label="Молнія").munitions.get() == spelled("Molniya")
    assert not WaveMunition.objects.get(label="Фенікс").munitions.exists()  # kept, with its counts
    assert WaveMunition.objects.get(label="Фенікс").launched == 1
    partial = WaveMunition.objects.get(label="Iskander-M and Фенікс")
    assert list(partial.munitions.all()) == [spelled("Iskander-M")]
    assert summary.not_matched == {"Фенікс": 1, "Фенікс (in 'Iskander-M and Фенікс')": 1}


# --- Cells and dates ---


def test_dict_like_details_are_parsed_with_nan_as_null(reference, write_csv):
    run(
        write_csv(
            daily(
                {
                    **NIGHT,
                    "model": "Shahed-136/131",
                    "launched": "93.0",
                    "destroyed": "76.0",
                    "border_crossing": "{'belarus': 1.0, 'russia': 3.0}",
                    "affected region": "['Kharkiv oblast', 'Donetsk oblast']",
                    "destroyed_details": "{'south': 30, 'east': 85, 'north': NaN}",
                    "launch_place": "Kursk oblast and Primorsko-Akhtarsk",
                    "is_shahed": "60.0",
                }
            )
        )
    )
    details = WaveMunition.objects.get().details
    assert details["destroyed_details"] == {"south": 30, "east": 85, "north": None}
    assert details["border_crossing"] == {"belarus": 1, "russia": 3}
    assert details["affected region"] == ["Kharkiv oblast", "Donetsk oblast"]
    assert details["launch_place"] == "Kursk oblast and Primorsko-Akhtarsk"
    assert details["is_shahed"] == 60


def test_code_in_a_details_cell_is_never_run_and_kept_as_text(reference, write_csv, tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    summary = run(
        write_csv(daily({**NIGHT, "model": "Kalibr", "launched": "4", "destroyed": "3", "destroyed_details": payload}))
    )
    assert not marker.exists()
    row = WaveMunition.objects.get()
    assert (row.launched, row.intercepted) == (4, 3)  # the counts are still imported
    assert row.details["destroyed_details"] == payload
    assert [w.line for w in summary.warnings] == [2]


def test_empty_and_nan_counts_are_unknown_not_zero(reference, write_csv):
    run(
        write_csv(
            daily(
                {**NIGHT, "model": "Kalibr", "launched": "", "destroyed": "NaN"},
                {**NIGHT, "model": "Iskander-M", "launched": "2", "destroyed": ""},
            )
        )
    )
    assert WaveMunition.objects.get(label="Kalibr").launched is None
    assert WaveMunition.objects.get(label="Kalibr").intercepted is None
    assert WaveMunition.objects.get(label="Iskander-M").intercepted is None


def test_times_are_kyiv_local_and_a_bare_date_spans_the_whole_day(reference, write_csv):
    run(
        write_csv(
            daily(
                {**NIGHT, "model": "Kalibr", "launched": "1", "destroyed": "1"},  # summer time, UTC+3
                {"time_start": "2024-06-01", "time_end": "2024-06-01", "model": "ZALA", "launched": "3"},
                {"time_start": "2023-05-16 3:30", "time_end": "2023-05-16 07:00 ", "model": "Kalibr", "launched": "1"},
            )
        )
    )
    night = Wave.objects.get(external_id="2025-04-23T22:00/2025-04-24T06:30")
    assert night.started_at == dt.datetime(2025, 4, 23, 19, 0, tzinfo=dt.UTC)
    assert night.ended_at == dt.datetime(2025, 4, 24, 3, 30, tzinfo=dt.UTC)
    day = Wave.objects.get(external_id="2024-06-01/2024-06-01")
    assert day.started_at == dt.datetime(2024, 6, 1, tzinfo=KYIV)
    assert day.ended_at == dt.datetime(2024, 6, 2, tzinfo=KYIV)
    # "3:30" (one-digit hour) and a trailing space are the same instants as "03:30" and "07:00".
    early = Wave.objects.get(external_id="2023-05-16T03:30/2023-05-16T07:00")
    assert early.started_at.astimezone(KYIV).hour == 3
    assert Wave.objects.filter(external_source=ExternalSource.NIGHTLY).count() == 3


def test_rows_of_one_wave_share_it_and_a_repeated_label_is_summed(reference, write_csv):
    run(
        write_csv(
            daily(
                {**NIGHT, "model": "Iskander-M", "launched": "1", "destroyed": "0", "target": "Odesa oblast"},
                {**NIGHT, "model": "Iskander-M", "launched": "2", "destroyed": "1", "target": "Ukraine"},
                {**NIGHT, "model": "Kalibr", "launched": "5", "destroyed": "5", "source": "kpszsu/posts/night-2"},
            )
        )
    )
    wave = Wave.objects.get()
    assert wave.source == "kpszsu/posts/night-1; kpszsu/posts/night-2"
    iskander = wave.counts.get(label="Iskander-M")
    assert (iskander.launched, iskander.intercepted) == (3, 1)
    assert [p["target"] for p in iskander.details["parts"]] == ["Odesa oblast", "Ukraine"]
    assert [(p["launched"], p["destroyed"]) for p in iskander.details["parts"]] == [(1, 0), (2, 1)]


# --- Bad rows and wrong files ---


def test_bad_rows_are_reported_by_line_and_the_rest_imported(reference, write_csv):
    text = daily(
        {**NIGHT, "model": "Kalibr", "launched": "3", "destroyed": "2", "launch_place": "Black Sea\nnear Crimea"},
        {**NIGHT, "model": "Iskander-M", "launched": "-1", "destroyed": "0"},
        {"time_start": "24/04/2025", "time_end": "2025-04-24", "model": "Kh-59", "launched": "1"},
        {"time_start": "2025-04-24 08:00", "time_end": "2025-04-24 06:00", "model": "Kh-59", "launched": "1"},
        {**NIGHT, "model": "", "launched": "1"},
        {**NIGHT, "model": "Kh-22", "launched": "2", "destroyed": "0"},
    )
    summary = run(write_csv(text))

    # Line 2 holds a quoted two-line cell, so the next row starts on line 4.
    reasons = {p.line: p.reason for p in summary.problems}
    assert sorted(reasons) == [4, 5, 6, 7]
    assert "launched '-1'" in reasons[4]
    assert "time_start '24/04/2025'" in reasons[5]
    assert "before time_start" in reasons[6]
    assert "model is empty" in reasons[7]
    assert set(WaveMunition.objects.values_list("label", flat=True)) == {"Kalibr", "Kh-22"}


def test_a_file_in_another_format_is_refused_saying_what_was_expected(reference, write_csv):
    path = write_csv("id,year,best,low,high\n1,2022,3,3,4\n", name="ucdp.csv")
    with pytest.raises(FileRefused) as refused:
        run(path)
    message = str(refused.value)
    assert "missing required column(s)" in message
    assert "time_start" in message and "model" in message
    assert not Wave.objects.exists()


def test_command_exits_with_the_reason_for_a_wrong_file(reference, write_csv):
    with pytest.raises(CommandError, match="does not look like the nightly attacks dataset"):
        call_command("import_waves", str(write_csv("a;b\n1;2\n")), "--no-progress")


# --- Re-import ---


def test_reimport_changes_nothing_and_a_newer_file_updates_in_place(reference, write_csv):
    first = daily(
        {**NIGHT, "model": "Shahed-136/131", "launched": "100", "destroyed": "90"},
        {**NIGHT, "model": "Kalibr", "launched": "4", "destroyed": "4"},
        {**NIGHT, "model": "Kh-59", "launched": "2", "destroyed": "1"},
    )
    created = run(write_csv(first))
    assert (created.created, created.updated, created.unchanged) == (3, 0, 0)

    again = run(write_csv(first))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert WaveMunition.objects.count() == 3

    # The newer file (rows newest first, as published) corrects a count, drops a label, adds a night.
    newer = daily(
        {"time_start": "2025-04-24 22:00", "time_end": "2025-04-25 06:00", "model": "Kalibr", "launched": "6"},
        {**NIGHT, "model": "Shahed-136/131", "launched": "102", "destroyed": "91"},
        {**NIGHT, "model": "Kalibr", "launched": "4", "destroyed": "4"},
    )
    updated = run(write_csv(newer, name="newer.csv"))
    assert (updated.created, updated.updated, updated.unchanged) == (1, 1, 1)
    assert Wave.objects.count() == 2
    night = Wave.objects.get(external_id="2025-04-23T22:00/2025-04-24T06:30")
    assert sorted(night.counts.values_list("label", "launched", "intercepted")) == [
        ("Kalibr", 4, 4),
        ("Shahed-136/131", 102, 91),
    ]


def test_weapons_table_extends_the_catalogue_before_matching(reference, write_csv):
    weapons = write_csv(
        "model,category,national_origin,type,launch_platform,name,name_NATO,in_sevice,designer,manufacturer,"
        "guidance_system,unit_cost\n"
        "Фенікс,UAV,russia,reconnaissance,,Feniks,,,,,,\n"
        "Hrim-2,ballistic missile,russia,,,,,,,,,\n"
        "Kalibr,cruise missile,russia,,,Kalibr,SS-N-27 Sizzler,,,,,\n"
        "X-101/X-555 and Kalibr,cruise missile,russia,,,,,,,,,\n",
        name="weapons.csv",
    )
    kalibr_before = Munition.objects.values().get(name="Kalibr")
    daily_path = write_csv(daily({**NIGHT, "model": "Фенікс and Hrim-2", "launched": "2"}), name="daily.csv")

    summary = run(daily_path, weapons_path=weapons)

    feniks = Munition.objects.get(name="Фенікс")
    assert feniks.category == MunitionCategory.RECON_DRONE
    assert feniks.origin_country == "Russia"
    assert "Feniks" in feniks.aliases
    assert Munition.objects.get(name="Hrim-2").category == MunitionCategory.BALLISTIC_MISSILE
    # A model already in the catalogue keeps the reference data's category and fields.
    assert Munition.objects.values().get(name="Kalibr")["category"] == kalibr_before["category"]
    # A combination is not a model: no catalogue row named after it.
    assert not Munition.objects.filter(name__icontains=" and ").exists()
    assert set(WaveMunition.objects.get().munitions.all()) == {feniks, Munition.objects.get(name="Hrim-2")}
    assert not summary.not_matched


def test_command_prints_the_summary_with_unmatched_values(reference, write_csv):
    out = io.StringIO()
    path = write_csv(daily({**NIGHT, "model": "Картограф", "launched": "1"}, {**NIGHT, "model": "Kalibr"}))
    call_command("import_waves", str(path), "--no-progress", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "imported (new): 2" in text
    assert "'Картограф': 1 row" in text


# --- The full shared file ---


def _independent_totals(path):
    """Launched and destroyed per model, and the set of waves, computed with the csv module only."""
    launched, destroyed = defaultdict(int), defaultdict(int)
    waves = set()
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    for row in rows:
        model = row["model"].strip()
        launched[model] += int(float(row["launched"])) if row["launched"].strip() else 0
        destroyed[model] += int(float(row["destroyed"])) if row["destroyed"].strip() else 0

        def instant(text):
            text = text.strip()
            return dt.datetime.strptime(text, "%Y-%m-%d %H:%M") if " " in text else dt.date.fromisoformat(text)

        waves.add((instant(row["time_start"]), instant(row["time_end"])))
    return len(rows), dict(launched), dict(destroyed), waves


def test_full_daily_file_totals_per_model_match_an_independent_count(reference):
    path = shared_file("missile_attacks_daily.csv")
    weapons = shared_file("missiles_and_uavs.csv")
    n_rows, launched, destroyed, waves = _independent_totals(path)

    summary = run(path, weapons_path=weapons)

    assert summary.problems == []
    assert summary.rows_read == n_rows == 3585
    assert summary.created == n_rows
    assert Wave.objects.filter(external_source=ExternalSource.NIGHTLY).count() == len(waves)
    by_label = {
        row["label"]: (row["l"] or 0, row["i"] or 0)
        for row in WaveMunition.objects.values("label").annotate(l=Sum("launched"), i=Sum("intercepted"))
    }
    assert by_label == {m: (launched[m], destroyed[m]) for m in launched}
    first = Wave.objects.order_by("started_at").first()
    assert first.started_at.astimezone(KYIV).date() == dt.date(2022, 9, 28)
    # Only the genuinely unknown models stay unmatched; every compound string is resolved.
    assert set(summary.not_matched) <= {"Фенікс", "Картограф", "Aerial Bomb", "Привет-82"}

    again = run(path, weapons_path=weapons)
    assert (again.created, again.updated, again.unchanged) == (0, 0, n_rows)

    # The timeline shows launched and intercepted per period from September 2022 on.
    timeline = Client().get(reverse("api-timeline"), {"bucket": "month"}).json()["results"]
    assert timeline[0]["period"] == "2022-09-01"
    assert sum(p["launched"] for p in timeline) == sum(launched.values())
    assert sum(p["intercepted"] for p in timeline) == sum(destroyed.values())
