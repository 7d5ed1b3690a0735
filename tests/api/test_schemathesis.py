"""Schemathesis against the OpenAPI schema, in-process through the WSGI app.

Every operation gets generated requests (valid and invalid) as each kind of client:
anonymous, a researcher, an analyst and an editor, the last three with a token (so the
write endpoints are exercised, on the test database thrown away after each example). No
response may be a 5xx, and every response must match the schema: a documented status code,
content type, headers and body. A fixed seed and bounded examples keep the run repeatable
and to a few minutes.
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


ROLES = ["anonymous", "researcher", "analyst", "editor"]


@pytest.fixture
def credentials(request, db):
    """The Authorization header of the role under test (none for anonymous)."""
    if request.param == "anonymous":
        return {}
    user = request.getfixturevalue(request.param)
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


# Loaded at collection (the schema view touches no database). Not from_fixture: its lazy
# loader relies on a pytest internal (Node._nodeid) that pytest 9 no longer has.
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.mark.parametrize("credentials", ROLES, indirect=True)
@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
    derandomize=True,  # the fixed seed: the same examples every run
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, world, credentials):
    # The world fixture gives real rows, so lookups, filters and ids hit data.
    case.call_and_validate(headers=credentials, checks=CHECKS)
