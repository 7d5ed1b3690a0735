"""Linking: an extracted article joins an existing attack or proposes a new draft one.

Also the analyst's corrections of that grouping: moving an article, merging two
attacks and splitting one. Claims always follow their article; nothing is deleted
except an attack emptied by a merge, whose deletion pghistory keeps as an event.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from dataclasses import dataclass
from datetime import timedelta

import pghistory
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from casualties.models import Claim, Decision
from extraction import Gazetteer, extract
from sources.choices import ArticleStatus, ReviewState
from sources.models import Article
from strikes.choices import AttackStatus, GeoPrecision, PlaceKind, TimePrecision
from strikes.models import Attack, AttackMunition, Munition, Place

log = logging.getLogger(__name__)

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
PRECISION_BY_KIND = {
    PlaceKind.DISTRICT: GeoPrecision.DISTRICT,
    PlaceKind.CITY: GeoPrecision.CITY,
    PlaceKind.RAION: GeoPrecision.OBLAST,
    PlaceKind.OBLAST: GeoPrecision.OBLAST,
    PlaceKind.COUNTRY: GeoPrecision.COUNTRY,
}
# A link needs at least a place match and some agreement on time.
LINK_THRESHOLD = 0.6


# --- The gazetteer built from the database, cached per process ---


@dataclass
class _Reference:
    """The gazetteer and the Place and Munition rows it was built from, as of one stamp."""

    stamp: tuple
    gazetteer: Gazetteer
    places: dict[int, Place]
    munitions: list[Munition]
    children: dict[int, list[int]]  # place id -> ids of the places directly inside it


_REF: _Reference | None = None

# Row count and latest change of both tables in one round trip: any insert, edit or delete
# of a place or munition changes it, and the cached reference is rebuilt.
_STAMP_SQL = """
SELECT (SELECT count(*) FROM strikes_place), (SELECT max(updated_at) FROM strikes_place),
       (SELECT count(*) FROM strikes_munition), (SELECT max(updated_at) FROM strikes_munition)
"""


def _ref(pk: int | None) -> str | None:
    return f"place:{pk}" if pk else None


def _reference() -> _Reference:
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
            "ref_key": _ref(p.pk),
            "name": p.name,
            "aliases": p.aliases,
            "kind": p.kind,
            "parent_ref": _ref(p.parent_id),
            "oblast_ref": _ref(p.oblast_id),
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
    _REF = _Reference(
        stamp=stamp,
        gazetteer=Gazetteer.from_records(places, munitions),
        places={p.pk: p for p in place_rows},
        munitions=munition_rows,
        children=children,
    )
    return _REF


def db_gazetteer() -> Gazetteer:
    """The extractor's gazetteer from the Place and Munition tables, rebuilt only when they change."""
    return _reference().gazetteer


def _place_id(report_place: dict | None) -> int | None:
    ref = (report_place or {}).get("ref_key") or ""
    return int(ref.split(":", 1)[1]) if ref.startswith("place:") else None


# --- Matching ---


@dataclass
class Match:
    attack: Attack
    score: float
    reasons: list[str]


def _km(lat1, lon1, lat2, lon2) -> float:
    p = math.pi / 180
    a = (
        math.sin((lat2 - lat1) * p / 2) ** 2
        + math.cos(lat1 * p) * math.cos(lat2 * p) * math.sin((lon2 - lon1) * p / 2) ** 2
    )
    return 12742 * math.asin(math.sqrt(a))


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


def _event_date(report: dict) -> dt.date | None:
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
        and (d := _km(attack.latitude, attack.longitude, place.latitude, place.longitude))
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


