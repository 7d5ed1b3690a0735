"""Analysts log and edit attacks with their claims; editors may publish as they save."""

import pytest
from django.urls import reverse

from casualties.models import Claim
from sources.models import Article
from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory, MunitionFactory, PlaceFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "place": "",
        "place_search": "",
        "latitude": "",
        "longitude": "",
        "geo_precision": "4",
        "occurred_at": "2025-04-24T01:30",
        "time_precision": "hour",
        "target_type": "residential",
        "description": "Ballistic missile hit a residential block.",
        "claims-TOTAL_FORMS": "2",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "20",
        "draft": "",
    }
    for i in (0, 1):
        for field in ("category", "value", "quote", "article_url", "source_label", "reported_at"):
            data[f"claims-{i}-{field}"] = ""
        data[f"claims-{i}-qualifier"] = "exact"
    data.update(overrides)
    return data


def test_an_analyst_logs_a_draft_with_a_claim(as_user, analyst, kyiv, kn23):
    response = as_user(analyst).post(
        reverse("attack-create"),
        form_data(
            place=kyiv.pk,
            place_search="Kyiv",
            munitions=[kn23.pk],
            **{
                "claims-0-category": "killed",
                "claims-0-value": "12",
                "claims-0-quote": "Twelve people died in the strike.",
                "claims-0-source_label": "Kyiv city administration",
            },
        ),
    )
    attack = Attack.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("attack-detail", args=[attack.pk])
    assert attack.status == "draft"
    assert attack.place == kyiv
    assert (attack.latitude, attack.longitude) == (50.45, 30.52)  # from the place
    assert list(attack.munitions.all()) == [kn23]
    assert attack.created_by == analyst
    claim = Claim.objects.get()
    assert (claim.category, claim.value, claim.source_label) == ("killed", 12, "Kyiv city administration")
    assert claim.created_by == analyst
    page = as_user(analyst).get(response.url).content.decode()
    assert "Twelve people died in the strike." in page


def test_a_clicked_point_is_saved_as_coordinates_without_a_place(as_user, analyst):
    data = form_data(latitude="50.4012", longitude="30.3901", geo_precision="1")
    as_user(analyst).post(reverse("attack-create"), data)
    attack = Attack.objects.get()
    assert (attack.latitude, attack.longitude, attack.geo_precision, attack.place) == (50.4012, 30.3901, 1, None)


def test_without_place_or_coordinates_the_error_is_next_to_the_place_field(as_user, analyst):
    response = as_user(analyst).post(reverse("attack-create"), form_data(place_search="Atlantis"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose one of the suggestions" in html
    assert not Attack.objects.exists()


def test_a_claim_without_a_source_saves_nothing_and_says_why(as_user, analyst, kyiv):
    response = as_user(analyst).post(
        reverse("attack-create"),
        form_data(place=kyiv.pk, **{"claims-0-category": "injured", "claims-0-value": "87"}),
    )
    assert response.status_code == 400
    assert "Give the article URL or name the source." in response.content.decode()
    assert not Attack.objects.exists()
    assert not Claim.objects.exists()


def test_a_claim_with_an_article_url_stores_the_article_for_fetching(as_user, analyst, kyiv):
    as_user(analyst).post(
        reverse("attack-create"),
        form_data(
            place=kyiv.pk,
            **{
                "claims-0-category": "injured",
                "claims-0-qualifier": "more_than",
                "claims-0-value": "100",
                "claims-0-article_url": "https://news.example.org/kyiv-strike",
            },
        ),
    )
    claim = Claim.objects.get()
    assert claim.article == Article.objects.get()
    assert (claim.low, claim.high) == (101, None)


def test_only_editors_may_save_and_publish(as_user, analyst, editor, kyiv):
    assert as_user(analyst).post(reverse("attack-create"), form_data(place=kyiv.pk, publish="")).status_code == 403
    assert not Attack.objects.exists()
    # Publishing needs a source: the claim names one.
    sourced = {
        "claims-0-category": "killed",
        "claims-0-value": "2",
        "claims-0-source_label": "Kyiv city administration",
    }
    as_user(editor).post(reverse("attack-create"), form_data(place=kyiv.pk, publish="", **sourced))
    assert Attack.objects.get().status == "published"


def test_editing_changes_the_facts_and_keeps_existing_claims(as_user, analyst, kyiv):
    attack = AttackFactory(status="draft")
    Claim.objects.create(
        attack=attack, category="killed", value=3, low=3, high=3, reported_at=attack.occurred_at, source_label="SES"
    )
    lviv = PlaceFactory(name="Lviv", latitude=49.84, longitude=24.03)
    drone = MunitionFactory(name="Shahed-136", category="attack_drone")
    page = as_user(analyst).get(reverse("attack-edit", args=[attack.pk])).content.decode()
    assert "SES" in page
    as_user(analyst).post(
        reverse("attack-edit", args=[attack.pk]), form_data(place=lviv.pk, place_search="Lviv", munitions=[drone.pk])
    )
    attack.refresh_from_db()
    assert attack.place == lviv
    assert (attack.latitude, attack.longitude) == (49.84, 24.03)
    assert list(attack.munitions.all()) == [drone]
    assert Claim.objects.filter(attack=attack).count() == 1


def test_a_figure_read_from_an_article_links_to_where_it_is_corrected(as_user, analyst):
    attack = AttackFactory(status="draft")
    article = ArticleFactory(attack=attack, title="Night strike on the port")
    Claim.objects.create(
        attack=attack, category="injured", value=9, low=9, high=9, reported_at=attack.occurred_at, article=article
    )
    page = as_user(analyst).get(reverse("attack-edit", args=[attack.pk])).content.decode()
    review = reverse("article-review", args=[article.pk])
    assert f'<a href="{review}#review-figures">correct, rescope or delete on its review screen</a>' in page


def test_place_suggestions_match_names_and_aliases(as_user, analyst, kyiv):
    PlaceFactory(name="Kyivska Street", kind="district", population=10)
    html = as_user(analyst).get(reverse("place-suggest"), {"place_search": "Kyi"}).content.decode()
    assert html.index("Kyiv") < html.index("Kyivska Street")  # bigger place first
    assert f'data-place-id="{kyiv.pk}"' in html
    by_alias = as_user(analyst).get(reverse("place-suggest"), {"place_search": "Київ"}).content.decode()
    assert f'data-place-id="{kyiv.pk}"' in by_alias


def test_the_munitions_are_grouped_by_category(as_user, analyst, kn23):
    MunitionFactory(name="Shahed-136", category="attack_drone")
    html = as_user(analyst).get(reverse("attack-create")).content.decode()
    assert '<optgroup label="Ballistic missile">' in html
    assert '<optgroup label="One-way attack drone">' in html


def test_a_refused_form_lists_every_error_at_the_top_with_a_link_to_its_field(as_user, analyst, kyiv):
    before = Attack.objects.count(), Claim.objects.count()
    data = form_data(
        place=kyiv.pk,
        place_search="Kyiv",
        **{"claims-0-category": "killed", "claims-0-value": str(10**12), "claims-0-source_label": "a typo"},
    )
    response = as_user(analyst).post(reverse("attack-create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert '<a href="#id_claims-0-value">Claim 1, number: That is more than any strike' in summary
    # Said once, in words, not as a database bound.
    assert html.count("at most 1,000,000") == 2  # the summary and the field
    assert "2147483647" not in html
    assert (Attack.objects.count(), Claim.objects.count()) == before
