"""Writes for the strikes app: creating, editing, publishing and retracting attacks.

Every service validates (``full_clean``), writes inside a transaction, and records
who did it in the history through a pghistory context, so a write made from a
task, a command or a request carries its author the same way.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from config.geo import km_between
from config.history import history_context
from config.roles import can_decide
from strikes.choices import AttackStatus, GeoPrecision, PlaceKind
from strikes.models import Attack, AttackMunition, Munition, Place

# The text search configuration used both to build and to query ``search_vector``.
# English stemming; Ukrainian and Russian words are still indexed (lower-cased, unstemmed).
SEARCH_CONFIG = "english"

# Article texts beyond this many characters add little to ranking and cost index size.
SEARCH_TEXT_LIMIT = 100_000

# Fields the API and forms may set; status changes go through publish/retract only.
EDITABLE_FIELDS = frozenset(
    {
        "wave",
        "occurred_at",
        "time_precision",
        "place",
        "latitude",
        "longitude",
        "geo_precision",
        "target_type",
        "description",
        "external_source",
        "external_id",
    }
)

# When an attack is placed at a gazetteer entry without its own coordinates, the
# entry's coordinates are only as precise as the entry itself.
PRECISION_BY_PLACE_KIND = {
    PlaceKind.DISTRICT: GeoPrecision.DISTRICT,
    PlaceKind.CITY: GeoPrecision.CITY,
    PlaceKind.RAION: GeoPrecision.OBLAST,
    PlaceKind.OBLAST: GeoPrecision.OBLAST,
    PlaceKind.COUNTRY: GeoPrecision.COUNTRY,
}


# A new place this close to a place of the same name in the same oblast is that place, not a
# new one: villages that share a name are normally tens of kilometres apart, while an
# analyst's map click on a known village lands within a couple of kilometres of its centre.
PLACE_DUPLICATE_KM = 10.0

# Ukraine within its internationally recognised borders, with a margin for border villages:
# the gazetteer's oblasts are Ukrainian, so a new place must lie in this box.
UKRAINE_BOUNDS = {"latitude": (44.0, 52.6), "longitude": (22.0, 40.4)}


class EditorReviewRequired(ValidationError):
    """Refusal of a non-editor's direct change to what the public sees of a published attack.

    The pages and the API turn such a change into a proposal for an editor
    (``casualties.services.proposals``) before it gets here; nothing is written.
    """

    def __init__(self, what: str = "this change"):
        super().__init__(
            f"The attack is published: {what} goes to an editor as a proposed change; only editors change the "
            "public record."
        )


def editor_applies(attack: Attack, by) -> bool:
    """Whether a person's change to ``attack`` applies at once: always on drafts and retracted
    attacks, on a published one only for editors. ``by=None`` is the system (pipeline, commands)."""
    return attack.status != AttackStatus.PUBLISHED or by is None or can_decide(by)


def _munition_rows(munitions) -> list[tuple[Munition | int, int | None, str]]:
    """Normalise ``munitions`` items to (munition or id, count, quote).

    An item may be a ``Munition``, a munition id, a ``(munition, count)`` pair or a
    dict with ``munition`` and optional ``count`` and ``quote``.
    """
    rows = []
    for item in munitions:
        if isinstance(item, dict):
            rows.append((item["munition"], item.get("count"), item.get("quote") or ""))
        elif isinstance(item, (tuple, list)):
            munition, count = item[0], item[1] if len(item) > 1 else None
            rows.append((munition, count, ""))
        else:
            rows.append((item, None, ""))
    seen = set()
    for munition, count, _quote in rows:
        key = munition.pk if isinstance(munition, Munition) else munition
        if key in seen:
            raise ValidationError({"munitions": f"Munition {key} is listed twice."})
        seen.add(key)
        if count is not None and (not isinstance(count, int) or count < 0):
            raise ValidationError({"munitions": f"Count for munition {key} must be a whole number ≥ 0."})
    return rows


def _munitions_set(*, attack: Attack, munitions: Iterable, new: bool = False) -> None:
    rows = _munition_rows(munitions)
    ids = [m.pk if isinstance(m, Munition) else m for m, _c, _q in rows]
    known = set(Munition.objects.filter(pk__in=ids).values_list("pk", flat=True))
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValidationError({"munitions": f"Unknown munition id(s): {', '.join(map(str, missing))}."})
    existing = {}
    if not new:  # a new attack has no munitions yet: nothing to remove or compare with
        AttackMunition.objects.filter(attack=attack).exclude(munition_id__in=ids).delete()
        existing = {am.munition_id: am for am in AttackMunition.objects.filter(attack=attack)}
    for munition, count, quote in rows:
        mid = munition.pk if isinstance(munition, Munition) else munition
        current = existing.get(mid)
        if current is None:
            AttackMunition.objects.create(attack=attack, munition_id=mid, count=count, quote=quote)
        elif (current.count, current.quote) != (count, quote):
            current.count, current.quote = count, quote
            current.save(update_fields=["count", "quote"])


def _check_facts(attack: Attack, changed: set[str]) -> None:
    """Refuse what cannot be true of an attack: an event time in the future (beyond the
    clocks' skew, ``ATTACK_CLOCK_SKEW_MINUTES``) and, when the location is being set,
    neither a gazetteer place nor coordinates (an "unknown place" attack nobody can map)."""
    errors = {}
    if "occurred_at" in changed and attack.occurred_at is not None:
        latest = timezone.now() + dt.timedelta(minutes=settings.ATTACK_CLOCK_SKEW_MINUTES)
        if attack.occurred_at > latest:
            errors["occurred_at"] = "The attack cannot have happened in the future; check the date and time."
    if changed & {"place", "latitude", "longitude"} and attack.place_id is None and attack.latitude is None:
        errors["place"] = "Choose a place from the gazetteer suggestions or give coordinates."
    if errors:
        raise ValidationError(errors)


def publish_missing(attack: Attack) -> dict[str, str]:
    """What ``attack`` lacks before it may be published, as field → message (empty: nothing).

    A source is an article linked to the attack, or a (not withdrawn) claim's article or
    named source; an imported attack's dataset (``external_source``) is its source, since
    dataset rows carry a source label rather than an article.
    """
    missing = {}
    # Through the reverse relations: strikes sits below casualties and asks nothing of its code.
    has_source = (
        bool(attack.external_source)
        or attack.articles.exists()
        or attack.claims.filter(withdrawn_at__isnull=True).exists()
    )
    if not has_source:
        missing["sources"] = "Link at least one source article (or a claim with its source) before publishing."
    if attack.place_id is None and attack.latitude is None:
        missing["place"] = "Give a place or coordinates before publishing."
    if attack.geo_precision is None:
        missing["geo_precision"] = "Say how precise the location is before publishing."
    if attack.occurred_at is None:
        missing["occurred_at"] = "Give the date of the attack before publishing."
    return missing


def _place_defaults(attack: Attack, explicit: set[str]) -> None:
    """Fill coordinates (and their precision) from the place when none were given."""
    place = attack.place
    if place is None or attack.latitude is not None or attack.longitude is not None:
        return
    if place.latitude is None or place.longitude is None:
        return
    attack.latitude, attack.longitude = place.latitude, place.longitude
    if "geo_precision" not in explicit:
        attack.geo_precision = PRECISION_BY_PLACE_KIND.get(place.kind, GeoPrecision.CITY)


def place_add(*, name: str, oblast: Place, latitude: float, longitude: float, by) -> Place:
    """Add a settlement the gazetteer lacks (a village below its population cut-off), as an
    analyst does from the attack form: a name, its oblast and its coordinates from the map.

    Refused, with the message on the field concerned, when the name is empty, the oblast is
    not an oblast, the coordinates are missing or outside Ukraine, or a place of that name
    (any spelling) in that oblast lies within ``PLACE_DUPLICATE_KM``: that is the place to
    choose. The place is a reference-free row (no ``ref_key``), so the reference loader never
    touches it; extraction knows it from the next article on (``linking.services.reference``).
    """
    name = " ".join((name or "").split())
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the place's name."
    elif len(name) > Place._meta.get_field("name").max_length:
        errors["name"] = "That name is too long."
    if oblast is None or oblast.kind != PlaceKind.OBLAST:
        errors["oblast"] = "Choose the oblast the place is in."
    if latitude is None or longitude is None:
        errors["latitude"] = "Click the map where the place is, or give its latitude and longitude."
    elif not all(lo <= v <= hi for v, (lo, hi) in zip((latitude, longitude), UKRAINE_BOUNDS.values(), strict=True)):
        errors["latitude"] = "These coordinates are outside Ukraine; check them."
    if errors:
        raise ValidationError(errors)
    for same in Place.objects.named(name).filter(oblast=oblast).exclude(latitude=None):
        distance = km_between(latitude, longitude, same.latitude, same.longitude)
        if distance <= PLACE_DUPLICATE_KM:
            raise ValidationError(
                {"name": f"{same.name} is already in the gazetteer, {distance:.1f} km from here: choose it instead."}
            )
    place = Place(
        name=name,
        kind=PlaceKind.CITY,
        parent=oblast,
        oblast=oblast,
        latitude=latitude,
        longitude=longitude,
        created_by=by if by and by.pk else None,
    )
    place.full_clean()
    with transaction.atomic(), history_context(by, "place_add"):
        place.save()
    return place


def attack_create(
    *,
    by,
    munitions=(),
    validate_constraints: bool = True,
    refresh_search: bool = True,
    search_article_id: int | None = None,
    **fields,
) -> Attack:
    """Create an attack (a draft unless ``status`` says otherwise) with its munitions.

    The ingest pipeline passes ``validate_constraints=False``: it builds the attack from a
    gazetteer place it has just read (coordinates within range and paired, a draft without an
    external id), so Django's checks of the table's constraints and of the place's existence,
    a query each, would find nothing; the database still enforces every one of them. It also
    passes ``refresh_search=False`` when it rebuilds the search vector itself, with the
    article's text, before its transaction commits.

    ``search_article_id``: the article the caller links to the new attack, in its transaction,
    as its only article. The search vector is written by the INSERT, from that article's
    stored title and text, as ``attack_search_refresh`` would build it after the link; the
    caller need not rebuild it. One write of the new row instead of two (issue 19: the
    UPDATE fired the attack's statement triggers again, ~2-3 ms of PostgreSQL an article).
    """
    unknown = set(fields) - EDITABLE_FIELDS - {"status", "retraction_reason"}
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be set."))
    attack = Attack(created_by=by if by and by.pk else None, **fields)
    if search_article_id is not None:
        attack.search_vector = RawSQL(_SEARCH_ONE_SQL, [attack.description, search_article_id])  # noqa: S611
    _place_defaults(attack, set(fields))
    _check_facts(attack, {"occurred_at", "place"})
    if validate_constraints:
        attack.full_clean(exclude=["search_vector"])
    else:
        attack.full_clean(exclude=["search_vector", "place", "wave"], validate_constraints=False)
    # The ingest path (unchecked) needs no savepoint, two round trips: any failure there fails
    # the caller's whole transaction and the article with it.
    with transaction.atomic(savepoint=validate_constraints), history_context(by, "attack_create"):
        attack.save()
        if search_article_id is not None:
            # The instance holds the expression, not the vector: left to be read if ever asked for.
            del attack.search_vector
        if munitions:
            _munitions_set(attack=attack, munitions=munitions, new=True)
        if refresh_search:
            attack_search_refresh(attack_ids=[attack.pk])
    return attack


def attack_update(*, attack: Attack, by, munitions=None, **fields) -> Attack:
    """Edit an attack's facts (not its status); ``munitions`` replaces the whole list when given.

    On a published attack only editors (and the system) edit; anyone else gets
    ``EditorReviewRequired`` and should propose the change instead.
    """
    not_editable = set(fields) - EDITABLE_FIELDS
    if not_editable:
        raise ValidationError(
            dict.fromkeys(sorted(not_editable), "Use attack_publish or attack_retract to change the status.")
        )
    with transaction.atomic(), history_context(by, "attack_update"):
        locked = Attack.objects.select_for_update().get(pk=attack.pk)
        if not editor_applies(locked, by):
            raise EditorReviewRequired("editing it")
        for name, value in fields.items():
            setattr(locked, name, value)
        if "place" in fields and "latitude" not in fields and "longitude" not in fields:
            # A new place with no new coordinates: the old coordinates belonged to the old place.
            locked.latitude = locked.longitude = None
        _place_defaults(locked, set(fields))
        _check_facts(locked, set(fields))
        locked.full_clean(exclude=["search_vector"])
        locked.save()
        if munitions is not None:
            # The save above moved updated_at, so a sync client sees munition changes too.
            _munitions_set(attack=locked, munitions=munitions)
        if "description" in fields:
            attack_search_refresh(attack_ids=[locked.pk])
    _copy_state(locked, attack)
    return attack


def _copy_state(source: Attack, target: Attack) -> None:
    if source is target:
        return
    for field in Attack._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    # Cached relations (place) may be stale after an edit.
    target._state.fields_cache.clear()


def attack_publish(*, attack: Attack, by) -> Attack:
    """Make an attack public (from draft, or again after a retraction). Publishing twice changes nothing.

    Refused, naming each missing piece, unless ``publish_missing`` finds nothing missing.
    """
    with transaction.atomic(), history_context(by, "attack_publish"):
        locked = Attack.objects.select_for_update().get(pk=attack.pk)
        if locked.status != AttackStatus.PUBLISHED:
            missing = publish_missing(locked)
            if missing:
                raise ValidationError(missing)
            locked.status = AttackStatus.PUBLISHED
            locked.retraction_reason = ""
            locked.full_clean(exclude=["search_vector"])
            locked.save(update_fields=["status", "retraction_reason", "updated_at"])
    _copy_state(locked, attack)
    return attack


def attack_retract(*, attack: Attack, by, reason: str) -> Attack:
    """Withdraw an attack from public view, with the reason why (kept in the history)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "A retraction needs a reason."})
    with transaction.atomic(), history_context(by, "attack_retract"):
        locked = Attack.objects.select_for_update().get(pk=attack.pk)
        if locked.status == AttackStatus.DRAFT:
            raise ValidationError({"status": "Only a published attack can be retracted; this one is a draft."})
        locked.status = AttackStatus.RETRACTED
        locked.retraction_reason = reason
        locked.save(update_fields=["status", "retraction_reason", "updated_at"])
    _copy_state(locked, attack)
    return attack