def _candidates(place: Place, ev: dt.date | None, ref: _Reference):
    # The search vector (all linked articles' words) is the largest column and is not needed here.
    # Places come from the cached rows (see attack_match), so no join with the place table.
    qs = Attack.objects.exclude(status=AttackStatus.RETRACTED).defer("search_vector")
    here = models.Q(place_id__in=[place.pk, *ref.children.get(place.pk, ())])  # the place or a place in it
    if ev is not None:
        window = dt.timedelta(days=settings.LINK_DATE_WINDOW_DAYS + 1)
        start = timezone.make_aware(dt.datetime.combine(ev - window, dt.time.min))
        qs = qs.filter(occurred_at__gte=start, occurred_at__lt=start + 2 * window + dt.timedelta(days=1))
    if place.latitude is not None and place.longitude is not None:
        # A box a little larger than the linking distance; the exact distance is checked in _score.
        dlat = settings.LINK_MAX_DISTANCE_KM / 111 + 0.01
        dlon = dlat / max(math.cos(math.radians(place.latitude)), 0.2)
        qs = qs.filter(
            here
            | models.Q(
                latitude__range=(place.latitude - dlat, place.latitude + dlat),
                longitude__range=(place.longitude - dlon, place.longitude + dlon),
            )
        )
    else:
        qs = qs.filter(here)
    am = AttackMunition.objects.select_related("munition")
    return qs.order_by("-occurred_at").prefetch_related(models.Prefetch("attack_munitions", queryset=am))[:200]


def attack_match(*, place: Place, report: dict, ref: _Reference | None = None) -> Match | None:
    """The best existing attack for this report, or None when nothing is close enough.

    ``ref``: the cached reference data the caller already holds (read afresh if not given).
    """
    ev = _event_date(report)
    ref = ref or _reference()
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


# --- Processing one article ---


def _published_date(article: Article) -> dt.date | None:
    return timezone.localtime(article.published_at).date() if article.published_at else None


def article_document(article: Article) -> tuple[str, int]:
    """The text extraction reads: the title (when the text does not start with it) and the text.

    Returns (document, offset of ``article.text`` in it).
    """
    text = article.text or ""
    title = (article.title or "").strip()
    if title and not text.lstrip().startswith(title[:60]):
        prefix = title + "\n\n"
        return prefix + text, len(prefix)
    return text, 0


def _main_place(report: dict, known: dict[int, Place] | None = None) -> Place | None:
    """The place the report is about; ``known`` is the cached Place rows (read from the table if not given)."""
    places = report.get("places") or []
    if not places:
        return None
    if known is None:
        known = _reference().places
    main = known.get(_place_id(places[0]))
    if main is None:
        return None
    # One district of the main city, named in the article: the attack is placed there.
    districts = [p for p in places[1:] if p.get("kind") == PlaceKind.DISTRICT]
    if main.kind == PlaceKind.CITY and len(districts) == 1:
        district = known.get(_place_id(districts[0]))
        if district is not None and district.parent_id == main.pk:
            return district
    return main


def _occurred_at(report: dict, article: Article) -> tuple[dt.datetime, str]:
    ev = _event_date(report)
    if ev is not None:
        # Noon local time: the date stays the same in any time zone a reader uses.
        when = timezone.make_aware(dt.datetime.combine(ev, dt.time(12, 0)))
        precision = {"day": TimePrecision.DAY, "week": TimePrecision.WEEK, "month": TimePrecision.MONTH}.get(
            report.get("event_date_precision") or "day", TimePrecision.DAY
        )
        return when, precision
    # No date in the text and none published: when the article reached us, coarsely.
    return (article.published_at or article.created_at), (
        TimePrecision.WEEK if article.published_at else TimePrecision.MONTH
    )


def _munition_rows(report: dict, known: list[Munition] | None = None) -> list[tuple[Munition, int | None, str]]:
    """(munition, count, quote) per munition the report names; ``known`` is the cached Munition rows."""
    if known is None:
        known = _reference().munitions
    by_name = {m.name: m for m in known}
    generic: dict[str, list[Munition]] = {}
    for m in known:  # in pk order
        if m.is_generic:
            generic.setdefault(m.category, []).append(m)
    rows = []
    for item in report.get("munitions", []):
        if item.get("model"):
            mun = by_name.get(item.get("model"))
        else:
            mun = _generic_row(generic.get(item.get("category_code")) or [], item)
        if mun is not None and all(mun.pk != r[0].pk for r in rows):
            rows.append((mun, item.get("count"), (item.get("quote") or "")[:2000]))
    return rows


