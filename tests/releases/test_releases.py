"""`manage.py release` and /api/v1/releases/: numbered, checksummed, immutable releases.

These tests commit (transactional_db): a release is frozen in its own REPEATABLE READ
transaction, and its changelog reads the history by the time each write committed.
"""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from casualties.services import claim_record, decision_make
from releases.models import ImmutableError, Release, ReleaseFile, ReleaseFilePart
from strikes.models import Attack
from strikes.services import attack_retract
from tests.factories import AttackFactory, PlaceFactory, WaveFactory


@pytest.fixture
def anon():
    return APIClient()


def freeze(**options) -> Release:
    out = io.StringIO()
    call_command("release", stdout=out, **options)
    return Release.objects.order_by("-number").first()


def download(client, number: int, name: str):
    response = client.get(reverse("api-release-file", args=[number, name]))
    return response, b"".join(response.streaming_content)


@pytest.fixture
def published(editor):
    """Two published attacks; Kharkiv's killed figure decided at 2."""
    kharkiv = AttackFactory(place=PlaceFactory(name="Kharkiv"), description="Kharkiv strike")
    odesa = AttackFactory(place=PlaceFactory(name="Odesa"), description="Odesa strike")
    claim_record(attack=kharkiv, category="killed", value=2, qualifier="exact", reported_at=None, source_label="SES")
    decision_make(attack=kharkiv, category="killed", best=2, low=2, high=2, rationale="One source.", by=editor)
    return kharkiv, odesa


def test_two_releases_are_numbered_1_and_2_and_the_second_lists_what_changed_in_between(
    transactional_db, editor, published
):
    kharkiv, odesa = published
    first = freeze(notes="First cut.")
    assert first.number == 1
    assert first.notes == "First cut."
    assert first.counts["attacks"] == 2
    assert first.counts["killed"] == 2
    assert first.changelog["since_release"] is None

    decision_make(attack=kharkiv, category="killed", best=5, low=5, high=5, rationale="SES update.", by=editor)
    attack_retract(attack=odesa, by=editor, reason="Duplicate of the Kharkiv report.")
    lviv = AttackFactory(place=PlaceFactory(name="Lviv"))
    AttackFactory(place=PlaceFactory(name="Sumy"), status="draft")  # never public: not in the changelog

    second = freeze()
    assert second.number == 2
    assert second.counts["attacks"] == 2  # Kharkiv and Lviv
    assert second.counts["killed"] == 5
    log = second.changelog
    assert log["since_release"] == 1
    assert log["added"] == [lviv.pk]
    assert log["figures_changed"] == [{"id": kharkiv.pk, "killed": [2, 5], "injured": [None, None]}]
    assert log["retracted"] == [{"id": odesa.pk, "reason": "Duplicate of the Kharkiv report."}]
    assert log["unpublished"] == [] and log["deleted"] == []
    assert log["counts"] == {"added": 1, "figures_changed": 1, "retracted": 1, "unpublished": 0, "deleted": 0}
    # Release 1 still holds what it held.
    assert Release.objects.get(number=1).counts["killed"] == 2


def test_release_files_are_the_public_data_and_their_sha256_matches_the_bytes_served(
    transactional_db, editor, published, anon
):
    kharkiv, odesa = published
    AttackFactory(place=PlaceFactory(name="Dnipro"), status="draft")
    WaveFactory(source="=HYPERLINK(1)").counts.create(label="Shahed-136", launched=120, intercepted=101)
    release = freeze()

    detail = anon.get(reverse("api-release-detail", args=[release.number]))
    assert detail.status_code == 200
    files = {f["name"]: f for f in detail.json()["files"]}
    assert set(files) == {"attacks.csv", "attacks.geojson", "waves.csv"}
    assert "Release 1" in detail.json()["citation"]
    for name, listed in files.items():
        response, body = download(anon, release.number, name)
        assert response.status_code == 200
        assert hashlib.sha256(body).hexdigest() == listed["sha256"]
        assert len(body) == listed["size"] == int(response["Content-Length"])
        assert response["ETag"] == f'"{listed["sha256"]}"'
        assert listed["sha256"] in detail.json()["citation"]

    _, body = download(anon, release.number, "attacks.csv")
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert sorted(int(r["id"]) for r in rows) == sorted([kharkiv.pk, odesa.pk])  # the draft is not public
    assert {r["location"]: r["fatalities"] for r in rows} == {"Kharkiv": "2", "Odesa": ""}
    response, body = download(anon, release.number, "attacks.geojson")
    assert response["Content-Type"] == "application/geo+json"
    assert len(json.loads(body)["features"]) == 2
    _, body = download(anon, release.number, "waves.csv")
    wave_rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [(r["label"], r["launched"], r["intercepted"], r["source"]) for r in wave_rows] == [
        ("Shahed-136", "120", "101", "'=HYPERLINK(1)")
    ]
    # A client holding the file is told it has not changed.
    etag = files["attacks.csv"]["sha256"]
    again = anon.get(reverse("api-release-file", args=[release.number, "attacks.csv"]), HTTP_IF_NONE_MATCH=f'"{etag}"')
    assert again.status_code == 304


