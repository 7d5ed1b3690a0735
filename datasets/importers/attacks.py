"""Writing dataset events as attacks, with their sources, claims and decisions (UCDP and ACLED).

Each importer turns rows into :class:`AttackRecord` values (pure); :func:`attack_records_write`
writes a batch of them in one transaction:

- attacks are looked up by (external_source, external_id) in one query, new ones
  validated and bulk-created, changed ones bulk-updated (the pghistory triggers record
  every insert and update with the import's context: who ran it and which importer);
  the status of an attack that already exists is never changed by a re-import, so a
  retraction or a publication by an editor stands;
- an event id of our own CSV export (``UKR-SW123``) that names an existing attack is
  that attack: it is left as it is (Strikewatch is the source of truth for its own
  attacks) and nothing is added to it;
- attacks, their munition links, outlets and sources are written here directly in bulk
  (no per-row service call: a dataset has 100k+ events); sources become
  :class:`~sources.models.Article` rows (origin "import", status "fetched", the headline
  as title, no text), once per attack, title, outlet and date;
- figures are written by the casualties services. A new attack's claims, version-1
  decisions and published figures by ``FiguresImport`` in bulk (a few queries per batch);
  an attack already here through ``claim_record`` for the dataset's figure and
  ``decision_make`` for UCDP's best/low/high, which lock it and keep versions. A figure
  that changed in a newer file withdraws the old claim (``claim_withdraw``) and records
  the new one. A decision is only made while the current decision is the dataset's own
  (or there is none): an editor's later decision is never overwritten by a re-import.

When a batch fails, it is rolled back whole and retried one record per transaction,
so one bad record is reported with its line number and the others are still imported.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from datasets.importers.common import ImportStopped, ImportSummary

# Event ids of our own CSV export: UKR-SW<attack id>.
OWN_EVENT_ID = re.compile(r"^[A-Z]{3}-SW(\d+)$")


@dataclass
class FigureRecord:
    """A figure a dataset gives for an event, recorded as a claim."""

    category: str
    value: int
    low: int
    high: int | None
    qualifier: str
    source_label: str
    reported_at: dt.datetime


@dataclass
class DecisionRecord:
    """A figure the dataset has already decided (UCDP's best/low/high), recorded as a decision."""

    category: str
    best: int
    low: int
    high: int | None
    rationale: str
    source_label: str


@dataclass
class SourceRecord:
    """A published source of an event: its headline, outlet, date and (when given) URL."""

    title: str
    outlet: str = ""
    published_at: dt.datetime | None = None
    url: str = ""


@dataclass
class AttackRecord:
    """One event of a dataset, in our terms, ready to write."""

    line: int
    external_source: str
    external_id: str
    fields: dict  # Attack fields: occurred_at, time_precision, latitude, longitude, geo_precision, place_id, ...
    status: str
    claims: list[FigureRecord] = field(default_factory=list)
    decisions: list[DecisionRecord] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    munition_ids: list[tuple[int, int | None]] = field(default_factory=list)  # (munition id, count or None)
    own_id: int | None = None  # the attack id in an event id of our own export
    own_created_at: dt.datetime | None = None  # and its created_at there, to tell it from another site's attack


# Attack fields an import sets; compared on re-import to decide whether to update.
IMPORTED_FIELDS = (
    "occurred_at",
    "time_precision",
    "place_id",
    "latitude",
    "longitude",
    "geo_precision",
    "target_type",
    "description",
)


def attack_records_write(
    *,
    records: list[AttackRecord],
    summary: ImportSummary,
    by,
    service: str,
    batch_size: int = 200,
    show_progress: bool = False,
) -> None:
    """Write records in batches (one transaction each), reporting per record what happened."""
    from datasets.importers.common import batched, progress_bar

    with progress_bar(total=len(records), desc="attacks", enabled=show_progress) as bar:
        for batch in batched(records, batch_size):
            try:
                _write_batch(batch, summary, by, service)
            except Exception as exc:  # isolate the bad record: retry the batch one record at a time
                stop_if_not_about_rows(exc, batch[0].line)
                for record in batch:
                    try:
                        _write_batch([record], summary, by, service)
                    except Exception as exc:  # reported with its line; the other records go on
                        stop_if_not_about_rows(exc, record.line)
                        summary.problem(record.line, f"not imported: {_reason(exc)}")
            bar.update(len(batch))


def stop_if_not_about_rows(exc: Exception, line: int) -> None:
    """A database that is down or lacks a migration fails every row alike: stop, don't report each."""
    from django.db import DatabaseError, DataError, IntegrityError

    if isinstance(exc, DatabaseError) and not isinstance(exc, DataError | IntegrityError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        raise ImportStopped(
            f"The import stopped at line {line}: the database refused the write ({exc.__class__.__name__}: "
            f"{first}). Batches before that line were imported; fix the cause (e.g. `manage.py migrate`) "
            "and run the import again: rows already imported are not duplicated."
        ) from exc


def _reason(exc: Exception) -> str:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        if hasattr(exc, "message_dict"):
            return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
        return " ".join(exc.messages)
    return f"{exc.__class__.__name__}: {exc}"


def _write_batch(records: list[AttackRecord], summary: ImportSummary, by, service: str) -> None:
    from django.db import transaction

    from config.history import history_context

    tally = _Tally()
    with transaction.atomic(), history_context(by, service):
        _write(records, tally, by)
    tally.add_to(summary)  # only once the batch is committed


class _Tally:
    """Counts of one batch, added to the summary only when the batch commits."""

    def __init__(self):
        from collections import Counter

        self.created = self.updated = self.unchanged = 0
        self.counts = Counter()

    def add_to(self, summary: ImportSummary) -> None:
        summary.created += self.created
        summary.updated += self.updated
        summary.unchanged += self.unchanged
        summary.counts.update(self.counts)


def _write(records: list[AttackRecord], tally: _Tally, by) -> None:
    from django.utils import timezone

    from casualties.choices import ClaimOrigin
    from casualties.models import Claim, Decision
    from casualties.services import FiguresImport
    from strikes.models import Attack, AttackMunition
    from strikes.services import attack_search_refresh

    now = timezone.now()
    own = {r.own_id for r in records if r.own_id is not None}
    found_own = dict(Attack.objects.filter(pk__in=own).values_list("pk", "created_at")) if own else {}
    records = [_own_or_external(r, found_own) for r in records]
    keyed = [r for r in records if r.own_id is None]

    by_key: dict[tuple[str, str], Attack] = {}
    if keyed:
        sources = {r.external_source for r in keyed}
        ids = [r.external_id for r in keyed]
        for attack in Attack.objects.filter(external_source__in=sources, external_id__in=ids):
            by_key[(attack.external_source, attack.external_id)] = attack

    created: list[tuple[AttackRecord, Attack]] = []
    touched: list[tuple[AttackRecord, Attack]] = []  # existing attacks whose figures/sources we refresh
    changed_attacks: list[Attack] = []
    changed_fields: set[str] = set()
    for record in records:
        if record.own_id is not None:
            tally.unchanged += 1
            tally.counts["rows naming an attack already in Strikewatch (left as it is)"] += 1
            continue
        attack = by_key.get((record.external_source, record.external_id))
        if attack is None:
            attack = Attack(
                status=record.status,
                external_source=record.external_source,
                external_id=record.external_id,
                created_by=by if by is not None and by.pk else None,
                **record.fields,
            )
            attack.clean_fields(exclude=["search_vector", "place", "wave", "created_by"])
            attack.clean()
            created.append((record, attack))
            by_key[(record.external_source, record.external_id)] = attack
            continue
        diff = [
            name for name in IMPORTED_FIELDS if name in record.fields and getattr(attack, name) != record.fields[name]
        ]
        for name in diff:
            setattr(attack, name, record.fields[name])
        if diff:
            attack.clean_fields(exclude=["search_vector", "place", "wave", "created_by"])
            attack.updated_at = now
            changed_attacks.append(attack)
            changed_fields.update(diff)
        touched.append((record, attack))

    # New attacks: their figures in bulk through the casualties service (the attack rows get
    # their killed/injured/disputed before the insert, so each has one history entry).
    new_figures = FiguresImport(by=by)
    for record, attack in created:
        new_figures.add(attack, record.claims, record.decisions)
    Attack.objects.bulk_create([a for _r, a in created])
    if changed_attacks:
        Attack.objects.bulk_update(changed_attacks, [*sorted(changed_fields), "updated_at"])
    pairs = created + touched

    # Munitions: links the dataset names are added; links someone added by hand are kept.
    existing_links = set(
        AttackMunition.objects.order_by()
        .filter(attack_id__in=[a.pk for _r, a in touched])
        .values_list("attack_id", "munition_id")
    )
    new_links = [
        AttackMunition(attack_id=a.pk, munition_id=mid, count=count)
        for r, a in pairs
        for mid, count in r.munition_ids
        if (a.pk, mid) not in existing_links
    ]
    AttackMunition.objects.bulk_create(new_links)
    added_links = {link.attack_id for link in new_links}

    added_sources = _sources_write(pairs)

    # New attacks: their figures in bulk (casualties.services.FiguresImport). Attacks already here:
    # through the claims services, which lock the attack, keep versions and refresh its published figures.
    new_figures.save()
    attack_ids = [a.pk for _r, a in touched]
    # The dataset's live claim per (attack, category, label), else its latest withdrawn one
    # (PostgreSQL sorts NULLs first in a descending order, so a live claim comes first).
    claims = {}
    for claim in Claim.objects.filter(
        attack_id__in=attack_ids, origin=ClaimOrigin.IMPORTED, article__isnull=True
    ).order_by("-withdrawn_at", "-id"):
        claims.setdefault((claim.attack_id, claim.category, claim.source_label), claim)
    decisions = {
        (d.attack_id, d.category): d for d in Decision.objects.filter(attack_id__in=attack_ids, is_current=True)
    }
    figures_changed: set[int] = set()
    for record, attack in touched:
        recorded = {}
        for figure in record.claims:
            claim, changed = _claim_sync(
                attack, figure, claims.get((attack.pk, figure.category, figure.source_label)), by
            )
            recorded[figure.category] = claim
            if changed:
                figures_changed.add(attack.pk)
        for decision in record.decisions:
            outcome = _decision_sync(attack, decision, decisions.get((attack.pk, decision.category)), recorded)
            if outcome == "made":
                figures_changed.add(attack.pk)
            elif outcome == "kept":
                tally.counts["editors' decisions kept (the dataset's figure is recorded as a claim only)"] += 1

    new_ids = {a.pk for _r, a in created}
    for _record, attack in pairs:
        if attack.pk in new_ids:
            tally.created += 1
        elif (
            attack in changed_attacks
            or attack.pk in figures_changed
            or attack.pk in added_sources
            or attack.pk in added_links
        ):
            tally.updated += 1
        else:
            tally.unchanged += 1

    refresh = new_ids | {a.pk for a in changed_attacks} | added_sources
    if refresh:
        attack_search_refresh(attack_ids=refresh)


def _own_or_external(record: AttackRecord, found_own: dict) -> AttackRecord:
    """Keep ``own_id`` only when it names this database's attack; otherwise the row is an
    external event keyed by its event id (an export from another Strikewatch has the same
    "UKR-SW<n>" ids for different attacks: their created_at tells them apart)."""
    if record.own_id is None:
        return record
    created_at = found_own.get(record.own_id)
    same = created_at is not None and (
        record.own_created_at is None or _same_instant(created_at, record.own_created_at)
    )
    if not same:
        record.own_id = None
    return record


def _same_instant(stored: dt.datetime, written: dt.datetime) -> bool:
    """``written`` (from a file) is ``stored`` to the precision the file kept: the export writes
    microseconds, but a spreadsheet round trip may have cut them, or the seconds."""
    if written.microsecond:
        return stored == written
    if written.second:
        return stored.replace(microsecond=0) == written
    return stored.replace(second=0, microsecond=0) == written


def _sources_write(pairs: list[tuple[AttackRecord, object]]) -> set[int]:
    """Articles for the records' sources; returns the ids of attacks that gained one."""
    from sources.choices import ArticleOrigin, ArticleStatus
    from sources.models import Article, Outlet

    wanted = [(r, a, s) for r, a in pairs for s in r.sources]
    if not wanted:
        return set()
    names = {s.outlet[:200] for _r, _a, s in wanted if s.outlet}
    outlets = dict(Outlet.objects.filter(name__in=names).values_list("name", "pk"))
    missing = sorted(names - set(outlets))
    if missing:
        Outlet.objects.bulk_create([Outlet(name=n) for n in missing], ignore_conflicts=True)
        outlets = dict(Outlet.objects.filter(name__in=names).values_list("name", "pk"))

    attack_ids = {a.pk for _r, a, _s in wanted}
    have = set()
    for attack_id, title, outlet_id, published_at, canonical in Article.objects.filter(
        attack_id__in=attack_ids
    ).values_list("attack_id", "title", "outlet_id", "published_at", "canonical_url"):
        have.add((attack_id, title, outlet_id, published_at))
        if canonical:
            have.add((attack_id, canonical))
    urls = {s.url for _r, _a, s in wanted if s.url}
    # An article already stored under the URL: linked to this attack when it is linked to none
    # (our own export read back into a database that kept its articles); otherwise left alone.
    by_url = dict(Article.objects.filter(canonical_url__in=urls).values_list("canonical_url", "attack_id"))

    new, adopt = [], {}
    for _record, attack, source in wanted:
        outlet_id = outlets.get(source.outlet[:200]) if source.outlet else None
        title = source.title[:1000]
        if source.url:
            if (attack.pk, source.url) in have:
                continue
            have.add((attack.pk, source.url))
            if source.url in by_url:
                if by_url[source.url] is None:
                    adopt[source.url] = attack.pk
                    by_url[source.url] = attack.pk
                continue
            by_url[source.url] = attack.pk  # one article per URL, even when two events cite it
        else:
            key = (attack.pk, title, outlet_id, source.published_at)
            if key in have:
                continue
            have.add(key)
        new.append(
            Article(
                url=source.url,
                canonical_url=source.url or None,
                title=title,
                outlet_id=outlet_id,
                published_at=source.published_at,
                origin=ArticleOrigin.IMPORT,
                status=ArticleStatus.FETCHED,
                attack_id=attack.pk,
            )
        )
    Article.objects.bulk_create(new)
    for url, attack_id in adopt.items():
        Article.objects.filter(canonical_url=url, attack__isnull=True).update(attack_id=attack_id)
    return {a.attack_id for a in new} | set(adopt.values())


def _claim_sync(attack, figure: FigureRecord, current, by):
    """Record the figure unless the dataset's latest claim already says the same; returns
    (the live claim or None, whether anything was written). ``current`` is that latest claim."""
    from casualties.choices import ClaimOrigin
    from casualties.services import claim_record, claim_withdraw

    if current is not None:
        same = (current.value, current.low, current.high, current.qualifier) == (
            figure.value,
            figure.low,
            figure.high,
            figure.qualifier,
        )
        if same:
            # Unchanged; and if someone withdrew it, the withdrawal stands (the file says nothing new).
            return (current if current.withdrawn_at is None else None), False
        if current.withdrawn_at is None:
            claim_withdraw(claim=current, by=by, reason=f"Superseded by a newer {figure.source_label} import.")
    claim = claim_record(
        attack=attack,
        category=figure.category,
        value=figure.value,
        qualifier=figure.qualifier,
        low=figure.low,
        high=figure.high,
        reported_at=figure.reported_at,
        source_label=figure.source_label,
        origin=ClaimOrigin.IMPORTED,
        by=by,
    )
    return claim, True


def _decision_sync(attack, decision: DecisionRecord, current, recorded: dict) -> str:
    """Make the dataset's decision when it is new or changed and no editor has decided since.

    The decision is the dataset's, not the person's who ran the import: ``by=None``, with the
    dataset named in ``source_label``.
    """
    from casualties.services import decision_make

    if current is not None:
        if current.source_label != decision.source_label:
            return "kept"
        if (current.best, current.low, current.high) == (decision.best, decision.low, decision.high):
            return "same"
    claim = recorded.get(decision.category)
    decision_make(
        attack=attack,
        category=decision.category,
        best=decision.best,
        low=decision.low,
        high=decision.high,
        rationale=decision.rationale,
        by=None,
        rests_on=[claim] if claim is not None else None,
        source_label=decision.source_label,
    )
    return "made"
