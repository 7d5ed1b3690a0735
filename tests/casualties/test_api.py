"""The claims and decisions API: filters, errors, stale saves, restore, query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from casualties import services
from casualties.models import Claim, Decision
from tests.casualties.conftest import APRIL_24
from tests.factories import AttackFactory, ClaimFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, editor):
    client.force_login(editor)
    return client


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_claims_filter_by_attack_category_and_origin(api, kyiv):
    other = ClaimFactory(category="injured", origin="entered")
    c = kyiv.example_claims
    assert ids(api.get(reverse("api-claim-list"), {"attack": kyiv.pk, "category": "injured"})) == {
        c["injured_24"].pk,
        c["injured_25"].pk,
    }
    assert other.pk in ids(api.get(reverse("api-claim-list"), {"origin": "entered"}))
    assert not ids(api.get(reverse("api-claim-list"), {"origin": "entered"})) & {x.pk for x in c.values()}


def test_claims_updated_since_returns_only_changed_claims(api, kyiv, editor):
    moment = timezone.now()
    claim = kyiv.example_claims["killed_24"]
    services.claim_update(claim=claim, by=editor, quote="twelve people were killed")
    assert ids(api.get(reverse("api-claim-list"), {"updated_since": moment.isoformat()})) == {claim.pk}


def test_withdrawn_filter(api, kyiv, editor):
    claim = kyiv.example_claims["killed_24"]
    services.claim_withdraw(claim=claim, by=editor, reason="Duplicate.")
    assert ids(api.get(reverse("api-claim-list"), {"withdrawn": "true"})) == {claim.pk}
    assert claim.pk not in ids(api.get(reverse("api-claim-list"), {"withdrawn": "false"}))


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"colour": "red"}, "colour"),
        ({"category": "wounded"}, "category"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"attack": "kyiv"}, "attack"),
    ],
)
def test_bad_query_parameters_are_a_400_naming_the_parameter(api, kyiv, params, parameter):
    response = api.get(reverse("api-claim-list"), params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_claim_shows_its_outlet_grade_and_interval(api, kyiv):
    row = api.get(reverse("api-claim-detail", kwargs={"pk": kyiv.example_claims["injured_24"].pk})).json()
    assert row["outlet"] == {"id": row["outlet"]["id"], "name": "Censor.NET", "grade": "B"}
    assert (row["qualifier"], row["value"], row["low"], row["high"]) == ("more_than", 100, 101, None)


def test_recording_a_claim_through_the_api_derives_the_interval(api, kyiv):
    response = api.post(
        reverse("api-claim-list"),
        {
            "attack": kyiv.pk,
            "category": "children_killed",
            "value": 2,
            "qualifier": "at_least",
            "reported_at": APRIL_24.isoformat(),
            "source_label": "Ombudsman",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["low"], response.json()["high"]) == (2, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"value": -1}, "value"),
        ({"qualifier": "roughly"}, "qualifier"),
        ({"source_label": ""}, "source_label"),
        ({"low": 9, "high": 3}, "high"),
        ({"attack": 999999}, "attack"),
    ],
)
def test_invalid_claims_are_a_400_naming_the_field(api, kyiv, body, field):
    data = {
        "attack": kyiv.pk,
        "category": "killed",
        "value": 2,
        "qualifier": "exact",
        "reported_at": APRIL_24.isoformat(),
        "source_label": "Police",
        **body,
    }
    response = api.post(reverse("api-claim-list"), data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Claim.objects.filter(attack=kyiv, value=2).exists()


def decide(api, kyiv, **kw):
    body = {
        "attack": kyiv.pk,
        "category": "injured",
        "best": 87,
        "low": 87,
        "high": None,
        "rationale": "Hospital count.",
        "expected_version": 0,
        **kw,
    }
    return api.post(reverse("api-decision-list"), body, content_type="application/json")


def test_decision_through_the_api_and_a_stale_save_is_a_409_with_the_current_version(api, kyiv):
    first = decide(api, kyiv)
    assert first.status_code == 201
    assert first.json()["version"] == 1
    stale = decide(api, kyiv, best=101, low=101, rationale="President.")
    assert stale.status_code == 409
    body = stale.json()
    assert (body["expected_version"], body["current"]["version"], body["current"]["best"]) == (0, 1, 87)
    assert "version 1" in body["detail"]
    assert Decision.objects.count() == 1


def test_decision_requires_expected_version(api, kyiv):
    response = decide(api, kyiv, expected_version=None)
    assert response.status_code == 400
    assert "expected_version" in response.json()


def test_decision_with_claim_ranks_and_a_missing_reason_is_a_400(api, kyiv):
    claim = kyiv.example_claims["injured_24"]
    response = decide(api, kyiv, claim_ranks={str(claim.pk): {"rank": "deprecated"}})
    assert response.status_code == 400
    assert "claim_ranks" in response.json()
    ok = decide(api, kyiv, claim_ranks={str(claim.pk): {"rank": "deprecated", "reason": "National total."}})
    assert ok.status_code == 201
    assert ok.json()["claim_ranks"][str(claim.pk)] == {"rank": "deprecated", "reason": "National total."}


def test_restore_action_creates_a_new_version(api, kyiv):
    v1 = decide(api, kyiv).json()
    decide(api, kyiv, best=101, low=101, rationale="President.", expected_version=1)
    url = reverse("api-decision-restore", kwargs={"pk": v1["id"]})
    stale = api.post(url, {"expected_version": 1}, content_type="application/json")
    assert stale.status_code == 409
    restored = api.post(url, {"expected_version": 2}, content_type="application/json")
    assert restored.status_code == 201
    assert (restored.json()["version"], restored.json()["best"], restored.json()["restored_from"]) == (3, 87, v1["id"])
    current = api.get(reverse("api-decision-list"), {"attack": kyiv.pk, "current": "true"}).json()["results"]
    assert [(d["version"], d["best"]) for d in current] == [(3, 87)]


def test_claim_list_query_count_does_not_grow_with_rows(api):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(reverse("api-claim-list"), {"page_size": 1000}).status_code == 200
        return len(ctx.captured_queries)

    ClaimFactory.create_batch(3)
    few = count()
    ClaimFactory.create_batch(30)
    assert count() == few


def test_decision_list_query_count_does_not_grow_with_rows(api, editor):
    def make(n):
        for _ in range(n):
            attack = AttackFactory(occurred_at=timezone.now() - dt.timedelta(days=2))
            services.decision_make(
                attack=attack,
                category="killed",
                best=1,
                low=1,
                high=1,
                rationale="x",
                by=editor,
                expected_version=0,
                source_label="Police",
            )

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(reverse("api-decision-list"), {"page_size": 1000}).status_code == 200
        return len(ctx.captured_queries)

    make(2)
    few = count()
    make(20)
    assert count() == few


def test_count_on(api, kyiv):
    assert api.get(reverse("api-claim-list"), {"count": "on", "attack": kyiv.pk}).json() == {"count": 6}
