"""Stored export lines (strikes.api.export_lines): after every kind of write, each attack's stored
CSV line and GeoJSON Feature are byte for byte what the live exports compute for it, and the
default exports served from them are the live exports' bytes."""

import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.utils import timezone

from casualties.services import claim_record, decision_make
from casualties.services.grades import grade_override
from linking.services.corrections import article_move, attack_merge
from sources.models import Article, Outlet
from strikes.api import export_lines
from strikes.api.formats import csv_rows, geojson_stream
from strikes.api.representation import CSV_COLUMNS, FIELD_NAMES, Shape
from strikes.models import Attack, AttackMunition, Munition, Place
from strikes.services import attack_publish, attack_retract
from tests.api.conftest import kyiv
from tests.datasets.conftest import reference, write_csv  # noqa: F401 -- fixtures for the import case
from tests.factories import ArticleFactory, AttackFactory

URL = ("http://testserver/api/v1/attacks/", "/")


def flush():
    """What the commit would do: the refreshes this (test) transaction has pending."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")


def stored() -> dict[int, tuple[bytes, bytes]]:
    flush()
    head, tail = json.dumps(URL[0])[:-1], json.dumps(URL[1])[1:]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attack_id, csv_line, concat(feature_head, %s::text, attack_id, %s::text, feature_tail)"
            " FROM strikes_attackexport",
            [head, tail],
        )
        return {pk: (line.encode(), feature.encode()) for pk, line, feature in cursor.fetchall()}


def live(pk: int) -> tuple[bytes, bytes]:
    """The attack's CSV line and Feature as the live exports compute them (no stored line read)."""
    queryset = Attack.objects.filter(pk=pk)
    body = b"".join(csv_rows(queryset, mode="decided", columns=list(CSV_COLUMNS)))
    line = body.split(b"\n", 1)[1]
    shape = Shape("decided", FIELD_NAMES, URL, timezone.get_current_timezone())
    collection = b"".join(geojson_stream(queryset, shape))
    prefix, suffix = b'{"type":"FeatureCollection","features":[', b"]}\n"
    assert collection.startswith(prefix) and collection.endswith(suffix)
    return line, collection[len(prefix) : -len(suffix)]


def assert_fresh():
    """Every attack has its line, no other is stored, and each equals the live computation."""
    lines = stored()
    assert set(lines) == set(Attack.objects.values_list("pk", flat=True))
    for pk, (line, feature) in lines.items():
        assert (line, feature) == live(pk), pk


@pytest.fixture
def attack(world):
    return world.attacks["a1"]


def test_lines_are_stored_for_every_attack_of_the_world(world):
    assert_fresh()
    assert len(stored()) == 7


def test_a_claim_recorded_and_a_decision(world, attack, editor):
    claim_record(
        attack=attack,
        category="killed",
        value=14,
        qualifier="exact",
        reported_at=kyiv(2025, 4, 24, 9),
        source_label="Ukrinform",
        by=editor,
    )
    assert_fresh()
    decision_make(attack=attack, category="killed", best=13, low=12, high=14, rationale="Two sources.", by=editor)
    assert_fresh()
    assert b",13," in stored()[attack.pk][0]


def test_a_place_edit_reaches_attacks_of_the_place_its_districts_and_its_oblast(world):
    Place.objects.filter(pk=world.places["kyiv_city"].pk).update(name="Kyiv, City of")
    Place.objects.filter(pk=world.places["kyiv"].pk).update(name='Kyiv "capital"')
    place = world.places["kharkiv"]
    place.name = "Kharkiv-town"
    place.save()
    assert_fresh()
    assert b'"Kyiv, City of"' in stored()[world.attacks["a1"].pk][0]


