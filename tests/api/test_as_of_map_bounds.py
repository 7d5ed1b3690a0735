"""`as_of=` on the map: a cluster's bounds when points on them were added since the moment.

The snapshot corrects today's per-cell sums by the changed attacks (strikes.api.asof). A point
taken away from a cell's bounds makes them shrink: the finest cells' bounds are read again from
the attacks, the coarser levels' from the finer rows under them. The oracle is the live map
recorded at the moment, at every summary level (zoom 6, 9, 12 and 13), plus bounds worked out by
hand. The cell under test holds attacks piled on one coordinate (as the generator piles them on
a place), one of which moves away since, with another added on that coordinate.

These tests commit (transactional_db): history rows carry their transaction's time.
"""

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from strikes.services import attack_update
from tests.api.conftest import client_for
from tests.factories import AttackFactory, PlaceFactory

# One finest (level-14) cell: lon [36.2274, 36.2329), lat [49.9878, 49.9933).
PILE = (36.2290, 49.9890)
MAPS = [
    {"zoom": 6},
    {"zoom": 9},
    {"zoom": 12, "bbox": "36.1,49.9,36.4,50.1"},
    {"zoom": 13, "bbox": "36.22,49.98,36.25,50.00"},
]


def moment() -> str:
    """Now, between two committed writes (a little apart, so the history tells them apart)."""
    time.sleep(0.02)
    stamp = timezone.now().isoformat()
    time.sleep(0.02)
    return stamp


def maps(as_of: str | None = None) -> list[dict]:
    extra = {} if as_of is None else {"as_of": as_of}
    out = []
    for query in MAPS:
        response = client_for(None).get(reverse("api-map"), {**query, **extra})
        assert response.status_code == 200, response.content
        out.append(response.json())
    return out


def cluster_near(the_map: dict, lon: float, lat: float) -> tuple[int, list[float]]:
    """The (count, bounds) of the cluster whose bounds hold the point."""
    for cluster in the_map["clusters"]:
        west, south, east, north = cluster["bounds"]
        if west <= lon <= east and south <= lat <= north:
            return cluster["count"], cluster["bounds"]
    raise AssertionError(f"no cluster around {lon}, {lat}")


@pytest.fixture
def moved(transactional_db, editor, settings):
    """Five attacks in one finest cell (three on one coordinate) and four in the next one of
    the same coarser cells; the live maps recorded; then points added on and beyond the cell's
    bounds, on the pile, and one attack moved from the cell's east edge to past its west one."""
    settings.API_AGGREGATE_CACHE_SECONDS = 0  # live answers at successive moments, never a cached one
    kharkiv = PlaceFactory(name="Kharkiv", latitude=49.99, longitude=36.23)
    attack = {"place": kharkiv, "status": "published", "grade": "confirmed"}
    for _ in range(3):
        AttackFactory(**attack, longitude=PILE[0], latitude=PILE[1])
    AttackFactory(**attack, longitude=36.2300, latitude=49.9900)
    east = AttackFactory(**attack, longitude=36.2310, latitude=49.9910)
    for step in range(4):  # the next finest cell east, left alone
        AttackFactory(**attack, longitude=36.2400 + step / 1000, latitude=49.9950)
    stamp = moment()
    live = maps()
    AttackFactory(**attack, longitude=36.2320, latitude=49.9920)  # past the cell's north-east bound
    AttackFactory(**attack, longitude=PILE[0], latitude=PILE[1])  # on the pile, its south-west bound
    AttackFactory(**attack, longitude=36.3000, latitude=50.0500)  # the coarse cell's north-east bound
    attack_update(attack=east, by=editor, longitude=36.2280, latitude=49.9880)
    return stamp, live


def test_the_map_then_is_the_live_map_recorded_then_at_every_level(moved):
    stamp, live = moved
    assert maps(as_of=stamp) == live


def test_the_bounds_then_worked_out_by_hand(moved):
    stamp, _ = moved
    fine = maps(as_of=stamp)[3]
    # The five attacks of the cell then: the pile of three, (36.2300, 49.9900) and the moved
    # attack where it stood, (36.2310, 49.9910); today's added points and new place are not in it.
    assert cluster_near(fine, 36.2300, 49.9900) == (5, [36.229, 49.989, 36.231, 49.991])
    country = maps(as_of=stamp)[0]
    # Zoom 6: one cluster of all nine; its bounds from the finer rows (the pile's south-west
    # corner to the next cell's east end), without the point added at (36.30, 50.05).
    assert cluster_near(country, 36.2300, 49.9900) == (9, [36.229, 49.989, 36.243, 49.995])
