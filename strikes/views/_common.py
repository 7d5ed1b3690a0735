"""What the strikes pages share: role gates, the friendly 403/404, the visible attack, map landmarks."""

import functools

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from config.roles import can_log
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


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def friendly_errors(view):
    """A refusal or a missing attack answers with a page in the site's look and a way on,
    not the bare server default."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return render(request, "strikes/403.html", status=403)
        except Http404:
            return render(request, "strikes/404.html", status=404)

    return wrapped


def log_required(view):
    """Analysts, editors and admins only; anonymous users go to the login page."""

    @functools.wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        require(can_log(request.user))
        return view(request, *args, **kwargs)

    return friendly_errors(wrapped)


def visible_attack(request, pk: int) -> Attack:
    """The attack if this user may see it; drafts and retractions are a 404 for the public."""
    return get_object_or_404(Attack.objects.visible_to(request.user).select_related("place", "place__oblast"), pk=pk)


def landmarks() -> list[list]:
    """The biggest cities, named on the map when no base map can be loaded."""
    cities = (
        Place.objects.filter(kind=PlaceKind.CITY, latitude__isnull=False)
        .order_by(F("population").desc(nulls_last=True), "name")
        .values_list("name", "latitude", "longitude")[:LANDMARKS]
    )
    return [list(city) for city in cities]


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (the rest on top)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