def test_a_release_cannot_be_modified_or_deleted_and_stays_as_it_was(transactional_db, published, anon):
    release = freeze(notes="As frozen.")
    file = release.files.get(name="attacks.csv")
    _, before = download(anon, release.number, "attacks.csv")

    release.notes = "Rewritten."
    with pytest.raises(ImmutableError):
        release.save()
    with pytest.raises(ImmutableError):
        file.delete()
    for statement in (
        "UPDATE releases_release SET notes = 'Rewritten.'",
        "UPDATE releases_releasefile SET sha256 = repeat('0', 64)",
        "UPDATE releases_releasefilepart SET data = 'x'::bytea",
        "DELETE FROM releases_releasefilepart",
        "DELETE FROM releases_release",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)

    assert Release.objects.get(number=1).notes == "As frozen."
    assert ReleaseFile.objects.get(pk=file.pk).sha256 == file.sha256
    assert ReleaseFilePart.objects.filter(file=file).count() == 1
    _, after = download(anon, release.number, "attacks.csv")
    assert after == before
    assert hashlib.sha256(after).hexdigest() == file.sha256


def test_nothing_published_is_refused_and_takes_no_number(transactional_db):
    AttackFactory(status="draft")
    with pytest.raises(CommandError, match="Nothing is published"):
        call_command("release", stdout=io.StringIO())
    assert not Release.objects.exists()


def test_release_api_refuses_what_it_does_not_know(transactional_db, published, anon):
    freeze()
    assert anon.get(reverse("api-release-list")).json()["results"][0]["number"] == 1
    assert anon.get(reverse("api-release-list"), {"number": "1"}).status_code == 400
    assert anon.get(reverse("api-release-detail", args=["1"]), {"fields": "x"}).status_code == 400
    assert anon.get(reverse("api-release-detail", args=["2"])).status_code == 404
    assert anon.get(reverse("api-release-detail", args=["1.0"])).status_code == 404
    assert anon.get(reverse("api-release-file", args=["1", "secrets.csv"])).status_code == 404
    assert anon.get(reverse("api-release-file", args=["1", "attacks.csv"]), {"x": "1"}).status_code == 400


def test_changelog_names_attacks_deleted_or_back_in_draft_and_not_one_published_and_retracted_in_between(
    transactional_db, editor, published
):
    kharkiv, odesa = published
    freeze()
    odesa_pk = odesa.pk
    odesa.delete()
    Attack.objects.filter(pk=kharkiv.pk).update(status="draft")  # as an admin bulk action would
    passing = AttackFactory(place=PlaceFactory(name="Kherson"))
    attack_retract(attack=passing, by=editor, reason="Wrong town.")
    lutsk = AttackFactory(place=PlaceFactory(name="Lutsk"))

    log = freeze().changelog
    assert log["deleted"] == [odesa_pk]
    assert log["unpublished"] == [kharkiv.pk]
    assert log["added"] == [lutsk.pk]
    assert log["retracted"] == [] and log["figures_changed"] == []


def test_as_of_the_release_moment_gives_back_the_released_csv_byte_for_byte(transactional_db, editor, published, anon):
    kharkiv, _odesa = published
    release = freeze()
    _, frozen = download(anon, release.number, "attacks.csv")
    decision_make(attack=kharkiv, category="killed", best=5, low=5, high=5, rationale="SES update.", by=editor)
    AttackFactory(place=PlaceFactory(name="Lviv"))

    now = anon.get(reverse("api-attack-list"), {"format": "csv"}).getvalue()
    assert now != frozen
    then = anon.get(reverse("api-attack-list"), {"format": "csv", "as_of": release.frozen_at.isoformat()})
    assert then.status_code == 200
    assert then.content == frozen


def test_the_admin_shows_a_release_and_offers_no_way_to_change_it(transactional_db, published, admin_client):
    release = freeze()
    assert admin_client.get(reverse("admin:releases_release_changelist")).status_code == 200
    page = admin_client.get(reverse("admin:releases_release_change", args=[release.pk]))
    assert page.status_code == 200
    assert release.files.get(name="attacks.csv").sha256 in page.content.decode()
    assert b'name="_save"' not in page.content
    assert (
        admin_client.post(reverse("admin:releases_release_delete", args=[release.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Release.objects.filter(pk=release.pk).exists()