def _generic_row(rows: list[Munition], item: dict) -> Munition | None:
    """The generic row a generic mention means: the most specific name the quote spells exactly.

    Several generic rows share a category ("ballistic missile", "intercontinental ballistic
    missile"): a bare "ballistic missile" must not become the ICBM because that row came last.
    Without an exact phrase, the row named like the category ("ballistic missile") is taken."""
    if not rows:
        return None
    quote = (item.get("quote") or "").casefold()
    best, best_len = None, 0
    for m in rows:
        for phrase in [m.name, *(m.aliases or [])]:
            p = phrase.casefold().strip()
            if len(p) > best_len and re.search(r"(?<![\w-])" + re.escape(p) + r"(?![\w-])", quote):
                best, best_len = m, len(p)
    if best is not None:
        return best
    label = (item.get("category") or "").casefold()
    return next((m for m in rows if m.name.casefold() == label), None) or min(rows, key=lambda m: len(m.name))


def _attach_munitions(attack: Attack, report: dict, *, new: bool = False, known: list[Munition] | None = None) -> None:
    """Add the report's munitions the attack does not list yet; fill in a count it lacks.

    ``new``: the attack was created in this transaction and lists none yet (one INSERT for all).
    ``known``: the cached Munition rows (read from the table if not given).
    """
    rows = _munition_rows(report, known)
    if not rows:
        return
    existing = {} if new else {am.munition_id: am for am in AttackMunition.objects.filter(attack=attack)}
    missing = [
        AttackMunition(attack=attack, munition=mun, count=count, quote=quote)
        for mun, count, quote in rows
        if mun.pk not in existing
    ]
    if missing:
        # ignore_conflicts: a row another worker added meanwhile stands (as get_or_create did).
        AttackMunition.objects.bulk_create(missing, ignore_conflicts=not new)
    for mun, count, _quote in rows:
        am = existing.get(mun.pk)
        if am is not None and am.count is None and count is not None:
            am.count = count
            am.save(update_fields=["count"])


def _record_claims(article: Article, attack: Attack, report: dict, offset: int, *, new: bool = False) -> None:
    """The report's headline figures as extracted claims; a category the article already has is never overwritten."""
    from casualties.services import claims_record_extracted

    figures = []
    for category, fig in (report.get("headline") or {}).items():
        start = fig.get("start")
        inside = start is not None and start >= offset
        figures.append(
            {
                "category": category,
                "value": fig["value"],
                "qualifier": fig["qualifier"],
                "quote": fig.get("quote", ""),
                "quote_start": start - offset if inside else None,
                "quote_end": fig["end"] - offset if inside else None,
            }
        )
    if figures:
        claims_record_extracted(attack=attack, article=article, figures=figures, attack_is_new=new)


def _search_refresh(attack_ids) -> None:
    from strikes import services

    ids = [i for i in attack_ids if i]
    if ids:
        services.attack_search_refresh(attack_ids=ids)


def article_process(*, article_id: int) -> None:
    """Extract an article, link it to an attack (or propose a draft), record its figures as claims.

    Claims the row with a conditional UPDATE so two workers never process it at once, with a
    lease: a worker that dies mid-extraction leaves a row whose lease runs out, which the ingest
    sweeper (or the next run of this service) takes back instead of it staying ``extracting`` forever.
    Idempotent: a second run finds the same attack, and existing claims and munitions stay as they are.
    """
    now = timezone.now()
    claimable = Q(status__in=[ArticleStatus.FETCHED, ArticleStatus.EXTRACTED]) | Q(
        status=ArticleStatus.EXTRACTING, lease_expires_at__lt=now
    )
    claimed = Article.objects.filter(claimable, pk=article_id).update(
        status=ArticleStatus.EXTRACTING,
        lease_expires_at=now + timedelta(seconds=settings.INGEST_LEASE_SECONDS),
        updated_at=now,
    )
    if not claimed:
        return
    try:
        _process(article_id)
    except Exception as exc:
        Article.objects.filter(pk=article_id).update(
            status=ArticleStatus.FAILED,
            error=f"extraction: {exc!r}"[:2000],
            lease_expires_at=None,
            updated_at=timezone.now(),
        )
        raise