def test_a_retraction_and_a_publication(world, attack, editor):
    attack_retract(attack=attack, by=editor, reason="A duplicate of another report.")
    assert_fresh()
    assert b",retracted," in stored()[attack.pk][0]
    draft = world.attacks["a5"]
    draft.latitude, draft.longitude = 50.45, 30.52
    draft.save()
    ArticleFactory(attack=draft, published_at=kyiv(2025, 4, 20, 13))
    attack_publish(attack=draft, by=editor)
    assert_fresh()


def test_a_grade_override(world, attack, editor):
    grade_override(attack=attack, grade="discounted", reason="A staged video.", by=editor)
    assert_fresh()
    assert b'"grade":"discounted"' in stored()[attack.pk][1]


def test_a_merge_an_article_moved_and_linked(world, editor):
    a1, a2, a3 = (world.attacks[k] for k in ("a1", "a2", "a3"))
    attack_merge(source=a2, target=a1, by=editor)
    assert_fresh()
    article = Article.objects.filter(attack=a1).first()
    article_move(article=article, attack=a3, by=editor)
    assert_fresh()
    ArticleFactory(attack=a3, url="https://example.org/a,b", title='Said "that"', published_at=kyiv(2025, 4, 25, 9))
    Outlet.objects.filter(pk=Article.objects.filter(attack=a3).first().outlet_id).update(name="=Renamed")
    assert_fresh()


def test_munitions_changed_and_renamed(world, attack):
    AttackMunition.objects.filter(attack=attack).delete()
    AttackMunition.objects.create(attack=attack, munition=world.munitions["kh101"], count=2)
    assert_fresh()
    Munition.objects.filter(pk=world.munitions["shahed"].pk).update(name="Geran-2", origin_country="Russia")
    assert_fresh()


def test_an_attack_edited_deleted_and_written_in_bulk(world):
    Attack.objects.filter(status="published").update(description="Line one\r\nline two, with a comma")
    AttackFactory(occurred_at=kyiv(2025, 1, 1, 0, 0, 0, 5), description="", latitude=50.0, longitude=30.0)
    world.attacks["a7"].delete()
    assert_fresh()


def test_an_import(reference, write_csv):  # noqa: F811
    from datasets.importers.ucdp import ucdp_import
    from tests.datasets.test_import_ucdp import EVENT, ucdp_csv

    summary = ucdp_import(path=write_csv(ucdp_csv(EVENT), encoding="cp1252"), show_progress=False)
    assert summary.problems == []
    assert Attack.objects.exists()
    assert_fresh()


def test_a_rolled_back_write_changes_nothing_and_a_savepoint_keeps_the_rest(world, attack):
    before = stored()[attack.pk]
    try:
        with transaction.atomic():
            Attack.objects.filter(pk=attack.pk).update(description="Rolled back.")
            raise RuntimeError
    except RuntimeError:
        pass
    assert stored()[attack.pk] == before
    with transaction.atomic():
        Attack.objects.filter(pk=attack.pk).update(description="Kept.")
    assert_fresh()


@pytest.mark.parametrize("written", [3, 70])
def test_the_flush_leaves_the_plan_cache_mode_as_it_found_it(world, written):
    """A transaction of up to 64 attacks is refreshed with the session's generic plan, a larger
    one with the plans PostgreSQL chooses for its size (migration 0015); either way the
    session's setting is what it was before, and every line is right."""
    with connection.cursor() as cursor:
        cursor.execute("SET plan_cache_mode = force_custom_plan")
    AttackFactory.create_batch(written - 1, description="Written in one transaction.")
    Attack.objects.filter(pk=world.attacks["a1"].pk).update(description="And this one edited.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT attack_id) FROM strikes_attackexport_dirty")
        assert cursor.fetchone()[0] >= written
    flush()
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        assert cursor.fetchone()[0] == "force_custom_plan"
        cursor.execute("SELECT count(*) FROM strikes_attackexport_dirty")
        assert cursor.fetchone()[0] == 0
    assert_fresh()


