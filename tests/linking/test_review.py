"""The article review screen: who may see it, what it shows, and what its buttons do."""

import pytest
from django.urls import reverse

from casualties.models import Claim
from linking.services import article_process
from strikes.models import Attack

TEXT = (
    "A Russian missile struck Poltava on Thursday. At least 5 people were killed and 17 injured, "
    "officials said. <script>alert(1)</script>"
)


@pytest.fixture
def reviewed(reference, make_article):
    article = make_article(TEXT, "2025-04-24", title="Missile strike on Poltava")
    article_process(article_id=article.pk)
    article.refresh_from_db()
    return article


@pytest.mark.django_db
def test_researchers_and_anonymous_users_cannot_review(client, researcher, reviewed):
    url = reverse("article-review", args=[reviewed.pk])
    response = client.get(url)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(researcher)
    assert client.get(url).status_code == 403
    assert client.post(reverse("article-review-confirm", args=[reviewed.pk])).status_code == 403


@pytest.mark.django_db
def test_analyst_sees_highlighted_figures_and_the_explanation(client, analyst, reviewed):
    client.force_login(analyst)
    response = client.get(reverse("article-review", args=[reviewed.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ">At least 5 people were killed</mark>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert reviewed.link_explanation in html
    assert f"Attack {reviewed.attack_id}" in html


@pytest.mark.django_db
def test_confirm_sets_the_review_state_and_publishes_nothing(client, analyst, reviewed):
    client.force_login(analyst)
    response = client.post(reverse("article-review-confirm", args=[reviewed.pk]))
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.review_state == "confirmed"
    assert reviewed.attack.status == "draft"


@pytest.mark.django_db
def test_correct_a_figure_updates_the_claim(client, analyst, reviewed):
    client.force_login(analyst)
    killed = Claim.objects.get(article=reviewed, category="killed")
    url = reverse("article-review-correct", args=[reviewed.pk])
    response = client.post(url, {"claim": killed.pk, "value": 6, "qualifier": "exact"})
    assert response.status_code == 302
    killed.refresh_from_db()
    assert (killed.value, killed.qualifier, killed.low, killed.high) == (6, "exact", 6, 6)
    assert client.post(url, {"claim": killed.pk, "value": "six", "qualifier": "exact"}).status_code == 400
    assert client.post(url, {"claim": killed.pk, "value": 6, "qualifier": "roughly"}).status_code == 400


@pytest.mark.django_db
def test_move_and_reject(client, analyst, reviewed):
    client.force_login(analyst)
    other = Attack.objects.create(occurred_at=reviewed.attack.occurred_at, place=reviewed.attack.place)
    url = reverse("article-review-move", args=[reviewed.pk])
    assert client.post(url, {"attack": 999999}).status_code == 400
    assert client.post(url, {"attack": other.pk}).status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.attack_id == other.pk
    assert set(Claim.objects.filter(article=reviewed).values_list("attack_id", flat=True)) == {other.pk}

    response = client.post(reverse("article-review-reject", args=[reviewed.pk]), {"reason": "duplicate story"})
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.review_state == "rejected"
    claims = Claim.objects.filter(article=reviewed)
    assert claims.exists() and all(c.withdrawn_at is not None for c in claims)


def _published(article):
    # Published directly: what matters here is only that the attack is public.
    Attack.objects.filter(pk=article.attack_id).update(status="published")


@pytest.mark.django_db
def test_on_a_published_attack_an_analysts_reject_and_correct_become_proposals(client, analyst, reviewed):
    from casualties.models import Proposal

    _published(reviewed)
    claims_before = list(Claim.objects.filter(article=reviewed).values_list("pk", "value", "withdrawn_at"))
    client.force_login(analyst)
    killed = Claim.objects.get(article=reviewed, category="killed")
    corrected = client.post(
        reverse("article-review-correct", args=[reviewed.pk]), {"claim": killed.pk, "value": 6, "qualifier": "exact"}
    )
    assert corrected.status_code == 302
    rejected = client.post(reverse("article-review-reject", args=[reviewed.pk]), {"reason": "Another town"})
    assert rejected.status_code == 302
    # Nothing an analyst did moved the public record: every claim as it was, proposals for an editor.
    assert list(Claim.objects.filter(article=reviewed).values_list("pk", "value", "withdrawn_at")) == claims_before
    assert Proposal.objects.filter(claim__article=reviewed).count() == 1 + len(claims_before)