def _process(article_id: int) -> None:
    from strikes.services import attack_create

    # The raw page (kept for provenance) and the old report are not needed here: not read at all.
    # The outlet comes along for the claims' figures (its grade weighs them).
    article = Article.objects.select_related("outlet").defer("raw_body", "report").get(pk=article_id)
    ref = _reference()
    document, offset = article_document(article)
    report = extract(document, published=_published_date(article), gazetteer=ref.gazetteer).to_dict()
    report["text_offset"] = offset
    touched = []
    with transaction.atomic(), pghistory.context(user=None, service="article_process"):
        article.report = report
        place = _main_place(report, ref.places) if report["is_strike_report"] else None
        if article.review_state == ReviewState.REJECTED:
            pass  # an analyst rejected it: the report is refreshed, nothing is linked again
        elif not report["is_strike_report"]:
            if article.attack_id is None:
                article.link_score = None
                article.link_explanation = "Not a strike report: no attack proposed."
        elif place is None:
            if article.attack_id is None:
                article.link_explanation = "No known place in the text: link it by hand."
        else:
            attack = article.attack
            new = False
            if attack is None:
                match = attack_match(place=place, report=report, ref=ref)
                if match is not None:
                    attack = match.attack
                    article.link_score = match.score
                    article.link_explanation = ", ".join(match.reasons)
                else:
                    occurred_at, time_precision = _occurred_at(report, article)
                    attack = attack_create(
                        by=None,
                        place=place,
                        latitude=place.latitude,
                        longitude=place.longitude,
                        geo_precision=PRECISION_BY_KIND.get(place.kind, GeoPrecision.CITY),
                        occurred_at=occurred_at,
                        time_precision=time_precision,
                        description=(article.title or "")[:500],
                        # Built from the gazetteer row just read; the search vector is rebuilt below.
                        validate_constraints=False,
                        refresh_search=False,
                    )
                    new = True
                    article.link_score = None
                    why = "no attack at this place and date yet: new draft attack"
                    if not report.get("event_date"):
                        why += " (the article gives no date: the time is when it was published or received)"
                    article.link_explanation = why
                article.attack = attack
            _attach_munitions(attack, report, new=new, known=ref.munitions)
            _record_claims(article, attack, report, offset, new=new)
            touched.append(attack.pk)
        article.status = ArticleStatus.EXTRACTED
        article.error = ""
        article.lease_expires_at = None
        article.save(
            update_fields=[
                *("report", "attack", "link_score", "link_explanation", "status", "error"),
                *("lease_expires_at", "updated_at"),
            ]
        )
        # In the same transaction: the attack is never committed without its article's words
        # in its search vector (a worker dying between the two used to leave it unsearchable).
        _search_refresh(touched)


# --- Analysts' corrections ---


def _refresh_figures(*attacks) -> None:
    from casualties.services import figures_refresh

    for attack in attacks:
        if attack is not None and Attack.objects.filter(pk=attack.pk).exists():
            figures_refresh(attack=attack)


def _lock_attacks(*attacks) -> None:
    """Lock the attack rows, lowest pk first, before any claim is touched.

    The claims services lock the attack row first too; taking the same locks in the same order
    is what keeps a move, merge or split and a concurrent claim_record from deadlocking."""
    pks = sorted({a.pk for a in attacks if a is not None})
    list(Attack.objects.select_for_update().filter(pk__in=pks).order_by("pk"))


def article_move(*, article: Article, attack: Attack, by) -> Article:
    """Move an article, with its claims, to another attack."""
    old = article.attack
    if old is not None and old.pk == attack.pk:
        return article
    with transaction.atomic(), pghistory.context(user=by.pk if by else None, service="article_move"):
        _lock_attacks(old, attack)
        if old is not None:
            for claim in Claim.objects.filter(article=article, attack=old):
                claim.attack = attack
                claim.save(update_fields=["attack", "updated_at"])
        article.attack = attack
        article.link_score = None
        article.link_explanation = f"moved by {by.get_username() if by else 'the system'}"
        article.save(update_fields=["attack", "link_score", "link_explanation", "updated_at"])
        _attach_munitions(attack, article.report or {})
        _refresh_figures(old, attack)
    _search_refresh([attack.pk, old.pk if old else None])
    return article


