"""/api/v1/weapons/: launched and intercepted per model or category and period, from the waves,
with a combined label ("X-101 and Kalibr") counted once, under the combination.

The waves, written out (Kyiv time; launched/intercepted per label as the source wrote it):

| wave             | label                 | catalogue rows        | launched | intercepted |
|------------------|-----------------------|-----------------------|---------:|------------:|
| 2025-03-03 01:00 | Shahed-136            | Shahed-136            |      100 |          80 |
|                  | X-101 and Kalibr      | Kh-101, Kalibr        |       20 |          18 |
|                  | Kalibr                | Kalibr                |        5 |           4 |
| 2025-03-10 01:00 | Shahed-136  (a draft wave: never counted)     |      999 |         999 |
| 2025-03-20 01:00 | Shahed-136            | Shahed-136            |       50 |          45 |
|                  | Kalibr and X-101      | Kalibr, Kh-101        |       10 |           9 |
|                  | Iskander-M and Kalibr | Iskander-M, Kalibr    |        4 |           1 |
|                  | Mystery drone         | (none)                |        7 |  (not given)|
| 2025-04-02 01:00 | Shahed-136            | Shahed-136            |       30 |          30 |
|                  | Kalibr                | Kalibr                |        6 |           6 |

Kh-101 and Kalibr are cruise missiles, Iskander-M a ballistic missile, Shahed-136 an attack drone.
"""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest

from strikes.models import WaveMunition
from tests.factories import MunitionFactory, WaveFactory

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")
URL = "/api/v1/weapons/"


@pytest.fixture
def waves(db):
    shahed = MunitionFactory(name="Shahed-136", category="attack_drone")
    kh101 = MunitionFactory(name="Kh-101", category="cruise_missile")
    kalibr = MunitionFactory(name="Kalibr", category="cruise_missile")
    iskander = MunitionFactory(name="Iskander-M", category="ballistic_missile")
    table = [
        ((2025, 3, 3), False, [("Shahed-136", [shahed], 100, 80), ("X-101 and Kalibr", [kh101, kalibr], 20, 18)]),
        ((2025, 3, 10), True, [("Shahed-136", [shahed], 999, 999)]),
        (
            (2025, 3, 20),
            False,
            [
                ("Shahed-136", [shahed], 50, 45),
                ("Kalibr and X-101", [kalibr, kh101], 10, 9),
                ("Iskander-M and Kalibr", [iskander, kalibr], 4, 1),
                ("Mystery drone", [], 7, None),
            ],
        ),
        ((2025, 4, 2), False, [("Shahed-136", [shahed], 30, 30), ("Kalibr", [kalibr], 6, 6)]),
    ]
    for day, draft, counts in table:
        wave = WaveFactory(started_at=dt.datetime(*day, 1, 0, tzinfo=KYIV), is_draft=draft)
        for label, munitions, launched, intercepted in counts:
            row = WaveMunition.objects.create(wave=wave, label=label, launched=launched, intercepted=intercepted)
            row.munitions.set(munitions)
    # The first wave's lone Kalibr, added last so its row is not simply the first one made.
    first = WaveMunition.objects.filter(label="Shahed-136").order_by("wave__started_at").first().wave
    WaveMunition.objects.create(wave=first, label="Kalibr", launched=5, intercepted=4).munitions.set([kalibr])


def rows(response, *keys):
    assert response.status_code == 200, response.content
    return [tuple(r[k] for k in keys) for r in response.json()["results"]]


def test_per_model_and_month_a_combined_label_counts_once_under_the_combination(anon, waves):
    response = anon.get(URL, {"period": "month"})
    body = response.json()
    assert (body["by"], body["period"], body["timezone"]) == ("model", "month", "Europe/Kyiv")
    assert rows(response, "period", "weapon", "launched", "intercepted", "waves") == [
        ("2025-03-01", "Shahed-136", 150, 125, 2),  # the draft wave's 999 is not here
        ("2025-03-01", "Kalibr + Kh-101", 30, 27, 2),  # both wordings of the pair, once
        ("2025-03-01", "Mystery drone", 7, None, 1),  # no interception figure given: unknown, not 0
        ("2025-03-01", "Kalibr", 5, 4, 1),  # Kalibr alone: not 5 + 20 + 10 + 4
        ("2025-03-01", "Iskander-M + Kalibr", 4, 1, 1),
        ("2025-04-01", "Shahed-136", 30, 30, 1),
        ("2025-04-01", "Kalibr", 6, 6, 1),
    ]
    pair = body["results"][1]
    assert pair["combined"] is True
    assert pair["parts"] == ["Kalibr", "Kh-101"]
    assert pair["category"] == "cruise_missile"
    assert pair["labels"] == ["Kalibr and X-101", "X-101 and Kalibr"]
    mixed = body["results"][4]
    assert (mixed["combined"], mixed["parts"], mixed["category"]) == (True, ["Iskander-M", "Kalibr"], None)
    alone = body["results"][3]
    assert (alone["combined"], alone["parts"], alone["category"]) == (False, ["Kalibr"], "cruise_missile")
    # March adds up to what the waves launched (100+20+5+50+10+4+7), each count once.
    assert sum(r["launched"] for r in body["results"] if r["period"] == "2025-03-01") == 196


