"""A small, fully known world for the API tests: every expected answer is computed by hand
from the table in ``world``'s docstring."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from casualties.models import PublishedFigure
from strikes.models import Attack, AttackMunition
from tests.factories import ArticleFactory, AttackFactory, MunitionFactory, OutletFactory, PlaceFactory

KYIV_TZ = ZoneInfo("Europe/Kyiv")


def kyiv(*args) -> dt.datetime:
    """A Kyiv wall-clock time."""
    return dt.datetime(*args, tzinfo=KYIV_TZ)


@pytest.fixture(autouse=True)
def _generous_throttles(settings):
    """Most tests make many requests; the throttling tests set their own rates."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
    }


@pytest.fixture
def anon():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def set_figure(attack, category, best, low=None, high=None, status="consensus"):
    """Publish one figure as the claims side would (PublishedFigure + the denormalised columns)."""
    low = best if low is None else low
    high = best if high is None and status != "disputed" else high
    PublishedFigure.objects.update_or_create(
        attack=attack,
        category=category,
        defaults={
            "status": status,
            "best": best,
            "low": low,
            "high": high,
            "conservative": low,
            "range_low": low,
            "range_high": high,
        },
    )
    figures = {pf.category: pf for pf in PublishedFigure.objects.filter(attack=attack)}
    Attack.objects.filter(pk=attack.pk).update(
        killed_best=figures["killed"].best if "killed" in figures else None,
        injured_best=figures["injured"].best if "injured" in figures else None,
        disputed=any(pf.status == "disputed" for pf in figures.values()),
    )
    attack.refresh_from_db()


@dataclass
class World:
    places: dict = field(default_factory=dict)
    munitions: dict = field(default_factory=dict)
    attacks: dict = field(default_factory=dict)
    outlets: dict = field(default_factory=dict)

    def ids(self, *names) -> set[int]:
        return {self.attacks[n].pk for n in names}


