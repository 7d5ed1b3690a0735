"""Attack list pages are cached under the data version: never stale after a write that shows.

These run on committed data (``transactional_db``), as a server sees it: inside a test
transaction the cache is bypassed on purpose.
"""

from django.urls import reverse

from sources.models import Article, Outlet
from strikes.models import Attack
from tests.api.conftest import client_for, set_figure
from tests.factories import ArticleFactory, AttackFactory

LIST = reverse("api-attack-list")


def only(response) -> dict:
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    return row


def test_a_repeated_list_request_is_answered_from_the_cache(
    transactional_db, anon, settings, django_assert_num_queries
):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    attack = AttackFactory()
    first = anon.get(LIST)
    with django_assert_num_queries(1):  # the data version, nothing else
        again = anon.get(LIST)
    assert again.content == first.content
    assert again["Content-Type"] == "application/json"
    assert only(again)["id"] == attack.pk


def test_every_write_a_list_shows_is_visible_at_once(transactional_db, anon, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    attack = AttackFactory(description="Before")
    article = ArticleFactory(attack=attack, title="First report")
    assert only(anon.get(LIST))["sources"][0]["title"] == "First report"

    # Writes that bypass the services (importers, the generator, the admin) count too.
    Attack.objects.filter(pk=attack.pk).update(description="After")
    assert only(anon.get(LIST))["description"] == "After"

    Article.objects.filter(pk=article.pk).update(title="Corrected report")
    assert only(anon.get(LIST))["sources"][0]["title"] == "Corrected report"

    Outlet.objects.filter(pk=article.outlet_id).update(name="Renamed outlet")
    assert only(anon.get(LIST))["sources"][0]["outlet"]["name"] == "Renamed outlet"

    set_figure(attack, "killed", 12)
    assert only(anon.get(LIST))["figures"]["killed"]["best"] == 12

    ArticleFactory(attack=attack, title="Second report")
    assert len(only(anon.get(LIST))["sources"]) == 2


def test_staff_and_the_public_never_share_a_cached_page(transactional_db, anon, analyst, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    AttackFactory(status="published")
    draft = AttackFactory(status="draft")
    staff = client_for(analyst)
    assert draft.pk in {r["id"] for r in staff.get(LIST).json()["results"]}
    assert draft.pk not in {r["id"] for r in anon.get(LIST).json()["results"]}
    assert draft.pk in {r["id"] for r in staff.get(LIST).json()["results"]}


def test_bad_parameters_are_still_refused_when_a_page_is_cached(transactional_db, anon, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    AttackFactory()
    assert anon.get(LIST).status_code == 200
    response = anon.get(LIST, {"colour": "red"})
    assert response.status_code == 400
    assert "colour" in response.json()["detail"] or "colour" in str(response.json())


def test_a_single_attack_is_cached_too_and_never_stale(transactional_db, anon, settings, django_assert_num_queries):
    settings.API_RESPONSE_CACHE_SECONDS = 60
    attack = AttackFactory(description="Before")
    url = reverse("api-attack-detail", args=[attack.pk])
    assert anon.get(url).json()["description"] == "Before"
    with django_assert_num_queries(1):
        assert anon.get(url).json()["description"] == "Before"
    Attack.objects.filter(pk=attack.pk).update(description="After")
    assert anon.get(url).json()["description"] == "After"
    # A missing or hidden attack is a 404 every time, never a cached answer.
    assert anon.get(reverse("api-attack-detail", args=[attack.pk + 1000])).status_code == 404
    Attack.objects.filter(pk=attack.pk).update(status="draft")
    assert anon.get(url).status_code == 404
