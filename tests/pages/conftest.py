"""Fixtures for the page tests: a logged-in client per role, and a small gazetteer."""

import pytest

from tests.factories import MunitionFactory, PlaceFactory


@pytest.fixture
def as_user(client):
    """``as_user(user)`` logs the test client in as ``user`` and returns it."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def kyiv(db):
    oblast = PlaceFactory(name="Kyiv City", kind="oblast", latitude=50.45, longitude=30.52)
    city = PlaceFactory(
        name="Kyiv", kind="city", aliases=["Kiev", "Київ"], latitude=50.45, longitude=30.52, population=2_900_000
    )
    city.oblast = oblast
    city.save()
    return city


@pytest.fixture
def kn23(db):
    return MunitionFactory(name="KN-23", category="ballistic_missile", origin_country="North Korea")
