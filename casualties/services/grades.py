"""Evidence grades: computed from an attack's sources (``casualties.grades``), stored on the attack,
and overridden by an editor with a reason, in versions like decisions.

The stored grade is rewritten wherever what it depends on changes: ``figures_write`` (every claim
and decision service, merges and splits) stores ``grade_effective``; ``grade_refresh`` is called
by the attack-edit service (place and date) and by linking when an article is linked, moved or
rejected (the ingest path records its claims with ``store_grade=False`` and grades once, after
the link). ``grades_refresh`` re-grades many attacks (an upgraded database, an outlet's grade
changed: ``manage.py grades_refresh``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from casualties import grades as rules
from casualties.models import Claim, GradeOverride
from casualties.services._common import lock_attack
from config.geo import km_between
from config.history import history_context
from config.roles import can_decide
from sources.choices import OutletGrade, ReviewState
from sources.models import Article
from strikes.choices import AttackStatus, EvidenceGrade
from strikes.models import Attack, Place
from strikes.refs import place_id_of

# A source's own place of the event farther than the linking distance (LINK_MAX_DISTANCE_KM) from
# the attack's, neither inside the other, places it elsewhere: linking would not have joined them
# by place. A source's own event date more than the linking window (LINK_DATE_WINDOW_DAYS) from
# the attack's local date is another day (a report published after midnight on a night strike
# says "yesterday" or the night's two dates).


def _lineage(place: Place | None) -> set[int]:
    """The place and the places it lies in (district, city, raion, oblast)."""
    ids, seen = set(), place
    while seen is not None and seen.pk not in ids:
        ids.add(seen.pk)
        seen = seen.parent
    return ids


def _place_disagrees(attack: Attack, reported: Place | None) -> bool:
    if reported is None or attack.place_id is None or reported.pk == attack.place_id:
        return False
    if attack.place_id in _lineage(reported) or reported.pk in _lineage(attack.place):
        return False  # one inside the other: the same event, told at another level
    here = (attack.latitude, attack.longitude) if attack.latitude is not None else None
    there = (reported.latitude, reported.longitude) if reported.latitude is not None else None
    if here is None or there is None:
        return True
    return km_between(here[0], here[1], there[0], there[1]) > settings.LINK_MAX_DISTANCE_KM


def _date_disagrees(attack: Attack, reported: str | None) -> bool:
    try:
        day = dt.date.fromisoformat(reported) if reported else None
    except (TypeError, ValueError):
        return False
    if day is None:
        return False
    return abs((timezone.localtime(attack.occurred_at).date() - day).days) > settings.LINK_DATE_WINDOW_DAYS


def grade_sources(attack: Attack, *, labels: bool = True, linked: list[dict] | None = None) -> list[rules.Source]:
    """The attack's sources as the rules see them: its linked articles (one per outlet) and the
    labels of claims that cite no article (a dataset, a statement typed in by hand).

    ``labels=False``: the caller knows the attack has no claim without an article (an attack
    created in its own transaction, whose claims it recorded from an article): not read.
    ``linked``: the caller holds the attack's linked articles, as rows of the read below
    (``LINKED_FIELDS``): not read."""
    if linked is None:
        linked = _linked_rows(attack)
    return _sources(attack, linked, labels=labels)


# What the rules read of each linked article: its outlet, its URL, the report's date and main place.
LINKED_FIELDS = (
    "id",
    "outlet_id",
    "outlet__name",
    "outlet__grade",
    "canonical_url",
    "url",
    "report__event_date",
    "report__places__0",
)


def _linked_rows(attack: Attack) -> list[dict]:
    """The attack's linked articles that count as its sources, oldest first, as ``LINKED_FIELDS`` rows."""
    # Only the report's date and first (main) place are read, not the whole report.
    # A rejected article stays linked but an analyst said it is not about this attack: not a
    # source once its claims are withdrawn. While a claim of it still stands (on a published
    # attack the withdrawal waits for an editor, who may refuse it) it still speaks for it.
    standing = Claim.objects.filter(attack_id=attack.pk, withdrawn_at__isnull=True, article__isnull=False)
    linked = Article.objects.filter(attack_id=attack.pk, duplicate_of__isnull=True).exclude(
        Q(review_state=ReviewState.REJECTED) & ~Q(pk__in=standing.values("article_id"))
    )
    if attack.status == AttackStatus.PUBLISHED:
        # Only editors change what the public sees: an article whose figures still wait for an
        # editor (recorded after publication) counts once the editor has accepted them. A
        # withdrawn claim waits for no one (it keeps its pending flag): only live ones hold back.
        linked = linked.exclude(pk__in=standing.filter(pending_review=True).values("article_id"))
    return list(linked.order_by("published_at", "id").values(*LINKED_FIELDS))


