"""import_acled: ACLED-style CSV (ACLED's exports and our own CSV export read back) as attacks."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from casualties.models import Claim, Decision, PublishedFigure
from casualties.services import claim_record, decision_make
from datasets.importers.acled import ACLED_COLUMNS, acled_import
from datasets.importers.common import FileRefused
from sources.models import Article
from strikes.choices import ExternalSource, GeoPrecision, PlaceKind, TimePrecision
from strikes.models import Attack, AttackMunition, Munition, Place
from strikes.services import attack_create
from tests.factories import ArticleFactory

KYIV = ZoneInfo("Europe/Kyiv")

# An ACLED event in the shape of ACLED's export tool (all 31 columns); tests override what they are about.
EVENT = {
    "event_id_cnty": "UKR200001",
    "event_date": "24 April 2025",
    "year": "2025",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Russia (2000-)",
    "inter1": "State forces",
    "actor2": "Civilians (Ukraine)",
    "inter2": "Civilians",
    "interaction": "State forces-Civilians",
    "civilian_targeting": "Civilian targeting",
    "iso": "804",
    "region": "Europe",
    "country": "Ukraine",
    "admin1": "Kyiv City",
    "admin2": "Kyiv",
    "location": "Kyiv",
    "latitude": "50.4501",
    "longitude": "30.5234",
    "geo_precision": "1",
    "source": "Ukrainska Pravda; Suspilne",
    "source_scale": "National",
    "notes": "Overnight, Russian forces struck Kyiv with missiles and drones; 12 people were killed.",
    "fatalities": "12",
    "tags": "",
    "timestamp": "1745856000",
}


def acled_csv(*events: dict, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=ACLED_COLUMNS, delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    for event in events:
        writer.writerow({c: event.get(c, "") for c in ACLED_COLUMNS})
    return out.getvalue()


def run(path):
    return acled_import(path=path, show_progress=False)


def test_explosion_event_becomes_a_published_attack_with_an_acled_killed_claim(reference, write_csv):
    summary = run(write_csv(acled_csv(EVENT)))
    assert summary.problems == [] and summary.created == 1

    attack = Attack.objects.get(external_source=ExternalSource.ACLED, external_id="UKR200001")
    assert attack.status == "published"
    assert attack.occurred_at.astimezone(KYIV).date() == dt.date(2025, 4, 24)
    assert attack.time_precision == TimePrecision.DAY
    assert (attack.latitude, attack.longitude, attack.geo_precision) == (50.4501, 30.5234, GeoPrecision.CITY)
    assert attack.place.kind == PlaceKind.CITY and attack.place.name == "Kyiv"
    assert attack.description == EVENT["notes"]

    claim = Claim.objects.get(attack=attack)
    assert (claim.category, claim.value, claim.low, claim.high) == ("killed", 12, 12, 12)
    assert (claim.source_label, claim.origin, claim.article) == ("ACLED", "imported", None)
    assert claim.reported_at == dt.datetime.fromtimestamp(1745856000, tz=dt.UTC)
    assert not Decision.objects.exists()  # ACLED gives a figure, not a decision
    attack.refresh_from_db()
    assert attack.killed_best == 12
    assert sorted(Article.objects.filter(attack=attack).values_list("outlet__name", flat=True)) == [
        "Suspilne",
        "Ukrainska Pravda",
    ]


def test_only_explosions_and_remote_violence_are_kept(reference, write_csv):
    summary = run(
        write_csv(
            acled_csv(
                EVENT,
                {**EVENT, "event_id_cnty": "UKR200002", "sub_event_type": "Air/drone strike"},
                {**EVENT, "event_id_cnty": "UKR200003", "event_type": "Battles", "sub_event_type": "Armed clash"},
                {**EVENT, "event_id_cnty": "UKR200004", "event_type": "Protests", "sub_event_type": "Peaceful protest"},
            )
        )
    )
    assert sorted(Attack.objects.values_list("external_id", flat=True)) == ["UKR200001", "UKR200002"]
    assert summary.skipped == {"not a strike (event_type 'Battles')": 1, "not a strike (event_type 'Protests')": 1}


@pytest.mark.parametrize("written", ["24 April 2025", "24/04/2025", "2025-04-24", "24-April-2025", "24 Apr 2025"])
def test_event_date_day_first_or_iso(reference, write_csv, written):
    run(write_csv(acled_csv({**EVENT, "event_date": written})))
    assert Attack.objects.get().occurred_at.astimezone(KYIV).date() == dt.date(2025, 4, 24)


def test_a_file_from_acleds_export_tool_imports_with_its_dates_and_extra_columns(reference, write_csv):
    # ACLED's tool writes day-first dates with a time and adds columns of its own (id, actor_dyad...).
    columns = ["id", *ACLED_COLUMNS[:14], "actor_dyad", *ACLED_COLUMNS[14:]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for n, written in enumerate(["11/01/2024 00:00:00", "11/01/2024", "2024-01-11", "12/01/2024 00:00"], start=1):
        writer.writerow(
            {
                **EVENT,
                "id": str(9000 + n),
                "actor_dyad": "Military Forces of Russia (2000-) - Civilians (Ukraine)",
                "event_id_cnty": f"UKR3000{n}",
                "event_date": written,
            }
        )
    path = write_csv(out.getvalue(), name="acled-tool.csv")
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_acled", str(path), "--no-progress", stdout=stdout, stderr=stderr)

    days = {a.external_id: a.occurred_at.astimezone(KYIV).date() for a in Attack.objects.all()}
    # Day first: 11 January, not 1 November.
    assert days == {
        "UKR30001": dt.date(2024, 1, 11),
        "UKR30002": dt.date(2024, 1, 11),
        "UKR30003": dt.date(2024, 1, 11),
        "UKR30004": dt.date(2024, 1, 12),
    }
    assert stderr.getvalue() == ""
    text = stdout.getvalue()
    assert "imported (new): 4" in text
    # The extra columns are named once for the file, not once per row.
    assert text.count("2 column(s) ignored, not among ACLED's standard columns: id, actor_dyad.") == 1
    assert "actor_dyad" not in text.replace("columns: id, actor_dyad.", "")


def test_an_impossible_time_after_the_date_refuses_the_row_by_line(reference, write_csv):
    summary = run(write_csv(acled_csv({**EVENT, "event_date": "11/01/2024 25:00:00"})))
    assert [str(p) for p in summary.problems] == ["line 2: event_date '11/01/2024 25:00:00' has an impossible time"]
    assert not Attack.objects.exists()


def test_precision_codes_and_places(reference, write_csv):
    summary = run(
        write_csv(
            acled_csv(
                {**EVENT, "time_precision": "2", "geo_precision": "2"},
                {
                    **EVENT,
                    "event_id_cnty": "UKR200002",
                    "time_precision": "3",
                    "geo_precision": "3",
                    "admin1": "Kharkiv",
                    "location": "Kharkiv",
                    "latitude": "49.9935",
                    "longitude": "36.2304",
                },
                {
                    **EVENT,
                    "event_id_cnty": "UKR200004",
                    "location": "Kyiv - Sviatoshynskyi",  # ACLED's spelling of a city district
                    "latitude": "50.4583",
                    "longitude": "30.3579",
                },
                {
                    **EVENT,
                    "event_id_cnty": "UKR200003",
                    "admin1": "Donetsk",
                    "location": "Vyhadanivka",  # an invented village: no gazetteer has it
                    "latitude": "48.2636",  # 2.2 km from Ocheretyne (48.24446, 37.61575)
                    "longitude": "37.6104",
                },
                {
                    **EVENT,
                    "event_id_cnty": "UKR200005",
                    "admin1": "Donetsk",
                    "location": "Vyhadanivka Druha",  # invented too, and 6.6 km from the nearest settlement
                    "latitude": "48.06",
                    "longitude": "37.46",
                },
            )
        )
    )
    near = Attack.objects.get(external_id="UKR200001")
    assert (near.time_precision, near.geo_precision) == (TimePrecision.WEEK, GeoPrecision.NEAR)
    assert near.place.name == "Kyiv"
    region = Attack.objects.get(external_id="UKR200002")
    assert (region.time_precision, region.geo_precision) == (TimePrecision.MONTH, GeoPrecision.OBLAST)
    # admin1 "Kharkiv" in ACLED is the oblast; with geo_precision 3 the attack is placed at the oblast.
    assert region.place == Place.objects.get(kind=PlaceKind.OBLAST, name="Kharkiv Oblast")
    district = Attack.objects.get(external_id="UKR200004")
    assert (district.place.name, district.place.kind) == ("Sviatoshynskyi", PlaceKind.DISTRICT)
    assert district.geo_precision == GeoPrecision.DISTRICT
    # A village the gazetteer lacks: the settlement within 5 km of its point, "near" it.
    village = Attack.objects.get(external_id="UKR200003")
    assert (village.place.name, village.geo_precision) == ("Ocheretyne", GeoPrecision.NEAR)
    assert (village.latitude, village.longitude) == (48.2636, 37.6104)
    # No settlement within 5 km: its oblast, with its own point and ACLED's "town known".
    remote = Attack.objects.get(external_id="UKR200005")
    assert (remote.place.name, remote.geo_precision) == ("Donetsk Oblast", GeoPrecision.CITY)
    assert (remote.latitude, remote.longitude) == (48.06, 37.46)
    assert {k: v for k, v in summary.counts.items() if k.startswith("placed at")} == {
        "placed at: settlement (by name)": 2,  # Kyiv, Sviatoshynskyi
        "placed at: settlement (nearest within 5 km)": 1,
        "placed at: oblast": 2,  # Kharkiv at geo_precision 3, and the remote village
    }
    assert "  placed at: oblast: 2" in summary.lines()  # the command prints the counts per level


def test_semicolon_delimited_excel_file_with_bom(reference, write_csv):
    path = write_csv("\ufeff" + acled_csv(EVENT, delimiter=";"), encoding="utf-8")
    assert run(path).created == 1


def test_older_acled_files_with_upper_case_headers_and_a_text_timestamp(reference, write_csv):
    text = acled_csv({**EVENT, "timestamp": "2025-04-28 16:00:00"})
    header, rest = text.split("\n", 1)
    assert run(write_csv(header.upper() + "\n" + rest)).created == 1
    claim = Claim.objects.get()
    assert claim.reported_at == dt.datetime(2025, 4, 28, 16, tzinfo=KYIV)


def test_reimport_is_idempotent_and_newer_fatalities_supersede(reference, write_csv):
    run(write_csv(acled_csv(EVENT)))
    again = run(write_csv(acled_csv(EVENT)))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert (Attack.objects.count(), Claim.objects.count(), Article.objects.count()) == (1, 1, 2)

    newer = run(write_csv(acled_csv({**EVENT, "fatalities": "13", "notes": "Updated toll."}), name="v2.csv"))
    assert newer.updated == 1
    attack = Attack.objects.get()
    assert attack.description == "Updated toll."
    assert attack.killed_best == 13
    assert list(Claim.objects.filter(withdrawn_at__isnull=True).values_list("value", flat=True)) == [13]
    assert Claim.objects.filter(withdrawn_at__isnull=False).count() == 1


def test_bad_rows_are_reported_by_line_and_the_rest_imported(reference, write_csv):
    text = acled_csv(
        EVENT,
        {**EVENT, "event_id_cnty": "UKR2", "event_date": "2025-13-01"},
        {**EVENT, "event_id_cnty": "UKR3", "latitude": "", "location": "Nowhere", "admin1": ""},
        {**EVENT, "event_id_cnty": "UKR4", "fatalities": "twelve"},
        {**EVENT, "event_id_cnty": "UKR5", "geo_precision": "7"},
        {**EVENT, "event_id_cnty": ""},
        {**EVENT},
        {**EVENT, "event_id_cnty": "UKR8", "latitude": "95"},
        {**EVENT, "event_id_cnty": "UKR9"},
    )
    summary = run(write_csv(text))
    reasons = {p.line: p.reason for p in summary.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9]
    assert "event_date '2025-13-01'" in reasons[3]
    assert "latitude and longitude must be given together" in reasons[4]
    assert "fatalities 'twelve'" in reasons[5]
    assert "geo_precision '7'" in reasons[6]
    assert "event_id_cnty is empty" in reasons[7]
    assert "already on line 2" in reasons[8]
    assert "out of range" in reasons[9]
    assert sorted(Attack.objects.values_list("external_id", flat=True)) == ["UKR200001", "UKR9"]


def test_a_file_in_another_format_is_refused_saying_what_was_expected(reference, write_csv):
    ucdp = write_csv("id,year,where_prec,latitude,longitude,best,low,high\n1,2022,1,50,30,1,1,1\n")
    with pytest.raises(FileRefused) as refused:
        run(ucdp)
    assert "event_id_cnty" in str(refused.value) and "event_date" in str(refused.value)
    with pytest.raises(CommandError, match="ACLED-style CSV"):
        call_command("import_acled", str(ucdp), "--no-progress")
    assert not Attack.objects.exists()


# --- Our own CSV export, read back ---


@pytest.fixture
def logged_attacks(reference, editor):
    """The running example and a second attack, with figures from articles and an editor's decision."""
    kyiv = Place.objects.get(kind=PlaceKind.CITY, name="Kyiv")
    kharkiv = Place.objects.get(kind=PlaceKind.CITY, name="Kharkiv")
    kn23 = Munition.objects.get(name="KN-23")
    shahed = Munition.objects.get(name="Shahed-136")
    night = dt.datetime(2025, 4, 24, 1, 0, tzinfo=KYIV)
    first = attack_create(
        by=editor,
        status="published",
        occurred_at=night,
        time_precision="hour",
        place=kyiv,
        latitude=50.4601,
        longitude=30.3602,
        geo_precision=GeoPrecision.EXACT,
        target_type="residential",
        description="Combined missile and drone strike on Kyiv; a residential block hit.",
        munitions=[(kn23, 1), (shahed, 5)],
    )
    censor = ArticleFactory(url="https://censor.example.org/news/1", attack=first)
    afp = ArticleFactory(url="https://afp.example.org/story/2", attack=first)
    for article, injured, qualifier in ((censor, 100, "more_than"), (afp, 87, "exact")):
        claim_record(attack=first, category="killed", value=12, qualifier="exact", reported_at=night, article=article)
        claim_record(
            attack=first, category="injured", value=injured, qualifier=qualifier, reported_at=night, article=article
        )
    second = attack_create(
        by=editor,
        status="published",
        occurred_at=dt.datetime(2025, 5, 2, 12, 0, tzinfo=KYIV),
        time_precision="day",
        place=kharkiv,
        target_type="energy",
        description="Drone strike on a substation in Kharkiv.",
        munitions=[shahed],
    )
    for value in (2, 4):
        claim_record(
            attack=second,
            category="killed",
            value=value,
            qualifier="exact",
            reported_at=night,
            source_label="Regional administration",
        )
    decision_make(attack=second, category="killed", best=3, low=2, high=4, rationale="Two counts; midpoint.", by=editor)
    return [first, second]


