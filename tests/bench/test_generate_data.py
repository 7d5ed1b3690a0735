"""generate_data: realistic, internally consistent synthetic strikes, never mixed with real ones."""

from datetime import timedelta

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min

from casualties.models import Claim, Decision, PublishedFigure
from sources.models import Article
from strikes.models import Attack, Munition, Place, Wave
from tests.factories import AttackFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def gazetteer():
    """Two oblasts: Kharkiv (front line) and Lviv (far rear), each with its city, and a few munitions."""
    country = Place.objects.create(name="Ukraine", kind="country", latitude=49.0, longitude=31.0)
    places = {}
    for oblast, city, lat, lon, pop in [
        ("Kharkiv Oblast", "Kharkiv", 49.99, 36.23, 1_400_000),
        ("Lviv Oblast", "Lviv", 49.84, 24.03, 720_000),
    ]:
        o = Place.objects.create(name=oblast, kind="oblast", parent=country, latitude=lat, longitude=lon)
        o.oblast = o
        o.save()
        places[city] = Place.objects.create(
            name=city, kind="city", parent=o, oblast=o, latitude=lat, longitude=lon, population=pop
        )
    for name, category in [
        ("Shahed-136", "attack_drone"),
        ("Kh-101", "cruise_missile"),
        ("Iskander-M", "ballistic_missile"),
        ("KAB-500", "guided_bomb"),
    ]:
        Munition.objects.create(name=name, category=category, origin_country="Russia")
    return places


def index_names() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        return {row[0] for row in cur.fetchall()}


def test_generates_consistent_attacks_articles_claims_and_figures(gazetteer):
    indexes_before = index_names()
    call_command("generate_data", attacks=400, seed=7)

    assert Attack.objects.count() == 400
    # 2-3 articles per attack, each article's claims about that article's attack.
    per_attack = Attack.objects.annotate(n=Count("articles")).aggregate(lo=Min("n"), hi=Max("n"))
    assert (per_attack["lo"], per_attack["hi"]) == (2, 3)
    assert not Claim.objects.exclude(attack_id=F("article__attack_id")).exists()
    assert Claim.objects.count() > 400

    # The denormalised toll on Attack is the published figure, and "disputed" says so.
    for attack in Attack.objects.prefetch_related("figures"):
        figures = {f.category: f for f in attack.figures.all()}
        assert attack.killed_best == (figures["killed"].best if "killed" in figures else None)
        assert attack.injured_best == (figures["injured"].best if "injured" in figures else None)
        assert attack.disputed == any(f.status == "disputed" for f in figures.values())
        for f in figures.values():
            assert f.low is not None and f.low <= f.best
            assert f.high is None or f.best <= f.high
    assert PublishedFigure.objects.filter(status="disputed").exists()
    assert PublishedFigure.objects.filter(status="consensus").exists()
    # Every decided figure rests on a current decision of the same attack and category.
    for figure in PublishedFigure.objects.filter(status="decided").select_related("decision"):
        assert figure.decision.is_current
        assert (figure.decision.attack_id, figure.decision.category) == (figure.attack_id, figure.category)
        assert figure.decision.claims.count() >= 2
    assert Decision.objects.exists()

    # Realistic skew: front-line Kharkiv far more often than Lviv despite only twice the population.
    kharkiv = Attack.objects.filter(place__oblast__name="Kharkiv Oblast").count()
    lviv = Attack.objects.filter(place__oblast__name="Lviv Oblast").count()
    assert kharkiv > 5 * lviv > 0

    # Four years of strikes; night strikes fall inside their wave.
    span = Attack.objects.aggregate(lo=Min("occurred_at"), hi=Max("occurred_at"))
    assert span["hi"] - span["lo"] > timedelta(days=3 * 365)
    for attack in Attack.objects.filter(wave__isnull=False).select_related("wave")[:100]:
        assert attack.wave.started_at <= attack.occurred_at <= attack.wave.ended_at
    assert Wave.objects.filter(counts__launched__gt=0).exists()

    # Full-text search works on the generated vector (place names come from the articles).
    assert Attack.objects.filter(search_vector=SearchQuery("Kharkiv", config="english")).count() == kharkiv

    # The load left the schema as it found it: indexes back, history and other triggers on, ids free.
    assert index_names() == indexes_before
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"
            " AND tgrelid::regclass::text LIKE ANY (ARRAY['strikes\\_%%', 'casualties\\_%%', 'sources\\_%%'])"
        )
        assert cur.fetchone()[0] == 0
        # The full-text postings (strikes.search) rebuilt after the load: Kharkiv's are its attacks.
        cur.execute("SELECT count(DISTINCT attack_id) FROM strikes_attack_term WHERE term = 'kharkiv'")
        assert cur.fetchone()[0] == kharkiv
    extra = AttackFactory(place=gazetteer["Lviv"], description="[synthetic] added by hand")
    assert extra.pk > max(Attack.objects.exclude(pk=extra.pk).values_list("pk", flat=True))
    assert Article.objects.filter(canonical_url__isnull=False).count() == Article.objects.count()


