"""Saved searches: saving one from the page, noticing new, changed and retracted matching
attacks exactly once, and telling the owner by e-mail and by a signed webhook, with retries
and a webhook switched off after repeated failures."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from strikes.models import Attack
from strikes.services import attack_retract
from tests.factories import AttackFactory, PlaceFactory
from watch import services
from watch.models import Delivery, Notification, SavedSearch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def places(db):
    kharkiv_oblast = PlaceFactory(name="Kharkiv Oblast", kind="oblast", aliases=["Kharkivska oblast"])
    odesa_oblast = PlaceFactory(name="Odesa Oblast", kind="oblast")
    return {
        "kharkiv": PlaceFactory(name="Kharkiv", kind="city", parent=kharkiv_oblast, oblast=kharkiv_oblast),
        "odesa": PlaceFactory(name="Odesa", kind="city", parent=odesa_oblast, oblast=odesa_oblast),
    }


@pytest.fixture
def owner(client, django_user_model):
    user = django_user_model.objects.create_user("rita", email="rita@example.org", password="pw-rita")
    client.force_login(user)
    return user


def save(client, **fields):
    data = {"name": "Kharkiv strikes", "query": "", "email": "", "webhook_url": "", **fields}
    return client.post(reverse("saved-searches"), data)


def check():
    """One check run after the writes (committed: the tests are transactional). Outside
    integration tests Celery runs in-process, so the check's deliveries are sent at once."""
    return services.searches_check(now=timezone.now())


def send_all():
    return [services.delivery_send(pk) for pk in services.deliveries_due(now=timezone.now() + dt.timedelta(days=1))]


