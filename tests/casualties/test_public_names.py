"""Editors are named on decisions by the public name they choose, never by their username
(issue 20: half of a login must not be public)."""

import pytest
from django.urls import reverse

from tests.casualties.test_api import decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, editor):
    client.force_login(editor)
    return client


def decided_by_in_api(client, kyiv) -> list:
    client.logout()
    rows = client.get(reverse("api-decision-list"), {"attack": kyiv.pk}).json()["results"]
    return [row["decided_by"] for row in rows]


def test_a_decision_shows_editor_and_number_until_a_name_is_chosen(api, kyiv, editor):
    assert decide(api, kyiv).status_code == 201
    api.logout()
    page = api.get(reverse("attack-detail", args=[kyiv.pk])).content.decode()  # as the public reads it
    assert f"Editor {editor.pk}" in page and "eddie" not in page
    assert decided_by_in_api(api, kyiv) == [f"Editor {editor.pk}"]


def test_the_chosen_public_name_replaces_the_username_everywhere_public(api, kyiv, editor):
    assert decide(api, kyiv).status_code == 201
    response = api.post(reverse("profile"), {"action": "name", "public_name": "  Olena   K. (Kyiv desk) "})
    assert response.status_code == 302
    editor.refresh_from_db()
    assert editor.get_full_name() == "Olena K. (Kyiv desk)"
    api.logout()
    public = api.get(reverse("attack-detail", args=[kyiv.pk])).content.decode()
    assert "Olena K. (Kyiv desk)" in public and "eddie" not in public
    assert decided_by_in_api(api, kyiv) == ["Olena K. (Kyiv desk)"]


@pytest.mark.parametrize("name", ["x" * 61, "tab\tinside", "bell\x07"])
def test_a_public_name_too_long_or_with_control_characters_is_refused_and_nothing_changes(api, editor, name):
    editor.first_name = "Olena"
    editor.save()
    response = api.post(reverse("profile"), {"action": "name", "public_name": name})
    # Whitespace runs collapse to one space, so a tab inside a name is not refused but cleaned.
    if "\t" in name:
        assert response.status_code == 302
        editor.refresh_from_db()
        assert editor.first_name == "tab inside"
        return
    assert response.status_code == 400
    assert "at most 60 printable characters" in response.content.decode()
    editor.refresh_from_db()
    assert (editor.first_name, editor.last_name) == ("Olena", "")


def test_an_empty_public_name_goes_back_to_editor_and_number(api, editor):
    editor.first_name = "Olena"
    editor.save()
    assert api.post(reverse("profile"), {"action": "name", "public_name": "  "}).status_code == 302
    editor.refresh_from_db()
    assert editor.get_full_name() == ""


def test_an_unknown_profile_action_is_refused(api, editor):
    response = api.post(reverse("profile"), {"action": "delete-everything"})
    assert response.status_code == 400
    editor.refresh_from_db()
    assert editor.is_active
