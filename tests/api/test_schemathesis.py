"""Schemathesis against the OpenAPI schema, in-process through the WSGI app.

Every operation gets generated requests (valid and invalid) as an editor with a token
(so the write endpoints are exercised too); no response may be a 5xx, and every
response must match the schema: status code, content type, headers and body.
Bounded so the whole run takes a minute or two.
"""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Calling the WSGI app directly sends request_finished, which would close the test
    transaction's connection (Django's test client switches this off the same way)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def editor_token(editor):
    return Token.objects.create(user=editor).key


# Loaded at collection (the schema view touches no database). Not from_fixture: its lazy
# loader relies on a pytest internal (Node._nodeid) that pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, world, editor_token):
    # The world fixture gives real rows, so lookups, filters and ids hit data.
    case.call_and_validate(headers={"Authorization": f"Token {editor_token}"}, checks=CHECKS)