def _sources(attack: Attack, articles: list[dict], *, labels: bool) -> list[rules.Source]:
    """The rules' sources from the linked articles' rows, and (``labels``) the claim labels read."""
    # Places are read only when a source names one other than the attack's (rarely).
    place_ids = {pid for row in articles if (pid := place_id_of(row["report__places__0"]))} - {attack.place_id}
    known = {}
    if place_ids and attack.place_id:
        lineage = "parent__parent__parent"
        known = {p.pk: p for p in Place.objects.filter(pk__in=place_ids | {attack.place_id}).select_related(lineage)}
        attack.place = known[attack.place_id]
    sources = []
    for row in articles:
        if row["outlet_id"]:
            key, name = f"outlet:{row['outlet_id']}", row["outlet__name"]
        else:
            key = f"article:{row['id']}"
            name = urlsplit(row["canonical_url"] or row["url"] or "").hostname or f"article {row['id']}"
        against = []
        if _place_disagrees(attack, known.get(place_id_of(row["report__places__0"]))):
            against.append("place")
        if _date_disagrees(attack, row["report__event_date"]):
            against.append("date")
        sources.append(
            rules.Source(
                key=key,
                name=name,
                official=row["outlet__grade"] == OutletGrade.OFFICIAL,
                disagrees_on=tuple(against),
            )
        )
    if not labels:
        return sources
    cited = (
        Claim.objects.filter(attack_id=attack.pk, article__isnull=True, withdrawn_at__isnull=True)
        .exclude(source_label="")
        .exclude(pending_review=True)  # waiting for an editor, like an article's
        .values_list("source_label", flat=True)
        .distinct()
    )
    sources.extend(rules.label_source(label) for label in cited if label.strip())
    return sources


def grade_computed(attack: Attack) -> rules.Graded:
    """The grade the rules give this attack now (whatever an editor has set)."""
    return rules.grade_of(grade_sources(attack), figures_disputed=attack.disputed)


def current_override(attack_id: int) -> GradeOverride | None:
    return GradeOverride.objects.filter(attack_id=attack_id, is_current=True).first()


def grade_effective(attack: Attack) -> str:
    """The grade the attack should show: the editor's current override, else the computed one."""
    override = current_override(attack.pk)
    return override.grade if override and override.grade else grade_computed(attack).grade


def grade_write(attack: Attack, grade: str | None = None) -> str:
    """Store the attack's grade (the editor's override, else the computed one; ``grade``: already
    computed by the caller); for a caller holding the attack's lock. Moves ``updated_at`` only
    when the grade changes."""
    if grade is None:
        grade = grade_effective(attack)
    if grade != attack.grade:
        Attack.objects.filter(pk=attack.pk).update(grade=grade, updated_at=timezone.now())
        attack.grade = grade
    return grade


def grade_refresh(*, attack, attack_is_new: bool = False, linked: list[dict] | None = None) -> str:
    """Recompute and store the attack's grade; returns it.

    ``attack_is_new``: ``attack`` is an Attack the caller created in its open transaction and
    has kept up to date (its figures' ``disputed`` and ``grade`` set on it as written), with
    claims only from articles. No one else can see it yet, so the object is the row: it needs
    no lock and no re-read, and it has no editor's grade and no claim labels to read. Of the
    four queries of a grade, one is left (its linked articles), as the ingest path, which
    creates an attack for most new articles, needs it (issue 19). ``linked``: with
    ``attack_is_new``, the caller holds those articles too (the one it just linked, as rows of
    ``LINKED_FIELDS``), so none is read.
    """
    if attack_is_new:
        sources = grade_sources(attack, labels=False, linked=linked)
        return grade_write(attack, rules.grade_of(sources, figures_disputed=attack.disputed).grade)
    # No savepoint: nothing here is expected to fail, and an error fails the caller's
    # transaction all the same (inside the ingest path's, it saves two round trips).
    with transaction.atomic(savepoint=False):
        locked = lock_attack(attack)
        grade = grade_write(locked)
    if isinstance(attack, Attack):
        attack.grade = grade
    return grade


