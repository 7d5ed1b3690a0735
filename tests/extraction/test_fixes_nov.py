"""Regressions found in review: empty catalogue, person names as places, generic classes, leases, lock order."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.utils import timezone

from extraction import Gazetteer, default_gazetteer, extract


def _finishes_within(fn, seconds):
    """Run ``fn`` in a daemon thread; its result, or a failure when it runs past ``seconds``."""
    box = {}
    worker = threading.Thread(target=lambda: box.setdefault("result", fn()), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"still running after {seconds} s"
    return box["result"]


def test_models_are_looked_for_instantly_when_the_munitions_catalogue_is_empty():
    gaz = default_gazetteer()
    empty = Gazetteer(gaz.places, [])
    sentence = "Overnight a Kh-101 and two Shahed drones hit a depot near Lutsk, the governor said."
    assert _finishes_within(lambda: empty.find_models(sentence), 2) == []
    assert _finishes_within(lambda: empty.find_models(""), 2) == []
    report = _finishes_within(lambda: extract(sentence, gazetteer=empty).to_dict(), 5)
    assert [p["name"] for p in report["places"]][:1] == ["Lutsk"]


def _places(text):
    return [p["name"] for p in extract(text).to_dict()["places"]]


@pytest.mark.parametrize(
    "sentence",
    [
        "President Volodymyr Zelensky said a Russian missile struck Lutsk on Tuesday night.",
        "Volodymyr Zelenskyy thanked rescuers after the drone attack on Lutsk.",
        "Speaking in Lutsk, Mr. Volodymyr Zelensky's adviser counted the damaged homes.",
        "Vladimir Putin's forces launched drones at Lutsk overnight.",
    ],
)
def test_a_person_named_volodymyr_is_not_the_town_of_volodymyr(sentence):
    assert _places(sentence) == ["Lutsk"]


def test_a_title_before_a_place_name_makes_it_a_person():
    assert _places("Mrs Kharkiv, a pensioner from Lutsk, survived the strike.") == ["Lutsk"]


@pytest.mark.parametrize(
    "sentence",
    [
        "A drone hit Volodymyr overnight, injuring two people.",
        "Russian forces struck Volodymyr. The mayor said three people were hurt.",
        "Drones struck Volodymyr Raion overnight.",
        "A missile hit Volodymyr-Volynskyi on Sunday.",
    ],
)
def test_the_town_of_volodymyr_is_still_found_when_no_person_is_named(sentence):
    assert _places(sentence)[:1] == ["Volodymyr-Volynskyi"]


def _linked_munitions(make_article, text):
    from linking.services import article_process
    from strikes.models import AttackMunition

    article = make_article(text, "2025-03-11")
    article_process(article_id=article.pk)
    article.refresh_from_db()
    return sorted(AttackMunition.objects.filter(attack_id=article.attack_id).values_list("munition__name", flat=True))


@pytest.mark.django_db
def test_a_bare_ballistic_missile_is_the_generic_ballistic_missile_not_an_icbm(reference, make_article):
    text = "A ballistic missile struck an industrial site in Poltava on 11 March, killing two workers."
    assert _linked_munitions(make_article, text) == ["ballistic missile"]


@pytest.mark.django_db
def test_an_intercontinental_ballistic_missile_keeps_its_own_generic_row(reference, make_article):
    text = "An intercontinental ballistic missile struck Dnipro on 11 March, officials said; one man was injured."
    assert _linked_munitions(make_article, text) == ["intercontinental ballistic missile"]


LEASE_TEXT = "A drone hit a warehouse in Poltava on 11 March; three people were injured, the governor said."


@pytest.mark.django_db
def test_an_article_left_extracting_by_a_dead_worker_is_taken_back_once_its_lease_expired(reference, make_article):
    from linking.services import article_process
    from sources.models import Article

    article = make_article(LEASE_TEXT, "2025-03-11")
    expired = timezone.now() - dt.timedelta(seconds=5)
    Article.objects.filter(pk=article.pk).update(status="extracting", lease_expires_at=expired)
    article_process(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == "extracted"
    assert article.lease_expires_at is None
    assert article.attack is not None and article.attack.place.name == "Poltava"


@pytest.mark.django_db
def test_an_article_another_worker_is_extracting_under_a_live_lease_is_left_alone(reference, make_article):
    from linking.services import article_process
    from sources.models import Article

    article = make_article(LEASE_TEXT, "2025-03-11")
    live = timezone.now() + dt.timedelta(seconds=settings.INGEST_LEASE_SECONDS)
    Article.objects.filter(pk=article.pk).update(status="extracting", lease_expires_at=live)
    article_process(article_id=article.pk)
    article.refresh_from_db()
    assert (article.status, article.attack_id, article.report) == ("extracting", None, None)


@pytest.mark.django_db
def test_a_finished_extraction_holds_no_lease(reference, make_article):
    from linking.services import article_process

    article = make_article(LEASE_TEXT, "2025-03-11")
    article_process(article_id=article.pk)
    article.refresh_from_db()
    assert article.status == "extracted" and article.lease_expires_at is None


def _first_attack_lock_and_claim_write(queries):
    """Index of the first query locking attack rows (with the rows it names) and of the first claim write."""
    lock = write = None
    for i, q in enumerate(queries):
        sql = q["sql"]
        if lock is None and 'FROM "strikes_attack"' in sql and "FOR UPDATE" in sql:
            lock = (i, sql)
        # pghistory prefixes each write with its context: look for the UPDATE anywhere in the batch.
        if write is None and 'UPDATE "casualties_claim"' in sql:
            write = i
    return lock, write


@pytest.mark.django_db
def test_moving_and_merging_lock_both_attacks_in_pk_order_before_any_claim(reference, make_article, analyst):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from casualties.models import Claim
    from linking.services import article_move, attack_merge
    from strikes.models import Attack

    article = make_article(LEASE_TEXT, "2025-03-11")
    from linking.services import article_process

    article_process(article_id=article.pk)
    article.refresh_from_db()
    first = article.attack
    assert Claim.objects.filter(article=article, attack=first).exists()
    other = Attack.objects.create(occurred_at=first.occurred_at, place=first.place, status="draft")

    with CaptureQueriesContext(connection) as ctx:
        article_move(article=article, attack=other, by=analyst)
    lock, write = _first_attack_lock_and_claim_write(ctx.captured_queries)
    assert lock is not None and write is not None and lock[0] < write
    both = "IN ({}, {})".format(*sorted([first.pk, other.pk]))
    assert both in lock[1] and "ORDER BY" in lock[1] and "LIMIT" not in lock[1]

    with CaptureQueriesContext(connection) as ctx:
        attack_merge(source=other, target=first, by=analyst)
    lock, write = _first_attack_lock_and_claim_write(ctx.captured_queries)
    assert lock is not None and write is not None and lock[0] < write
    assert both in lock[1] and "LIMIT" not in lock[1]
    article.refresh_from_db()
    assert article.attack_id == first.pk