def export_csv() -> str:
    response = Client().get(reverse("api-attack-list"), {"format": "csv"})
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8")


def facts(attack: Attack) -> dict:
    """What a reader of an attack sees, independent of database ids."""
    figures = {pf.category: (pf.best, pf.low, pf.high) for pf in PublishedFigure.objects.filter(attack=attack)}
    return {
        "occurred_at": attack.occurred_at,
        "time_precision": attack.time_precision,
        "place": attack.place.name if attack.place else None,
        "coordinates": (attack.latitude, attack.longitude),
        "geo_precision": attack.geo_precision,
        "target_type": attack.target_type,
        "description": attack.description,
        "status": attack.status,
        "figures": figures,
        "killed_best": attack.killed_best,
        "injured_best": attack.injured_best,
        "munitions": sorted(AttackMunition.objects.filter(attack=attack).values_list("munition__name", "count")),
        "sources": sorted(filter(None, Article.objects.filter(attack=attack).values_list("canonical_url", flat=True))),
    }


def test_our_export_read_back_into_the_same_database_changes_nothing(logged_attacks, write_csv):
    before = {a.pk: facts(a) for a in Attack.objects.all()}
    claims_before = Claim.objects.count()

    summary = run(write_csv(export_csv(), name="export.csv"))

    assert summary.problems == []
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert summary.counts["rows naming an attack already in Strikewatch (left as it is)"] == 2
    assert Attack.objects.count() == 2 and Claim.objects.count() == claims_before
    assert {a.pk: facts(a) for a in Attack.objects.all()} == before


