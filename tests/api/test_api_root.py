"""/api/v1/: the API root lists every resource with its absolute URL, the schema and the docs."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

# What a newcomer finds at the root, written out by hand: each must answer where it says.
EXPECTED = {
    "attacks": "http://testserver/api/v1/attacks/",
    "timeline": "http://testserver/api/v1/timeline/",
    "map": "http://testserver/api/v1/map/",
    "facets": "http://testserver/api/v1/facets/",
    "weapons": "http://testserver/api/v1/weapons/",
    "waves": "http://testserver/api/v1/waves/",
    "places": "http://testserver/api/v1/places/",
    "munitions": "http://testserver/api/v1/munitions/",
    "articles": "http://testserver/api/v1/articles/",
    "outlets": "http://testserver/api/v1/outlets/",
    "feeds": "http://testserver/api/v1/feeds/",
    "claims": "http://testserver/api/v1/claims/",
    "decisions": "http://testserver/api/v1/decisions/",
    "changes": "http://testserver/api/v1/changes/",
    "releases": "http://testserver/api/v1/releases/",
    "token": "http://testserver/api/v1/token/",
}


def test_the_root_lists_the_resources_with_absolute_urls_for_anyone(anon):
    response = anon.get("/api/v1/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["resources"] == EXPECTED
    assert list(body["resources"]) == list(EXPECTED)  # attacks first, the token last
    assert body["schema"] == "http://testserver/api/v1/schema/"
    assert body["docs"] == "http://testserver/api/docs/"
    assert (body["name"], body["version"]) == ("Strikewatch API", "v1")


def test_every_listed_resource_answers_an_anonymous_reader(anon):
    body = anon.get("/api/v1/").json()
    answers = {}
    for name, url in body["resources"].items():
        path = url.removeprefix("http://testserver")
        query = {"since": "2025-01-01"} if name == "changes" else {}  # changes needs since=
        answers[name] = anon.get(path, query).status_code
    # Feeds are staff business (401: sign in); the token is POST only; nothing is a 404 or a 500.
    assert answers == dict.fromkeys(EXPECTED, 200) | {"feeds": 401, "token": 405}
    assert Client().get(body["docs"].removeprefix("http://testserver")).status_code == 200


def test_the_root_is_in_the_schema(anon):
    schema = anon.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/"]["get"]
    assert operation["summary"] == "API root"
    assert operation.get("parameters", []) == []  # it takes none (fields= would be a 400)
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert response == {"$ref": "#/components/schemas/ApiRoot"}
    assert set(schema["components"]["schemas"]["ApiRoot"]["properties"]) == {
        "name",
        "version",
        "resources",
        "schema",
        "docs",
    }


def test_the_root_refuses_writes_and_unknown_formats_in_json(anon):
    response = anon.post("/api/v1/", {})
    assert response.status_code == 405
    assert response.json()["detail"]
    refused = anon.get("/api/v1/", {"format": "xml"})
    assert refused.status_code == 400
    assert refused.json()["parameter"] == "format"
