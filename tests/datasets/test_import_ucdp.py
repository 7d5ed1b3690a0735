"""import_ucdp: UCDP GED events as published attacks with UCDP's estimates as a decision."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from casualties.models import Claim, Decision, PublishedFigure
from casualties.services import decision_make, figures_refresh
from datasets.importers.common import FileRefused
from datasets.importers.ucdp import ucdp_import
from sources.models import Article
from strikes.choices import ExternalSource, GeoPrecision, PlaceKind, TimePrecision
from strikes.models import Attack, Place
from tests.datasets.conftest import shared_file
from tests.factories import AttackFactory

KYIV = ZoneInfo("Europe/Kyiv")

COLUMNS = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
]

# An event in the shape of the real file; each test overrides what it is about.
EVENT = {
    "id": "470001",
    "year": "2022",
    "type_of_violence": "1",
    "dyad_name": "Government of Russia (Soviet Union) - Government of Ukraine",
    "source_article": '"Agence France Presse,2022-09-04,Missile strike hits Kharkiv apartment block"',
    "source_office": "Agence France Presse",
    "source_headline": "Missile strike hits Kharkiv apartment block",
    "where_prec": "1",
    "where_coordinates": "Kharkiv town",
    "where_description": "Kharkiv city centre",
    "adm_1": "Kharkiv Oblast",
    "latitude": "49.98081",
    "longitude": "36.25272",
    "country": "Ukraine",
    "date_prec": "1",
    "date_start": "09/03/2022 00:00",
    "date_end": "9/3/2022 12:00:00 AM",
    "deaths_civilians": "4",
    "best": "4",
    "low": "4",
    "high": "6",
}


def ucdp_csv(*events: dict) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for event in events:
        writer.writerow({c: event.get(c, "") for c in COLUMNS})
    return out.getvalue()


def run(path):
    return ucdp_import(path=path, show_progress=False)


def test_event_becomes_a_published_attack_with_ucdp_decision_claim_and_sources(reference, write_csv):
    summary = run(write_csv(ucdp_csv(EVENT), encoding="cp1252"))
    assert summary.problems == []

    attack = Attack.objects.get(external_source=ExternalSource.UCDP, external_id="470001")
    assert attack.status == "published"
    # 09/03/2022 is month first: 3 September, not 9 March.
    assert attack.occurred_at.astimezone(KYIV).date() == dt.date(2022, 9, 3)
    assert attack.time_precision == TimePrecision.DAY
    assert (attack.latitude, attack.longitude) == (49.98081, 36.25272)
    assert attack.geo_precision == GeoPrecision.EXACT
    assert attack.place.kind == PlaceKind.CITY and attack.place.name == "Kharkiv"

    decision = Decision.objects.get(attack=attack, category="killed", is_current=True)
    assert (decision.best, decision.low, decision.high) == (4, 4, 6)
    assert decision.source_label == "UCDP GED"
    assert decision.decided_by is None
    claim = Claim.objects.get(attack=attack, category="killed")
    assert (claim.value, claim.low, claim.high, claim.source_label, claim.origin) == (4, 4, 6, "UCDP GED", "imported")
    assert list(decision.claims.all()) == [claim]
    attack.refresh_from_db()
    assert attack.killed_best == 4

    article = Article.objects.get(attack=attack)
    assert article.title == "Missile strike hits Kharkiv apartment block"
    assert article.outlet.name == "Agence France Presse"
    assert (article.origin, article.status, article.text, article.canonical_url) == ("import", "fetched", "", None)
    assert article.published_at.astimezone(KYIV).date() == dt.date(2022, 9, 4)


def test_cp1252_text_and_several_sources_with_commas_quotes_and_semicolons(reference, write_csv):
    event = {
        **EVENT,
        "where_description": "near Kostiantynivka, Donets\u2019k region",  # U+2019 is byte 0x92 in cp1252
        "source_article": (
            '"Reuters News,2022-09-04,Shelling hits town, officials say";'
            '"Xinhua News Agency,2022-09-05,Three killed despite "regime of silence""'
        ),
    }
    run(write_csv(ucdp_csv(event), encoding="cp1252"))
    attack = Attack.objects.get()
    assert "Donets\u2019k region" in attack.description
    titles = sorted(Article.objects.filter(attack=attack).values_list("outlet__name", "title"))
    assert titles == [
        ("Reuters News", "Shelling hits town, officials say"),
        ("Xinhua News Agency", 'Three killed despite "regime of silence"'),
    ]


@pytest.mark.parametrize(
    ("where_prec", "date_prec", "date_end", "geo", "time_precision"),
    [
        ("2", "1", "9/3/2022 12:00:00 AM", GeoPrecision.NEAR, TimePrecision.DAY),
        ("3", "2", "09/06/2022 00:00", GeoPrecision.OBLAST, TimePrecision.WEEK),
        ("4", "4", "9/30/2022 12:00:00 AM", GeoPrecision.OBLAST, TimePrecision.MONTH),
        ("6", "1", "09/20/2022 00:00", GeoPrecision.COUNTRY, TimePrecision.MONTH),  # 17 days: not one day
    ],
)
def test_precision_codes_map_to_ours(reference, write_csv, where_prec, date_prec, date_end, geo, time_precision):
    run(write_csv(ucdp_csv({**EVENT, "where_prec": where_prec, "date_prec": date_prec, "date_end": date_end})))
    attack = Attack.objects.get()
    assert (attack.geo_precision, attack.time_precision) == (geo, time_precision)


def test_a_village_not_in_the_gazetteer_is_placed_in_its_oblast_with_its_own_coordinates(reference, write_csv):
    village = {
        **EVENT,
        "where_prec": "2",
        "where_coordinates": "Novokaterynivka village",
        "adm_1": "Donetsk oblast",
        "latitude": "47.7263",
        "longitude": "38.1084",
    }
    kyiv = {
        **EVENT,
        "id": "470002",
        "where_coordinates": "Kiev city",
        "adm_1": "Kiev Special Republican city",
        "latitude": "50.45",
        "longitude": "30.52333",
    }
    zaporizhzhia = {**EVENT, "id": "470003", "where_prec": "4", "where_coordinates": "", "adm_1": "Zaporizhzhya oblast"}
    run(write_csv(ucdp_csv(village, kyiv, zaporizhzhia)))

    placed = Attack.objects.get(external_id="470001")
    assert placed.place == Place.objects.get(kind=PlaceKind.OBLAST, name="Donetsk Oblast")
    assert (placed.latitude, placed.longitude) == (47.7263, 38.1084)
    assert Attack.objects.get(external_id="470002").place.name == "Kyiv"
    assert Attack.objects.get(external_id="470003").place.name == "Zaporizhzhia Oblast"


def test_a_homonym_far_from_the_coordinates_is_not_taken(reference, write_csv):
    # "Kharkiv town" but with coordinates in Lviv: the Kharkiv city is 800 km away, so not Kharkiv,
    # but the settlement at the coordinates (Lviv), said to be near them.
    run(write_csv(ucdp_csv({**EVENT, "adm_1": "Lviv oblast", "latitude": "49.84", "longitude": "24.03"})))
    attack = Attack.objects.get()
    assert (attack.place.name, attack.place.kind, attack.geo_precision) == ("Lviv", PlaceKind.CITY, GeoPrecision.NEAR)
    # A point UCDP only knows to the oblast is not moved to whatever settlement lies at it.
    run(
        write_csv(
            ucdp_csv({**EVENT, "where_prec": "4", "adm_1": "Lviv oblast", "latitude": "49.84", "longitude": "24.03"})
        )
    )
    assert Attack.objects.get().place.name == "Lviv Oblast"


def test_a_range_not_containing_best_is_widened_and_the_rationale_says_so(reference, write_csv):
    summary = run(write_csv(ucdp_csv({**EVENT, "best": "396", "low": "0", "high": "0"})))
    decision = Decision.objects.get()
    assert (decision.best, decision.low, decision.high) == (396, 0, 396)
    assert "high 0 is below best 396" in decision.rationale
    assert summary.counts["UCDP ranges widened to include the best estimate"] == 1


def test_reimport_is_idempotent_and_a_newer_figure_supersedes_the_old_claim(reference, write_csv):
    path = write_csv(ucdp_csv(EVENT, {**EVENT, "id": "470002"}))
    run(path)
    again = run(path)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (Attack.objects.count(), Claim.objects.count(), Decision.objects.count(), Article.objects.count()) == (
        2,
        2,
        2,
        2,
    )

    newer = run(write_csv(ucdp_csv({**EVENT, "best": "5", "high": "7"}, {**EVENT, "id": "470002"}), name="v2.csv"))
    assert (newer.created, newer.updated, newer.unchanged) == (0, 1, 1)
    attack = Attack.objects.get(external_id="470001")
    old, new = Claim.objects.filter(attack=attack).order_by("id")
    assert old.withdrawn_at is not None and old.value == 4
    assert new.withdrawn_at is None and new.value == 5
    current = Decision.objects.get(attack=attack, is_current=True)
    assert (current.version, current.best, current.high) == (2, 5, 7)
    attack.refresh_from_db()
    assert attack.killed_best == 5


def test_a_claim_an_analyst_withdrew_is_not_brought_back_by_a_reimport(reference, write_csv, editor):
    from casualties.services import claim_withdraw

    # The imported attack is published: withdrawing a counted claim is an editor's change.
    path = write_csv(ucdp_csv(EVENT))
    run(path)
    claim_withdraw(claim=Claim.objects.get(), by=editor, reason="Counts soldiers, not people killed in the strike.")

    again = run(path)
    assert again.unchanged == 1
    assert Claim.objects.count() == 1 and Claim.objects.get().withdrawn_at is not None


def test_two_events_citing_the_same_article_share_outlet_rows(reference, write_csv):
    run(write_csv(ucdp_csv(EVENT, {**EVENT, "id": "470002"})))
    assert Article.objects.count() == 2  # one source per attack (an article belongs to one attack)
    assert Article.objects.values("outlet").distinct().count() == 1


def test_an_editors_decision_is_not_overwritten_by_a_reimport(reference, write_csv, editor):
    run(write_csv(ucdp_csv(EVENT)))
    attack = Attack.objects.get()
    decision_make(attack=attack, category="killed", best=5, low=5, high=5, rationale="Local authorities.", by=editor)

    summary = run(write_csv(ucdp_csv({**EVENT, "best": "6", "high": "8"}), name="v2.csv"))
    current = Decision.objects.get(attack=attack, is_current=True)
    assert (current.best, current.decided_by) == (5, editor)
    assert Claim.objects.get(attack=attack, withdrawn_at__isnull=True).value == 6  # UCDP's figure is still recorded
    assert summary.counts["editors' decisions kept (the dataset's figure is recorded as a claim only)"] == 1


def _figures_snapshot():
    rows = sorted(
        PublishedFigure.objects.values_list(
            "attack_id", "category", "status", "best", "low", "high", "claim_ids", "decision_id", "conservative"
        )
    )
    return rows, sorted(Attack.objects.values_list("id", "killed_best", "injured_best", "disputed"))


def test_figures_written_in_bulk_are_what_figures_refresh_computes(reference, write_csv):
    run(
        write_csv(
            ucdp_csv(
                EVENT,
                {**EVENT, "id": "2", "best": "396", "low": "0", "high": "0"},
                {**EVENT, "id": "3", "best": "0", "low": "0", "high": "0"},
                {**EVENT, "id": "4", "best": "12", "low": "10", "high": "30"},
            )
        )
    )
    before = _figures_snapshot()
    assert len(before[0]) == 4
    for attack in Attack.objects.all():
        figures_refresh(attack=attack)
    assert _figures_snapshot() == before


def test_history_records_the_import_and_who_ran_it(reference, write_csv, analyst):
    path = write_csv(ucdp_csv(EVENT))
    call_command("import_ucdp", str(path), "--by", analyst.username, "--no-progress", stdout=io.StringIO())
    from django.apps import apps

    attack = Attack.objects.get()
    # One history entry: the attack is inserted complete, figures included.
    event = apps.get_model("strikes", "AttackEvent").objects.get(pgh_obj=attack)
    assert (event.pgh_label, event.killed_best) == ("insert", 4)
    assert event.pgh_context.metadata == {"user": analyst.pk, "service": "ucdp_import"}
    claim_event = apps.get_model("casualties", "ClaimEvent").objects.get(pgh_obj=Claim.objects.get())
    assert claim_event.pgh_context.metadata["service"] == "ucdp_import"
    assert Claim.objects.get().created_by == analyst
    assert Decision.objects.get().decided_by is None  # UCDP's decision, not the analyst's


def test_attacks_not_from_ucdp_are_untouched(reference, write_csv):
    mine = AttackFactory(description="Logged by hand.", external_source="", external_id="")
    run(write_csv(ucdp_csv({**EVENT, "id": str(mine.pk)})))
    mine.refresh_from_db()
    assert mine.description == "Logged by hand."
    assert Attack.objects.count() == 2


def test_bad_rows_are_reported_by_line_and_the_rest_imported(reference, write_csv):
    text = ucdp_csv(
        {**EVENT, "id": "1"},
        {**EVENT, "id": "2", "date_start": "13/25/2022 00:00"},
        {**EVENT, "id": "3", "latitude": ""},
        {**EVENT, "id": "4", "where_prec": "9"},
        {**EVENT, "id": "5", "best": "many"},
        {**EVENT, "id": "1"},
        {**EVENT, "id": "6", "date_start": "09/05/2022 00:00", "date_end": "09/04/2022 00:00"},
        {**EVENT, "id": "7"},
    )
    summary = run(write_csv(text))
    reasons = {p.line: p.reason for p in summary.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "not month/day/year" in reasons[3]
    assert "latitude and longitude are required" in reasons[4]
    assert "where_prec '9'" in reasons[5]
    assert "best 'many'" in reasons[6]
    assert "already on line 2" in reasons[7]
    assert "before date_start" in reasons[8]
    assert sorted(Attack.objects.values_list("external_id", flat=True)) == ["1", "7"]


def test_a_file_in_another_format_is_refused(reference, write_csv):
    with pytest.raises(FileRefused, match="missing required column"):
        run(write_csv("time_start,time_end,model,launched,destroyed\n2024-01-01,2024-01-01,Kalibr,1,1\n"))
    with pytest.raises(CommandError, match="UCDP GED event file"):
        call_command("import_ucdp", str(write_csv("event_id_cnty,event_date\nUKR1,2024-01-01\n", name="x.csv")))
    assert not Attack.objects.exists()


def test_full_ucdp_file_event_count_and_deaths_match_an_independent_count(reference):
    path = shared_file("UCDP-Ukraine.csv")
    with open(path, encoding="cp1252", newline="") as f:
        rows = list(csv.DictReader(f))
    ids = {row["id"] for row in rows}
    best_total = sum(int(row["best"]) for row in rows)
    # Sources: the distinct "outlet,date,headline" entries of source_article, per event.
    sources_total = 0
    for row in rows:
        entries = row["source_article"].strip()[1:-1].split('";"')
        parts = [re.split(r",(\d{4}-\d{2}-\d{2}),", e, maxsplit=1) for e in entries]
        sources_total += len({(" ".join(o.split()), d, " ".join(t.split())) for o, d, t in parts})

    summary = run(path)

    assert summary.problems == []
    assert summary.created == len(rows) == len(ids) == 3883
    attacks = Attack.objects.filter(external_source=ExternalSource.UCDP)
    assert set(attacks.values_list("external_id", flat=True)) == ids
    assert attacks.filter(status="published").count() == 3883
    decided = Decision.objects.filter(is_current=True, source_label="UCDP GED", category="killed")
    assert decided.count() == 3883
    assert decided.aggregate(total=Sum("best"))["total"] == best_total == 18480
    assert attacks.aggregate(total=Sum("killed_best"))["total"] == best_total
    assert Article.objects.filter(origin="import", attack__in=attacks).count() == sources_total
    assert sources_total == 4802
    assert attacks.filter(place__isnull=True).count() == 0
    # Placed at the finest level the data supports (measured before the nearest-settlement rule:
    # 1,825 by name, 1,747 at an oblast, 311 at the country; docs/IMPORTS.md).
    assert attacks.filter(place__kind__in=["city", "district"]).count() == 1825 + 489
    assert attacks.filter(place__kind__in=["city", "district"], geo_precision=GeoPrecision.NEAR).count() >= 489
    assert attacks.filter(place__kind="oblast").count() == 1258
    assert attacks.filter(place__kind="country").count() == 311
    assert summary.counts["placed at: settlement (nearest within 5 km)"] == 489
