"""A release's attacks.csv and attacks.geojson read the stored export lines, and are byte for
byte what the live exporters write (the GeoJSON without the url property); its parts hold the
file's bytes in order, however many there are."""

import hashlib
import json

import pytest
from django.utils import timezone

from releases import services
from releases.api.freeze import public_attacks, release_files
from releases.models import ReleaseFilePart
from releases.services import release_freeze
from strikes.api import export_lines
from strikes.api.formats import csv_rows, geojson_stream
from strikes.api.representation import CSV_COLUMNS, FIELD_NAMES, Shape
from tests.api.conftest import world  # noqa: F401 -- the fixture
from tests.factories import AttackFactory, PlaceFactory


def live_files() -> dict[str, bytes]:
    """The two attack files as the live exporters write them (no stored line read)."""
    names = tuple(name for name in FIELD_NAMES if name != "url")
    shape = Shape("decided", names, ("", ""), timezone.get_current_timezone())
    return {
        "attacks.csv": b"".join(csv_rows(public_attacks(), mode="decided", columns=list(CSV_COLUMNS))),
        "attacks.geojson": b"".join(geojson_stream(public_attacks(), shape)),
    }


def released(release) -> dict[str, bytes]:
    files = {}
    for file in release.files.all():
        parts = ReleaseFilePart.objects.filter(file=file).order_by("index").values_list("data", flat=True)
        files[file.name] = b"".join(bytes(part) for part in parts)
        assert len(files[file.name]) == file.size
        assert hashlib.sha256(files[file.name]).hexdigest() == file.sha256
    return files


@pytest.fixture
def awkward(world):  # noqa: F811
    """The world's attacks, and one whose text needs quoting in CSV and escaping in JSON."""
    AttackFactory(
        place=PlaceFactory(name='=Kherson "port", quay 2'),
        description='-1 strike: "quoted", comma,\nnew line and a \\ backslash \u2028 ok',
    )
    return world


@pytest.fixture
def reads(monkeypatch):
    """The stored COPYs read (each call of ``export_lines.values``)."""
    calls = []
    values = export_lines.values

    def spy(copy):
        calls.append(copy)
        return values(copy)

    monkeypatch.setattr(export_lines, "values", spy)
    return calls


def test_attack_files_are_read_from_the_stored_lines_and_equal_the_live_exports(awkward, reads):
    release = release_freeze(files=release_files)
    files = released(release)
    assert len(reads) == 2  # attacks.csv and attacks.geojson, from the stored lines
    live = live_files()
    assert files["attacks.csv"] == live["attacks.csv"]
    assert files["attacks.geojson"] == live["attacks.geojson"]
    features = json.loads(files["attacks.geojson"])["features"]
    assert features and all("url" not in f["properties"] and "event_id_cnty" in f["properties"] for f in features)
    assert files["attacks.csv"].count(b"\n") > 6  # the header and the published attacks


def test_lines_of_another_declaration_are_not_read_and_the_files_are_the_same(awkward, reads, monkeypatch):
    monkeypatch.setattr(export_lines, "current_version", lambda zone: "another declaration")
    files = released(release_freeze(files=release_files))
    assert reads == []
    live = live_files()
    assert (files["attacks.csv"], files["attacks.geojson"]) == (live["attacks.csv"], live["attacks.geojson"])


def test_a_file_of_many_parts_is_its_bytes_in_order(awkward, monkeypatch):
    monkeypatch.setattr(services, "PART_SIZE", 1000)
    release = release_freeze(files=release_files)
    files = released(release)
    geojson = release.files.get(name="attacks.geojson")
    assert ReleaseFilePart.objects.filter(file=geojson).count() == -(-geojson.size // 1000) > 3
    assert files["attacks.geojson"] == live_files()["attacks.geojson"]
