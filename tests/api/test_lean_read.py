"""The lean read path (strikes.api.lean): a list page or detail of the default shape reads each
attack's stored JSON. Every request here is answered twice, lean path allowed and refused, and
the two answers must be the same bytes (status, headers, body); other tests show the lean path
really answered (its statement ran, a stored line it alone reads was served) and when it stands
aside (another shape, a snapshot, lines of another declaration)."""

import json
import re

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from strikes.api import lean
from strikes.models import Attack
from tests.api.conftest import client_for

LIST = reverse("api-attack-list")

# Query strings of the list: the default shape (lean) and every parameter that changes the
# shape, the rows or the answer's kind (each must answer as the full path does).
LIST_PARAMS = [
    {},
    {"page_size": "2"},
    {"ordering": "occurred_at"},
    {"ordering": "-killed_best", "page_size": "3"},
    {"oblast": "Kharkiv Oblast"},
    {"munition": "Shahed-136", "occurred_after": "2025-04-01"},
    {"grade": "discounted"},
    {"grade": "single_source,unverified"},
    {"q": "drones"},
    {"fields": "id,event_id_cnty,url"},
    {"fields": "sources,id"},
    {"omit": "sources"},
    {"omit": "figures,munitions"},
    {"figures": "range"},
    {"figures": "conservative"},
    {"as_of": "NOW"},
    {"as_of": "2025-04-24T12:00:00Z"},
    {"format": "geojson", "page_size": "2"},
    {"format": "api"},
    {"count": "on"},
    # Every bad parameter is a documented 4xx either way.
    {"language": "uk"},
    {"fields": "nope"},
    {"figures": "best"},
    {"page_size": "0"},
    {"cursor": "forged"},
    {"grade": ""},
    {"status": "draft"},
    {"as_of": "2999-01-01"},
    {"format": "xml"},
]


def both(client, path, params=None, **headers):
    """The answer with the lean path allowed, and with it refused (the full path). ``as_of=NOW``:
    this moment (the test's attacks were written a moment ago)."""
    params = {k: timezone.now().isoformat() if v == "NOW" else v for k, v in (params or {}).items()}
    lean_answer = client.get(path, params or {}, **headers)
    original = lean.serves
    lean.serves = lambda shape: False
    try:
        full_answer = client.get(path, params or {}, **headers)
    finally:
        lean.serves = original
    return lean_answer, full_answer


