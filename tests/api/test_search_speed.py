"""Full text ordered by date walks one word's postings (``strikes.search``, migration 0012).

The answers must be exactly those of the plain ``search_vector @@ websearch_to_tsquery(...)``:
the same rows, in date order, across pages, with filters; and the postings must follow every
change of an attack's words or date. Every expected list below is read off the table in
``library``'s docstring by hand.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strikes import search
from strikes.models import Attack
from strikes.services import attack_search_refresh
from tests.factories import AttackFactory, PlaceFactory

KYIV = ZoneInfo("Europe/Kyiv")
URL = "api-attack-list"


def day(n: int) -> dt.datetime:
    return dt.datetime(2025, 1, n, 12, 0, tzinfo=KYIV)


@pytest.fixture
def library(db):
    """Nine attacks, one per day of January 2025 (s1 on the 1st ... s9 on the 9th):

    ===  =========  =========  ==========  ===============================================
    key  oblast     status     grade       description
    ===  =========  =========  ==========  ===============================================
    s1   Kharkiv    published  (default)   A school was hit by a drone.
    s2   Kharkiv    published  (default)   Drone debris fell near a kindergarten.
    s3   Odesa      published  (default)   A missile struck a school and a kindergarten.
    s4   Odesa      published  (default)   A school bus was hit on the road.
    s5   Kharkiv    published  (default)   Shelling of a hospital.
    s6   Kharkiv    draft      (default)   A school was damaged.
    s7   Odesa      published  discounted  The school gym burned.
    s8   Odesa      published  (default)   Drones hit the bus station next to the school.
    s9   Kharkiv    published  (default)   A bus carrying pupils was hit.
    ===  =========  =========  ==========  ===============================================

    Public and searchable by default: s1-s5, s8, s9 (s6 is a draft, s7 discounted).
    "school" is in s1 s3 s4 s6 s7 s8; the phrase "school bus" only in s4 (s8 has "bus
    station next to the school").
    """
    kharkiv = PlaceFactory(name="Kharkiv Oblast", kind="oblast")
    odesa = PlaceFactory(name="Odesa Oblast", kind="oblast")
    rows = [
        ("s1", kharkiv, "published", None, "A school was hit by a drone."),
        ("s2", kharkiv, "published", None, "Drone debris fell near a kindergarten."),
        ("s3", odesa, "published", None, "A missile struck a school and a kindergarten."),
        ("s4", odesa, "published", None, "A school bus was hit on the road."),
        ("s5", kharkiv, "published", None, "Shelling of a hospital."),
        ("s6", kharkiv, "draft", None, "A school was damaged."),
        ("s7", odesa, "published", "discounted", "The school gym burned."),
        ("s8", odesa, "published", None, "Drones hit the bus station next to the school."),
        ("s9", kharkiv, "published", None, "A bus carrying pupils was hit."),
    ]
    attacks = {}
    for n, (key, place, status, grade, text) in enumerate(rows, start=1):
        extra = {"grade": grade} if grade else {}
        attacks[key] = AttackFactory(occurred_at=day(n), place=place, status=status, description=text, **extra)
    attack_search_refresh(attack_ids=[a.pk for a in attacks.values()])
    return attacks


def keys(library, response) -> list[str]:
    assert response.status_code == 200, response.content
    by_id = {a.pk: key for key, a in library.items()}
    return [by_id[row["id"]] for row in response.json()["results"]]


def listed(client, library, **params) -> list[str]:
    return keys(library, client.get(reverse(URL), params))


@pytest.mark.parametrize(
    ("q", "newest_first"),
    [
        ("school", ["s8", "s4", "s3", "s1"]),  # one word: the postings alone
        ("schools", ["s8", "s4", "s3", "s1"]),  # stemmed like the vector
        ("drones", ["s8", "s2", "s1"]),
        ("school kindergarten", ["s3"]),  # two words, both required
        ('"school bus"', ["s4"]),  # a phrase: s8 has both words, not together
        ("school OR hospital", ["s8", "s5", "s4", "s3", "s1"]),  # no required word: plain @@
        ("school -kindergarten", ["s8", "s4", "s1"]),  # negation: only "school" drives
        ("-school", ["s9", "s5", "s2"]),  # nothing required
        ("bus -school", ["s9"]),
        # websearch syntax has no parentheses: kindergarten OR (bus AND school).
        ("(kindergarten OR bus) school", ["s8", "s4", "s3", "s2"]),
        ("the", []),  # only a stop word: matches nothing, as the plain @@
        ("nonexistentword", []),
    ],
)
def test_date_order_gives_the_plain_search_rows(anon, library, q, newest_first):
    assert listed(anon, library, q=q, ordering="-occurred_at") == newest_first
    assert listed(anon, library, q=q, ordering="occurred_at") == newest_first[::-1]
    # The rank order (the default with q) still runs the plain @@ alone: the same rows.
    assert sorted(listed(anon, library, q=q)) == sorted(newest_first)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"oblast": "Odesa Oblast"}, ["s8", "s4", "s3"]),
        ({"oblast": "Kharkiv Oblast"}, ["s1"]),
        ({"occurred_after": "2025-01-02", "occurred_before": "2025-01-05"}, ["s4", "s3"]),
        ({"grade": "discounted"}, ["s7"]),
        ({"oblast": "Odesa Oblast", "grade": "discounted,fair,confirmed"}, ["s7"]),
    ],
)
def test_filters_compose_with_q_in_date_order(anon, library, params, expected):
    assert listed(anon, library, q="school", ordering="-occurred_at", **params) == expected


def test_staff_see_the_draft_in_date_order(library, django_user_model):
    from tests.api.conftest import client_for

    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    assert listed(client_for(admin), library, q="school", ordering="-occurred_at") == ["s8", "s6", "s4", "s3", "s1"]


@pytest.mark.parametrize("q", ["school", "school -kindergarten", "school OR drone"])
def test_pages_follow_the_cursor_without_gaps_or_repeats(anon, library, q):
    expected = {
        "school": ["s8", "s4", "s3", "s1"],
        "school -kindergarten": ["s8", "s4", "s1"],
        "school OR drone": ["s8", "s4", "s3", "s2", "s1"],
    }[q]
    seen, pages = [], 0
    response = anon.get(reverse(URL), {"q": q, "ordering": "-occurred_at", "page_size": 1})
    while True:
        seen += keys(library, response)
        pages += 1
        nxt = response.json()["next"]
        if not nxt:
            break
        response = anon.get(nxt)
    assert seen == expected
    assert pages == len(expected)
    # And back: the previous link of the last page gives the one before it.
    previous = response.json()["previous"]
    assert keys(library, anon.get(previous)) == [expected[-2]]


def test_the_walk_is_used_only_for_date_order(anon, library):
    # The plan is kept per process: a search another test ran first would skip the plan's own
    # queries (one of which counts postings), so which SQL showed depended on test order.
    # Start with none kept, and look only at the statements that read the page.
    search.plan.cache_clear()

    def sql_for(**params) -> str:
        with CaptureQueriesContext(connection) as ctx:
            assert anon.get(reverse(URL), params).status_code == 200
        planning = ("SELECT websearch_to_tsquery", "SELECT w, ")
        return " ".join(q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(planning))

    assert "strikes_attack_term" in sql_for(q="school", ordering="-occurred_at")
    assert "strikes_attack_term" not in sql_for(q="school")  # rank order: every match is ranked
    assert "strikes_attack_term" not in sql_for(q="school", ordering="-killed_best")
    assert "strikes_attack_term" in sql_for(q="school -kindergarten", ordering="-occurred_at")  # one required word
    assert "strikes_attack_term" not in sql_for(q="school OR hospital", ordering="-occurred_at")  # none required
    # Two words expected together in under 200 attacks (4 and 2 of 9 here): the GIN index.
    assert "strikes_attack_term" not in sql_for(q="school kindergarten", ordering="-occurred_at")
    # Another filter: the GIN index intersected with the filter's index, then a small sort.
    assert "strikes_attack_term" not in sql_for(q="school", ordering="-occurred_at", oblast="Odesa Oblast")


def postings() -> set[tuple[str, dt.datetime, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT term, occurred_at, attack_id FROM strikes_attack_term")
        return set(cursor.fetchall())


def test_postings_follow_edits_dates_and_deletes(anon, library):
    s1, s4, s5 = library["s1"], library["s4"], library["s5"]
    assert ("school", s1.occurred_at, s1.pk) in postings()

    # New words: the old ones no longer find it, the new ones do.
    Attack.objects.filter(pk=s1.pk).update(description="A clinic was hit by a drone.")
    attack_search_refresh(attack_ids=[s1.pk])
    assert listed(anon, library, q="school", ordering="-occurred_at") == ["s8", "s4", "s3"]
    assert listed(anon, library, q="clinic", ordering="-occurred_at") == ["s1"]

    # A new date moves it in the order (s4 on 9 February: now the newest).
    Attack.objects.filter(pk=s4.pk).update(occurred_at=dt.datetime(2025, 2, 9, tzinfo=KYIV))
    assert listed(anon, library, q="school", ordering="-occurred_at") == ["s4", "s8", "s3"]

    # An update of other columns leaves the postings as they were.
    before = postings()
    Attack.objects.filter(pk=s5.pk).update(killed_best=3)
    assert postings() == before

    library["s8"].delete()
    assert listed(anon, library, q="school", ordering="-occurred_at") == ["s4", "s3"]
    # The table holds exactly every attack's lexemes on its date, once each, nothing stale.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT lexeme, a.occurred_at, a.id FROM strikes_attack a"
            " CROSS JOIN LATERAL unnest(tsvector_to_array(a.search_vector)) AS lexeme"
        )
        assert postings() == set(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM strikes_attack_term")
        assert cursor.fetchone()[0] == len(postings())
    assert ("school", s1.occurred_at, s1.pk) not in postings()


@pytest.mark.parametrize(
    ("printed", "required"),
    [
        ("'school'", {"school"}),
        ("'school' & 'kindergarten'", {"school", "kindergarten"}),
        ("'school' <-> 'bus'", {"school", "bus"}),
        ("'school' | 'hospit'", set()),
        ("'school' & !'kindergarten'", {"school"}),
        ("!'school'", set()),
        ("( 'kindergarten' | 'bus' ) & 'school'", {"school"}),
        ("'a' <-> 'b' | 'a' & 'c'", {"a"}),  # phrase binds tighter than &, & tighter than |
        ("'it''s'", {"it's"}),
        ("'school':*", set()),  # a prefix is no exact posting
        ("", set()),
    ],
)
def test_required_words(printed, required):
    assert search.required(search.parse(printed)) == required


def test_odd_queries_answer_like_the_plain_search(anon, library):
    """Text PostgreSQL's websearch parser reads oddly is answered (never a 500), with the rows
    the rank order (the plain @@) gives."""
    for q in ["'", "!!!", "((school", "school <-> bus", "-", '"', "school:*", "a & | b", "school''s"]:
        by_date = listed(anon, library, q=q, ordering="-occurred_at")
        assert sorted(by_date) == sorted(listed(anon, library, q=q)), q


def test_as_of_keeps_the_plain_search(anon, library):
    """An ``as_of`` snapshot's dates may differ from today's postings: it searches the snapshot
    with the plain @@ (same rows, no postings read)."""
    from django.utils import timezone

    with CaptureQueriesContext(connection) as ctx:
        then = listed(anon, library, q="school", ordering="-occurred_at", as_of=timezone.now().isoformat())
    assert then == ["s8", "s4", "s3", "s1"]
    assert not any("strikes_attack_term" in q["sql"] for q in ctx.captured_queries)


def test_a_tsquery_the_parser_cannot_read_falls_back_to_the_plain_search(anon, library, monkeypatch):
    def unreadable(text):
        raise search.QuerySyntaxError("a form this parser does not know")

    expected = sorted(listed(anon, library, q="school"))  # rank order: the plain @@
    search.plan.cache_clear()
    monkeypatch.setattr(search, "parse", unreadable)
    assert sorted(listed(anon, library, q="school", ordering="-occurred_at")) == expected
    assert search.plan("school") == search.Plan(None)
    search.plan.cache_clear()
