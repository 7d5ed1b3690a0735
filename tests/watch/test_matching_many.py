"""Matching many saved searches' filters against one set of changed attacks at once
(``strikes.queries.attack_ids_matching_many``, what each check of the saved searches runs):
each query's answer is the attacks its filters pick among the changed ones, whatever their
status, and a check records for every search what its own filters match."""

import pytest
from django.utils import timezone

from strikes import queries
from strikes.models import AttackEvent, AttackMunition
from strikes.services import attack_search_refresh
from tests.factories import AttackFactory, MunitionFactory, PlaceFactory
from watch import services
from watch.models import Delivery, Notification, SavedSearch

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(db):
    """Five attacks with known places, figures, grades, targets, munitions, positions and words."""
    kharkiv_oblast = PlaceFactory(name="Kharkiv Oblast", kind="oblast", latitude=49.9, longitude=36.3)
    odesa_oblast = PlaceFactory(name="Odesa Oblast", kind="oblast", latitude=46.5, longitude=30.7)
    kharkiv = PlaceFactory(name="Kharkiv", kind="city", parent=kharkiv_oblast, oblast=kharkiv_oblast)
    odesa = PlaceFactory(name="Odesa", kind="city", parent=odesa_oblast, oblast=odesa_oblast)
    shahed = MunitionFactory(name="Shahed-136", category="attack_drone")
    kh101 = MunitionFactory(name="Kh-101", category="cruise_missile")
    a = {
        "school": AttackFactory(
            place=kharkiv,
            latitude=49.99,
            longitude=36.23,
            killed_best=3,
            grade="confirmed",
            description="A school hit.",
        ),
        "plant": AttackFactory(
            place=kharkiv, latitude=50.01, longitude=36.30, killed_best=0, grade="fair", target_type="energy"
        ),
        "port": AttackFactory(
            place=odesa,
            latitude=46.48,
            longitude=30.73,
            killed_best=None,
            grade="single_source",
            status="retracted",
            retraction_reason="A duplicate.",
        ),
        "draft": AttackFactory(place=odesa, latitude=46.47, longitude=30.74, killed_best=7, status="draft"),
        "outside": AttackFactory(place=odesa, latitude=46.40, longitude=30.70, killed_best=9),
    }
    AttackMunition.objects.create(attack=a["school"], munition=shahed, count=2)
    AttackMunition.objects.create(attack=a["port"], munition=kh101, count=1)
    AttackMunition.objects.create(attack=a["draft"], munition=shahed, count=5)
    attack_search_refresh(attack_ids=[attack.pk for attack in a.values()])  # what q= reads
    return {"attacks": a, "oblasts": (kharkiv_oblast, odesa_oblast), "munitions": (shahed, kh101)}


def names(world, ids: set[int]) -> set[str]:
    by_pk = {attack.pk: name for name, attack in world["attacks"].items()}
    return {by_pk[pk] for pk in ids}


def test_each_query_gets_the_changed_attacks_its_filters_pick_whatever_their_status(world):
    kharkiv_oblast, odesa_oblast = world["oblasts"]
    shahed, _kh101 = world["munitions"]
    a = world["attacks"]
    changed = {a[n].pk for n in ("school", "plant", "port", "draft")}  # "outside" did not change
    expected = {
        f"oblast={kharkiv_oblast.pk}": {"school", "plant"},
        f"oblast={odesa_oblast.pk}": {"port", "draft"},
        "oblast=Odesa": {"port", "draft"},  # by name, resolved like the API
        f"munition={shahed.pk}": {"school", "draft"},
        "munition_category=cruise_missile": {"port"},
        "killed_min=1": {"school", "draft"},
        f"killed_min=1&oblast={kharkiv_oblast.pk}": {"school"},
        "grade=confirmed%2Cfair": {"school", "plant"},
        "target_type=energy": {"plant"},
        "bbox=30.0%2C46.0%2C31.0%2C47.0": {"port", "draft"},
        "q=school": {"school"},
        "q=nothing-like-this": set(),
        "": {"school", "plant", "port", "draft"},  # no filter: every changed attack
        "oblast=999999": set(),  # an oblast removed since the search was saved: nothing
    }
    answers = queries.attack_ids_matching_many([*expected, f"oblast={kharkiv_oblast.pk}"], changed)
    assert {query: names(world, ids) for query, ids in answers.items()} == expected


def test_queries_spread_over_several_statements_get_the_same_answers(world, monkeypatch):
    kharkiv_oblast, odesa_oblast = world["oblasts"]
    a = world["attacks"]
    changed = {attack.pk for attack in a.values()}
    monkeypatch.setattr(queries, "CONDITIONS_PER_STATEMENT", 2)
    answers = queries.attack_ids_matching_many(
        [f"oblast={kharkiv_oblast.pk}", f"oblast={odesa_oblast.pk}", "killed_min=8", "target_type=energy", "q=school"],
        changed,
    )
    assert [names(world, ids) for ids in answers.values()] == [
        {"school", "plant"},
        {"port", "draft", "outside"},
        {"outside"},
        {"plant"},
        {"school"},
    ]
    assert queries.attack_ids_matching_many(["killed_min=1"], set()) == {"killed_min=1": set()}


