"""The night's counts go to the night's wave, the event's own figures to the attack (issue 15 "Scope")."""

import datetime as dt

import pytest
from django.utils import timezone

from casualties.models import Claim
from linking.services import article_process
from strikes.models import Wave, WaveMunition

# A local strike report that ends with the Air Force's figures for the whole night (our own words).
LOCAL_THEN_NIGHT = (
    "Drone hits apartment block in Zaporizhzhia\n"
    "A Russian drone struck an apartment block in Zaporizhzhia on the night of 12 March, the regional "
    "governor said. Three people were killed and nine were injured, two children among them. Russia "
    "launched 90 Shahed drones and two Iskander-M ballistic missiles at Ukraine overnight, the Air Force "
    "said; 61 drones were shot down."
)

pytestmark = pytest.mark.django_db


def kyiv(day: str, hour: int):
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, 0)))


def counts(wave):
    return sorted(WaveMunition.objects.filter(wave=wave).values_list("label", "launched", "intercepted"))


def test_the_nights_counts_become_a_draft_wave_and_the_event_keeps_its_own(reference, make_article):
    article = make_article(LOCAL_THEN_NIGHT, "2025-03-12")

    article_process(article_id=article.pk)

    article.refresh_from_db()
    attack = article.attack
    figures = {c.category: c.value for c in Claim.objects.filter(attack=attack)}
    # The event's own figures, its children breakdown included; none of the night's counts.
    assert figures == {"killed": 3, "injured": 9, "children_injured": 2}
    wave = Wave.objects.get()
    assert wave.is_draft and wave.article_id == article.pk
    assert (wave.started_at, wave.ended_at) == (kyiv("2025-03-11", 18), kyiv("2025-03-12", 9))
    assert counts(wave) == [("Iskander-M", 2, None), ("Shahed-136", 90, 61)]
    assert attack.wave_id == wave.pk
    assert article.report["wave_id"] == wave.pk


def test_a_known_wave_for_that_night_is_matched_and_its_counts_left_alone(reference, make_article):
    imported = Wave.objects.create(
        started_at=kyiv("2025-03-11", 20), ended_at=kyiv("2025-03-12", 7), external_source="nightly", external_id="n1"
    )
    WaveMunition.objects.create(wave=imported, label="Shahed-136/Gerbera", launched=88, intercepted=60)
    article = make_article(LOCAL_THEN_NIGHT, "2025-03-12")

    article_process(article_id=article.pk)

    article.refresh_from_db()
    assert list(Wave.objects.values_list("pk", flat=True)) == [imported.pk]
    assert counts(imported) == [("Shahed-136/Gerbera", 88, 60)]
    assert article.attack.wave_id == imported.pk


def test_extracting_again_adds_no_second_wave_nor_second_counts(reference, make_article):
    article = make_article(LOCAL_THEN_NIGHT, "2025-03-12")
    article_process(article_id=article.pk)
    article_process(article_id=article.pk)

    assert Wave.objects.count() == 1
    assert WaveMunition.objects.count() == 2


def test_a_draft_wave_is_hidden_from_the_public_and_shown_to_analysts(reference, make_article, client, analyst):
    article = make_article(LOCAL_THEN_NIGHT, "2025-03-12")
    article_process(article_id=article.pk)

    public = client.get("/api/v1/waves/")
    client.force_login(analyst)
    staff = client.get("/api/v1/waves/")

    assert public.status_code == 200 and public.json()["results"] == []
    assert [w["id"] for w in staff.json()["results"]] == [Wave.objects.get().pk]


def test_the_review_screen_shows_the_nights_counts_under_the_wave(reference, make_article, client, analyst):
    article = make_article(LOCAL_THEN_NIGHT, "2025-03-12")
    article_process(article_id=article.pk)
    client.force_login(analyst)

    page = client.get(f"/review/articles/{article.pk}/").content.decode()

    night = page[page.index('id="night-wave"') :]
    assert "Proposed wave (draft)" in night
    assert "Shahed-136" in night and "90 launched" in night and "61 intercepted" in night


def test_the_detected_language_is_stored_and_shown(reference, make_article, client, analyst):
    article = make_article(
        "Удар по Харкову\nУ ніч на 11 жовтня російський дрон влучив у житловий будинок у Харкові. "  # noqa: RUF001
        "Загинули двоє людей, ще п'ятеро поранені.",
        "2025-10-11",
    )
    article_process(article_id=article.pk)
    client.force_login(analyst)

    page = client.get(f"/review/articles/{article.pk}/").content.decode()

    article.refresh_from_db()
    assert article.language == "uk"
    assert '<span id="article-language">uk</span>' in page
