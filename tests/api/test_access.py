"""Who may read and write what, tokens, and throttling."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from strikes.models import Attack, AttackEvent
from tests.api.conftest import client_for, kyiv
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def new_attack_payload(world):
    return {
        "occurred_at": "2025-05-01T02:00:00+03:00",
        "place": world.places["kyiv"].pk,
        "target_type": "residential",
        "description": "Drone debris fell on a house.",
        "munitions": [{"munition": world.munitions["shahed"].pk, "count": 3}],
    }


# --- reads ---


def test_public_api_off_requires_sign_in(anon, researcher, world, settings):
    settings.PUBLIC_API = False
    assert anon.get(reverse("api-attack-list")).status_code in (401, 403)
    assert anon.get(reverse("api-timeline")).status_code in (401, 403)
    assert client_for(researcher).get(reverse("api-attack-list")).status_code == 200


# --- writes per role ---


@pytest.mark.parametrize("role", ["analyst", "editor", "admin_user"])
def test_staff_can_log_an_attack_as_a_draft(request, world, role):
    user = request.getfixturevalue(role)
    response = client_for(user).post(reverse("api-attack-list"), new_attack_payload(world), format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft"
    assert data["munitions"][0]["name"] == "Shahed-136" and data["munitions"][0]["count"] == 3
    # Coordinates and their precision come from the place when none are given.
    assert (data["latitude"], data["longitude"], data["geo_precision"]) == (50.45, 30.52, 4)
    attack = Attack.objects.get(pk=data["id"])
    assert attack.created_by == user
    # The history records who did it, through the service's context.
    event = AttackEvent.objects.filter(pgh_obj=attack, pgh_label="insert").select_related("pgh_context").get()
    assert event.pgh_context.metadata["user"] == user.pk


def test_researchers_and_anonymous_cannot_write(anon, researcher, world):
    url = reverse("api-attack-list")
    assert anon.post(url, new_attack_payload(world), format="json").status_code in (401, 403)
    assert client_for(researcher).post(url, new_attack_payload(world), format="json").status_code == 403
    detail = reverse("api-attack-detail", args=[world.attacks["a1"].pk])
    assert client_for(researcher).patch(detail, {"description": "x"}, format="json").status_code == 403
    assert Attack.objects.count() == 7


def test_analyst_edits_an_attack(analyst, world):
    a2 = world.attacks["a2"]
    response = client_for(analyst).patch(
        reverse("api-attack-detail", args=[a2.pk]),
        {"description": "Drones hit a thermal power plant.", "target_type": "energy", "munitions": []},
        format="json",
    )
    if a2.status != "published":
        assert response.status_code == 200, response.content
        assert response.json()["munitions"] == []
        a2.refresh_from_db()
        assert a2.description == "Drones hit a thermal power plant."
        assert a2.updated_at > world.attacks["a2"].created_at
        # The search vector follows the description.
        assert Attack.objects.filter(pk=a2.pk, search_vector="thermal").exists()
    else:
        # A published attack: the analyst's edit is a proposal for an editor; nothing changed yet.
        assert response.status_code == 202, response.content
        assert response.json()["proposal"]["changes"]["description"] == "Drones hit a thermal power plant."
        before = a2.description
        a2.refresh_from_db()
        assert a2.description == before


def test_invalid_write_is_a_400_not_a_500(analyst, world):
    client = client_for(analyst)
    url = reverse("api-attack-list")
    bad = [
        {**new_attack_payload(world), "latitude": 50.0},  # latitude without longitude
        {**new_attack_payload(world), "place": 999999},
        {**new_attack_payload(world), "munitions": [{"munition": 999999}]},
        {**new_attack_payload(world), "occurred_at": "soon"},
        {**new_attack_payload(world), "geo_precision": 9},
        {**new_attack_payload(world), "description": "nul\x00byte"},
    ]
    for payload in bad:
        response = client.post(url, payload, format="json")
        assert response.status_code == 400, (payload, response.content)
    assert Attack.objects.count() == 7


@pytest.mark.parametrize("role", ["analyst", "researcher"])
def test_only_editors_publish_and_retract(request, world, role):
    client = client_for(request.getfixturevalue(role))
    a5 = world.attacks["a5"]
    assert client.post(reverse("api-attack-publish", args=[a5.pk])).status_code == 403
    assert client.post(reverse("api-attack-retract", args=[world.attacks["a1"].pk]), {"reason": "x"}).status_code == 403
    a5.refresh_from_db()
    assert a5.status == "draft"


def test_editor_publishes_then_retracts_with_a_reason(editor, anon, world):
    client = client_for(editor)
    a5 = world.attacks["a5"]
    ArticleFactory(attack=a5)  # publishing needs a source
    assert client.post(reverse("api-attack-publish", args=[a5.pk])).json()["status"] == "published"
    assert anon.get(reverse("api-attack-detail", args=[a5.pk])).status_code == 200

    no_reason = client.post(reverse("api-attack-retract", args=[a5.pk]), {"reason": "  "}, format="json")
    assert no_reason.status_code == 400
    retracted = client.post(reverse("api-attack-retract", args=[a5.pk]), {"reason": "Not a strike."}, format="json")
    assert retracted.status_code == 200
    assert (retracted.json()["status"], retracted.json()["retraction_reason"]) == ("retracted", "Not a strike.")
    gone = anon.get(reverse("api-attack-detail", args=[a5.pk]))
    assert gone.status_code == 410
    body = gone.json()
    assert (body["id"], body["status"], body["reason"]) == (a5.pk, "retracted", "Not a strike.")
    assert set(body) == {"detail", "id", "status", "retracted_at", "reason"}  # a tombstone, nothing else
    assert client.get(reverse("api-attack-detail", args=[a5.pk])).status_code == 200  # staff see the record


def test_a_retraction_date_is_when_it_was_retracted_not_the_last_staff_edit(editor, anon, world):
    import datetime as dt

    from strikes.services import attack_retract, attack_update

    a1 = world.attacks["a1"]
    attack_retract(attack=a1, by=editor, reason="Double entry.")
    retracted_at = dt.datetime.fromisoformat(
        anon.get(reverse("api-attack-detail", args=[a1.pk])).json()["retracted_at"]
    )
    attack_update(attack=Attack.objects.get(pk=a1.pk), by=editor, description="Kept for the record.")
    again = anon.get(reverse("api-attack-detail", args=[a1.pk])).json()
    assert dt.datetime.fromisoformat(again["retracted_at"]) == retracted_at
    assert again["reason"] == "Double entry."
    assert "Kept for the record." not in str(again)


def test_a_draft_stays_a_plain_404_for_the_public(anon, world):
    assert anon.get(reverse("api-attack-detail", args=[world.attacks["a5"].pk])).status_code == 404


def test_status_cannot_be_set_by_editing(analyst, world):
    a5 = world.attacks["a5"]
    client_for(analyst).patch(reverse("api-attack-detail", args=[a5.pk]), {"status": "published"}, format="json")
    a5.refresh_from_db()
    assert a5.status == "draft"


# --- tokens ---


def test_token_obtain_and_use(researcher, world, settings):
    settings.PUBLIC_API = False
    client = APIClient()
    response = client.post(reverse("api-token"), {"username": "rosa", "password": "pw-rosa"}, format="json")
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=researcher).key == key
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(reverse("api-attack-list")).status_code == 200
    wrong = APIClient().post(reverse("api-token"), {"username": "rosa", "password": "nope"}, format="json")
    assert wrong.status_code == 400


def test_bad_token_is_401(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(reverse("api-attack-list")).status_code == 401


# --- throttling ---


def test_anonymous_clients_are_throttled_per_ip(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"}}
    url = reverse("api-attack-list")
    first_ip, second_ip = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    assert [first_ip.get(url, {"fields": "id"}).status_code for _ in range(4)] == [200, 200, 200, 429]
    throttled = first_ip.get(url)
    assert throttled.status_code == 429 and "Retry-After" in throttled
    assert throttled["Content-Type"] == "application/json"
    assert second_ip.get(url).status_code == 200  # another address has its own budget


def test_signed_in_users_have_their_own_larger_budget(world, researcher, editor, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "4/min"}}
    url = reverse("api-map")
    rosa, eddie = client_for(researcher), client_for(editor)
    assert [rosa.get(url).status_code for _ in range(5)] == [200, 200, 200, 200, 429]
    assert eddie.get(url).status_code == 200


def test_csv_download_counts_as_one_request(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "1/min"}}
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    assert client.get(reverse("api-attack-list"), {"format": "csv"}).status_code == 200
    response = client.get(reverse("api-attack-list"), {"format": "csv"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"


def test_history_of_a_retraction_names_the_editor(editor, world):
    a1 = world.attacks["a1"]
    client_for(editor).post(reverse("api-attack-retract", args=[a1.pk]), {"reason": "Wrong city."}, format="json")
    event = AttackEvent.objects.filter(pgh_obj=a1, status="retracted").select_related("pgh_context").get()
    assert event.pgh_context.metadata["user"] == editor.pk
    assert event.pgh_context.metadata["service"] == "attack_retract"
    assert event.pgh_created_at >= kyiv(2025, 1, 1, 0, 0)
