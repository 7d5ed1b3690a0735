"""Who may do what, per role, in the editors' pages and in the API (config.roles)."""

import pytest
from django.urls import reverse

from casualties.models import Claim, Decision, Proposal
from tests.casualties.conftest import APRIL_25
from tests.factories import AttackFactory, ClaimFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "researcher", "analyst", "editor", "admin_user"]


@pytest.fixture
def as_role(request, client):
    """A client logged in as the role's fixture user (or anonymous)."""

    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login


# --- Pages ---

PAGE_EXPECTED = {"anonymous": 302, "researcher": 403, "analyst": 403, "editor": 200, "admin_user": 200}


@pytest.mark.parametrize("role", ROLES)
def test_conflicts_queue_page_is_for_editors(as_role, role, kyiv):
    response = as_role(role).get(reverse("conflicts"))
    assert response.status_code == PAGE_EXPECTED[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if response.status_code == 200:
        assert reverse("decision", kwargs={"pk": kyiv.pk, "category": "injured"}) in response.text


@pytest.mark.parametrize("role", ROLES)
def test_decision_page_is_for_editors(as_role, role, kyiv):
    response = as_role(role).get(reverse("decision", kwargs={"pk": kyiv.pk, "category": "injured"}))
    assert response.status_code == PAGE_EXPECTED[role]


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_can_save_a_decision_from_the_page(as_role, role, kyiv):
    url = reverse("decision", kwargs={"pk": kyiv.pk, "category": "injured"})
    response = as_role(role).post(
        url, {"best": 87, "low": 87, "high": "", "rationale": "Hospital count.", "expected_version": 0}
    )
    saved = Decision.objects.filter(attack=kyiv).exists()
    assert saved is (role in ("editor", "admin_user"))
    assert response.status_code == (302 if saved else PAGE_EXPECTED[role])


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_can_restore_a_version_from_the_page(as_role, role, kyiv, editor):
    from casualties import services

    v1 = services.decision_make(
        attack=kyiv, category="injured", best=87, low=87, high=None, rationale="a", by=editor, expected_version=0
    )
    services.decision_make(
        attack=kyiv, category="injured", best=90, low=87, high=None, rationale="b", by=editor, expected_version=1
    )
    as_role(role).post(reverse("decision-version-restore", kwargs={"pk": v1.pk}), {"expected_version": 2})
    restored = Decision.objects.filter(attack=kyiv, restored_from=v1).exists()
    assert restored is (role in ("editor", "admin_user"))


# --- API: reading ---


@pytest.fixture
def draft_claim(db):
    return ClaimFactory(attack=AttackFactory(status="draft"), category="killed", value=2)


@pytest.mark.parametrize(
    ("role", "sees_draft"),
    [("anonymous", False), ("researcher", False), ("analyst", True), ("editor", True), ("admin_user", True)],
)
def test_readers_see_only_claims_of_published_attacks(as_role, role, sees_draft, kyiv, draft_claim):
    response = as_role(role).get(reverse("api-claim-list"), {"page_size": 100})
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert {c.pk for c in kyiv.example_claims.values()} <= ids
    assert (draft_claim.pk in ids) is sees_draft
    detail = as_role(role).get(reverse("api-claim-detail", kwargs={"pk": draft_claim.pk}))
    assert detail.status_code == (200 if sees_draft else 404)


@pytest.mark.parametrize(("role", "sees_draft"), [("anonymous", False), ("researcher", False), ("analyst", True)])
def test_readers_see_only_decisions_of_published_attacks(as_role, role, sees_draft, editor):
    from casualties import services

    draft = AttackFactory(status="draft")
    published = AttackFactory(status="published")
    for attack in (draft, published):
        services.decision_make(
            attack=attack,
            category="killed",
            best=3,
            low=3,
            high=3,
            rationale="Police.",
            by=editor,
            expected_version=0,
            source_label="Police",
        )
    ids = {row["attack"] for row in as_role(role).get(reverse("api-decision-list")).json()["results"]}
    assert published.pk in ids
    assert (draft.pk in ids) is sees_draft


def test_reads_need_a_login_when_the_api_is_not_public(client, settings, kyiv):
    settings.PUBLIC_API = False
    assert client.get(reverse("api-claim-list")).status_code in (401, 403)
    assert client.get(reverse("api-decision-list")).status_code in (401, 403)


# --- API: writing ---

LOG_EXPECTED = {"anonymous": 401, "researcher": 403, "analyst": 201, "editor": 201, "admin_user": 201}
DECIDE_EXPECTED = {"anonymous": 401, "researcher": 403, "analyst": 403, "editor": 201, "admin_user": 201}


@pytest.mark.parametrize("role", ROLES)
def test_analysts_and_up_record_claims(as_role, role, kyiv):
    response = as_role(role).post(
        reverse("api-claim-list"),
        {
            "attack": kyiv.pk,
            "category": "missing",
            "value": 3,
            "qualifier": "exact",
            "reported_at": APRIL_25.isoformat(),
            "source_label": "SES",
        },
        content_type="application/json",
    )
    assert response.status_code == LOG_EXPECTED[role]
    assert Claim.objects.filter(attack=kyiv, category="missing").exists() is (response.status_code == 201)


@pytest.mark.parametrize("role", ROLES)
def test_analysts_and_up_edit_and_withdraw_claims(as_role, role, kyiv):
    claim = kyiv.example_claims["injured_24"]
    client = as_role(role)
    edited = client.patch(
        reverse("api-claim-detail", kwargs={"pk": claim.pk}), {"value": 90}, content_type="application/json"
    )
    withdrawn = client.post(
        reverse("api-claim-withdraw", kwargs={"pk": claim.pk}),
        {"reason": "Wrong figure."},
        content_type="application/json",
    )
    # Kyiv is published: an analyst's edit and withdrawal become proposals (202) and change
    # nothing; editors' apply at once; the others are refused.
    applies = role in ("editor", "admin_user")
    expected = 200 if applies else 202 if role == "analyst" else LOG_EXPECTED[role]
    assert edited.status_code == expected
    assert withdrawn.status_code == expected
    claim.refresh_from_db()
    assert (claim.value == 90) is applies
    assert (claim.withdrawn_at is not None) is applies
    assert Proposal.objects.filter(claim=claim).count() == (2 if role == "analyst" else 0)


@pytest.mark.parametrize("role", ROLES)
def test_only_editors_decide_through_the_api(as_role, role, kyiv):
    response = as_role(role).post(
        reverse("api-decision-list"),
        {
            "attack": kyiv.pk,
            "category": "injured",
            "best": 87,
            "low": 87,
            "high": None,
            "rationale": "Hospital count.",
            "expected_version": 0,
        },
        content_type="application/json",
    )
    assert response.status_code == DECIDE_EXPECTED[role]
    assert Decision.objects.filter(attack=kyiv).exists() is (response.status_code == 201)


@pytest.mark.parametrize("role", ["researcher", "analyst", "editor"])
def test_nobody_deletes_a_claim(as_role, role, kyiv):
    claim = kyiv.example_claims["injured_24"]
    response = as_role(role).delete(reverse("api-claim-detail", kwargs={"pk": claim.pk}))
    assert response.status_code in (403, 405)
    assert Claim.objects.filter(pk=claim.pk).exists()