def schema() -> tuple[list, list]:
    """Every index and every constraint of the schema, with its definition."""
    with connection.cursor() as cur:
        cur.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2")
        indexes = cur.fetchall()
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        )
        return indexes, cur.fetchall()


# The tables derived from the attacks by triggers, and what to compare of each.
DERIVED = {
    "strikes_attack_term": "term, occurred_at, attack_id",
    "strikes_attackexport": "attack_id, csv_line, feature_head, feature_tail",
    "strikes_attack_daily": "day, status, place_id, oblast_id, attacks, killed, injured",
    "strikes_attack_daily_total": "day, status, attacks, killed, injured",
    "strikes_attack_cell": "level, gx, gy, status, place_id, oblast_id, attacks, killed, injured",
}


def derived_rows() -> dict[str, list]:
    with connection.cursor() as cur:
        out = {}
        for table, columns in DERIVED.items():
            cur.execute(f"SELECT {columns} FROM {table} ORDER BY {columns}")
            out[table] = cur.fetchall()
        return out


def test_derived_tables_hold_what_the_triggers_write_and_keep_their_indexes(gazetteer):
    """The generator rebuilds the postings, export lines and summary in one pass each, without
    their indexes; the result must be what the triggers write for the same attacks, and every
    index and constraint must come back as it was."""
    before = schema()
    call_command("generate_data", attacks=300, seed=5)
    assert schema() == before
    rebuilt = derived_rows()
    assert len(rebuilt["strikes_attackexport"]) == 300
    assert len(rebuilt["strikes_attack_term"]) > 300 * 20  # every lexeme of every attack
    assert rebuilt["strikes_attack_daily_total"]

    # Every attack changed and changed back through SQL: the triggers rewrite each attack's
    # postings (its date changed), its export lines (at the flush) and its summary rows.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE strikes_attack SET occurred_at = occurred_at + interval '1 second'")
        cur.execute("UPDATE strikes_attack SET occurred_at = occurred_at - interval '1 second'")
        cur.execute("SELECT strikes_attackexport_flush()")
        by_triggers = derived_rows()
    for table in DERIVED:
        assert rebuilt[table] == by_triggers[table], table


def test_same_seed_gives_the_same_data(gazetteer):
    call_command("generate_data", attacks=60, seed=11)
    first = list(Attack.objects.order_by("id").values_list("occurred_at", "place_id", "description", "killed_best"))
    call_command("generate_data", attacks=60, seed=11, reset=True)
    second = list(Attack.objects.order_by("id").values_list("occurred_at", "place_id", "description", "killed_best"))
    assert first == second
    assert Attack.objects.count() == 60


def test_refuses_a_database_with_real_attacks(gazetteer):
    AttackFactory(place=gazetteer["Kharkiv"], description="Reported by an analyst.")
    with pytest.raises(CommandError, match="not generated"):
        call_command("generate_data", attacks=10)
    with pytest.raises(CommandError, match="delete real attacks"):
        call_command("generate_data", attacks=10, reset=True, force=True)
    assert Attack.objects.count() == 1
