"""Only editors change the public record of a published attack (issue 15), and provenance is the server's."""

import pytest
from django.urls import reverse

from casualties import services
from casualties.models import Claim, Proposal, PublishedFigure
from tests.casualties.conftest import APRIL_25
from tests.factories import ArticleFactory, AttackFactory

pytestmark = pytest.mark.django_db


def killed(attack):
    return PublishedFigure.objects.get(attack=attack, category="killed").best


def test_an_analysts_new_claim_on_a_published_attack_waits_for_an_editor(kyiv, analyst, editor):
    claim = services.claim_record(
        attack=kyiv,
        category="killed",
        value=7,
        qualifier="exact",
        reported_at=APRIL_25,
        source_label="A blog",
        by=analyst,
    )
    assert claim.pending_review is True
    assert killed(kyiv) == 12  # the published figure did not move
    # 7 disagrees with the published 12: one click is refused, the editor decides instead.
    with pytest.raises(Exception, match="decide the figure"):
        services.claim_accept(claim=claim, by=editor)
    assert killed(kyiv) == 12


def test_a_new_source_that_agrees_is_accepted_in_one_click(kyiv, analyst, editor, client):
    claim = services.claim_record(
        attack=kyiv,
        category="killed",
        value=10,
        qualifier="at_least",
        reported_at=APRIL_25,
        source_label="Mayor",
        by=analyst,
    )
    client.force_login(editor)
    page = client.get(reverse("conflicts"))
    assert f'id="new-source-{claim.pk}"' in page.content.decode()
    response = client.post(reverse("claim-accept", args=[claim.pk]))
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.pending_review is False
    assert sorted(PublishedFigure.objects.get(attack=kyiv, category="killed").claim_ids) == sorted(
        [kyiv.example_claims["killed_24"].pk, kyiv.example_claims["killed_25"].pk, claim.pk]
    )


def test_a_claim_extracted_after_publication_is_pending(kyiv):
    article = ArticleFactory(published_at=APRIL_25)
    (claim,) = services.claims_record_extracted(
        attack=kyiv, article=article, figures=[{"category": "killed", "value": 40, "qualifier": "exact"}]
    )
    claim.refresh_from_db()
    assert claim.pending_review is True
    assert killed(kyiv) == 12


def test_claims_on_a_draft_count_at_once(analyst):
    draft = AttackFactory(status="draft")
    services.claim_record(
        attack=draft,
        category="killed",
        value=3,
        qualifier="exact",
        reported_at=APRIL_25,
        source_label="Police",
        by=analyst,
    )
    assert killed(draft) == 3


def test_an_analysts_withdrawal_on_a_published_attack_is_a_proposal_an_editor_applies(kyiv, analyst, editor):
    claim = kyiv.example_claims["killed_24"]
    proposal = services.claim_withdraw_or_propose(claim=claim, by=analyst, reason="Counted another town.")
    assert isinstance(proposal, Proposal)
    claim.refresh_from_db()
    assert claim.withdrawn_at is None
    with pytest.raises(services.EditorReviewRequired):
        services.claim_withdraw(claim=claim, by=analyst, reason="Counted another town.")
    assert services.proposal_diff(proposal) == [
        {"field": "withdrawn", "now": "no", "proposed": "yes: Counted another town."}
    ]
    services.proposal_apply(proposal=proposal, by=editor)
    claim.refresh_from_db()
    proposal.refresh_from_db()
    assert claim.withdrawn_at is not None
    assert (proposal.status, proposal.decided_by) == ("applied", editor)


def test_an_analysts_attack_edit_through_the_api_is_a_proposal_with_its_diff(kyiv, analyst, editor, client):
    before = kyiv.description
    client.force_login(analyst)
    response = client.patch(
        reverse("api-attack-detail", args=[kyiv.pk]),
        {"description": "A missile hit a block of flats."},
        content_type="application/json",
    )
    assert response.status_code == 202, response.content
    kyiv.refresh_from_db()
    assert kyiv.description == before
    proposal = Proposal.objects.get(attack=kyiv)
    assert services.proposal_diff(proposal) == [
        {"field": "description", "now": before, "proposed": "A missile hit a block of flats."}
    ]
    client.force_login(editor)
    client.post(reverse("proposal-decide", args=[proposal.pk]), {"action": "reject", "note": "Not in the sources."})
    kyiv.refresh_from_db()
    proposal.refresh_from_db()
    assert kyiv.description == before
    assert (proposal.status, proposal.decision_note) == ("rejected", "Not in the sources.")


def test_an_editors_edit_applies_at_once(kyiv, editor):
    result = services.attack_edit(attack=kyiv, by=editor, description="A missile hit a block of flats.")
    kyiv.refresh_from_db()
    assert result == kyiv
    assert kyiv.description == "A missile hit a block of flats."
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("field", ["origin", "created_by"])
def test_provenance_sent_by_a_client_is_refused_and_nothing_is_recorded(kyiv, analyst, client, field):
    client.force_login(analyst)
    body = {
        "attack": kyiv.pk,
        "category": "killed",
        "value": 7,
        "reported_at": "2025-04-25T09:00:00Z",
        "source_label": "A blog",
        field: "extracted" if field == "origin" else analyst.pk,
    }
    before = Claim.objects.count()
    response = client.post(reverse("api-claim-list"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()[field] == ["Read-only: set by the server."]
    assert Claim.objects.count() == before


def test_a_claim_posted_through_the_api_is_entered_by_its_author(kyiv, analyst, client):
    client.force_login(analyst)
    response = client.post(
        reverse("api-claim-list"),
        {
            "attack": kyiv.pk,
            "category": "killed",
            "value": 12,
            "reported_at": "2025-04-25T09:00:00Z",
            "source_label": "Mayor",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.origin, claim.created_by, claim.pending_review) == ("entered", analyst, True)
