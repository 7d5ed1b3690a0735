"""Each attack filter against answers computed by hand from the ``world`` table."""

import pytest
from django.urls import reverse

from tests.api.conftest import client_for, result_ids

pytestmark = pytest.mark.django_db

PUBLIC = ("a1", "a2", "a3", "a4", "a7")


def ids(anon, **params):
    return result_ids(anon.get(reverse("api-attack-list"), params))


def test_anonymous_list_shows_published_attacks_only(anon, world):
    assert ids(anon) == world.ids(*PUBLIC)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # Dates follow the Kyiv calendar: a3 is 21:30 UTC on the 24th but the 25th in Kyiv.
        ({"occurred_after": "2025-04-24"}, ("a1", "a2", "a3")),
        ({"occurred_after": "2025-04-25"}, ("a3",)),
        ({"occurred_before": "2025-04-24"}, ("a1", "a2", "a4", "a7")),
        ({"occurred_after": "2025-04-24", "occurred_before": "2025-04-24"}, ("a1", "a2")),
        ({"occurred_before": "2025-04-24T21:00:00Z"}, ("a1", "a2", "a4", "a7")),
        ({"occurred_before": "2025-04-24T20:29:59Z"}, ("a1", "a4", "a7")),
        ({"occurred_after": "2025-04-24T23:30:00"}, ("a2", "a3")),  # no offset: Kyiv time, inclusive
        ({"occurred_after": "2025-03-01", "occurred_before": "2025-03-31"}, ("a4",)),
    ],
)
def test_date_range(anon, world, params, expected):
    assert ids(anon, **params) == world.ids(*expected)


@pytest.mark.parametrize(
    ("bbox", "expected"),
    [
        ("30.2,50.3,30.8,50.6", ("a1",)),  # Kyiv
        ("36.0,49.8,36.5,50.1", ("a2", "a3")),  # Kharkiv
        ("22,44,41,53", ("a1", "a2", "a3", "a4")),  # Ukraine: a7 has no coordinates
        ("0,0,1,1", ()),
    ],
)
def test_bbox(anon, world, bbox, expected):
    assert ids(anon, bbox=bbox) == world.ids(*expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Kyiv City", ("a1",)),
        ("kharkivska OBLAST", ("a2", "a3")),  # alias, any case
        ("Kyiv City,Odesa Oblast", ("a1", "a4")),
        # ACLED's admin1 and everyday usage name an oblast by its centre: "Kharkiv" alone is
        # the city, but as an oblast filter it can only mean Kharkiv Oblast.
        ("Kharkiv", ("a2", "a3")),
        ("odesa", ("a4",)),
        ("Odessa", ("a4",)),
        ("одеська область", ("a4",)),  # Ukrainian, any case
    ],
)
def test_oblast_by_name_or_alias(anon, world, value, expected):
    assert ids(anon, oblast=value) == world.ids(*expected)


def test_oblast_named_by_nothing_says_which_value(anon, world):
    response = anon.get("/api/v1/attacks/", {"oblast": "Kharkiv,Narnia"})
    assert response.status_code == 400
    assert "Narnia" in str(response.json()) and "Kharkiv," not in str(response.json())


def test_oblast_by_id(anon, world):
    assert ids(anon, oblast=world.places["kharkiv_oblast"].pk) == world.ids("a2", "a3")


def test_oblast_follows_the_place_however_the_attack_was_written(anon, world):
    """The oblast filter reads Attack.oblast, which the database keeps from the place: for
    attacks written by the ORM directly (as importers do), moved, or whose place moves."""
    from strikes.models import Attack, Place

    kharkiv, odesa = world.places["kharkiv_oblast"], world.places["odesa_oblast"]
    a2 = world.attacks["a2"]
    created = Attack.objects.create(
        occurred_at=a2.occurred_at, place=world.places["kharkiv"], status="published", description="Bulk row."
    )
    assert ids(anon, oblast=kharkiv.pk) == world.ids("a2", "a3") | {created.pk}
    # On an oblast itself: that oblast.
    Attack.objects.filter(pk=created.pk).update(place=odesa)
    assert created.pk in ids(anon, oblast=odesa.pk) and created.pk not in ids(anon, oblast=kharkiv.pk)
    # No hand-set oblast survives: it always comes from the place.
    Attack.objects.filter(pk=created.pk).update(oblast=kharkiv)
    assert Attack.objects.get(pk=created.pk).oblast_id == odesa.pk
    # A city moved to another oblast takes its attacks along.
    Place.objects.filter(pk=world.places["kharkiv"].pk).update(oblast=odesa)
    assert ids(anon, oblast=odesa.pk) >= world.ids("a2", "a3")
    assert ids(anon, oblast=kharkiv.pk) == set()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Kyiv", ("a1",)),  # includes its district
        ("kiev", ("a1",)),
        ("Київ", ("a1",)),
        ("Sviatoshynskyi district", ("a1",)),
        ("Kharkiv", ("a2", "a3")),
        ("Kharkiv,Odesa", ("a2", "a3", "a4")),
    ],
)
def test_place_by_name(anon, world, value, expected):
    assert ids(anon, place=value) == world.ids(*expected)