@pytest.mark.django_db(transaction=True)
def test_the_lines_are_written_at_commit_by_the_database(world):
    """Outside a test's transaction: the deferred trigger refreshes at commit, nobody flushes."""
    attack = world.attacks["a1"]
    with transaction.atomic():
        Attack.objects.filter(pk=attack.pk).update(description="Written at commit.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT csv_line FROM strikes_attackexport WHERE attack_id = %s", [attack.pk])
        assert "Written at commit." in cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM strikes_attackexport_dirty")
        assert cursor.fetchone()[0] == 0
    assert_fresh()


# --- The exports served from them ---


def test_default_csv_is_served_from_the_stored_lines_and_equals_the_live_export(anon, world, monkeypatch):
    read = []
    monkeypatch.setattr(export_lines, "values", _spy(export_lines.values, read))
    for query in ("", "&status=published", "&ordering=occurred_at", "&oblast=Kharkiv Oblast"):
        response = anon.get(f"/api/v1/attacks/?format=csv{query}")
        stored_body = b"".join(response.streaming_content)
        live_body = b"".join(
            anon.get(f"/api/v1/attacks/?format=csv&fields={','.join(CSV_COLUMNS)}{query}").streaming_content
        )
        assert stored_body == live_body, query
    assert len(read) == 4


def test_default_geojson_is_served_from_the_stored_lines_and_equals_the_live_export(anon, world, monkeypatch):
    read = []
    monkeypatch.setattr(export_lines, "values", _spy(export_lines.values, read))
    for query in ("", "&occurred_after=2025-04-01", "&munition=Shahed-136"):
        response = anon.get(f"/api/v1/attacks/?format=geojson{query}", HTTP_HOST="localhost")
        body = b"".join(response.streaming_content)
        shape = Shape("decided", FIELD_NAMES, ("http://localhost/api/v1/attacks/", "/"), None)
        assert json.loads(body)["type"] == "FeatureCollection"
        ids = [f["id"] for f in json.loads(body)["features"]]
        expected = b"".join(geojson_stream(Attack.objects.filter(pk__in=ids).order_by("-occurred_at", "-id"), shape))
        assert body == expected, query
    assert len(read) == 3


def test_lines_of_another_declaration_or_zone_are_not_served(anon, world, monkeypatch, settings):
    read = []
    monkeypatch.setattr(export_lines, "values", _spy(export_lines.values, read))
    settings.TIME_ZONE = "Asia/Kathmandu"
    assert b"+05:45" in b"".join(anon.get("/api/v1/attacks/?format=csv").streaming_content)
    settings.TIME_ZONE = "Europe/Kyiv"
    monkeypatch.setattr(export_lines, "current_version", lambda zone: "another")
    b"".join(anon.get("/api/v1/attacks/?format=csv").streaming_content)
    assert read == []


def test_a_missing_line_aborts_the_transfer(anon, world):
    with connection.cursor() as cursor:
        flush()
        cursor.execute("DELETE FROM strikes_attackexport WHERE attack_id = %s", [world.attacks["a7"].pk])
    # Found before the first byte here (one piece): an error, never a short file.
    with pytest.raises(RuntimeError, match="missing"):
        b"".join(anon.get("/api/v1/attacks/?format=csv").streaming_content)


def test_install_rebuilds_only_when_the_generated_functions_change(world):
    flush()
    assert export_lines.install(verbosity=0) is False
    with connection.cursor() as cursor:
        cursor.execute("COMMENT ON FUNCTION strikes_attackexport_refresh(bigint[]) IS 'old'")
        cursor.execute("UPDATE strikes_attackexport SET csv_line = 'stale'")
    assert export_lines.install(verbosity=0) is True
    assert_fresh()


def _spy(function, calls):
    def spy(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    return spy


def test_times_with_microseconds_survive(world):
    AttackFactory(occurred_at=dt.datetime(2025, 5, 1, 12, 0, 0, 123, tzinfo=dt.UTC))
    assert_fresh()
