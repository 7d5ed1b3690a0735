"""The attack form's munitions (issue 18): a searchable multi-select (Tom Select) whose chosen
munitions stay shown, with a count for each; and what the form does with the counts."""

import datetime as dt

import pytest
from django.urls import reverse

from casualties.models import Proposal
from strikes.models import Attack, AttackMunition
from tests.factories import AttackFactory, MunitionFactory, PlaceFactory
from tests.pages.test_attack_form import form_data

NIGHT = dt.datetime(2025, 4, 24, 1, 30, tzinfo=dt.UTC)
TIMES = "\u00d7"  # the multiplication sign: in "Shahed-136 (sign)12" and on the picker's remove buttons


@pytest.fixture
def catalogue(db):
    return {
        "kn23": MunitionFactory(name="KN-23", category="ballistic_missile", origin_country="North Korea"),
        "shahed": MunitionFactory(name="Shahed-136", category="attack_drone", origin_country="Iran"),
        "kh101": MunitionFactory(name="Kh-101", category="cruise_missile", origin_country="Russia"),
        "kalibr": MunitionFactory(name="Kalibr", category="cruise_missile", origin_country="Russia"),
    }


@pytest.fixture
def draft(db):
    kyiv = PlaceFactory(name="Kyiv", latitude=50.45, longitude=30.52)
    return AttackFactory(place=kyiv, occurred_at=NIGHT, status="draft")


def _edit_data(attack, **overrides):
    return form_data(place=attack.place_id, place_search=attack.place.name, occurred_at="2025-04-24T04:30", **overrides)


@pytest.mark.browser
def test_type_to_search_pick_two_set_counts_and_see_them_on_the_attack_page(browse, analyst, catalogue, draft):
    shahed, kn23 = catalogue["shahed"], catalogue["kn23"]
    page = browse.new_page(user=analyst, width=1366, height=900)
    page.goto(reverse("attack-edit", args=[draft.pk]))
    page.wait_for_selector("select[data-munition-picker][data-ready='1']", state="attached")

    picker = page.locator("#id_munitions-ts-control")
    picker.click()
    picker.type("shah")
    # Typing narrows the catalogue: the drone is offered, the missiles are not.
    page.wait_for_selector(".ts-dropdown .option:has-text('KN-23')", state="detached")  # after its short throttle
    assert page.locator(".ts-dropdown .option:has-text('Shahed-136')").count() == 1
    page.keyboard.press("Enter")
    picker.type("kn-2")
    page.wait_for_selector(".ts-dropdown .option:has-text('Kalibr')", state="detached")
    page.wait_for_selector(".ts-dropdown .option:has-text('KN-23')")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")

    # Both stay shown in the picker, each with its own count field.
    items = page.locator(".munitions-field .ts-control .item")
    assert [t.replace(TIMES, "").strip() for t in items.all_inner_texts()] == [
        "Shahed-136 (Iran)",
        "KN-23 (North Korea)",
    ]
    page.fill(f"#id_munition_count_{shahed.pk}", "12")
    page.fill(f"#id_munition_count_{kn23.pk}", "2")
    browse.screenshot(page, "-form")
    page.click("button[name=draft]")
    page.wait_for_url(f"**{reverse('attack-detail', args=[draft.pk])}")

    section = page.inner_text("section[aria-labelledby='munitions-title']")
    assert f"Shahed-136 {TIMES}12" in section and f"KN-23 {TIMES}2" in section
    assert dict(AttackMunition.objects.filter(attack=draft).values_list("munition__name", "count")) == {
        "Shahed-136": 12,
        "KN-23": 2,
    }

    # Back on the form the two are still chosen, with their counts; removing one drops its count.
    page.goto(reverse("attack-edit", args=[draft.pk]))
    page.wait_for_selector("select[data-munition-picker][data-ready='1']", state="attached")
    assert page.locator(".munitions-field .ts-control .item").count() == 2
    assert page.input_value(f"#id_munition_count_{shahed.pk}") == "12"
    page.click(f".munitions-field .item[data-value='{kn23.pk}'] .remove")
    page.wait_for_selector(f"#id_munition_count_{kn23.pk}", state="detached")
    page.click("button[name=draft]")
    page.wait_for_url(f"**{reverse('attack-detail', args=[draft.pk])}")
    assert list(AttackMunition.objects.filter(attack=draft).values_list("munition__name", "count")) == [
        ("Shahed-136", 12)
    ]


@pytest.mark.django_db
def test_a_count_that_is_not_a_whole_number_is_refused_and_nothing_changes(client, analyst, catalogue, draft):
    shahed = catalogue["shahed"]
    client.force_login(analyst)
    data = _edit_data(draft, munitions=[shahed.pk], **{f"munition_count_{shahed.pk}": "-3"})
    response = client.post(reverse("attack-edit", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "Give the count of Shahed-136 as a whole number" in response.content.decode()
    assert 'value="-3"' in response.content.decode()  # what was typed comes back to be corrected
    assert not AttackMunition.objects.filter(attack=draft).exists()


@pytest.mark.django_db
def test_an_empty_count_is_not_said_and_an_extracted_quote_is_kept(client, analyst, catalogue, draft):
    kn23, shahed = catalogue["kn23"], catalogue["shahed"]
    AttackMunition.objects.create(attack=draft, munition=kn23, count=1, quote="a KN-23 ballistic missile")
    client.force_login(analyst)
    html = client.get(reverse("attack-edit", args=[draft.pk])).content.decode()
    assert f'name="munition_count_{kn23.pk}"' in html and 'value="1"' in html
    data = _edit_data(draft, munitions=[kn23.pk, shahed.pk], **{f"munition_count_{kn23.pk}": "2"})
    assert client.post(reverse("attack-edit", args=[draft.pk]), data).status_code == 302
    rows = {am.munition_id: (am.count, am.quote) for am in AttackMunition.objects.filter(attack=draft)}
    assert rows == {kn23.pk: (2, "a KN-23 ballistic missile"), shahed.pk: (None, "")}


@pytest.mark.django_db
def test_an_analysts_counts_on_a_published_attack_go_to_an_editor(client, analyst, catalogue, draft):
    shahed = catalogue["shahed"]
    Attack.objects.filter(pk=draft.pk).update(status="published")
    client.force_login(analyst)
    data = _edit_data(draft, munitions=[shahed.pk], **{f"munition_count_{shahed.pk}": "40"})
    assert client.post(reverse("attack-edit", args=[draft.pk]), data).status_code == 302
    assert not AttackMunition.objects.filter(attack=draft).exists()
    proposal = Proposal.objects.get(attack=draft)
    assert proposal.changes["munitions"] == [{"munition": shahed.pk, "count": 40, "quote": ""}]