@pytest.fixture
def world(db):
    """Places, munitions and seven attacks with published figures:

    ===  ==================  ====================  ==========  ==================  ===========  ======  =======  =====
    key  Kyiv time           place (oblast)        status      munitions           target       killed  injured  disp.
    ===  ==================  ====================  ==========  ==================  ===========  ======  =======  =====
    a1   2025-04-24 01:30    Sviatoshynskyi (Kyiv  published   KN-23 x1, Shahed x5 residential  12      87-100+  yes
                             City), exact point                                                         (87)
    a2   2025-04-24 23:30    Kharkiv (Kharkiv O.)  published   Shahed-136          energy       1       5        no
    a3   2025-04-25 00:30    Kharkiv (Kharkiv O.)  published   Kh-101              residential  -       -        no
    a4   2025-03-10 12:00    Odesa (Odesa Oblast)  published   Shahed-136          transport    2       10       no
    a5   2025-04-20 12:00    Kyiv (Kyiv City)      draft       KN-23               residential  3       -        no
    a6   2025-04-21 12:00    Kharkiv               retracted   -                   unknown      -       -        no
    a7   2025-02-01 12:00    (none, no coords)     published   -                   unknown      -       -        no
    ===  ==================  ====================  ==========  ==================  ===========  ======  =======  =====

    a3 is 21:30 UTC on 24 April but 25 April in Kyiv: date filters follow the Kyiv calendar.
    """
    w = World()
    p = w.places
    p["ukraine"] = PlaceFactory(name="Ukraine", kind="country", latitude=49.0, longitude=32.0)
    p["kyiv_city"] = PlaceFactory(
        name="Kyiv City", kind="oblast", aliases=["Kyiv city", "Kiev city"], parent=p["ukraine"], latitude=50.45
    )
    p["kharkiv_oblast"] = PlaceFactory(
        name="Kharkiv Oblast", kind="oblast", aliases=["Kharkivska oblast"], parent=p["ukraine"], latitude=49.5
    )
    p["odesa_oblast"] = PlaceFactory(
        name="Odesa Oblast",
        kind="oblast",
        aliases=["Odessa Oblast", "Одеська область"],
        parent=p["ukraine"],
        latitude=46.5,
    )
    p["kyiv"] = PlaceFactory(
        name="Kyiv",
        kind="city",
        aliases=["Kiev", "Київ"],
        parent=p["kyiv_city"],
        oblast=p["kyiv_city"],
        latitude=50.45,
        longitude=30.52,
    )
    p["sviatoshynskyi"] = PlaceFactory(
        name="Sviatoshynskyi district",
        kind="district",
        parent=p["kyiv"],
        oblast=p["kyiv_city"],
        latitude=50.46,
        longitude=30.36,
    )
    p["kharkiv"] = PlaceFactory(
        name="Kharkiv",
        kind="city",
        parent=p["kharkiv_oblast"],
        oblast=p["kharkiv_oblast"],
        latitude=49.99,
        longitude=36.23,
    )
    p["odesa"] = PlaceFactory(
        name="Odesa", kind="city", parent=p["odesa_oblast"], oblast=p["odesa_oblast"], latitude=46.48, longitude=30.73
    )
    m = w.munitions
    m["kn23"] = MunitionFactory(
        name="KN-23", aliases=["Hwasong-11", "KN23"], category="ballistic_missile", origin_country="North Korea"
    )
    m["shahed"] = MunitionFactory(
        name="Shahed-136", aliases=["Geran-2"], category="attack_drone", origin_country="Iran"
    )
    m["kh101"] = MunitionFactory(name="Kh-101", aliases=["X-101"], category="cruise_missile", origin_country="Russia")

    a = w.attacks
    a["a1"] = AttackFactory(
        occurred_at=kyiv(2025, 4, 24, 1, 30),
        place=p["sviatoshynskyi"],
        latitude=50.4601,
        longitude=30.3602,
        geo_precision=1,
        target_type="residential",
        description="Combined missile and drone strike on apartment blocks at night.",
    )
    a["a2"] = AttackFactory(
        occurred_at=kyiv(2025, 4, 24, 23, 30),
        place=p["kharkiv"],
        geo_precision=4,
        target_type="energy",
        description="Drones hit a substation.",
    )
    a["a3"] = AttackFactory(
        occurred_at=kyiv(2025, 4, 25, 0, 30),
        place=p["kharkiv"],
        latitude=49.98,
        longitude=36.25,
        geo_precision=2,
        target_type="residential",
        description="A cruise missile struck a dormitory.",
    )
    a["a4"] = AttackFactory(
        occurred_at=kyiv(2025, 3, 10, 12, 0),
        place=p["odesa"],
        geo_precision=4,
        target_type="transport",
        description="Port infrastructure damaged by drones.",
    )
    a["a5"] = AttackFactory(
        occurred_at=kyiv(2025, 4, 20, 12, 0),
        place=p["kyiv"],
        status="draft",
        target_type="residential",
        description="Unconfirmed report of a strike.",
    )
    a["a6"] = AttackFactory(
        occurred_at=kyiv(2025, 4, 21, 12, 0),
        place=p["kharkiv"],
        status="retracted",
        retraction_reason="Duplicate.",
        description="Duplicate entry.",
    )
    a["a7"] = AttackFactory(
        occurred_at=kyiv(2025, 2, 1, 12, 0),
        place=None,
        latitude=None,
        longitude=None,
        geo_precision=6,
        description="Strike reported somewhere in the country.",
    )
    for key, munition, count in [
        ("a1", "kn23", 1),
        ("a1", "shahed", 5),
        ("a2", "shahed", None),
        ("a3", "kh101", None),
        ("a4", "shahed", None),
        ("a5", "kn23", None),
    ]:
        AttackMunition.objects.create(attack=a[key], munition=m[munition], count=count)

    set_figure(a["a1"], "killed", 12)
    set_figure(a["a1"], "injured", 87, low=87, high=None, status="disputed")
    set_figure(a["a2"], "killed", 1)
    set_figure(a["a2"], "injured", 5)
    set_figure(a["a4"], "killed", 2)
    set_figure(a["a4"], "injured", 10)
    set_figure(a["a5"], "killed", 3)

    w.outlets["censor"] = OutletFactory(name="Censor.NET", grade="B")
    w.outlets["afp"] = OutletFactory(name="AFP", grade="B")
    ArticleFactory(
        attack=a["a1"],
        outlet=w.outlets["censor"],
        title="Night attack on the capital",
        url="https://censor.example/night-attack",
        text="Rescuers worked through the night in Sviatoshynskyi district after a ballistic missile hit.",
        published_at=kyiv(2025, 4, 24, 9, 0),
    )
    ArticleFactory(
        attack=a["a1"],
        outlet=w.outlets["afp"],
        title="Foreign components found in missile",
        url="https://afp.example/components",
        text="Investigators counted 116 foreign components in the wreckage.",
        published_at=kyiv(2025, 4, 25, 10, 0),
    )
    from strikes.services import attack_search_refresh

    attack_search_refresh(attack_ids=[x.pk for x in a.values()])
    for attack in a.values():
        attack.refresh_from_db()
    return w


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def result_ids(response) -> set[int]:
    return {row["id"] for row in results(response)}
