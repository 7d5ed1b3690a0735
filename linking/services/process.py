"""Processing one stored article: extract, link to an attack (or propose a draft), record its figures.

The article's own state (claim, lease, outcome, link) is written by the ``sources`` services
this module calls; here is decided what to record.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging

from django.core.serializers.json import DjangoJSONEncoder
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from casualties.services.grades import grade_refresh
from config.history import history_context
from extraction import extract
from linking.services.matching import attack_match, event_date
from linking.services.munitions import attach_munitions
from linking.services.reference import VERSION_SQL, reference_data
from linking.services.waves import night_wave_attach
from sources.choices import ReviewState
from sources.models import Article, Outlet
from sources.services import (
    article_extraction_claim,
    article_extraction_fail,
    article_extraction_record,
    article_extraction_unclaim,
)
from strikes.choices import GeoPrecision, PlaceKind, TimePrecision
from strikes.models import Attack, Place
from strikes.refs import place_id_of

log = logging.getLogger(__name__)

PRECISION_BY_KIND = {
    PlaceKind.DISTRICT: GeoPrecision.DISTRICT,
    PlaceKind.CITY: GeoPrecision.CITY,
    PlaceKind.RAION: GeoPrecision.OBLAST,
    PlaceKind.OBLAST: GeoPrecision.OBLAST,
    PlaceKind.COUNTRY: GeoPrecision.COUNTRY,
}


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
        known = reference_data().places
    main = known.get(place_id_of(places[0]))
    if main is None and places[0].get("centre"):
        # A raion or hromada named only by its centre ("Синельниківський район"): its extent is
        # not in the gazetteer, so the attack goes to the oblast around that centre, as it would
        # for a text naming only the oblast; the analyst narrows it down on review.
        centre = known.get(place_id_of(places[0]["centre"]))
        main = known.get(centre.oblast_id) if centre is not None and centre.oblast_id else None
    if main is None:
        return None
    # One district of the main city, named in the article: the attack is placed there.
    districts = [p for p in places[1:] if p.get("kind") == PlaceKind.DISTRICT]
    if main.kind == PlaceKind.CITY and len(districts) == 1:
        district = known.get(place_id_of(districts[0]))
        if district is not None and district.parent_id == main.pk:
            return district
    return main


def _occurred_at(report: dict, article: Article) -> tuple[dt.datetime, str]:
    ev = event_date(report)
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


def _record_claims(article: Article, attack: Attack, report: dict, offset: int, *, new: bool = False) -> None:
    """The report's headline figures as extracted claims; a category the article already has is never overwritten.

    The grade is left to the caller (``store_grade=False``): it is stored once the article is
    linked and counts among the attack's sources, not computed here first and thrown away.
    """
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
        claims_record_extracted(attack=attack, article=article, figures=figures, attack_is_new=new, store_grade=False)


def search_refresh(attack_ids) -> None:
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
    if not article_extraction_claim(article_id=article_id):
        return
    try:
        _process(article_id)
    except (OperationalError, InterfaceError):
        # A dropped connection or a restarting server is not the article's fault: handed back
        # for the task's retry, never recorded as failed.
        article_extraction_unclaim(article_id=article_id)
        raise
    except Exception as exc:
        article_extraction_fail(article_id=article_id, error=f"extraction: {exc!r}")
        raise


# Article columns extraction leaves unread: the raw page (kept for provenance), the old report.
_UNREAD = frozenset({"raw_body", "report"})


@functools.cache
def _article_sql() -> str:
    """The article's read for ``_process``, written once per process: its columns (but
    ``_UNREAD``), its outlet's as ``outlet__<column>`` and the reference data's version.

    The queryset it replaces (``select_related("outlet").defer(...).annotate(...)``) built and
    compiled the same statement for every article: 1.1-1.25 ms of a worker's CPU per read
    against 0.45-0.7 ms for this one (200 reads each, interleaved, load 12; issue 19). The
    article, its outlet and the deferred fields are the same (``_article_read``).
    """
    qn = connection.ops.quote_name
    article = [f"a.{qn(f.column)}" for f in Article._meta.concrete_fields if f.attname not in _UNREAD]
    outlet = [f"o.{qn(f.column)} AS {qn('outlet__' + f.column)}" for f in Outlet._meta.concrete_fields]
    # The models' own table and column names and a module constant: no input in the text.
    return (
        f"SELECT {', '.join(article + outlet)}, ({VERSION_SQL}) AS reference_version"  # noqa: S608
        f" FROM {qn(Article._meta.db_table)} a LEFT JOIN {qn(Outlet._meta.db_table)} o ON o.id = a.outlet_id"
        " WHERE a.id = %s"
    )


def _article_read(article_id: int) -> Article:
    """The article as ``_process`` needs it: ``_UNREAD`` deferred, its outlet loaded, and the
    reference data's version (``reference_version``) from the same statement."""
    article = next(iter(Article.objects.raw(_article_sql(), [article_id])), None)
    if article is None:
        raise Article.DoesNotExist(f"Article {article_id} does not exist.")
    fields = Outlet._meta.concrete_fields
    values = [article.__dict__.pop(f"outlet__{f.column}") for f in fields]
    if article.outlet_id is not None:
        outlet = Outlet.from_db(article._state.db, [f.attname for f in fields], values)
        Article._meta.get_field("outlet").set_cached_value(article, outlet)
    else:
        Article._meta.get_field("outlet").set_cached_value(article, None)
    return article


