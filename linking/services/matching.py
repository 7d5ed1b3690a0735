"""Matching a report to an existing attack: same place (or near it), compatible date and weapons.

A score per candidate with the reasons it is made of; the best candidate above the threshold wins.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from config.geo import km_between
from linking.services.reference import Reference, reference_data
from strikes.choices import AttackStatus, PlaceKind
from strikes.models import Attack, AttackMunition, Place

# Weapon families: two reports are compatible when their families overlap (or one names none).
FAMILIES = {
    "ballistic_missile": "missile",
    "cruise_missile": "missile",
    "air_to_surface_missile": "missile",
    "anti_ship_missile": "missile",
    "surface_to_air_missile": "missile",
    "missile": "missile",
    "attack_drone": "drone",
    "recon_drone": "drone",
    "guided_bomb": "bomb",
    "unguided_bomb": "bomb",
    "rocket": "rocket",
    "artillery": "artillery",
}
# A link needs at least a place match and some agreement on time.
LINK_THRESHOLD = 0.6


@dataclass
class Match:
    attack: Attack
    score: float
    reasons: list[str]


def _city_id(place: Place | None) -> int | None:
    if place is None:
        return None
    return place.parent_id if place.kind == PlaceKind.DISTRICT and place.parent_id else place.pk


def _families(categories) -> set[str]:
    return {FAMILIES.get(c, c) for c in categories}


def _report_munitions(report: dict) -> tuple[set[str], set[str]]:
    models_ = {m["model"] for m in report.get("munitions", []) if m.get("model")}
    cats = {m.get("category_code") for m in report.get("munitions", []) if m.get("category_code")}
    return models_, cats


def event_date(report: dict) -> dt.date | None:
    return dt.date.fromisoformat(report["event_date"]) if report.get("event_date") else None


def _score(attack: Attack, place: Place, report: dict, ev: dt.date | None) -> Match | None:
    reasons = []
    score = 0.0
    if attack.place_id and _city_id(attack.place) == _city_id(place):
        same = attack.place_id == place.pk
        score += 0.5
        reasons.append("same place" if same and place.kind != PlaceKind.CITY else "same city")
    elif (
        None not in (attack.latitude, attack.longitude, place.latitude, place.longitude)
        and place.kind in (PlaceKind.CITY, PlaceKind.DISTRICT)
        and (d := km_between(attack.latitude, attack.longitude, place.latitude, place.longitude))
        <= settings.LINK_MAX_DISTANCE_KM
    ):
        score += 0.45 * (1 - d / max(settings.LINK_MAX_DISTANCE_KM, 1)) + 0.1
        reasons.append(f"{d:.0f} km apart")
    else:
        return None
    local_day = timezone.localtime(attack.occurred_at).date()
    if ev is not None:
        gap = abs((local_day - ev).days)
        if gap == 0:
            score += 0.3
            reasons.append("same date")
        else:
            score += 0.15
            reasons.append(f"{gap} day{'s' if gap > 1 else ''} apart")
    else:
        hint = report.get("event_date_hint") or {}
        if "weekday" in hint:
            if local_day.weekday() != hint["weekday"]:
                return None
            score += 0.15
            reasons.append(f"the article's undated '{local_day:%A}' matches")
        elif "month" in hint:
            if (local_day.month, local_day.day) != (hint["month"], hint["day"]):
                return None
            score += 0.2
            reasons.append(f"the article's undated '{local_day:%-d %B}' matches")
        else:
            score += 0.1
            reasons.append("the article gives no date")
    models_, cats = _report_munitions(report)
    theirs = list(attack.attack_munitions.all())  # prefetched with their munitions by _candidates
    their_models = {am.munition.name for am in theirs if not am.munition.is_generic}
    their_cats = {am.munition.category for am in theirs}
    shared_models = sorted(models_ & their_models)
    if shared_models:
        score += 0.2
        reasons.append("both mention " + ", ".join(shared_models))
    elif cats and their_cats:
        shared = _families(cats) & _families(their_cats)
        if not shared:
            return None  # one says drones only, the other missiles only: not the same strike
        score += 0.05
        reasons.append("both mention " + " and ".join(sorted(f"{f}s" for f in shared)))
    return Match(attack, round(score, 3), reasons)


def _candidates(place: Place, ev: dt.date | None, ref: Reference) -> list[Attack]:
    """The attacks a report at ``place`` on ``ev`` could be about, newest first (at most 200),
    with their munitions: at the place or a place in it, or in a box around it, within the date window.

    One statement written once, not built by the ORM for every article (issue 19: building and
    compiling it cost ~2 ms of a worker's CPU per article, most of whose candidates are none).
    The same conditions the ORM wrote: not retracted, the date window, place or box.
    """
    # The search vector (all linked articles' words) is the largest column and is not needed here.
    # Places come from the cached rows (see attack_match), so no join with the place table.
    where = ["NOT (status = %s)"]
    params: list = [AttackStatus.RETRACTED.value]
    if ev is not None:
        window = dt.timedelta(days=settings.LINK_DATE_WINDOW_DAYS + 1)
        start = timezone.make_aware(dt.datetime.combine(ev - window, dt.time.min))
        where.append("occurred_at >= %s AND occurred_at < %s")
        params += [start, start + 2 * window + dt.timedelta(days=1)]
    here = [place.pk, *ref.children.get(place.pk, ())]  # the place or a place in it
    if place.latitude is not None and place.longitude is not None:
        # A box a little larger than the linking distance; the exact distance is checked in _score.
        dlat = settings.LINK_MAX_DISTANCE_KM / 111 + 0.01
        dlon = dlat / max(math.cos(math.radians(place.latitude)), 0.2)
        where.append("(place_id = ANY(%s) OR (latitude BETWEEN %s AND %s AND longitude BETWEEN %s AND %s))")
        params += [here, place.latitude - dlat, place.latitude + dlat, place.longitude - dlon, place.longitude + dlon]
    else:
        where.append("place_id = ANY(%s)")
        params.append(here)
    # Column names and fixed conditions; every value is a parameter.
    sql = (
        f"SELECT {_candidate_columns()} FROM strikes_attack WHERE {' AND '.join(where)}"  # noqa: S608
        " ORDER BY occurred_at DESC LIMIT 200"
    )
    attacks = list(Attack.objects.raw(sql, params))
    if attacks:
        am = AttackMunition.objects.select_related("munition")
        models.prefetch_related_objects(attacks, models.Prefetch("attack_munitions", queryset=am))
    return attacks


@functools.cache
def _candidate_columns() -> str:
    """The attack's columns but its search vector (built once per process)."""
    return ", ".join(f.column for f in Attack._meta.concrete_fields if f.name != "search_vector")


def attack_match(*, place: Place, report: dict, ref: Reference | None = None) -> Match | None:
    """The best existing attack for this report, or None when nothing is close enough.

    ``ref``: the cached reference data the caller already holds (read afresh if not given).
    """
    ev = event_date(report)
    ref = ref or reference_data()
    best = None
    for attack in _candidates(place, ev, ref):
        if attack.place_id in ref.places:
            attack.place = ref.places[attack.place_id]  # the cached row, instead of a query per attack
        if ev is not None and abs((timezone.localtime(attack.occurred_at).date() - ev).days) > (
            settings.LINK_DATE_WINDOW_DAYS
        ):
            continue
        m = _score(attack, place, report, ev)
        if (
            m is not None
            and m.score >= LINK_THRESHOLD - (0.1 if ev is None else 0)
            and (best is None or m.score > best.score)
        ):
            best = m
    return best
