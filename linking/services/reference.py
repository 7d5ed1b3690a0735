"""The gazetteer built from the Place and Munition tables, cached per process and rebuilt when they change."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from extraction import Gazetteer
from strikes.models import Munition, Place
from strikes.refs import place_ref


@dataclass
class Reference:
    """The gazetteer and the Place and Munition rows it was built from, as of one stamp."""

    stamp: tuple
    gazetteer: Gazetteer
    places: dict[int, Place]
    munitions: list[Munition]
    children: dict[int, list[int]]  # place id -> ids of the places directly inside it


_REF: Reference | None = None

# Row count and latest change of both tables in one round trip: any insert, edit or delete
# of a place or munition changes it, and the cached reference is rebuilt.
_STAMP_SQL = """
SELECT (SELECT count(*) FROM strikes_place), (SELECT max(updated_at) FROM strikes_place),
       (SELECT count(*) FROM strikes_munition), (SELECT max(updated_at) FROM strikes_munition)
"""


def reference_data() -> Reference:
    """The cached reference data, rebuilt only when the Place or Munition table has changed.

    Checked on every article (one query), so an edited gazetteer is used from the next article on.
    """
    global _REF
    with connection.cursor() as cursor:
        cursor.execute(_STAMP_SQL)
        stamp = tuple(cursor.fetchone())
    if _REF is not None and _REF.stamp == stamp:
        return _REF
    place_rows = list(Place.objects.all())
    munition_rows = list(Munition.objects.order_by("pk"))
    places = [
        {
            "ref_key": place_ref(p.pk),
            "name": p.name,
            "aliases": p.aliases,
            "kind": p.kind,
            "parent_ref": place_ref(p.parent_id),
            "oblast_ref": place_ref(p.oblast_id),
            "latitude": p.latitude,
            "longitude": p.longitude,
            "population": p.population,
        }
        for p in place_rows
    ]
    munitions = [
        {
            "name": m.name,
            "aliases": m.aliases,
            "category": m.category,
            "origin_country": m.origin_country,
            "nato_name": m.nato_name,
            "is_generic": m.is_generic,
        }
        for m in munition_rows
    ]
    children: dict[int, list[int]] = {}
    for p in place_rows:
        if p.parent_id:
            children.setdefault(p.parent_id, []).append(p.pk)
    _REF = Reference(
        stamp=stamp,
        gazetteer=Gazetteer.from_records(places, munitions),
        places={p.pk: p for p in place_rows},
        munitions=munition_rows,
        children=children,
    )
    return _REF


def db_gazetteer() -> Gazetteer:
    """The extractor's gazetteer from the Place and Munition tables, rebuilt only when they change."""
    return reference_data().gazetteer