# The browsable API's page holds a fresh CSRF token each time (and sets its cookie).
CSRF = re.compile(rb'("csrfToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


def assert_same(a, b):
    assert a.status_code == b.status_code
    if a.get("Content-Type", "").startswith("text/html"):
        assert {k: v for k, v in a.items() if k != "Set-Cookie"} == {k: v for k, v in b.items() if k != "Set-Cookie"}
        assert CSRF.sub(rb"\1-", a.content) == CSRF.sub(rb"\1-", b.content)
        return
    assert dict(a.items()) == dict(b.items())
    assert a.content == b.content


@pytest.mark.parametrize("params", LIST_PARAMS, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none")
def test_list_answers_as_the_full_path(anon, world, params):
    a, b = both(anon, LIST, params)
    assert_same(a, b)


def test_every_page_of_a_paged_list_answers_as_the_full_path(anon, world):
    params, pages = {"page_size": "2"}, 0
    path = LIST
    while path:
        a, b = both(anon, path, params)
        assert_same(a, b)
        pages += 1
        path, params = a.json()["next"], None
        if path:
            # Backwards from here too: the previous link of the next page.
            back = anon.get(path).json()["previous"]
            assert_same(*both(anon, back))
    assert pages == 3  # five published attacks, two a page


def test_staff_list_answers_as_the_full_path(world, editor):
    staff = client_for(editor)
    for params in ({}, {"status": "draft,retracted"}, {"grade": "discounted", "page_size": "1"}):
        assert_same(*both(staff, LIST, params))


@pytest.mark.parametrize("key", ["a1", "a2", "a3", "a4", "a5", "a6", "a7"])
@pytest.mark.parametrize(
    "params",
    [{}, {"fields": "id,url"}, {"omit": "sources"}, {"figures": "range"}, {"as_of": "NOW"}, {"format": "api"}],
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "none",
)
def test_detail_answers_as_the_full_path(anon, world, key, params):
    """Published (200), a draft (404) and a retraction (410): the same answer either way."""
    assert_same(*both(anon, reverse("api-attack-detail", args=[world.attacks[key].pk]), params))


@pytest.mark.parametrize("pk", ["0", "99999999", "abc", "1.5", "9" * 30])
def test_detail_of_no_attack_answers_as_the_full_path(anon, world, pk):
    a, b = both(anon, reverse("api-attack-detail", args=[pk]))
    assert a.status_code == 404
    assert_same(a, b)


@pytest.mark.parametrize("params", [{"ordering": "x"}, {"fields": "id", "oblast": "1"}, {"figures": ""}])
def test_bad_detail_parameters_answer_as_the_full_path(anon, world, params):
    a, b = both(anon, reverse("api-attack-detail", args=[world.attacks["a1"].pk]), params)
    assert a.status_code == 400
    assert_same(a, b)


def test_staff_detail_of_a_draft_answers_as_the_full_path(world, editor):
    staff = client_for(editor)
    a, b = both(staff, reverse("api-attack-detail", args=[world.attacks["a5"].pk]))
    assert a.status_code == 200
    assert_same(a, b)


def test_a_line_separator_is_escaped_as_the_renderer_escapes_it(anon, world):
    a1 = world.attacks["a1"]
    Attack.objects.filter(pk=a1.pk).update(description="one\u2028two\u2029three")
    a, b = both(anon, reverse("api-attack-detail", args=[a1.pk]))
    assert b'"description":"one\\u2028two\\u2029three"' in a.content
    assert_same(a, b)


def lean_statements(queries) -> list[str]:
    return [q["sql"] for q in queries if "strikes_attackexport e" in q["sql"]]


def mark_stored_line(attack) -> None:
    """``attack``'s stored line changed behind the triggers' back (its description 'MARK'):
    only a read of the stored lines shows it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        cursor.execute(
            "UPDATE strikes_attackexport SET feature_tail = replace(feature_tail, 'Drones hit a substation.', 'MARK')"
            " WHERE attack_id = %s",
            [attack.pk],
        )


def test_default_shape_reads_the_stored_line(anon, world):
    """The lean path answers: a stored line it alone reads (altered here behind the triggers'
    back) is what the detail and the list show."""
    a2 = world.attacks["a2"]
    mark_stored_line(a2)
    detail = anon.get(reverse("api-attack-detail", args=[a2.pk]))
    assert detail.json()["description"] == "MARK"
    rows = {row["id"]: row for row in anon.get(LIST).json()["results"]}
    assert rows[a2.pk]["description"] == "MARK"
    # Any other shape computes: the attack as it is.
    rows = {row["id"]: row for row in anon.get(LIST, {"omit": "sources"}).json()["results"]}
    assert rows[a2.pk]["description"] == "Drones hit a substation."


def test_the_detail_is_one_statement_and_the_list_page_one(anon, world):
    with CaptureQueriesContext(connection) as detail:
        assert anon.get(reverse("api-attack-detail", args=[world.attacks["a1"].pk])).status_code == 200
    # The flush (a test runs in a transaction: what the commit would do), then the one statement.
    assert detail.captured_queries[0]["sql"] == "SELECT strikes_attackexport_flush()"
    assert len(detail.captured_queries) == 2
    assert len(lean_statements(detail.captured_queries)) == 1
    with CaptureQueriesContext(connection) as page:
        assert anon.get(LIST).status_code == 200
    assert len(page.captured_queries) == 2
    assert len(lean_statements(page.captured_queries)) == 1


@pytest.mark.parametrize("params", [{"fields": "id,sources"}, {"figures": "range"}, {"as_of": "NOW"}])
def test_other_shapes_do_not_read_stored_lines(anon, world, params):
    params = {k: timezone.now().isoformat() if v == "NOW" else v for k, v in params.items()}
    with CaptureQueriesContext(connection) as queries:
        assert anon.get(LIST, params).status_code == 200
        assert anon.get(reverse("api-attack-detail", args=[world.attacks["a1"].pk]), params).status_code == 200
    assert lean_statements(queries.captured_queries) == []


def test_a_write_in_the_same_transaction_is_seen(anon, world):
    """The stored lines are refreshed at commit; a reader inside the writing transaction
    brings them up to date first, so it never reads the line from before its own write."""
    a4 = world.attacks["a4"]
    a4.description = "Edited"
    a4.save()
    assert anon.get(reverse("api-attack-detail", args=[a4.pk])).json()["description"] == "Edited"
    rows = {row["id"]: row for row in anon.get(LIST).json()["results"]}
    assert rows[a4.pk]["description"] == "Edited"


def test_lines_of_another_declaration_are_not_served(anon, world):
    """Lines written by another version of the declaration (its hash on the refresh function
    differs) are never shown: the full path computes, the same bytes as always."""
    a2 = world.attacks["a2"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT strikes_attackexport_flush()")
        cursor.execute(
            "UPDATE strikes_attackexport SET feature_tail = replace(feature_tail, 'Drones', 'STALE')"
            " WHERE attack_id = %s",
            [a2.pk],
        )
        cursor.execute("COMMENT ON FUNCTION strikes_attackexport_refresh(bigint[]) IS 'another declaration'")
    detail = anon.get(reverse("api-attack-detail", args=[a2.pk]))
    assert detail.json()["description"] == "Drones hit a substation."
    rows = {row["id"]: row for row in json.loads(anon.get(LIST).content)["results"]}
    assert rows[a2.pk]["description"] == "Drones hit a substation."
    assert_same(detail, both(anon, reverse("api-attack-detail", args=[a2.pk]))[1])


def test_the_detail_compiled_once_answers_each_id_and_each_reader(anon, world, editor):
    """The detail's SQL is compiled once per kind of reader and reused with each request's id
    (strikes.api.lean.detail_by_id): attacks and readers in turn, each answer is that attack's,
    as that reader may see it."""
    staff = client_for(editor)
    lean._DETAIL_SQL.clear()

    def detail(client, key):
        return client.get(reverse("api-attack-detail", args=[world.attacks[key].pk]))

    for _ in range(2):
        assert detail(anon, "a1").json()["id"] == world.attacks["a1"].pk
        assert detail(anon, "a5").status_code == 404  # a draft
        assert detail(staff, "a5").json()["id"] == world.attacks["a5"].pk
        assert detail(anon, "a2").json()["id"] == world.attacks["a2"].pk
        assert detail(staff, "a1").json()["id"] == world.attacks["a1"].pk
    assert len(lean._DETAIL_SQL) == 2  # once for the public, once for staff


def test_a_lean_page_reads_its_moments_exactly_and_leaves_the_connection_as_it_was(world):
    """The page's cursor reads each sort key as text and parses it (``LeanRowIterable``): the
    moments equal the ORM's, and the connection's own loader is untouched (a later query on it
    still gets datetimes, not text)."""
    queryset = Attack.objects.filter(status="published").order_by("-occurred_at", "-id")
    queryset = queryset.annotate(sort_key=models.F("occurred_at"))
    page = list(lean.rows(queryset, ("http://testserver/api/v1/attacks/", "/"))[:10])
    expected = list(queryset.values_list("id", "occurred_at")[:10])
    assert [(row.id, row.sort_key) for row in page] == expected
    assert all(row.sort_key.tzinfo is not None for row in page)
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        assert isinstance(cursor.fetchone()[0], timezone.datetime)
