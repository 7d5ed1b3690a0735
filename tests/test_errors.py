"""Errors a user or a script meets: JSON under /api/, pages elsewhere, never a traceback."""

import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/claims/0.5/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_page_is_a_page_with_a_way_back(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "text/html" in response["Content-Type"]
    assert b"back to the map" in response.content