def test_per_category_over_the_whole_range(anon, waves):
    response = anon.get(URL, {"by": "category", "period": "all"})
    assert rows(response, "period", "weapon", "combined", "parts", "launched", "intercepted", "waves", "labels") == [
        (None, "attack_drone", False, ["attack_drone"], 180, 155, 3, ["Shahed-136"]),
        # Kh-101 and Kalibr are both cruise missiles: their pair is one cruise-missile count.
        (
            None,
            "cruise_missile",
            False,
            ["cruise_missile"],
            41,
            37,
            3,
            ["Kalibr", "Kalibr and X-101", "X-101 and Kalibr"],
        ),
        (None, "uncatalogued", False, ["uncatalogued"], 7, None, 1, ["Mystery drone"]),
        (
            None,
            "ballistic_missile + cruise_missile",
            True,
            ["ballistic_missile", "cruise_missile"],
            4,
            1,
            1,
            ["Iskander-M and Kalibr"],
        ),
    ]


def test_weeks_start_on_monday_and_dates_bound_the_waves(anon, waves):
    weekly = anon.get(URL, {"period": "week"})
    assert [p for p, w in rows(weekly, "period", "weapon") if w == "Shahed-136"] == [
        "2025-03-03",
        "2025-03-17",  # the 20th is a Thursday
        "2025-03-31",  # 2 April is a Wednesday
    ]
    # A date alone covers its whole Kyiv day: the wave at 01:00 on the 20th (22:00 UTC the day before).
    one_day = anon.get(URL, {"period": "all", "occurred_after": "2025-03-20", "occurred_before": "2025-03-20"})
    assert rows(one_day, "weapon", "launched") == [
        ("Shahed-136", 50),
        ("Kalibr + Kh-101", 10),
        ("Mystery drone", 7),
        ("Iskander-M + Kalibr", 4),
    ]
    yearly = anon.get(URL, {"period": "year", "occurred_after": "2025-04-01T00:00:00+03:00"})
    assert rows(yearly, "period", "weapon", "launched") == [
        ("2025-01-01", "Shahed-136", 30),
        ("2025-01-01", "Kalibr", 6),
    ]
    assert rows(anon.get(URL, {"occurred_after": "2026-01-01"}), "weapon") == []


def test_csv_has_the_same_rows(anon, waves):
    response = anon.get(URL, {"format": "csv", "period": "month", "occurred_before": "2025-03-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="strikewatch-weapons-by-model-month.csv"' in response["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(response.content.decode())))
    assert lines == [
        ["period", "weapon", "combined", "parts", "category", "launched", "intercepted", "waves", "labels"],
        ["2025-03-01", "Shahed-136", "false", "Shahed-136", "attack_drone", "150", "125", "2", "Shahed-136"],
        [
            "2025-03-01",
            "Kalibr + Kh-101",
            "true",
            "Kalibr; Kh-101",
            "cruise_missile",
            "30",
            "27",
            "2",
            "Kalibr and X-101; X-101 and Kalibr",
        ],
        ["2025-03-01", "Mystery drone", "false", "Mystery drone", "", "7", "", "1", "Mystery drone"],
        ["2025-03-01", "Kalibr", "false", "Kalibr", "cruise_missile", "5", "4", "1", "Kalibr"],
        ["2025-03-01", "Iskander-M + Kalibr", "true", "Iskander-M; Kalibr", "", "4", "1", "1", "Iskander-M and Kalibr"],
    ]


