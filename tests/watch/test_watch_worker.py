"""Saved searches end to end with a real Celery worker and Redis: the periodic task finds a
new matching attack, and the worker e-mails it and POSTs it, signed, to a local webhook,
exactly once however often the task runs."""

import hashlib
import hmac
import time

import pytest
from django.urls import reverse

from tests.conftest import wait_until
from tests.factories import AttackFactory, PlaceFactory
from watch.models import Delivery, SavedSearch
from watch.tasks import watch_tick


@pytest.mark.integration
def test_the_worker_notifies_by_email_and_signed_webhook_exactly_once(
    client, django_user_model, start_worker, hook, monkeypatch, tmp_path
):
    # The worker is another process: it reads these from its environment.
    monkeypatch.setenv("WATCH_OVERLAP_SECONDS", "0")
    monkeypatch.setenv("WATCH_WEBHOOK_ALLOWED_HOSTS", "127.0.0.1")
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    monkeypatch.setenv("EMAIL_FILE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://strikewatch.example")
    start_worker()
    oblast = PlaceFactory(name="Sumy Oblast", kind="oblast")
    sumy = PlaceFactory(name="Sumy", kind="city", parent=oblast, oblast=oblast)
    user = django_user_model.objects.create_user("rita", password="pw-rita")
    client.force_login(user)
    data = {"name": "Sumy", "query": "oblast=Sumy Oblast", "email": "rita@example.org", "webhook_url": hook.url}
    assert client.post(reverse("saved-searches"), data).status_code == 302
    search = SavedSearch.objects.get()
    attack = AttackFactory(place=sumy)

    watch_tick.delay()
    wait_until(lambda: Delivery.objects.filter(status="sent").count() == 2 and len(hook.received) == 1)
    received = hook.received[0]
    assert [(c["attack"], c["kind"]) for c in received["json"]["changes"]] == [(attack.pk, "new")]
    timestamp, body = received["headers"]["X-Strikewatch-Timestamp"], received["body"]
    expected = hmac.new(search.webhook_secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    assert received["headers"]["X-Strikewatch-Signature"] == "sha256=" + expected.hexdigest()
    mails = list(tmp_path.iterdir())
    assert len(mails) == 1
    assert f"https://strikewatch.example/attacks/{attack.pk}/" in mails[0].read_text()

    # The periodic task runs again (as beat would every minute): nothing more is sent.
    watch_tick.delay()
    watch_tick.delay()
    time.sleep(3)
    assert len(hook.received) == 1 and len(list(tmp_path.iterdir())) == 1
    assert Delivery.objects.count() == 2
