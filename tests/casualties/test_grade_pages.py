"""The evidence grade on the attack's page, and the editor's page that changes it (issue 15)."""

import datetime as dt

import pytest
from django.urls import reverse

from casualties.models import GradeOverride
from casualties.services import grade_refresh
from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory, OutletFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attack():
    """A published attack reported by two outlets that agree: confirmed by the rules."""
    strike = AttackFactory(status="published", occurred_at=dt.datetime(2025, 6, 10, 1, 0, tzinfo=dt.UTC))
    ArticleFactory(attack=strike, outlet=OutletFactory(name="Harbour Daily", grade="B"))
    ArticleFactory(attack=strike, outlet=OutletFactory(name="Coast Radio", grade="B"))
    grade_refresh(attack=strike)
    strike.refresh_from_db()
    return strike


def _state(attack):
    attack.refresh_from_db()
    return attack.grade, attack.updated_at, list(GradeOverride.objects.values_list("version", "grade", "is_current"))


def test_the_attack_page_shows_the_grade_and_why_to_anyone(client, attack):
    page = client.get(reverse("attack-detail", args=[attack.pk])).content.decode()
    assert "Evidence grade: " in page and ">Confirmed</span>" in page
    assert "2 independent sources agree on place and date: Coast Radio and Harbour Daily." in page
    # Not an editor: no way to change it, and no link to the editors' page.
    assert reverse("grade-override", args=[attack.pk]) not in page


def test_a_published_grade_waiting_for_an_editor_is_not_explained_by_a_reason_that_contradicts_it(client, attack):
    # One of the two articles rejected with no re-grade yet (written behind the services' back, as
    # an analyst's rejection on a published attack waits for an editor): the badge still shows the
    # published grade, and the reason says the sources have moved on instead of contradicting it.
    attack.articles.filter(outlet__name="Coast Radio").update(review_state="rejected")
    page = client.get(reverse("attack-detail", args=[attack.pk])).content.decode()
    assert ">Confirmed</span>" in page
    assert "2 independent sources agree" not in page
    assert "The sources now give “Single source”" in page
    assert "One source: Harbour Daily" in page


def test_an_editor_discounts_with_a_reason_and_the_page_and_api_follow(client, editor, attack):
    client.force_login(editor)
    page = client.get(reverse("attack-detail", args=[attack.pk])).content.decode()
    assert reverse("grade-override", args=[attack.pk]) in page

    response = client.post(
        reverse("grade-override", args=[attack.pk]),
        {"grade": "discounted", "reason": "Both outlets retracted the story.", "expected_version": 0},
    )
    assert response.status_code == 302
    attack.refresh_from_db()
    assert attack.grade == "discounted"
    page = client.get(reverse("attack-detail", args=[attack.pk])).content.decode()
    assert ">Discounted</span>" in page and "Both outlets retracted the story." in page
    assert "from the sources alone: confirmed" in page
    # Left out of the public list by default, there when asked for.
    client.logout()
    assert client.get("/api/v1/attacks/").json()["results"] == []
    assert [a["id"] for a in client.get("/api/v1/attacks/?grade=discounted").json()["results"]] == [attack.pk]

    # Handing it back to the sources is a second version; the first is kept.
    client.force_login(editor)
    client.post(
        reverse("grade-override", args=[attack.pk]),
        {"grade": "", "reason": "The retraction was of another story.", "expected_version": 1},
    )
    attack.refresh_from_db()
    assert attack.grade == "confirmed"
    assert list(GradeOverride.objects.order_by("version").values_list("version", "grade", "is_current")) == [
        (1, "discounted", False),
        (2, "", True),
    ]
    history = client.get(reverse("grade-override", args=[attack.pk])).content.decode()
    assert "back to the computed grade" in history and "Both outlets retracted the story." in history


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"grade": "discounted", "reason": "   ", "expected_version": 0}, "This field is required."),
        ({"grade": "certain", "reason": "Looks right.", "expected_version": 0}, "Select a valid choice."),
        ({"grade": "", "reason": "Back to the sources.", "expected_version": 0}, "already the computed one"),
        ({"grade": "contested", "reason": "Another editor's view.", "expected_version": 3}, "changed while you"),
    ],
)
def test_a_refused_grade_says_why_on_the_form_and_changes_nothing(client, editor, attack, form, message):
    client.force_login(editor)
    before = _state(attack)
    response = client.post(reverse("grade-override", args=[attack.pk]), form)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _state(attack) == before


@pytest.mark.parametrize("role", ["anonymous", "researcher", "analyst"])
def test_only_an_editor_changes_a_grade(client, request, attack, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    before = _state(attack)
    response = client.post(
        reverse("grade-override", args=[attack.pk]),
        {"grade": "discounted", "reason": "I disagree.", "expected_version": 0},
    )
    assert response.status_code in (302, 403) if role == "anonymous" else response.status_code == 403
    if role == "anonymous":
        assert "/login" in response.get("Location", "/login")
    assert _state(attack) == before
    assert Attack.objects.get(pk=attack.pk).grade == "confirmed"