def grades_refresh(
    attack_ids: Iterable[int] | None = None, *, batch: int = 500, progress: Callable[[int, int], None] | None = None
) -> int:
    """Re-grade many attacks (all when ``attack_ids`` is None), a transaction per batch; returns
    how many changed. ``progress(done, total)`` is called after each batch. Attacks with no
    article, no claim label and no override are single-source by definition, so only the others
    (and those stored as anything else) are read."""
    if attack_ids is None:
        # One statement; UNION leaves the duplicates (an attack's many articles) in the database.
        with_articles = Article.objects.filter(attack__isnull=False).values_list("attack_id")
        labelled = Claim.objects.filter(article__isnull=True).exclude(source_label="").values_list("attack_id")
        overridden = GradeOverride.objects.values_list("attack_id")
        # A stored grade other than single source with nothing left to read (its articles
        # deleted or unlinked behind the services' back) is stale too.
        graded = Attack.objects.exclude(grade=EvidenceGrade.SINGLE_SOURCE).values_list("pk")
        attack_ids = [pk for (pk,) in with_articles.union(labelled, overridden, graded)]
    ids = sorted(set(attack_ids))
    changed = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic(), history_context(None, "grades_refresh"):
            # Locked in primary-key order, as merges and moves lock theirs: no deadlock between them.
            chunk = Attack.objects.select_for_update().filter(pk__in=ids[start : start + batch]).order_by("pk")
            for attack in chunk:
                before = attack.grade
                if grade_write(attack) != before:
                    changed += 1
        if progress is not None:
            progress(min(start + batch, len(ids)), len(ids))
    return changed


def grade_override(*, attack, grade: str, reason: str, by, expected_version: int | None = None) -> GradeOverride:
    """An editor sets the attack's grade (``grade`` empty: back to the computed grade), with a
    reason; a new version, the previous one kept. ``expected_version``: the version the editor
    saw (0 for none); refused if another editor changed it since."""
    if not can_decide(by):
        raise PermissionError("Only an editor changes an attack's evidence grade.")
    if grade and grade not in EvidenceGrade.values:
        raise ValidationError({"grade": f"'{grade}' is not one of: {', '.join(EvidenceGrade.values)}."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the reason is shown with the grade and kept in its history."})
    with transaction.atomic(), history_context(by, "grade_override"):
        locked = lock_attack(attack)
        current = GradeOverride.objects.select_for_update().filter(attack=locked, is_current=True).first()
        now = current.version if current else 0
        if expected_version is not None and expected_version != now:
            raise ValidationError(
                {"grade": f"The grade changed while you were editing (version {now} is now current); reload."}
            )
        if not grade and (current is None or not current.grade):
            raise ValidationError({"grade": "The grade is already the computed one."})
        # The highest version, not the current one's: the admin may leave no version current.
        last = GradeOverride.objects.filter(attack=locked).aggregate(v=Max("version"))["v"] or 0
        if current is not None:
            GradeOverride.objects.filter(pk=current.pk).update(is_current=False, updated_at=timezone.now())
        override = GradeOverride.objects.create(
            attack=locked, version=last + 1, is_current=True, grade=grade, reason=reason, decided_by=by
        )
        grade_write(locked)
    if isinstance(attack, Attack):
        attack.grade = locked.grade
    return override


def grade_history(attack_id: int) -> list[GradeOverride]:
    """Every version of the editors' grade for the attack, newest first."""
    return list(GradeOverride.objects.filter(attack_id=attack_id).select_related("decided_by").order_by("-version"))
