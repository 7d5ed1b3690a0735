"""The Content-Security-Policy header (config.middleware): the settings' policy on every response,
its text built once yet following a change of the settings; django-csp's per-view decorators and
exemptions still honoured."""

import pytest
from csp.constants import NONCE
from csp.decorators import csp_exempt, csp_update
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from config.middleware import CSPMiddleware

pytestmark = pytest.mark.django_db

POLICY = (
    "object-src 'none'; img-src 'self' data: https://tile.openstreetmap.org; form-action 'self'; "
    "default-src 'self'; font-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; style-src 'self'; style-src-attr 'unsafe-inline'"
)


# What the test's own policy sends when no nonce was asked for (django-csp leaves the nonce out).
BASE = {"default-src 'self'", "script-src 'self'"}


def _directives(header: str) -> set[str]:
    return {d.strip() for d in header.split(";")}


def test_every_response_carries_the_settings_policy(settings):
    settings.MAP_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    client = APIClient()
    for _ in range(2):  # built once, then the kept text: the same header
        response = client.get(reverse("api-attack-list"))
        assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
        assert "Content-Security-Policy-Report-Only" not in response


def test_a_changed_policy_is_the_one_sent(settings):
    client = APIClient()
    client.get(reverse("api-attack-list"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"script-src": ["'self'"]}}
    response = client.get(reverse("api-attack-list"))
    assert response["Content-Security-Policy"] == "default-src 'none'"
    # django-csp adds the default-src 'self' a report-only policy leaves out.
    assert _directives(response["Content-Security-Policy-Report-Only"]) == {"script-src 'self'", "default-src 'self'"}


def test_excluded_prefixes_exempt_views_decorated_views_and_nonces_as_django_csp(settings):
    middleware = CSPMiddleware(lambda request: HttpResponse("ok"))
    factory = RequestFactory()
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {"default-src": ["'self'"], "script-src": ["'self'", NONCE]},
        "EXCLUDE_URL_PREFIXES": ["/excluded/"],
    }
    assert "Content-Security-Policy" not in middleware(factory.get("/excluded/page"))
    assert _directives(middleware(factory.get("/page"))["Content-Security-Policy"]) == BASE

    exempt = CSPMiddleware(csp_exempt()(lambda request: HttpResponse("ok")))
    assert "Content-Security-Policy" not in exempt(factory.get("/page"))

    updated = CSPMiddleware(csp_update({"img-src": ["https://example.org"]})(lambda request: HttpResponse("ok")))
    assert _directives(updated(factory.get("/page"))["Content-Security-Policy"]) == {
        "default-src 'self'",
        "script-src 'self'",
        "img-src https://example.org",
    }

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    response = CSPMiddleware(with_nonce)(factory.get("/page"))
    nonce = response.content.decode()
    assert f"script-src 'self' 'nonce-{nonce}'" in response["Content-Security-Policy"]
    # And the kept text was not changed by them.
    assert _directives(middleware(factory.get("/page"))["Content-Security-Policy"]) == BASE