def test_our_export_read_into_another_database_reproduces_attacks_and_figures(logged_attacks, write_csv):
    exported = export_csv()
    before = {f"UKR-SW{a.pk}": facts(a) for a in Attack.objects.all()}
    # Another Strikewatch: same reference data, none of these attacks (their articles stay, unlinked).
    Attack.objects.all().delete()

    summary = run(write_csv(exported, name="export.csv"))
    assert summary.problems == [] and summary.created == 2

    after = {a.external_id: facts(a) for a in Attack.objects.filter(external_source=ExternalSource.ACLED)}
    assert after.keys() == before.keys()
    # Same times, places, precisions, munitions, sources and figures (best, low, high). One claim
    # per figure comes back, so the injured dispute (87 against "more than 100") comes back as its
    # range, 87 to open-ended, no longer flagged as disputed.
    assert after == before
    assert after[f"UKR-SW{logged_attacks[0].pk}"]["figures"]["injured"] == (87, 87, None)

    # Read again: the ids now name these attacks; nothing is added.
    again = run(write_csv(exported, name="again.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Claim.objects.filter(withdrawn_at__isnull=True).count() == Claim.objects.count()


def test_an_export_whose_created_at_lost_its_fraction_still_names_our_attacks(logged_attacks, write_csv):
    rows = list(csv.DictReader(io.StringIO(export_csv())))
    for row in rows:  # what a spreadsheet does to "2025-04-24T10:00:00.123456+03:00"
        row["created_at"] = row["created_at"][:19]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)

    summary = run(write_csv(out.getvalue(), name="edited.csv"))
    assert (summary.created, summary.unchanged) == (0, 2)


def test_an_id_of_another_sites_export_never_takes_over_a_local_attack(logged_attacks, write_csv):
    exported = export_csv()
    first = logged_attacks[0]
    Attack.objects.all().delete()
    local = attack_create(
        by=None, status="published", occurred_at=dt.datetime(2024, 1, 1, 12, tzinfo=KYIV), latitude=46.5, longitude=30.7
    )
    # The other site's attack has the number our local attack has now.
    exported = exported.replace(f"UKR-SW{first.pk},", f"UKR-SW{local.pk},")

    summary = run(write_csv(exported, name="export.csv"))

    assert summary.created == 2
    local.refresh_from_db()
    assert (local.latitude, local.description, local.killed_best) == (46.5, "", None)
    assert Attack.objects.get(external_id=f"UKR-SW{local.pk}").place.name == "Kyiv"


def test_two_rows_citing_one_url_get_one_article_and_no_error(reference, write_csv):
    header = (
        "event_id_cnty,event_date,latitude,longitude,fatalities,"
        "occurred_at,occurred_precision,location_precision,source_urls"
    )
    text = (
        f"{header}\n"
        "UKR-SW900001,2025-04-24,50.45,30.52,1,2025-04-24T01:00:00+03:00,hour,4,https://news.example.org/a?utm_source=x\n"
        "UKR-SW900002,2025-04-24,50.46,30.53,2,2025-04-24T01:30:00+03:00,hour,4,https://news.example.org/a\n"
    )
    summary = run(write_csv(text))
    assert summary.problems == [] and summary.created == 2
    article = Article.objects.get()
    assert article.canonical_url == "https://news.example.org/a"  # the tracking parameter dropped
    assert article.attack.external_id == "UKR-SW900001"


def test_our_export_keeps_its_places_when_read_back_even_next_to_a_settlement(logged_attacks, editor, write_csv):
    # Two attacks 2.2 km from Ocheretyne: one recorded at the oblast only, one near Ocheretyne.
    # Read back, each keeps its place: a row of our export is never moved to a nearer settlement.
    for place, precision in (
        (Place.objects.get(kind=PlaceKind.OBLAST, name="Donetsk Oblast"), GeoPrecision.CITY),
        (Place.objects.get(kind=PlaceKind.CITY, name="Ocheretyne"), GeoPrecision.NEAR),
    ):
        attack_create(
            by=editor,
            status="published",
            occurred_at=dt.datetime(2025, 6, 1, 12, 0, tzinfo=KYIV),
            time_precision="day",
            place=place,
            latitude=48.2636,
            longitude=37.6104,
            geo_precision=precision,
            target_type="residential",
            description=f"Shelling at {place.name}.",
        )
    exported = export_csv()
    before = {f"UKR-SW{a.pk}": facts(a) for a in Attack.objects.all()}
    Attack.objects.all().delete()

    summary = run(write_csv(exported, name="export.csv"))

    assert summary.problems == [] and summary.created == 4
    after = {a.external_id: facts(a) for a in Attack.objects.all()}
    assert after == before
    assert sorted(
        (f["place"], f["geo_precision"]) for f in after.values() if f["coordinates"] == (48.2636, 37.6104)
    ) == [
        ("Donetsk Oblast", GeoPrecision.CITY),
        ("Ocheretyne", GeoPrecision.NEAR),
    ]
    # Every column of our export is one the importer knows: nothing is reported as ignored.
    assert not [note for note in summary.notes if "ignored" in note]


def test_the_importer_knows_every_column_our_export_writes():
    from datasets.importers.acled import OWN_COLUMNS
    from strikes.api.representation import CSV_COLUMNS, OUR_COLUMNS

    assert CSV_COLUMNS[:31] == ACLED_COLUMNS
    assert set(OUR_COLUMNS) == OWN_COLUMNS