def test_place_by_id(anon, world):
    assert ids(anon, place=world.places["odesa"].pk) == world.ids("a4")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("KN-23", ("a1",)),
        ("hwasong-11", ("a1",)),  # alias, any case
        ("Geran-2", ("a1", "a2", "a4")),
        ("KN-23,Kh-101", ("a1", "a3")),
    ],
)
def test_munition_by_name_or_alias(anon, world, value, expected):
    assert ids(anon, munition=value) == world.ids(*expected)


def test_munition_by_id(anon, world):
    assert ids(anon, munition=world.munitions["kh101"].pk) == world.ids("a3")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"munition_category": "cruise_missile"}, ("a3",)),
        ({"munition_category": "attack_drone,ballistic_missile"}, ("a1", "a2", "a4")),
        ({"origin_country": "iran"}, ("a1", "a2", "a4")),
        ({"origin_country": "North Korea"}, ("a1",)),
        ({"origin_country": "Atlantis"}, ()),
        ({"target_type": "residential"}, ("a1", "a3")),
        ({"target_type": "energy,transport"}, ("a2", "a4")),
        ({"killed_min": 2}, ("a1", "a4")),
        ({"killed_max": 1}, ("a2",)),
        ({"killed_min": 0, "killed_max": 0}, ()),
        ({"killed_min": 1, "killed_max": 2}, ("a2", "a4")),
        ({"injured_min": 10}, ("a1", "a4")),
        ({"injured_min": 88}, ()),
        ({"geo_precision_max": 1}, ("a1",)),
        ({"geo_precision_max": 2}, ("a1", "a3")),
        ({"geo_precision_max": 5}, ("a1", "a2", "a3", "a4")),
        ({"disputed": "true"}, ("a1",)),
        ({"disputed": "false"}, ("a2", "a3", "a4", "a7")),
        ({"status": "published"}, PUBLIC),
    ],
)
def test_attribute_filters(anon, world, params, expected):
    assert ids(anon, **params) == world.ids(*expected)


def test_filters_combine_with_and(anon, world):
    assert ids(anon, occurred_after="2025-04-01", munition="Shahed-136", killed_min=1) == world.ids("a1", "a2")


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("drones", ("a1", "a2", "a4")),  # stemmed: a1's "drone strike" matches too
        ("dormitory", ("a3",)),
        ("Sviatoshynskyi", ("a1",)),  # only in an article text
        ("components", ("a1",)),  # only in an article text
        ('"cruise missile"', ("a3",)),
        ("missile -cruise", ("a1",)),
        ("nonexistentword", ()),
    ],
)
def test_full_text(anon, world, q, expected):
    assert ids(anon, q=q) == world.ids(*expected)


def test_full_text_ranks_description_above_article_text(anon, world):
    """'missile' is in a1's description (weight A) and a3's (A); 'ballistic' only in a1's article text (C)."""
    rows = anon.get(reverse("api-attack-list"), {"q": "ballistic OR dormitory"}).json()["results"]
    assert [r["id"] for r in rows] == [world.attacks["a3"].pk, world.attacks["a1"].pk]


def test_updated_since(anon, world):
    from strikes.models import Attack

    later = world.attacks["a4"].updated_at
    Attack.objects.filter(pk__in=world.ids("a1", "a2", "a3", "a7")).update(updated_at=later.replace(year=2000))
    assert ids(anon, updated_since=later.isoformat()) == world.ids("a4")


# --- status: staff only ---


def test_staff_see_every_status_by_default(world, analyst):
    assert ids(client_for(analyst)) == world.ids("a1", "a2", "a3", "a4", "a5", "a6", "a7")


@pytest.mark.parametrize(
    ("status", "expected"), [("draft", ("a5",)), ("retracted", ("a6",)), ("draft,retracted", ("a5", "a6"))]
)
def test_staff_filter_by_status(world, editor, status, expected):
    assert ids(client_for(editor), status=status) == world.ids(*expected)


@pytest.mark.parametrize("status", ["draft", "retracted", "published,draft"])
def test_non_staff_asking_for_unpublished_get_400(anon, researcher, world, status):
    for client in (anon, client_for(researcher)):
        response = client.get(reverse("api-attack-list"), {"status": status})
        assert response.status_code == 400
        assert response.json()["parameter"] == "status"


