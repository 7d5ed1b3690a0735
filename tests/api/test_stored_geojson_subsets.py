"""A GeoJSON of some fields (``fields=``/``omit=``) cut from the stored Features by their marks
(strikes.api.export_lines.subset_line_sql, migration 0016): byte for byte what the live export
computes, for every subset, after every kind of write the stored lines follow, with text of
several bytes per character before and inside the cuts."""

import importlib
import inspect
import json

import pytest
from django.db import DataError, connection
from django.utils import timezone

from strikes.api import export_lines
from strikes.api.formats import geojson_stream
from strikes.api.representation import FIELD_NAMES, Shape
from strikes.models import Attack
from tests.api import test_export_lines as writes
from tests.api.conftest import kyiv
from tests.api.test_export_lines import _spy, attack  # noqa: F401 -- the fixture, for the write cases
from tests.datasets.conftest import reference, write_csv  # noqa: F401 -- fixtures for the import case
from tests.factories import AttackFactory

URL = ("http://localhost/api/v1/attacks/", "/")
LIGHT = ("id", "occurred_at", "place", "killed_best", "injured_best", "munitions")
# Subsets that start, end and break runs at every place, the url's neighbours above all.
SUBSETS = [
    (),
    LIGHT,
    *((name,) for name in FIELD_NAMES),
    *(FIELD_NAMES[i : i + 2] for i in range(len(FIELD_NAMES) - 1)),
    ("event_id_cnty", "occurred_at"),
    ("id", "url", "occurred_at", "updated_at"),
    ("id", "event_id_cnty", "url"),
    FIELD_NAMES[::2],
    FIELD_NAMES[1::2],
    *(tuple(n for n in FIELD_NAMES if n != name) for name in ("id", "url", "occurred_at", "updated_at", "figures")),
]


def NEVER():
    """The live statement, compiled only when the stored Features cannot answer: failing here
    proves an answer came from them."""
    raise AssertionError("the live statement was compiled")


def ordered(queryset):
    return queryset.order_by("-occurred_at", "-id")


def from_stored(names: tuple[str, ...], queryset) -> bytes:
    queryset = ordered(queryset)
    stored = export_lines.features_sql(queryset, URL, names=names)
    return b"".join(export_lines.stream(queryset, stored, NEVER, export_lines.feature_collection_of))


def from_live(names: tuple[str, ...], queryset, mode: str = "decided") -> bytes:
    shape = Shape(mode, names, URL, timezone.get_current_timezone())
    return b"".join(geojson_stream(ordered(queryset), shape))


def assert_subsets_fresh():
    """For every attack (every status) and every subset: the stored cut equals the live text."""
    everyone = Attack.objects.all()
    assert everyone.exists()
    for names in SUBSETS:
        assert from_stored(names, everyone) == from_live(names, everyone), names


# --- After every kind of write (the stored-equals-fresh cases of test_export_lines) ---

WRITE_CASES = [
    "test_a_claim_recorded_and_a_decision",
    "test_a_place_edit_reaches_attacks_of_the_place_its_districts_and_its_oblast",
    "test_a_retraction_and_a_publication",
    "test_a_grade_override",
    "test_a_merge_an_article_moved_and_linked",
    "test_munitions_changed_and_renamed",
    "test_an_attack_edited_deleted_and_written_in_bulk",
    "test_an_import",
    "test_a_rolled_back_write_changes_nothing_and_a_savepoint_keeps_the_rest",
    "test_install_rebuilds_only_when_the_generated_functions_change",
    "test_times_with_microseconds_survive",
]


@pytest.mark.parametrize("case", WRITE_CASES)
def test_every_subset_equals_the_live_export_after_each_kind_of_write(case, request, monkeypatch):
    """Each write case of test_export_lines, its every freshness check also comparing every
    subset of every attack with the live export."""
    whole = writes.assert_fresh

    def fresh():
        whole()
        assert_subsets_fresh()

    monkeypatch.setattr(writes, "assert_fresh", fresh)
    function = getattr(writes, case)
    function(**{name: request.getfixturevalue(name) for name in inspect.signature(function).parameters})


def test_a_transaction_of_many_attacks_reads_its_own_subsets(world):
    AttackFactory.create_batch(70, description="Written in one transaction.")
    Attack.objects.filter(pk=world.attacks["a1"].pk).update(description="Этот тоже.")
    assert_subsets_fresh()


# --- Bytes written in the test ---


def test_the_light_fields_of_an_attack_with_cyrillic_before_and_inside_the_cuts(world):
    a1 = world.attacks["a1"]
    Attack.objects.filter(pk=a1.pk).update(
        description="Удар по Києву — «шахеди» 🚀", killed_best=3, injured_best=None, occurred_at=kyiv(2025, 4, 24, 3)
    )
    one = Attack.objects.filter(pk=a1.pk)
    start = '{"type":"FeatureCollection","features":[{"type":"Feature","id":PK,"geometry":'
    start += '{"type":"Point","coordinates":[30.3602,50.4601]},"properties":{'
    expected = start + '"id":PK,"description":"Удар по Києву — «шахеди» 🚀","killed_best":3,"injured_best":null}}]}\n'
    assert from_stored(("id", "description", "killed_best", "injured_best"), one) == expected.replace(
        "PK", str(a1.pk)
    ).encode("utf-8")
    expected = start + '"url":"http://localhost/api/v1/attacks/PK/","occurred_at":"2025-04-24T03:00:00+03:00"}}]}\n'
    assert from_stored(("url", "occurred_at"), one) == expected.replace("PK", str(a1.pk)).encode("utf-8")


