"""What the strikes pages share: the visible attack and map landmarks (role gates, error pages and
form errors are config's, shared by every app)."""

from django.db.models import F
from django.shortcuts import get_object_or_404

from strikes.choices import GeoPrecision, PlaceKind
from strikes.models import Attack, Place

LANDMARKS = 25

# Marker radius in metres for each geo precision: the circle covers where the strike may be.
PRECISION_RADIUS_M = {
    GeoPrecision.EXACT: 50,
    GeoPrecision.NEAR: 500,
    GeoPrecision.DISTRICT: 2_000,
    GeoPrecision.CITY: 6_000,
    GeoPrecision.OBLAST: 40_000,
    GeoPrecision.COUNTRY: 150_000,
}


class Retracted(Exception):
    """The attack was retracted: the public gets its tombstone (410), not a 404."""

    def __init__(self, tombstone: dict):
        super().__init__(tombstone["id"])
        self.tombstone = tombstone


def visible_attack(request, pk: int) -> Attack:
    """The attack if this user may see it; a draft is a 404 for the public, a retraction raises
    :class:`Retracted` so the page can answer 410 with the date and reason."""
    if not Attack.objects.shows_unpublished_to(request.user):
        tombstone = Attack.objects.tombstone(pk)
        if tombstone:
            raise Retracted(tombstone)
    return get_object_or_404(Attack.objects.visible_to(request.user).select_related("place", "place__oblast"), pk=pk)


def landmarks() -> list[list]:
    """The biggest cities, named on the map when no base map can be loaded."""
    cities = (
        Place.objects.filter(kind=PlaceKind.CITY, latitude__isnull=False)
        .order_by(F("population").desc(nulls_last=True), "name")
        .values_list("name", "latitude", "longitude")[:LANDMARKS]
    )
    return [list(city) for city in cities]
