"""Who may open which page: the public, researchers, analysts and editors."""

import re
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from strikes.models import Attack
from tests.factories import ArticleFactory, AttackFactory

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
MY_TEMPLATES = [TEMPLATES / "base.html", TEMPLATES / "_nav.html", *TEMPLATES.glob("registration/*.html")]
MY_TEMPLATES += list((TEMPLATES / "strikes").glob("*.html"))

# Page names the contract says each owner registers.
CONTRACT_PAGES = {
    "explore": [],
    "attack-detail": [1],
    "attack-create": [],
    "attack-edit": [1],
    "drafts": [],
    "profile": [],
    "ingest": [],
    "article-detail": [1],
    "article-review": [1],
    "conflicts": [],
    "decision": [1, "injured"],
    "grade-override": [1],
    "source-detail": [1],
    "saved-searches": [],
}
ANALYST_PAGES = ["attack-create", "drafts"]


def _url_tags(path: Path) -> list[tuple[str, bool]]:
    """(url name, used with ``as``) for every ``{% url %}`` tag in a template."""
    found = []
    text = re.sub(r"{#.*?#}", "", path.read_text())
    for tag in re.findall(r"{%\s*url\s+([^%]+)%}", text):
        name = tag.split()[0].strip("'\"")
        found.append((name, " as " in f" {tag} "))
    return found


def test_every_link_in_my_templates_is_a_registered_route_or_a_guarded_contract_page():
    for path in MY_TEMPLATES:
        for name, guarded in _url_tags(path):
            if guarded:
                # `{% url ... as x %}` renders nothing for a missing route; the name must still be real.
                assert name in CONTRACT_PAGES or name in {"attack-create", "profile", "api-docs"}, (path, name)
                continue
            args = CONTRACT_PAGES.get(name, [1] if name.startswith("attack-") and name != "attack-create" else [])
            try:
                reverse(name, args=args)
            except NoReverseMatch:
                pytest.fail(f"{path.name} links to {name!r}, which is not a registered route")


def test_every_page_named_in_the_contract_is_registered():
    missing = []
    for name, args in CONTRACT_PAGES.items():
        try:
            reverse(name, args=args)
        except NoReverseMatch:
            missing.append(name)
    assert not missing, f"pages not registered yet: {missing}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANALYST_PAGES)
def test_anonymous_visitors_are_sent_to_log_in_for_analyst_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANALYST_PAGES)
def test_researchers_cannot_open_analyst_pages_and_are_offered_a_way_on(as_user, researcher, name):
    response = as_user(researcher).get(reverse(name))
    assert response.status_code == 403
    assert "This page is not for your role" in response.content.decode()
    assert f'href="{reverse("explore")}"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ANALYST_PAGES)
def test_analysts_open_analyst_pages(as_user, analyst, name):
    assert as_user(analyst).get(reverse(name)).status_code == 200


@pytest.mark.django_db
def test_researchers_cannot_edit_an_attack(as_user, researcher):
    attack = AttackFactory()
    assert as_user(researcher).get(reverse("attack-edit", args=[attack.pk])).status_code == 403


@pytest.mark.django_db
def test_a_draft_is_not_found_for_the_public_and_researchers(client, as_user, researcher, analyst):
    draft = AttackFactory(status="draft")
    url = reverse("attack-detail", args=[draft.pk])
    response = client.get(url)
    assert response.status_code == 404
    assert "Explore the published attacks" in response.content.decode()
    assert as_user(researcher).get(url).status_code == 404
    assert as_user(analyst).get(url).status_code == 200


@pytest.mark.django_db
def test_a_retracted_attack_is_a_tombstone_for_the_public_and_whole_for_staff(client, as_user, editor):
    attack = AttackFactory(
        status="retracted", retraction_reason="Duplicate of the Lviv entry", description="Depot fire near the river"
    )
    url = reverse("attack-detail", args=[attack.pk])
    gone = client.get(url)
    assert gone.status_code == 410
    html = gone.content.decode()
    assert f"Attack {attack.pk} was retracted" in html
    assert "Duplicate of the Lviv entry" in html
    assert "Depot fire near the river" not in html  # a tombstone: nothing else of the record
    page = as_user(editor).get(url)
    assert page.status_code == 200
    assert "Duplicate of the Lviv entry" in page.content.decode()


