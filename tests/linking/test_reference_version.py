"""The ingest workers' cached gazetteer (``linking.services.reference``) is checked against a
version row bumped by every write to the places or munitions (linking migration 0001), not by
counting and scanning the places for every article (issue 19). An edit is used from the next
article on; no edit, no rebuild.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from linking.services.reference import reference_data
from strikes.models import Munition, Place

pytestmark = pytest.mark.django_db

TEXT = "A drone hit Bilenkeville overnight, injuring two people."


def found(ref) -> list[str]:
    """The names of the places the gazetteer finds in TEXT."""
    return [rec.name for _start, _end, recs in ref.gazetteer.find_places(TEXT) for rec in recs]


def test_an_unchanged_gazetteer_is_checked_with_one_small_read(reference):
    first = reference_data()
    with CaptureQueriesContext(connection) as ctx:
        again = reference_data()
    assert again is first
    assert len(ctx.captured_queries) == 1
    assert "strikes_place" not in ctx.captured_queries[0]["sql"]


def test_an_alias_added_to_a_place_is_found_by_the_next_article(reference):
    assert found(reference_data()) == []
    kharkiv = Place.objects.get(name="Kharkiv", kind="city")
    # An editor's update, as the admin makes it (one UPDATE of the row).
    Place.objects.filter(pk=kharkiv.pk).update(aliases=[*kharkiv.aliases, "Bilenkeville"])
    assert found(reference_data()) == ["Kharkiv"]


def test_a_deleted_munition_is_gone_from_the_next_articles_reference(reference):
    before = {m.name for m in reference_data().munitions}
    assert "Shahed-136" in before
    Munition.objects.filter(name="Shahed-136").delete()
    assert {m.name for m in reference_data().munitions} == before - {"Shahed-136"}


def test_rows_read_in_a_rolled_back_edit_are_not_taken_for_a_later_edit(reference):
    kharkiv = Place.objects.get(name="Kharkiv", kind="city")
    reference_data()
    # Read inside a transaction that then rolls back (a worker's own, a test's): the version
    # number it saw comes back with the next committed edit, so the number alone would keep
    # the abandoned alias cached.
    with pytest.raises(RuntimeError), transaction.atomic():
        Place.objects.filter(pk=kharkiv.pk).update(aliases=["Bilenkeville"])
        assert found(reference_data()) == ["Kharkiv"]
        raise RuntimeError("rolled back")
    Place.objects.filter(pk=kharkiv.pk).update(name="Kharkiv", aliases=[*kharkiv.aliases, "Kharkov-on-Lopan"])
    assert found(reference_data()) == []