# --- ordering ---


def _order(anon, **params):
    return [r["id"] for r in anon.get(reverse("api-attack-list"), params).json()["results"]]


def test_default_order_is_newest_first(anon, world):
    a = world.attacks
    assert _order(anon) == [a[k].pk for k in ("a3", "a2", "a1", "a4", "a7")]


def test_order_by_occurrence_ascending(anon, world):
    a = world.attacks
    assert _order(anon, ordering="occurred_at") == [a[k].pk for k in ("a7", "a4", "a1", "a2", "a3")]


def test_order_by_toll_puts_unknown_tolls_last(anon, world):
    a = world.attacks
    order = _order(anon, ordering="-killed_best")
    assert order[:3] == [a["a1"].pk, a["a4"].pk, a["a2"].pk]
    # a3 and a7 have no published toll: last, ties broken by id (descending like the key).
    assert order[3:] == sorted([a["a3"].pk, a["a7"].pk], reverse=True)


def test_order_by_toll_ascending_puts_unknown_first(anon, world):
    a = world.attacks
    assert _order(anon, ordering="killed_best")[2:] == [a["a2"].pk, a["a4"].pk, a["a1"].pk]


def test_order_by_update_time(anon, world):
    from strikes.models import Attack

    a = world.attacks
    for offset, key in enumerate(("a4", "a7", "a1", "a3", "a2")):
        Attack.objects.filter(pk=a[key].pk).update(updated_at=a["a1"].updated_at.replace(year=2020 + offset))
    assert _order(anon, ordering="updated_at") == [a[k].pk for k in ("a4", "a7", "a1", "a3", "a2")]
    assert _order(anon, ordering="-updated_at") == [a[k].pk for k in ("a2", "a3", "a1", "a7", "a4")]


def test_requests_in_turn_are_each_validated_on_their_own(anon, world):
    """The filter form's class is built once per filterset (config.api.FilterSet); each request
    still gets its own form: an error, a good value and another error in turn each answer for
    themselves."""
    url = reverse("api-attack-list")
    first = anon.get(url, {"oblast": "Atlantis"})
    assert first.status_code == 400
    assert first.json()["parameter"] == "oblast"
    assert ids(anon, oblast="Kharkiv") == world.ids("a2", "a3")
    second = anon.get(url, {"munition": "Nope-1", "occurred_after": "2025-04-24"})
    assert second.status_code == 400
    assert second.json()["parameter"] == "munition"
    assert ids(anon, occurred_after="2025-04-25") == world.ids("a3")


@pytest.mark.parametrize("param", ["oblast", "place", "munition"])
def test_an_id_naming_nothing_is_a_400_naming_it_alone(anon, world, param):
    """Ids alone are checked by one statement compiled once (strikes.filtersets._known_ids):
    an unknown id, alone or beside a good one, is named; the good one is not."""
    good = {
        "oblast": world.places["kharkiv_oblast"].pk,
        "place": world.places["kharkiv_oblast"].pk,
        "munition": world.munitions["kh101"].pk,
    }[param]
    for value in ("987654321", f"{good},987654321"):
        response = anon.get(reverse("api-attack-list"), {param: value})
        assert response.status_code == 400
        assert response.json()["parameter"] == param
        assert "987654321" in response.json()["detail"]
        assert str(good) not in response.json()["detail"].replace("987654321", "")
    assert anon.get(reverse("api-attack-list"), {param: str(good)}).status_code == 200
    if param == "oblast":  # a city is a place, not an oblast
        assert anon.get(reverse("api-attack-list"), {param: str(world.places["kharkiv"].pk)}).status_code == 400


@pytest.mark.parametrize("value", ["²", "٣", "8²"])
def test_digits_that_are_not_ascii_are_a_400_not_a_500(anon, world, value):
    """Python calls "²" a digit but int() refuses it: such a value is a name naming nothing."""
    for param in ("oblast", "place", "munition"):
        response = anon.get(reverse("api-attack-list"), {param: value})
        assert response.status_code == 400
        assert response.json()["parameter"] == param