def _vector_sql(description: str, titles: str, texts: str) -> str:
    """The weighted search vector of an attack from SQL expressions for its description (A),
    its articles' titles (B) and texts (C): one definition for the rebuild and the INSERT."""
    return (
        f"setweight(to_tsvector('{SEARCH_CONFIG}', coalesce({description}, '')), 'A')"
        f" || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce({titles}, '')), 'B')"
        f" || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce({texts}, '')), 'C')"
    )


_SEARCH_SQL = f"""
UPDATE strikes_attack AS a
SET search_vector = {_vector_sql("a.description", "src.titles", "src.texts")}
FROM (
    SELECT ids.id,
           string_agg(ar.title, ' ' ORDER BY ar.id) AS titles,
           string_agg(left(ar.text, {SEARCH_TEXT_LIMIT}), ' ' ORDER BY ar.id) AS texts
    FROM unnest(%s::bigint[]) AS ids(id)
    LEFT JOIN sources_article AS ar ON ar.attack_id = ids.id
    GROUP BY ids.id
) AS src
WHERE a.id = src.id
"""  # noqa: S608 -- only module constants are interpolated; ids are a bound parameter

# The search vector of a new attack whose only article is the one with id %s (the second
# parameter): ``_SEARCH_SQL``'s expression for one attack with one linked article (the
# aggregates of one row are that row's title and text), for the INSERT of the attack; the
# description (first parameter) is the attack's own, not yet stored when this runs.
_SEARCH_ONE_SQL = f"""(
SELECT {_vector_sql("%s", "ar.title", f"left(ar.text, {SEARCH_TEXT_LIMIT})")}
FROM sources_article AS ar
WHERE ar.id = %s
)"""  # noqa: S608 -- only module constants are interpolated; the values are bound parameters

# Ids per UPDATE: big enough to be fast, small enough not to hold locks on half the table.
SEARCH_BATCH = 5_000


def attack_search_refresh(*, attack_ids: Iterable[int]) -> int:
    """Rebuild ``search_vector`` of these attacks from their description (weight A) and
    their linked articles' titles (B) and texts (C). Returns how many rows changed.

    One ``UPDATE ... FROM`` per batch of ids. It does not touch ``updated_at`` or the
    history: the search vector is an index, not a fact about the attack.
    """
    ids = sorted({int(i) for i in attack_ids if i is not None})
    changed = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), SEARCH_BATCH):
            cursor.execute(_SEARCH_SQL, [ids[start : start + SEARCH_BATCH]])
            changed += cursor.rowcount
    return changed