def test_no_fields_is_features_with_empty_properties(world):
    a1 = world.attacks["a1"]
    body = from_stored((), Attack.objects.filter(pk=a1.pk))
    assert json.loads(body)["features"] == [
        {
            "type": "Feature",
            "id": a1.pk,
            "geometry": {"type": "Point", "coordinates": [30.3602, 50.4601]},
            "properties": {},
        }
    ]


# --- Served through the API ---


def get(anon, query: str):
    return b"".join(anon.get(f"/api/v1/attacks/?format=geojson{query}", HTTP_HOST="localhost").streaming_content)


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("&fields=id,occurred_at,place,killed_best,injured_best,munitions", LIGHT),
        ("&omit=sources", tuple(n for n in FIELD_NAMES if n != "sources")),
        ("&fields=munitions,id", ("id", "munitions")),  # asked out of order: the declaration's, as live
        ("&omit=url&occurred_after=2025-04-01", tuple(n for n in FIELD_NAMES if n != "url")),
        ("&fields=id,munitions&figures=conservative", ("id", "munitions")),  # no field of the mode
    ],
)
def test_a_subset_is_served_from_the_stored_features(anon, world, monkeypatch, query, names):
    read = []
    monkeypatch.setattr(export_lines, "values", _spy(export_lines.values, read))
    body = get(anon, query)
    ids = [f["id"] for f in json.loads(body)["features"]]
    # The public world, newest first (tests/api/conftest.py); a4 and a7 before April.
    keys = ("a3", "a2", "a1") if "occurred_after" in query else ("a3", "a2", "a1", "a4", "a7")
    assert ids == [world.attacks[k].pk for k in keys]
    assert body == from_live(names, Attack.objects.filter(pk__in=ids))
    assert len(read) == 1


def test_figures_in_another_mode_take_the_live_path(anon, world, monkeypatch, editor):
    read = []
    monkeypatch.setattr(export_lines, "values", _spy(export_lines.values, read))
    body = get(anon, "&fields=id,figures&figures=conservative")
    ids = [f["id"] for f in json.loads(body)["features"]]
    assert body == from_live(("id", "figures"), Attack.objects.filter(pk__in=ids), mode="conservative")
    assert read == []


def test_a_line_without_marks_is_an_error_never_a_short_file(anon, world):
    writes.flush()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE strikes_attackexport SET feature_marks = NULL WHERE attack_id = %s", [world.attacks["a7"].pk]
        )
    writes.flush()
    with pytest.raises(RuntimeError, match="missing"):
        get(anon, "&fields=id,munitions")


def test_migrated_back_and_forth_the_lines_follow_and_answers_stay_right(anon, world, monkeypatch):
    """Back before 0016 the column is gone: install() writes functions without marks (a write
    still refreshes its lines) and no export reads lines of another declaration (live answers);
    forward again, the marks are written and subsets served from them."""
    (operation,) = importlib.import_module("strikes.migrations.0016_geo_feature_marks").Migration.operations
    read = []
    monkeypatch.setattr(export_lines, "values", _spy(export_lines.values, read))
    public = Attack.objects.filter(pk__in=[world.attacks[k].pk for k in ("a3", "a2", "a1", "a4", "a7")])
    names = ("id", "description", "munitions")
    writes.flush()
    with connection.cursor() as cursor:
        cursor.execute(operation.reverse_sql)
    assert export_lines.install(verbosity=0) is True
    Attack.objects.filter(pk=world.attacks["a1"].pk).update(description="Edited while migrated back.")
    writes.flush()
    back = get(anon, "&fields=id,description,munitions")
    assert b'"description":"Edited while migrated back."' in back
    assert back == from_live(names, public)
    assert get(anon, "") == from_live(FIELD_NAMES, public)
    assert read == []  # neither the subset nor the whole: the lines are not this code's
    with connection.cursor() as cursor:
        cursor.execute(operation.sql)
    assert export_lines.install(verbosity=0) is True
    assert get(anon, "&fields=id,description,munitions") == back
    assert len(read) == 1


def test_in_another_client_encoding_a_subset_is_an_error_never_text_cut_elsewhere(world):
    """The marks count UTF-8 bytes; a session in another encoding gets an error, not a Feature cut
    at the wrong places (Django's sessions are always UTF-8)."""
    writes.flush()
    with connection.cursor() as cursor:
        cursor.execute("SET client_encoding = 'LATIN1'")
    try:
        with pytest.raises((RuntimeError, DataError)):
            from_stored(LIGHT, Attack.objects.all())
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET client_encoding = 'UTF8'")
    assert json.loads(from_stored(LIGHT, Attack.objects.all()))["type"] == "FeatureCollection"


def test_a_feature_longer_than_a_page_is_cut_as_live(db):
    """A line past the page (stored compressed or out of line) is cut from its whole text."""
    huge = "Удар по житловому кварталу, вибиті вікна. " * 500  # 21,000 characters, 39,000 bytes
    long_one = AttackFactory(description=huge, latitude=50.0, longitude=30.0)
    one = Attack.objects.filter(pk=long_one.pk)
    for names in (("id", "description", "updated_at"), ("description",), ("url", "sources", "created_at")):
        body = from_stored(names, one)
        assert body == from_live(names, one), names
    assert json.loads(from_stored(("description",), one))["features"][0]["properties"] == {"description": huge}
