"""The admin: every model's list and edit page opens, and the search boxes find rows."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from casualties.models import Proposal
from casualties.services import figures_refresh, grade_override
from config.roles import EDITOR
from sources.models import BulkJob
from strikes.models import AttackMunition, WaveMunition
from strikes.services import attack_search_refresh
from tests.factories import (
    ArticleFactory,
    AttackFactory,
    ClaimFactory,
    DecisionFactory,
    FeedFactory,
    MunitionFactory,
    OutletFactory,
    PlaceFactory,
    WaveFactory,
)

APPS = ("strikes", "sources", "casualties")


@pytest.fixture
def rows(db, admin_user):
    """At least one row of every model of the three apps."""
    oblast = PlaceFactory(name="Kharkiv Oblast", kind="oblast")
    city = PlaceFactory(name="Kharkiv", kind="city", parent=oblast, oblast=oblast, aliases=["Харків", "Kharkov"])
    munition = MunitionFactory(name="Shahed-136", category="attack_drone", aliases=["Geran-2"])
    wave = WaveFactory(description="Night attack")
    count = WaveMunition.objects.create(wave=wave, label="Shahed-136/131", launched=100, intercepted=80)
    count.munitions.add(munition)
    attack = AttackFactory(place=city, wave=wave, description="Drones hit a power substation on the outskirts.")
    other = AttackFactory(description="A glide bomb struck a school gym.")
    AttackMunition.objects.create(attack=attack, munition=munition, count=3)
    outlet = OutletFactory(name="Kharkiv Herald", domain="herald.example.org")
    feed = FeedFactory(outlet=outlet)
    article = ArticleFactory(
        outlet=outlet,
        feed=feed,
        attack=attack,
        title="Substation burns after drone strike",
        url="https://herald.example.org/news/substation",
        canonical_url="https://herald.example.org/news/substation",
        raw_body=b"x\x9c\x03\x00\x00\x00\x00\x01",
    )
    ArticleFactory(title="Parliament debates budget")
    BulkJob.objects.create(name="April links", submitted_by=admin_user, total=3)
    claim = ClaimFactory(attack=attack, article=article, category="killed", value=2, low=2, high=2)
    decision = DecisionFactory(attack=attack, category="killed", best=2, low=2, high=2)
    decision.claims.add(claim)
    figures_refresh(attack=attack)
    Proposal.objects.create(attack=attack, kind="attack_edit", changes={"description": "A substation."})
    editor = User.objects.create_user("grading-editor")
    editor.groups.add(Group.objects.get_or_create(name=EDITOR)[0])
    grade_override(attack=other, grade="discounted", reason="The school was not hit that night.", by=editor)
    attack_search_refresh(attack_ids=[attack.pk, other.pk])
    return {"attack": attack, "other": other, "article": article}


def _models():
    # Unmanaged models are derived tables the database keeps by triggers (the full-text
    # postings, strikes.AttackTerm): nobody edits them, so they have no admin pages.
    return [model for app in APPS for model in apps.get_app_config(app).get_models() if model._meta.managed]


def test_every_model_of_the_three_apps_is_in_the_admin():
    from django.contrib import admin

    missing = [model._meta.label for model in _models() if not admin.site.is_registered(model)]
    assert missing == []


@pytest.mark.parametrize("model", _models(), ids=lambda m: m._meta.label)
def test_list_and_edit_pages_open(client, admin_user, rows, model):
    client.force_login(admin_user)
    opts = model._meta
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200, opts.label

    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {opts.label} row to open"
    response = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert response.status_code == 200, opts.label


def _changelist_ids(client, name: str, query: str) -> set[int]:
    response = client.get(reverse(f"admin:{name}_changelist"), {"q": query})
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_attack_search_finds_words_place_spellings_and_ids(client, admin_user, rows):
    client.force_login(admin_user)
    attack, other = rows["attack"], rows["other"]
    assert _changelist_ids(client, "strikes_attack", "substation") == {attack.pk}
    assert _changelist_ids(client, "strikes_attack", "school") == {other.pk}
    assert _changelist_ids(client, "strikes_attack", "Харків") == {attack.pk}
    assert _changelist_ids(client, "strikes_attack", str(other.pk)) == {other.pk}
    assert _changelist_ids(client, "strikes_attack", "tsunami") == set()


def test_article_search_finds_title_words_and_exact_urls(client, admin_user, rows):
    client.force_login(admin_user)
    article = rows["article"]
    assert _changelist_ids(client, "sources_article", "substation") == {article.pk}
    assert _changelist_ids(client, "sources_article", article.canonical_url) == {article.pk}
    assert _changelist_ids(client, "sources_article", "weather") == set()


def test_place_search_finds_any_spelling(client, admin_user, rows):
    client.force_login(admin_user)
    assert _changelist_ids(client, "strikes_place", "Kharkov") == {rows["attack"].place_id}


def test_publish_action_goes_through_the_service_and_names_the_editor(client, admin_user, rows):
    client.force_login(admin_user)
    draft = AttackFactory(status="draft", description="Draft to publish")
    ArticleFactory(attack=draft)  # publishing needs a source
    response = client.post(
        reverse("admin:strikes_attack_changelist"),
        {"action": "publish_attacks", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.status == "published"
    event = apps.get_model("strikes", "AttackEvent").objects.filter(pgh_obj=draft).order_by("-pgh_id").first()
    assert event.status == "published"
    assert event.pgh_context.metadata["user"] == admin_user.pk
    assert event.pgh_context.metadata["service"] == "attack_publish"


def test_claims_cannot_be_deleted_and_decisions_cannot_be_edited(client, admin_user, rows):
    client.force_login(admin_user)
    claim = rows["attack"].claims.first()
    response = client.get(reverse("admin:casualties_claim_delete", args=[claim.pk]))
    assert response.status_code == 403
    decision = rows["attack"].decisions.first()
    response = client.post(reverse("admin:casualties_decision_change", args=[decision.pk]), {"best": 99})
    assert response.status_code == 403
    decision.refresh_from_db()
    assert decision.best == 2


def test_non_staff_users_are_sent_to_the_login_page(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:strikes_attack_changelist"))
    assert response.status_code == 302
    assert not User.objects.get(pk=editor.pk).is_staff


def _change_form_data(response) -> dict:
    """The POST data the change form would send unchanged (main form, inline management forms and rows)."""
    from django.forms.widgets import SplitDateTimeWidget

    def add(form, data):
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            if isinstance(field.widget, SplitDateTimeWidget):
                if value:
                    local = timezone.localtime(value) if not isinstance(value, list) else None
                    data[f"{key}_0"] = local.date().isoformat() if local else value[0]
                    data[f"{key}_1"] = local.time().isoformat() if local else value[1]
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = value

    data: dict = {}
    add(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, data)
        for form in formset.forms:
            add(form, data)
    return data


def test_editing_an_attack_goes_through_the_service(client, admin_user, rows):
    client.force_login(admin_user)
    attack = rows["attack"]
    url = reverse("admin:strikes_attack_change", args=[attack.pk])
    data = _change_form_data(client.get(url))
    data["description"] = "A substation and a warehouse were hit."

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    attack.refresh_from_db()
    assert attack.description == "A substation and a warehouse were hit."
    event = apps.get_model("strikes", "AttackEvent").objects.filter(pgh_obj=attack).order_by("-pgh_id").first()
    assert event.pgh_context.metadata["service"] == "attack_update"
    assert event.pgh_context.metadata["user"] == admin_user.pk
    # The description is searchable at once: the service re-indexed it.
    assert _changelist_ids(client, "strikes_attack", "warehouse") == {attack.pk}


def test_adding_a_claim_records_it_through_the_service(client, admin_user, rows):
    client.force_login(admin_user)
    attack = rows["other"]
    response = client.post(
        reverse("admin:casualties_claim_add"),
        {
            "attack": attack.pk,
            "source_label": "Regional administration",
            "category": "injured",
            "value": 40,
            "qualifier": "more_than",
            "quote": "more than 40 injured",
            "reported_at_0": "2025-05-01",
            "reported_at_1": "09:00:00",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    claim = attack.claims.get()
    assert (claim.low, claim.high, claim.created_by) == (41, None, admin_user)
    attack.refresh_from_db()
    assert attack.figures.get(category="injured").low == 41  # published figures recomputed
