"""The attack form refuses what cannot be true: a future event time, an attack with no place,
publishing without a source; each refusal is a message on its field and nothing is saved."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory
from tests.pages.test_attack_form import form_data

pytestmark = pytest.mark.django_db

FUTURE = "The attack cannot have happened in the future; check the date and time."


def local(moment: dt.datetime) -> str:
    """A moment as the form's datetime-local input sends it (Kyiv wall clock)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_an_event_time_tomorrow_is_refused_on_its_field_and_nothing_is_saved(as_user, analyst, kyiv):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    response = as_user(analyst).post(
        reverse("attack-create"), form_data(place=kyiv.pk, place_search="Kyiv", occurred_at=local(tomorrow))
    )
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_at"] == [FUTURE]
    assert Attack.objects.count() == 0


def test_an_event_time_within_the_clock_skew_is_accepted(as_user, analyst, kyiv):
    # Five minutes ahead: the analyst's clock runs a little fast; the skew allowed is 10 minutes.
    soon = timezone.now() + dt.timedelta(minutes=5)
    response = as_user(analyst).post(
        reverse("attack-create"), form_data(place=kyiv.pk, place_search="Kyiv", occurred_at=local(soon))
    )
    assert response.status_code == 302
    assert Attack.objects.count() == 1


def test_an_edit_moving_the_event_into_the_future_changes_nothing(as_user, editor, kyiv):
    attack = AttackFactory(place=kyiv, status="draft", occurred_at=dt.datetime(2025, 4, 24, 1, 30, tzinfo=dt.UTC))
    response = as_user(editor).post(
        reverse("attack-edit", args=[attack.pk]),
        form_data(place=kyiv.pk, place_search="Kyiv", occurred_at=local(timezone.now() + dt.timedelta(hours=2))),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_at"] == [FUTURE]
    attack.refresh_from_db()
    assert attack.occurred_at == dt.datetime(2025, 4, 24, 1, 30, tzinfo=dt.UTC)


def test_a_typed_place_not_chosen_from_the_suggestions_is_refused(as_user, analyst, kyiv):
    response = as_user(analyst).post(reverse("attack-create"), form_data(place_search="Somewhere near Kyiv"))
    assert response.status_code == 400
    assert response.context["form"].errors["place_search"] == [
        "Choose one of the suggestions, or click the map to set coordinates."
    ]
    assert Attack.objects.count() == 0


def test_no_place_and_no_coordinates_is_refused(as_user, analyst):
    response = as_user(analyst).post(reverse("attack-create"), form_data())
    assert response.status_code == 400
    assert response.context["form"].errors["place_search"] == ["Give a place or click the map."]
    assert Attack.objects.count() == 0


def test_coordinates_alone_are_a_place(as_user, analyst):
    response = as_user(analyst).post(
        reverse("attack-create"), form_data(latitude="48.4647", longitude="35.0462", geo_precision="2")
    )
    assert response.status_code == 302
    attack = Attack.objects.get()
    assert (attack.place, attack.latitude, attack.longitude, attack.geo_precision) == (None, 48.4647, 35.0462, 2)


def test_saving_and_publishing_without_a_source_is_refused_and_nothing_is_saved(as_user, editor, kyiv):
    data = form_data(place=kyiv.pk, place_search="Kyiv")
    del data["draft"]
    data["publish"] = ""
    response = as_user(editor).post(reverse("attack-create"), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        "Link at least one source article (or a claim with its source) before publishing."
    ]
    assert Attack.objects.count() == 0  # the whole save was rolled back


def test_saving_and_publishing_with_a_claim_and_its_source_publishes(as_user, editor, kyiv):
    data = form_data(
        place=kyiv.pk,
        place_search="Kyiv",
        **{
            "claims-0-category": "killed",
            "claims-0-value": "4",
            "claims-0-quote": "Four people died.",
            "claims-0-source_label": "Kyiv city administration",
        },
    )
    del data["draft"]
    data["publish"] = ""
    response = as_user(editor).post(reverse("attack-create"), data)
    assert response.status_code == 302
    assert Attack.objects.get().status == "published"


def test_the_publish_button_names_the_missing_source_and_the_attack_stays_a_draft(as_user, editor, kyiv):
    attack = AttackFactory(place=kyiv, status="draft")
    response = as_user(editor).post(reverse("attack-publish", args=[attack.pk]))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Not published: Link at least one source article (or a claim with its source) before publishing."
    ]
    attack.refresh_from_db()
    assert attack.status == "draft"


def test_the_publish_button_publishes_an_attack_with_a_linked_article(as_user, editor, kyiv):
    attack = AttackFactory(place=kyiv, status="draft")
    ArticleFactory(attack=attack)
    as_user(editor).post(reverse("attack-publish", args=[attack.pk]))
    attack.refresh_from_db()
    assert attack.status == "published"