@pytest.mark.django_db
def test_analysts_cannot_publish_or_retract(as_user, analyst):
    draft = AttackFactory(status="draft")
    c = as_user(analyst)
    assert c.post(reverse("attack-publish", args=[draft.pk])).status_code == 403
    published = AttackFactory()
    assert c.post(reverse("attack-retract", args=[published.pk]), {"reason": "x"}).status_code == 403
    assert Attack.objects.get(pk=draft.pk).status == "draft"
    assert Attack.objects.get(pk=published.pk).status == "published"


@pytest.mark.django_db
def test_an_editor_publishes_a_draft(as_user, editor):
    draft = AttackFactory(status="draft")
    ArticleFactory(attack=draft)  # publishing needs a source
    response = as_user(editor).post(reverse("attack-publish", args=[draft.pk]), follow=True)
    assert response.status_code == 200
    assert Attack.objects.get(pk=draft.pk).status == "published"
    assert "Published." in response.content.decode()


@pytest.mark.django_db
def test_a_retraction_without_a_reason_is_refused_next_to_the_reason_field(as_user, editor):
    attack = AttackFactory()
    response = as_user(editor).post(reverse("attack-retract", args=[attack.pk]), {"reason": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_reason_error"' in html
    assert Attack.objects.get(pk=attack.pk).status == "published"


@pytest.mark.django_db
def test_an_editor_retracts_with_a_reason_and_the_attack_leaves_public_view(client, as_user, editor):
    attack = AttackFactory()
    as_user(editor).post(reverse("attack-retract", args=[attack.pk]), {"reason": "Wrong town"})
    attack.refresh_from_db()
    assert (attack.status, attack.retraction_reason) == ("retracted", "Wrong town")
    client.logout()
    gone = client.get(reverse("attack-detail", args=[attack.pk]))
    assert gone.status_code == 410
    assert "Wrong town" in gone.content.decode()


@pytest.mark.django_db
def test_retracting_a_draft_is_explained_not_a_server_error(as_user, editor):
    draft = AttackFactory(status="draft")
    response = as_user(editor).post(reverse("attack-retract", args=[draft.pk]), {"reason": "Not real"})
    assert response.status_code == 400
    assert "draft" in response.content.decode()


@pytest.mark.django_db
def test_navigation_shows_only_what_the_role_may_do(client, as_user, researcher, analyst, editor):
    anon = client.get(reverse("explore")).content.decode()
    assert "Log in" in anon and "New attack" not in anon and "API token" not in anon
    res = as_user(researcher).get(reverse("explore")).content.decode()
    assert "API token" in res and "New attack" not in res and "Drafts" not in res
    ana = as_user(analyst).get(reverse("explore")).content.decode()
    assert "New attack" in ana and "Drafts" in ana and ">Conflicts<" not in ana
    edi = as_user(editor).get(reverse("explore")).content.decode()
    try:
        reverse("conflicts")
    except NoReverseMatch:
        pytest.skip("conflicts page not registered yet")
    assert ">Conflicts<" in edi


@pytest.mark.django_db
def test_profile_needs_a_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_user_creates_and_regenerates_an_api_token_and_the_old_one_stops_working(as_user, researcher):
    c = as_user(researcher)
    assert "no token yet" in c.get(reverse("profile")).content.decode()
    c.post(reverse("profile"), {"action": "create"})
    first = Token.objects.get(user=researcher).key
    assert first in c.get(reverse("profile")).content.decode()
    c.post(reverse("profile"), {"action": "regenerate"})
    second = Token.objects.get(user=researcher).key
    assert second != first
    c.logout()
    api = reverse("api-attack-list")
    assert c.get(api, HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    assert c.get(api, HTTP_AUTHORIZATION=f"Token {second}").status_code == 200


@pytest.mark.django_db
def test_an_unknown_profile_action_is_a_400(as_user, researcher):
    assert as_user(researcher).post(reverse("profile"), {"action": "delete-everything"}).status_code == 400
    assert not Token.objects.filter(user=researcher).exists()
