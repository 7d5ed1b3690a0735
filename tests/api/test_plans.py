"""The lean list page's statement planned once per request shape (strikes.api.plans).

Every request here is asked in pairs of the same shape with different values, the first
planning the shape and the second bound to the plan, and each answer must be the bytes the
unplanned path gives (the plans refused). Other tests show a plan really answered, and that a
value a filter transforms without saying so, or full text, leaves the request unplanned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from strikes.api import lean, plans
from strikes.choices import TargetType
from strikes.filtersets import AttackFilterSet
from tests.api.conftest import client_for, result_ids
from tests.api.test_lean_read import assert_same, mark_stored_line

LIST = reverse("api-attack-list")

# Pairs of requests of one shape (the same filters, values of the same kinds) whose answers differ.
SAME_SHAPE = [
    ({"oblast": "Kharkiv Oblast"}, {"oblast": "Odesa Oblast"}),
    ({"oblast": "Kharkiv Oblast,Odesa Oblast"}, {"oblast": "Kyiv City,Odesa Oblast"}),
    ({"munition": "Shahed-136"}, {"munition": "Kh-101"}),
    (
        {"occurred_after": "2025-04-24", "occurred_before": "2025-04-24"},
        {"occurred_after": "2025-03-01", "occurred_before": "2025-03-31"},
    ),
    ({"occurred_after": "2025-04-24T00:00:00+03:00"}, {"occurred_after": "2025-04-24T23:00:00+03:00"}),
    ({"occurred_before": "2025-04-24T23:00:00+03:00"}, {"occurred_before": "2025-04-25T01:00:00+03:00"}),
    ({"origin_country": "Iran"}, {"origin_country": "RUSSIA"}),
    ({"origin_country": "iran"}, {"origin_country": "north korea"}),
    ({"munition_category": "attack_drone"}, {"munition_category": "cruise_missile"}),
    ({"target_type": "energy"}, {"target_type": "residential"}),
    ({"grade": "discounted"}, {"grade": "single_source,unverified"}),
    ({"killed_min": "2", "killed_max": "12"}, {"killed_min": "1", "killed_max": "1"}),
    ({"killed_min": "2", "injured_min": "2"}, {"killed_min": "5", "injured_min": "90"}),
    ({"bbox": "36,49,37,50"}, {"bbox": "30,46,31,47"}),
    ({"place": "Kyiv"}, {"place": "Kharkiv"}),
    (
        {"ordering": "occurred_at", "page_size": "1", "oblast": "Kharkiv Oblast"},
        {"ordering": "occurred_at", "page_size": "1", "oblast": "Odesa Oblast"},
    ),
    ({"ordering": "-updated_at", "oblast": "Kharkiv Oblast"}, {"ordering": "-updated_at", "oblast": "Kyiv City"}),
    ({"geo_precision_max": "2"}, {"geo_precision_max": "5"}),
]


def unplanned(client, params=None, path=LIST):
    """The answer with the plans refused (the unplanned path)."""
    original = plans.page_rows
    plans.page_rows = lambda *args: None
    try:
        return client.get(path, params)
    finally:
        plans.page_rows = original


@pytest.fixture(autouse=True)
def _no_plans():
    """Each test plans its shapes itself (plans of other tests' shapes would answer theirs)."""
    plans._PLANS.clear()
    yield
    plans._PLANS.clear()


def planned_shapes() -> int:
    return sum(isinstance(plan, plans.Plan) for entry in plans._PLANS.values() for plan in entry.values())


@pytest.mark.parametrize("first,second", SAME_SHAPE, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()))
def test_a_planned_shape_answers_each_request_as_the_unplanned_path(anon, world, first, second):
    answers = [anon.get(LIST, first), anon.get(LIST, second), anon.get(LIST, first)]
    assert planned_shapes() == 1  # the second and third requests were bound to the first's plan
    assert answers[0].content != answers[1].content  # the values, not the plan, chose the rows
    for params, answer in zip([first, second, first], answers, strict=True):
        assert_same(answer, unplanned(anon, params))


def test_every_page_forwards_and_back_answers_as_the_unplanned_path(anon, world):
    path, params, pages = LIST, {"page_size": "2"}, 0
    while path:
        answer = anon.get(path, params)
        assert_same(answer, unplanned(anon, params, path))
        pages += 1
        path, params = answer.json()["next"], None
        if path:
            back = anon.get(path).json()["previous"]
            assert_same(anon.get(back), unplanned(anon, path=back))
    assert pages == 3  # five published attacks, two a page
    # One plan per window: the first page, forward past a cursor, backward before one.
    assert planned_shapes() == 3


def test_staff_and_public_shapes_are_planned_apart(anon, world, editor):
    staff = client_for(editor)
    public = anon.get(LIST, {"oblast": "Kyiv City"})
    inside = staff.get(LIST, {"oblast": "Kyiv City"})
    assert world.attacks["a5"].pk in result_ids(inside)  # the draft, for staff only
    assert world.attacks["a5"].pk not in result_ids(public)
    assert_same(public, unplanned(anon, {"oblast": "Kyiv City"}))
    assert_same(inside, unplanned(staff, {"oblast": "Kyiv City"}))


