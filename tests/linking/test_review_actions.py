"""Reviewing what extraction found before confirming (issues 15, 18): delete, recategorise, rescope
or correct a figure, drop or correct a munition, and (editors) publish or discard the draft wave.

Each test acts through the review screen's forms and checks what the analyst then sees on the
screen and what the attack records."""

import pytest
from django.urls import reverse

from casualties.models import Claim, Proposal
from linking.services import article_process
from strikes.models import Attack, AttackMunition, Wave, WaveMunition

pytestmark = pytest.mark.django_db

POLTAVA = "A Russian missile struck Poltava on Thursday. At least 5 people were killed and 17 injured, officials said."
# The launched count here is read as an earlier strike's ("past"); the Sumy figure as another place's.
KHARKIV = (
    "Russia attacked Kharkiv with two Iskander-M ballistic missiles on 3 April, the mayor said. "
    "Four people were killed and 12 injured. In Sumy, two people were injured by a drone."
)
# A local report ending with the Air Force's counts for the whole night.
ZAPORIZHZHIA = (
    "Drone hits apartment block in Zaporizhzhia\n"
    "A Russian drone struck an apartment block in Zaporizhzhia on the night of 12 March, the regional "
    "governor said. Three people were killed and nine were injured, two children among them. Russia "
    "launched 90 Shahed drones and two Iskander-M ballistic missiles at Ukraine overnight, the Air Force "
    "said; 61 drones were shot down."
)


def processed(make_article, text, published):
    article = make_article(text, published)
    article_process(article_id=article.pk)
    article.refresh_from_db()
    return article


def index_of(article, quote):
    return next(n for n, f in enumerate(article.report["figures"]) if f["quote"] == quote)


def page(client, article):
    response = client.get(reverse("article-review", args=[article.pk]))
    assert response.status_code == 200
    return response.content.decode()


def card(html, n):
    """The figure's card on the screen."""
    start = html.index(f'id="figure-{n}"')
    return html[start : html.index("</li>", start)]


def live(article):
    return {
        c.category: (c.qualifier, c.value) for c in Claim.objects.filter(article=article, withdrawn_at__isnull=True)
    }


def post_figure(client, article, n, follow=False, **fields):
    return client.post(reverse("article-review-figure", args=[article.pk]), {"figure": n, **fields}, follow=follow)


def edit(article, n, **changes):
    f = article.report["figures"][n]
    return {
        "category": f["category"],
        "scope": f["scope"],
        "qualifier": f["qualifier"],
        "value": f["value"],
        **changes,
    }


@pytest.fixture
def poltava(reference, make_article):
    return processed(make_article, POLTAVA, "2025-04-24")


@pytest.fixture
def kharkiv(reference, make_article):
    return processed(make_article, KHARKIV, "2025-04-24")


@pytest.fixture
def zaporizhzhia(reference, make_article):
    return processed(make_article, ZAPORIZHZHIA, "2025-03-12")


def test_each_extracted_figure_is_listed_with_its_sentence_beside_the_highlighted_text(client, analyst, poltava):
    client.force_login(analyst)
    html = page(client, poltava)
    killed = index_of(poltava, "At least 5 people were killed")

    assert f'href="#figure-{killed}"' in html and ">At least 5 people were killed</mark>" in html
    assert "“At least 5 people were killed”" in card(html, killed)
    assert "Recorded as this attack&#x27;s killed figure" in card(html, killed)
    assert 'src="/static/js/review.js"' in html


def test_deleting_a_figure_withdraws_its_claim_and_keeps_it_greyed_in_the_text(client, analyst, poltava):
    client.force_login(analyst)
    killed = index_of(poltava, "At least 5 people were killed")

    # A forged author or time in the form is ignored: the server says who and when.
    response = post_figure(client, poltava, killed, action="delete", by="someone-else", at="2001-01-01")

    assert response.status_code == 302
    html = page(client, poltava)
    assert "Deleted" in card(html, killed) and "deleted by ana" in card(html, killed)
    assert f'<mark id="mark-{killed}" class=" deleted"' in html  # still highlighted, greyed out
    assert live(poltava) == {"injured": ("exact", 17)}
    poltava.refresh_from_db()
    figure = poltava.report["figures"][killed]
    assert figure["deleted"]["by_name"] == "ana" and figure["quote"] == "At least 5 people were killed"
    assert not figure["deleted"]["at"].startswith("2001")


def test_correcting_and_recategorising_a_figure_changes_the_recorded_figure(client, analyst, poltava):
    client.force_login(analyst)
    killed = index_of(poltava, "At least 5 people were killed")
    injured = index_of(poltava, "17 injured")

    assert post_figure(client, poltava, killed, **edit(poltava, killed, value=6, qualifier="exact")).status_code == 302
    recat = post_figure(client, poltava, injured, **edit(poltava, injured, category="children_injured"))

    assert recat.status_code == 302
    assert live(poltava) == {"killed": ("exact", 6), "children_injured": ("exact", 17)}
    html = page(client, poltava)
    assert "extracted as killed, at_least 5, event" in card(html, killed)
    assert "changed by ana" in card(html, injured)
    assert "Recorded as this attack&#x27;s children injured figure" in card(html, injured)
    claim = Claim.objects.get(article=poltava, category="killed")
    assert claim.quote == "At least 5 people were killed"  # the sentence stays with the figure