def test_names_ids_and_unknown_values_together(anon, world):
    """Names, aliases and ids mixed in one filter (strikes.filtersets._named_rows and
    _spelling_hits): the good ones all count; the 400 names the unknown ones, ids first."""
    kharkiv_oblast, odesa_oblast = world.places["kharkiv_oblast"], world.places["odesa_oblast"]
    assert ids(anon, oblast=f"kharkivska OBLAST,{odesa_oblast.pk}") == world.ids("a2", "a3", "a4")
    assert ids(anon, munition=f"hwasong-11,{world.munitions['kh101'].pk}") == world.ids("a1", "a3")
    assert ids(anon, oblast="Kharkiv", munition="Geran-2") == world.ids("a2")
    for param, value, message in [
        ("oblast", f"Narnia,Kharkiv,{kharkiv_oblast.pk},987654321", "No oblast matches 987654321, Narnia."),
        ("place", "Kyiv,Atlantis,kiev", "No place matches Atlantis."),
        ("munition", "zzz,KN-23,987654321,hwasong-11", "No munition matches 987654321, zzz."),
    ]:
        response = anon.get(reverse("api-attack-list"), {param: value})
        assert response.status_code == 400
        assert response.json()["parameter"] == param
        assert response.json()["detail"] == f"Invalid value for '{param}': {message}"


def test_each_named_filter_is_one_statement(anon, world):
    """An oblast and a munition named by words: one statement each (the spellings walk their
    index), then the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert ids(anon, oblast="kharkivska OBLAST", munition="Geran-2") == world.ids("a2")
    sqls = [q["sql"] for q in queries.captured_queries]
    assert sum("strikes_placename" in s for s in sqls) == 1
    assert sum('FROM "strikes_munition"' in s for s in sqls) == 1


def _our_filtersets():
    """Every filterset built on config.api.FilterSet (whose form cleans only the filters given)."""
    import importlib

    from config.api import FilterSet

    for module in ("strikes.filtersets", "strikes.queries", "strikes.api.weapons"):  # where they are defined
        importlib.import_module(module)

    found, todo = [], [FilterSet]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls is not FilterSet:
            found.append(cls)
    return found


@pytest.mark.django_db
def test_absent_filters_clean_to_nothing():
    """The form leaves a filter the query string does not give uncleaned (config.api._FilterForm):
    that is only right if cleaning it would give an empty value, which django-filter applies as
    no filter. Held here for every field of every such filterset, so a filter added with a
    default (a checkbox's False, a choice's preset) fails this instead of silently filtering."""
    from django.http import QueryDict
    from django_filters.constants import EMPTY_VALUES

    filtersets = _our_filtersets()
    assert {"AttackFilterSet", "PlaceFilterSet", "MunitionFilterSet", "WaveFilterSet"} <= {
        c.__name__ for c in filtersets
    }
    for cls in filtersets:
        if cls._meta.model is None:  # a base declaring shared filters, used through its subclasses
            continue
        form = cls(QueryDict(""), queryset=cls._meta.model.objects.none()).form
        for name, field in form.fields.items():
            value = field.widget.value_from_datadict(QueryDict(""), {}, name)
            assert field.clean(value) in EMPTY_VALUES, (cls.__name__, name)


@pytest.mark.django_db
def test_only_the_filters_given_are_cleaned(anon, world):
    """A request naming one filter cleans that one: the others are left out of cleaned_data
    (they would each clean to nothing), and a bad value among those given is still a 400."""
    from django.http import QueryDict

    from strikes.filtersets import AttackFilterSet
    from strikes.models import Attack

    filterset = AttackFilterSet(QueryDict("grade=fair"), queryset=Attack.objects.all())
    assert filterset.is_valid()
    assert set(filterset.form.cleaned_data) == {"grade"}
    assert list(filterset.form.cleaned_data["grade"]) == ["fair"]
    response = anon.get(reverse("api-attack-list"), {"grade": "superb"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "grade"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"munition": "Shahed-136"}, ("a1", "a2", "a4")),
        ({"munition_category": "cruise_missile"}, ("a3",)),
        ({"origin_country": "north korea"}, ("a1",)),
    ],
)
def test_munition_filters_hold_inside_another_query(world, params, expected):
    """The munition filters' subquery names the outer attack by an ORM column, so it follows the
    attack query when another query nests it (its tables renamed U0, U1...): nested under a
    query on another table, a stale table name would be an SQL error, not a silent match."""
    from strikes.filtersets import AttackFilterSet
    from strikes.models import Attack, AttackMunition, Place

    filterset = AttackFilterSet(params, queryset=Attack.objects.all())
    assert filterset.is_valid(), filterset.errors
    attacks = filterset.qs.values("pk")
    links = AttackMunition.objects.filter(attack_id__in=attacks).values_list("attack_id", flat=True)
    assert set(links) == world.ids(*expected)
    # Twice nested: the places of those attacks, asked through the attacks' own table again.
    places = Place.objects.filter(pk__in=Attack.objects.filter(pk__in=attacks).values("place_id"))
    assert sorted(places.values_list("pk", flat=True)) == sorted({world.attacks[k].place_id for k in expected})