def test_a_label_that_looks_like_a_formula_is_neutralised_in_the_csv(anon, db):
    wave = WaveFactory(started_at=dt.datetime(2025, 3, 3, 1, 0, tzinfo=KYIV))
    WaveMunition.objects.create(wave=wave, label='=HYPERLINK("http://x.invalid")', launched=1, intercepted=0)
    lines = list(csv.reader(io.StringIO(anon.get(URL, {"format": "csv"}).content.decode())))
    assert lines[1][1] == lines[1][3] == lines[1][8] == '\'=HYPERLINK("http://x.invalid")'
    # JSON gives the label as the source wrote it.
    assert anon.get(URL).json()["results"][0]["weapon"] == '=HYPERLINK("http://x.invalid")'


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"by": "munition"}, "by"),
        ({"period": "decade"}, "period"),
        ({"occurred_after": "yesterday"}, "occurred_after"),
        ({"occurred_after": "2025-04-01", "occurred_before": "2025-03-01"}, "occurred_after"),
        ({"oblast": "Kharkiv"}, "oblast"),  # waves are nationwide: no such filter here
        ({"period": ""}, "period"),
        ({"format": "geojson"}, "format"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(anon, waves, query, parameter):
    response = anon.get(URL, query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == parameter


def test_two_queries_however_many_waves(anon, waves, django_assert_num_queries):
    with django_assert_num_queries(2):  # the counts with their catalogue ids, and the catalogue
        assert anon.get(URL, {"period": "day"}).status_code == 200


def test_in_the_schema(anon):
    schema = anon.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/weapons/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    # Only what the endpoint takes (fields= or cursor= would be a 400 here).
    assert names == {"by", "period", "occurred_after", "occurred_before", "format"}
    assert set(operation["responses"]["200"]["content"]) == {"application/json", "text/csv"}


def test_options_names_the_filters_and_parameters(anon):
    data = anon.options(URL).json()
    assert set(data["filters"]) == {"occurred_after", "occurred_before"}
    assert data["query_parameters"] == ["by", "format", "occurred_after", "occurred_before", "period"]


def test_labels_with_quotes_controls_and_line_separators_are_the_renderers_json(anon, db):
    """The JSON answer's rows are written from text (PostgreSQL escapes the labels): every
    character a source may send comes out as the JSON renderer writes it, and reads back as sent."""
    from rest_framework.renderers import JSONRenderer

    wave = WaveFactory(started_at=dt.datetime(2025, 5, 1, 1, 0, tzinfo=KYIV))
    labels = [
        'Say "Shahed"',
        "back\\slash",
        "tab\there\nnew\x01line\x1f",
        "Ланцет\u2028next\u2029",
        "émoji 🚀",
        "/slash",
    ]
    for i, label in enumerate(labels):
        WaveMunition.objects.create(wave=wave, label=label, launched=i + 1, intercepted=None if i % 2 else i)
    for by in ("model", "category"):
        response = anon.get(URL, {"by": by, "period": "day"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        body = response.json()
        got = [label for row in body["results"] for label in row["labels"]]
        assert sorted(got) == sorted(labels)
        # The same bytes as the renderer writes for the same data.
        assert response.content == JSONRenderer().render(body)
        assert b"\\u2028" in response.content and "\u2028".encode() not in response.content
    # by=category, every uncatalogued label in one row, in code point order ("/" < "L" < "S" < "b" < ...).
    (row,) = anon.get(URL, {"by": "category", "period": "all"}).json()["results"]
    assert row["labels"] == [
        "/slash",
        'Say "Shahed"',
        "back\\slash",
        "tab\there\nnew\x01line\x1f",
        "émoji 🚀",
        "Ланцет\u2028next\u2029",
    ]
    assert (row["weapon"], row["launched"], row["intercepted"], row["waves"]) == ("uncatalogued", 21, 0 + 2 + 4, 1)


def test_one_wave_counted_once_when_two_of_its_labels_are_one_row(anon, db):
    """Two labels of one wave that land in one row (two cruise missiles, by category): their counts
    add up, the wave counts once, both labels listed; a count no label gave stays unknown."""
    kh101 = MunitionFactory(name="Kh-101", category="cruise_missile")
    kalibr = MunitionFactory(name="Kalibr", category="cruise_missile")
    wave = WaveFactory(started_at=dt.datetime(2025, 6, 2, 1, 0, tzinfo=KYIV))
    WaveMunition.objects.create(wave=wave, label="X-101", launched=8, intercepted=None).munitions.set([kh101])
    WaveMunition.objects.create(wave=wave, label="Kalibr", launched=3, intercepted=None).munitions.set([kalibr])
    response = anon.get(URL, {"by": "category", "period": "week"})
    assert rows(response, "period", "weapon", "combined", "launched", "intercepted", "waves", "labels") == [
        ("2025-06-02", "cruise_missile", False, 11, None, 1, ["Kalibr", "X-101"])
    ]
    by_model = anon.get(URL, {"by": "model", "period": "week", "format": "csv"}).content.decode()
    assert by_model.splitlines()[1:] == [
        "2025-06-02,Kh-101,false,Kh-101,cruise_missile,8,,1,X-101",
        "2025-06-02,Kalibr,false,Kalibr,cruise_missile,3,,1,Kalibr",
    ]


def test_by_category_is_one_query(anon, waves, django_assert_num_queries):
    with django_assert_num_queries(1):  # the groups, with their categories: no catalogue needed
        assert anon.get(URL, {"by": "category", "period": "day"}).status_code == 200