def test_moving_a_figure_to_another_place_and_back(client, analyst, poltava):
    client.force_login(analyst)
    killed = index_of(poltava, "At least 5 people were killed")

    post_figure(client, poltava, killed, **edit(poltava, killed, scope="other_place"))
    assert live(poltava) == {"injured": ("exact", 17)}
    assert "Not recorded (another place)" in card(page(client, poltava), killed)

    poltava.refresh_from_db()
    post_figure(client, poltava, killed, **edit(poltava, killed, scope="event"))
    assert live(poltava) == {"injured": ("exact", 17), "killed": ("at_least", 5)}
    again = Claim.objects.get(article=poltava, category="killed", withdrawn_at__isnull=True)
    assert again.created_by.username == "ana" and again.quote == "At least 5 people were killed"


def test_a_refused_change_says_why_and_changes_nothing(client, analyst, kharkiv):
    client.force_login(analyst)
    sumy = index_of(kharkiv, "two people were injured")
    claims_before = list(Claim.objects.order_by("pk").values_list("pk", "category", "value", "withdrawn_at"))

    # Sumy's two injured brought into this event: the article already records 12 injured.
    clash = post_figure(client, kharkiv, sumy, **edit(kharkiv, sumy, scope="event"))
    not_a_weapon = post_figure(client, kharkiv, sumy, **edit(kharkiv, sumy, scope="nationwide"))
    bad_value = post_figure(client, kharkiv, sumy, **edit(kharkiv, sumy, value="two"))
    no_such = post_figure(client, kharkiv, 99, **edit(kharkiv, sumy))

    assert clash.status_code == 400 and "already records a figure for injured" in clash.content.decode()
    assert not_a_weapon.status_code == 400 and "launched or intercepted" in not_a_weapon.content.decode()
    assert bad_value.status_code == 400 and no_such.status_code == 400
    assert list(Claim.objects.order_by("pk").values_list("pk", "category", "value", "withdrawn_at")) == claims_before
    before = kharkiv.report
    kharkiv.refresh_from_db()
    assert kharkiv.report == before and not Wave.objects.exists()


def test_a_launched_count_moved_to_the_nights_wave_becomes_a_count_of_a_draft_wave(client, analyst, kharkiv):
    client.force_login(analyst)
    launched = index_of(kharkiv, "attacked Kharkiv with two Iskander-M ballistic missiles")

    response = post_figure(client, kharkiv, launched, **edit(kharkiv, launched, scope="nationwide"))

    assert response.status_code == 302
    wave = Wave.objects.get()
    assert wave.is_draft and wave.article_id == kharkiv.pk
    assert list(WaveMunition.objects.filter(wave=wave).values_list("label", "launched")) == [("Iskander-M", 2)]
    assert "launched" not in live(kharkiv)
    html = page(client, kharkiv)
    night = html[html.index('id="night-wave"') :]
    assert "Proposed wave (draft), from this article" in night and "Iskander-M: 2 launched" in night
    assert "Counted on the night&#x27;s wave" in card(html, launched)
    # An analyst may keep it a draft, not publish it.
    assert "An editor publishes or discards this proposed wave" in night and "Publish wave" not in night


def test_deleting_a_night_count_takes_it_off_the_draft_wave(client, analyst, zaporizhzhia):
    client.force_login(analyst)
    shot_down = index_of(zaporizhzhia, "61 drones were shot down")

    post_figure(client, zaporizhzhia, shot_down, action="delete")

    wave = Wave.objects.get()
    assert list(WaveMunition.objects.filter(wave=wave, label="Shahed-136").values_list("launched", "intercepted")) == [
        (90, None)
    ]
    night = page(client, zaporizhzhia).split('id="night-wave"')[1]
    assert "Shahed-136: 90 launched</li>" in night


def test_an_editor_publishes_the_draft_wave_and_an_analyst_cannot(client, analyst, editor, zaporizhzhia):
    wave = Wave.objects.get()
    publish = reverse("article-review-wave-publish", args=[zaporizhzhia.pk])

    report = zaporizhzhia.report

    client.force_login(analyst)
    assert client.post(publish).status_code == 403
    assert client.post(reverse("article-review-wave-discard", args=[zaporizhzhia.pk])).status_code == 403
    wave.refresh_from_db()
    assert wave.is_draft and WaveMunition.objects.filter(wave=wave).count() == 2
    zaporizhzhia.refresh_from_db()
    assert zaporizhzhia.report == report

    client.force_login(editor)
    assert "Publish wave" in page(client, zaporizhzhia)
    assert client.post(publish).status_code == 302

    wave.refresh_from_db()
    assert not wave.is_draft
    night = page(client, zaporizhzhia).split('id="night-wave"')[1]
    assert "Published from this article by eddie" in night and "Publish wave" not in night
    assert client.post(publish).status_code == 400  # published: nothing left to publish again
    client.logout()
    assert [w["id"] for w in client.get("/api/v1/waves/").json()["results"]] == [wave.pk]  # the public sees it