def test_a_check_records_for_each_search_what_its_own_filters_match(world, django_user_model):
    kharkiv_oblast, _odesa_oblast = world["oblasts"]
    user = django_user_model.objects.create_user("ana", email="ana@example.org", password="pw")
    since = timezone.now()
    queries_saved = [f"oblast={kharkiv_oblast.pk}", "killed_min=8", f"oblast={kharkiv_oblast.pk}", "q=school"]
    searches = [
        SavedSearch.objects.create(user=user, name=f"S{i}", query=q, email="ana@example.org", checked_until=since)
        for i, q in enumerate(queries_saved)
    ]
    school = AttackFactory(place=world["attacks"]["school"].place, killed_best=1, description="Near a school.")
    far = AttackFactory(place=world["attacks"]["outside"].place, killed_best=10)
    attack_search_refresh(attack_ids=[school.pk, far.pk])

    assert services.searches_check(now=timezone.now()) == {"searches": 4, "notifications": 4, "deliveries": 4}
    recorded = {
        s.name: sorted(Notification.objects.filter(search=s).values_list("attack_id", "kind")) for s in searches
    }
    assert recorded == {
        "S0": [(school.pk, "new")],
        "S1": [(far.pk, "new")],
        "S2": [(school.pk, "new")],
        "S3": [(school.pk, "new")],
    }
    for s in searches:
        delivery = Delivery.objects.get(search=s)
        assert [c["attack"] for c in delivery.payload["changes"]] == [a for a, _k in recorded[s.name]]
        assert set(Notification.objects.filter(search=s).values_list("delivery_email", flat=True)) == {delivery.pk}
    # Nothing changed since: nothing more.
    assert services.searches_check(now=timezone.now())["notifications"] == 0


def test_a_search_another_check_recorded_meanwhile_gets_nothing_from_this_one(world, django_user_model, monkeypatch):
    kharkiv_oblast, _odesa_oblast = world["oblasts"]
    user = django_user_model.objects.create_user("ana", email="ana@example.org", password="pw")
    since = timezone.now()
    _mine, theirs = (
        SavedSearch.objects.create(
            user=user, name=name, query=f"oblast={kharkiv_oblast.pk}", email="ana@example.org", checked_until=since
        )
        for name in ("Mine", "Theirs")
    )
    attack = AttackFactory(place=world["attacks"]["school"].place)
    read_changes = services._changes

    def changes_while_another_check_records(since, until):
        # Another check moves "Theirs" past this window after this one read the searches.
        SavedSearch.objects.filter(pk=theirs.pk).update(checked_until=until)
        return read_changes(since, until)

    monkeypatch.setattr(services, "_changes", changes_while_another_check_records)
    assert services.searches_check(now=timezone.now()) == {"searches": 2, "notifications": 1, "deliveries": 1}
    assert list(Notification.objects.values_list("search__name", "attack_id")) == [("Mine", attack.pk)]
    assert list(Delivery.objects.values_list("search__name", flat=True)) == ["Mine"]


def test_a_change_already_recorded_is_not_recorded_or_sent_again(world, django_user_model):
    kharkiv_oblast, _odesa_oblast = world["oblasts"]
    user = django_user_model.objects.create_user("ana", email="ana@example.org", password="pw")
    search = SavedSearch.objects.create(
        user=user,
        name="S",
        query=f"oblast={kharkiv_oblast.pk}",
        email="ana@example.org",
        webhook_url="http://127.0.0.1:9/hook",
        checked_until=timezone.now(),
    )
    attack = AttackFactory(place=world["attacks"]["school"].place)
    event = AttackEvent.objects.filter(pgh_obj_id=attack.pk).order_by("-pgh_id").first()  # what a check records
    # As if an earlier check had recorded this change and then failed before moving the watermark.
    Notification.objects.create(search=search, attack=attack, kind="new", event_id=event.pgh_id)

    assert services.searches_check(now=timezone.now()) == {"searches": 1, "notifications": 0, "deliveries": 0}
    assert Notification.objects.count() == 1 and not Delivery.objects.exists()
    search.refresh_from_db()
    assert search.checked_until > attack.created_at  # the window was still looked at, once


def test_matching_leaves_the_session_jit_setting_as_it_was(world):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
        queries.attack_ids_matching_many(["killed_min=1"], {world["attacks"]["school"].pk})
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "on"
        cursor.execute("RESET jit")
