"""Reads for the strikes app: QuerySet methods named for the question they answer."""

from django.db import models
from django.db.models.functions import Lower

from strikes.choices import AttackStatus, PlaceKind


class PlaceQuerySet(models.QuerySet):
    """Gazetteer lookups."""

    def oblasts(self):
        return self.filter(kind=PlaceKind.OBLAST)

    def named(self, name: str):
        """Places whose name or any alias is ``name`` (case-insensitive for the name)."""
        return self.annotate(_lname=Lower("name")).filter(
            models.Q(_lname=name.lower()) | models.Q(aliases__contains=[name])
        )


class AttackQuerySet(models.QuerySet):
    """Attack reads shared by the API, the pages, the map and the timeline."""

    def published(self):
        return self.filter(status=AttackStatus.PUBLISHED)

    def visible_to(self, user):
        """Published attacks for everyone; drafts and retractions too for staff."""
        from config.roles import can_see_unpublished

        return self if can_see_unpublished(user) else self.published()

    def between(self, start=None, end=None):
        qs = self
        if start is not None:
            qs = qs.filter(occurred_at__gte=start)
        if end is not None:
            qs = qs.filter(occurred_at__lte=end)
        return qs

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat)
