"""Logins and API tokens lock after repeated wrong passwords (django-axes, issue 20): per
username and per client address, which a client cannot change with a header."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = 5


def login(client, username, password, address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def token(client, username, password, address="203.0.113.7", forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("api-token"), {"username": username, "password": password}, content_type="application/json", **extra
    )


def test_five_wrong_passwords_lock_the_login_even_for_the_right_one(client, editor):
    for _ in range(4):
        assert login(client, "eddie", "guess").status_code == 200  # the form again, with its error
    assert login(client, "eddie", "guess").status_code == 429  # the fifth locks
    locked = login(client, "eddie", "pw-eddie")
    assert locked.status_code == 429
    assert "Too many failed log-ins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_rotating_forwarded_for_does_not_reset_the_count(client, editor):
    for n in range(5):
        login(client, "eddie", "guess", forwarded=f"198.51.100.{n}")
    assert login(client, "eddie", "pw-eddie", forwarded="198.51.100.99").status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, editor):
    for _ in range(4):
        login(client, "eddie", "guess")
    assert login(client, "eddie", "pw-eddie").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "eddie", "guess")
    assert login(client, "eddie", "pw-eddie").status_code == 302


def test_another_user_from_another_address_is_not_locked(client, editor, analyst):
    for _ in range(5):
        login(client, "eddie", "guess")
    assert login(client, "ana", "pw-ana", address="192.0.2.44").status_code == 302


def test_the_token_endpoint_locks_too_and_says_so_in_the_error_shape(client, researcher):
    for n in range(4):
        assert token(client, "rosa", "guess", forwarded=f"198.51.100.{n}").status_code == 400
    assert token(client, "rosa", "guess", forwarded="198.51.100.4").status_code == 429
    locked = token(client, "rosa", "pw-rosa", forwarded="198.51.100.50")
    assert locked.status_code == 429
    body = locked.json()
    assert "detail" in body and "Too many failed" in body["detail"]
    assert not Token.objects.filter(user=researcher).exists()
    assert AccessAttempt.objects.filter(username="rosa").exists()
