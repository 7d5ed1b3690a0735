"""Writes the reference data (gazetteer and munition catalogue) to the database.

Idempotent by natural key: places by ``ref_key`` (adopting a row that already has
the same geonames id), munitions by ``name``. Rows are compared field by field and
only rows that differ are written, in bulk, so a second run writes nothing and the
whole load takes well under two seconds. Rows that are not reference data (places
or munitions added by people) are never touched.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from extraction.reference.munitions import MUNITIONS
from extraction.reference.places import place_records
from strikes.models import Munition, Place

_PLACE_FIELDS = ("name", "aliases", "kind", "latitude", "longitude", "population", "geonames_id")
_MUNITION_FIELDS = ("aliases", "category", "origin_country", "nato_name", "is_generic", "description")


def _apply(obj, values: dict, fields) -> bool:
    """Set ``fields`` of ``obj`` from ``values``; True when anything changed."""
    changed = False
    for field in fields:
        if getattr(obj, field) != values[field]:
            setattr(obj, field, values[field])
            changed = True
    return changed


def _places_load() -> dict:
    records = place_records()
    keys = [r["ref_key"] for r in records]
    by_key = {p.ref_key: p for p in Place.objects.filter(ref_key__in=keys)}
    # A place someone created by hand with a geonames id becomes the reference row.
    gids = [r["geonames_id"] for r in records if r["geonames_id"]]
    by_gid = {p.geonames_id: p for p in Place.objects.filter(geonames_id__in=gids).exclude(ref_key__in=keys)}

    now = timezone.now()
    created, updated, pending = [], [], []

    def flush():
        Place.objects.bulk_create(pending, batch_size=500)
        created.extend(pending)
        pending.clear()

    kind = None
    for record in records:
        if record["kind"] != kind:
            # Records come parents first, one kind after another: each kind is written before the
            # next, so a new row gets its parent and oblast at creation (thousands of settlements:
            # a second UPDATE of every row took seconds).
            flush()
            kind = record["kind"]
        place = by_key.get(record["ref_key"]) or by_gid.get(record["geonames_id"])
        if place is None:
            place = Place(ref_key=record["ref_key"], **{f: record[f] for f in _PLACE_FIELDS})
            parent = by_key.get(record["parent_ref"]) if record["parent_ref"] else None
            oblast = by_key.get(record["oblast_ref"]) if record["oblast_ref"] else None
            place.parent_id = parent.pk if parent is not None else None
            place.oblast_id = oblast.pk if oblast is not None else None
            pending.append(place)
        else:
            changed = _apply(place, record, _PLACE_FIELDS)
            if place.ref_key != record["ref_key"]:
                place.ref_key = record["ref_key"]
                changed = True
            if changed:
                place.updated_at = now
                updated.append(place)
        by_key[record["ref_key"]] = place

    flush()
    if updated:
        Place.objects.bulk_update(updated, [*_PLACE_FIELDS, "ref_key", "updated_at"], batch_size=500)

    # Second pass: parent and oblast, now that every row has a primary key.
    linked = []
    for record in records:
        place = by_key[record["ref_key"]]
        parent_id = by_key[record["parent_ref"]].pk if record["parent_ref"] else None
        oblast_id = by_key[record["oblast_ref"]].pk if record["oblast_ref"] else None
        if place.parent_id != parent_id or place.oblast_id != oblast_id:
            place.parent_id, place.oblast_id = parent_id, oblast_id
            place.updated_at = now
            linked.append(place)
    if linked:
        Place.objects.bulk_update(linked, ["parent", "oblast", "updated_at"], batch_size=500)

    new_ids = {p.pk for p in created}
    updated_ids = {p.pk for p in updated} | {p.pk for p in linked if p.pk not in new_ids}
    return {"created": len(created), "updated": len(updated_ids), "total": len(records)}


def _munitions_load() -> dict:
    by_name = {m.name: m for m in Munition.objects.filter(name__in=[r["name"] for r in MUNITIONS])}
    now = timezone.now()
    created, updated = [], []
    for record in MUNITIONS:
        munition = by_name.get(record["name"])
        if munition is None:
            created.append(Munition(name=record["name"], **{f: record[f] for f in _MUNITION_FIELDS}))
        elif _apply(munition, record, _MUNITION_FIELDS):
            munition.updated_at = now
            updated.append(munition)
    Munition.objects.bulk_create(created)
    if updated:
        Munition.objects.bulk_update(updated, [*_MUNITION_FIELDS, "updated_at"])
    return {"created": len(created), "updated": len(updated), "total": len(MUNITIONS)}


def reference_load() -> dict:
    """Write the gazetteer and the munition catalogue; returns counts per kind.

    ``{"places": {"created", "updated", "total"}, "munitions": {...}}``. Safe to run
    any number of times: a second run creates and updates nothing.
    """
    with transaction.atomic():
        return {"places": _places_load(), "munitions": _munitions_load()}