def attack_merge(*, source: Attack, target: Attack, by) -> Attack:
    """Merge ``source`` into ``target``: its articles, claims, munitions and decisions move; source is deleted."""
    if source.pk == target.pk:
        return target
    with transaction.atomic(), pghistory.context(user=by.pk if by else None, service="attack_merge", merged=source.pk):
        # Both rows (``.first()`` here used to lock only the lower one).
        _lock_attacks(source, target)
        for claim in Claim.objects.filter(attack=source):
            claim.attack = target
            claim.save(update_fields=["attack", "updated_at"])
        Article.objects.filter(attack=source).update(attack=target, link_explanation=f"merged from attack {source.pk}")
        for am in AttackMunition.objects.filter(attack=source):
            mine, created = AttackMunition.objects.get_or_create(
                attack=target, munition=am.munition, defaults={"count": am.count, "quote": am.quote}
            )
            if not created and mine.count is None and am.count is not None:
                mine.count = am.count
                mine.save(update_fields=["count"])
        # Decisions move where the target has none for that figure; the target's decision stands
        # otherwise, and the source's versions stay in the history when the source is deleted.
        taken = set(Decision.objects.filter(attack=target).values_list("category", flat=True))
        for decision in Decision.objects.filter(attack=source).exclude(category__in=taken):
            decision.attack = target
            decision.save(update_fields=["attack", "updated_at"])
        if target.wave_id is None and source.wave_id is not None:
            target.wave_id = source.wave_id
            target.save(update_fields=["wave", "updated_at"])
        source.delete()
        _refresh_figures(target)
    _search_refresh([target.pk])
    return target


def attack_split(*, attack: Attack, article_ids, by) -> Attack:
    """Move the given articles (and their claims) from ``attack`` to a new draft attack at the same place and time."""
    from strikes.services import attack_create

    ids = list(Article.objects.filter(attack=attack, pk__in=list(article_ids)).values_list("pk", flat=True))
    if not ids:
        raise ValueError("None of these articles belong to this attack.")
    with (
        transaction.atomic(),
        pghistory.context(user=by.pk if by else None, service="attack_split", split_from=attack.pk),
    ):
        _lock_attacks(attack)
        new = attack_create(
            by=by,
            place=attack.place,
            latitude=attack.latitude,
            longitude=attack.longitude,
            geo_precision=attack.geo_precision,
            occurred_at=attack.occurred_at,
            time_precision=attack.time_precision,
            target_type=attack.target_type,
            description=f"Split from attack {attack.pk}. {attack.description}"[:2000],
        )
        for claim in Claim.objects.filter(attack=attack, article_id__in=ids):
            claim.attack = new
            claim.save(update_fields=["attack", "updated_at"])
        Article.objects.filter(pk__in=ids).update(attack=new, link_explanation=f"split from attack {attack.pk}")
        for article in Article.objects.filter(pk__in=ids):
            _attach_munitions(new, article.report or {})
        _refresh_figures(attack, new)
    _search_refresh([attack.pk, new.pk])
    return new


def article_confirm(*, article: Article, by) -> Article:
    """An analyst confirms the pipeline's proposal for this article (publishes nothing)."""
    with transaction.atomic(), pghistory.context(user=by.pk if by else None, service="article_confirm"):
        article.review_state = ReviewState.CONFIRMED
        article.save(update_fields=["review_state", "updated_at"])
    return article


def article_reject(*, article: Article, by, reason: str = "") -> Article:
    """An analyst rejects the proposal: the article's extracted claims are withdrawn (kept, not deleted)."""
    from casualties.services import claim_withdraw

    reason = reason.strip() or "article rejected in review"
    with transaction.atomic(), pghistory.context(user=by.pk if by else None, service="article_reject"):
        article.review_state = ReviewState.REJECTED
        article.save(update_fields=["review_state", "updated_at"])
        for claim in Claim.objects.filter(article=article, origin="extracted", withdrawn_at__isnull=True):
            claim_withdraw(claim=claim, by=by, reason=reason)
    return article