def signed(secret: str, received: dict) -> bool:
    headers = received["headers"]
    expected = hmac.new(
        secret.encode(), headers["X-Strikewatch-Timestamp"].encode() + b"." + received["body"], hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(headers["X-Strikewatch-Signature"], "sha256=" + expected)


def test_a_saved_search_tells_of_a_new_matching_attack_once_by_email_and_webhook(client, owner, places, hook):
    response = save(
        client,
        query="https://strikewatch.example/?oblast=Kharkiv&format=csv&page_size=5",
        email="rita@example.org",
        webhook_url=hook.url,
    )
    assert response.status_code == 302
    search = SavedSearch.objects.get()
    assert search.query == "oblast=Kharkiv"  # presentation parameters dropped
    match = AttackFactory(place=places["kharkiv"])
    AttackFactory(place=places["odesa"])  # another oblast: not this search's
    AttackFactory(place=places["kharkiv"], status="draft")  # not public

    assert check() == {"searches": 1, "notifications": 1, "deliveries": 2}
    assert send_all() == []  # already sent by the tasks the check queued
    assert list(Delivery.objects.values_list("status", flat=True)) == ["sent", "sent"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rita@example.org"]
    assert f"new: https://strikewatch.example/attacks/{match.pk}/" in mail.outbox[0].body
    assert len(hook.received) == 1
    body = hook.received[0]["json"]
    assert [(c["attack"], c["kind"]) for c in body["changes"]] == [(match.pk, "new")]
    assert body["changes"][0]["url"] == f"https://strikewatch.example/api/v1/attacks/{match.pk}/"
    assert signed(search.webhook_secret, hook.received[0])
    assert not signed("another secret", hook.received[0])

    # Nothing changed since: the next checks record and send nothing more.
    assert check()["notifications"] == 0
    assert check()["notifications"] == 0
    assert send_all() == []
    assert (len(mail.outbox), len(hook.received), Notification.objects.count()) == (1, 1, 1)


def test_changed_figures_and_a_retraction_are_each_told_once(client, owner, places, hook, editor):
    save(client, query="oblast=Kharkiv", webhook_url=hook.url)
    attack = AttackFactory(place=places["kharkiv"], killed_best=2)
    check()
    Attack.objects.filter(pk=attack.pk).update(killed_best=5)  # what the figures service writes
    Attack.objects.filter(pk=attack.pk).update(description="Reworded.")  # not a figure: not told
    check()
    attack.refresh_from_db()
    attack_retract(attack=attack, by=editor, reason="Duplicate of another report.")
    check()
    send_all()
    kinds = [c["kind"] for received in hook.received for c in received["json"]["changes"]]
    assert kinds == ["new", "changed", "retracted"]


def test_a_failing_webhook_is_retried_with_backoff_then_switched_off(client, owner, places, hook, settings):
    settings.WATCH_WEBHOOK_MAX_FAILURES = 3
    save(client, query="oblast=Kharkiv", webhook_url=hook.url)
    search = SavedSearch.objects.get()
    hook.status = 500
    AttackFactory(place=places["kharkiv"])
    before = timezone.now()
    check()  # queues the delivery, whose first attempt fails
    delivery = Delivery.objects.get()
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.response_status == 500
    assert 55 <= (delivery.next_attempt_at - before).total_seconds() <= 65  # first retry after a minute
    assert services.delivery_send(delivery.pk) == "not due"
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    assert services.delivery_send(delivery.pk) == "failed"
    delivery.refresh_from_db()
    assert 115 <= (delivery.next_attempt_at - timezone.now()).total_seconds() <= 125  # then after two
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    assert services.delivery_send(delivery.pk) == "given up"
    search.refresh_from_db()
    assert search.webhook_disabled_at is not None
    assert "after 3 failed attempts in a row" in search.webhook_disabled_reason
    assert len(hook.received) == 3
    # While off, new changes are recorded but not sent to the webhook.
    AttackFactory(place=places["kharkiv"])
    assert check()["deliveries"] == 0
    page = client.get(reverse("saved-searches")).content.decode()
    assert "switched off" in page
    # Its owner switches it on again: the next change is sent.
    hook.status = 200
    client.post(reverse("saved-searches"), {"action": "enable", "search": search.pk})
    AttackFactory(place=places["kharkiv"])
    check()
    assert len(hook.received) == 4 and Delivery.objects.filter(status="sent").count() == 1


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"query": "oblast=Narnia", "email": "rita@example.org"}, "query", "No oblast matches Narnia"),
        ({"query": "killed_min=5&killed_max=2", "email": "rita@example.org"}, "query", "killed_min is above"),
        ({"query": "status=draft", "email": "rita@example.org"}, "query", "Only published attacks are public"),
        ({"query": "oblast=Kharkiv"}, "email", "at least one way to be told"),
        ({"webhook_url": "http://10.0.0.7/hook"}, "webhook_url", "private"),
        ({"webhook_url": "http://93.184.216.34:22/hook"}, "webhook_url", "not a web port"),
        ({"name": "  ", "email": "rita@example.org"}, "name", "This field is required"),
    ],
)
def test_a_search_that_cannot_work_is_refused_on_its_field_and_nothing_is_saved(
    client, owner, places, settings, fields, field, message
):
    settings.WATCH_WEBHOOK_ALLOWED_HOSTS = []
    response = save(client, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_searches_are_private_to_their_owner(client, owner, places, django_user_model):
    save(client, query="oblast=Kharkiv", email="rita@example.org")
    assert "Kharkiv strikes" in client.get(reverse("saved-searches")).content.decode()  # (and its flash message)
    search = SavedSearch.objects.get()
    other = django_user_model.objects.create_user("mallory", password="pw-mallory")
    client.force_login(other)
    assert "Kharkiv strikes" not in client.get(reverse("saved-searches")).content.decode()
    assert client.post(reverse("saved-searches"), {"action": "delete", "search": search.pk}).status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()
    client.logout()
    response = client.get(reverse("saved-searches"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_explore_page_query_prefills_the_form(client, owner):
    page = client.get(reverse("saved-searches"), {"query": "oblast=Kharkiv&munition=Shahed-136"}).content.decode()
    assert 'value="oblast=Kharkiv&amp;munition=Shahed-136"' in page
