"""Reads for the strikes app: QuerySet methods named for the question they answer."""

from django.db import models
from django.db.models.functions import Lower

from strikes.choices import AttackStatus, PlaceKind


class PlaceQuerySet(models.QuerySet):
    """Gazetteer lookups."""

    def oblasts(self):
        return self.filter(kind=PlaceKind.OBLAST)

    def named(self, text: str, *, prefix: bool = False):
        """Places with a spelling (name or alias, any language) equal to ``text``, or starting
        with it when ``prefix``; any case. The one lookup of a place by what someone typed:
        filters, the analysts' place search, the admin and the importers all ask it.

        Both sides are lower-cased by PostgreSQL, so the answer does not depend on Python and
        the database agreeing on case rules; the index on ``lower(name)`` serves both forms.
        """
        names = self.model._meta.get_field("names").related_model
        text = text.strip()
        if prefix:  # Django escapes % and _ in an expression's value for LIKE
            condition = models.Q(_spelling__startswith=Lower(models.Value(text)))
        else:
            condition = models.Q(_spelling=Lower(models.Value(text)))
        hits = names.objects.alias(_spelling=Lower("name")).filter(condition).values("place_id")
        return self.filter(pk__in=hits)


class AttackQuerySet(models.QuerySet):
    """Attack reads shared by the API, the pages, the map and the timeline."""

    def published(self):
        return self.filter(status=AttackStatus.PUBLISHED)

    # --- Visibility: the one rule, which every read of attacks (and of what hangs off them) asks ---

    @staticmethod
    def shows_unpublished_to(user) -> bool:
        """Whether ``user`` sees drafts and retracted attacks (staff: analysts and up)."""
        from config.roles import can_see_unpublished

        return can_see_unpublished(user)

    @staticmethod
    def visible_statuses(user) -> list[str]:
        """The attack statuses ``user`` may see."""
        if AttackQuerySet.shows_unpublished_to(user):
            return list(AttackStatus.values)
        return [AttackStatus.PUBLISHED]

    @staticmethod
    def visible_q(user, through: str = "") -> models.Q:
        """The condition for rows whose attack ``user`` may see; ``through`` leads from the
        rows to the attack (``"attack__"`` for claims, decisions, articles)."""
        if AttackQuerySet.shows_unpublished_to(user):
            return models.Q()
        return models.Q(**{f"{through}status": AttackStatus.PUBLISHED})

    def visible_to(self, user):
        """Published attacks for everyone; drafts and retractions too for staff."""
        return self.filter(self.visible_q(user))

    def tombstone(self, pk) -> dict | None:
        """What the public sees of a retracted attack: its id, when and why it was retracted.

        None for any other attack (or no attack). The date is when the current retraction began,
        read from the attack's history (its ``updated_at`` moves with later staff edits).
        """
        row = self.filter(pk=pk, status=AttackStatus.RETRACTED).values("pk", "retraction_reason", "updated_at").first()
        if row is None:
            return None
        retracted_at = row["updated_at"]
        from django.apps import apps

        events = apps.get_model("strikes", "AttackEvent").objects.filter(pgh_obj_id=pk)
        events = events.order_by("-pgh_created_at", "-pgh_id")
        for status, created in events.values_list("status", "pgh_created_at")[:200]:
            if status != AttackStatus.RETRACTED:
                break
            retracted_at = created
        reason = row["retraction_reason"]
        return {"id": row["pk"], "status": AttackStatus.RETRACTED, "retracted_at": retracted_at, "reason": reason}

    def in_bbox(self, min_lon: float, min_lat: float, max_lon: float, max_lat: float):
        return self.filter(longitude__gte=min_lon, longitude__lte=max_lon, latitude__gte=min_lat, latitude__lte=max_lat)
