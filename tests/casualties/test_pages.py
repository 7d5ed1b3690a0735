"""The editors' pages: the queue, the claims side by side, saving, ranking, history and restore."""

import pytest
from django.urls import reverse

from casualties import services
from casualties.models import Claim, Decision, PublishedFigure

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(client, editor):
    client.force_login(editor)
    return client


def url(attack, category="injured"):
    return reverse("decision", kwargs={"pk": attack.pk, "category": category})


def form_data(attack, category="injured", **values):
    data = {"best": 87, "low": 87, "high": "", "rationale": "Hospital count.", "expected_version": 0}
    for claim in Claim.objects.filter(attack=attack, category=category):
        data[f"rank_{claim.pk}"] = claim.rank
        data[f"reason_{claim.pk}"] = claim.rank_reason
    data.update(values)
    return data


def test_queue_lists_the_kyiv_conflict_with_what_disagrees(page, kyiv):
    text = page.get(reverse("conflicts")).text
    assert url(kyiv) in text
    assert "disagree by 14" in text
    assert url(kyiv, "killed") not in text


def test_empty_queue_says_so(page):
    assert "No open conflicts" in page.get(reverse("conflicts")).text


def test_decision_page_shows_claims_side_by_side_with_sources_and_suggestions(page, kyiv):
    text = page.get(url(kyiv)).text
    for expected in (
        "more than 100 were wounded",  # quotes
        "87 injured",
        "Censor.NET",  # outlets and their grades
        "AFP",
        "grade B",
        'datetime="2025-04-24T',  # report times
        'datetime="2025-04-25T',
        "Most conservative",  # suggestions with reasons
        "Widest credible range",
        "disagree by 14",
    ):
        assert expected in text, expected
    # The form starts from the recommended suggestion, the most conservative figure here.
    assert 'name="best" value="87"' in text


def test_saving_publishes_the_decision_and_leaves_the_queue(page, kyiv):
    response = page.post(url(kyiv), form_data(kyiv, best=95, high=110, rationale="Between the two counts."))
    assert response.status_code == 302
    figure = PublishedFigure.objects.get(attack=kyiv, category="injured")
    assert (figure.status, figure.best, figure.low, figure.high) == ("decided", 95, 87, 110)
    followed = page.get(response["Location"]).text
    assert "Saved version 1" in followed
    assert "Between the two counts." in followed
    assert url(kyiv) not in page.get(reverse("conflicts")).text


def test_deprecating_without_a_reason_shows_the_error_by_the_field_and_saves_nothing(page, kyiv):
    claim = kyiv.example_claims["injured_24"]
    response = page.post(url(kyiv), form_data(kyiv, **{f"rank_{claim.pk}": "deprecated"}))
    assert response.status_code == 400
    assert f'id="id_reason_{claim.pk}_error"' in response.text
    assert "Say why this claim is deprecated." in response.text
    assert not Decision.objects.exists()
    claim.refresh_from_db()
    assert claim.rank == "normal"


def test_low_above_best_is_refused_next_to_the_field(page, kyiv):
    response = page.post(url(kyiv), form_data(kyiv, best=80, low=87))
    assert response.status_code == 400
    assert 'id="id_low_error"' in response.text
    assert not Decision.objects.exists()


def test_deprecating_with_a_reason_is_kept_and_shown(page, kyiv):
    claim = kyiv.example_claims["injured_24"]
    response = page.post(
        url(kyiv), form_data(kyiv, **{f"rank_{claim.pk}": "deprecated", f"reason_{claim.pk}": "National total."})
    )
    assert response.status_code == 302
    text = page.get(url(kyiv)).text
    assert "deprecated by an editor" in text
    assert "National total." in text
    assert f"claim {claim.pk}: normal → deprecated" in text


def test_history_shows_versions_and_restore_brings_back_an_earlier_one(page, kyiv):
    page.post(url(kyiv), form_data(kyiv, rationale="Hospital count."))
    page.post(url(kyiv), form_data(kyiv, best=101, low=101, rationale="The president's figure.", expected_version=1))
    text = page.get(url(kyiv)).text
    assert "Version 2 (current)" in text
    assert "best: 87 → 101" in text
    v1 = Decision.objects.get(attack=kyiv, version=1)
    response = page.post(reverse("decision-version-restore", kwargs={"pk": v1.pk}), {"expected_version": 2})
    assert response.status_code == 302
    followed = page.get(response["Location"]).text
    assert "Version 1 restored as version 3" in followed
    assert "Restored version 1." in followed
    assert PublishedFigure.objects.get(attack=kyiv, category="injured").best == 87


def test_restore_from_an_outdated_page_is_refused_with_an_explanation(page, kyiv, admin_user):
    page.post(url(kyiv), form_data(kyiv))
    page.post(url(kyiv), form_data(kyiv, best=101, low=101, expected_version=1))
    v1 = Decision.objects.get(attack=kyiv, version=1)
    services.decision_make(
        attack=kyiv,
        category="injured",
        best=99,
        low=87,
        high=None,
        rationale="Meanwhile.",
        by=admin_user,
        expected_version=2,
    )
    response = page.post(
        reverse("decision-version-restore", kwargs={"pk": v1.pk}), {"expected_version": 2}, follow=True
    )
    assert "Nothing was restored." in response.text
    assert Decision.objects.get(attack=kyiv, is_current=True).best == 99


def test_superseded_claim_is_shown_as_not_counting(page, editor):
    from tests.casualties.conftest import APRIL_24, APRIL_25
    from tests.factories import AttackFactory

    attack = AttackFactory()
    early = services.claim_record(
        attack=attack, category="killed", value=8, qualifier="at_least", reported_at=APRIL_24, source_label="Mayor"
    )
    later = services.claim_record(
        attack=attack, category="killed", value=12, qualifier="exact", reported_at=APRIL_25, source_label="SES"
    )
    text = page.get(url(attack, "killed")).text
    assert f"superseded by the later, higher claim {later.pk}" in text
    assert f'id="claim-{early.pk}"' in text


def test_unknown_category_and_attack_are_404(page, kyiv):
    assert page.get(reverse("decision", kwargs={"pk": kyiv.pk, "category": "wounded"})).status_code == 404
    assert page.get(reverse("decision", kwargs={"pk": 999999, "category": "killed"})).status_code == 404