def test_a_planned_page_is_one_statement(anon, world):
    anon.get(LIST, {"munition": "Shahed-136"})
    with CaptureQueriesContext(connection) as queries:
        assert anon.get(LIST, {"munition": "Kh-101"}).status_code == 200
    lean_statements = [q["sql"] for q in queries.captured_queries if "strikes_attackexport e" in q["sql"]]
    assert len(lean_statements) == 1
    # The munition's id checked, the stored lines flushed (a test runs in a transaction), the page.
    assert len(queries.captured_queries) == 3


def test_a_value_transformed_unsaid_leaves_the_request_unplanned(anon, world, monkeypatch):
    """origin_country is compared lowered; with the lowering not declared to the planner its
    plan would bind the value as given ("IRAN" would match nothing): the two statements built
    to plan it disagree on that parameter, so the shape is built per request."""
    monkeypatch.setattr(AttackFilterSet, "plan_values", lambda self, name, value: ())
    for country in ("iran", "IRAN"):
        answer = anon.get(LIST, {"origin_country": country})
        assert result_ids(answer) == world.ids("a1", "a2", "a4")
        assert_same(answer, unplanned(anon, {"origin_country": country}))
    assert planned_shapes() == 0
    assert [plan for entry in plans._PLANS.values() for key, plan in entry.items() if key != "keys"] == [None]


def test_a_boolean_is_part_of_the_shape(anon, world):
    """disputed=true and =false are different SQL (the column, or NOT the column): two plans."""
    for value in ("true", "false", "true"):
        assert_same(anon.get(LIST, {"disputed": value}), unplanned(anon, {"disputed": value}))
    assert planned_shapes() == 2


def test_a_sort_key_read_through_a_converter_is_not_planned(anon, world):
    """ordering=killed_best sorts on a Coalesce, which Django reads through a converter: the
    lean page takes Django's own iteration for it, planned or not."""
    for low in ("1", "2"):
        params = {"ordering": "killed_best", "killed_min": low}
        assert_same(anon.get(LIST, params), unplanned(anon, params))
    assert planned_shapes() == 0


@pytest.mark.parametrize(
    "first,second",
    [
        ({"q": "drones", "ordering": "-occurred_at"}, {"q": "substation", "ordering": "-occurred_at"}),  # a walk
        (
            {"q": "drones", "ordering": "occurred_at", "oblast": "Kharkiv Oblast"},
            {"q": "kharkiv", "ordering": "occurred_at", "oblast": "Kharkiv Oblast"},
        ),
    ],
    ids=["walk", "filtered"],
)
def test_full_text_is_planned_by_its_search_plan(anon, world, first, second):
    answers = [anon.get(LIST, first), anon.get(LIST, second)]
    assert planned_shapes() == 1
    assert answers[0].content != answers[1].content
    for params, answer in zip([first, second], answers, strict=True):
        assert_same(answer, unplanned(anon, params))


def test_a_ranked_search_is_not_planned(anon, world):
    """Ranked (q without ordering) sorts on a rank Django reads through a converter: the lean
    page takes Django's own iteration for it, as for ordering=killed_best."""
    for text in ("drones", "substation"):
        assert_same(anon.get(LIST, {"q": text}), unplanned(anon, {"q": text}))
    assert planned_shapes() == 0


def test_a_search_walking_another_word_binds_that_word(anon, world):
    """Both walk their required word's postings beside the whole @@ (one shape), but not the
    same word: the word is a value derived from the text, bound per request. (A change at the
    text's end alone left "drones" the word to walk: the plan took it for a constant and
    answered "strike -drones" from the drones' postings, nothing.)"""
    first = {"q": "drones -substation", "ordering": "-occurred_at"}
    second = {"q": "strike -drones", "ordering": "-occurred_at"}
    answers = [anon.get(LIST, first), anon.get(LIST, second)]
    assert planned_shapes() == 1
    assert result_ids(answers[1]) == world.ids("a7")
    for params, answer in zip([first, second], answers, strict=True):
        assert_same(answer, unplanned(anon, params))


def test_searches_walked_differently_are_different_shapes(anon, world):
    """One word walks its postings alone; a word and a negated one walks them with the whole
    @@ beside: two statements, two plans, each answering as the unplanned path."""
    for text in ("drones", "drones -substation", "kharkiv"):
        params = {"q": text, "ordering": "-occurred_at"}
        assert_same(anon.get(LIST, params), unplanned(anon, params))
    assert planned_shapes() == 2


def test_bad_values_are_refused_before_any_plan(anon, world):
    for params in ({"oblast": "Atlantis"}, {"page_size": "0"}, {"cursor": "forged"}, {"occurred_after": "soon"}):
        answer = anon.get(LIST, params)
        assert answer.status_code == 400
        assert_same(answer, unplanned(anon, params))
    assert planned_shapes() == 0