def test_an_editor_discards_the_draft_wave(client, editor, zaporizhzhia):
    client.force_login(editor)

    response = client.post(reverse("article-review-wave-discard", args=[zaporizhzhia.pk]))

    assert response.status_code == 302
    assert not Wave.objects.exists() and not WaveMunition.objects.exists()
    assert Attack.objects.get(pk=zaporizhzhia.attack_id).wave_id is None
    night = page(client, zaporizhzhia).split('id="night-wave"')[1]
    assert "was discarded by eddie" in night and "Publish wave" not in night


def test_a_munition_is_corrected_or_dropped(client, analyst, kharkiv):
    client.force_login(analyst)
    url = reverse("article-review-munition", args=[kharkiv.pk])

    assert client.post(url, {"munition": 0, "action": "save", "count": 3}).status_code == 302
    assert list(AttackMunition.objects.filter(attack=kharkiv.attack).values_list("munition__name", "count")) == [
        ("Iskander-M", 3)
    ]
    assert client.post(url, {"munition": 0, "action": "save", "count": "-1"}).status_code == 400

    assert client.post(url, {"munition": 0, "action": "drop"}).status_code == 302
    assert not AttackMunition.objects.filter(attack=kharkiv.attack).exists()
    html = page(client, kharkiv)
    munitions = html[html.index('id="munitions"') :]
    assert "Dropped</strong> by ana" in munitions and "Save count" not in munitions.split("</section>")[0]


def test_on_a_published_attack_an_analysts_change_goes_to_an_editor(client, analyst, poltava):
    Attack.objects.filter(pk=poltava.attack_id).update(status="published")
    client.force_login(analyst)
    killed = index_of(poltava, "At least 5 people were killed")

    post_figure(client, poltava, killed, **edit(poltava, killed, value=6))
    post_figure(client, poltava, index_of(poltava, "17 injured"), action="delete")

    assert live(poltava) == {"killed": ("at_least", 5), "injured": ("exact", 17)}
    assert Proposal.objects.filter(claim__article=poltava).count() == 2


ROUTES = [
    "article-review-figure",
    "article-review-munition",
    "article-review-wave-publish",
    "article-review-wave-discard",
]


def state():
    return (
        list(Claim.objects.order_by("pk").values_list("pk", "category", "value", "withdrawn_at")),
        list(Wave.objects.order_by("pk").values_list("pk", "is_draft")),
        list(WaveMunition.objects.order_by("pk").values_list("pk", "launched", "intercepted")),
        list(AttackMunition.objects.order_by("pk").values_list("pk", "count")),
    )


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_users_and_researchers_are_refused_and_nothing_changes(client, researcher, zaporizhzhia, route):
    url = reverse(route, args=[zaporizhzhia.pk])
    form = {"figure": 0, "action": "delete", "munition": 0}
    before, report = state(), zaporizhzhia.report

    anonymous = client.post(url, form)
    client.force_login(researcher)
    signed_in = client.post(url, form)

    assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
    assert signed_in.status_code == 403
    zaporizhzhia.refresh_from_db()
    assert state() == before and zaporizhzhia.report == report


def test_a_count_moved_to_a_known_wave_leaves_that_waves_counts_alone(client, analyst, kharkiv):
    import datetime as dt

    from django.utils import timezone

    day = dt.date.fromisoformat(kharkiv.report["event_date"])
    imported = Wave.objects.create(
        started_at=timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(20, 0))),
        external_source="nightly",
        external_id="n1",
    )
    WaveMunition.objects.create(wave=imported, label="Iskander-M", launched=4)
    client.force_login(analyst)
    launched = index_of(kharkiv, "attacked Kharkiv with two Iskander-M ballistic missiles")

    response = post_figure(client, kharkiv, launched, **edit(kharkiv, launched, scope="nationwide"), follow=True)

    assert "that wave is already known, its counts stay" in response.content.decode()
    assert list(Wave.objects.values_list("pk", flat=True)) == [imported.pk]
    assert list(WaveMunition.objects.values_list("label", "launched")) == [("Iskander-M", 4)]
    night = page(client, kharkiv).split('id="night-wave"')[1]
    assert f"Wave {imported.pk}" in night and "Iskander-M: 4 launched" in night


def test_a_recorded_figure_corrected_directly_is_corrected_in_the_list_too(client, analyst, poltava):
    client.force_login(analyst)
    killed = index_of(poltava, "At least 5 people were killed")
    claim = Claim.objects.get(article=poltava, category="killed")

    client.post(
        reverse("article-review-correct", args=[poltava.pk]), {"claim": claim.pk, "value": 7, "qualifier": "exact"}
    )

    assert "Figure 1: Killed 7" in card(page(client, poltava), killed)