def _process(article_id: int) -> None:
    # One statement: the article, its outlet (its grade weighs the claims' figures) and the
    # reference data's version (one round trip fewer per article).
    article = _article_read(article_id)
    ref = reference_data(article.reference_version)
    document, offset = article_document(article)
    report = extract(document, published=_published_date(article), gazetteer=ref.gazetteer).to_dict()
    report["text_offset"] = offset
    touched = []
    with transaction.atomic(), history_context(None, "article_process"):
        # What the article's link becomes; unchanged unless a branch below says otherwise.
        link = {"attack": None, "link_score": article.link_score, "link_explanation": article.link_explanation}
        place = _main_place(report, ref.places) if report["is_strike_report"] else None
        if article.review_state == ReviewState.REJECTED:
            pass  # an analyst rejected it: the report is refreshed, nothing is linked again
        elif not report["is_strike_report"]:
            if article.attack_id is None:
                link.update(link_score=None, link_explanation="Not a strike report: no attack proposed.")
        elif place is None:
            if article.attack_id is None:
                link["link_explanation"] = "No known place in the text: link it by hand."
        else:
            attack = article.attack
            new = False
            if attack is None:
                match = attack_match(place=place, report=report, ref=ref)
                if match is not None:
                    attack = match.attack
                    link.update(link_score=match.score, link_explanation=", ".join(match.reasons))
                else:
                    attack = _draft_attack(article, report, place)
                    new = True
                    why = "no attack at this place and date yet: new draft attack"
                    if not report.get("event_date"):
                        why += " (the article gives no date: the time is when it was published or received)"
                    link.update(link_score=None, link_explanation=why)
                link["attack"] = attack
            attach_munitions(attack, report, new=new, known=ref.munitions)
            _record_claims(article, attack, report, offset, new=new)
            touched.append((attack, new))
        if article.review_state != ReviewState.REJECTED:
            # The night's counts go to the night's wave, never to the attack as claims.
            linked = link["attack"] or (article.attack if article.attack_id else None)
            wave = night_wave_attach(article=article, report=report, attack=linked, known=ref.munitions)
            report["wave_id"] = wave.pk if wave is not None else None
        article_extraction_record(article=article, report=report, **link)
        for attack, new in touched:
            # Now that the article counts among its sources; the one grade computed for it (the
            # claims above left it). A new attack is this transaction's own: graded from the
            # object, which holds its row, and from this article, its only linked one.
            if new:
                grade_refresh(attack=attack, attack_is_new=True, linked=_linked_as_graded(article))
            else:
                grade_refresh(attack=attack.pk)
        # In the same transaction: the attack is never committed without its article's words
        # in its search vector (a worker dying between the two used to leave it unsearchable).
        # A new attack had its vector written with it, from this article (``_draft_attack``).
        search_refresh([attack.pk for attack, new in touched if not new])


def _linked_as_graded(article: Article) -> list[dict] | None:
    """The article just linked to a new attack, as the grade reads an attack's linked articles
    (``casualties.services.grades.LINKED_FIELDS``); None (the grade reads them) for a duplicate,
    which does not count among an attack's sources.

    A new attack (created in this transaction, so no one else sees it) has this article alone
    linked: the grade's read of its linked articles (~3 ms of a worker's CPU per article, issue
    19) would return this row. The report's values go through JSON as the stored report does,
    so the grade compares the same values it would have read.
    """
    if article.duplicate_of_id is not None:
        return None
    report = article.report or {}
    outlet = article.outlet
    return [
        {
            "id": article.pk,
            "outlet_id": article.outlet_id,
            "outlet__name": outlet.name if outlet is not None else None,
            "outlet__grade": outlet.grade if outlet is not None else None,
            "canonical_url": article.canonical_url,
            "url": article.url,
            **json.loads(
                json.dumps(
                    {
                        "report__event_date": report.get("event_date"),
                        "report__places__0": (report.get("places") or [None])[0],
                    },
                    cls=DjangoJSONEncoder,
                )
            ),
        }
    ]


def _draft_attack(article: Article, report: dict, place: Place) -> Attack:
    """A new draft attack at the report's place and date (no existing attack matched)."""
    from strikes.services import attack_create

    occurred_at, time_precision = _occurred_at(report, article)
    return attack_create(
        by=None,
        place=place,
        latitude=place.latitude,
        longitude=place.longitude,
        geo_precision=PRECISION_BY_KIND.get(place.kind, GeoPrecision.CITY),
        occurred_at=occurred_at,
        time_precision=time_precision,
        description=(article.title or "")[:500],
        # Built from the gazetteer row just read.
        validate_constraints=False,
        refresh_search=False,
        # Its only article will be this one, linked before the transaction commits: the vector
        # is written by the INSERT from it, not by an UPDATE after the link.
        search_article_id=article.pk,
    )