def test_the_plan_binds_the_stored_lines_parameters_per_request(anon, world):
    """The url's host and the lines' version are values, not part of the plan: another host
    links to itself, and lines of another declaration are not read (the live path answers)."""
    mark_stored_line(world.attacks["a2"])  # only the lean path reads it
    first = anon.get(LIST)
    other_host = anon.get(LIST, HTTP_HOST="localhost")
    assert planned_shapes() == 1
    assert b"MARK" in first.content and b"MARK" in other_host.content
    assert b"http://localhost/api/v1/attacks/" in other_host.content
    assert b"http://localhost/" not in first.content
    original = lean.body_params
    lean.body_params = lambda url: (original(url)[0], "another declaration", *original(url)[2:])
    try:
        stale = anon.get(LIST)
    finally:
        lean.body_params = original
    assert planned_shapes() == 1
    assert b"MARK" not in stale.content
    assert b"Drones hit a substation." in stale.content


def test_ids_of_two_filters_are_found_in_one_statement(anon, world):
    params = {"oblast": str(world.places["kharkiv_oblast"].pk), "munition": str(world.munitions["shahed"].pk)}
    with CaptureQueriesContext(connection) as queries:
        answer = anon.get(LIST, params)
    assert result_ids(answer) == world.ids("a2")  # Kharkiv Oblast and a Shahed: not a3's Kh-101
    checks = [q["sql"] for q in queries.captured_queries if "unnest" in q["sql"]]
    assert len(checks) == 1
    assert " UNION ALL " in checks[0]
    # The check, the flush (a test runs in a transaction), the page.
    assert len(queries.captured_queries) == 3


@pytest.mark.parametrize(
    "params,parameter,detail",
    [
        ({"munition": "999999", "oblast": "999998"}, "oblast", "No oblast matches 999998."),
        ({"munition": "999999,{shahed}", "oblast": "{kharkiv_oblast}"}, "munition", "No munition matches 999999."),
        ({"oblast": "{kharkiv},{kharkiv_oblast}"}, "oblast", "No oblast matches {kharkiv}."),  # a city is no oblast
        ({"occurred_after": "soon", "oblast": "999998"}, "occurred_after", "Use an ISO 8601 date"),
        # A later parameter's error, found while cleaning, still comes after the oblast's.
        ({"munition_category": "bogus", "oblast": "999998"}, "oblast", "No oblast matches 999998."),
    ],
)
def test_ids_not_found_are_named_by_their_parameter(anon, world, params, parameter, detail):
    ids = {**{k: v.pk for k, v in world.places.items()}, **{k: v.pk for k, v in world.munitions.items()}}
    params = {k: v.format(**ids) for k, v in params.items()}
    answer = anon.get(LIST, params)
    assert answer.status_code == 400
    assert answer.json()["parameter"] == parameter
    assert detail.format(**ids) in answer.json()["detail"]
    assert planned_shapes() == 0


def test_a_shape_whose_values_cannot_all_be_changed_is_built_per_request(anon, world):
    """Planning changes each value by a little more than the last: fourteen values before a
    moment in 9998 push it past year 9999, where no moment goes. That shape is built per request,
    and its answer is the unplanned path's, never a 500."""
    params = {
        "oblast": "Kyiv City,Kharkiv Oblast,Odesa Oblast",
        "munition": "KN-23,Shahed-136,Kh-101",
        "munition_category": "ballistic_missile,attack_drone,cruise_missile",
        "target_type": "residential,energy,transport,unknown",
        "updated_since": "9998-12-31",
    }
    answer = anon.get(LIST, params)
    assert answer.status_code == 200
    assert answer.json()["results"] == []
    assert_same(answer, unplanned(anon, params))
    assert planned_shapes() == 0


def test_plans_kept_are_bounded_whatever_the_requests(anon, world, monkeypatch):
    """A client varying page_size (a window each) cannot grow the plans without end: past
    MAX_PLANS they are dropped and made again, and every answer stays the unplanned one."""
    monkeypatch.setattr(plans, "MAX_PLANS", 5)
    for size in range(1, 13):
        params = {"page_size": str(size), "oblast": "Kharkiv Oblast"}
        assert_same(anon.get(LIST, params), unplanned(anon, params))
        assert sum(len(entry) for entry in plans._PLANS.values()) <= 5
    # Shapes refused by their page size (a 400 after the shape's entry is made) count too.
    for size in range(1, len(TargetType.values) + 1):
        params = {"page_size": "0", "target_type": ",".join(TargetType.values[:size])}  # a shape each
        answer = anon.get(LIST, params)
        assert answer.status_code == 400
        assert answer.json()["parameter"] == "page_size"
        assert sum(len(entry) for entry in plans._PLANS.values()) <= 5
